package blob

import (
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// newTestLocal returns a Local whose URLs point at a loopback server that
// mounts its Handler at /blobs/, the way the application does.
func newTestLocal(t *testing.T) (*Local, *httptest.Server) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	l, err := NewLocal(t.TempDir(), srv.URL+"/", testSecret)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	mux.Handle("/blobs/", l.Handler())
	return l, srv
}

func TestLocalStore(t *testing.T) {
	l, _ := newTestLocal(t)
	testStore(t, l)
	assertNoTempFiles(t, l.dir)
}

func TestNewLocalValidation(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		dir     string
		baseURL string
		secret  []byte
	}{
		{"empty dir", "", "http://localhost", testSecret},
		{"dir is a file", writeFile(t, filepath.Join(dir, "file"), "x"), "http://localhost", testSecret},
		{"relative base URL", dir, "/app", testSecret},
		{"no scheme", dir, "localhost:8080", testSecret},
		{"ftp base URL", dir, "ftp://example.com", testSecret},
		{"base URL with query", dir, "http://example.com/?a=b", testSecret},
		{"nil secret", dir, "http://localhost", nil},
		{"short secret", dir, "http://localhost", []byte("tooshort")},
	}
	for _, tt := range tests {
		if _, err := NewLocal(tt.dir, tt.baseURL, tt.secret); err == nil {
			t.Errorf("%s: NewLocal succeeded", tt.name)
		}
	}

	l, err := NewLocal(filepath.Join(dir, "new", "nested"), "https://trcr.example.com/", testSecret)
	if err != nil {
		t.Fatalf("NewLocal creating dirs: %v", err)
	}
	if l.baseURL != "https://trcr.example.com" {
		t.Errorf("baseURL = %q, trailing slash not trimmed", l.baseURL)
	}
}

func TestLocalSecretIsCopied(t *testing.T) {
	secret := []byte("0123456789abcdef")
	l, err := NewLocal(t.TempDir(), "http://localhost", secret)
	if err != nil {
		t.Fatal(err)
	}
	u1, _ := l.URL(t.Context(), "k", time.Hour, "")
	secret[0] = 'X'
	u2, _ := l.URL(t.Context(), "k", time.Hour, "")
	if u1 != u2 {
		t.Error("changing the caller's secret slice changed signatures")
	}
}

func TestLocalURLFormat(t *testing.T) {
	l, err := NewLocal(t.TempDir(), "https://trcr.example.com", testSecret)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	l.now = func() time.Time { return now }

	u, err := l.URL(t.Context(), "avatars/a.png", 90*time.Second, "")
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`^https://trcr\.example\.com/blobs/avatars/a\.png\?exp=1700000090&sig=[0-9a-f]{64}$`)
	if !want.MatchString(u) {
		t.Errorf("URL = %q, want match %s", u, want)
	}

	u, err = l.URL(t.Context(), "avatars/a.png", 90*time.Second, "my pic&more.png")
	if err != nil {
		t.Fatal(err)
	}
	want = regexp.MustCompile(`^https://trcr\.example\.com/blobs/avatars/a\.png\?exp=1700000090&sig=[0-9a-f]{64}&name=my\+pic%26more\.png$`)
	if !want.MatchString(u) {
		t.Errorf("URL = %q, want match %s", u, want)
	}

	// A sub-second ttl must not produce a link that is already expired.
	u, _ = l.URL(t.Context(), "k", 300*time.Millisecond, "")
	if !strings.Contains(u, "exp=1700000001&") {
		t.Errorf("sub-second ttl URL = %q, want exp rounded up", u)
	}
}

func TestLocalHandlerRejectsBadSignatures(t *testing.T) {
	l, _ := newTestLocal(t)
	put(t, l, "avatars/a.png", []byte("png"), "image/png")
	put(t, l, "avatars/b.png", []byte("other"), "image/png")
	signed, err := l.URL(t.Context(), "avatars/a.png", time.Hour, "a.png")
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := fetch(t, signed); resp.StatusCode != http.StatusOK {
		t.Fatalf("untampered URL: status %d", resp.StatusCode)
	}

	tests := []struct {
		name   string
		mutate func(u *url.URL, q url.Values)
	}{
		{"flipped sig byte", func(_ *url.URL, q url.Values) { q.Set("sig", flipHex(q.Get("sig"))) }},
		{"truncated sig", func(_ *url.URL, q url.Values) { q.Set("sig", q.Get("sig")[:32]) }},
		{"non-hex sig", func(_ *url.URL, q url.Values) { q.Set("sig", strings.Repeat("zz", 32)) }},
		{"missing sig", func(_ *url.URL, q url.Values) { q.Del("sig") }},
		{"extended exp", func(_ *url.URL, q url.Values) { q.Set("exp", bump(q.Get("exp"), 3600)) }},
		{"missing exp", func(_ *url.URL, q url.Values) { q.Del("exp") }},
		{"changed name", func(_ *url.URL, q url.Values) { q.Set("name", "evil.html") }},
		{"dropped name", func(_ *url.URL, q url.Values) { q.Del("name") }},
		{"other key", func(u *url.URL, _ url.Values) { u.Path = "/blobs/avatars/b.png" }},
	}
	for _, tt := range tests {
		u, _ := url.Parse(signed)
		q := u.Query()
		tt.mutate(u, q)
		u.RawQuery = q.Encode()
		if resp, _ := fetch(t, u.String()); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: status = %d, want 403", tt.name, resp.StatusCode)
		}
	}

	// A signature from another secret must not verify either.
	other, err := NewLocal(t.TempDir(), l.baseURL, []byte("another-secret-of-32-bytes-long!"))
	if err != nil {
		t.Fatal(err)
	}
	forged, _ := other.URL(t.Context(), "avatars/a.png", time.Hour, "")
	if resp, _ := fetch(t, forged); resp.StatusCode != http.StatusForbidden {
		t.Errorf("other secret: status = %d, want 403", resp.StatusCode)
	}
}

func TestLocalHandlerExpiry(t *testing.T) {
	l, _ := newTestLocal(t)
	put(t, l, "avatars/a.png", []byte("png"), "image/png")
	start := time.Now()
	now := start
	l.now = func() time.Time { return now }
	u, err := l.URL(t.Context(), "avatars/a.png", time.Minute, "")
	if err != nil {
		t.Fatal(err)
	}

	now = start.Add(59 * time.Second)
	resp, _ := fetch(t, u)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("before expiry: status %d", resp.StatusCode)
	}
	// The response must not be cached past the link's lifetime.
	if cc := resp.Header.Get("Cache-Control"); cc != "private, max-age=1" && cc != "private, max-age=0" {
		t.Errorf("Cache-Control near expiry = %q", cc)
	}

	for _, later := range []time.Duration{61 * time.Second, 24 * time.Hour} {
		now = start.Add(later)
		if resp, _ := fetch(t, u); resp.StatusCode != http.StatusForbidden {
			t.Errorf("after %v: status = %d, want 403", later, resp.StatusCode)
		}
	}
}

func TestLocalHandlerHeaders(t *testing.T) {
	l, _ := newTestLocal(t)
	content := []byte("0123456789")
	put(t, l, "logos/acme.png", content, "image/png")
	u, err := l.URL(t.Context(), "logos/acme.png", 10*time.Minute, "")
	if err != nil {
		t.Fatal(err)
	}

	resp, body := fetch(t, u)
	if resp.StatusCode != http.StatusOK || string(body) != string(content) {
		t.Fatalf("status %d body %q", resp.StatusCode, body)
	}
	h := resp.Header
	want := map[string]string{
		"Content-Type":            "image/png",
		"Content-Length":          "10",
		"Content-Disposition":     "inline",
		"X-Content-Type-Options":  "nosniff",
		"Content-Security-Policy": "default-src 'none'; sandbox",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	maxAge, ok := strings.CutPrefix(h.Get("Cache-Control"), "private, max-age=")
	if n, err := strconv.Atoi(maxAge); !ok || err != nil || n < 598 || n > 600 {
		t.Errorf("Cache-Control = %q, want private with max-age about 600", h.Get("Cache-Control"))
	}

	t.Run("range", func(t *testing.T) {
		resp, body := do(t, http.MethodGet, u, http.Header{"Range": {"bytes=2-5"}})
		if resp.StatusCode != http.StatusPartialContent || string(body) != "2345" {
			t.Errorf("range: status %d body %q", resp.StatusCode, body)
		}
		if cr := resp.Header.Get("Content-Range"); cr != "bytes 2-5/10" {
			t.Errorf("Content-Range = %q", cr)
		}
	})

	t.Run("head", func(t *testing.T) {
		resp, body := do(t, http.MethodHead, u, nil)
		if resp.StatusCode != http.StatusOK || len(body) != 0 || resp.Header.Get("Content-Length") != "10" {
			t.Errorf("HEAD: status %d, %d body bytes, Content-Length %q",
				resp.StatusCode, len(body), resp.Header.Get("Content-Length"))
		}
	})

	t.Run("post not allowed", func(t *testing.T) {
		resp, _ := do(t, http.MethodPost, u, nil)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST: status %d Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})

	t.Run("stored type is never sniffed", func(t *testing.T) {
		html := []byte("<html><script>alert(1)</script></html>")
		put(t, l, "files/page", html, "")
		u, _ := l.URL(t.Context(), "files/page", time.Minute, "")
		resp, _ := fetch(t, u)
		if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
			t.Errorf("Content-Type = %q, want application/octet-stream", ct)
		}
	})
}

func TestLocalHandlerPaths(t *testing.T) {
	l, srv := newTestLocal(t)
	put(t, l, "avatars/a.png", []byte("png"), "image/png")
	signed, _ := l.URL(t.Context(), "avatars/a.png", time.Minute, "")
	query := signed[strings.Index(signed, "?"):]

	// Mounted behind StripPrefix instead of at /blobs/ directly.
	stripped := httptest.NewServer(http.StripPrefix("/files", l.Handler()))
	defer stripped.Close()
	if resp, body := fetch(t, stripped.URL+"/files/avatars/a.png"+query); resp.StatusCode != http.StatusOK || string(body) != "png" {
		t.Errorf("prefix already stripped: status %d body %q", resp.StatusCode, body)
	}

	for _, p := range []string{"/blobs/", "/blobs/avatars", "/blobs/avatars/../avatars/a.png", "/blobs/.meta/avatars/a.png"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
		req.URL.Path = p
		req.URL.RawQuery = query[1:]
		rec := httptest.NewRecorder()
		l.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 404 or 403", p, rec.Code)
		}
		if strings.Contains(rec.Body.String(), "png") && rec.Code == http.StatusOK {
			t.Errorf("%s served content", p)
		}
	}
}

func TestLocalFailedPutKeepsOldContent(t *testing.T) {
	l, _ := newTestLocal(t)
	put(t, l, "avatars/a.png", []byte("original"), "image/png")

	err := l.Put(t.Context(), "avatars/a.png", strings.NewReader("short"), 100, "image/jpeg")
	if err == nil {
		t.Fatal("short Put succeeded")
	}
	got, info := open(t, l, "avatars/a.png")
	if string(got) != "original" || info.ContentType != "image/png" {
		t.Errorf("after failed Put: %q %+v, want original image/png", got, info)
	}
	assertNoTempFiles(t, l.dir)
}

func TestLocalOnDiskLayout(t *testing.T) {
	l, _ := newTestLocal(t)
	put(t, l, "avatars/a.png", []byte("png"), "image/png")

	raw, err := os.ReadFile(filepath.Join(l.dir, "avatars", "a.png"))
	if err != nil || string(raw) != "png" {
		t.Fatalf("object file: %q, %v", raw, err)
	}
	if _, err := os.Stat(filepath.Join(l.dir, ".meta", "avatars", "a.png")); err != nil {
		t.Fatalf("sidecar: %v", err)
	}

	// A file placed by hand (no sidecar) is served as octet-stream.
	writeFile(t, filepath.Join(l.dir, "imported.bin"), "legacy")
	if got, info := open(t, l, "imported.bin"); string(got) != "legacy" || info.ContentType != "application/octet-stream" {
		t.Errorf("imported file: %q %+v", got, info)
	}

	// Delete removes the sidecar too.
	if err := l.Delete(t.Context(), "avatars/a.png"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(l.dir, ".meta", "avatars", "a.png")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("sidecar after Delete: %v", err)
	}

	// A key below an existing object cannot exist.
	if _, _, err := l.Open(t.Context(), "imported.bin/child"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open below a file: %v, want ErrNotFound", err)
	}
	if err := l.Delete(t.Context(), "imported.bin/child"); err != nil {
		t.Errorf("Delete below a file: %v", err)
	}
}

func TestLocalRejectsSymlinkEscape(t *testing.T) {
	l, _ := newTestLocal(t)
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "secret.txt"), "top secret")
	if err := os.Symlink(outside, filepath.Join(l.dir, "escape")); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	if _, _, err := l.Open(t.Context(), "escape/secret.txt"); err == nil {
		t.Error("Open followed a symlink out of the store directory")
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temp file left behind: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, p, content string) string {
	t.Helper()
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func flipHex(s string) string {
	b := []byte(s)
	if b[0] == '0' {
		b[0] = '1'
	} else {
		b[0] = '0'
	}
	return string(b)
}

func bump(exp string, by int64) string {
	n, _ := strconv.ParseInt(exp, 10, 64)
	return strconv.FormatInt(n+by, 10)
}

// A PDF is served so that the app's own pages can preview it in a frame: outside the sandbox (which the browser's
// PDF viewer cannot run in), framed only by the app. Everything else stays sandboxed.
func TestLocalHandler_PDFCanBeFramedByTheAppOnly(t *testing.T) {
	l, _ := newTestLocal(t)
	put(t, l, "attachments/plan", []byte("%PDF-1.4\n%%EOF\n"), "application/pdf")
	put(t, l, "attachments/page", []byte("<html><script>alert(1)</script></html>"), "text/html")
	for key, wantCSP := range map[string]string{
		"attachments/plan": "default-src 'none'; frame-ancestors 'self'",
		"attachments/page": "default-src 'none'; sandbox",
	} {
		u, err := l.URL(t.Context(), key, time.Minute, "")
		if err != nil {
			t.Fatal(err)
		}
		resp, _ := fetch(t, u)
		if got := resp.Header.Get("Content-Security-Policy"); got != wantCSP {
			t.Errorf("%s: Content-Security-Policy %q, want %q", key, got, wantCSP)
		}
		if got := resp.Header.Get("X-Frame-Options"); got != "SAMEORIGIN" {
			t.Errorf("%s: X-Frame-Options %q", key, got)
		}
	}
}
