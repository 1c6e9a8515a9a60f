package handlers

import (
	"errors"
	"net/http"
	"strconv"

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
	ev, retryAfter := h.errorView(err, c.Request(), c.Path(), c.Response().Header().Get(echo.HeaderXRequestID))
	p := views.Page{Title: ev.Title, CSRFToken: csrfToken(c), DevMailbox: h.opts.DevMailbox}
	if u := currentUser(c); u != nil {
		p.CurrentUser = viewUser(*u)
	}
	h.writeError(c.Response(), c.Request(), p, ev, retryAfter)
}

// sessionFailed is the session manager's ErrorFunc: loading or saving the session (a PostgreSQL row) failed, so
// no page ran or its answer cannot be completed. A database outage then gets the same 503 page as anywhere else.
func (h *Handlers) sessionFailed(w http.ResponseWriter, r *http.Request, err error) {
	ev, retryAfter := h.errorView(err, r, "", w.Header().Get(echo.HeaderXRequestID))
	h.writeError(w, r, views.Page{Title: ev.Title, DevMailbox: h.opts.DevMailbox}, ev, retryAfter)
}

// errorView decides the status and the words of an error page. Failures of the server are logged with the
// route (not the path, which may hold a token) and the request id, which the access log shares. retryAfter is
// the Retry-After in seconds of a 503, else 0.
func (h *Handlers) errorView(err error, r *http.Request, route, requestID string) (ev views.ErrorView, retryAfter int) {
	err = store.Classify(err)
	ev.RequestID = requestID
	var he *echo.HTTPError
	se := store.ErrorOf(err)
	switch {
	case se != nil:
		ev = storeErrorView(se)
		ev.RequestID = requestID
		retryAfter = se.RetryAfterSeconds()
	case errors.As(err, &he) && he.Code < 500:
		ev.Status, ev.Title = he.Code, http.StatusText(he.Code)
		if he.Code == http.StatusNotFound {
			ev.Title, ev.Message = "Page not found", notFoundMessage
		} else if m, ok := he.Message.(string); ok {
			ev.Message = m
		}
	default:
		ev.Status, ev.Title, ev.Message = http.StatusInternalServerError, "Something went wrong", "We could not complete this request. Please try again."
	}
	if ev.Status >= 500 {
		h.log.Error("page failed", "request_id", requestID, "method", r.Method, "route", route, "status", ev.Status, "err", err)
	}
	if ev.Status != http.StatusServiceUnavailable && ev.Status != http.StatusTooManyRequests {
		retryAfter = 0
	}
	return ev, retryAfter
}

const notFoundMessage = "It may have been moved or deleted, or you may not have access to it."

// storeErrorView is the error page of each kind of store error that reaches it; forms show theirs in place.
func storeErrorView(se *store.Error) views.ErrorView {
	page := func(status int, title, message string) views.ErrorView {
		return views.ErrorView{Status: status, Title: title, Message: message}
	}
	switch se.Kind {
	case store.ErrUnavailable:
		return page(http.StatusServiceUnavailable, "Temporarily unavailable", sentence(se.Message))
	case store.ErrInsufficientStorage:
		return page(http.StatusInsufficientStorage, "File storage is unavailable", sentence(se.Message)+" Please tell your administrator.")
	case store.ErrInvalid:
		return page(http.StatusBadRequest, "Invalid input", sentence(se.Message))
	case store.ErrNotFound:
		return page(http.StatusNotFound, "Page not found", notFoundMessage)
	case store.ErrForbidden:
		if se.Message == "" {
			return page(http.StatusForbidden, "Not allowed", "You do not have permission to do this.")
		}
		return page(http.StatusForbidden, "Not allowed", sentence(se.Message))
	case store.ErrUnauthorized:
		return page(http.StatusUnauthorized, "Please sign in", orDefault(sentence(se.Message), "Sign in to continue."))
	case store.ErrConflict:
		return page(http.StatusConflict, "Could not be done", orDefault(sentence(se.Message), "Something changed in the meantime. Reload the page and try again."))
	case store.ErrRateLimited:
		return page(http.StatusTooManyRequests, "Too many requests", orDefault(sentence(se.Message), "Please wait a moment and try again."))
	case store.ErrTooLarge:
		return page(http.StatusRequestEntityTooLarge, "Too large", sentence(se.Error()))
	case store.ErrUnsupportedType:
		return page(http.StatusUnsupportedMediaType, "File type not allowed", sentence(se.Message))
	case store.ErrNoOrganization:
		return page(http.StatusBadRequest, "No organization", "Create or join an organization first.")
	}
	return page(http.StatusInternalServerError, "Something went wrong", "We could not complete this request. Please try again.")
}

// writeError answers with the error page, or for htmx with a flash message, since htmx does not swap errors.
func (h *Handlers) writeError(w http.ResponseWriter, r *http.Request, p views.Page, ev views.ErrorView, retryAfter int) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
	comp := views.ErrorPage(p, ev)
	if isHTMXRequest(r) {
		w.Header().Set("HX-Reswap", "none")
		comp = views.FlashesOOB([]views.Flash{{Kind: views.FlashError, Text: ev.Title + ": " + ev.Message}})
	}
	w.Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	w.Header().Add("Vary", "HX-Request")
	w.WriteHeader(ev.Status)
	if r.Method == http.MethodHead {
		return
	}
	_ = comp.Render(r.Context(), w)
}
