package handlers

import (
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Request body limits of the pages. Every page form is a few kilobytes; uploads are an image of at most 5 MB.
const (
	maxPageBody   = 1 << 20
	maxUploadBody = 6 << 20
)

var (
	errBodyTooLarge     = echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The request is too large.")
	errMultipartRefused = echo.NewHTTPError(http.StatusUnsupportedMediaType, "This form does not take files.")
)

// limitBody refuses bodies over limit, and multipart bodies on routes that take no file. Nothing can then make a
// page route spool a file to disk: only upload routes parse multipart, and formFile removes what it spooled.
func limitBody(limit int64, multipart bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.ContentLength > limit {
				return errBodyTooLarge
			}
			if !multipart && isMultipart(r) {
				return errMultipartRefused
			}
			r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
			return next(c)
		}
	}
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get(echo.HeaderContentType)), "multipart/")
}

// loopbackOnly answers 404 unless the connection itself comes from this machine. The peer address is the TCP
// connection's, never a forwarded header, which anyone can send.
func loopbackOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			return echo.ErrNotFound
		}
		return next(c)
	}
}
