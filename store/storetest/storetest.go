// Package storetest gives each test a brand-new PostgreSQL database, cloned
// from a template database that is migrated once (the idea of
// github.com/peterldowns/pgtestdb).
//
// Use it from a package's TestMain:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		t.Parallel()
//		db, err := sql.Open("postgres", storetest.New(t, schemaKey, migrate))
//		...
//	}
//
// # Server
//
// If TRCR_TEST_DATABASE_URL is set, it is the URL of a server to use, with a
// user that may create databases (a superuser, e.g.
// postgres://trcr@127.0.0.1:5432/postgres?sslmode=disable); its path names a
// database to connect to for administration. Otherwise the harness starts a
// private cluster with [pgembed] (durability off) in a temporary directory,
// once per test process, on the first call to [New]; [Main] stops it and
// removes the directory. A cluster left behind by a test process that was
// killed (for example by go test -timeout) is removed by the next test
// process that starts one.
//
// # Templates
//
// The template for a templateKey is the database tpl_<hash of templateKey>.
// The first call to [New] with a key in a process takes a PostgreSQL advisory
// lock, so that test processes sharing a server (go test runs packages in
// parallel) do not race, and then reuses the template if a previous process
// completed it, or else creates it and runs the MigrateFunc on it. Pass a
// hash of the migration files as templateKey (see [HashFS]): a changed schema
// then gets a new template. On a long-lived server, templates of old schemas
// stay until dropped by hand.
//
// # Failed tests
//
// Each test's database is dropped when the test ends. If
// TRCR_TEST_KEEP_FAILED=1 and the test failed, it is kept instead and its URL
// logged; with the private cluster, Main then leaves that cluster running and
// prints how to remove it.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// Environment variables read by the harness.
const (
	// EnvDatabaseURL names a server to use instead of a private cluster.
	EnvDatabaseURL = "TRCR_TEST_DATABASE_URL"
	// EnvKeepFailed, when true ("1"), keeps the databases of failed tests.
	EnvKeepFailed = "TRCR_TEST_KEEP_FAILED"
)

const (
	// completeMarker is the comment of a template database whose migration
	// finished.
	completeMarker = "trcr-storetest: template complete"
	// templateTimeout bounds waiting for the lock plus migrating a template.
	templateTimeout = 5 * time.Minute
	// createTimeout bounds creating (cloning) or dropping one test database.
	createTimeout = time.Minute
)

// MigrateFunc applies the schema to db; the harness does not know about the
// app's migrations.
type MigrateFunc func(ctx context.Context, db *sql.DB) error

// server is the PostgreSQL server the harness uses, and its templates.
type server struct {
	admin    *sql.DB  // connection pool to the maintenance database
	adminURL *url.URL // its URL
	embedded *embeddedCluster

	mu        sync.Mutex
	templates map[string]*template // by templateKey

	keptFailed atomic.Bool // a failed test's database was kept
}

// template is the template database of one templateKey, made once per
// process.
type template struct {
	once sync.Once
	name string
	err  error
}

var (
	mainRunning atomic.Bool // Main (Run) is running the tests

	srvMu  sync.Mutex
	srv    *server
	srvErr error
)

// New returns the connection URL of a brand-new database for this test,
// cloned from the template for templateKey, which migrate creates once per
// (process, templateKey) unless another process already did. All calls with
// the same templateKey must pass equivalent migrations. The database is
// dropped when the test ends (see the package documentation for failed
// tests). New fails the test if the database cannot be made.
func New(t testing.TB, templateKey string, migrate MigrateFunc) string {
	t.Helper()
	if migrate == nil {
		t.Fatal("storetest: nil MigrateFunc")
	}
	s, err := getServer()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := s.template(templateKey, migrate)
	if err != nil {
		t.Fatal(err)
	}
	name := databaseName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), createTimeout)
	defer cancel()
	if err := s.cloneTemplate(ctx, name, tpl); err != nil {
		t.Fatalf("storetest: create database %s from %s: %v", name, tpl, err)
	}
	dbURL := s.databaseURL(name)
	t.Cleanup(func() { s.dropAfter(t, name, dbURL) })
	return dbURL
}

// getServer connects to the server on first use.
func getServer() (*server, error) {
	srvMu.Lock()
	defer srvMu.Unlock()
	if srv == nil && srvErr == nil {
		srv, srvErr = connect()
	}
	return srv, srvErr
}

func connect() (*server, error) {
	if raw := os.Getenv(EnvDatabaseURL); raw != "" {
		return connectURL(raw, nil)
	}
	if !mainRunning.Load() {
		return nil, errors.New("storetest: " + EnvDatabaseURL + " is not set, so the harness would start its own PostgreSQL, " +
			"but TestMain does not call storetest.Main(m), which stops it: add func TestMain(m *testing.M) { storetest.Main(m) }")
	}
	ec, err := startEmbedded()
	if err != nil {
		return nil, err
	}
	s, err := connectURL(ec.cluster.URL("postgres"), ec)
	if err != nil {
		ec.stop()
		return nil, err
	}
	return s, nil
}

func connectURL(raw string, ec *embeddedCluster) (*server, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return nil, fmt.Errorf("storetest: %s must be a URL like postgres://user@host:port/postgres?sslmode=disable", EnvDatabaseURL)
	}
	admin, err := sql.Open("postgres", u.String())
	if err != nil {
		return nil, fmt.Errorf("storetest: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return nil, fmt.Errorf("storetest: connect to %s: %w", u.Redacted(), err)
	}
	return &server{admin: admin, adminURL: u, embedded: ec, templates: map[string]*template{}}, nil
}

// databaseURL returns the URL of database name on the server.
func (s *server) databaseURL(name string) string {
	u := *s.adminURL
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// template returns the name of the template database for key, creating it
// the first time in this process.
func (s *server) template(key string, migrate MigrateFunc) (string, error) {
	s.mu.Lock()
	tpl, ok := s.templates[key]
	if !ok {
		tpl = &template{name: templateName(key)}
		s.templates[key] = tpl
	}
	s.mu.Unlock()
	tpl.once.Do(func() {
		tpl.err = fmt.Errorf("storetest: migration of template %s panicked", tpl.name)
		ctx, cancel := context.WithTimeout(context.Background(), templateTimeout)
		defer cancel()
		tpl.err = s.ensureTemplate(ctx, tpl.name, migrate)
	})
	return tpl.name, tpl.err
}

// templateName returns the template database's name for key.
func templateName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "tpl_" + hex.EncodeToString(sum[:10])
}

// ensureTemplate makes sure the complete template database name exists,
// creating it with migrate if needed, under an advisory lock so that only one
// process sharing the server does so.
func (s *server) ensureTemplate(ctx context.Context, name string, migrate MigrateFunc) (err error) {
	conn, err := s.admin.Conn(ctx)
	if err != nil {
		return fmt.Errorf("storetest: template %s: %w", name, err)
	}
	defer conn.Close() // also releases the lock if unlocking failed
	key := lockKey(name)
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("storetest: lock template %s: %w", name, err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", key)
	}()

	var comment sql.NullString
	err = conn.QueryRowContext(ctx,
		"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name).Scan(&comment)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("storetest: look up template %s: %w", name, err)
	case comment.String == completeMarker:
		return nil // made by an earlier or concurrent process
	default: // a process died while migrating it
		if err := dropDatabase(ctx, conn, name); err != nil {
			return fmt.Errorf("storetest: drop incomplete template %s: %w", name, err)
		}
	}

	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)); err != nil {
		return fmt.Errorf("storetest: create template %s: %w", name, err)
	}
	if err := runMigrate(ctx, s.databaseURL(name), migrate); err != nil {
		_ = dropDatabase(context.Background(), conn, name)
		return fmt.Errorf("storetest: migrate template %s: %w", name, err)
	}
	// No connections to the template from now on: they would make cloning
	// fail. The comment marks it complete.
	for _, stmt := range []string{
		"ALTER DATABASE " + pq.QuoteIdentifier(name) + " ALLOW_CONNECTIONS false",
		"COMMENT ON DATABASE " + pq.QuoteIdentifier(name) + " IS " + pq.QuoteLiteral(completeMarker),
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("storetest: finish template %s: %w", name, err)
		}
	}
	return nil
}

func runMigrate(ctx context.Context, dbURL string, migrate MigrateFunc) error {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return err
	}
	err = migrate(ctx, db)
	return errors.Join(err, db.Close())
}

// lockKey returns the advisory lock key for template name.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("trcr-storetest:" + name))
	return int64(h.Sum64())
}

// cloneTemplate creates database name from template tpl, retrying while the
// template is still in use (connections of its migration closing).
func (s *server) cloneTemplate(ctx context.Context, name, tpl string) error {
	delay := 20 * time.Millisecond
	for {
		_, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name)+" TEMPLATE "+pq.QuoteIdentifier(tpl))
		if err == nil || pq.As(err, pqerror.ObjectInUse) == nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %w)", ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(2*delay, 500*time.Millisecond)
	}
}

// dropAfter drops a test's database when the test ends, or keeps it if the
// test failed and EnvKeepFailed is set.
func (s *server) dropAfter(t testing.TB, name, dbURL string) {
	if t.Failed() && keepFailed() {
		s.keptFailed.Store(true)
		t.Logf("storetest: %s is set: keeping the database of this failed test: %s", EnvKeepFailed, dbURL)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), createTimeout)
	defer cancel()
	if err := dropDatabase(ctx, s.admin, name); err != nil {
		t.Logf("storetest: drop test database %s: %v", name, err)
	}
}

func keepFailed() bool {
	keep, _ := strconv.ParseBool(os.Getenv(EnvKeepFailed))
	return keep
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// dropDatabase drops database name, disconnecting its sessions
// (PostgreSQL 13 or later).
func dropDatabase(ctx context.Context, db execer, name string) error {
	_, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(name)+" WITH (FORCE)")
	return err
}

// databaseName returns a new database name for the test testName: "t_", the
// test name in lower case (shortened), and a random suffix.
func databaseName(testName string) string {
	var b strings.Builder
	b.WriteString("t_")
	underscore := true
	for _, r := range strings.ToLower(testName) {
		if b.Len() >= 34 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			underscore = false
		} else if !underscore {
			b.WriteByte('_')
			underscore = true
		}
	}
	if !underscore {
		b.WriteByte('_')
	}
	b.WriteString(strings.ToLower(rand.Text()[:12]))
	return b.String()
}

// HashFS returns a hex SHA-256 of the names and contents of the regular files
// in fsys (for example an embed.FS of migrations), for use as a templateKey.
func HashFS(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("storetest: hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
