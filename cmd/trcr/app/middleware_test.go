package app

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

func TestSecureCookies(t *testing.T) {
	t.Parallel()
	for url, want := range map[string]bool{
		"https://trcr.example.com":  true,
		"http://127.0.0.1:8080":     true,
		"http://localhost:8080":     true,
		"http://[::1]:8080":         true,
		"http://192.168.1.20:8080":  false,
		"http://trcr.internal:8080": false,
	} {
		if got := secureCookies(url); got != want {
			t.Errorf("secureCookies(%q) = %v, want %v", url, got, want)
		}
	}
}

func TestClientIP_TrustsForwardedForOnlyFromConfiguredProxies(t *testing.T) {
	t.Parallel()
	// As cmd/trcr reads TRCR_TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.7" (its TestLoadConfig_TrustedProxies).
	cfg := Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}}
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     string
		want    string
	}{
		{"no proxies: loopback peer's header ignored", nil, "127.0.0.1:1", "198.51.100.9", "127.0.0.1"},
		{"no proxies: private peer's header ignored", nil, "10.1.2.3:1", "198.51.100.9", "10.1.2.3"},
		{"trusted proxy", cfg.TrustedProxies, "10.1.2.3:1", "198.51.100.9", "198.51.100.9"},
		{"trusted single address", cfg.TrustedProxies, "192.0.2.7:1", "198.51.100.9", "198.51.100.9"},
		{"untrusted peer", cfg.TrustedProxies, "203.0.113.5:1", "198.51.100.9", "203.0.113.5"},
		{"loopback is not trusted unless listed", cfg.TrustedProxies, "127.0.0.1:1", "198.51.100.9", "127.0.0.1"},
		{"client-supplied hops left of the proxy are ignored", cfg.TrustedProxies, "10.1.2.3:1", "1.2.3.4, 198.51.100.9", "198.51.100.9"},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = tc.peer
		req.Header.Set("X-Forwarded-For", tc.xff)
		if got := clientIP(tc.trusted)(req); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestRedactURI(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/projects?page=2":                          "/projects?page=2",
		"/reset-password?token=abc":                 "/reset-password?token=REDACTED",
		"/i/1?sig=abc&x=1":                          "/i/1?sig=REDACTED&x=1",
		"/x?Access_Token=abc":                       "/x?Access_Token=REDACTED",
		"/x?%74oken=abc":                            "/x?%74oken=REDACTED",
		"/invitations/abc":                          "/invitations/REDACTED",
		"/invitations/abc/accept":                   "/invitations/REDACTED/accept",
		"/invitations/accept?token=abc":             "/invitations/accept?token=REDACTED",
		"/login?next=%2Freset-password%3Ftoken%3Dx": "/login?next=%2Freset-password%3Ftoken%3DREDACTED",
		"/login?next=%zz":                           "/login?next=REDACTED",
	} {
		if got := redactURI(in); got != want {
			t.Errorf("redactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// Each upload route named for a longer read deadline is a route the app serves, so a renamed route cannot
// silently lose it.
func TestUploadRoutesAreRoutes(t *testing.T) {
	t.Parallel()
	// Nothing here reaches the database: sql.Open does not connect.
	db, err := sqlx.Open("postgres", "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := Config{Store: store.Config{BaseURL: "http://127.0.0.1:8080", Secret: []byte(strings.Repeat("s", 32))}, DataDir: t.TempDir()}
	a, err := New(t.Context(), cfg, db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	posts := map[string]bool{}
	for _, r := range a.Echo.Routes() {
		if r.Method == http.MethodPost {
			posts[r.Path] = true
		}
	}
	for path := range uploadRoutes {
		if !posts[path] {
			t.Errorf("upload route %s is not a POST route of the app", path)
		}
	}
}
