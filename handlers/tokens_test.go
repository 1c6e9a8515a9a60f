package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTokensPage_CreateShowOnceAndRevoke(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.withOrg("Ann", "ann@example.com", "Acme")
	p := b.get("/profile/tokens")
	if p.status != 200 || !p.has("token-form") || !p.has("empty-state") {
		t.Fatalf("page: %d", p.status)
	}
	c := b.post("/profile/tokens", url.Values{"name": {"CI"}, "scope": {"write"}, "expires": {"30"}})
	secret := c.doc.Find(`[data-testid="token-secret"]`).AttrOr("value", "")
	if c.status != http.StatusCreated || !strings.HasPrefix(secret, "trcr_pat_") || c.doc.Find(`[data-testid="token-row"]`).Length() != 1 {
		t.Fatalf("create: %d %q", c.status, secret)
	}
	// Shown once: the page does not show it again.
	if p := b.get("/profile/tokens"); p.has("token-secret") || strings.Contains(p.body, secret) {
		t.Fatal("the secret is shown again")
	}
	// It works against the API as Ann (the API is mounted by another package; here, the store authenticates it).
	creds, err := e.store.AuthenticateBearer(t.Context(), secret)
	if err != nil || !creds.WriteAllowed || !creds.Personal {
		t.Fatalf("authenticate: %+v %v", creds, err)
	}
	if r := b.post("/profile/tokens", url.Values{"name": {""}, "scope": {"read"}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Name is required") {
		t.Fatalf("no name: %d", r.status)
	}
	id := c.doc.Find(`[data-testid="token-row"] form`).AttrOr("action", "")
	// Another user cannot revoke it.
	other := e.withOrg("Bob", "bob@example.com", "Other")
	if r := other.post(id, nil); r.status != http.StatusNotFound {
		t.Fatalf("another user's token: %d", r.status)
	}
	b.get("/profile/tokens")
	if r := b.post(id, nil); r.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.status)
	}
	if _, err := e.store.AuthenticateBearer(t.Context(), secret); err == nil {
		t.Fatal("a revoked token still authenticates")
	}
	if p := e.browser().get("/profile/tokens"); p.status != http.StatusSeeOther {
		t.Fatalf("anonymous: %d", p.status)
	}
}
