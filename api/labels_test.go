package api_test

import (
	"strings"
	"testing"
)

func TestLabels_CreateListByAnyMember(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	r := f.call(201, f.member, "POST", "/labels", map[string]any{"name": " Bug ", "color": "#EF4444"})
	if r.str("name") != "Bug" || r.str("color") != "#ef4444" || r.str("organization_id") != f.org || r.str("id") == "" ||
		r.json["created_at"] == nil || r.json["updated_at"] == nil {
		t.Fatalf("create: %s", r.raw)
	}
	if d := f.call(201, f.outsider, "POST", "/labels", map[string]any{"name": "chore", "color": "#64748b"}); d.str("color") != "#64748b" {
		t.Fatalf("default color: %s", d.raw)
	}
	f.call(201, f.owner, "POST", "/labels", map[string]any{"name": "Alpha", "color": "#0f0"})
	list := f.call(200, f.member, "GET", "/labels", nil)
	if _, paged := list.json["meta"]; paged {
		t.Fatalf("labels list is paged: %s", list.raw)
	}
	var names []string
	for _, l := range list.data() {
		names = append(names, l["name"].(string))
	}
	if strings.Join(names, ",") != "Alpha,Bug,chore" || list.data()[0]["color"] != "#00ff00" {
		t.Fatalf("list: %s", list.raw)
	}
	if theirs := f.must(200, req{method: "GET", path: "/labels", token: f.stranger.token, org: f.otherOrg}).data(); len(theirs) != 0 {
		t.Fatalf("another organization sees our labels: %v", theirs)
	}
	// The same name in another organization is fine.
	f.must(201, req{method: "POST", path: "/labels", token: f.stranger.token, org: f.otherOrg, body: map[string]any{"name": "Bug", "color": "#ef4444"}})
	if n := f.auditCount("label", "created"); n != 3 {
		t.Fatalf("label audit entries: %d", n)
	}
}

func TestLabels_CreateRefusals(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	f.call(201, f.member, "POST", "/labels", map[string]any{"name": "Bug", "color": "#ef4444"})
	f.runAll([]scenario{
		{req: f.as(f.member, "POST", "/labels", map[string]any{"name": "BUG", "color": "#ef4444"}), status: 409, code: "conflict", message: "a label with this name already exists"},
		{req: f.as(f.member, "POST", "/labels", map[string]any{}), status: 400, code: "validation_failed", message: "name is required"},
		{req: f.as(f.member, "POST", "/labels", map[string]any{"name": " ", "color": "#ef4444"}), status: 400, code: "validation_failed", message: "name is required"},
		{req: f.as(f.member, "POST", "/labels", map[string]any{"name": strings.Repeat("l", 256), "color": "#ef4444"}), status: 400, code: "validation_failed", message: "name must be at most 255 characters"},
		{req: f.as(f.member, "POST", "/labels", map[string]any{"name": "X", "color": "orange"}), status: 400, code: "validation_failed", message: "color must be a hex color such as #6366f1"},
	})
	f.call(400, f.member, "POST", "/labels", `{"name": ["x"]}`)
	f.run(scenario{req: f.as(f.member, "POST", "/labels", map[string]any{"name": "No color"}), status: 400, code: "validation_failed", message: "color is required"})
	f.must(401, req{method: "POST", path: "/labels", org: f.org, body: map[string]any{"name": "X"}})
	f.must(401, req{method: "GET", path: "/labels"})
	f.must(404, req{method: "POST", path: "/labels", token: f.member.token, org: f.otherOrg, body: map[string]any{"name": "X"}})
	if n := len(f.call(200, f.owner, "GET", "/labels", nil).data()); n != 1 {
		t.Fatalf("refused creates wrote labels: %d", n)
	}
}

func TestLabels_UpdateDeleteAdminsOnly(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	id := f.call(201, f.member, "POST", "/labels", map[string]any{"name": "Bug", "color": "#ef4444"}).str("id")
	f.call(201, f.member, "POST", "/labels", map[string]any{"name": "Feature", "color": "#22c55e"})
	theirs := f.must(201, req{method: "POST", path: "/labels", token: f.stranger.token, org: f.otherOrg, body: map[string]any{"name": "Theirs", "color": "#22c55e"}}).str("id")
	path := "/labels/" + id

	r := f.call(200, f.admin, "PUT", path, map[string]any{"color": "#f97316"})
	if r.str("name") != "Bug" || r.str("color") != "#f97316" {
		t.Fatalf("update: %s", r.raw)
	}
	r = f.call(200, f.owner, "PUT", path, map[string]any{"name": "Defect"})
	if r.str("name") != "Defect" || r.str("color") != "#f97316" {
		t.Fatalf("rename: %s", r.raw)
	}
	f.call(200, f.owner, "PUT", path, map[string]any{"name": "DEFECT"}) // a case change of its own name is allowed
	f.runAll([]scenario{
		{req: f.as(f.owner, "PUT", path, map[string]any{"name": "feature"}), status: 409, code: "conflict", message: "a label with this name already exists"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"name": ""}), status: 400, code: "validation_failed", message: "name is required"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"color": "#zzzzzz"}), status: 400, code: "validation_failed", message: "color must be a hex color such as #6366f1"},
		{req: f.as(f.member, "PUT", path, map[string]any{"name": "Mine"}), status: 403, code: "forbidden", message: "only owners and admins can edit labels"},
	})
	f.call(403, f.manager, "DELETE", path, nil)
	f.call(404, f.owner, "PUT", "/labels/"+theirs, map[string]any{"name": "Ours"})
	f.call(404, f.owner, "PUT", "/labels/lbl_abc123", map[string]any{"name": "Ours"})
	f.call(404, f.owner, "PUT", "/labels/00000000-0000-4000-8000-000000000009", map[string]any{"name": "Ours"})
	f.call(404, f.owner, "DELETE", "/labels/"+theirs, nil)
	f.call(404, f.owner, "DELETE", "/labels/lbl_abc123", nil)
	f.must(401, req{method: "PUT", path: path, body: map[string]any{"name": "X"}})
	f.must(401, req{method: "DELETE", path: path})
	if got := f.call(200, f.owner, "GET", "/labels", nil).data(); got[0]["name"] != "DEFECT" || got[0]["color"] != "#f97316" {
		t.Fatalf("refused updates changed the label: %v", got)
	}

	// Deleting removes it from tasks.
	task := f.sqlTask(f.project, f.defaultGroupID(f.project), "Labelled", map[string]any{"status": "open", "position": 0})
	if _, err := f.db.Exec(`INSERT INTO task_labels (task_id, label_id) VALUES ($1, $2)`, task, id); err != nil {
		t.Fatal(err)
	}
	f.call(204, f.admin, "DELETE", path, nil)
	f.call(404, f.admin, "DELETE", path, nil)
	var n int
	_ = f.db.Get(&n, `SELECT count(*) FROM task_labels WHERE task_id = $1`, task)
	if n != 0 || len(f.call(200, f.owner, "GET", "/labels", nil).data()) != 1 {
		t.Fatalf("delete left %d task labels", n)
	}
	if f.auditCount("label", "updated") != 3 || f.auditCount("label", "deleted") != 1 {
		t.Fatalf("audit: %d updated, %d deleted", f.auditCount("label", "updated"), f.auditCount("label", "deleted"))
	}
	f.must(200, req{method: "GET", path: "/labels", token: f.stranger.token, org: f.otherOrg})
}
