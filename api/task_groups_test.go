package api_test

import (
	"fmt"
	"strings"
	"testing"
)

func (f *world) createGroup(project, name string) string {
	f.t.Helper()
	return f.call(201, f.owner, "POST", "/projects/"+project+"/task-groups", map[string]any{"name": name}).str("id")
}

func groupNames(r resp) string {
	var out []string
	for i, g := range r.data() {
		out = append(out, fmt.Sprintf("%s@%v", g["name"], g["position"]))
		if g["position"] != float64(i) {
			out = append(out, "NOT-DENSE")
		}
	}
	return strings.Join(out, ",")
}

func collapsedIDs(r resp) []string {
	raw, ok := r.json["group_ids"].([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(raw))
	for _, x := range raw {
		out = append(out, x.(string))
	}
	return out
}

func TestTaskGroups_CreateListUpdate(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	base := "/projects/" + f.project + "/task-groups"
	r := f.call(201, f.manager, "POST", base, map[string]any{"name": " Backlog "})
	if r.str("name") != "Backlog" || r.json["position"] != 1.0 || r.json["is_default"] != false || r.str("project_id") != f.project ||
		r.json["created_at"] == nil || r.json["updated_at"] == nil {
		t.Fatalf("create: %s", r.raw)
	}
	id := r.str("id")
	f.call(201, f.admin, "POST", base, map[string]any{"name": "Done"})
	list := f.call(200, f.member, "GET", base, nil)
	if groupNames(list) != "To do@0,Backlog@1,Done@2" {
		t.Fatalf("list: %s", list.raw)
	}
	if _, paged := list.json["meta"]; paged {
		t.Fatalf("paged: %s", list.raw)
	}
	if r = f.call(200, f.manager, "PUT", base+"/"+id, map[string]any{"name": "Sprint Backlog"}); r.str("name") != "Sprint Backlog" || r.json["position"] != 1.0 {
		t.Fatalf("update: %s", r.raw)
	}
	f.call(200, f.manager, "PUT", base+"/"+id, map[string]any{}) // nothing to change

	// Refusals.
	f.runAll([]scenario{
		{req: f.as(f.manager, "POST", base, map[string]any{}), status: 400, code: "validation_failed", message: "name is required"},
		{req: f.as(f.manager, "POST", base, map[string]any{"name": "  "}), status: 400, code: "validation_failed", message: "name is required"},
		{req: f.as(f.manager, "POST", base, map[string]any{"name": strings.Repeat("g", 256)}), status: 400, code: "validation_failed", message: "name must be at most 255 characters"},
		{req: f.as(f.manager, "PUT", base+"/"+id, map[string]any{"name": ""}), status: 400, code: "validation_failed", message: "name is required"},
	})
	f.call(400, f.manager, "POST", base, `{"name": 3}`)
	f.call(403, f.member, "POST", base, map[string]any{"name": "Mine"})
	f.call(403, f.member, "PUT", base+"/"+id, map[string]any{"name": "Mine"})
	f.call(404, f.outsider, "GET", base, nil)
	f.call(404, f.outsider, "POST", base, map[string]any{"name": "Mine"})
	theirBase := "/projects/" + f.strangerProject + "/task-groups"
	f.call(404, f.owner, "GET", theirBase, nil)
	f.call(404, f.owner, "POST", theirBase, map[string]any{"name": "Mine"})
	f.call(404, f.owner, "GET", "/projects/nope/task-groups", nil)
	// A group of another project, of another organization, or no group at all.
	other := f.createProject(f.owner, "Other")
	otherGroup := f.createGroup(other, "Elsewhere")
	f.call(404, f.owner, "PUT", base+"/"+otherGroup, map[string]any{"name": "Moved"})
	theirGroup := f.must(200, req{method: "GET", path: theirBase, token: f.stranger.token, org: f.otherOrg}).data()[0]["id"].(string)
	f.call(404, f.owner, "PUT", base+"/"+theirGroup, map[string]any{"name": "Mine"})
	f.call(404, f.owner, "PUT", base+"/grp_001", map[string]any{"name": "Mine"})
	f.must(401, req{method: "GET", path: base})
	f.must(401, req{method: "POST", path: base, body: map[string]any{"name": "Mine"}})
	if got := groupNames(f.call(200, f.owner, "GET", base, nil)); got != "To do@0,Sprint Backlog@1,Done@2" {
		t.Fatalf("refused requests changed the groups: %s", got)
	}
	if f.auditCount("task_group", "created") != 3 || f.auditCount("task_group", "updated") != 1 {
		t.Fatalf("audit: %d created, %d updated", f.auditCount("task_group", "created"), f.auditCount("task_group", "updated"))
	}
}

func TestTaskGroups_DeleteMovesTasksToDefaultGroup(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	base := "/projects/" + f.project + "/task-groups"
	def := f.defaultGroupID(f.project)
	doomed := f.createGroup(f.project, "Doomed")
	f.createGroup(f.project, "Kept")
	d0 := f.sqlTask(f.project, def, "d0", map[string]any{"status": "open", "position": 0})
	d1 := f.sqlTask(f.project, def, "d1", map[string]any{"status": "open", "position": 1})
	x1 := f.sqlTask(f.project, doomed, "x1", map[string]any{"status": "open", "position": 1})
	x0 := f.sqlTask(f.project, doomed, "x0", map[string]any{"status": "open", "position": 0})
	x2 := f.sqlTask(f.project, doomed, "x2", map[string]any{"status": "done", "position": 2})
	f.call(200, f.member, "POST", base+"/"+doomed+"/toggle-collapsed", nil)

	f.run(scenario{req: f.as(f.owner, "DELETE", base+"/"+def, nil), status: 409, code: "conflict", message: "the default task group cannot be deleted"})
	f.call(403, f.member, "DELETE", base+"/"+doomed, nil)
	f.call(404, f.outsider, "DELETE", base+"/"+doomed, nil)
	f.call(404, f.owner, "DELETE", base+"/nope", nil)
	f.call(404, f.owner, "DELETE", "/projects/"+f.strangerProject+"/task-groups/"+doomed, nil)
	f.must(401, req{method: "DELETE", path: base + "/" + doomed})
	f.call(204, f.manager, "DELETE", base+"/"+doomed, nil)
	f.call(404, f.manager, "DELETE", base+"/"+doomed, nil)

	if got := groupNames(f.call(200, f.owner, "GET", base, nil)); got != "To do@0,Kept@1" {
		t.Fatalf("groups after delete: %s", got)
	}
	rows := []struct {
		ID       string `db:"id"`
		GroupID  string `db:"group_id"`
		Position int    `db:"position"`
	}{}
	// position: each task's index in its group, as the API reports it (ranks are gapped, issue 15).
	if err := f.db.Select(&rows, `SELECT id, group_id, row_number() OVER (PARTITION BY group_id ORDER BY position) - 1 AS position
		FROM tasks WHERE project_id = $1 ORDER BY position`, f.project); err != nil {
		t.Fatal(err)
	}
	want := []string{d0, d1, x0, x1, x2}
	if len(rows) != len(want) {
		t.Fatalf("tasks: %+v", rows)
	}
	for i, r := range rows {
		if r.ID != want[i] || r.GroupID != def || r.Position != i {
			t.Fatalf("task %d: %+v, want %s in the default group at %d", i, r, want[i], i)
		}
	}
	if ids := collapsedIDs(f.call(200, f.member, "GET", base+"/collapsed", nil)); len(ids) != 0 {
		t.Fatalf("collapsed state of a deleted group: %v", ids)
	}
	if n := f.auditCount("task_group", "deleted"); n != 1 {
		t.Fatalf("audit: %d", n)
	}
}

func TestTaskGroups_Reorder(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	base := "/projects/" + f.project + "/task-groups"
	def := f.defaultGroupID(f.project)
	a := f.createGroup(f.project, "A")
	b := f.createGroup(f.project, "B")
	other := f.createProject(f.owner, "Other")
	otherGroup := f.createGroup(other, "Elsewhere")
	r := f.call(200, f.manager, "PUT", base+"/reorder", map[string]any{"order": []string{b, def, a}})
	if groupNames(r) != "B@0,To do@1,A@2" {
		t.Fatalf("reorder: %s", r.raw)
	}
	bad := "order must list every task group id of the project exactly once"
	for _, order := range [][]string{{b, def}, {b, def, a, a}, {b, def, def}, {b, def, otherGroup}, {b, def, a, otherGroup}, {b, def, "grp_001"}, {}} {
		f.run(scenario{req: f.as(f.manager, "PUT", base+"/reorder", map[string]any{"order": order}), status: 400, code: "validation_failed", message: bad})
	}
	f.call(400, f.manager, "PUT", base+"/reorder", map[string]any{})
	f.call(403, f.member, "PUT", base+"/reorder", map[string]any{"order": []string{def, a, b}})
	f.call(404, f.outsider, "PUT", base+"/reorder", map[string]any{"order": []string{def, a, b}})
	f.call(404, f.owner, "PUT", "/projects/"+f.strangerProject+"/task-groups/reorder", map[string]any{"order": []string{}})
	f.must(401, req{method: "PUT", path: base + "/reorder", body: map[string]any{"order": []string{def, a, b}}})
	if got := groupNames(f.call(200, f.member, "GET", base, nil)); got != "B@0,To do@1,A@2" {
		t.Fatalf("refused reorders changed the order: %s", got)
	}
	if n := f.auditCount("task_group", "updated"); n != 3 {
		t.Fatalf("audit: %d", n)
	}
}

func TestCollapsedTaskGroups_PerUserPerProject(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	base := "/projects/" + f.project + "/task-groups"
	def := f.defaultGroupID(f.project)
	a := f.createGroup(f.project, "A")
	b := f.createGroup(f.project, "B")
	other := f.createProject(f.owner, "Other")
	f.addMember(other, f.member, "member")
	otherGroup := f.createGroup(other, "Elsewhere")

	if r := f.call(200, f.member, "GET", base+"/collapsed", nil); r.json["group_ids"] == nil || len(collapsedIDs(r)) != 0 {
		t.Fatalf("initial: %s", r.raw)
	}
	// Toggle on, on, off; the answer is the caller's set in board order.
	if ids := collapsedIDs(f.call(200, f.member, "POST", base+"/"+b+"/toggle-collapsed", nil)); fmt.Sprint(ids) != fmt.Sprint([]string{b}) {
		t.Fatalf("toggle b: %v", ids)
	}
	if ids := collapsedIDs(f.call(200, f.member, "POST", base+"/"+a+"/toggle-collapsed", nil)); fmt.Sprint(ids) != fmt.Sprint([]string{a, b}) {
		t.Fatalf("toggle a: %v", ids)
	}
	if ids := collapsedIDs(f.call(200, f.member, "POST", base+"/"+b+"/toggle-collapsed", nil)); fmt.Sprint(ids) != fmt.Sprint([]string{a}) {
		t.Fatalf("toggle b again: %v", ids)
	}
	// Per user and per project.
	if ids := collapsedIDs(f.call(200, f.manager, "GET", base+"/collapsed", nil)); len(ids) != 0 {
		t.Fatalf("another user's state: %v", ids)
	}
	f.call(200, f.member, "PUT", "/projects/"+other+"/task-groups/collapsed/bulk", map[string]any{"group_ids": []string{otherGroup}})
	if ids := collapsedIDs(f.call(200, f.member, "GET", base+"/collapsed", nil)); fmt.Sprint(ids) != fmt.Sprint([]string{a}) {
		t.Fatalf("other project's state leaked: %v", ids)
	}
	// Bulk replaces the set; duplicates collapse into one.
	r := f.call(200, f.member, "PUT", base+"/collapsed/bulk", map[string]any{"group_ids": []string{b, def, b}})
	if fmt.Sprint(collapsedIDs(r)) != fmt.Sprint([]string{def, b}) {
		t.Fatalf("bulk: %s", r.raw)
	}
	if ids := collapsedIDs(f.call(200, f.member, "GET", base+"/collapsed", nil)); fmt.Sprint(ids) != fmt.Sprint([]string{def, b}) {
		t.Fatalf("after bulk: %v", ids)
	}

	// Refusals leave the state alone.
	notOurs := "group_ids must be task groups of this project"
	f.runAll([]scenario{
		{req: f.as(f.member, "PUT", base+"/collapsed/bulk", map[string]any{"group_ids": []string{a, otherGroup}}), status: 400, code: "validation_failed", message: notOurs},
		{req: f.as(f.member, "PUT", base+"/collapsed/bulk", map[string]any{"group_ids": []string{"grp_001"}}), status: 400, code: "validation_failed", message: notOurs},
		{req: f.as(f.member, "PUT", base+"/collapsed/bulk", map[string]any{}), status: 400, code: "validation_failed", message: "group_ids is required"},
	})
	many := make([]string, 201)
	for i := range many {
		many[i] = a
	}
	f.run(scenario{req: f.as(f.member, "PUT", base+"/collapsed/bulk", map[string]any{"group_ids": many}), status: 400, code: "validation_failed", message: "group_ids must hold at most 200 ids"})
	f.call(400, f.member, "PUT", base+"/collapsed/bulk", `{"group_ids": "x"}`)
	f.call(404, f.outsider, "PUT", base+"/collapsed/bulk", map[string]any{"group_ids": []string{}})
	f.call(404, f.outsider, "GET", base+"/collapsed", nil)
	f.call(404, f.outsider, "POST", base+"/"+a+"/toggle-collapsed", nil)
	f.call(404, f.member, "POST", base+"/"+otherGroup+"/toggle-collapsed", nil)
	f.call(404, f.member, "POST", base+"/nope/toggle-collapsed", nil)
	f.call(404, f.owner, "GET", "/projects/"+f.strangerProject+"/task-groups/collapsed", nil)
	f.must(401, req{method: "GET", path: base + "/collapsed"})
	f.must(401, req{method: "PUT", path: base + "/collapsed/bulk", body: map[string]any{"group_ids": []string{}}})
	f.must(401, req{method: "POST", path: base + "/" + a + "/toggle-collapsed"})
	if ids := collapsedIDs(f.call(200, f.member, "GET", base+"/collapsed", nil)); fmt.Sprint(ids) != fmt.Sprint([]string{def, b}) {
		t.Fatalf("refused requests changed the state: %v", ids)
	}
	// An empty list expands everything; at most 200 distinct ids is fine.
	if r := f.call(200, f.member, "PUT", base+"/collapsed/bulk", map[string]any{"group_ids": []string{}}); r.json["group_ids"] == nil || len(collapsedIDs(r)) != 0 {
		t.Fatalf("empty bulk: %s", r.raw)
	}
}
