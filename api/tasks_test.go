package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

func taskIDsOf(list []map[string]any) []string {
	out := make([]string, len(list))
	for i, x := range list {
		out[i] = x["id"].(string)
	}
	return out
}

func TestCreateTask(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	label := w.sqlLabel(w.org, "Bug")
	second := w.sqlGroup(w.project, "Doing", 1)

	t.Run("defaults and shape", func(t *testing.T) {
		r := w.newTask("Implement login page", nil)
		want := map[string]any{
			"organization_id": w.org, "project_id": w.project, "group_id": w.group, "title": "Implement login page",
			"description": "", "status": "open", "priority": "medium", "assignee_id": nil, "reporter_id": w.owner.id,
			"start_date": nil, "due_date": nil, "estimated_hours": nil, "complexity": nil, "progress": float64(0),
			"position": float64(0), "completed_at": nil,
		}
		for k, v := range want {
			if r.json[k] != v {
				t.Errorf("%s = %#v, want %#v", k, r.json[k], v)
			}
		}
		if l, ok := r.json["label_ids"].([]any); !ok || len(l) != 0 {
			t.Errorf("label_ids = %#v", r.json["label_ids"])
		}
		for _, k := range []string{"id", "created_at", "updated_at"} {
			if r.str(k) == "" {
				t.Errorf("%s missing", k)
			}
		}
	})
	t.Run("every field, by the project manager", func(t *testing.T) {
		r := w.must(201, req{method: "POST", path: "/tasks", token: w.manager.token, org: w.org, body: map[string]any{
			"title": "  Design review  ", "description": "**Bold**", "project_id": w.project, "assignee_id": w.member.id,
			"status": "in_progress", "priority": "high", "start_date": "2026-04-01", "due_date": "2026-04-15",
			"label_ids": []string{label, label}, "estimated_hours": 2.5, "group_id": second, "complexity": 5, "progress": 40,
		}})
		want := map[string]any{
			"title": "Design review", "description": "**Bold**", "assignee_id": w.member.id, "status": "in_progress",
			"priority": "high", "start_date": "2026-04-01", "due_date": "2026-04-15", "estimated_hours": 2.5,
			"group_id": second, "complexity": float64(5), "progress": float64(40), "position": float64(0),
			"reporter_id": w.manager.id,
		}
		for k, v := range want {
			if r.json[k] != v {
				t.Errorf("%s = %#v, want %#v", k, r.json[k], v)
			}
		}
		if l := r.json["label_ids"].([]any); len(l) != 1 || l[0] != label {
			t.Errorf("label_ids = %#v", l)
		}
		got := w.must(200, req{method: "GET", path: "/tasks/" + r.str("id"), token: w.member.token, org: w.org})
		if string(got.raw) != string(r.raw) {
			t.Errorf("read %s\nwant %s", got.raw, r.raw)
		}
	})
	t.Run("new tasks go to the end of their group", func(t *testing.T) {
		if r := w.newTask("Second", nil); r.json["position"] != float64(1) {
			t.Fatalf("position %v", r.json["position"])
		}
	})
	t.Run("created completed", func(t *testing.T) {
		if r := w.newTask("Already done", map[string]any{"status": "done"}); r.json["completed_at"] == nil {
			t.Fatalf("completed_at not set: %s", r.raw)
		}
	})
	t.Run("audited", func(t *testing.T) {
		if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_type = 'task' AND action = 'created'
			AND changes->'title'->>'to' = 'Design review' AND changes->'priority'->>'to' = 'high'`); n != 1 {
			t.Fatalf("%d audit entries", n)
		}
	})

	before := w.count(`SELECT count(*) FROM tasks`)
	invalid := []struct {
		name, field, message string
		body                 map[string]any
	}{
		{"title missing", "title", "title is required", map[string]any{"title": "  "}},
		{"title too long", "title", "title must be at most 500 characters", map[string]any{"title": strings.Repeat("x", 501)}},
		{"project missing", "project_id", "project_id is required", map[string]any{"project_id": ""}},
		{"dates reversed", "start_date", "start_date must be on or before due_date",
			map[string]any{"start_date": "2026-04-15", "due_date": "2026-04-01"}},
		{"bad date", "due_date", "due_date must be a date (YYYY-MM-DD)", map[string]any{"due_date": "15/04/2026"}},
		{"priority", "priority", "priority must be one of low, medium, high, urgent", map[string]any{"priority": "asap"}},
		{"status", "status", "", map[string]any{"status": "someday"}},
		{"complexity", "complexity", "complexity must be one of 1, 2, 3, 5, 8", map[string]any{"complexity": 4}},
		{"progress", "progress", "progress must be between 0 and 100", map[string]any{"progress": 101}},
		{"estimate", "estimated_hours", "", map[string]any{"estimated_hours": -1}},
		{"assignee not a member", "assignee_id", "assignee_id must be an active member of the organization",
			map[string]any{"assignee_id": w.stranger.id}},
		{"assignee not an id", "assignee_id", "", map[string]any{"assignee_id": "nope"}},
		{"group of another project", "group_id", "group_id must be a task group of the project",
			map[string]any{"group_id": w.sqlGroup(w.strangerProject, "Elsewhere", 1)}},
		{"label of another organization", "label_ids", "label_ids must be labels of the organization",
			map[string]any{"label_ids": []string{w.sqlLabel(w.otherOrg, "Theirs")}}},
	}
	for _, c := range invalid {
		t.Run("400 "+c.name, func(t *testing.T) {
			body := map[string]any{"title": "Valid", "project_id": w.project}
			for k, v := range c.body {
				body[k] = v
			}
			w.run(scenario{req: w.as(w.owner, "POST", "/tasks", body), status: 400, code: "validation_failed", field: c.field, fieldMessage: c.message})
		})
	}
	t.Run("400 the date rule's message is verbatim", func(t *testing.T) {
		w.run(scenario{req: w.as(w.owner, "POST", "/tasks", map[string]any{"title": "x", "project_id": w.project, "start_date": "2026-04-02", "due_date": "2026-04-01"}),
			message: "start_date must be on or before due_date"})
	})
	t.Run("400 wrong type", func(t *testing.T) {
		w.run(scenario{req: w.as(w.owner, "POST", "/tasks", `{"title": 5, "project_id": "`+w.project+`"}`), status: 400, code: "invalid_body"})
	})
	t.Run("401 without token", func(t *testing.T) {
		w.run(scenario{req: req{method: "POST", path: "/tasks", org: w.org, body: map[string]any{"title": "x", "project_id": w.project}}, status: 401, code: "unauthorized"})
	})
	t.Run("403 project member without manager role", func(t *testing.T) {
		w.run(scenario{req: w.as(w.member, "POST", "/tasks", map[string]any{"title": "x", "project_id": w.project}), status: 403, code: "forbidden"})
	})
	for name, project := range map[string]string{
		"unknown project": "6f1f7a2e-8a55-4c43-9a52-0c6d2d1b7a11", "not a uuid": "prj_abc",
		"another organization's project": w.strangerProject,
	} {
		t.Run("404 "+name, func(t *testing.T) {
			w.run(scenario{req: w.as(w.owner, "POST", "/tasks", map[string]any{"title": "x", "project_id": project}), status: 404, code: "not_found"})
		})
	}
	t.Run("404 org member not in the project", func(t *testing.T) {
		w.run(scenario{req: w.as(w.outsider, "POST", "/tasks", map[string]any{"title": "x", "project_id": w.project}), status: 404, code: "not_found"})
	})
	if after := w.count(`SELECT count(*) FROM tasks`); after != before {
		t.Fatalf("refused requests created %d tasks", after-before)
	}
}

func TestGetTask(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	id := w.newTask("Read me", nil).str("id")
	var theirs string
	if err := w.db.Get(&theirs, `INSERT INTO tasks (organization_id, project_id, group_id, title, position)
		SELECT organization_id, project_id, id, 'Theirs', 0 FROM task_groups WHERE project_id = $1 RETURNING id`, w.strangerProject); err != nil {
		t.Fatal(err)
	}
	for _, u := range []user{w.owner, w.manager, w.member} {
		if r := w.do(w.as(u, "GET", "/tasks/"+id, nil)); r.status != 200 || r.str("title") != "Read me" {
			t.Fatalf("%s: %d %s", u.name, r.status, r.raw)
		}
	}
	w.runAll([]scenario{
		{req: w.as(w.outsider, "GET", "/tasks/"+id, nil), status: 404, code: "not_found"},
		{req: w.as(w.owner, "GET", "/tasks/"+theirs, nil), status: 404, code: "not_found"},
		{req: w.as(w.owner, "GET", "/tasks/tsk_abc123", nil), status: 404, code: "not_found"},
		{req: w.as(w.owner, "GET", "/tasks/"+otherOrgID, nil), status: 404, code: "not_found"},
		{req: req{method: "GET", path: "/tasks/" + id, org: w.org}, status: 401, code: "unauthorized"},
	})
	// The stranger names their own organization: the task is not in it.
	w.run(scenario{req: req{method: "GET", path: "/tasks/" + id, token: w.stranger.token, org: w.otherOrg}, status: 404, code: "not_found"})
}

func TestUpdateTask(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	label1, label2 := w.sqlLabel(w.org, "One"), w.sqlLabel(w.org, "Two")
	task := w.newTask("Original", map[string]any{
		"assignee_id": w.member.id, "start_date": "2026-04-01", "due_date": "2026-04-10", "complexity": 3,
		"estimated_hours": 4, "label_ids": []string{label1}, "description": "keep me",
	})
	id := task.str("id")
	path := "/tasks/" + id

	t.Run("only provided fields change", func(t *testing.T) {
		r := w.must(200, req{method: "PUT", path: path, token: w.manager.token, org: w.org, body: map[string]any{
			"title": "Renamed", "priority": "urgent", "label_ids": []string{label2},
		}})
		if r.str("title") != "Renamed" || r.str("priority") != "urgent" || r.str("description") != "keep me" ||
			r.str("due_date") != "2026-04-10" || r.json["complexity"] != float64(3) || r.str("assignee_id") != w.member.id {
			t.Fatalf("body %s", r.raw)
		}
		if l := r.json["label_ids"].([]any); len(l) != 1 || l[0] != label2 {
			t.Fatalf("label_ids %v", l)
		}
		var changes string
		if err := w.db.Get(&changes, `SELECT changes::text FROM audit_logs WHERE entity_id = $1 AND action = 'updated'`, id); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{`"title": {"to": "Renamed", "from": "Original"}`, `"priority"`, `"label_ids"`} {
			if !strings.Contains(changes, s) {
				t.Errorf("audit changes %s lack %s", changes, s)
			}
		}
		if strings.Contains(changes, `"description"`) {
			t.Errorf("audit records an unchanged field: %s", changes)
		}
	})
	t.Run("null clears", func(t *testing.T) {
		r := w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org,
			body: `{"assignee_id": null, "start_date": null, "complexity": null, "estimated_hours": null}`})
		for _, k := range []string{"assignee_id", "start_date", "complexity", "estimated_hours"} {
			if r.json[k] != nil {
				t.Errorf("%s = %v", k, r.json[k])
			}
		}
		if r.str("due_date") != "2026-04-10" {
			t.Errorf("due_date %v", r.json["due_date"])
		}
	})
	t.Run("the date rule applies to the resulting pair", func(t *testing.T) {
		w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"start_date": "2026-04-05"}})
		w.run(scenario{req: w.as(w.owner, "PUT", path, map[string]any{"due_date": "2026-04-04"}), status: 400, code: "validation_failed",
			message: "start_date must be on or before due_date", field: "start_date", fieldMessage: "start_date must be on or before due_date"})
		w.run(scenario{req: w.as(w.owner, "PUT", path, map[string]any{"start_date": "2026-04-11"}), status: 400, code: "validation_failed", field: "start_date", fieldMessage: "start_date must be on or before due_date"})
		w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"start_date": "2026-04-11", "due_date": nil}})
	})
	t.Run("moving to another group puts it last and closes the gap", func(t *testing.T) {
		other := w.sqlGroup(w.project, "Later", 1)
		first := w.newTask("Already there", map[string]any{"group_id": other})
		sibling := w.newTask("Sibling", nil) // after the task in the default group
		r := w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"group_id": other}})
		if r.str("group_id") != other || r.json["position"] != float64(1) || first.json["position"] != float64(0) {
			t.Fatalf("body %s", r.raw)
		}
		s := w.must(200, req{method: "GET", path: "/tasks/" + sibling.str("id"), token: w.owner.token, org: w.org})
		if s.json["position"] != float64(0) {
			t.Fatalf("sibling position %v", s.json["position"])
		}
	})
	t.Run("400s", func(t *testing.T) {
		w.runAll([]scenario{
			{req: w.as(w.owner, "PUT", path, map[string]any{"title": ""}), status: 400, code: "validation_failed", field: "title", fieldMessage: "title is required"},
			{req: w.as(w.owner, "PUT", path, map[string]any{"status": "nope"}), status: 400, code: "validation_failed", field: "status"},
			{req: w.as(w.owner, "PUT", path, map[string]any{"group_id": w.sqlGroup(w.strangerProject, "X", 1)}), status: 400, code: "validation_failed", field: "group_id"},
			{req: w.as(w.owner, "PUT", path, map[string]any{"complexity": 13}), status: 400, code: "validation_failed", field: "complexity"},
			{req: w.as(w.owner, "PUT", path, `{"complexity": "big"}`), status: 400, code: "invalid_body"},
		})
	})

	t.Run("the assignee may change status and progress only", func(t *testing.T) {
		w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"assignee_id": w.member.id}})
		r := w.must(200, req{method: "PUT", path: path, token: w.member.token, org: w.org, body: map[string]any{"status": "in_progress", "progress": 50}})
		if r.str("status") != "in_progress" || r.json["progress"] != float64(50) {
			t.Fatalf("body %s", r.raw)
		}
		w.run(scenario{req: w.as(w.member, "PUT", path, map[string]any{"title": "Mine now"}), status: 403, code: "forbidden"})
		w.run(scenario{req: w.as(w.member, "PUT", path, map[string]any{"status": "done", "priority": "low"}), status: 403, code: "forbidden"})
	})
	t.Run("refusals change nothing", func(t *testing.T) {
		before := w.must(200, req{method: "GET", path: path, token: w.owner.token, org: w.org}).raw
		w.db.MustExec(`UPDATE tasks SET assignee_id = NULL WHERE id = $1`, id)
		w.runAll([]scenario{
			{req: w.as(w.member, "PUT", path, map[string]any{"status": "done"}), status: 403, code: "forbidden"},
			{req: w.as(w.outsider, "PUT", path, map[string]any{"title": "x"}), status: 404, code: "not_found"},
			{req: req{method: "PUT", path: path, token: w.stranger.token, org: w.otherOrg, body: map[string]any{"title": "x"}}, status: 404, code: "not_found"},
			{req: w.as(w.owner, "PUT", "/tasks/nope", map[string]any{"title": "x"}), status: 404, code: "not_found"},
			{req: req{method: "PUT", path: path, org: w.org, body: map[string]any{"title": "x"}}, status: 401, code: "unauthorized"},
		})
		w.db.MustExec(`UPDATE tasks SET assignee_id = $2 WHERE id = $1`, id, w.member.id)
		after := w.must(200, req{method: "GET", path: path, token: w.owner.token, org: w.org}).raw
		if string(before) != string(after) {
			t.Fatalf("changed:\n%s\n%s", before, after)
		}
	})
	t.Run("completed_at follows the status", func(t *testing.T) {
		r := w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"status": "done"}})
		if r.json["completed_at"] == nil {
			t.Fatal("completed_at not set")
		}
		r = w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"status": "closed"}})
		if r.json["completed_at"] == nil {
			t.Fatal("completed_at cleared between two completed statuses")
		}
		r = w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"status": "open"}})
		if r.json["completed_at"] != nil {
			t.Fatal("completed_at kept after reopening")
		}
	})
}

func TestDeleteTask(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	a := w.newTask("A", nil).str("id")
	b := w.newTask("B", nil).str("id")
	c := w.newTask("C", nil).str("id")

	w.runAll([]scenario{
		{req: w.as(w.member, "DELETE", "/tasks/"+b, nil), status: 403, code: "forbidden"},
		{req: w.as(w.outsider, "DELETE", "/tasks/"+b, nil), status: 404, code: "not_found"},
		{req: req{method: "DELETE", path: "/tasks/" + b, token: w.stranger.token, org: w.otherOrg}, status: 404, code: "not_found"},
		{req: w.as(w.owner, "DELETE", "/tasks/123", nil), status: 404, code: "not_found"},
		{req: req{method: "DELETE", path: "/tasks/" + b, org: w.org}, status: 401, code: "unauthorized"},
	})
	if n := w.count(`SELECT count(*) FROM tasks`); n != 3 {
		t.Fatalf("%d tasks after refusals", n)
	}

	r := w.must(204, req{method: "DELETE", path: "/tasks/" + b, token: w.manager.token, org: w.org})
	if len(r.raw) != 0 {
		t.Fatalf("body %s", r.raw)
	}
	w.run(scenario{req: w.as(w.owner, "GET", "/tasks/"+b, nil), status: 404, code: "not_found"})
	w.run(scenario{req: w.as(w.owner, "DELETE", "/tasks/"+b, nil), status: 404, code: "not_found"})
	var positions []string // each task's index in its group, as the API reports it (ranks are gapped, issue 15)
	if err := w.db.Select(&positions, `SELECT id || ':' || (row_number() OVER (ORDER BY position) - 1) FROM tasks ORDER BY position`); err != nil {
		t.Fatal(err)
	}
	if want := []string{a + ":0", c + ":1"}; fmt.Sprint(positions) != fmt.Sprint(want) {
		t.Fatalf("positions %v, want %v", positions, want)
	}
	if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_id = $1 AND action = 'deleted' AND changes->'title'->>'from' = 'B'`, b); n != 1 {
		t.Fatalf("%d delete audit entries", n)
	}
}

// notificationsOf lists "type|title|link" of a user's notifications, oldest first.
func (w *world) notificationsOf(u user) []string {
	w.t.Helper()
	var out []string
	if err := w.db.Select(&out, `SELECT type || '|' || title || '|' || (data->>'link') FROM notifications
		WHERE user_id = $1 ORDER BY created_at, id`, u.id); err != nil {
		w.t.Fatal(err)
	}
	return out
}

// nextEmailWindow ends every notification email window (one email per person and task in five minutes), as if
// five minutes passed, and sends what the windows held, as the server's worker would.
func (w *world) nextEmailWindow() {
	w.t.Helper()
	w.db.MustExec(`UPDATE notification_email_windows SET ends_at = now() - interval '1 second'`)
	if _, err := w.store.FlushNotificationEmails(context.Background()); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) emailsTo(u user, subject string) int {
	w.t.Helper()
	return w.count(`SELECT count(*) FROM email_outbox WHERE $1 = ANY(to_addresses) AND subject = $2`, u.email, subject)
}

func TestTaskStatus(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	// Reported by the manager, assigned to the member.
	task := w.must(201, req{method: "POST", path: "/tasks", token: w.manager.token, org: w.org,
		body: map[string]any{"title": "Ship it", "project_id": w.project, "assignee_id": w.member.id}})
	id := task.str("id")
	path := "/tasks/" + id + "/status"
	subject := "Task status changed: Ship it"
	link := "|/tasks?task=" + id

	t.Run("the assignee changes the status; the reporter hears of it", func(t *testing.T) {
		r := w.must(200, req{method: "PUT", path: path, token: w.member.token, org: w.org, body: map[string]any{"status": "in_progress"}})
		if r.str("status") != "in_progress" || r.str("id") != id {
			t.Fatalf("body %s", r.raw)
		}
		if got := w.notificationsOf(w.manager); fmt.Sprint(got) != fmt.Sprint([]string{"task_status_changed|" + subject + link}) {
			t.Fatalf("reporter notifications %v", got)
		}
		if n := w.emailsTo(w.manager, subject); n != 1 {
			t.Fatalf("%d emails to the reporter", n)
		}
		// The caller is not notified of their own change.
		for _, n := range w.notificationsOf(w.member) {
			if strings.HasPrefix(n, "task_status_changed") {
				t.Fatalf("caller notified: %v", n)
			}
		}
		var data map[string]any
		var raw []byte
		if err := w.db.Get(&raw, `SELECT data FROM notifications WHERE user_id = $1`, w.manager.id); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &data); err != nil || data["task_id"] != id || data["project_id"] != w.project {
			t.Fatalf("data %s", raw)
		}
		m := w.lastEmailTo(w.manager.email)
		if !strings.Contains(m.Text, "http://trcr.test/tasks?task="+id) || !strings.Contains(m.HTML, "http://trcr.test/tasks?task="+id) {
			t.Fatalf("email without absolute link: %s", m.Text)
		}
	})
	t.Run("an admin's change reaches reporter and assignee once each", func(t *testing.T) {
		w.nextEmailWindow()
		w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"status": "done"}})
		if n := w.emailsTo(w.manager, subject); n != 2 {
			t.Fatalf("%d emails to the reporter", n)
		}
		if n := w.emailsTo(w.member, subject); n != 1 {
			t.Fatalf("%d emails to the assignee", n)
		}
		if n := w.count(`SELECT count(*) FROM notifications WHERE user_id = $1 AND type = 'task_status_changed'`, w.owner.id); n != 0 {
			t.Fatalf("caller notified %d times", n)
		}
	})
	t.Run("reporter who is also the assignee is notified once", func(t *testing.T) {
		w.nextEmailWindow()
		w.db.MustExec(`UPDATE tasks SET assignee_id = reporter_id WHERE id = $1`, id)
		before := w.emailsTo(w.manager, subject)
		w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"status": "open"}})
		if n := w.emailsTo(w.manager, subject) - before; n != 1 {
			t.Fatalf("%d emails", n)
		}
		w.db.MustExec(`UPDATE tasks SET assignee_id = $2 WHERE id = $1`, id, w.member.id)
	})
	t.Run("preferences: email off sends no email, in-app off writes no row", func(t *testing.T) {
		w.nextEmailWindow()
		w.db.MustExec(`INSERT INTO notification_preferences (user_id, notification_type, email_enabled) VALUES ($1, 'task_status_changed', false)`, w.manager.id)
		w.db.MustExec(`INSERT INTO notification_preferences (user_id, notification_type, in_app_enabled) VALUES ($1, 'task_status_changed', false)`, w.member.id)
		emails, rows := w.emailsTo(w.manager, subject), len(w.notificationsOf(w.manager))
		memberEmails, memberRows := w.emailsTo(w.member, subject), len(w.notificationsOf(w.member))
		w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"status": "in_progress"}})
		if w.emailsTo(w.manager, subject) != emails || len(w.notificationsOf(w.manager)) != rows+1 {
			t.Fatal("email-off reporter: want a row and no email")
		}
		if w.emailsTo(w.member, subject) != memberEmails+1 || len(w.notificationsOf(w.member)) != memberRows {
			t.Fatal("in-app-off assignee: want an email and no row")
		}
	})
	t.Run("setting the same status notifies nobody", func(t *testing.T) {
		n := w.count(`SELECT count(*) FROM notifications`)
		w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"status": "in_progress"}})
		if w.count(`SELECT count(*) FROM notifications`) != n {
			t.Fatal("notified of no change")
		}
	})
	t.Run("4xx", func(t *testing.T) {
		w.run(scenario{req: w.as(w.owner, "PUT", path, map[string]any{"status": "someday"}), status: 400, code: "validation_failed", field: "status"})
		w.run(scenario{req: w.as(w.owner, "PUT", path, map[string]any{}), status: 400, code: "validation_failed", field: "status", fieldMessage: "status is required"})
		w.db.MustExec(`UPDATE tasks SET assignee_id = NULL WHERE id = $1`, id)
		w.runAll([]scenario{
			{req: w.as(w.member, "PUT", path, map[string]any{"status": "done"}), status: 403, code: "forbidden"},
			{req: w.as(w.outsider, "PUT", path, map[string]any{"status": "done"}), status: 404, code: "not_found"},
			{req: w.as(w.owner, "PUT", "/tasks/"+otherOrgID+"/status", map[string]any{"status": "done"}), status: 404, code: "not_found"},
			{req: req{method: "PUT", path: path, org: w.org, body: map[string]any{"status": "done"}}, status: 401, code: "unauthorized"},
		})
		if got := w.must(200, req{method: "GET", path: "/tasks/" + id, token: w.owner.token, org: w.org}).str("status"); got != "in_progress" {
			t.Fatalf("status %s after refusals", got)
		}
	})
	t.Run("status change through PUT /tasks/:id notifies too", func(t *testing.T) {
		w.nextEmailWindow()
		before := w.emailsTo(w.manager, subject) + len(w.notificationsOf(w.manager))
		w.must(200, req{method: "PUT", path: "/tasks/" + id, token: w.owner.token, org: w.org, body: map[string]any{"status": "closed"}})
		if after := w.emailsTo(w.manager, subject) + len(w.notificationsOf(w.manager)); after != before+1 { // email is off
			t.Fatalf("reporter: %d new", after-before)
		}
	})
	t.Run("a second change within five minutes is summed up in one email when the window ends", func(t *testing.T) {
		w.nextEmailWindow()
		w.db.MustExec(`DELETE FROM notification_preferences`)
		emails, rows := w.emailsTo(w.manager, subject), len(w.notificationsOf(w.manager))
		w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"status": "open"}})
		w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"status": "in_progress"}})
		w.must(200, req{method: "PUT", path: path, token: w.owner.token, org: w.org, body: map[string]any{"status": "done"}})
		if n := w.emailsTo(w.manager, subject) - emails; n != 1 {
			t.Fatalf("%d emails to the reporter within the window, want the first only", n)
		}
		if got := len(w.notificationsOf(w.manager)) - rows; got != 3 {
			t.Fatalf("%d in-app notifications, want every change", got)
		}
		w.nextEmailWindow()
		if n := w.emailsTo(w.manager, subject) - emails; n != 2 {
			t.Fatalf("%d emails to the reporter after the window, want the summary too", n)
		}
		if m := w.lastEmailTo(w.manager.email); !strings.Contains(m.Text, "2 updates") || !strings.Contains(m.Text, "from in_progress to done") {
			t.Fatalf("summary email: %s", m.Text)
		}
	})
}

func TestTaskAssignedNotification(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	task := w.newTask("Write docs", map[string]any{"assignee_id": w.member.id})
	id := task.str("id")
	subject := "Task assigned: Write docs"
	if got := w.notificationsOf(w.member); fmt.Sprint(got) != fmt.Sprint([]string{"task_assigned|" + subject + "|/tasks?task=" + id}) {
		t.Fatalf("assignee notifications %v", got)
	}
	if w.emailsTo(w.member, subject) != 1 {
		t.Fatal("no assignment email")
	}
	// Assigning oneself notifies nobody.
	w.newTask("Mine", map[string]any{"assignee_id": w.owner.id})
	if n := w.count(`SELECT count(*) FROM notifications WHERE user_id = $1`, w.owner.id); n != 0 {
		t.Fatalf("%d self notifications", n)
	}
	// Reassigning notifies the new assignee only; other edits notify nobody.
	w.must(200, req{method: "PUT", path: "/tasks/" + id, token: w.owner.token, org: w.org, body: map[string]any{"assignee_id": w.manager.id}})
	w.must(200, req{method: "PUT", path: "/tasks/" + id, token: w.owner.token, org: w.org, body: map[string]any{"priority": "low"}})
	if len(w.notificationsOf(w.manager)) != 1 || len(w.notificationsOf(w.member)) != 1 || w.emailsTo(w.manager, subject) != 1 {
		t.Fatalf("manager %v, member %v", w.notificationsOf(w.manager), w.notificationsOf(w.member))
	}
}

// groupOrder lists a group's task titles by position, and fails unless positions (gapped ranks since issue 15)
// are distinct and ascending.
func (w *world) groupOrder(group string) []string {
	w.t.Helper()
	var rows []struct {
		Title    string `db:"title"`
		Position int    `db:"position"`
	}
	if err := w.db.Select(&rows, `SELECT title, position FROM tasks WHERE group_id = $1 ORDER BY position, id`, group); err != nil {
		w.t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		if i > 0 && r.Position <= rows[i-1].Position {
			w.t.Fatalf("group positions not distinct: %+v", rows)
		}
		out[i] = r.Title
	}
	return out
}

func TestReorderTask(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	id := map[string]string{}
	for _, title := range []string{"A", "B", "C", "D"} {
		id[title] = w.newTask(title, nil).str("id")
	}
	other := w.sqlGroup(w.project, "Done", 1)
	x := w.newTask("X", map[string]any{"group_id": other}).str("id")
	move := func(u user, title string, body any) req {
		return w.as(u, "PUT", "/tasks/"+id[title]+"/reorder", body)
	}

	r := w.run(scenario{req: move(w.manager, "A", map[string]any{"position": 2}), status: 200})
	if r.json["position"] != float64(2) || r.str("id") != id["A"] {
		t.Fatalf("body %s", r.raw)
	}
	if got := w.groupOrder(w.group); fmt.Sprint(got) != "[B C A D]" {
		t.Fatalf("order %v", got)
	}
	w.run(scenario{req: move(w.owner, "B", map[string]any{"position": 99}), status: 200})
	if got := w.groupOrder(w.group); fmt.Sprint(got) != "[C A D B]" {
		t.Fatalf("clamped order %v", got)
	}
	r = w.do(move(w.owner, "D", map[string]any{"position": 0, "group_id": other}))
	if r.status != 200 || r.str("group_id") != other || r.json["position"] != float64(0) {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if a, b := w.groupOrder(w.group), w.groupOrder(other); fmt.Sprint(a) != "[C A B]" || fmt.Sprint(b) != "[D X]" {
		t.Fatalf("orders %v %v", a, b)
	}
	if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_id = $1 AND action = 'updated' AND changes ? 'group_id'`, id["D"]); n != 1 {
		t.Fatalf("%d audit entries", n)
	}

	w.runAll([]scenario{
		{req: move(w.owner, "A", map[string]any{}), status: 400, code: "validation_failed", field: "position", fieldMessage: "position is required"},
		{req: move(w.owner, "A", map[string]any{"position": -1}), status: 400, code: "validation_failed", field: "position"},
		{req: move(w.owner, "A", map[string]any{"position": 0, "group_id": w.sqlGroup(w.strangerProject, "T", 1)}), status: 400, code: "validation_failed", field: "group_id"},
		{req: move(w.owner, "A", map[string]any{"position": 0, "group_id": "nope"}), status: 400, code: "validation_failed", field: "group_id"},
		{req: move(w.member, "A", map[string]any{"position": 0}), status: 403, code: "forbidden"},
		{req: move(w.outsider, "A", map[string]any{"position": 0}), status: 404, code: "not_found"},
		{req: w.as(w.owner, "PUT", "/tasks/"+otherOrgID+"/reorder", map[string]any{"position": 0}), status: 404, code: "not_found"},
		{req: req{method: "PUT", path: "/tasks/" + x + "/reorder", org: w.org, body: map[string]any{"position": 0}}, status: 401, code: "unauthorized"},
	})
	if a, b := w.groupOrder(w.group), w.groupOrder(other); fmt.Sprint(a) != "[C A B]" || fmt.Sprint(b) != "[D X]" {
		t.Fatalf("refusals changed orders: %v %v", a, b)
	}
}

func TestReorderTask_ConcurrentReordersKeepPositionsDense(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	other := w.sqlGroup(w.project, "Other", 1)
	var tasks []string
	for i := range 20 {
		tasks = append(tasks, w.newTask(fmt.Sprintf("T%02d", i), nil).str("id"))
	}
	var wg sync.WaitGroup
	statuses := make([]int, len(tasks))
	for i, id := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := map[string]any{"position": (i * 7) % 20}
			if i%5 == 0 { // some cross into another group and back
				body["group_id"] = other
			}
			statuses[i] = w.do(req{method: "PUT", path: "/tasks/" + id + "/reorder", token: w.owner.token, org: w.org, body: body}).status
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Fatalf("reorder %d answered %d", i, s)
		}
	}
	a, b := w.groupOrder(w.group), w.groupOrder(other) // fails unless dense
	if len(a)+len(b) != 20 || len(b) != 4 {
		t.Fatalf("groups hold %d and %d tasks", len(a), len(b))
	}
}

func TestTaskLabels(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	id := w.newTask("Labelled", nil).str("id")
	label := w.sqlLabel(w.org, "Bug")
	theirs := w.sqlLabel(w.otherOrg, "Theirs")
	path := "/tasks/" + id + "/labels"

	r := w.must(201, req{method: "POST", path: path, token: w.manager.token, org: w.org, body: map[string]any{"label_id": label}})
	if l := r.json["label_ids"].([]any); len(l) != 1 || l[0] != label || r.str("id") != id {
		t.Fatalf("body %s", r.raw)
	}
	w.runAll([]scenario{
		{req: w.as(w.owner, "POST", path, map[string]any{"label_id": label}), status: 409, code: "conflict"},
		{req: w.as(w.owner, "POST", path, map[string]any{}), status: 400, code: "validation_failed", field: "label_id", fieldMessage: "label_id is required"},
		{req: w.as(w.owner, "POST", path, map[string]any{"label_id": theirs}), status: 404, code: "not_found"},
		{req: w.as(w.owner, "POST", path, map[string]any{"label_id": "lbl_bug"}), status: 404, code: "not_found"},
		{req: w.as(w.member, "POST", path, map[string]any{"label_id": w.sqlLabel(w.org, "Other")}), status: 403, code: "forbidden"},
		{req: w.as(w.outsider, "POST", path, map[string]any{"label_id": label}), status: 404, code: "not_found"},
		{req: req{method: "POST", path: path, org: w.org, body: map[string]any{"label_id": label}}, status: 401, code: "unauthorized"},
		{req: w.as(w.member, "DELETE", path+"/"+label, nil), status: 403, code: "forbidden"},
	})
	if n := w.count(`SELECT count(*) FROM task_labels`); n != 1 {
		t.Fatalf("%d task labels after refusals", n)
	}
	if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_id = $1 AND changes ? 'label_ids'`, id); n != 1 {
		t.Fatalf("%d audit entries", n)
	}

	w.must(204, req{method: "DELETE", path: path + "/" + label, token: w.owner.token, org: w.org})
	w.runAll([]scenario{
		{req: w.as(w.owner, "DELETE", path+"/"+label, nil), status: 404, code: "not_found"},
		{req: w.as(w.owner, "DELETE", path+"/nope", nil), status: 404, code: "not_found"},
		{req: w.as(w.owner, "DELETE", "/tasks/"+otherOrgID+"/labels/"+label, nil), status: 404, code: "not_found"},
	})
	if l := w.must(200, req{method: "GET", path: "/tasks/" + id, token: w.owner.token, org: w.org}).json["label_ids"].([]any); len(l) != 0 {
		t.Fatalf("label_ids %v", l)
	}
}

func TestListTasks(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	second, _ := w.sqlProject(w.org, "Internal", nil) // only admins see it
	bug, docs := w.sqlLabel(w.org, "Bug"), w.sqlLabel(w.org, "Docs")
	other := w.sqlGroup(w.project, "Later", 1)
	mk := func(title string, f map[string]any) string { return w.newTask(title, f).str("id") }
	design := mk("Design review", map[string]any{"priority": "low", "label_ids": []string{bug}})
	login := mk("Implement login", map[string]any{"priority": "urgent", "assignee_id": w.member.id, "description": "OAuth and design tokens"})
	copyT := mk("Write copy", map[string]any{"priority": "high", "status": "done", "label_ids": []string{docs}, "group_id": other})
	fix := mk("Fix footer", map[string]any{"priority": "medium", "label_ids": []string{bug, docs}})
	hidden := mk("Budget", map[string]any{"project_id": second})
	// The other organization's task never shows.
	w.must(201, req{method: "POST", path: "/tasks", token: w.stranger.token, org: w.otherOrg, body: map[string]any{"title": "Design theirs", "project_id": w.strangerProject}})

	list := func(u user, query string) resp {
		t.Helper()
		return w.must(200, req{method: "GET", path: "/tasks" + query, token: u.token, org: w.org})
	}
	cases := []struct {
		name, query string
		want        []string
	}{
		{"default: newest first", "", []string{hidden, fix, copyT, login, design}},
		{"oldest first", "?order=asc", []string{design, login, copyT, fix, hidden}},
		{"project", "?project_id=" + w.project + "&order=asc", []string{design, login, copyT, fix}},
		{"assignee", "?assignee_id=" + w.member.id, []string{login}},
		{"status", "?status=done", []string{copyT}},
		{"priority filter", "?priority=urgent", []string{login}},
		{"any of the labels", "?label_ids=" + bug + "," + docs + "&order=asc", []string{design, copyT, fix}},
		{"group", "?group_id=" + other, []string{copyT}},
		{"prefix search in title and description", "?search=desig&order=asc", []string{design, login}},
		{"every word must match", "?search=design%20rev", []string{design}},
		{"search syntax is not tsquery syntax", "?search=" + "design%20%26%20!%3A*%7C(", []string{design, login}},
		{"search without words", "?search=%21%21", []string{}},
		{"priority sort", "?sort=priority&project_id=" + w.project, []string{login, copyT, fix, design}},
		{"priority ascending", "?sort=priority&order=asc&project_id=" + w.project, []string{design, fix, copyT, login}},
		{"position sort", "?sort=position&project_id=" + w.project, []string{design, login, fix, copyT}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := list(w.owner, c.query)
			got := taskIDsOf(r.data())
			if c.name == "search syntax is not tsquery syntax" || c.name == "prefix search in title and description" {
				sort.Strings(got)
				sort.Strings(c.want)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("got %v\nwant %v", got, c.want)
			}
			if r.json["meta"].(map[string]any)["total"] != float64(len(c.want)) {
				t.Fatalf("meta %v", r.json["meta"])
			}
		})
	}
	t.Run("label_ids of the page are loaded", func(t *testing.T) {
		r := list(w.owner, "?search=footer")
		if l := r.data()[0]["label_ids"].([]any); len(l) != 2 {
			t.Fatalf("label_ids %v", l)
		}
	})
	t.Run("pagination", func(t *testing.T) {
		r := list(w.owner, "?per_page=2&page=2&order=asc")
		if got := taskIDsOf(r.data()); fmt.Sprint(got) != fmt.Sprint([]string{copyT, fix}) {
			t.Fatalf("page %v", got)
		}
		if m := r.json["meta"].(map[string]any); m["page"] != float64(2) || m["per_page"] != float64(2) || m["total"] != float64(5) {
			t.Fatalf("meta %v", m)
		}
	})
	t.Run("members see only their projects' tasks", func(t *testing.T) {
		if got := list(w.member, "?order=asc").data(); len(got) != 4 {
			t.Fatalf("member sees %d tasks", len(got))
		}
		if got := list(w.outsider, "").data(); len(got) != 0 {
			t.Fatalf("outsider sees %d tasks", len(got))
		}
		if got := list(w.member, "?project_id="+second).data(); len(got) != 0 {
			t.Fatalf("member sees %d tasks of a project they are not in", len(got))
		}
	})
	for _, q := range []struct{ query, field string }{
		{"?project_id=nope", "project_id"}, {"?assignee_id=1", "assignee_id"}, {"?group_id=x", "group_id"},
		{"?label_ids=" + bug + ",nope", "label_ids"}, {"?priority=asap", "priority"}, {"?sort=title", "sort"},
		{"?order=up", "order"}, {"?page=0", "page"},
	} {
		t.Run("400 "+q.query, func(t *testing.T) {
			w.run(scenario{req: w.as(w.owner, "GET", "/tasks"+q.query, nil), status: 400, code: "validation_failed", field: q.field})
		})
	}
	t.Run("401", func(t *testing.T) {
		w.run(scenario{req: req{method: "GET", path: "/tasks", org: w.org}, status: 401, code: "unauthorized"})
	})
}

func TestDashboardSummary(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	// Noon UTC on 10 March is already 11 March in Kiritimati (UTC+14).
	w.store.SetClock(func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) })
	w.db.MustExec(`UPDATE users SET timezone = 'Pacific/Kiritimati' WHERE id = $1`, w.member.id)
	mine := map[string]any{"assignee_id": w.member.id}
	with := func(f map[string]any) map[string]any {
		out := map[string]any{"assignee_id": w.member.id}
		for k, v := range f {
			out[k] = v
		}
		return out
	}
	w.newTask("Open, no date", mine)
	w.newTask("Done late", with(map[string]any{"status": "done", "due_date": "2026-03-01", "priority": "urgent"}))
	urgentLate := w.newTask("Urgent, due yesterday there", with(map[string]any{"due_date": "2026-03-10", "priority": "urgent"})).str("id")
	urgentLater := w.newTask("Urgent, long overdue", with(map[string]any{"due_date": "2026-02-01", "priority": "urgent"})).str("id")
	w.newTask("High, overdue", with(map[string]any{"due_date": "2026-03-09", "priority": "high"}))
	w.newTask("Urgent, due today there", with(map[string]any{"due_date": "2026-03-11", "priority": "urgent"}))
	w.newTask("Someone else's", map[string]any{"assignee_id": w.manager.id, "due_date": "2026-03-01", "priority": "urgent"})

	r := w.must(200, req{method: "GET", path: "/dashboard/summary", token: w.member.token, org: w.org})
	if r.json["total_tasks"] != float64(6) || r.json["completed_tasks"] != float64(1) || r.json["overdue_count"] != float64(3) {
		t.Fatalf("body %s", r.raw)
	}
	list, _ := r.json["overdue_urgent_tasks"].([]any)
	var got []string
	for _, x := range list {
		got = append(got, x.(map[string]any)["id"].(string))
	}
	if fmt.Sprint(got) != fmt.Sprint([]string{urgentLater, urgentLate}) {
		t.Fatalf("overdue urgent %v", got)
	}

	empty := w.must(200, req{method: "GET", path: "/dashboard/summary", token: w.outsider.token, org: w.org})
	if string(empty.raw) != `{"total_tasks":0,"completed_tasks":0,"overdue_count":0,"overdue_urgent_tasks":[]}`+"\n" {
		t.Fatalf("empty summary %s", empty.raw)
	}
	w.run(scenario{req: req{method: "GET", path: "/dashboard/summary", org: w.org}, status: 401, code: "unauthorized"})
	w.run(scenario{req: req{method: "GET", path: "/dashboard/summary", token: w.member.token, org: w.otherOrg}, status: 404, code: "not_found"})
}
