package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	_ "github.com/lib/pq"

	"github.com/trcr/trcr/api"
	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/blob"
	"github.com/trcr/trcr/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var testSecret = []byte("test-secret-test-secret-test-secret-0123")

// env is one test's server: the real router over a fresh database.
type env struct {
	t     *testing.T
	store *store.Store
	db    *sqlx.DB
	echo  *echo.Echo
	blobs *blob.Local
	files *httptest.Server
	hub   *store.Hub
	cfg   store.Config
	url   string
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
	e := &env{t: t, db: db}
	// Signed blob URLs point at a real file server so tests can fetch avatars and logos.
	mux := http.NewServeMux()
	e.files = httptest.NewServer(mux)
	t.Cleanup(e.files.Close)
	e.blobs, err = blob.NewLocal(t.TempDir(), e.files.URL, store.DeriveKey(testSecret, "blob-url"))
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/blobs/", e.blobs.Handler())
	cfg := store.Config{BaseURL: "http://trcr.test", Secret: testSecret, AuthRateLimit: 10000}
	for _, o := range opts {
		o(&cfg)
	}
	e.cfg, e.url = cfg, url
	e.serve()
	return e
}

// serve builds the store and the API over the env's database.
func (e *env) serve() {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.store = store.New(e.db, e.blobs, e.cfg, log)
	e.hub = e.store.NewHub(e.url) // started by the tests of the live stream (runHub)
	a := api.New(e.store, api.Options{Logger: log, Hub: e.hub})
	e.echo = echo.New()
	e.echo.IPExtractor = echo.ExtractIPFromXFFHeader()
	e.echo.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true}))
	e.echo.HTTPErrorHandler = a.HandleError
	a.Mount(e.echo.Group("/api/v1"))
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
	hr := httptest.NewRequest(r.method, "/api/v1"+r.path, body)
	hr.RemoteAddr = "127.0.0.1:5555"
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
	rec := httptest.NewRecorder()
	e.echo.ServeHTTP(rec, hr)
	e.checkOpenAPI(hr, rec.Code, rec.Header(), rec.Body.Bytes()) // api/openapi_check_test.go
	// What the event workers of a server do after a commit (notifications, their emails), done before the test looks.
	if _, err := e.store.ProcessEventJobs(context.Background()); err != nil {
		e.t.Fatalf("event jobs: %v", err)
	}
	out := resp{status: rec.Code, header: rec.Header(), raw: rec.Body.Bytes()}
	if len(out.raw) > 0 && strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
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

// must calls and fails the test unless the status is want.
func (e *env) must(want int, r req) resp {
	e.t.Helper()
	got := e.do(r)
	if got.status != want {
		e.t.Fatalf("%s %s: status %d, want %d; body %s", r.method, r.path, got.status, want, got.raw)
	}
	return got
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
