package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"
	_ "github.com/lib/pq"

	"github.com/trcr/trcr/cmd/trcr/app"
	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// env is a real page server over a fresh database: the app as cmd/trcr wires it (its middleware, error routing
// and routes), served on a loopback port.
type env struct {
	t     *testing.T
	store *store.Store
	db    *sqlx.DB
	srv   *httptest.Server
	echo  *echo.Echo // the router, for requests that must come from a chosen peer address
}

func newEnv(t *testing.T) *env {
	t.Helper()
	url := storetest.New(t, migrations.Checksum(), migrations.Up)
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	a, err := app.New(context.Background(), app.Config{
		Store:   store.Config{BaseURL: "http://trcr.test", Secret: []byte(strings.Repeat("s", 32)), AuthRateLimit: 10000},
		DataDir: t.TempDir(), DatabaseURL: url, DevMailbox: true, RequestTimeout: 30 * time.Second, UploadTimeout: 5 * time.Minute,
	}, db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	// Hundreds of accounts: at OWASP's cost, hashing their passwords would be most of the tests' CPU time.
	a.Store.SetPasswordCost(64, 1)
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return &env{t: t, store: a.Store, db: db, srv: srv, echo: a.Echo}
}

// browser is a cookie-keeping client that does not follow redirects, so tests see them.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type page struct {
	status   int
	location string
	header   http.Header
	doc      *goquery.Document
	body     string
}

func (p page) has(testid string) bool { return p.doc.Find(`[data-testid="`+testid+`"]`).Length() > 0 }

func (p page) text(testid string) string {
	return strings.TrimSpace(p.doc.Find(`[data-testid="` + testid + `"]`).First().Text())
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browser) read(res *http.Response, err error) page {
	b.e.t.Helper()
	if err != nil {
		b.e.t.Fatal(err)
	}
	// What the event workers of a server do after a commit (notifications, their emails), done before the test looks.
	if _, err := b.e.store.ProcessEventJobs(context.Background()); err != nil {
		b.e.t.Fatalf("event jobs: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
	if err != nil {
		b.e.t.Fatal(err)
	}
	if m := csrfInput.FindStringSubmatch(string(raw)); m != nil {
		b.csrf = m[1]
	}
	return page{status: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, doc: doc, body: string(raw)}
}

func (b *browser) get(path string) page {
	b.e.t.Helper()
	return b.send(visit{path: path})
}

// post submits a form with the CSRF token of the last page read.
func (b *browser) post(path string, form url.Values) page {
	b.e.t.Helper()
	return b.send(visit{method: http.MethodPost, path: path, form: form})
}

// htmx submits like htmx does: CSRF in the header, HX-Request set.
func (b *browser) htmx(path string, form url.Values) page {
	b.e.t.Helper()
	return b.send(visit{method: http.MethodPost, htmx: true, path: path, form: form})
}

// signUp registers through the page and returns the signed-in browser.
func (e *env) signUp(name, email string) *browser {
	e.t.Helper()
	b := e.browser()
	b.get("/register")
	p := b.post("/register", url.Values{"name": {name}, "email": {email}, "password": {"secret123!"}})
	if p.status != http.StatusSeeOther {
		e.t.Fatalf("register %s: %d %s", email, p.status, p.body)
	}
	b.get("/onboarding")
	return b
}

// withOrg signs up and creates an organization. Its owner has verified their address, as someone running an
// organization has: only verified accounts send invitations and invoices.
func (e *env) withOrg(name, email, org string) *browser {
	e.t.Helper()
	b := e.signUp(name, email)
	if p := b.post("/onboarding", url.Values{"name": {org}}); p.status != http.StatusSeeOther || p.location != "/onboarding/team" {
		e.t.Fatalf("onboarding: %d %s", p.status, p.location)
	}
	e.verify(email)
	b.get("/")
	return b
}

// verify marks the account of email verified, as following the emailed link does.
func (e *env) verify(email string) {
	e.t.Helper()
	if _, err := e.db.Exec(`UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE lower(email) = lower($1)`, email); err != nil {
		e.t.Fatal(err)
	}
}

var tokenRe = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

func (e *env) tokenSentTo(addr, pathPart string) string {
	e.t.Helper()
	// Account emails (password resets) are written by a worker that the server runs in the background.
	if _, err := e.store.ProcessAuthMail(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	emails, err := e.store.OutboxEmails(context.Background(), 100)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range emails {
		if strings.EqualFold(m.To[0], addr) && strings.Contains(m.Text, pathPart) {
			return tokenRe.FindStringSubmatch(m.Text)[1]
		}
	}
	e.t.Fatalf("no %s email to %s", pathPart, addr)
	return ""
}
