package pgembed

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testDir returns a cluster directory in a fresh t.TempDir.
func testDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		// t.TempDir's parent is created with mode 0700; open it so that the
		// server user can reach the cluster and it is not relocated.
		if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "pg")
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func requireBinaries(t *testing.T) {
	t.Helper()
	if _, err := FindBinDir(); err != nil {
		t.Fatalf("%v\n(these tests need the PostgreSQL server binaries)", err)
	}
}

// start starts a Fast cluster in dir and stops it when the test ends.
func start(t *testing.T, dir string, port int) *Cluster {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	began := time.Now()
	c, err := Start(ctx, Options{Dir: dir, Port: port, Fast: true, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Start took %v (port %d, owned %v)", time.Since(began).Round(time.Millisecond), c.Port(), c.Owned())
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	return c
}

func open(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func exec1(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.ExecContext(t.Context(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// deadPID returns the PID of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// liveUnrelatedPID returns the PID of a running process that is not a
// PostgreSQL server; it is killed when the test ends.
func liveUnrelatedPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("sleep", "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd.Process.Pid
}

func TestStartStopRestart(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	dir := testDir(t)
	c := start(t, dir, 0)

	if !c.Owned() {
		t.Error("a freshly started cluster is not owned")
	}
	if c.Dir() != dir {
		t.Errorf("Dir() = %s, want %s (no relocation expected)", c.Dir(), dir)
	}
	wantPrefix := fmt.Sprintf("postgres://trcr@127.0.0.1:%d/", c.Port())
	if got := c.URL("app"); got != wantPrefix+"app?sslmode=disable" {
		t.Errorf("URL = %s", got)
	}
	for range 2 { // the second call finds the database
		if err := c.EnsureDatabase(t.Context(), "app"); err != nil {
			t.Fatal(err)
		}
	}
	db := open(t, c.URL("app"))
	exec1(t, db, "CREATE TABLE kept (v text)")
	exec1(t, db, "INSERT INTO kept VALUES ('survives restart')")
	var fsync, maxConn, listen string
	if err := db.QueryRow("SELECT current_setting('fsync'), current_setting('max_connections'), current_setting('listen_addresses')").
		Scan(&fsync, &maxConn, &listen); err != nil {
		t.Fatal(err)
	}
	if fsync != "off" || maxConn != "200" || listen != "127.0.0.1" {
		t.Errorf("settings: fsync=%s max_connections=%s listen_addresses=%s", fsync, maxConn, listen)
	}
	db.Close()

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, running := c.runningServer(); running {
		t.Fatal("server still running after Stop")
	}

	// Start again on the same directory: the existing cluster is reused.
	c2 := start(t, dir, 0)
	var v string
	if err := open(t, c2.URL("app")).QueryRow("SELECT v FROM kept").Scan(&v); err != nil {
		t.Fatalf("data lost across restart: %v", err)
	}
	if v != "survives restart" {
		t.Errorf("v = %q", v)
	}
}

func TestStalePIDFile(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	dir := testDir(t)
	c := start(t, dir, 0)
	port := c.Port()
	pidPath := filepath.Join(c.DataDir(), "postmaster.pid")
	pidContent, err := os.ReadFile(pidPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	// fake writes postmaster.pid (and the socket lock file) as a server with
	// this PID would have left them.
	fake := func(pid int) {
		t.Helper()
		lines := strings.Split(string(pidContent), "\n")
		lines[0] = strconv.Itoa(pid)
		if err := os.WriteFile(pidPath, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
			t.Fatal(err)
		}
		lock := filepath.Join(c.socketDir, fmt.Sprintf(".s.PGSQL.%d.lock", port))
		content := fmt.Sprintf("%d\n%s\n0\n%d\n", pid, c.DataDir(), port)
		if err := os.WriteFile(lock, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("dead PID", func(t *testing.T) {
		fake(deadPID(t))
		c := start(t, dir, port)
		if !c.Owned() {
			t.Error("cluster started over a stale PID file is not owned")
		}
		if err := c.EnsureDatabase(t.Context(), "after_stale_pid"); err != nil {
			t.Fatal(err)
		}
		if err := c.Stop(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("PID reused by another process", func(t *testing.T) {
		// PostgreSQL itself refuses to start here ("lock file already exists").
		fake(liveUnrelatedPID(t))
		c := start(t, dir, port)
		if err := c.EnsureDatabase(t.Context(), "after_reused_pid"); err != nil {
			t.Fatal(err)
		}
		if err := c.Stop(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestReuseRunningServer(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	dir := testDir(t)
	owner := start(t, dir, 0)

	// Same process, owner alive: shared, Stop leaves it running.
	shared := start(t, dir, 0)
	if shared.Owned() {
		t.Error("second Start on a running cluster owns it")
	}
	if shared.Port() != owner.Port() {
		t.Errorf("reused port %d, server listens on %d", shared.Port(), owner.Port())
	}
	if err := shared.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := owner.EnsureDatabase(t.Context(), "still_up"); err != nil {
		t.Fatalf("server gone after Stop of a non-owning Cluster: %v", err)
	}

	// The starter has died: the server is adopted, and Stop shuts it down.
	if err := os.WriteFile(filepath.Join(owner.Dir(), ownerName), []byte(strconv.Itoa(deadPID(t))), 0o644); err != nil {
		t.Fatal(err)
	}
	adopter := start(t, dir, 0)
	if !adopter.Owned() {
		t.Fatal("server of a dead process not adopted")
	}
	if err := adopter.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, running := owner.runningServer(); running {
		t.Fatal("server still running after the adopter's Stop")
	}
	if err := owner.Stop(); err != nil {
		t.Fatalf("Stop of a server that is already down: %v", err)
	}
}

func TestStopDir(t *testing.T) {
	t.Parallel()
	requireBinaries(t)
	dir := testDir(t)
	c := start(t, dir, 0)
	if err := StopDir(t.Context(), dir); err != nil {
		t.Fatal(err)
	}
	if _, running := c.runningServer(); running {
		t.Fatal("server still running after StopDir")
	}
	if err := StopDir(t.Context(), dir); err != nil {
		t.Fatalf("StopDir without a server: %v", err)
	}
}

func TestRelocateWhenUnreachable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("relocation only happens when running as root")
	}
	t.Parallel()
	requireBinaries(t)
	parent := t.TempDir() // its parent is root's, mode 0700
	dir := filepath.Join(parent, "pg")
	user, err := serverUser()
	if err != nil {
		t.Fatal(err)
	}
	if blocker := untraversable(parent, user); blocker != filepath.Dir(parent) {
		t.Fatalf("untraversable(%s) = %q, want %s", parent, blocker, filepath.Dir(parent))
	}
	c := start(t, dir, 0)
	t.Cleanup(func() {
		// Cleanups run last-in first-out: stop before removing.
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
		os.RemoveAll(c.Dir())
	})
	if !strings.HasPrefix(c.Dir(), "/var/tmp/trcr-pg-") {
		t.Fatalf("cluster not relocated: Dir() = %s", c.Dir())
	}
	if err := c.EnsureDatabase(t.Context(), "relocated"); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := clusterDir(dir, user); got != c.Dir() {
		t.Errorf("clusterDir = %s, want the stable %s", got, c.Dir())
	}
}

func TestRunAsNobody(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("PostgreSQL runs as another user only when running as root")
	}
	requireBinaries(t)
	// Not parallel: it changes a package variable while it runs.
	saved := serverUserNames
	serverUserNames = []string{"no-such-user-trcr", "nobody"}
	c := start(t, testDir(t), 0)
	serverUserNames = saved
	if c.user == nil || c.user.name != "nobody" {
		t.Fatalf("runs as %+v, want nobody", c.user)
	}
	if err := c.EnsureDatabase(t.Context(), "as_nobody"); err != nil {
		t.Fatal(err)
	}
}

func TestFindBinDir(t *testing.T) {
	requireBinaries(t)
	dir, err := FindBinDir()
	if err != nil {
		t.Fatal(err)
	}
	if !hasServerBinaries(dir) {
		t.Fatalf("%s lacks server binaries", dir)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"9.6", "15", -1},
		{"15", "9.6", 1},
		{"16", "16", 0},
		{"10", "9", 1},
	} {
		if got := compareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("compareVersions(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	got, err := exec.Command("sh", "-c", "printf %s "+shellQuote(`it's a "dir" $HOME`)).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `it's a "dir" $HOME` {
		t.Errorf("round trip through sh: %q", got)
	}
}

// A relocated cluster is named in the data directory, and deleting the data directory retires it: the next
// start makes a fresh cluster instead of serving the deleted directory's data.
func TestRelocatedClusterIsNamedAndGoesWithItsDataDir(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("relocation only happens when running as root")
	}
	t.Parallel()
	requireBinaries(t)
	parent := t.TempDir() // its parent is root's, mode 0700
	dir := filepath.Join(parent, "data", "postgres")
	ctx := t.Context()
	c, err := Start(ctx, Options{Dir: dir, Fast: true, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	relocated := c.Dir()
	t.Cleanup(func() { os.RemoveAll(relocated) })
	note, err := os.ReadFile(filepath.Join(dir, relocatedMarker))
	if err != nil || !strings.HasPrefix(string(note), relocated+"\n") {
		t.Fatalf("marker: %q %v", note, err)
	}
	if err := c.EnsureDatabase(ctx, "old_data"); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(parent, "data")); err != nil { // rm -rf data
		t.Fatal(err)
	}
	c = start(t, dir, 0)
	if c.Dir() != relocated {
		t.Fatalf("cluster moved to %s, want %s", c.Dir(), relocated)
	}
	db, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_database WHERE datname = 'old_data'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the deleted data directory's database survived: %d %v", n, err)
	}
}
