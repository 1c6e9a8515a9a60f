package pgembed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Signals understood by the postmaster.
const (
	sigFast      = syscall.SIGINT  // fast shutdown: abort transactions, then exit
	sigImmediate = syscall.SIGQUIT // immediate shutdown: exit at once, recover at next start
)

// pidFile holds the fields of postmaster.pid (and of a socket lock file,
// which has the same layout) that pgembed needs.
type pidFile struct {
	path string
	pid  int
	port int // 0 in socket lock files
}

func readPIDFile(path string) (*pidFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(b), "\n")
	pf := &pidFile{path: path}
	if pf.pid, err = strconv.Atoi(strings.TrimSpace(lines[0])); err != nil {
		return nil, fmt.Errorf("%s: bad PID line %q", path, lines[0])
	}
	if len(lines) > 3 {
		pf.port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	}
	return pf, nil
}

// processAlive reports whether a process with this PID exists.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// postmasterAlive reports whether pid is a live server for dataDir. Where
// /proc exists, it also checks that the process's working directory is
// dataDir (the postmaster changes into its data directory), so that a PID
// reused by an unrelated process, or a zombie, does not count.
func postmasterAlive(pid int, dataDir string) bool {
	if !processAlive(pid) {
		return false
	}
	cwd, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/cwd")
	if err != nil {
		if _, statErr := os.Stat("/proc/self/cwd"); statErr != nil {
			return true // no /proc (e.g. macOS): trust kill(pid, 0)
		}
		return false // gone, a zombie, or another user's process
	}
	want, err := filepath.EvalSymlinks(dataDir)
	if err != nil {
		want = dataDir
	}
	return cwd == want
}

// writeOwner records this process as the starter of the running server.
func writeOwner(path string) error {
	return os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
}

// readOwner returns the PID recorded by writeOwner, or 0.
func readOwner(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(b)))
}

// signalAndWait sends sig to the postmaster described by pf and waits until
// it has exited (its postmaster.pid is removed or the process is gone).
func signalAndWait(ctx context.Context, pf *pidFile, dataDir string, sig syscall.Signal) error {
	if err := syscall.Kill(pf.pid, sig); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		return fmt.Errorf("signal postmaster %d: %w", pf.pid, err)
	}
	for {
		if _, err := os.Stat(pf.path); errors.Is(err, os.ErrNotExist) || !postmasterAlive(pf.pid, dataDir) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("postmaster %d still running: %w", pf.pid, ctx.Err())
		case <-time.After(pollInterval):
		}
	}
}

// StopDir stops the server running the cluster that [Start] set up for dir,
// whichever process started it, and waits for it to exit; it does nothing if
// no server is running. It is meant for cleaning up after a process that died
// without calling [Cluster.Stop]. dir is the Options.Dir given to Start (or
// the [Cluster.Dir] it reported). StopDir asks for a fast shutdown and falls
// back to an immediate one after 30 seconds or when ctx is done.
func StopDir(ctx context.Context, dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	user, err := serverUser()
	if err != nil {
		return err
	}
	cdir, _, _ := clusterDir(abs, user)
	dataDir := filepath.Join(cdir, dataSubdir)
	pf, err := readPIDFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil || !postmasterAlive(pf.pid, dataDir) {
		return nil
	}
	fastCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = signalAndWait(fastCtx, pf, dataDir, sigFast)
	cancel()
	if err == nil {
		return nil
	}
	killCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := signalAndWait(killCtx, pf, dataDir, sigImmediate); err != nil {
		return fmt.Errorf("pgembed: stop server of %s: %w", cdir, err)
	}
	return nil
}
