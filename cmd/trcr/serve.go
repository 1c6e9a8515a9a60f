package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	_ "github.com/lib/pq"

	"github.com/trcr/trcr/api"
	"github.com/trcr/trcr/handlers"
	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/static"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/blob"
	"github.com/trcr/trcr/store/mail"
	"github.com/trcr/trcr/store/pgembed"
)

// database opens the configured database, or starts the embedded cluster under the data dir when none is
// configured. The returned stop function stops what was started.
func database(ctx context.Context, cfg config, log *slog.Logger) (*sqlx.DB, func(), error) {
	stop := func() {}
	url := cfg.DatabaseURL
	if url == "" {
		cluster, err := pgembed.Start(ctx, pgembed.Options{Dir: filepath.Join(cfg.DataDir, "postgres"), Logger: log})
		if err != nil {
			return nil, nil, fmt.Errorf("embedded postgres: %w", err)
		}
		stop = func() {
			if err := cluster.Stop(); err != nil {
				log.Error("stop embedded postgres", "err", err)
			}
		}
		if err := cluster.EnsureDatabase(ctx, "trcr"); err != nil {
			stop()
			return nil, nil, err
		}
		url = cluster.URL("trcr")
		log.Info("embedded postgres running", "dir", filepath.Join(cfg.DataDir, "postgres"))
	}
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		stop()
		return nil, nil, err
	}
	// Long-lived connections: lib/pq plans each statement anew, so reuse beats reconnecting.
	db.SetMaxOpenConns(25)
	db.SetMaxIdleConns(25)
	db.SetConnMaxIdleTime(30 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		if err = db.PingContext(pingCtx); err == nil {
			break
		}
		select {
		case <-pingCtx.Done():
			db.Close()
			stop()
			return nil, nil, fmt.Errorf("database does not answer: %w", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
	return db, func() { db.Close(); stop() }, nil
}

func migrate(ctx context.Context, cfg config, log *slog.Logger) error {
	db, closeDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := migrations.Up(ctx, db.DB); err != nil {
		return err
	}
	log.Info("migrations applied")
	return nil
}

// app is a running server's parts.
type app struct {
	echo   *echo.Echo
	store  *store.Store
	blobs  blob.Store
	local  *blob.Local
	mailer mail.Sender
}

func newApp(ctx context.Context, cfg config, db *sqlx.DB, log *slog.Logger) (*app, error) {
	secret, err := cfg.secret()
	if err != nil {
		return nil, err
	}
	a := &app{}
	if cfg.S3Endpoint != "" {
		s3, err := blob.NewS3(ctx, blob.S3Config{
			Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, Region: cfg.S3Region,
			PublicEndpoint: cfg.S3PublicEndpoint,
		})
		if err != nil {
			return nil, fmt.Errorf("s3: %w", err)
		}
		a.blobs = s3
	} else {
		local, err := blob.NewLocal(filepath.Join(cfg.DataDir, "files"), cfg.BaseURL, store.DeriveKey(secret, "blob-url"))
		if err != nil {
			return nil, err
		}
		a.blobs, a.local = local, local
	}
	if cfg.SMTPURL != "" {
		sender, err := mail.NewSMTP(cfg.SMTPURL, cfg.SMTPFrom)
		if err != nil {
			return nil, fmt.Errorf("smtp: %w", err)
		}
		a.mailer = sender
	}
	a.store = store.New(db, a.blobs, store.Config{BaseURL: cfg.BaseURL, Secret: secret, AuthRateLimit: cfg.AuthRateLimit,
		OrgEmailsPerHour: cfg.OrgEmailsPerHour, OrgEmailsPerDay: cfg.OrgEmailsPerDay}, log)

	sessions := scs.New()
	sessions.Store = postgresstore.NewWithCleanupInterval(db.DB, 30*time.Minute)
	sessions.Lifetime = 30 * 24 * time.Hour
	sessions.IdleTimeout = 7 * 24 * time.Hour
	sessions.Cookie.Name = "trcr_session"
	sessions.Cookie.HttpOnly = true
	sessions.Cookie.SameSite = http.SameSiteLaxMode
	sessions.Cookie.Secure = secureCookies(cfg.BaseURL)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = clientIP(cfg.TrustedProxies)
	e.Use(middleware.RequestID())
	e.Use(requestLogger(log))
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		log.Error("panic", "request_id", c.Response().Header().Get(echo.HeaderXRequestID), "err", err, "stack", string(stack))
		return err
	}}))
	// Pages such as a 2,000-task board or timeline are large HTML documents that compress about tenfold.
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 1024, Skipper: func(c echo.Context) bool {
		return strings.HasPrefix(c.Request().URL.Path, "/blobs/")
	}}))
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection: "0", ContentTypeNosniff: "nosniff", XFrameOptions: "DENY", ReferrerPolicy: "same-origin",
		ContentSecurityPolicy: contentSecurityPolicy(cfg),
	}))

	apiV1 := api.New(a.store, log)
	pages := handlers.New(a.store, sessions, handlers.Options{DevMailbox: cfg.DevMailbox, Logger: log, CSRFKey: store.DeriveKey(secret, "csrf")})
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			apiV1.HandleError(err, c)
			return
		}
		pages.HandleError(err, c)
	}
	e.GET("/healthz", func(c echo.Context) error {
		if err := a.store.Ping(c.Request().Context()); err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/static/*", echo.WrapHandler(static.Handler()))
	if a.local != nil {
		e.Match([]string{http.MethodGet, http.MethodHead}, "/blobs/*", echo.WrapHandler(a.local.Handler()))
	}
	apiV1.Mount(e.Group("/api/v1"))
	pages.Mount(e)
	a.echo = e
	return a, nil
}

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
	return isLoopbackURL(baseURL)
}

// isLoopbackURL reports whether a URL names this machine only (localhost or a loopback address).
func isLoopbackURL(raw string) bool {
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

func requestLogger(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true, LogRequestID: true, LogRemoteIP: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			if strings.HasPrefix(v.URI, "/static/") || v.URI == "/healthz" {
				return nil
			}
			log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("id", v.RequestID), slog.String("method", v.Method), slog.String("uri", v.URI),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency), slog.String("ip", v.RemoteIP))
			return nil
		},
	})
}

func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	db, closeDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := migrations.Up(ctx, db.DB); err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, db, log)
	if err != nil {
		return err
	}

	// Background work runs until the server has drained, then finishes what it holds.
	bgCtx, stopBackground := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	if a.mailer != nil {
		bg.Add(1)
		go func() { defer bg.Done(); a.store.RunMailer(bgCtx, a.mailer, 2*time.Second) }()
	} else if cfg.DevMailbox {
		log.Info("no TRCR_SMTP_URL: emails stay in the outbox; read them at " + cfg.BaseURL + "/dev/mailbox (from this machine only)")
	} else {
		log.Warn("no TRCR_SMTP_URL: emails (verification, password resets, invitations, invoices) stay unsent in the outbox; set TRCR_SMTP_URL, or TRCR_DEV_MAILBOX=true on a development machine")
	}
	bg.Add(1)
	go func() { defer bg.Done(); a.store.RunJanitor(bgCtx, 5*time.Minute) }()
	bg.Add(1)
	go func() { defer bg.Done(); a.store.RunAuthMail(bgCtx, 2*time.Second) }()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		stopBackground()
		return err
	}
	srv := &http.Server{Handler: a.echo, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("TRCR is running", "url", cfg.BaseURL)
	fmt.Printf("\n  TRCR is running at %s\n\n", cfg.BaseURL)

	select {
	case err := <-errc:
		stopBackground()
		bg.Wait()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("shutdown", "err", err)
	}
	stopBackground()
	bg.Wait()
	log.Info("stopped")
	return nil
}
