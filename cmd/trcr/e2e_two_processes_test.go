package main

// Two `trcr serve` processes on one PostgreSQL: an event committed through one reaches a live stream held by the
// other (LISTEN/NOTIFY wakes the other process's hub; the events table is what it reads).

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestServe_EventThroughOneProcessReachesAStreamOnAnother(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second server")
	}
	a := e2eServerFor(t)
	pids := a.postmasterPIDFiles()
	if len(pids) != 1 {
		t.Fatalf("embedded PostgreSQL of the first server: %v", pids)
	}
	pidFile, err := os.ReadFile(pids[0])
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(pidFile), "\n")
	if len(lines) < 4 {
		t.Fatalf("postmaster.pid: %q", pidFile)
	}
	secret, err := os.ReadFile(filepath.Join(a.root, "data", "secret"))
	if err != nil {
		t.Fatal(err)
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	var logBuf syncBuffer
	cmd := exec.Command(filepath.Join(a.root, "trcr"), "serve")
	cmd.Env = append(envWithout("DATABASE_URL", "TRCR_"),
		"DATABASE_URL=postgres://trcr@127.0.0.1:"+strings.TrimSpace(lines[3])+"/trcr?sslmode=disable",
		"TRCR_SECRET="+strings.TrimSpace(string(secret)), "TRCR_DATA_DIR="+dataDir, "TRCR_ADDR="+addr,
		"TRCR_AUTH_RATE_LIMIT=1000", "TRCR_SHUTDOWN_GRACE=0")
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(serverStopLimit):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("--- second server log ---\n%s", logBuf.String())
		}
	})
	second := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if res, err := http.Get(second + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second server did not become healthy\n%s", logBuf.String())
		}
	}

	// A user and a project, through the first server.
	f := newE2EBoard(t, a.BaseURL)
	// A stream on the second server.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", second+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+f.api.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("stream on the second server: %v %v", res, err)
	}
	defer res.Body.Close()
	got := make(chan string, 10)
	go func() {
		sc := bufio.NewScanner(res.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "event: ") {
				event = strings.TrimPrefix(line, "event: ")
			}
			if strings.HasPrefix(line, "data: ") && event == "task.created" {
				got <- line
			}
		}
		close(got)
	}()
	// Give the stream a moment to be registered before the write, so the event arrives live rather than by replay.
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	id := f.api.call("POST", "/tasks", map[string]any{"project_id": f.projectID, "title": "Across processes"}, http.StatusCreated)["id"].(string)
	// Events the setup committed just before the stream opened may still arrive first (the second server's hub
	// reads them after the stream registered): wait for this task's.
	timeout := time.After(10 * time.Second)
	for {
		select {
		case line, ok := <-got:
			if !ok {
				t.Fatalf("the second server's stream ended before the task's event")
			}
			if !strings.Contains(line, id) {
				continue
			}
			if !strings.Contains(line, "Across processes") {
				t.Fatalf("the second server's stream got %q", line)
			}
			t.Logf("delivered across processes in %s", time.Since(start).Round(time.Millisecond))
			return
		case <-timeout:
			t.Fatal(fmt.Sprintf("no task.created on the second server's stream within 10 s\n%s", logBuf.String()))
		}
	}
}
