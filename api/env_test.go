package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"
	_ "github.com/lib/pq"

	"github.com/trcr/trcr/cmd/trcr/app"
	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var testSecret = []byte("test-secret-test-secret-test-secret-0123")

// env is one test's server: the app as cmd/trcr wires it (its middleware, error routing and routes) over a fresh
// database, served on a loopback port.
type env struct {
	t     *testing.T
	app   *app.App
	store *store.Store
	db    *sqlx.DB
	echo  *echo.Echo // the router, for routes a test adds
	hub   *store.Hub
	srv   *httptest.Server
	// http reaches the server whatever host a URL names, so the app's own links (http://trcr.test/...) work.
	http *http.Client
	// cfg builds the app again on restart.
	cfg app.Config
}

// runHub starts the live-event hub for the rest of the test.
func (e *env) runHub() {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = e.hub.Run(ctx, 100*time.Millisecond) }()
	e.t.Cleanup(func() { stop(); <-done })
}

type envOption func(*store.Config)

func withAuthRateLimit(n int) envOption { return func(c *store.Config) { c.AuthRateLimit = n } }

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	url := storetest.New(t, migrations.Checksum(), migrations.Up)
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := app.Config{Store: store.Config{BaseURL: "http://trcr.test", Secret: testSecret, AuthRateLimit: 10000}, DataDir: t.TempDir(), DatabaseURL: url,
		// Requests come from the loopback peer, whose X-Forwarded-For is believed: a test chooses the client's address.
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		RequestTimeout: 30 * time.Second, UploadTimeout: 5 * time.Minute}
	for _, o := range opts {
		o(&cfg.Store)
	}
	e := &env{t: t, db: db, cfg: cfg}
	e.serve()
	return e
}

// serve builds the app over the env's database and serves it on a loopback port.
func (e *env) serve() {
	t := e.t
	a, err := app.New(context.Background(), e.cfg, e.db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	// Hundreds of accounts: at OWASP's cost, hashing their passwords would be most of the tests' CPU time.
	a.Store.SetPasswordCost(64, 1)
	// The hub is started by the tests of the live stream (runHub).
	e.app, e.store, e.echo, e.hub = a, a.Store, a.Echo, a.Hub
	e.srv = httptest.NewServer(a)
	t.Cleanup(e.srv.Close)
	addr := e.srv.Listener.Addr().String()
	e.http = &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(e.http.CloseIdleConnections)
}

// restart is a new server on the same database, as after a process restart: nothing is kept in memory.
func (e *env) restart() *env {
	again := *e
	again.serve()
	return &again
}

// req is one API call.
type req struct {
	method, path string
	token        string
	org          string // X-Organization-ID
	body         any    // marshalled to JSON unless it is a string or []byte
	contentType  string
	headers      map[string]string
}

// resp is an answer with its decoded JSON.
type resp struct {
	status int
	header http.Header
	raw    []byte
	json   map[string]any
}

func (e *env) do(r req) resp {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	hr, err := http.NewRequest(r.method, "http://trcr.test/api/v1"+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if r.contentType != "" {
		hr.Header.Set("Content-Type", r.contentType)
	} else if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	if r.org != "" {
		hr.Header.Set("X-Organization-ID", r.org)
	}
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	res, err := e.http.Do(hr)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	e.checkOpenAPI(hr, res.StatusCode, res.Header, raw) // api/openapi_check_test.go
	// What the event workers of a server do after a commit (notifications, their emails), done before the test looks.
	if _, err := e.store.ProcessEventJobs(context.Background()); err != nil {
		e.t.Fatalf("event jobs: %v", err)
	}
	out := resp{status: res.StatusCode, header: res.Header, raw: raw}
	if len(out.raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		var v any
		if err := json.Unmarshal(out.raw, &v); err != nil {
			e.t.Fatalf("%s %s: answer is not JSON: %s", r.method, r.path, out.raw)
		}
		if m, ok := v.(map[string]any); ok {
			out.json = m
		}
	}
	return out
}

// errCode returns error.code of an error answer.
func (r resp) errCode() string {
	if e, ok := r.json["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

func (r resp) errMessage() string {
	if e, ok := r.json["error"].(map[string]any); ok {
		s, _ := e["message"].(string)
		return s
	}
	return ""
}

func (r resp) str(key string) string {
	s, _ := r.json[key].(string)
	return s
}

func (r resp) data() []map[string]any {
	list, _ := r.json["data"].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		out = append(out, x.(map[string]any))
	}
	return out
}

// user is a registered account with its tokens.
type user struct {
	id, email, name, password string
	token, refresh            string
}

func (e *env) register(name string) user {
	e.t.Helper()
	u := user{name: name, password: "correct horse battery", email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com"}
	r := e.must(201, req{method: "POST", path: "/auth/register", body: map[string]string{"email": u.email, "password": u.password, "name": name}})
	u.token, u.refresh = r.str("access_token"), r.str("refresh_token")
	u.id = r.json["user"].(map[string]any)["id"].(string)
	return u
}

// org creates an organization owned by u and returns its id. The owner has verified their address, as someone
// running an organization has: only verified accounts send invitations and invoices.
func (e *env) org(u user, name string) string {
	e.t.Helper()
	id := e.must(201, req{method: "POST", path: "/organizations", token: u.token, body: map[string]string{"name": name}}).str("id")
	e.verify(u)
	return id
}

// verify marks u's email address verified, as following the emailed link does.
func (e *env) verify(u user) {
	e.t.Helper()
	if _, err := e.db.Exec(`UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1`, u.id); err != nil {
		e.t.Fatal(err)
	}
}

var tokenInLink = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// lastEmailTo returns the newest outbox email to addr.
func (e *env) lastEmailTo(addr string) store.OutboxEmail {
	e.t.Helper()
	// Account emails (password resets) are written by a worker that the server runs in the background.
	if _, err := e.store.ProcessAuthMail(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	emails, err := e.store.OutboxEmails(context.Background(), 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range emails {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				return m
			}
		}
	}
	e.t.Fatalf("no email to %s in the outbox", addr)
	return store.OutboxEmail{}
}

func tokenFrom(t *testing.T, m store.OutboxEmail) string {
	t.Helper()
	match := tokenInLink.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no token link in email %q", m.Text)
	}
	return match[1]
}

// join invites u to org as role (by owner) and accepts the invitation; it returns the member id.
func (e *env) join(owner user, org string, u user, role string) string {
	e.t.Helper()
	m := e.must(201, req{method: "POST", path: "/members/invite", token: owner.token, org: org, body: map[string]string{"email": u.email, "role": role}})
	tok := tokenFrom(e.t, e.lastEmailTo(u.email))
	e.must(200, req{method: "POST", path: "/invitations/accept", token: u.token, body: map[string]string{"token": tok}})
	return m.str("id")
}

const otherOrgID = "00000000-0000-4000-8000-000000000000"
