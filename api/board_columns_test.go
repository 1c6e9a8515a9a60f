package api_test

import "testing"

// boundGroup creates a column bound to a status.
func (f *projectsFixture) boundGroup(project, name, status string) string {
	f.t.Helper()
	return f.call(201, f.owner, "POST", "/projects/"+project+"/task-groups", map[string]any{"name": name, "status_code": status}).str("id")
}

func TestTaskGroups_StatusBinding(t *testing.T) {
	f := newProjectsFixture(t)
	base := "/projects/" + f.project + "/task-groups"
	def := f.defaultGroupID(f.project)
	list := f.call(200, f.member, "GET", base, nil).data()
	if len(list) != 1 || list[0]["status_code"] != "open" {
		t.Fatalf("a new project's default group is bound to open: %v", list)
	}
	r := f.call(201, f.manager, "POST", base, map[string]any{"name": "Doing", "status_code": "in_progress"})
	if r.json["status_code"] != "in_progress" {
		t.Fatalf("create bound: %s", r.raw)
	}
	doing := r.str("id")
	f.createStatus("review", nil)
	if r = f.call(200, f.manager, "PUT", base+"/"+doing, map[string]any{"status_code": "review"}); r.json["status_code"] != "review" || r.str("name") != "Doing" {
		t.Fatalf("rebind: %s", r.raw)
	}
	if r = f.call(200, f.manager, "PUT", base+"/"+doing, map[string]any{"name": "Doing now"}); r.json["status_code"] != "review" {
		t.Fatalf("a rename keeps the binding: %s", r.raw)
	}
	if r = f.call(200, f.manager, "PUT", base+"/"+doing, map[string]any{"status_code": nil}); r.json["status_code"] != nil {
		t.Fatalf("null unbinds: %s", r.raw)
	}
	plain := f.call(201, f.manager, "POST", base, map[string]any{"name": "Ideas"})
	if plain.json["status_code"] != nil {
		t.Fatalf("a group without status_code is unbound: %s", plain.raw)
	}

	// Refusals change nothing.
	msg := "status_code must be open, in_progress, done, closed or a custom status of the organization"
	expectError(t, f.call(400, f.manager, "POST", base, map[string]any{"name": "X", "status_code": "nope"}), "validation_failed", msg)
	expectError(t, f.call(400, f.manager, "PUT", base+"/"+def, map[string]any{"status_code": "nope"}), "validation_failed", msg)
	f.call(400, f.manager, "PUT", base+"/"+def, `{"status_code": 3}`)
	f.call(403, f.member, "PUT", base+"/"+def, map[string]any{"status_code": "done"})
	f.call(404, f.outsider, "PUT", base+"/"+def, map[string]any{"status_code": "done"})
	theirGroup := f.must(200, req{method: "GET", path: "/projects/" + f.strangerProject + "/task-groups", token: f.stranger.token,
		org: f.strangerOrg}).data()[0]["id"].(string)
	f.call(404, f.owner, "PUT", "/projects/"+f.strangerProject+"/task-groups/"+theirGroup, map[string]any{"status_code": "done"})
	f.call(404, f.owner, "PUT", base+"/"+theirGroup, map[string]any{"status_code": "done"})
	if got := f.call(200, f.member, "GET", base, nil).data()[0]["status_code"]; got != "open" {
		t.Fatalf("refused changes altered the default group: %v", got)
	}
}

// Moving a task into a bound column sets its status; changing its status moves it to the column bound to it.
func TestTasks_BoundColumnsFollowStatus(t *testing.T) {
	f := newProjectsFixture(t)
	todo := f.defaultGroupID(f.project)
	doing := f.boundGroup(f.project, "In progress", "in_progress")
	done := f.boundGroup(f.project, "Done", "done")
	notes := f.call(201, f.owner, "POST", "/projects/"+f.project+"/task-groups", map[string]any{"name": "Notes"}).str("id")
	task := f.call(201, f.manager, "POST", "/tasks", map[string]any{"project_id": f.project, "title": "Write copy"})
	id := task.str("id")
	if task.str("group_id") != todo || task.str("status") != "open" {
		t.Fatalf("create: %s", task.raw)
	}

	// Drop (reorder) into In progress: the status follows.
	r := f.call(200, f.manager, "PUT", "/tasks/"+id+"/reorder", map[string]any{"position": 0, "group_id": doing})
	if r.str("group_id") != doing || r.str("status") != "in_progress" {
		t.Fatalf("reorder into a bound column: %s", r.raw)
	}
	// Status done: the card moves to Done and the task is completed.
	r = f.call(200, f.manager, "PUT", "/tasks/"+id+"/status", map[string]any{"status": "done"})
	if r.str("group_id") != done || r.json["completed_at"] == nil {
		t.Fatalf("status done: %s", r.raw)
	}
	f.call(200, f.manager, "PUT", "/tasks/"+id, map[string]any{"group_id": todo})
	if r = f.call(200, f.member, "GET", "/tasks/"+id, nil); r.str("status") != "open" || r.json["completed_at"] != nil {
		t.Fatalf("update group_id into To do: %s", r.raw)
	}
	// An unbound column keeps the status, and a status change leaves a card there.
	f.call(200, f.manager, "PUT", "/tasks/"+id+"/reorder", map[string]any{"position": 0, "group_id": notes})
	if r = f.call(200, f.manager, "PUT", "/tasks/"+id+"/status", map[string]any{"status": "in_progress"}); r.str("group_id") != notes {
		t.Fatalf("a card in an unbound column stays: %s", r.raw)
	}
	// A task created with a status lands in its column.
	if c := f.call(201, f.manager, "POST", "/tasks", map[string]any{"project_id": f.project, "title": "Ship", "status": "done"}); c.str("group_id") != done {
		t.Fatalf("create with status: %s", c.raw)
	}
	// A task created in a bound column without a status takes the column's.
	if c := f.call(201, f.manager, "POST", "/tasks", map[string]any{"project_id": f.project, "title": "Start", "group_id": doing}); c.str("status") != "in_progress" {
		t.Fatalf("create in a bound column: %s", c.raw)
	}
	// Refused moves change nothing.
	f.call(403, f.member, "PUT", "/tasks/"+id+"/reorder", map[string]any{"position": 0, "group_id": done})
	f.call(400, f.manager, "PUT", "/tasks/"+id+"/reorder", map[string]any{"position": 0, "group_id": "nope"})
	if r = f.call(200, f.member, "GET", "/tasks/"+id, nil); r.str("status") != "in_progress" || r.str("group_id") != notes {
		t.Fatalf("after refusals: %s", r.raw)
	}
}

// Deleting a custom status unbinds the columns bound to it.
func TestTaskStatuses_DeleteUnbindsColumns(t *testing.T) {
	f := newProjectsFixture(t)
	st := f.createStatus("review", nil)
	col := f.boundGroup(f.project, "Review", "review")
	f.call(204, f.owner, "DELETE", "/task-statuses/"+st, nil)
	for _, g := range f.call(200, f.member, "GET", "/projects/"+f.project+"/task-groups", nil).data() {
		if g["id"] == col && g["status_code"] != nil {
			t.Fatalf("column still bound to a deleted status: %v", g)
		}
	}
}
