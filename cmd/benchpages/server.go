package main

// The server under test: bin/trcr built from this checkout, seeded, and serving on a private port and data directory.

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type server struct {
	base    string
	cmd     *exec.Cmd
	exited  chan struct{}
	logPath string
	env     []string
}

// benchEnv is the environment of `trcr seed` and `trcr serve`: a private data directory (so a private embedded
// PostgreSQL) unless TRCR_DATABASE_URL names a database, and nothing of the developer's own TRCR_ settings.
func benchEnv(dataDir, addr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TRCR_") || strings.HasPrefix(kv, "DATABASE_URL=") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "TRCR_DATA_DIR="+dataDir, "TRCR_ADDR="+addr, "TRCR_AUTH_RATE_LIMIT=10000",
		"TRCR_DEV_MAILBOX=true", "TRCR_SHUTDOWN_GRACE=0")
	if u := os.Getenv("TRCR_DATABASE_URL"); u != "" {
		env = append(env, "DATABASE_URL="+u)
	}
	return env
}

// build compiles bin/trcr from the module at root.
func build(root string) (string, error) {
	bin := filepath.Join(root, "bin", "trcr")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/trcr")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
}

// seedOnce runs `trcr seed` unless the data directory was seeded already with the same sizes (the marker file),
// so that a second run against -data DIR starts at once.
func seedOnce(bin, dataDir string, env []string, tasks, entries int) error {
	marker := filepath.Join(dataDir, "benchpages-seeded")
	want := fmt.Sprintf("tasks=%d time-entries=%d\n", tasks, entries)
	if b, err := os.ReadFile(marker); err == nil && string(b) == want {
		logf("data in %s seeded already (%s)", dataDir, strings.TrimSpace(want))
		return nil
	}
	began := time.Now()
	cmd := exec.Command(bin, "seed", "--tasks", strconv.Itoa(tasks), "--time-entries", strconv.Itoa(entries))
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("trcr seed: %v\n%s", err, out)
	}
	logf("seeded %d tasks and %d time entries in %s", tasks, entries, time.Since(began).Round(time.Second))
	return os.WriteFile(marker, []byte(want), 0o644)
}

func startServer(bin, dataDir, addr string, env []string) (*server, error) {
	s := &server{base: "http://" + addr, exited: make(chan struct{}), logPath: filepath.Join(dataDir, "benchpages-serve.log"), env: env}
	f, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = f, f
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		select {
		case <-s.exited:
			return nil, fmt.Errorf("trcr serve exited; see %s", s.logPath)
		default:
		}
		if res, err := client.Get(s.base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s, nil
			}
		}
	}
	s.stop()
	return nil, fmt.Errorf("trcr serve was not healthy within 2 minutes; see %s", s.logPath)
}

// stop ends the server with SIGTERM (it stops its embedded PostgreSQL), killing it after 30 s.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// moduleRoot is the directory holding go.mod, at or above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		dir = parent
	}
}
