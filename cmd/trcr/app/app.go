// Package app wires TRCR into one HTTP handler: the store and its adapters, both front ends, the middleware every
// request goes through, the error routing between the front ends, and the routes outside them (health, static
// files, local blobs). cmd/trcr serves it; the tests of api/ and handlers/ build it too, so that they run the
// production middleware. It reads no environment: cmd/trcr/config.go does, and passes a Config.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/trcr/trcr/api"
	"github.com/trcr/trcr/handlers"
	"github.com/trcr/trcr/static"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/blob"
	"github.com/trcr/trcr/store/mail"
)

// Config is what the wiring needs; cmd/trcr/config.go documents each setting.
type Config struct {
	// Store configures the domain; its BaseURL and Secret serve the wiring too (file links, cookies, CSRF tokens).
	Store store.Config
	// DataDir holds the local files (DataDir/files) when no S3 endpoint is set.
	DataDir string
	// DatabaseURL is where the live-event hub opens its own LISTEN connection.
	DatabaseURL      string
	SMTPURL          string
	SMTPFrom         string
	S3Endpoint       string
	S3Bucket         string
	S3AccessKey      string
	S3SecretKey      string
	S3Region         string
	S3PublicEndpoint string
	DevMailbox       bool
	TrustedProxies   []netip.Prefix
	RequestTimeout   time.Duration
	// RequestLogLevel is the level of the one log line per request (debug under `make run`).
	RequestLogLevel slog.Level
	UploadTimeout   time.Duration
}

// App is a server's parts.
type App struct {
	Echo  *echo.Echo
	Store *store.Store
	Blobs blob.Store
	// Mailer sends the outbox; nil without SMTP.
	Mailer mail.Sender
	// Hub delivers live events to this process's streams; whoever serves the app runs it.
	Hub      *store.Hub
	local    *blob.Local
	sessions *postgresstore.PostgresStore
	// draining is set on SIGTERM: /healthz answers 503 so that load balancers stop sending requests.
	draining atomic.Bool
}

// New builds the app over an open database. Nothing runs in the background until the caller starts it (the
// hub, the mailer and the workers: see cmd/trcr serve), except the cleanup of expired sessions (see Close).
func New(ctx context.Context, cfg Config, db *sqlx.DB, log *slog.Logger) (*App, error) {
	a := &App{}
	if cfg.S3Endpoint != "" {
		s3, err := blob.NewS3(ctx, blob.S3Config{
			Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Region: cfg.S3Region,
			PublicEndpoint: cfg.S3PublicEndpoint,
		})
		if err != nil {
			return nil, fmt.Errorf("s3: %w", err)
		}
		a.Blobs = s3
	} else {
		local, err := blob.NewLocal(filepath.Join(cfg.DataDir, "files"), cfg.Store.BaseURL, store.DeriveKey(cfg.Store.Secret, "blob-url"))
		if err != nil {
			return nil, err
		}
		a.Blobs, a.local = local, local
	}
	if cfg.SMTPURL != "" {
		sender, err := mail.NewSMTP(cfg.SMTPURL, cfg.SMTPFrom)
		if err != nil {
			return nil, fmt.Errorf("smtp: %w", err)
		}
		a.Mailer = sender
	}
	a.Store = store.New(db, a.Blobs, cfg.Store, log)

	sessions := scs.New()
	a.sessions = postgresstore.NewWithCleanupInterval(db.DB, 30*time.Minute)
	// Without QuietSessionStore every page view would write its session to push the idle expiry forward.
	sessions.Store = handlers.QuietSessionStore(a.sessions, 5*time.Minute)
	sessions.Lifetime = 30 * 24 * time.Hour
	sessions.IdleTimeout = 7 * 24 * time.Hour
	sessions.Cookie.Name = "trcr_session"
	sessions.Cookie.HttpOnly = true
	sessions.Cookie.SameSite = http.SameSiteLaxMode
	sessions.Cookie.Secure = secureCookies(cfg.Store.BaseURL)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = clientIP(cfg.TrustedProxies)
	e.Use(middleware.RequestID())
	e.Use(RequestLogger(log, cfg.RequestLogLevel))
	e.Use(deadlines(cfg))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		log.Error("panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err, "stack", string(stack))
		return err
	}}))
	// Pages such as a 2,000-task board or timeline are large HTML documents that compress about tenfold.
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 1024, Skipper: func(c echo.Context) bool {
		return strings.HasPrefix(c.Request().URL.Path, "/blobs/") || streamRoutes[c.Request().URL.Path]
	}}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY", ReferrerPolicy: "same-origin",
		ContentSecurityPolicy: contentSecurityPolicy(cfg),
	}))

	a.Hub = a.Store.NewHub(cfg.DatabaseURL)
	pages := handlers.New(a.Store, sessions, handlers.Options{DevMailbox: cfg.DevMailbox, Logger: log, CSRFKey: store.DeriveKey(cfg.Store.Secret, "csrf")})
	apiV1 := api.New(a.Store, api.Options{Logger: log, Hub: a.Hub, SessionUser: pages.SessionUser})
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			apiV1.HandleError(err, c)
			return
		}
		pages.HandleError(err, c)
	}
	e.GET("/healthz", a.healthz)
	e.GET("/static/*", echo.WrapHandler(static.Handler()))
	if a.local != nil {
		e.Match([]string{http.MethodGet, http.MethodHead}, "/blobs/*", echo.WrapHandler(a.local.Handler()))
	}
	apiV1.Mount(e.Group("/api/v1"))
	apiV1.MountDocs(e)
	pages.Mount(e)
	a.Echo = e
	return a, nil
}

// ServeHTTP serves a request through the middleware and routes.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.Echo.ServeHTTP(w, r) }

// Drain makes /healthz answer 503 from now on, so that load balancers stop sending requests before shutdown.
func (a *App) Drain() { a.draining.Store(true) }

// Close stops the cleanup of expired sessions. A server never needs to; a test that builds an app per database
// does, so that no goroutine outlives its database.
func (a *App) Close() { a.sessions.StopCleanup() }

// healthTimeout keeps /healthz under a second even when the database or storage does not answer.
const healthTimeout = 900 * time.Millisecond

// healthz answers 200 when the database and file storage work, else 503 naming what is wrong; 503 too while
// the server is shutting down.
func (a *App) healthz(c echo.Context) error {
	if a.draining.Load() {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "shutting down"})
	}
	h := a.Store.Health(c.Request().Context(), healthTimeout)
	body := struct {
		Status string `json:"status"`
		store.Health
	}{"ok", h}
	if !h.OK() {
		body.Status = "unavailable"
		return c.JSON(http.StatusServiceUnavailable, body)
	}
	return c.JSON(http.StatusOK, body)
}
