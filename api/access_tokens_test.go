package api_test

import (
	"strings"
	"testing"
	"time"
)

func TestPersonalTokens(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	created := w.must(201, req{method: "POST", path: "/users/me/tokens", token: w.owner.token,
		body: map[string]any{"name": "CI deploys", "scopes": []string{"read", "write"}}})
	token := created.str("token")
	if !strings.HasPrefix(token, "trcr_pat_") || created.str("prefix") != token[:13] || created.json["last_used_at"] != nil {
		t.Fatalf("created: %s", created.raw)
	}
	read := w.must(201, req{method: "POST", path: "/users/me/tokens", token: w.owner.token,
		body: map[string]any{"name": "Dashboard", "scopes": []string{"read"}, "expires_at": time.Now().AddDate(1, 0, 0).Format("2006-01-02")}}).str("token")

	// Used as a Bearer token, as the user, within the organization's rules.
	if me := w.must(200, req{method: "GET", path: "/users/me", token: token}); me.str("id") != w.owner.id {
		t.Fatalf("me with a token: %s", me.raw)
	}
	w.must(201, req{method: "POST", path: "/tasks", token: token, org: w.org, body: map[string]any{"title": "By token", "project_id": w.project}})
	w.must(404, req{method: "GET", path: "/projects/" + w.theirs, token: token, org: w.org})
	// A read token reads and cannot write.
	w.must(200, req{method: "GET", path: "/tasks", token: read, org: w.org})
	if r := w.do(req{method: "POST", path: "/tasks", token: read, org: w.org, body: map[string]any{"title": "Nope", "project_id": w.project}}); r.status != 403 || r.errCode() != "insufficient_scope" {
		t.Fatalf("write with a read token: %d %s", r.status, r.raw)
	}
	if r := w.do(req{method: "DELETE", path: "/tasks/" + w.newTask("Keep", nil).str("id"), token: read, org: w.org}); r.status != 403 {
		t.Fatalf("delete with a read token: %d", r.status)
	}

	// Listed without their secret, with the last use.
	list := w.must(200, req{method: "GET", path: "/users/me/tokens", token: w.owner.token}).json["data"].([]any)
	if len(list) != 2 {
		t.Fatalf("list: %v", list)
	}
	for _, it := range list {
		m := it.(map[string]any)
		if _, has := m["token"]; has {
			t.Fatalf("a listed token carries its secret: %v", m)
		}
	}
	if list[1].(map[string]any)["last_used_at"] == nil {
		t.Fatalf("last use not recorded: %v", list[1])
	}

	// Tokens cannot manage tokens; another user cannot revoke mine.
	if r := w.do(req{method: "POST", path: "/users/me/tokens", token: token, body: map[string]any{"name": "x", "scopes": []string{"read"}}}); r.status != 403 {
		t.Fatalf("token minting a token: %d", r.status)
	}
	id := created.str("id")
	w.must(404, req{method: "DELETE", path: "/users/me/tokens/" + id, token: w.member.token})
	w.must(404, req{method: "DELETE", path: "/users/me/tokens/not-a-uuid", token: w.owner.token})
	w.must(204, req{method: "DELETE", path: "/users/me/tokens/" + id, token: w.owner.token})
	if r := w.do(req{method: "GET", path: "/users/me", token: token}); r.status != 401 {
		t.Fatalf("revoked token: %d", r.status)
	}
	// Expired.
	w.db.MustExec(`UPDATE personal_access_tokens SET expires_at = now() - interval '1 minute' WHERE name = 'Dashboard'`)
	if r := w.do(req{method: "GET", path: "/users/me", token: read}); r.status != 401 {
		t.Fatalf("expired token: %d", r.status)
	}
	w.must(401, req{method: "GET", path: "/users/me", token: "trcr_pat_made-up"})

	for _, body := range []map[string]any{
		{"scopes": []string{"read"}},
		{"name": "x", "scopes": []string{"write"}},
		{"name": "x", "scopes": []string{"admin"}},
		{"name": "x"},
		{"name": "x", "scopes": []string{"read"}, "expires_at": "2001-01-01"},
		{"name": "x", "scopes": []string{"read"}, "expires_at": "soon"},
		{"name": strings.Repeat("n", 101), "scopes": []string{"read"}},
	} {
		if r := w.do(req{method: "POST", path: "/users/me/tokens", token: w.owner.token, body: body}); r.status != 400 {
			t.Errorf("POST %v: %d %s", body, r.status, r.raw)
		}
	}
	w.must(401, req{method: "GET", path: "/users/me/tokens"})
}
