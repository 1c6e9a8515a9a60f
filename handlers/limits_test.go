package handlers_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

// multipartBody is a form with one file field of size bytes.
func multipartBody(t *testing.T, field string, size int) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, err := w.CreateFormFile(field, "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(bytes.Repeat([]byte{0x42}, size)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

// chunked hides a body's length, as a client streaming it with Transfer-Encoding: chunked does.
type chunked struct{ io.Reader }

func tempDirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestPageBodies_OversizedAndMultipartLeaveNoTempFiles sends what used to fill the disk: large multipart bodies to
// a page without credentials (which parsed them for the CSRF field on a copy of the request, leaving the spooled
// files behind for good), and uploads over and under the limit. The temporary directory must stay as it was.
// Not parallel: it points TMPDIR, which multipart parsing spools into, at a directory of its own.
func TestPageBodies_OversizedAndMultipartLeaveNoTempFiles(t *testing.T) {
	e := newEnv(t)
	b := e.withOrg("Ann", "ann@example.com", "Acme")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	send := func(path, contentType string, body io.Reader, csrf bool) int {
		t.Helper()
		req, _ := http.NewRequest("POST", e.srv.URL+path, body)
		req.Header.Set("Content-Type", contentType)
		if csrf {
			req.Header.Set("HX-Request", "true")
			req.Header.Set("X-CSRF-Token", b.csrf)
		}
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}

	big, ct := multipartBody(t, "x", 40<<20)
	if got := send("/login", ct, bytes.NewReader(big.Bytes()), false); got != http.StatusRequestEntityTooLarge {
		t.Errorf("40 MB multipart to /login: %d, want 413", got)
	}
	if got := send("/login", ct, chunked{bytes.NewReader(big.Bytes())}, false); got != http.StatusUnsupportedMediaType {
		t.Errorf("40 MB chunked multipart to /login: %d, want 415", got)
	}
	small, smallCT := multipartBody(t, "name", 3<<20)
	if got := send("/profile", smallCT, bytes.NewReader(small.Bytes()), true); got != http.StatusRequestEntityTooLarge {
		t.Errorf("3 MB multipart to a form route: %d, want 413", got)
	}
	if got := send("/profile", smallCT, chunked{bytes.NewReader(small.Bytes())}, true); got != http.StatusUnsupportedMediaType {
		t.Errorf("chunked multipart to a form route: %d, want 415", got)
	}
	if got := send("/login", "application/x-www-form-urlencoded", chunked{strings.NewReader("_csrf=" + strings.Repeat("a", 2<<20))}, false); got != http.StatusForbidden {
		t.Errorf("2 MB url-encoded body to /login: %d, want 403", got)
	}

	over, overCT := multipartBody(t, "avatar", 7<<20)
	if got := send("/profile/avatar", overCT, bytes.NewReader(over.Bytes()), true); got != http.StatusRequestEntityTooLarge {
		t.Errorf("7 MB avatar: %d, want 413", got)
	}
	if got := send("/profile/avatar", overCT, chunked{bytes.NewReader(over.Bytes())}, true); got != http.StatusUnprocessableEntity {
		t.Errorf("7 MB chunked avatar: %d, want 422 (the form says the file is too large)", got)
	}
	// Under the limit but over the 1 MB kept in memory: parsing spools the file, which must be gone afterwards.
	under, underCT := multipartBody(t, "avatar", 3<<20)
	if got := send("/profile/avatar", underCT, bytes.NewReader(under.Bytes()), true); got != http.StatusUnprocessableEntity {
		t.Errorf("3 MB avatar that is no image: %d, want 422", got)
	}
	// Without the header, the upload's own _csrf field is not read (that would mean parsing the body first).
	if got := send("/profile/avatar", underCT, bytes.NewReader(under.Bytes()), false); got != http.StatusForbidden {
		t.Errorf("upload without the CSRF header: %d, want 403", got)
	}
	if left := tempDirEntries(t, tmp); len(left) > 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

// TestDevMailbox_OnlyForLoopbackPeers: the mailbox shows reset links, so only a connection from this machine sees
// it; a forwarded-for header claiming loopback changes nothing.
func TestDevMailbox_OnlyForLoopbackPeers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		peer, forwarded string
		want            int
	}{
		{"127.0.0.1:40000", "", http.StatusOK},
		{"[::1]:40000", "", http.StatusOK},
		{"203.0.113.7:40000", "", http.StatusNotFound},
		{"203.0.113.7:40000", "127.0.0.1", http.StatusNotFound},
		{"10.0.0.5:40000", "127.0.0.1", http.StatusNotFound},
	} {
		req := httptest.NewRequest("GET", "/dev/mailbox", nil)
		req.RemoteAddr = tc.peer
		if tc.forwarded != "" {
			req.Header.Set("X-Forwarded-For", tc.forwarded)
			req.Header.Set("X-Real-IP", tc.forwarded)
		}
		rec := httptest.NewRecorder()
		e.echo.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("peer %s (forwarded %q): %d, want %d", tc.peer, tc.forwarded, rec.Code, tc.want)
		}
	}
}
