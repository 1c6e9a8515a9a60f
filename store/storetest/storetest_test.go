package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/lib/pq"
)

func TestMain(m *testing.M) { Main(m) }

// counter is a MigrateFunc creating one table and counting its runs.
type counter struct{ runs atomic.Int32 }

func (c *counter) migrate(ctx context.Context, db *sql.DB) error {
	c.runs.Add(1)
	time.Sleep(100 * time.Millisecond) // widen the window for races
	_, err := db.ExecContext(ctx, "CREATE TABLE items (name text PRIMARY KEY)")
	return err
}

// freshKey returns a templateKey no earlier run used (a shared server keeps
// templates), and drops its template when the test ends.
func freshKey(t *testing.T) string {
	t.Helper()
	key := "storetest-" + t.Name() + "-" + rand.Text()
	t.Cleanup(func() {
		s := mustServer(t)
		if err := dropDatabase(context.Background(), s.admin, templateName(key)); err != nil {
			t.Errorf("drop template: %v", err)
		}
		s.mu.Lock()
		delete(s.templates, key)
		s.mu.Unlock()
	})
	return key
}

func mustServer(t *testing.T) *server {
	t.Helper()
	s, err := getServer()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func openDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func databaseExists(t *testing.T, name string) bool {
	t.Helper()
	var exists bool
	err := mustServer(t).admin.QueryRow("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

func nameOf(t *testing.T, dbURL string) string {
	t.Helper()
	i := strings.LastIndex(dbURL, "/")
	j := strings.Index(dbURL, "?")
	if i < 0 || j < i {
		t.Fatalf("unexpected URL %s", dbURL)
	}
	return dbURL[i+1 : j]
}

func TestParallelTestsGetIsolatedDatabases(t *testing.T) {
	key := freshKey(t)
	var c counter
	var inserted sync.WaitGroup
	inserted.Add(2)
	urls := make(chan string, 2)
	t.Run("group", func(t *testing.T) {
		for _, name := range []string{"alpha", "beta"} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var once sync.Once
				defer once.Do(inserted.Done)
				began := time.Now()
				url := New(t, key, c.migrate)
				t.Logf("New took %v", time.Since(began).Round(time.Millisecond))
				urls <- url
				db := openDB(t, url)
				if _, err := db.Exec("INSERT INTO items VALUES ($1)", name); err != nil {
					t.Fatal(err)
				}
				once.Do(inserted.Done)
				waitGroup(t, &inserted) // both have inserted
				var got []string
				rows, err := db.Query("SELECT name FROM items")
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				for rows.Next() {
					var n string
					if err := rows.Scan(&n); err != nil {
						t.Fatal(err)
					}
					got = append(got, n)
				}
				if err := rows.Err(); err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 || got[0] != name {
					t.Errorf("items = %q, want only %q", got, name)
				}
			})
		}
	})
	close(urls)
	var names []string
	for u := range urls {
		names = append(names, nameOf(t, u))
	}
	if len(names) != 2 || names[0] == names[1] {
		t.Fatalf("databases %q, want two distinct", names)
	}
	for _, n := range names {
		if databaseExists(t, n) {
			t.Errorf("database %s not dropped after its test", n)
		}
	}
	if runs := c.runs.Load(); runs != 1 {
		t.Errorf("migrated %d times, want 1", runs)
	}
}

func waitGroup(t *testing.T, wg *sync.WaitGroup) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("timed out waiting for the other test")
	}
}

func TestTemplateReused(t *testing.T) {
	t.Parallel()
	key := freshKey(t)
	var c counter
	for range 3 {
		t.Run("test", func(t *testing.T) {
			db := openDB(t, New(t, key, c.migrate))
			if _, err := db.Exec("INSERT INTO items VALUES ('x')"); err != nil {
				t.Fatal(err)
			}
		})
	}
	if runs := c.runs.Load(); runs != 1 {
		t.Fatalf("migrated %d times in one process, want 1", runs)
	}

	// Another process (no memo) finds the complete template and reuses it.
	s := mustServer(t)
	if err := s.ensureTemplate(t.Context(), templateName(key), c.migrate); err != nil {
		t.Fatal(err)
	}
	if runs := c.runs.Load(); runs != 1 {
		t.Fatalf("complete template migrated again (%d runs)", runs)
	}

	// A different key (changed schema) gets its own template.
	other := freshKey(t)
	var c2 counter
	New(t, other, c2.migrate)
	if c2.runs.Load() != 1 || templateName(other) == templateName(key) {
		t.Fatal("a new key did not get a new template")
	}
}

func TestTemplateLockedAcrossProcesses(t *testing.T) {
	t.Parallel()
	key := freshKey(t)
	s := mustServer(t)
	var c counter
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 { // like four test processes starting at once
		wg.Go(func() { errs <- s.ensureTemplate(t.Context(), templateName(key), c.migrate) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if runs := c.runs.Load(); runs != 1 {
		t.Fatalf("migrated %d times, want 1", runs)
	}
	New(t, key, c.migrate)
	if runs := c.runs.Load(); runs != 1 {
		t.Fatalf("migrated %d times, want 1", runs)
	}
}

func TestIncompleteTemplateRebuilt(t *testing.T) {
	t.Parallel()
	key := freshKey(t)
	s := mustServer(t)
	// What a process that died while migrating leaves behind.
	tpl := templateName(key)
	if _, err := s.admin.Exec("CREATE DATABASE " + pq.QuoteIdentifier(tpl)); err != nil {
		t.Fatal(err)
	}
	half := openDB(t, s.databaseURL(tpl))
	if _, err := half.Exec("CREATE TABLE half_done (x int)"); err != nil {
		t.Fatal(err)
	}
	half.Close()

	var c counter
	db := openDB(t, New(t, key, c.migrate))
	if c.runs.Load() != 1 {
		t.Fatalf("incomplete template not rebuilt (%d runs)", c.runs.Load())
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM pg_tables WHERE tablename IN ('items', 'half_done')").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("clone has %d of items/half_done, want items only", n)
	}
}

func TestMigrateFailure(t *testing.T) {
	t.Parallel()
	key := freshKey(t)
	s := mustServer(t)
	boom := errors.New("boom")
	err := s.ensureTemplate(t.Context(), templateName(key), func(context.Context, *sql.DB) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if databaseExists(t, templateName(key)) {
		t.Fatal("template of a failed migration left behind")
	}
}

// fakeTB lets a test fail without failing the real test, and runs its
// cleanups on demand.
type fakeTB struct {
	testing.TB
	failed   bool
	cleanups []func()
	logs     []string
}

func (f *fakeTB) Failed() bool                 { return f.failed }
func (f *fakeTB) Cleanup(fn func())            { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Logf(format string, a ...any) { f.logs = append(f.logs, format) }
func (f *fakeTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestKeepFailed(t *testing.T) {
	key := freshKey(t)
	s := mustServer(t)
	var c counter
	t.Setenv(EnvKeepFailed, "1")

	passed := &fakeTB{TB: t}
	passedName := nameOf(t, New(passed, key, c.migrate))
	passed.runCleanups()
	if databaseExists(t, passedName) {
		t.Error("database of a passed test kept")
	}

	failed := &fakeTB{TB: t, failed: true}
	failedName := nameOf(t, New(failed, key, c.migrate))
	failed.runCleanups()
	if !databaseExists(t, failedName) {
		t.Fatal("database of a failed test dropped despite " + EnvKeepFailed)
	}
	if len(failed.logs) == 0 {
		t.Error("kept database not logged")
	}
	// Undo, so that Main stops the cluster as usual.
	if err := dropDatabase(t.Context(), s.admin, failedName); err != nil {
		t.Fatal(err)
	}
	s.keptFailed.Store(false)
}

func TestDatabaseName(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range []string{"TestX", "TestX", "TestFoo/sub_test#01", strings.Repeat("VeryLong", 20)} {
		got := databaseName(name)
		if seen[got] {
			t.Errorf("duplicate name %s", got)
		}
		seen[got] = true
		if len(got) > 63 || !strings.HasPrefix(got, "t_") || strings.Trim(got, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			t.Errorf("databaseName(%q) = %q", name, got)
		}
	}
	if got := databaseName("TestFoo/sub"); !strings.HasPrefix(got, "t_testfoo_sub_") {
		t.Errorf("databaseName(TestFoo/sub) = %s", got)
	}
}

func TestHashFS(t *testing.T) {
	fsys := fstest.MapFS{
		"001_init.sql":  {Data: []byte("CREATE TABLE a (x int);")},
		"002_more.sql":  {Data: []byte("CREATE TABLE b (x int);")},
		"sub/notes.txt": {Data: []byte("hi")},
	}
	h1, err := HashFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashFS(fsys)
	fsys["002_more.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE b (y int);")}
	h3, _ := HashFS(fsys)
	if h1 != h2 || h1 == h3 {
		t.Fatalf("hashes %s %s %s: want stable, and changed with content", h1, h2, h3)
	}
}

func TestWithin(t *testing.T) {
	for _, tc := range []struct {
		path, dir string
		want      bool
	}{
		{"/tmp/a/pg", "/tmp/a", true},
		{"/tmp/a", "/tmp/a", true},
		{"/var/tmp/trcr-pg-x", "/tmp/a", false},
		{"/tmp/ab", "/tmp/a", false},
		{"/tmp/..x", "/tmp", true},
	} {
		if got := within(tc.path, tc.dir); got != tc.want {
			t.Errorf("within(%s, %s) = %v", tc.path, tc.dir, got)
		}
	}
}
