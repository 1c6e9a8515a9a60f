package main

import (
	"bufio"
	"bytes"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/mail/mailtest"
)

// trickle sends a request's head at once and its body in chunks, every apart, like a slowloris client, and
// returns the server's answer (status line and body; empty if the server just hung up) and how long it took.
func trickle(t *testing.T, addr, head string, body []byte, chunks int, every time.Duration) (string, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	go func() {
		size := (len(body) + chunks - 1) / chunks
		for rest := body; len(rest) > 0; {
			n := min(size, len(rest))
			if _, err := conn.Write(rest[:n]); err != nil {
				return
			}
			rest = rest[n:]
			time.Sleep(every)
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	answer, _ := io.ReadAll(bufio.NewReader(conn))
	return string(answer), time.Since(start)
}

// A body that trickles in is cut off after ReadTimeout; an upload route gives it UploadTimeout instead.
func TestServe_SlowBodyIsCutOffExceptOnUploads(t *testing.T) {
	cfg := testConfig(t, "")
	cfg.ReadTimeout, cfg.UploadTimeout = time.Second, 5*time.Second
	srv := startServe(t, cfg)
	c := newClient(t, srv.URL)
	c.signUp("slow@example.com")
	addr := strings.TrimPrefix(srv.URL, "http://")

	// 100 bytes, one every 200 ms, would take 20 s.
	body := bytes.Repeat([]byte(" "), 100)
	head := "POST /api/v1/auth/login HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
	answer, took := trickle(t, addr, head, body, 100, 200*time.Millisecond)
	t.Logf("slow login body: cut off after %v: %.40q", took, answer)
	if took > cfg.ReadTimeout+2*time.Second {
		t.Errorf("a trickling body held the connection for %v, want it cut off after about %v", took, cfg.ReadTimeout)
	}

	// An upload trickling in over 2.5 s is read to the end: the store sniffs the file and refuses its type (cut
	// off, it would be a 400 about the multipart body).
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", "avatar.png")
	fw.Write([]byte("this is not an image"))
	mw.Close()
	head = "POST /api/v1/users/me/avatar/upload HTTP/1.1\r\nHost: " + addr + "\r\nAuthorization: Bearer " + c.token +
		"\r\nContent-Type: " + mw.FormDataContentType() + "\r\nContent-Length: " + strconv.Itoa(form.Len()) + "\r\nConnection: close\r\n\r\n"
	answer, took = trickle(t, addr, head, form.Bytes(), 10, 250*time.Millisecond)
	t.Logf("slow upload: answered after %v: %.40q", took, answer)
	if !strings.HasPrefix(answer, "HTTP/1.1 415") || !strings.Contains(answer, "file type is not allowed") {
		t.Errorf("slow upload within UploadTimeout: %q, want the handler's answer about the file", answer)
	}
}

// SIGTERM with the relay hung mid-send: the server stops well within its bound instead of waiting for the
// 60 s SMTP timeout, and the abandoned email is recorded as attempted, to be sent after the restart.
func TestServe_ShutdownIsBoundedWhenTheRelayHangs(t *testing.T) {
	relay := mailtest.StartHung(t)
	cfg := testConfig(t, "")
	cfg.SMTPURL = relay.URL()
	srv := startServe(t, cfg)
	c := newClient(t, srv.URL)
	if a := c.postJSON("/api/v1/auth/register", map[string]string{"email": "hung@example.com", "password": "secret123!", "name": "Hung"}); a.status != http.StatusCreated {
		t.Fatalf("register: %d %s", a.status, a.body)
	}
	relay.WaitForConnection(t, 10*time.Second)
	took := srv.shutdown(t, 25*time.Second)
	t.Logf("serve returned %v after SIGTERM", took)
	if took > 10*time.Second {
		t.Errorf("shutdown took %v with no grace period", took)
	}
	db, err := sqlx.Open("postgres", cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var row struct {
		Status   string `db:"status"`
		Attempts int    `db:"attempts"`
	}
	if err := db.Get(&row, `SELECT status, attempts FROM email_outbox`); err != nil || row.Status != "pending" || row.Attempts != 1 {
		t.Errorf("the abandoned email: %+v %v, want pending after 1 attempt", row, err)
	}
}

// After SIGTERM, /healthz answers 503 for the grace period while other requests are still served, so that a
// load balancer drains the server before it stops accepting connections.
func TestServe_HealthzFailsDuringShutdownGrace(t *testing.T) {
	cfg := testConfig(t, "")
	cfg.ShutdownGrace = 1500 * time.Millisecond
	srv := startServe(t, cfg)
	c := newClient(t, srv.URL)
	srv.stop()
	time.Sleep(100 * time.Millisecond)
	if a := c.get("/healthz"); a.status != http.StatusServiceUnavailable {
		t.Errorf("/healthz during the grace period: %d %s", a.status, a.body)
	}
	if a := c.get("/login"); a.status != http.StatusOK {
		t.Errorf("a page during the grace period: %d", a.status)
	}
	if took := srv.shutdown(t, 25*time.Second); took < cfg.ShutdownGrace-200*time.Millisecond {
		t.Errorf("serve returned %v after SIGTERM, before the grace period ended", took)
	}
	if _, err := http.Get(srv.URL + "/healthz"); err == nil {
		t.Error("the server still accepts connections after shutting down")
	}
}

// mountTmpfs mounts a private tmpfs on dir until the test ends, or skips the test where that is not allowed
// (only root can, and root ignores file modes, so nothing else gives a real full or read-only disk).
func mountTmpfs(t *testing.T, dir string, flags uintptr, data string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, data); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); needs root with CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (c *client) uploadAvatar(path string, img []byte, header map[string]string) answer {
	c.t.Helper()
	field := "file"
	if !strings.HasPrefix(path, "/api/") {
		field = "avatar"
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile(field, "avatar.png")
	fw.Write(img)
	mw.Close()
	h := map[string]string{"Content-Type": mw.FormDataContentType()}
	for k, v := range header {
		h[k] = v
	}
	return c.do(http.MethodPost, path, &form, h)
}

// Full or read-only file storage answers 507 naming storage (never 500) on the API and pages, and /healthz
// reports it.
func TestServe_FullOrReadOnlyStorageAnswers507(t *testing.T) {
	cfg := testConfig(t, "")
	srv := startServe(t, cfg)
	c := newClient(t, srv.URL)
	c.signUp("disk@example.com")
	img := testPNG(t)
	if a := c.uploadAvatar("/api/v1/users/me/avatar/upload", img, nil); a.status != http.StatusOK {
		t.Fatalf("upload on a working disk: %d %s", a.status, a.body)
	}
	files := filepath.Join(cfg.DataDir, "files")
	check := func(t *testing.T, state, message string) {
		t.Helper()
		a := c.uploadAvatar("/api/v1/users/me/avatar/upload", img, nil)
		if a.status != http.StatusInsufficientStorage || a.code() != "insufficient_storage" || !strings.Contains(a.body, message) {
			t.Errorf("API upload: %d %s, want 507 insufficient_storage %q", a.status, a.body, message)
		}
		c.get("/profile")
		page := c.uploadAvatar("/profile/avatar", img, map[string]string{"X-CSRF-Token": c.csrf, "HX-Request": "true"})
		if page.status != http.StatusInsufficientStorage || !strings.Contains(page.body, "File storage") {
			t.Errorf("page upload: %d %.300s, want 507 naming file storage", page.status, page.body)
		}
		h := c.get("/healthz")
		if h.status != http.StatusServiceUnavailable || !strings.Contains(h.body, `"storage":"`+state+`"`) || !strings.Contains(h.body, `"database":"ok"`) {
			t.Errorf("/healthz: %d %s, want 503 with storage %q", h.status, h.body, state)
		}
		if strings.Contains(srv.log.String(), "status=500") {
			t.Error("a request answered 500")
		}
	}

	t.Run("read-only", func(t *testing.T) {
		if os.Geteuid() == 0 {
			mountTmpfs(t, files, syscall.MS_RDONLY, "size=1m")
		} else {
			if err := os.Chmod(files, 0o500); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(files, 0o750) })
		}
		check(t, "read-only", "file storage is read-only")
	})
	t.Run("full", func(t *testing.T) {
		mountTmpfs(t, files, 0, "size=64k")
		f, err := os.Create(filepath.Join(files, "filler"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.Copy(f, io.LimitReader(zeroReader{}, 1<<20))
		f.Close()
		if err == nil {
			t.Fatal("filling a 64k tmpfs with 1 MB succeeded")
		}
		check(t, "full", "file storage is full")
	})
	if h := c.get("/healthz"); h.status != http.StatusOK {
		t.Errorf("/healthz once the storage is back: %d %s", h.status, h.body)
	}
	if a := c.uploadAvatar("/api/v1/users/me/avatar/upload", img, nil); a.status != http.StatusOK {
		t.Errorf("upload once the storage is back: %d %s", a.status, a.body)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
