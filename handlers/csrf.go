package handlers

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"
)

// errCSRF refuses a state-changing request without the session's token.
var errCSRF = echo.NewHTTPError(http.StatusForbidden, "Your session expired or the form was stale. Reload the page and try again.")

// csrf keeps a synchronizer token in the session and requires it on every state-changing request: in the
// X-CSRF-Token header (htmx sends it from hx-headers on <body>) or in the _csrf field of a url-encoded form (plain
// forms). A multipart body is never parsed for it: parsing spools files to disk before anyone is authenticated.
func (h *Handlers) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		token := h.sessions.GetString(ctx, sessCSRF)
		if token == "" {
			token = newCSRFToken()
			h.sessions.Put(ctx, sessCSRF, token)
		}
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			sent := c.Request().Header.Get("X-CSRF-Token")
			if sent == "" && isURLEncoded(c.Request()) {
				sent = c.FormValue("_csrf")
			}
			if subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
				return errCSRF
			}
		}
		c.Set("csrf", token)
		return next(c)
	}
}

func csrfToken(c echo.Context) string {
	s, _ := c.Get("csrf").(string)
	return s
}

func newCSRFToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
