package static

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestPath(t *testing.T) {
	t.Parallel()
	b, err := fs.ReadFile(FS, "css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	want := "/static/css/app.css?v=" + hex.EncodeToString(sum[:])[:10]
	for _, name := range []string{"css/app.css", "/css/app.css", "/static/css/app.css"} {
		if got := Path(name); got != want {
			t.Errorf("Path(%q) = %q, want %q", name, got, want)
		}
	}
	if got := Path("nope.css"); got != "/static/nope.css" {
		t.Errorf("missing asset: %q", got)
	}
	re := regexp.MustCompile(`^/static/[a-z0-9/._-]+\?v=[0-9a-f]{10}$`)
	for _, name := range []string{"js/app.js", "js/theme-init.js", "vendor/htmx/htmx.min.js", "img/logo.svg", "img/favicon.svg"} {
		if p := Path(name); !re.MatchString(p) {
			t.Errorf("Path(%q) = %q", name, p)
		}
	}
}

func TestHandler(t *testing.T) {
	t.Parallel()
	h := Handler()
	get := func(url string, hdr ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, url, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	rec := get(Path("css/app.css"))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("versioned Cache-Control = %q", cc)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type = %q", ct)
	}
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Errorf("no ETag")
	}

	rec = get("/static/css/app.css")
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("unversioned: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	if rec = get("/static/css/app.css", "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("conditional GET: %d", rec.Code)
	}
	if ct := get(Path("img/logo.svg")).Header().Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("svg Content-Type = %q", ct)
	}
	for _, u := range []string{"/static/", "/static/css/", "/static/missing.js", "/static/../static.go", "/static/static.go"} {
		if rec := get(u); rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", u, rec.Code)
		}
	}
}
