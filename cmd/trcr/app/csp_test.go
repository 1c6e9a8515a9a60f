package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/static"
	"github.com/trcr/trcr/store"
)

// imgSources is the img-src list of a policy.
func imgSources(t *testing.T, policy string) []string {
	t.Helper()
	for _, d := range strings.Split(policy, ";") {
		if f := strings.Fields(d); len(f) > 0 && f[0] == "img-src" {
			return f[1:]
		}
	}
	t.Fatalf("no img-src in %q", policy)
	return nil
}

// Images load from the app and from where its files are stored, never from any host: a remote image in a
// comment would otherwise be a tracking pixel.
func TestContentSecurityPolicy_ImagesOnlyFromTheAppAndItsStorage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"local files", Config{Store: store.Config{BaseURL: "https://trcr.example.com"}}, "'self' data: https://trcr.example.com"},
		{"s3", Config{Store: store.Config{BaseURL: "https://trcr.example.com"}, S3Endpoint: "http://minio:9000/"}, "'self' data: https://trcr.example.com http://minio:9000"},
		{"s3 public endpoint", Config{Store: store.Config{BaseURL: "https://trcr.example.com"}, S3Endpoint: "http://10.0.0.5:9000", S3PublicEndpoint: "https://files.example.com/trcr"},
			"'self' data: https://trcr.example.com https://files.example.com"},
	} {
		policy := contentSecurityPolicy(c.cfg)
		if got := strings.Join(imgSources(t, policy), " "); got != c.want {
			t.Errorf("%s: img-src %q, want %q", c.name, got, c.want)
		}
		if !strings.Contains(policy, "default-src 'self'") || !strings.Contains(policy, "object-src 'none'") {
			t.Errorf("%s: policy lost its other directives: %q", c.name, policy)
		}
	}
}

// PDF attachments are previewed in a frame of their signed link: the app's own with local files, the bucket's with
// S3. Nothing else may be framed.
func TestContentSecurityPolicy_FramesOnlyFromTheAppAndItsStorage(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"local files", Config{Store: store.Config{BaseURL: "https://trcr.example.com"}}, "frame-src 'self';"},
		{"s3 public endpoint", Config{Store: store.Config{BaseURL: "https://trcr.example.com"}, S3Endpoint: "http://10.0.0.5:9000", S3PublicEndpoint: "https://files.example.com/trcr"},
			"frame-src 'self' https://files.example.com;"},
	} {
		if policy := contentSecurityPolicy(c.cfg); !strings.Contains(policy, c.want) {
			t.Errorf("%s: %q lacks %q", c.name, policy, c.want)
		}
	}
}

// The header the server actually sends has no scheme wildcard for images.
func TestServe_ContentSecurityPolicyHeaderAllowsNoRemoteImages(t *testing.T) {
	t.Parallel()
	// Nothing here reaches the database: sql.Open does not connect.
	db, err := sqlx.Open("postgres", "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := Config{Store: store.Config{BaseURL: "http://127.0.0.1:8080", Secret: []byte(strings.Repeat("s", 32))}, DataDir: t.TempDir()}
	a, err := New(context.Background(), cfg, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	a.Echo.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, static.Path("css/app.css"), nil))
	policy := rec.Header().Get("Content-Security-Policy")
	if rec.Code != http.StatusOK || policy == "" {
		t.Fatalf("GET app.css: %d, policy %q", rec.Code, policy)
	}
	for _, src := range imgSources(t, policy) {
		if src == "https:" || src == "http:" || src == "*" || strings.HasPrefix(src, "*.") {
			t.Errorf("img-src allows any host with %q: %q", src, policy)
		}
	}
}
