package storetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trcr/trcr/store/pgembed"
)

// Names in the temporary directory of a private cluster.
const (
	tempPattern = "trcr-storetest-*" // the directory itself, under os.TempDir()
	ownerName   = "owner"            // PID of the test process, then the cluster directory
	keepName    = "keep"             // present: leave it alone, it holds kept databases
	clusterName = "pg"               // Options.Dir of the cluster
)

// Main runs the tests of m, stops the harness's private PostgreSQL cluster if
// it started one, and exits with the tests' status. Call it from TestMain:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is [Main] without the exit, for a TestMain that has more to do; it
// returns the exit code. The private cluster is also stopped if the process
// gets SIGINT or SIGTERM while the tests run.
func Run(m *testing.M) int {
	mainRunning.Store(true)
	defer mainRunning.Store(false)

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			if err := shutdown(); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
			// Die of the signal, as without the handler.
			signal.Reset(sig)
			_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
			time.Sleep(time.Second)
			os.Exit(1)
		case <-done:
		}
	}()

	code := m.Run()
	signal.Stop(sigs)
	close(done)
	if err := shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// shutdown closes the connection to the server and stops the private
// cluster, if any.
func shutdown() error {
	srvMu.Lock()
	defer srvMu.Unlock()
	s := srv
	srv, srvErr = nil, errors.New("storetest: harness already shut down (New called after Main returned?)")
	if s == nil {
		return nil
	}
	s.admin.Close()
	if s.embedded == nil {
		return nil
	}
	if s.keptFailed.Load() {
		return s.embedded.keep()
	}
	return s.embedded.stop()
}

// embeddedCluster is the private cluster of this test process.
type embeddedCluster struct {
	base    string // temporary directory
	cluster *pgembed.Cluster
	logger  *slog.Logger
}

func testLogger() *slog.Logger {
	level := slog.LevelWarn
	if testing.Verbose() {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("pkg", "storetest")
}

// startEmbedded starts a private cluster in a new temporary directory.
func startEmbedded() (*embeddedCluster, error) {
	logger := testLogger()
	reapOrphans(logger)
	base, err := os.MkdirTemp("", tempPattern)
	if err != nil {
		return nil, fmt.Errorf("storetest: %w", err)
	}
	// MkdirTemp makes it 0700; as root, PostgreSQL runs as another user that
	// must reach the cluster inside (the cluster directory itself is 0700).
	if err := os.Chmod(base, 0o755); err != nil {
		os.RemoveAll(base)
		return nil, fmt.Errorf("storetest: %w", err)
	}
	ownerPath := filepath.Join(base, ownerName)
	if err := os.WriteFile(ownerPath, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		os.RemoveAll(base)
		return nil, fmt.Errorf("storetest: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	began := time.Now()
	c, err := pgembed.Start(ctx, pgembed.Options{Dir: filepath.Join(base, clusterName), Fast: true, Logger: logger})
	if err != nil {
		os.RemoveAll(base)
		return nil, fmt.Errorf("storetest: start PostgreSQL: %w", err)
	}
	logger.Info("started private PostgreSQL cluster", "dir", c.Dir(), "port", c.Port(), "took", time.Since(began).Round(time.Millisecond))
	// Record where the cluster is (it may have been relocated) for reapOrphans.
	if err := os.WriteFile(ownerPath, fmt.Appendf(nil, "%d\n%s\n", os.Getpid(), c.Dir()), 0o644); err != nil {
		logger.Warn("cannot record cluster directory", "err", err)
	}
	return &embeddedCluster{base: base, cluster: c, logger: logger}, nil
}

// stop stops the cluster and removes its directories.
func (ec *embeddedCluster) stop() error {
	err := ec.cluster.Stop()
	if err != nil {
		return fmt.Errorf("storetest: stop PostgreSQL: %w", err)
	}
	removeDirs(ec.base, ec.cluster.Dir())
	return nil
}

// keep leaves the cluster running for inspecting the kept databases, marks
// it so that reapOrphans leaves it alone, and says how to remove it.
func (ec *embeddedCluster) keep() error {
	if err := os.WriteFile(filepath.Join(ec.base, keepName), nil, 0o644); err != nil {
		return fmt.Errorf("storetest: %w", err)
	}
	remove := ec.base
	if dir := ec.cluster.Dir(); !within(dir, ec.base) {
		remove += " " + dir
	}
	fmt.Fprintf(os.Stderr, "storetest: databases of failed tests were kept; their PostgreSQL server (%s) keeps running.\n"+
		"When done: kill -INT $(head -1 %s) && sleep 2 && rm -rf %s\n",
		ec.cluster.URL("postgres"), filepath.Join(ec.cluster.DataDir(), "postmaster.pid"), remove)
	return nil
}

// reapOrphans stops and removes the private clusters of test processes that
// died without Main stopping them.
func reapOrphans(logger *slog.Logger) {
	bases, _ := filepath.Glob(filepath.Join(os.TempDir(), tempPattern))
	for _, base := range bases {
		fi, err := os.Lstat(base)
		if err != nil || !fi.IsDir() {
			continue
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Geteuid() {
			continue // another user's
		}
		if _, err := os.Stat(filepath.Join(base, keepName)); err == nil {
			continue
		}
		pid, clusterDir, err := readOwnerFile(filepath.Join(base, ownerName))
		if err != nil {
			if time.Since(fi.ModTime()) > 10*time.Minute { // died before writing it
				removeDirs(base)
			}
			continue
		}
		if processAlive(pid) {
			continue
		}
		if clusterDir == "" {
			clusterDir = filepath.Join(base, clusterName)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		err = pgembed.StopDir(ctx, clusterDir)
		cancel()
		if err != nil {
			logger.Warn("cannot stop PostgreSQL left by a dead test process", "dir", clusterDir, "pid", pid, "err", err)
			continue
		}
		removeDirs(base, clusterDir)
		logger.Info("removed PostgreSQL cluster left by a dead test process", "dir", base, "pid", pid)
	}
}

// readOwnerFile reads the PID and, if recorded, the cluster directory.
func readOwnerFile(path string) (pid int, clusterDir string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, "", fmt.Errorf("%s: empty", path)
	}
	if pid, err = strconv.Atoi(strings.TrimSpace(sc.Text())); err != nil {
		return 0, "", fmt.Errorf("%s: %w", path, err)
	}
	if sc.Scan() {
		clusterDir = strings.TrimSpace(sc.Text())
	}
	return pid, clusterDir, nil
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// removeDirs removes base and any other given directory outside it.
func removeDirs(base string, others ...string) {
	_ = os.RemoveAll(base)
	for _, dir := range others {
		if !within(dir, base) {
			_ = os.RemoveAll(dir)
		}
	}
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
