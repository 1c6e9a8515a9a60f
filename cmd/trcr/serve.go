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
	"sync/atomic"
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
	"github.com/trcr/trcr/store/seed"
)

// databaseURL returns the configured database's URL, or starts the embedded cluster under the data dir when
// none is configured. The returned stop function stops what was started.
func databaseURL(ctx context.Context, cfg config, log *slog.Logger) (string, func(), error) {
	if cfg.DatabaseURL != "" {
		return cfg.DatabaseURL, func() {}, nil
	}
	cluster, err := pgembed.Start(ctx, pgembed.Options{Dir: filepath.Join(cfg.DataDir, "postgres"), Logger: log})
	if err != nil {
		return "", nil, fmt.Errorf("embedded postgres: %w", err)
	}
	stop := func() {
		if err := cluster.Stop(); err != nil {
			log.Error("stop embedded postgres", "err", err)
		}
	}
	if err := cluster.EnsureDatabase(ctx, "trcr"); err != nil {
		stop()
		return "", nil, err
	}
	log.Info("embedded postgres running", "dir", cluster.Dir())
	return cluster.URL("trcr"), stop, nil
}

// database opens the configured (or embedded) database without a statement timeout, for migrate and seed.
// The returned function closes it and stops what was started.
func database(ctx context.Context, cfg config, log *slog.Logger) (*sqlx.DB, func(), error) {
	url, stop, err := databaseURL(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	db, err := connect(ctx, url, 0)
	if err != nil {
		stop()
		return nil, nil, err
	}
	return db, func() { db.Close(); stop() }, nil
}

// connect opens a pool (see openDB) and waits up to 30 s for the database to answer.
func connect(ctx context.Context, url string, statementTimeout time.Duration) (*sqlx.DB, error) {
	db, err := openDB(url, statementTimeout)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		if err = db.PingContext(pingCtx); err == nil {
			return db, nil
		}
		select {
		case <-pingCtx.Done():
			db.Close()
			return nil, fmt.Errorf("database does not answer: %w", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
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
	// hub delivers live events to this process's streams; serve runs it.
	hub *store.Hub
	// draining is set on SIGTERM: /healthz answers 503 so that load balancers stop sending requests.
	draining atomic.Bool
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
		OrgEmailsPerHour: cfg.OrgEmailsPerHour, OrgEmailsPerDay: cfg.OrgEmailsPerDay,
		MaxFileSize: cfg.MaxFileSize, OrgStorageQuota: cfg.OrgStorageQuota, WebhookAllowPrivate: cfg.WebhookAllowPrivate}, log)

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
	e.Use(requestLogger(log, cfg.RequestLogLevel))
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

	a.hub = a.store.NewHub(cfg.DatabaseURL)
	pages := handlers.New(a.store, sessions, handlers.Options{DevMailbox: cfg.DevMailbox, Logger: log, CSRFKey: store.DeriveKey(secret, "csrf")})
	apiV1 := api.New(a.store, api.Options{Logger: log, Hub: a.hub, SessionUser: pages.SessionUser})
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

// readyBanner is printed last when the server is up: where to open it and, on a development machine (the dev
// mailbox is on), the demo login that `make seed` creates.
func readyBanner(cfg config) string {
	b := "\n  TRCR is running at " + cfg.BaseURL + "\n"
	if cfg.DevMailbox {
		b += "  Demo login: " + seed.DemoOwnerEmail + " / " + seed.DemoPassword + " (run `make seed` in another terminal to create it)\n" +
			"  Emails: " + cfg.BaseURL + "/dev/mailbox\n"
	}
	return b + "\n"
}

// requestLogger logs each request once its answer is decided: errors go through the error handler first
// (HandleError), so the status logged is the one the client got. Secrets in the URI are redacted.
func requestLogger(log *slog.Logger, level slog.Level) echo.MiddlewareFunc {
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

func deadlines(cfg config) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			limit := cfg.RequestTimeout
			if limit <= 0 {
				return next(c)
			}
			if c.Request().Method == http.MethodGet && streamRoutes[c.Request().URL.Path] {
				// A live stream stays open for hours; it ends when the client leaves or the server stops.
				rc := http.NewResponseController(c.Response().Writer)
				if err := errors.Join(rc.SetReadDeadline(time.Time{}), rc.SetWriteDeadline(time.Time{})); err != nil {
					return err
				}
				return next(c)
			}
			if c.Request().Method == http.MethodPost && uploadRoutes[c.Path()] {
				limit = cfg.UploadTimeout
				rc := http.NewResponseController(c.Response().Writer)
				end := time.Now().Add(cfg.UploadTimeout)
				if err := errors.Join(rc.SetReadDeadline(end), rc.SetWriteDeadline(end.Add(writeSlack))); err != nil {
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

// healthTimeout keeps /healthz under a second even when the database or storage does not answer.
const healthTimeout = 900 * time.Millisecond

// healthz answers 200 when the database and file storage work, else 503 naming what is wrong; 503 too while
// the server is shutting down.
func (a *app) healthz(c echo.Context) error {
	if a.draining.Load() {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "shutting down"})
	}
	h := a.store.Health(c.Request().Context(), healthTimeout)
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

// Shutdown bounds: after ShutdownGrace, in-flight requests get drainTimeout to finish, then background work
// (the mailer abandons an email it is sending) backgroundStopTimeout to stop: about 20 s in all by default.
const (
	drainTimeout          = 10 * time.Second
	backgroundStopTimeout = 5 * time.Second
)

func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	dbURL, stopDB, err := databaseURL(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stopDB()
	if err := migrateDB(ctx, dbURL); err != nil {
		return err
	}
	db, err := connect(ctx, dbURL, cfg.RequestTimeout)
	if err != nil {
		return err
	}
	defer db.Close()
	cfg.DatabaseURL = dbURL // the hub listens on a connection of its own
	a, err := newApp(ctx, cfg, db, log)
	if err != nil {
		return err
	}

	// Background work runs until the server has drained, then stops, abandoning what it holds.
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
	bg.Add(1)
	go func() { defer bg.Done(); a.store.RunBlobSweeper(bgCtx, time.Minute) }()
	bg.Add(1)
	go func() { defer bg.Done(); a.store.RunEventJobs(bgCtx, a.hub.WorkerWake(), time.Second) }()
	// The hub stops first at shutdown, so that open live streams end and do not hold up the drain.
	hubCtx, stopHub := context.WithCancel(context.Background())
	hubDone := make(chan struct{})
	go func() {
		defer close(hubDone)
		if err := a.hub.Run(hubCtx, time.Second); err != nil {
			log.Error("live events stopped", "err", err)
		}
	}()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		stopHub()
		stopBackground()
		return err
	}
	srv := newServer(cfg, a.echo)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("TRCR is running", "url", cfg.BaseURL)
	fmt.Print(readyBanner(cfg))

	select {
	case err := <-errc:
		stopHub()
		stopBackground()
		bg.Wait()
		return err
	case <-ctx.Done():
	}
	a.draining.Store(true)
	if cfg.ShutdownGrace > 0 {
		log.Info("shutting down: /healthz answers 503 while load balancers stop sending requests", "grace", cfg.ShutdownGrace)
		time.Sleep(cfg.ShutdownGrace)
	}
	stopHub()
	<-hubDone
	log.Info("shutting down: draining requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("shutdown: requests still running are cut off", "err", err)
		srv.Close()
	}
	stopBackground()
	if !waitTimeout(&bg, backgroundStopTimeout) {
		log.Error("shutdown: background work did not stop in time", "after", backgroundStopTimeout)
	}
	log.Info("stopped")
	return nil
}

// migrateDB applies the migrations over a pool of its own, without the serving pool's statement timeout.
func migrateDB(ctx context.Context, dbURL string) error {
	db, err := connect(ctx, dbURL, 0)
	if err != nil {
		return err
	}
	defer db.Close()
	return migrations.Up(ctx, db.DB)
}

// newServer bounds what a client can hold: headers within 10 s, the whole request within ReadTimeout (upload
// routes extend it, see deadlines), the answer within WriteTimeout.
func newServer(cfg config, h http.Handler) *http.Server {
	return &http.Server{
		Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: cfg.ReadTimeout, WriteTimeout: cfg.WriteTimeout,
		IdleTimeout: 2 * time.Minute,
	}
}

// waitTimeout waits for wg up to d and reports whether it finished.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}
