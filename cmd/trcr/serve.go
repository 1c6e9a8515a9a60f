package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"github.com/trcr/trcr/cmd/trcr/app"
	"github.com/trcr/trcr/migrations"
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

// Shutdown bounds: after ShutdownGrace, in-flight requests get drainTimeout to finish, then background work
// (the mailer abandons an email it is sending) backgroundStopTimeout to stop: about 20 s in all by default.
const (
	drainTimeout          = 10 * time.Second
	backgroundStopTimeout = 5 * time.Second
)

// warmConnections is how many database connections the server opens and warms as it starts (Store.WarmConnections):
// about as many as a page and the requests it makes next use at once.
const warmConnections = 8

// defaultGCPercent is the garbage collector's target when GOGC is not set: the heap may grow to five times what is
// live before a collection, instead of twice. The server's live heap is small and a page of tasks passes through
// it two or three times (23 KB each), so at Go's default a 2-vCPU server collected many times a second: with 400,
// the list of 25 cost the server about 215 µs of CPU a request instead of 310, and served about 25 % more
// (docs/PERFORMANCE.md, session 21), for a peak of 130 MB resident under that benchmark. GOMEMLIMIT bounds the
// heap where memory is tight.
const defaultGCPercent = 400

// tuneGC sets defaultGCPercent unless GOGC says otherwise.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(defaultGCPercent)
	}
}

func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	tuneGC()
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
	appCfg, err := cfg.app()
	if err != nil {
		return err
	}
	a, err := app.New(ctx, appCfg, db, log)
	if err != nil {
		return err
	}

	// Background work runs until the server has drained, then stops, abandoning what it holds.
	bgCtx, stopBackground := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	if a.Mailer != nil {
		bg.Add(1)
		go func() { defer bg.Done(); a.Store.RunMailer(bgCtx, a.Mailer, 2*time.Second) }()
	} else if cfg.DevMailbox {
		log.Info("no TRCR_SMTP_URL: emails stay in the outbox; read them at " + cfg.BaseURL + "/dev/mailbox (from this machine only)")
	} else {
		log.Warn("no TRCR_SMTP_URL: emails (verification, password resets, invitations, invoices) stay unsent in the outbox; set TRCR_SMTP_URL, or TRCR_DEV_MAILBOX=true on a development machine")
	}
	bg.Add(1)
	go func() {
		defer bg.Done()
		if err := a.Store.WarmConnections(bgCtx, warmConnections); err != nil && bgCtx.Err() == nil {
			log.Warn("warming database connections", "err", err)
		}
	}()
	bg.Add(1)
	go func() { defer bg.Done(); a.Store.RunJanitor(bgCtx, 5*time.Minute) }()
	bg.Add(1)
	go func() { defer bg.Done(); a.Store.RunAuthMail(bgCtx, 2*time.Second) }()
	bg.Add(1)
	go func() { defer bg.Done(); a.Store.RunBlobSweeper(bgCtx, time.Minute) }()
	bg.Add(1)
	go func() { defer bg.Done(); a.Store.RunGroupIndexer(bgCtx, time.Second) }()
	bg.Add(1)
	go func() { defer bg.Done(); a.Store.RunEventJobs(bgCtx, a.Hub.WorkerWake(), time.Second) }()
	// The hub stops first at shutdown, so that open live streams end and do not hold up the drain.
	hubCtx, stopHub := context.WithCancel(context.Background())
	hubDone := make(chan struct{})
	go func() {
		defer close(hubDone)
		if err := a.Hub.Run(hubCtx, time.Second); err != nil {
			log.Error("live events stopped", "err", err)
		}
	}()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		stopHub()
		stopBackground()
		return err
	}
	srv := newServer(cfg, a)
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
	a.Drain()
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
