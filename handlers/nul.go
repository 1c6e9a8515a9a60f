package handlers

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// errNUL refuses text with a NUL character: PostgreSQL cannot store it, and no form or link ever sends one.
var errNUL = echo.NewHTTPError(http.StatusBadRequest, "The request contained a NUL character, which text cannot hold. Remove it and try again.")

// refuseNUL answers 400 with the error page to a NUL character in the path, the query or a url-encoded form,
// before any handler reads them. Multipart bodies carry only uploads (whose bytes may hold anything) and the
// CSRF token, so they are left to the handlers.
func refuseNUL(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if strings.ContainsRune(r.URL.Path, 0) || hasNUL(c.QueryParams()) {
			return errNUL
		}
		if isURLEncoded(r) && r.ParseForm() == nil && hasNUL(r.PostForm) {
			return errNUL
		}
		return next(c)
	}
}

func isURLEncoded(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return false
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return ct == "application/x-www-form-urlencoded"
}

func hasNUL(values url.Values) bool {
	for k, vs := range values {
		if strings.ContainsRune(k, 0) {
			return true
		}
		for _, v := range vs {
			if strings.ContainsRune(v, 0) {
				return true
			}
		}
	}
	return false
}
