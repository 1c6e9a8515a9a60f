package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// evilNexts are destinations that browsers read as another site: tabs and newlines are dropped and a backslash is
// a slash, so each becomes //evil.example.
var evilNexts = []string{"/\t/evil.example/phish", "/\t\\evil.example", "/\\evil.example", "//evil.example", "/\n/evil.example", "https://evil.example"}

func TestRedirects_NeverLeaveTheSite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.withOrg("Ann", "ann@example.com", "Acme")
	for _, next := range evilNexts {
		// Signed in, the login page sends the user on at once.
		if p := b.get("/login?next=" + url.QueryEscape(next)); p.location != "/" {
			t.Errorf("GET /login?next=%q: %d %q", next, p.status, p.location)
		}
		// Plain form and htmx (HX-Redirect) after a start of the timer without JavaScript.
		if p := b.post("/timer/start", url.Values{"description": {"x"}, "return_to": {next}}); p.location != "/time" {
			t.Errorf("timer start return_to=%q: %d %q", next, p.status, p.location)
		}
		b.post("/timer/stop", url.Values{"return_to": {next}})
	}

	anon := e.browser()
	for _, next := range evilNexts {
		anon.get("/login")
		p := anon.post("/login", url.Values{"email": {"ann@example.com"}, "password": {"secret123!"}, "next": {next}})
		if p.status != http.StatusSeeOther || p.location != "/" {
			t.Errorf("POST /login next=%q: %d %q", next, p.status, p.location)
		}
		anon.get("/profile") // the token renewed at sign-in
		if p := anon.htmx("/logout", url.Values{"next": {next}}); p.header.Get("HX-Redirect") != "/login" {
			t.Errorf("htmx logout next=%q: HX-Redirect %q", next, p.header.Get("HX-Redirect"))
		}
	}
	reg := e.browser()
	reg.get("/register")
	if p := reg.post("/register", url.Values{"name": {"Bob"}, "email": {"bob@example.com"}, "password": {"secret123!"}, "next": {evilNexts[0]}}); p.location != "/onboarding" {
		t.Errorf("register with next=%q: %d %q", evilNexts[0], p.status, p.location)
	}
}

func countSessions(t *testing.T, e *env) int {
	t.Helper()
	var n int
	if err := e.db.Get(&n, `SELECT count(*) FROM sessions`); err != nil {
		t.Fatal(err)
	}
	return n
}

// signIn signs in a fresh browser as an existing account.
func (e *env) signIn(email string) *browser {
	e.t.Helper()
	b := e.browser()
	b.get("/login")
	b.visit(visit{name: "sign in", method: http.MethodPost, path: "/login", form: url.Values{"email": {email}, "password": {"secret123!"}}, status: http.StatusSeeOther})
	b.get("/profile")
	return b
}

// TestPasswordChange_SignsOutOtherSessions: the page says other devices were signed out, and they are; the browser
// that made the change stays signed in and its forms keep working. A reset signs out every browser too.
func TestPasswordChange_SignsOutOtherSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	laptop := e.withOrg("Ann", "ann@example.com", "Acme")
	phone := e.signIn("ann@example.com")
	before := sessionCookie(t, e, laptop)

	p := laptop.htmx("/profile/password", url.Values{"current_password": {"secret123!"}, "new_password": {"a new secret 1"}})
	if p.status != http.StatusOK {
		t.Fatalf("change password: %d %s", p.status, p.body)
	}
	if after := sessionCookie(t, e, laptop); after == before || after == "" {
		t.Fatalf("the session id was not renewed: %q → %q", before, after)
	}
	if p := phone.get("/profile"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
		t.Fatalf("the other browser is still signed in: %d %q", p.status, p.location)
	}
	laptop.visit(visit{name: "the browser that changed the password lost its session or token", method: http.MethodPost, htmx: true, path: "/profile", form: url.Values{"name": {"Ann B"}, "timezone": {"UTC"}}, status: http.StatusOK})

	// A reset, requested from a third browser, signs out the laptop too.
	other := e.browser()
	other.get("/forgot-password")
	other.post("/forgot-password", url.Values{"email": {"ann@example.com"}})
	tok := e.tokenSentTo("ann@example.com", "/reset-password")
	other.get("/reset-password?token=" + tok)
	other.visit(visit{name: "reset", method: http.MethodPost, path: "/reset-password", form: url.Values{"token": {tok}, "password": {"third secret 3"}}, status: http.StatusSeeOther})
	laptop.visit(visit{name: "the laptop is still signed in after a reset", path: "/profile", status: http.StatusSeeOther})
	other.visit(visit{name: "the browser that reset is signed in", path: "/profile", status: http.StatusOK})
}

// TestAnonymousVisitors_StoreNoSessions: looking at the sign-in page stores nothing; signing in still needs the
// token of the page.
func TestAnonymousVisitors_StoreNoSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp("Ann", "ann@example.com").post("/logout", nil)
	base := countSessions(t, e)
	for i := 0; i < 50; i++ {
		e.browser().get("/login")
		e.browser().get("/register")
	}
	b := e.browser()
	for i := 0; i < 50; i++ {
		b.get("/forgot-password")
	}
	if n := countSessions(t, e); n != base {
		t.Fatalf("anonymous page views stored %d sessions", n-base)
	}
	// The anonymous token works for the form it came with, and nothing else does.
	if p := b.read(b.c.PostForm(e.srv.URL+"/login", url.Values{"email": {"ann@example.com"}, "password": {"secret123!"}, "_csrf": {"forged"}})); p.status != http.StatusForbidden {
		t.Fatalf("forged token: %d", p.status)
	}
	stranger := e.browser() // never saw a page, so has no cookie
	stranger.visit(visit{name: "another browser's token", method: http.MethodPost, path: "/login", form: url.Values{"email": {"ann@example.com"}, "password": {"secret123!"}, "_csrf": {b.csrf}}, status: http.StatusForbidden})
	b.visit(visit{name: "sign in with the page's token", method: http.MethodPost, path: "/login", form: url.Values{"email": {"ann@example.com"}, "password": {"secret123!"}}, status: http.StatusSeeOther})
	if n := countSessions(t, e); n != base+1 {
		t.Fatalf("signing in stored %d sessions, want 1", n-base)
	}
}

// TestLockedAccount_KnownBrowserStillSignsIn: a browser that signed in before passes the account lock that ten
// wrong passwords from elsewhere set.
func TestLockedAccount_KnownBrowserStillSignsIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.signUp("Ann", "ann@example.com")
	owner.post("/logout", nil)
	owner = e.signIn("ann@example.com") // now this browser holds a device cookie
	owner.post("/logout", nil)

	attacker := e.browser()
	attacker.get("/login")
	for i := 0; i < 10; i++ {
		attacker.post("/login", url.Values{"email": {"ann@example.com"}, "password": {"wrong guess"}})
	}
	if p := attacker.post("/login", url.Values{"email": {"ann@example.com"}, "password": {"secret123!"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Too many attempts") {
		t.Fatalf("new browser on a locked account: %d", p.status)
	}
	owner.get("/login")
	owner.visit(visit{name: "known browser on a locked account", method: http.MethodPost, path: "/login", form: url.Values{"email": {"ann@example.com"}, "password": {"secret123!"}}, status: http.StatusSeeOther})
}

// TestAnswers_AreNotCached: pages and API answers carry one person's data.
func TestAnswers_AreNotCached(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.withOrg("Ann", "ann@example.com", "Acme")
	for _, path := range []string{"/", "/profile", "/login"} {
		if p := b.get(path); p.header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: Cache-Control %q", path, p.header.Get("Cache-Control"))
		}
	}
	if p := b.htmx("/profile", url.Values{"name": {"A"}, "timezone": {"UTC"}}); p.header.Get("Cache-Control") != "no-store" {
		t.Errorf("form answer: Cache-Control %q", p.header.Get("Cache-Control"))
	}
}
