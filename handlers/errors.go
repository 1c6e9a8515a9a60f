package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// HandleError renders a friendly error page for every page route. Form errors never get here: each form
// re-renders itself with its messages. Unknown errors are logged with the request id and shown without internals.
func (h *Handlers) HandleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ev := views.ErrorView{RequestID: c.Response().Header().Get(echo.HeaderXRequestID)}
	var he *echo.HTTPError
	var forbid *store.ForbiddenError
	switch {
	case errors.Is(err, store.ErrNotFound):
		ev.Status, ev.Title, ev.Message = http.StatusNotFound, "Page not found", "It may have been moved or deleted, or you may not have access to it."
	case errors.As(err, &forbid):
		ev.Status, ev.Title, ev.Message = http.StatusForbidden, "Not allowed", sentence(forbid.Message)
	case errors.Is(err, store.ErrForbidden):
		ev.Status, ev.Title, ev.Message = http.StatusForbidden, "Not allowed", "You do not have permission to do this."
	case errors.As(err, &he) && he.Code < 500:
		ev.Status, ev.Title = he.Code, http.StatusText(he.Code)
		if he.Code == http.StatusNotFound {
			ev.Title, ev.Message = "Page not found", "It may have been moved or deleted, or you may not have access to it."
		} else if m, ok := he.Message.(string); ok {
			ev.Message = m
		}
	default:
		h.log.Error("page failed", "request_id", ev.RequestID, "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
		ev.Status, ev.Title, ev.Message = http.StatusInternalServerError, "Something went wrong", "We could not complete this request. Please try again."
	}
	p := views.Page{Title: ev.Title, CSRFToken: csrfToken(c), DevMailbox: h.opts.DevMailbox}
	if u := currentUser(c); u != nil {
		p.CurrentUser = viewUser(*u)
	}
	if isHTMX(c) {
		// htmx does not swap errors; show them as a flash message instead.
		c.Response().Header().Set("HX-Reswap", "none")
		_ = render(c, ev.Status, views.FlashesOOB([]views.Flash{{Kind: views.FlashError, Text: ev.Title + ": " + ev.Message}}))
		return
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(ev.Status)
		return
	}
	_ = render(c, ev.Status, views.ErrorPage(p, ev))
}
