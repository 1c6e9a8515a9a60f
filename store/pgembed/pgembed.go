package pgembed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"
)

// Superuser is the name of the cluster's superuser; it authenticates without
// a password.
const Superuser = "trcr"

// Layout of the cluster directory, and limits.
const (
	dataSubdir   = "data"           // the PostgreSQL data directory (PGDATA)
	logName      = "postgres.log"   // server log, appended to by pg_ctl -l
	ownerName    = "trcr-owner.pid" // PID of the process that started the running server
	lockName     = "pgembed.lock"   // serialises Start calls on the same cluster
	maxLogSize   = 10 << 20         // rotate the server log beyond this size at start
	startRetries = 3                // attempts with a new free port when Port is 0
	defaultWait  = 60 * time.Second // default Options.StartTimeout
	stopTimeout  = 60 * time.Second // pg_ctl stop -t
	pingTimeout  = 2 * time.Second  // one readiness probe
	pollInterval = 50 * time.Millisecond
)

// Options configures [Start].
type Options struct {
	// Dir is the cluster's parent directory, e.g. "./data/postgres". It is
	// created if missing and holds the data directory ("data"), the server log
	// ("postgres.log") and, if its path is short enough, the Unix socket.
	Dir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
	// Fast turns off durability (fsync, synchronous_commit, full_page_writes)
	// for throwaway clusters such as tests. A crash of the machine may then
	// corrupt the cluster. Never set it for data that matters.
	Fast bool
	// BinDir is the directory holding initdb, pg_ctl and postgres; "" means
	// [FindBinDir].
	BinDir string
	// StartTimeout bounds how long Start waits for the server to accept
	// connections; 0 means one minute.
	StartTimeout time.Duration
}

// Cluster is a PostgreSQL cluster started (or found running) by [Start].
type Cluster struct {
	dir       string // cluster directory (after relocation)
	dataDir   string
	socketDir string
	binDir    string
	port      int
	owned     bool   // Stop shuts the server down
	user      *runAs // nil: run the binaries as the current user
	logger    *slog.Logger

	mu      sync.Mutex
	stopped bool
}

// errPortInUse marks a start failure caused by the port being taken.
var errPortInUse = errors.New("port already in use")

// Start starts the PostgreSQL cluster in o.Dir, creating it first if needed,
// and returns once the server accepts connections. If a server is already
// running for this cluster, Start connects to it instead (see the package
// documentation for who stops it then).
func Start(ctx context.Context, o Options) (*Cluster, error) {
	if o.Dir == "" {
		return nil, errors.New("pgembed: Options.Dir is empty")
	}
	if o.Port < 0 || o.Port > 65535 {
		return nil, fmt.Errorf("pgembed: invalid port %d", o.Port)
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	timeout := o.StartTimeout
	if timeout <= 0 {
		timeout = defaultWait
	}
	binDir := o.BinDir
	if binDir == "" {
		var err error
		if binDir, err = FindBinDir(); err != nil {
			return nil, err
		}
	}
	abs, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgembed: %w", err)
	}
	user, err := serverUser()
	if err != nil {
		return nil, err
	}
	dir, err := prepareDir(abs, user, logger)
	if err != nil {
		return nil, err
	}
	unlock, err := lockFile(ctx, filepath.Join(dir, lockName))
	if err != nil {
		return nil, fmt.Errorf("pgembed: lock cluster %s: %w", dir, err)
	}
	defer unlock()

	c := &Cluster{
		dir:     dir,
		dataDir: filepath.Join(dir, dataSubdir),
		binDir:  binDir,
		user:    user,
		logger:  logger.With("cluster", dir),
	}
	if c.socketDir, err = socketDir(dir, user); err != nil {
		return nil, err
	}

	// A server already running for this cluster: connect to it.
	if pf, ok := c.runningServer(); ok {
		return c.reuse(ctx, pf, o.Port, timeout)
	}
	if err := c.removeStaleLocks(); err != nil {
		return nil, err
	}
	if err := c.initdb(ctx, o.Fast); err != nil {
		return nil, err
	}
	if user != nil {
		if err := chownTree(dir, user); err != nil {
			return nil, fmt.Errorf("pgembed: chown %s to %s: %w", dir, user.name, err)
		}
	}
	rotateLog(filepath.Join(dir, logName))

	for attempt := 1; ; attempt++ {
		port := o.Port
		if port == 0 {
			if port, err = freePort(); err != nil {
				return nil, fmt.Errorf("pgembed: pick a free port: %w", err)
			}
		}
		err = c.start(ctx, port, o.Fast, timeout)
		if err == nil {
			break
		}
		if o.Port == 0 && attempt < startRetries && errors.Is(err, errPortInUse) {
			c.logger.Info("port taken, retrying with another", "port", port)
			continue
		}
		return nil, err
	}
	c.owned = true
	if err := writeOwner(filepath.Join(dir, ownerName)); err != nil {
		c.logger.Warn("cannot record server owner", "err", err)
	}
	return c, nil
}

// reuse connects to a server found running for the cluster.
func (c *Cluster) reuse(ctx context.Context, pf *pidFile, wantPort int, timeout time.Duration) (*Cluster, error) {
	c.port = pf.port
	if wantPort != 0 && wantPort != pf.port {
		c.logger.Warn("server already running on another port; using it", "port", pf.port, "requested_port", wantPort)
	}
	if err := c.waitReady(ctx, timeout); err != nil {
		return nil, fmt.Errorf("pgembed: server already running for %s (pid %d, port %d) does not accept connections: %w",
			c.dataDir, pf.pid, pf.port, err)
	}
	ownerPID, _ := readOwner(filepath.Join(c.dir, ownerName))
	if ownerPID > 0 && processAlive(ownerPID) {
		c.logger.Info("PostgreSQL server already running, started by a live process (maybe this one); Stop will leave it running",
			"port", c.port, "pid", pf.pid, "owner_pid", ownerPID)
	} else {
		c.owned = true
		c.logger.Info("adopting PostgreSQL server whose starter is gone; Stop will shut it down",
			"port", c.port, "pid", pf.pid)
		if err := writeOwner(filepath.Join(c.dir, ownerName)); err != nil {
			c.logger.Warn("cannot record server owner", "err", err)
		}
	}
	return c, nil
}

// initdb creates the data directory unless it already holds a cluster.
func (c *Cluster) initdb(ctx context.Context, fast bool) error {
	if _, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION")); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("pgembed: %w", err)
	}
	if entries, err := os.ReadDir(c.dataDir); err == nil && len(entries) > 0 {
		return fmt.Errorf("pgembed: %s is not empty but holds no cluster (no PG_VERSION); remove it or choose another Dir", c.dataDir)
	}
	start := time.Now()
	var outputs []string
	for _, locale := range []string{"C.UTF-8", "C"} {
		args := []string{"-D", c.dataDir, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--locale=" + locale}
		if fast {
			args = append(args, "--no-sync")
		}
		out, err := c.command(ctx, "initdb", args...).CombinedOutput()
		if err == nil {
			c.logger.Info("created PostgreSQL cluster", "locale", locale, "took", time.Since(start).Round(time.Millisecond))
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("pgembed: initdb: %w", ctx.Err())
		}
		outputs = append(outputs, fmt.Sprintf("initdb --locale=%s: %v\n%s", locale, err, tail(string(out), 20)))
		// initdb removes what it created on failure; make sure before retrying.
		if err := os.RemoveAll(c.dataDir); err != nil {
			return fmt.Errorf("pgembed: %w", err)
		}
	}
	return fmt.Errorf("pgembed: initdb failed:\n%s", strings.Join(outputs, "\n"))
}

// start runs pg_ctl start on port and waits until the server accepts
// connections.
func (c *Cluster) start(ctx context.Context, port int, fast bool, timeout time.Duration) error {
	logPath := filepath.Join(c.dir, logName)
	logOffset := fileSize(logPath)
	c.port = port
	settings := []string{
		"-c", "listen_addresses=127.0.0.1",
		"-p", strconv.Itoa(port),
		"-k", c.socketDir,
		"-c", "unix_socket_permissions=0700",
		"-c", "max_connections=200",
		"-c", "shared_buffers=128MB",
	}
	if fast {
		settings = append(settings,
			"-c", "fsync=off",
			"-c", "synchronous_commit=off",
			"-c", "full_page_writes=off",
		)
	}
	quoted := make([]string, len(settings))
	for i, s := range settings {
		quoted[i] = shellQuote(s)
	}
	secs := strconv.Itoa(int(timeout.Round(time.Second) / time.Second))
	began := time.Now()
	out, err := c.command(ctx, "pg_ctl", "start", "-D", c.dataDir, "-l", logPath, "-w", "-t", secs,
		"-o", strings.Join(quoted, " ")).CombinedOutput()
	if err != nil {
		serverLog := readFrom(logPath, logOffset)
		if pf, ok := c.runningServer(); ok { // e.g. timed out waiting, or ctx cancelled
			c.kill(pf)
		}
		if ctx.Err() != nil {
			return fmt.Errorf("pgembed: pg_ctl start: %w", ctx.Err())
		}
		err = fmt.Errorf("pgembed: pg_ctl start (port %d): %v\n%s\nserver log (%s):\n%s",
			port, err, strings.TrimSpace(string(out)), logPath, tail(serverLog, 30))
		if strings.Contains(serverLog, "could not bind") || strings.Contains(serverLog, "already in use") {
			err = fmt.Errorf("%w: %w", errPortInUse, err)
		}
		return err
	}
	if err := c.waitReady(ctx, timeout); err != nil {
		serverLog := readFrom(logPath, logOffset)
		if pf, ok := c.runningServer(); ok {
			c.kill(pf)
		}
		return fmt.Errorf("pgembed: server started but does not accept connections on port %d: %w\nserver log (%s):\n%s",
			port, err, logPath, tail(serverLog, 30))
	}
	c.logger.Info("PostgreSQL server started", "port", port, "took", time.Since(began).Round(time.Millisecond))
	return nil
}

// waitReady connects to the server until it answers, and checks that it
// serves this cluster's data directory.
func (c *Cluster) waitReady(ctx context.Context, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	db, err := sql.Open("postgres", c.URL("postgres")+"&connect_timeout=2")
	if err != nil {
		return err
	}
	defer db.Close()
	want, err := filepath.EvalSymlinks(c.dataDir)
	if err != nil {
		want = c.dataDir
	}
	var lastErr error
	for {
		pctx, pcancel := context.WithTimeout(ctx, pingTimeout)
		var got string
		lastErr = db.QueryRowContext(pctx, "SHOW data_directory").Scan(&got)
		pcancel()
		if lastErr == nil {
			if g, err := filepath.EvalSymlinks(got); err == nil {
				got = g
			}
			if got != want {
				return fmt.Errorf("server on port %d serves %s, not %s", c.port, got, want)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), lastErr)
		case <-time.After(pollInterval):
		}
	}
}

// Stop shuts the server down with pg_ctl stop -m fast, unless it was started
// by another process that is still alive (see the package documentation).
// Calling Stop again after it succeeded does nothing.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	if !c.owned {
		c.stopped = true
		c.logger.Info("leaving PostgreSQL server running for the process that started it", "port", c.port)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), stopTimeout+10*time.Second)
	defer cancel()
	if _, running := c.runningServer(); running {
		secs := strconv.Itoa(int(stopTimeout / time.Second))
		out, err := c.command(ctx, "pg_ctl", "stop", "-D", c.dataDir, "-m", "fast", "-w", "-t", secs).CombinedOutput()
		if err != nil {
			if pf, still := c.runningServer(); still {
				c.logger.Warn("fast shutdown failed, shutting down immediately", "err", err, "output", strings.TrimSpace(string(out)))
				if !c.kill(pf) {
					return fmt.Errorf("pgembed: pg_ctl stop: %v\n%s", err, strings.TrimSpace(string(out)))
				}
			}
		}
		c.logger.Info("PostgreSQL server stopped", "port", c.port)
	}
	c.stopped = true
	_ = os.Remove(filepath.Join(c.dir, ownerName))
	if c.socketDir != c.dir {
		_ = os.Remove(c.socketDir) // only if empty
	}
	return nil
}

// kill shuts the server down immediately (SIGQUIT) and waits for it to exit.
// It reports whether the server is gone.
func (c *Cluster) kill(pf *pidFile) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return signalAndWait(ctx, pf, c.dataDir, sigImmediate) == nil
}

// URL returns the connection URL of database dbname as the superuser, e.g.
// postgres://trcr@127.0.0.1:5433/app?sslmode=disable.
func (c *Cluster) URL(dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(Superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port returns the TCP port the server listens on (on 127.0.0.1).
func (c *Cluster) Port() int { return c.port }

// Dir returns the cluster directory: Options.Dir made absolute, or the place
// under /var/tmp it was moved to (see the package documentation).
func (c *Cluster) Dir() string { return c.dir }

// DataDir returns the PostgreSQL data directory, for pg_ctl -D.
func (c *Cluster) DataDir() string { return c.dataDir }

// Owned reports whether Stop will shut the server down, that is whether this
// Cluster started it or adopted it from a dead process.
func (c *Cluster) Owned() bool { return c.owned }

// EnsureDatabase creates database name, owned by the superuser, unless it
// exists.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) error {
	if name == "" {
		return errors.New("pgembed: empty database name")
	}
	db, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("pgembed: look up database %q: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(name))
	if err != nil && pq.As(err, pqerror.DuplicateDatabase) == nil { // lost a race: fine
		return fmt.Errorf("pgembed: create database %q: %w", name, err)
	}
	if err == nil {
		c.logger.Info("created database", "name", name)
	}
	return nil
}

// command returns a command running binary name from the bin directory as the
// server user, with a minimal environment (so that PG* variables of the
// calling process do not leak in).
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...)
	cmd.Dir = c.dir
	cmd.Env = []string{
		"PATH=" + c.binDir + ":/usr/bin:/bin",
		"HOME=" + c.dir,
	}
	cmd.WaitDelay = 5 * time.Second
	if c.user != nil {
		cmd.SysProcAttr = c.user.sysProcAttr()
	}
	return cmd
}

// runningServer reads postmaster.pid and reports whether its server is alive
// and serves this data directory.
func (c *Cluster) runningServer() (*pidFile, bool) {
	pf, err := readPIDFile(filepath.Join(c.dataDir, "postmaster.pid"))
	if err != nil {
		return nil, false
	}
	return pf, postmasterAlive(pf.pid, c.dataDir)
}

// removeStaleLocks removes postmaster.pid and socket lock files left behind
// by a server that is gone. PostgreSQL removes them itself when their PID is
// dead, but not when the PID has since been reused by another process.
func (c *Cluster) removeStaleLocks() error {
	pidPath := filepath.Join(c.dataDir, "postmaster.pid")
	if _, err := os.Lstat(pidPath); err == nil { // runningServer found no server for it
		pid := 0
		if pf, err := readPIDFile(pidPath); err == nil {
			pid = pf.pid
		}
		c.logger.Warn("removing stale postmaster.pid: its server is not running", "pid", pid)
		if err := os.Remove(pidPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("pgembed: remove stale %s: %w", pidPath, err)
		}
	}
	locks, _ := filepath.Glob(filepath.Join(c.socketDir, ".s.PGSQL.*.lock"))
	for _, lock := range locks {
		pf, err := readPIDFile(lock)
		if err == nil && postmasterAlive(pf.pid, c.dataDir) {
			continue
		}
		c.logger.Warn("removing stale socket lock file", "path", lock)
		_ = os.Remove(lock)
		_ = os.Remove(strings.TrimSuffix(lock, ".lock"))
	}
	return nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// shellQuote quotes s for /bin/sh, which pg_ctl uses to start postgres.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
