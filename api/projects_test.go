package api_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/trcr/trcr/api"
)

// projectsFixture is an organization with a project and people in every relation to it.
type projectsFixture struct {
	*env
	org, strangerOrg, project, strangerProject string
	owner, admin, manager, member, outsider    user // outsider: an org member who is not on the project
	stranger                                   user // owner of another organization
}

func newProjectsFixture(t *testing.T, opts ...envOption) *projectsFixture {
	t.Helper()
	e := newEnv(t, opts...)
	f := &projectsFixture{env: e}
	f.owner = e.register("Olive Owner")
	f.org = e.org(f.owner, "Fixture Co")
	f.admin = e.register("Adam Admin")
	f.manager = e.register("Mona Manager")
	f.member = e.register("Mel Member")
	f.outsider = e.register("Otto Outsider")
	e.join(f.owner, f.org, f.admin, "admin")
	e.join(f.owner, f.org, f.manager, "member")
	e.join(f.owner, f.org, f.member, "member")
	e.join(f.owner, f.org, f.outsider, "member")
	f.project = f.createProject(f.owner, "Website Redesign")
	f.addMember(f.project, f.manager, "manager")
	f.addMember(f.project, f.member, "member")
	f.stranger = e.register("Sam Stranger")
	f.strangerOrg = e.org(f.stranger, "Stranger Co")
	f.strangerProject = e.must(201, req{method: "POST", path: "/projects", token: f.stranger.token, org: f.strangerOrg,
		body: map[string]any{"name": "Their Project"}}).str("id")
	return f
}

func (f *projectsFixture) createProject(u user, name string) string {
	f.t.Helper()
	return f.must(201, req{method: "POST", path: "/projects", token: u.token, org: f.org, body: map[string]any{"name": name}}).str("id")
}

// createClient creates a client of the fixture's organization.
func (f *projectsFixture) createClient(name string) string {
	f.t.Helper()
	return f.must(201, req{method: "POST", path: "/clients", token: f.owner.token, org: f.org, body: map[string]any{"name": name}}).str("id")
}

// strangerClient creates a client of the other organization.
func (f *projectsFixture) strangerClient() string {
	f.t.Helper()
	return f.must(201, req{method: "POST", path: "/clients", token: f.stranger.token, org: f.strangerOrg,
		body: map[string]any{"name": "Their Client"}}).str("id")
}

func (f *projectsFixture) addMember(project string, u user, role string) {
	f.t.Helper()
	f.must(201, req{method: "POST", path: "/projects/" + project + "/members", token: f.owner.token, org: f.org,
		body: map[string]any{"user_id": u.id, "role": role}})
}

// call runs a request as u in the fixture's organization.
func (f *projectsFixture) call(want int, u user, method, path string, body any) resp {
	f.t.Helper()
	return f.must(want, req{method: method, path: path, token: u.token, org: f.org, body: body})
}

// auditCount counts audit entries of the organization with the given entity type and action.
func (f *projectsFixture) auditCount(entityType, action string) int {
	f.t.Helper()
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM audit_logs WHERE organization_id = $1 AND entity_type = $2 AND action = $3`,
		f.org, entityType, action); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// defaultGroupID reads a project's default task group.
func (f *projectsFixture) defaultGroupID(project string) string {
	f.t.Helper()
	var id string
	if err := f.db.Get(&id, `SELECT id FROM task_groups WHERE project_id = $1 AND is_default`, project); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// insertTask writes a task row directly; the tasks endpoints are tested elsewhere.
func (f *projectsFixture) insertTask(project, group, title, status string, position int) string {
	f.t.Helper()
	var id string
	if err := f.db.Get(&id, `
		INSERT INTO tasks (organization_id, project_id, group_id, title, status, position)
		VALUES ((SELECT organization_id FROM projects WHERE id = $1), $1, $2, $3, $4, $5) RETURNING id`,
		project, group, title, status, position); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func expectError(t *testing.T, r resp, code, message string) {
	t.Helper()
	if r.errCode() != code || (message != "" && r.errMessage() != message) {
		t.Fatalf("want %s %q, got %s", code, message, r.raw)
	}
}

func TestProjects_CreateDefaultsAndManagerAndDefaultGroup(t *testing.T) {
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
	clientID := f.createClient("Acme Corp")
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
		{map[string]any{"name": "P", "client_id": f.strangerClient()}, "client_id", "client_id must be a client of this organization"},
		{map[string]any{"name": "P", "status": "paused"}, "status", "status must be active or archived"},
	}
	for _, c := range cases {
		r := f.call(400, f.owner, "POST", "/projects", c.body)
		expectError(t, r, "validation_failed", c.message)
		if r.json["error"].(map[string]any)["fields"].(map[string]any)[c.field] == nil {
			t.Fatalf("%v: fields %s", c.body, r.raw)
		}
	}
	for _, body := range []string{`{"name": "P", "hourly_rate": 1.5}`, `{"name": "P", "hourly_rate": "lots"}`, `{"name": 5}`, `{"name": "P", "billable": "yes"}`, `{`} {
		f.call(400, f.owner, "POST", "/projects", body)
	}
	f.must(401, req{method: "POST", path: "/projects", org: f.org, body: map[string]any{"name": "P"}})
	expectError(t, f.call(403, f.manager, "POST", "/projects", map[string]any{"name": "P"}), "forbidden", "")
	f.call(403, f.member, "POST", "/projects", map[string]any{"name": "P"})
	var after int
	_ = f.db.Get(&after, `SELECT count(*) FROM projects`)
	if after != before {
		t.Fatalf("refused creates wrote projects: %d → %d", before, after)
	}
}

func TestProjects_GetVisibility(t *testing.T) {
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
	f := newProjectsFixture(t)
	path := "/projects/" + f.project
	clientID := f.createClient("Acme Corp")
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
	expectError(t, f.call(400, f.owner, "PUT", path, map[string]any{"status": "paused"}), "validation_failed", "status must be active or archived")
	expectError(t, f.call(400, f.owner, "PUT", path, map[string]any{"name": ""}), "validation_failed", "name is required")
	expectError(t, f.call(400, f.owner, "PUT", path, map[string]any{"hourly_rate": -5}), "validation_failed", "")
	expectError(t, f.call(400, f.owner, "PUT", path, map[string]any{"color": "blue"}), "validation_failed", "")
	expectError(t, f.call(400, f.owner, "PUT", path, `{"hourly_rate": "x"}`), "invalid_body", "hourly_rate has the wrong type: expected a number")
	for _, other := range []string{f.strangerClient(), "00000000-0000-4000-8000-000000000009", "cli_abc"} {
		expectError(t, f.call(400, f.owner, "PUT", path, map[string]any{"client_id": other, "name": "Hijack"}),
			"validation_failed", "client_id must be a client of this organization")
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
	expectError(t, f.call(400, f.owner, "GET", "/projects?status=paused", nil), "validation_failed", "status must be active or archived")
	f.call(400, f.owner, "GET", "/projects?page=0", nil)
	f.must(401, req{method: "GET", path: "/projects"})
	if got := names(f.must(200, req{method: "GET", path: "/projects", token: f.stranger.token, org: f.strangerOrg})); got != "Their Project" {
		t.Fatalf("stranger list: %s", got)
	}
}

func TestProjects_DeleteCascades(t *testing.T) {
	f := newProjectsFixture(t)
	path := "/projects/" + f.project
	f.insertTask(f.project, f.defaultGroupID(f.project), "Task", "open", 0)
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
	f.must(200, req{method: "GET", path: "/projects/" + f.strangerProject, token: f.stranger.token, org: f.strangerOrg})
}

func TestProjectMembers_AddListRemove(t *testing.T) {
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
	expectError(t, f.call(409, f.owner, "POST", path, map[string]any{"user_id": f.outsider.id, "role": "manager"}), "conflict", "")

	// Refusals.
	notMember := "user_id must be an active member of the organization"
	expectError(t, f.call(400, f.owner, "POST", path, map[string]any{"user_id": f.stranger.id}), "validation_failed", notMember)
	expectError(t, f.call(400, f.owner, "POST", path, map[string]any{"user_id": "usr_xyz"}), "validation_failed", notMember)
	expectError(t, f.call(400, f.owner, "POST", path, map[string]any{}), "validation_failed", "user_id is required")
	expectError(t, f.call(400, f.owner, "POST", path, map[string]any{"user_id": f.admin.id, "role": "boss"}), "validation_failed", "role must be manager or member")
	invited := f.register("Ivy Invited")
	f.call(201, f.owner, "POST", "/members/invite", map[string]any{"email": invited.email})
	expectError(t, f.call(400, f.owner, "POST", path, map[string]any{"user_id": invited.id}), "validation_failed", notMember)
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
	f := newProjectsFixture(t)
	f.call(201, f.owner, "POST", "/task-statuses", map[string]any{"code": "shipped", "label": "Shipped", "color": "#22c55e", "is_terminal": true})
	f.call(201, f.owner, "POST", "/task-statuses", map[string]any{"code": "qa_review", "label": "QA", "color": "#8b5cf6"})
	g := f.defaultGroupID(f.project)
	for i, st := range []string{"open", "in_progress", "done", "closed", "shipped", "qa_review"} {
		f.insertTask(f.project, g, "T"+st, st, i)
	}
	empty := f.createProject(f.owner, "Empty")
	hidden := f.createProject(f.owner, "Hidden")
	f.insertTask(hidden, f.defaultGroupID(hidden), "secret", "done", 0)
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
