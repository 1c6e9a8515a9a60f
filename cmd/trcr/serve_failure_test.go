package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/pgembed"
)

// checkUnavailable asserts the answer a database outage must give: 503 with Retry-After, and the JSON error
// code "unavailable" on the API.
func checkUnavailable(t *testing.T, what string, a answer, api bool) {
	t.Helper()
	if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" {
		t.Errorf("%s: %d (Retry-After %q), want 503 with Retry-After; body %.300s", what, a.status, a.header.Get("Retry-After"), a.body)
	}
	if api && a.code() != "unavailable" {
		t.Errorf("%s: error code %q, want unavailable; body %.300s", what, a.code(), a.body)
	}
}

// A real PostgreSQL, stopped under a running server and started again: the API and pages answer 503 with
// Retry-After (never 500), /healthz answers 503 within a second, and everything works again once PostgreSQL
// is back, without restarting the server.
func TestServe_DatabaseOutageAnswers503AndRecovers(t *testing.T) {
	base, err := os.MkdirTemp("", "trcr-outage-")
	if err != nil {
		t.Fatal(err)
	}
	// As root, PostgreSQL runs as another user, who must reach the cluster directory.
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "pg")
	ctx := context.Background()
	cluster, err := pgembed.Start(ctx, pgembed.Options{Dir: dir, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cluster.Stop(); err != nil {
			t.Error(err)
		}
		os.RemoveAll(base)
	})
	if err := cluster.EnsureDatabase(ctx, "trcr"); err != nil {
		t.Fatal(err)
	}
	srv := startServe(t, testConfig(t, cluster.URL("trcr")))
	c := newClient(t, srv.URL)
	c.signUp("outage@example.com")
	if a := c.get("/api/v1/users/me"); a.status != http.StatusOK {
		t.Fatalf("before the outage: %d %s", a.status, a.body)
	}
	if a := c.get("/onboarding"); a.status != http.StatusOK {
		t.Fatalf("page before the outage: %d", a.status)
	}

	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	// What the server read about who a request is (and the user's own profile) it trusts for the auth cache's TTL
	// (docs/PERFORMANCE.md), so GET /users/me may still answer from memory for that long; after it, the outage shows.
	time.Sleep(store.DefaultAuthCacheTTL + 200*time.Millisecond)
	checkUnavailable(t, "GET /api/v1/users/me", c.get("/api/v1/users/me"), true)
	checkUnavailable(t, "POST /api/v1/auth/login", c.postJSON("/api/v1/auth/login", map[string]string{"email": "outage@example.com", "password": "secret123!"}), true)
	page := c.get("/onboarding")
	checkUnavailable(t, "GET /onboarding", page, false)
	if !strings.Contains(page.body, "Temporarily unavailable") {
		t.Errorf("page during the outage: %.500s", page.body)
	}
	flash := c.do(http.MethodGet, "/onboarding", nil, map[string]string{"HX-Request": "true"})
	checkUnavailable(t, "htmx GET /onboarding", flash, false)
	if flash.header.Get("HX-Reswap") != "none" || !strings.Contains(flash.body, "Temporarily unavailable") {
		t.Errorf("htmx answer during the outage: %v %.300s", flash.header, flash.body)
	}
	health := c.get("/healthz")
	if health.status != http.StatusServiceUnavailable || !strings.Contains(health.body, `"database":"unavailable"`) || health.took > time.Second {
		t.Errorf("/healthz during the outage: %d %s after %v, want 503 within 1s", health.status, health.body, health.took)
	}
	if strings.Contains(srv.log.String(), "status=500") {
		t.Errorf("a request answered 500 during the outage")
	}

	if cluster, err = pgembed.Start(ctx, pgembed.Options{Dir: dir, Port: cluster.Port(), Fast: true}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for c.get("/healthz").status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("/healthz did not recover within 30 s of PostgreSQL starting again")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if a := c.get("/api/v1/users/me"); a.status != http.StatusOK {
		t.Errorf("API after the outage: %d %s", a.status, a.body)
	}
	if a := c.get("/onboarding"); a.status != http.StatusOK {
		t.Errorf("page after the outage: %d", a.status)
	}
}

// A database that stops answering (a frozen host, a broken network) answers /healthz 503 within a second, and
// requests 503 within the request timeout plus the connection's I/O slack, instead of hanging.
func TestServe_StalledDatabaseAnswers503InTime(t *testing.T) {
	cfg := testConfig(t, "")
	u := strings.SplitN(strings.TrimPrefix(cfg.DatabaseURL, "postgres://"), "@", 2)
	host := strings.SplitN(u[1], "/", 2)
	proxy := startStallProxy(t, host[0])
	cfg.DatabaseURL = "postgres://" + u[0] + "@" + proxy.addr() + "/" + host[1]
	cfg.RequestTimeout = time.Second
	srv := startServe(t, cfg)
	c := newClient(t, srv.URL)
	c.signUp("stall@example.com")

	proxy.stall()
	health := c.get("/healthz")
	if health.status != http.StatusServiceUnavailable || health.took > 1200*time.Millisecond {
		t.Errorf("/healthz with a stalled database: %d %s after %v, want 503 within a second", health.status, health.body, health.took)
	}
	a := c.get("/api/v1/users/me")
	t.Logf("stalled: /healthz %d after %v, the API %d after %v", health.status, health.took, a.status, a.took)
	checkUnavailable(t, "GET /api/v1/users/me", a, true)
	if limit := cfg.RequestTimeout + dbIOSlack + 2*time.Second; a.took > limit {
		t.Errorf("the request took %v, want at most %v", a.took, limit)
	}

	proxy.resume()
	deadline := time.Now().Add(30 * time.Second)
	for c.get("/healthz").status != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("/healthz did not recover within 30 s of the database answering again")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if a := c.get("/api/v1/users/me"); a.status != http.StatusOK {
		t.Errorf("after the stall: %d %s", a.status, a.body)
	}
}

// logLine returns the access log line of the request whose URI starts with uri (as logged, quoted by slog).
func logLine(t *testing.T, log, uri string) string {
	t.Helper()
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "msg=request") && strings.Contains(line, "uri="+uri) {
			return line
		}
	}
	t.Fatalf("no access log line for %s in\n%s", uri, log)
	return ""
}

// The access log records the status the client got, also for errors the error handler answers.
func TestServe_AccessLogRecordsTheStatusSent(t *testing.T) {
	srv := startServe(t, testConfig(t, ""))
	c := newClient(t, srv.URL)
	for path, want := range map[string]int{"/api/v1/no-such-route": 404, "/api/v1/projects/not-a-uuid": 401, "/no-such-page": 404} {
		if a := c.get(path); a.status != want {
			t.Fatalf("GET %s: %d, want %d", path, a.status, want)
		}
	}
	if a := c.postJSON("/api/v1/auth/login", map[string]any{"email": 5}); a.status != http.StatusBadRequest {
		t.Fatalf("login with a bad body: %d", a.status)
	}
	time.Sleep(50 * time.Millisecond) // the line is written after the answer
	for uri, want := range map[string]string{
		"/api/v1/no-such-route": "status=404", "/api/v1/projects/not-a-uuid": "status=401",
		"/no-such-page": "status=404", "/api/v1/auth/login": "status=400",
	} {
		if line := logLine(t, srv.log.String(), uri); !strings.Contains(line, want) {
			t.Errorf("access log for %s: %s, want %s", uri, line, want)
		}
	}
}

// Secrets in URLs (signed links, one-time tokens, access tokens, tickets, also inside a next URL) never reach
// the access log.
func TestServe_AccessLogRedactsSecretsInURLs(t *testing.T) {
	srv := startServe(t, testConfig(t, ""))
	c := newClient(t, srv.URL)
	for _, path := range []string{
		"/reset-password?token=SECRET-reset",
		"/verify-email?token=SECRET-verify",
		"/invitations/SECRET-invite",
		"/invitations/SECRET-accept/accept",
		"/invitations/accept?token=SECRET-query",
		"/i/00000000-0000-4000-8000-000000000000?sig=SECRET-sig",
		"/api/v1/users/me?access_token=SECRET-access",
		"/login?ticket=SECRET-ticket&next=%2Finvitations%2FSECRET-next",
		"/blobs/avatars/x.png?exp=1&sig=SECRET-blob",
	} {
		c.get(path)
	}
	time.Sleep(50 * time.Millisecond)
	log := srv.log.String()
	if strings.Contains(log, "SECRET") {
		t.Errorf("a secret reached the log:\n%s", log)
	}
	if line := logLine(t, log, "/invitations/REDACTED"); !strings.Contains(line, "status=") {
		t.Errorf("invitation line: %s", line)
	}
	if !strings.Contains(log, "uri=\"/login?ticket=REDACTED&next=%2Finvitations%2FREDACTED\"") &&
		!strings.Contains(log, "uri=/login?ticket=REDACTED&next=%2Finvitations%2FREDACTED") {
		t.Errorf("login line not redacted as expected:\n%s", log)
	}
}
