package handlers

import (
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/views"
)

// How a page answers: a component, a redirect, and flash messages, the same way for a full page and for htmx.

// render writes a component with status.
func render(c echo.Context, status int, comp templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().Header().Add("Vary", "HX-Request")
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response())
}

// redirect answers a normal request with 303 and an htmx request with HX-Redirect, so htmx does a full load.
func redirect(c echo.Context, to string) error {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Redirect", to)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

func isHTMX(c echo.Context) bool { return isHTMXRequest(c.Request()) }

func isHTMXRequest(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// flash keeps a message for the next page the user sees. For a visitor who is not signed in, that makes a session
// that lives an hour at most.
func (h *Handlers) flash(c echo.Context, kind, text string) {
	ctx := c.Request().Context()
	if h.sessions.GetString(ctx, sessUserID) == "" {
		h.sessions.SetDeadline(ctx, time.Now().Add(anonymousSessionLifetime))
	}
	h.sessions.Put(ctx, sessFlash, kind+"\x00"+text)
}

func (h *Handlers) popFlashes(ctx context.Context) []views.Flash {
	s := h.sessions.PopString(ctx, sessFlash)
	if s == "" {
		return nil
	}
	kind, text, _ := strings.Cut(s, "\x00")
	return []views.Flash{{Kind: kind, Text: text}}
}

// withFlashes renders a fragment followed by flash messages swapped out of band, for htmx answers.
func withFlashes(fragment templ.Component, flashes []views.Flash) templ.Component {
	if len(flashes) == 0 {
		return fragment
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := fragment.Render(ctx, w); err != nil {
			return err
		}
		return views.FlashesOOB(flashes).Render(ctx, w)
	})
}

// flashError answers an htmx request with an error flash only (nothing else is swapped).
func (h *Handlers) flashError(c echo.Context, status int, msg string) error {
	c.Response().Header().Set("HX-Reswap", "none")
	return render(c, status, views.FlashesOOB([]views.Flash{{Kind: views.FlashError, Text: msg}}))
}
