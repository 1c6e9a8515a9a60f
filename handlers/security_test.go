package handlers_test

import (
	"net/http"
	"net/url"
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
