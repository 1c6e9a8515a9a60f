package api_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/trcr/trcr/api"
)

func TestProjects_CreateDefaultsAndManagerAndDefaultGroup(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	r := f.call(201, f.admin, "POST", "/projects", map[string]any{"name": "  Mobile App  "})
	p := r.json
	if p["name"] != "Mobile App" || p["color"] != "#6366f1" || p["status"] != "active" || p["billable"] != true ||
		p["hourly_rate"] != nil || p["client_id"] != nil || p["description"] != "" || p["created_by"] != f.admin.id ||
		p["organization_id"] != f.org || p["id"] == "" || p["created_at"] == nil || p["updated_at"] == nil {
		t.Fatalf("create: %s", r.raw)
	}
	id := r.str("id")
	members := f.call(200, f.admin, "GET", "/projects/"+id+"/members", nil).data()
	if len(members) != 1 || members[0]["user_id"] != f.admin.id || members[0]["role"] != "manager" ||
		members[0]["email"] != f.admin.email || members[0]["name"] != f.admin.name {
		t.Fatalf("members: %v", members)
	}
	groups := f.call(200, f.admin, "GET", "/projects/"+id+"/task-groups", nil).data()
	if len(groups) != 1 || groups[0]["name"] != "To do" || groups[0]["is_default"] != true || groups[0]["position"] != 0.0 {
		t.Fatalf("groups: %v", groups)
	}
	clientID := f.createClient(f.owner, map[string]any{"name": "Acme Corp"})
	full := f.call(201, f.owner, "POST", "/projects", map[string]any{
		"name": "Billing", "description": "Invoices", "client_id": clientID, "color": "#ABC", "billable": false, "hourly_rate": 15000,
	})
	if full.json["color"] != "#aabbcc" || full.json["client_id"] != clientID || full.json["billable"] != false ||
		full.json["hourly_rate"] != 15000.0 || full.json["description"] != "Invoices" {
		t.Fatalf("create full: %s", full.raw)
	}
	nulls := f.call(201, f.owner, "POST", "/projects", map[string]any{"name": "Nulls", "client_id": nil, "hourly_rate": nil})
	if nulls.json["client_id"] != nil || nulls.json["hourly_rate"] != nil {
		t.Fatalf("create nulls: %s", nulls.raw)
	}
	if n := f.auditCount("project", "created"); n != 4 { // the fixture's and three here
		t.Fatalf("project created audit entries: %d", n)
	}
}

func TestProjects_CreateRefusals(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	var before int
	_ = f.db.Get(&before, `SELECT count(*) FROM projects`)
	cases := []struct {
		body    any
		field   string
		message string
	}{
		{map[string]any{}, "name", "name is required"},
		{map[string]any{"name": "   "}, "name", "name is required"},
		{map[string]any{"name": strings.Repeat("x", 256)}, "name", "name must be at most 255 characters"},
		{map[string]any{"name": "P", "color": "red"}, "color", "color must be a hex color such as #6366f1"},
		{map[string]any{"name": "P", "color": "#12345"}, "color", "color must be a hex color such as #6366f1"},
		{map[string]any{"name": "P", "hourly_rate": -1}, "hourly_rate", "hourly_rate must be zero or more (cents per hour)"},
		{map[string]any{"name": "P", "client_id": "cli_abc"}, "client_id", "client_id must be a client of this organization"},
		{map[string]any{"name": "P", "client_id": "5b0e4c52-4a44-4f0e-9a59-1f4b7d4c1a11"}, "client_id", "client_id must be a client of this organization"},
		{map[string]any{"name": "P", "client_id": f.newStrangerClient()}, "client_id", "client_id must be a client of this organization"},
		{map[string]any{"name": "P", "status": "paused"}, "status", "status must be active or archived"},
	}
	for _, c := range cases {
		f.run(scenario{req: f.as(f.owner, "POST", "/projects", c.body), status: 400, code: "validation_failed", message: c.message, field: c.field})
	}
	for _, body := range []string{`{"name": "P", "hourly_rate": 1.5}`, `{"name": "P", "hourly_rate": "lots"}`, `{"name": 5}`, `{"name": "P", "billable": "yes"}`, `{`} {
		f.call(400, f.owner, "POST", "/projects", body)
	}
	f.must(401, req{method: "POST", path: "/projects", org: f.org, body: map[string]any{"name": "P"}})
	f.run(scenario{req: f.as(f.manager, "POST", "/projects", map[string]any{"name": "P"}), status: 403, code: "forbidden"})
	f.call(403, f.member, "POST", "/projects", map[string]any{"name": "P"})
	var after int
	_ = f.db.Get(&after, `SELECT count(*) FROM projects`)
	if after != before {
		t.Fatalf("refused creates wrote projects: %d → %d", before, after)
	}
}

func TestProjects_GetVisibility(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	path := "/projects/" + f.project
	for _, u := range []user{f.owner, f.admin, f.manager, f.member} {
		if r := f.call(200, u, "GET", path, nil); r.str("id") != f.project || r.str("name") != "Website Redesign" {
			t.Fatalf("get as %s: %s", u.name, r.raw)
		}
	}
	f.call(404, f.outsider, "GET", path, nil)
	f.call(404, f.owner, "GET", "/projects/"+f.strangerProject, nil)
	f.call(404, f.owner, "GET", "/projects/00000000-0000-4000-8000-000000000001", nil)
	f.call(404, f.owner, "GET", "/projects/prj_abc123", nil)
	f.must(401, req{method: "GET", path: path})
	f.must(404, req{method: "GET", path: path, token: f.stranger.token, org: f.org})
}

func TestProjects_Update(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	path := "/projects/" + f.project
	clientID := f.createClient(f.owner, map[string]any{"name": "Acme Corp"})
	r := f.call(200, f.manager, "PUT", path, map[string]any{"name": "Site v2", "hourly_rate": 9000, "client_id": clientID, "color": "#F97316"})
	if r.str("name") != "Site v2" || r.json["hourly_rate"] != 9000.0 || r.json["client_id"] != clientID || r.str("color") != "#f97316" {
		t.Fatalf("update: %s", r.raw)
	}
	// Absent fields stay; null clears.
	r = f.call(200, f.admin, "PUT", path, map[string]any{"status": "archived"})
	if r.str("status") != "archived" || r.json["hourly_rate"] != 9000.0 || r.json["client_id"] != clientID || r.str("name") != "Site v2" {
		t.Fatalf("partial update: %s", r.raw)
	}
	r = f.call(200, f.owner, "PUT", path, map[string]any{"hourly_rate": nil, "client_id": nil, "billable": false, "description": "New"})
	if r.json["hourly_rate"] != nil || r.json["client_id"] != nil || r.json["billable"] != false || r.str("description") != "New" {
		t.Fatalf("clearing update: %s", r.raw)
	}
	audits := f.auditCount("project", "updated")
	// An update that changes nothing answers the project and writes no audit entry.
	f.call(200, f.owner, "PUT", path, map[string]any{"name": "Site v2"})
	if n := f.auditCount("project", "updated"); n != audits {
		t.Fatalf("no-op update audited: %d → %d", audits, n)
	}
	f.runAll([]scenario{
		{req: f.as(f.owner, "PUT", path, map[string]any{"status": "paused"}), status: 400, code: "validation_failed", message: "status must be active or archived"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"name": ""}), status: 400, code: "validation_failed", message: "name is required"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"hourly_rate": -5}), status: 400, code: "validation_failed"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"color": "blue"}), status: 400, code: "validation_failed"},
		{req: f.as(f.owner, "PUT", path, `{"hourly_rate": "x"}`), status: 400, code: "invalid_body", message: "hourly_rate has the wrong type: expected a number"},
	})
	for _, other := range []string{f.newStrangerClient(), "00000000-0000-4000-8000-000000000009", "cli_abc"} {
		f.run(scenario{req: f.as(f.owner, "PUT", path, map[string]any{"client_id": other, "name": "Hijack"}), status: 400, code: "validation_failed", message: "client_id must be a client of this organization"})
	}
	f.call(403, f.member, "PUT", path, map[string]any{"name": "Hijack"})
	f.call(404, f.outsider, "PUT", path, map[string]any{"name": "Hijack"})
	f.call(404, f.owner, "PUT", "/projects/"+f.strangerProject, map[string]any{"name": "Hijack"})
	f.call(404, f.owner, "PUT", "/projects/nope", map[string]any{"name": "Hijack"})
	f.must(401, req{method: "PUT", path: path, body: map[string]any{"name": "Hijack"}})
	if got := f.call(200, f.owner, "GET", path, nil); got.str("name") != "Site v2" || got.str("status") != "archived" || got.json["client_id"] != nil {
		t.Fatalf("refused updates changed the project: %s", got.raw)
	}
	var theirs string
	_ = f.db.Get(&theirs, `SELECT name FROM projects WHERE id = $1`, f.strangerProject)
	if theirs != "Their Project" {
		t.Fatalf("another organization's project changed: %s", theirs)
	}
}

func TestProjects_ListFiltersAndVisibility(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	f.createProject(f.owner, "Alpha 100%")
	archived := f.createProject(f.owner, "Archive Me")
	f.call(200, f.owner, "PUT", "/projects/"+archived, map[string]any{"status": "archived"})
	names := func(r resp) string {
		var out []string
		for _, p := range r.data() {
			out = append(out, p["name"].(string))
		}
		return strings.Join(out, ",")
	}
	all := f.call(200, f.admin, "GET", "/projects", nil)
	if names(all) != "Alpha 100%,Archive Me,Website Redesign" || all.json["meta"].(map[string]any)["total"] != 3.0 {
		t.Fatalf("admin list: %s", all.raw)
	}
	if got := names(f.call(200, f.member, "GET", "/projects", nil)); got != "Website Redesign" {
		t.Fatalf("member list: %s", got)
	}
	if got := f.call(200, f.outsider, "GET", "/projects", nil); len(got.data()) != 0 || got.json["meta"].(map[string]any)["total"] != 0.0 {
		t.Fatalf("outsider list: %s", got.raw)
	}
	if got := names(f.call(200, f.owner, "GET", "/projects?status=archived", nil)); got != "Archive Me" {
		t.Fatalf("archived: %s", got)
	}
	if got := names(f.call(200, f.owner, "GET", "/projects?status=active", nil)); got != "Alpha 100%,Website Redesign" {
		t.Fatalf("active: %s", got)
	}
	if got := names(f.call(200, f.owner, "GET", "/projects?search=WEB", nil)); got != "Website Redesign" {
		t.Fatalf("search: %s", got)
	}
	if got := names(f.call(200, f.owner, "GET", "/projects?search=%25", nil)); got != "Alpha 100%" {
		t.Fatalf("search for a literal %%: %s", got)
	}
	p2 := f.call(200, f.owner, "GET", "/projects?per_page=2&page=2", nil)
	if names(p2) != "Website Redesign" || fmt.Sprint(p2.json["meta"]) != "map[page:2 per_page:2 total:3]" {
		t.Fatalf("page 2: %s", p2.raw)
	}
	f.run(scenario{req: f.as(f.owner, "GET", "/projects?status=paused", nil), status: 400, code: "validation_failed", message: "status must be active or archived"})
	f.call(400, f.owner, "GET", "/projects?page=0", nil)
	f.must(401, req{method: "GET", path: "/projects"})
	if got := names(f.must(200, req{method: "GET", path: "/projects", token: f.stranger.token, org: f.otherOrg})); got != "Their Project" {
		t.Fatalf("stranger list: %s", got)
	}
}

func TestProjects_DeleteCascades(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	path := "/projects/" + f.project
	f.sqlTask(f.project, f.defaultGroupID(f.project), "Task", map[string]any{"status": "open", "position": 0})
	f.call(403, f.manager, "DELETE", path, nil)
	f.call(403, f.member, "DELETE", path, nil)
	f.call(404, f.outsider, "DELETE", path, nil)
	f.call(404, f.owner, "DELETE", "/projects/"+f.strangerProject, nil)
	f.call(404, f.owner, "DELETE", "/projects/x", nil)
	f.must(401, req{method: "DELETE", path: path})
	f.call(200, f.owner, "GET", path, nil)
	f.call(204, f.admin, "DELETE", path, nil)
	f.call(404, f.owner, "GET", path, nil)
	f.call(404, f.owner, "DELETE", path, nil)
	for _, table := range []string{"tasks", "task_groups", "project_members"} {
		var n int
		if err := f.db.Get(&n, `SELECT count(*) FROM `+table+` WHERE project_id = $1`, f.project); err != nil || n != 0 {
			t.Fatalf("%s left: %d %v", table, n, err)
		}
	}
	if n := f.auditCount("project", "deleted"); n != 1 {
		t.Fatalf("deleted audit entries: %d", n)
	}
	f.must(200, req{method: "GET", path: "/projects/" + f.strangerProject, token: f.stranger.token, org: f.otherOrg})
}

func TestProjectMembers_AddListRemove(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	path := "/projects/" + f.project + "/members"
	list := f.call(200, f.member, "GET", path, nil)
	if _, paged := list.json["meta"]; paged {
		t.Fatalf("members list is paged: %s", list.raw)
	}
	rows := list.data()
	if len(rows) != 3 || rows[0]["name"] != "Mel Member" || rows[1]["name"] != "Mona Manager" || rows[2]["name"] != "Olive Owner" {
		t.Fatalf("members: %s", list.raw)
	}
	for _, k := range []string{"user_id", "name", "email", "role", "avatar_url", "created_at"} {
		if _, ok := rows[0][k]; !ok {
			t.Fatalf("member without %s: %v", k, rows[0])
		}
	}
	f.call(404, f.outsider, "GET", path, nil)
	f.call(404, f.owner, "GET", "/projects/"+f.strangerProject+"/members", nil)
	f.must(401, req{method: "GET", path: path})

	// A manager adds the outsider, who then sees the project.
	r := f.call(201, f.manager, "POST", path, map[string]any{"user_id": f.outsider.id})
	if r.str("user_id") != f.outsider.id || r.str("role") != "member" || r.str("email") != f.outsider.email {
		t.Fatalf("add: %s", r.raw)
	}
	f.call(200, f.outsider, "GET", "/projects/"+f.project, nil)
	f.run(scenario{req: f.as(f.owner, "POST", path, map[string]any{"user_id": f.outsider.id, "role": "manager"}), status: 409, code: "conflict"})

	// Refusals.
	notMember := "user_id must be an active member of the organization"
	f.runAll([]scenario{
		{req: f.as(f.owner, "POST", path, map[string]any{"user_id": f.stranger.id}), status: 400, code: "validation_failed", message: notMember},
		{req: f.as(f.owner, "POST", path, map[string]any{"user_id": "usr_xyz"}), status: 400, code: "validation_failed", message: notMember},
		{req: f.as(f.owner, "POST", path, map[string]any{}), status: 400, code: "validation_failed", message: "user_id is required"},
		{req: f.as(f.owner, "POST", path, map[string]any{"user_id": f.admin.id, "role": "boss"}), status: 400, code: "validation_failed", message: "role must be manager or member"},
	})
	invited := f.register("Ivy Invited")
	f.call(201, f.owner, "POST", "/members/invite", map[string]any{"email": invited.email})
	f.run(scenario{req: f.as(f.owner, "POST", path, map[string]any{"user_id": invited.id}), status: 400, code: "validation_failed", message: notMember})
	f.call(403, f.member, "POST", path, map[string]any{"user_id": f.admin.id})
	f.call(404, f.owner, "POST", "/projects/"+f.strangerProject+"/members", map[string]any{"user_id": f.admin.id})
	f.must(401, req{method: "POST", path: path, body: map[string]any{"user_id": f.admin.id}})
	if n := len(f.call(200, f.owner, "GET", path, nil).data()); n != 4 {
		t.Fatalf("refused adds changed the members: %d", n)
	}

	// Removal.
	f.call(403, f.member, "DELETE", path+"/"+f.outsider.id, nil)
	f.call(204, f.manager, "DELETE", path+"/"+f.outsider.id, nil)
	f.call(404, f.outsider, "GET", "/projects/"+f.project, nil)
	f.call(404, f.manager, "DELETE", path+"/"+f.outsider.id, nil)
	f.call(404, f.owner, "DELETE", path+"/usr_xyz", nil)
	f.call(404, f.owner, "DELETE", "/projects/"+f.strangerProject+"/members/"+f.stranger.id, nil)
	f.must(401, req{method: "DELETE", path: path + "/" + f.member.id})
	if f.auditCount("project_member", "created") != 3 || f.auditCount("project_member", "deleted") != 1 {
		t.Fatalf("project_member audit entries: %d created, %d deleted", f.auditCount("project_member", "created"), f.auditCount("project_member", "deleted"))
	}
}

func TestProjectStats_CountsCompletedTasksOfVisibleProjects(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	f.call(201, f.owner, "POST", "/task-statuses", map[string]any{"code": "shipped", "label": "Shipped", "color": "#22c55e", "is_terminal": true})
	f.call(201, f.owner, "POST", "/task-statuses", map[string]any{"code": "qa_review", "label": "QA", "color": "#8b5cf6"})
	g := f.defaultGroupID(f.project)
	for i, st := range []string{"open", "in_progress", "done", "closed", "shipped", "qa_review"} {
		f.sqlTask(f.project, g, "T"+st, map[string]any{"status": st, "position": i})
	}
	empty := f.createProject(f.owner, "Empty")
	hidden := f.createProject(f.owner, "Hidden")
	f.sqlTask(hidden, f.defaultGroupID(hidden), "secret", map[string]any{"status": "done", "position": 0})
	f.addMember(empty, f.member, "member")

	stats := func(u user) map[string]string {
		r := f.call(200, u, "GET", "/projects/stats", nil)
		out := map[string]string{}
		for _, row := range r.data() {
			out[row["project_id"].(string)] = fmt.Sprintf("%v/%v", row["done"], row["total"])
		}
		return out
	}
	got := stats(f.member)
	if len(got) != 2 || got[f.project] != "3/6" || got[empty] != "0/0" {
		t.Fatalf("member stats: %v", got)
	}
	got = stats(f.admin)
	if len(got) != 3 || got[hidden] != "1/1" || got[f.project] != "3/6" {
		t.Fatalf("admin stats: %v", got)
	}
	if got := stats(f.outsider); len(got) != 0 {
		t.Fatalf("outsider stats: %v", got)
	}
	f.must(401, req{method: "GET", path: "/projects/stats"})
}

func TestOptional_DistinguishesAbsentNullAndValue(t *testing.T) {
	t.Parallel()
	var in struct {
		Rate api.Optional[int64]  `json:"rate"`
		Note api.Optional[string] `json:"note"`
		Tags api.Optional[[]string]
	}
	if err := json.Unmarshal([]byte(`{"rate": null, "note": "hi"}`), &in); err != nil {
		t.Fatal(err)
	}
	if !in.Rate.Set || !in.Rate.Null || !in.Rate.Cleared() || in.Rate.Ptr() != nil {
		t.Fatalf("null: %+v", in.Rate)
	}
	if !in.Note.Set || in.Note.Null || in.Note.Value != "hi" || *in.Note.Ptr() != "hi" || in.Note.Cleared() {
		t.Fatalf("value: %+v", in.Note)
	}
	if in.Tags.Set || in.Tags.Null || in.Tags.Ptr() != nil || in.Tags.Cleared() {
		t.Fatalf("absent: %+v", in.Tags)
	}
	err := json.Unmarshal([]byte(`{"rate": "x"}`), &in)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) || typeErr.Field != "rate" {
		t.Fatalf("wrong type: %v", err)
	}
	out, _ := json.Marshal(map[string]any{"a": api.Optional[int]{}, "b": api.Optional[int]{Set: true, Value: 3}})
	if string(out) != `{"a":null,"b":3}` {
		t.Fatalf("marshal: %s", out)
	}
}
