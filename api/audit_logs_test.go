package api_test

import (
	"net/url"
	"testing"
	"time"
)

func TestAuditLogs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.register("Audit Owner")
	org := e.org(owner, "Audit Co")
	member := e.register("Audit Member")
	memberID := e.join(owner, org, member, "member")
	e.must(200, req{method: "PUT", path: "/organizations/" + org, token: owner.token, body: map[string]any{"name": "Audit Corp"},
		headers: map[string]string{"X-Forwarded-For": "203.0.113.1"}})
	e.must(200, req{method: "PUT", path: "/members/" + memberID, token: owner.token, org: org, body: map[string]any{"cost_rate": 5000}})

	all := e.must(200, req{method: "GET", path: "/audit-logs", token: owner.token, org: org})
	// organization created, member invited, member accepted, organization updated, member updated.
	if n := all.json["meta"].(map[string]any)["total"].(float64); n != 5 {
		t.Fatalf("entries: %s", all.raw)
	}
	newest := all.data()[0]
	if newest["action"] != "updated" || newest["entity_type"] != "member" || newest["user_name"] != "Audit Owner" || newest["user_id"] != owner.id {
		t.Fatalf("newest: %v", newest)
	}
	ch := newest["changes"].(map[string]any)["cost_rate"].(map[string]any)
	if ch["from"].(float64) != 0 || ch["to"].(float64) != 5000 {
		t.Fatalf("changes: %v", newest["changes"])
	}
	orgUpdate := e.must(200, req{method: "GET", path: "/audit-logs?entity_type=organization&action=updated", token: owner.token, org: org}).data()
	if len(orgUpdate) != 1 || orgUpdate[0]["ip_address"] != "203.0.113.1" {
		t.Fatalf("org update entry: %v", orgUpdate)
	}
	name := orgUpdate[0]["changes"].(map[string]any)["name"].(map[string]any)
	if name["from"] != "Audit Co" || name["to"] != "Audit Corp" {
		t.Fatalf("name change: %v", name)
	}
	filters := map[string]int{
		"?entity_id=" + memberID:         3,
		"?user_id=" + member.id:          1,
		"?action=created":                2,
		"?entity_type=member":            3,
		"?from=" + today():               5,
		"?to=2020-01-01":                 0,
		"?from=2020-01-01&to=" + today(): 5,
		"?from=" + url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339)): 0,
		"?per_page=2": 2,
	}
	for q, want := range filters {
		if got := len(e.must(200, req{method: "GET", path: "/audit-logs" + q, token: owner.token, org: org}).data()); got != want {
			t.Errorf("%s: %d entries, want %d", q, got, want)
		}
	}
	for _, bad := range []string{"?from=yesterday", "?to=2026-13-01", "?user_id=nope", "?entity_id=x", "?from=2026-03-02&to=2026-03-01", "?page=0"} {
		e.must(400, req{method: "GET", path: "/audit-logs" + bad, token: owner.token, org: org})
	}
	e.must(403, req{method: "GET", path: "/audit-logs", token: member.token, org: org})
	e.must(401, req{method: "GET", path: "/audit-logs", org: org})
	stranger := e.register("Audit Stranger")
	e.org(stranger, "Elsewhere")
	e.must(404, req{method: "GET", path: "/audit-logs", token: stranger.token, org: org})
	// The stranger's own log holds only its own organization.
	if got := e.must(200, req{method: "GET", path: "/audit-logs", token: stranger.token}).data(); len(got) != 1 {
		t.Fatalf("stranger sees %d entries", len(got))
	}
}

func today() string { return time.Now().UTC().Format("2006-01-02") }
