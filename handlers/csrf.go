package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"
)

// errCSRF refuses a state-changing request without the session's token.
var errCSRF = echo.NewHTTPError(http.StatusForbidden, "Your session expired or the form was stale. Reload the page and try again.")

// anonCSRFCookie holds a random nonce for visitors without a session; their token is its HMAC, so no session row is
// stored for someone who only looks at the sign-in page, and a cookie planted by a sibling domain is useless
// without the key.
const (
	anonCSRFCookie   = "trcr_csrf"
	anonCSRFLifetime = 12 * 60 * 60 // seconds
)

// csrf requires a synchronizer token on every state-changing request: in the X-CSRF-Token header (htmx sends it
// from hx-headers on <body>) or in the _csrf field of a url-encoded form (plain forms). A multipart body is never
// parsed for it: parsing spools files to disk before anyone is authenticated. The token lives in the session once
// there is one, else it is derived from a cookie (see anonCSRFCookie).
func (h *Handlers) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := h.sessions.GetString(c.Request().Context(), sessCSRF)
		if token == "" {
			token = h.anonymousCSRF(c)
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

// anonymousCSRF is the token of a visitor without a session: the HMAC of the nonce in their cookie, set now when
// they have none (a request that arrives without it then fails the check, as it should).
func (h *Handlers) anonymousCSRF(c echo.Context) string {
	nonce := ""
	if ck, err := c.Cookie(anonCSRFCookie); err == nil && len(ck.Value) == 43 {
		nonce = ck.Value
	}
	if nonce == "" {
		nonce = newCSRFToken()
		c.SetCookie(&http.Cookie{
			Name: anonCSRFCookie, Value: nonce, Path: "/", MaxAge: anonCSRFLifetime,
			HttpOnly: true, Secure: h.sessions.Cookie.Secure, SameSite: http.SameSiteLaxMode,
		})
	}
	m := hmac.New(sha256.New, h.opts.CSRFKey)
	m.Write([]byte(nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
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
