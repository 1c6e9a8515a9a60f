package api_test

import (
	"testing"
)

func TestOrganizations_CreateListRead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Org Owner")
	r := e.must(201, req{method: "POST", path: "/organizations", token: u.token, body: map[string]string{"name": "Acme Corp"}})
	if r.str("slug") != "acme-corp" || r.str("role") != "owner" {
		t.Fatalf("create: %s", r.raw)
	}
	settings := r.json["settings"].(map[string]any)
	if settings["currency"] != "USD" || settings["timezone"] != "UTC" {
		t.Fatalf("settings: %v", settings)
	}
	// Same name again: the slug is made unique; an explicit slug that is taken conflicts.
	r2 := e.must(201, req{method: "POST", path: "/organizations", token: u.token, body: map[string]string{"name": "Acme  Corp!"}})
	if r2.str("slug") != "acme-corp-2" {
		t.Fatalf("second slug %q", r2.str("slug"))
	}
	e.must(409, req{method: "POST", path: "/organizations", token: u.token, body: map[string]string{"name": "X", "slug": "acme-corp"}})
	e.must(400, req{method: "POST", path: "/organizations", token: u.token, body: map[string]string{"name": "X", "slug": "Bad Slug!"}})
	e.must(400, req{method: "POST", path: "/organizations", token: u.token, body: map[string]string{"name": " "}})
	e.must(401, req{method: "POST", path: "/organizations", body: map[string]string{"name": "X"}})
	r3 := e.must(201, req{method: "POST", path: "/organizations", token: u.token, body: map[string]string{"name": "Zoë Müller GmbH"}})
	if r3.str("slug") != "zoe-muller-gmbh" {
		t.Fatalf("slug %q", r3.str("slug"))
	}
	list := e.must(200, req{method: "GET", path: "/organizations", token: u.token}).data()
	if len(list) != 3 {
		t.Fatalf("list: %v", list)
	}
	e.must(200, req{method: "GET", path: "/organizations/" + r.str("id"), token: u.token})
	// Another user's organization, an unknown id and a non-UUID all answer 404.
	v := e.register("Stranger")
	e.must(404, req{method: "GET", path: "/organizations/" + r.str("id"), token: v.token})
	e.must(404, req{method: "GET", path: "/organizations/" + otherOrgID, token: u.token})
	e.must(404, req{method: "GET", path: "/organizations/org_abc123", token: u.token})
	e.must(401, req{method: "GET", path: "/organizations"})
	// The newest organization became the default one.
	me := e.must(200, req{method: "GET", path: "/users/me", token: u.token})
	if me.str("default_organization_id") != r3.str("id") {
		t.Fatalf("default org %q", me.str("default_organization_id"))
	}
}

func TestOrganizations_Update(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.register("Update Owner")
	org := e.org(owner, "Globex")
	admin := e.register("Update Admin")
	member := e.register("Update Member")
	e.join(owner, org, admin, "admin")
	e.join(owner, org, member, "member")
	path := "/organizations/" + org
	r := e.must(200, req{method: "PUT", path: path, token: admin.token, body: map[string]any{
		"name": "Globex Corporation", "slug": "globex-corp", "settings": map[string]any{"currency": "eur", "timezone": "Europe/Berlin", "address": "1 Main St"},
	}})
	s := r.json["settings"].(map[string]any)
	if r.str("name") != "Globex Corporation" || r.str("slug") != "globex-corp" || s["currency"] != "EUR" || s["timezone"] != "Europe/Berlin" || s["address"] != "1 Main St" {
		t.Fatalf("update: %s", r.raw)
	}
	e.must(403, req{method: "PUT", path: path, token: member.token, body: map[string]any{"name": "Hijacked"}})
	e.must(400, req{method: "PUT", path: path, token: admin.token, body: map[string]any{"settings": map[string]any{"currency": "XXX"}}})
	e.must(400, req{method: "PUT", path: path, token: admin.token, body: map[string]any{"settings": map[string]any{"timezone": "Nowhere/City"}}})
	e.must(400, req{method: "PUT", path: path, token: admin.token, body: map[string]any{"settings": "not an object"}})
	other := e.register("Other Owner")
	otherOrg := e.org(other, "Other Co")
	e.must(409, req{method: "PUT", path: path, token: admin.token, body: map[string]any{"slug": "other-co"}})
	e.must(404, req{method: "PUT", path: "/organizations/" + otherOrg, token: admin.token, body: map[string]any{"name": "Mine"}})
	got := e.must(200, req{method: "GET", path: path, token: member.token})
	if got.str("name") != "Globex Corporation" {
		t.Fatalf("refused updates changed the organization: %s", got.raw)
	}
}

func TestOrganizations_Delete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.register("Delete Owner")
	org := e.org(owner, "Doomed")
	admin := e.register("Delete Admin")
	e.join(owner, org, admin, "admin")
	ct, body := multipartBody(t, "file", "logo.png", "image/png", pngImage(t, 64, 64))
	e.must(200, req{method: "POST", path: "/organizations/" + org + "/logo/upload", token: owner.token, body: body, contentType: ct})
	e.must(403, req{method: "DELETE", path: "/organizations/" + org, token: admin.token})
	stranger := e.register("Delete Stranger")
	e.must(404, req{method: "DELETE", path: "/organizations/" + org, token: stranger.token})
	e.must(204, req{method: "DELETE", path: "/organizations/" + org, token: owner.token})
	e.must(404, req{method: "GET", path: "/organizations/" + org, token: owner.token})
	for _, table := range []string{"members", "audit_logs"} {
		var n int
		if err := e.db.Get(&n, `SELECT count(*) FROM `+table+` WHERE organization_id = $1`, org); err != nil || n != 0 {
			t.Fatalf("%s left: %d %v", table, n, err)
		}
	}
	// Its members fall back to no organization.
	e.must(400, req{method: "GET", path: "/members", token: admin.token})
}

func TestOrganizations_Logo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.register("Logo Owner")
	org := e.org(owner, "Logo Co")
	member := e.register("Logo Member")
	e.join(owner, org, member, "member")
	path := "/organizations/" + org + "/logo"
	ct, body := multipartBody(t, "logo", "logo.png", "image/png", pngImage(t, 800, 200))
	r := e.must(200, req{method: "POST", path: path + "/upload", token: owner.token, body: body, contentType: ct})
	if r.json["logo_url"] == nil {
		t.Fatalf("no logo_url: %s", r.raw)
	}
	e.must(403, req{method: "POST", path: path + "/upload", token: member.token, body: body, contentType: ct})
	ct2, pdf := multipartBody(t, "file", "logo.png", "image/png", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"))
	e.must(415, req{method: "POST", path: path + "/upload", token: owner.token, body: pdf, contentType: ct2})
	e.must(403, req{method: "DELETE", path: path, token: member.token})
	stranger := e.register("Logo Stranger")
	e.must(404, req{method: "DELETE", path: path, token: stranger.token})
	e.must(404, req{method: "POST", path: path + "/upload", token: stranger.token, body: body, contentType: ct})
	e.must(204, req{method: "DELETE", path: path, token: owner.token})
	if got := e.must(200, req{method: "GET", path: "/organizations/" + org, token: owner.token}); got.json["logo_url"] != nil {
		t.Fatal("logo still set")
	}
}
