package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// WriteSlack is how much longer than its deadline an answer may take to be written, so that even a request cut
// off by its deadline gets its 503.
const WriteSlack = 30 * time.Second

// clientIP reads the client's address from the connection, or from X-Forwarded-For when the connection comes from
// one of the trusted proxies (the rightmost address not itself a trusted proxy). Nothing is trusted by default: a
// forged header would otherwise choose the address that rate limits count and the audit log records.
func clientIP(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		_, n, err := net.ParseCIDR(p.String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// secureCookies marks cookies Secure when the app is served over HTTPS, or on a loopback address, which browsers
// treat as a secure origin even over plain HTTP. Anything else over HTTP (a LAN address) cannot use Secure
// cookies: the browser would drop them and nobody could sign in.
func secureCookies(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	return IsLoopbackURL(baseURL)
}

// IsLoopbackURL reports whether a URL names this machine only (localhost or a loopback address).
func IsLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// RequestLogger logs each request once its answer is decided, at level: errors go through the error handler first
// (HandleError), so the status logged is the one the client got. Secrets in the URI are redacted.
func RequestLogger(log *slog.Logger, level slog.Level) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			if strings.HasPrefix(v.URI, "/static/") || v.URI == "/healthz" {
				return nil
			}
			log.LogAttrs(c.Request().Context(), level, "request",
				slog.String("id", v.RequestID), slog.String("method", v.Method), slog.String("uri", redactURI(v.URI)),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency), slog.String("ip", v.RemoteIP))
			return nil
		},
	})
}

// uploadRoutes take a file in the body (an image, an attachment), which over a slow link may need longer than
// ReadTimeout.
var uploadRoutes = map[string]bool{
	"/api/v1/users/me/avatar/upload":        true,
	"/api/v1/organizations/:id/logo/upload": true,
	"/profile/avatar":                       true,
	"/settings/organization/logo":           true,
	"/api/v1/files/upload":                  true,
	"/tasks/:id/attachments":                true,
}

// deadlines ends a request's context after RequestTimeout, so that a stalled database cannot hold it forever,
// and gives upload routes UploadTimeout instead, for the context and for reading the body (the server's
// ReadTimeout cuts off other bodies that trickle in).
// streamRoutes answer with a stream that lasts as long as the client listens: no deadline, no compression.
var streamRoutes = map[string]bool{"/api/v1/events": true}

// setDeadlines moves the connection's read and write deadlines. A writer with no connection deadlines to move
// (http.ErrNotSupported: a recorder that serves a request in memory) keeps the request's context deadline alone.
func setDeadlines(w http.ResponseWriter, read, write time.Time) error {
	rc := http.NewResponseController(w)
	for _, err := range []error{rc.SetReadDeadline(read), rc.SetWriteDeadline(write)} {
		if err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
	}
	return nil
}

func deadlines(cfg Config) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			limit := cfg.RequestTimeout
			if limit <= 0 {
				return next(c)
			}
			if c.Request().Method == http.MethodGet && streamRoutes[c.Request().URL.Path] {
				// A live stream stays open for hours; it ends when the client leaves or the server stops.
				if err := setDeadlines(c.Response().Writer, time.Time{}, time.Time{}); err != nil {
					return err
				}
				return next(c)
			}
			if c.Request().Method == http.MethodPost && uploadRoutes[c.Path()] {
				limit = cfg.UploadTimeout
				end := time.Now().Add(cfg.UploadTimeout)
				if err := setDeadlines(c.Response().Writer, end, end.Add(WriteSlack)); err != nil {
					return err
				}
			}
			req := c.Request()
			ctx, cancel := context.WithTimeout(req.Context(), limit)
			defer cancel()
			c.SetRequest(req.WithContext(ctx))
			err := next(c)
			// The error page is rendered after this returns, so it gets the request's own context back.
			c.SetRequest(req)
			return err
		}
	}
}
