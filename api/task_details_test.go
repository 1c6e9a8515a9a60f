package api_test

import (
	"strings"
	"testing"
	"time"
)

// notFoundIDs are task, item or record ids that must all answer 404: not a UUID, unknown, another organization's.
func notFoundIDs(foreign string) []string {
	return []string{"not-a-uuid", "11111111-1111-4111-8111-111111111111", foreign}
}

func TestTaskComments(t *testing.T) {
	t.Parallel()
	w := newTDWorld(t, "Comment")
	e := w.env
	task := w.task("Write copy", nil)
	path := "/tasks/" + task + "/comments"

	if got := e.must(200, w.as(w.member, "GET", path, nil)).data(); len(got) != 0 {
		t.Fatalf("empty list: %v", got)
	}
	first := e.must(201, w.as(w.member, "POST", path, map[string]string{"body": "Looks **good**, merging now."}))
	if first.str("task_id") != task || first.str("user_id") != w.member.id || first.str("user_name") != w.member.name ||
		first.str("body") != "Looks **good**, merging now." || first.str("id") == "" || first.str("created_at") == "" {
		t.Fatalf("created comment: %s", first.raw)
	}
	second := e.must(201, w.as(w.owner, "POST", path, map[string]string{"body": "Thanks!"}))
	third := e.must(201, w.as(w.manager, "POST", path, map[string]string{"body": strings.Repeat("x", 10000)}))

	got := e.must(200, w.as(w.manager, "GET", path, nil)).data()
	if len(got) != 3 || got[0]["id"] != first.str("id") || got[1]["id"] != second.str("id") || got[2]["id"] != third.str("id") ||
		got[1]["user_name"] != w.owner.name {
		t.Fatalf("chronological list: %v", got)
	}

	t.Run("validation", func(t *testing.T) {
		e.runAll([]scenario{
			{req: w.as(w.member, "POST", path, map[string]string{}), status: 400, message: "body is required"},
			{req: w.as(w.member, "POST", path, map[string]string{"body": "  \n "}), status: 400, message: "body is required"},
			{req: w.as(w.member, "POST", path, map[string]string{"body": strings.Repeat("é", 10001)}), status: 400, message: "body must be at most 10000 characters"},
		})
		e.must(400, w.as(w.member, "POST", path, map[string]any{"body": 12}))
	})
	t.Run("who may see and comment", func(t *testing.T) {
		e.must(401, req{method: "GET", path: path})
		e.must(401, req{method: "POST", path: path, body: map[string]string{"body": "hi"}})
		e.must(404, w.as(w.outsider, "GET", path, nil))
		e.must(404, w.as(w.outsider, "POST", path, map[string]string{"body": "hi"}))
		e.must(404, req{method: "GET", path: path, token: w.stranger.token})
		for _, id := range notFoundIDs(w.strangerTask) {
			e.must(404, w.as(w.owner, "GET", "/tasks/"+id+"/comments", nil))
			e.must(404, w.as(w.owner, "POST", "/tasks/"+id+"/comments", map[string]string{"body": "hi"}))
		}
		hidden := w.sqlTask(w.hiddenProject, w.hiddenGroup, "Secret", nil)
		e.must(404, w.as(w.member, "POST", "/tasks/"+hidden+"/comments", map[string]string{"body": "hi"}))
		e.must(201, w.as(w.owner, "POST", "/tasks/"+hidden+"/comments", map[string]string{"body": "admins see all"}))
	})
	t.Run("delete: author or admin", func(t *testing.T) {
		firstPath := path + "/" + first.str("id")
		e.must(403, w.as(w.manager, "DELETE", firstPath, nil)) // a project manager is not the author
		e.must(404, w.as(w.outsider, "DELETE", firstPath, nil))
		e.must(401, req{method: "DELETE", path: firstPath})
		other := w.task("Other task", nil)
		e.must(404, w.as(w.member, "DELETE", "/tasks/"+other+"/comments/"+first.str("id"), nil))
		for _, id := range notFoundIDs(w.strangerTask) {
			e.must(404, w.as(w.owner, "DELETE", path+"/"+id, nil))
		}
		if n := w.count(`SELECT count(*) FROM task_comments WHERE task_id = $1`, task); n != 3 {
			t.Fatalf("refused deletes changed the comments: %d", n)
		}
		e.must(204, w.as(w.member, "DELETE", firstPath, nil))
		e.must(404, w.as(w.member, "DELETE", firstPath, nil))
		e.must(204, w.as(w.owner, "DELETE", path+"/"+third.str("id"), nil)) // an admin deletes someone else's
		if got := e.must(200, w.as(w.member, "GET", path, nil)).data(); len(got) != 1 || got[0]["id"] != second.str("id") {
			t.Fatalf("after deletes: %v", got)
		}
	})
	if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_type = 'comment'`); n != 4+2 {
		t.Fatalf("%d comment audit entries, want 6", n)
	}
}

func TestTaskChecklists(t *testing.T) {
	t.Parallel()
	w := newTDWorld(t, "Checklist")
	e := w.env
	task := w.task("Launch", nil)
	path := "/tasks/" + task + "/checklists"

	var ids []string
	for i, title := range []string{"Write unit tests", "  Review  ", strings.Repeat("ü", 255)} {
		r := e.must(201, w.as(w.manager, "POST", path, map[string]string{"title": title}))
		if r.json["position"].(float64) != float64(i) || r.json["completed"] != false || r.str("task_id") != task {
			t.Fatalf("item %d: %s", i, r.raw)
		}
		ids = append(ids, r.str("id"))
	}
	if r := e.must(200, w.as(w.member, "GET", path, nil)).data(); len(r) != 3 || r[1]["title"] != "Review" || r[2]["id"] != ids[2] {
		t.Fatalf("list: %v", r)
	}

	t.Run("create: validation and permission", func(t *testing.T) {
		e.runAll([]scenario{
			{req: w.as(w.manager, "POST", path, map[string]string{}), status: 400, message: "title is required"},
			{req: w.as(w.manager, "POST", path, map[string]string{"title": " "}), status: 400, message: "title is required"},
			{req: w.as(w.manager, "POST", path, map[string]string{"title": strings.Repeat("a", 256)}), status: 400, message: "title must be at most 255 characters"},
		})
		e.must(403, w.as(w.member, "POST", path, map[string]string{"title": "Sneaky"}))
		e.must(404, w.as(w.outsider, "POST", path, map[string]string{"title": "Sneaky"}))
		e.must(404, w.as(w.outsider, "GET", path, nil))
		e.must(401, req{method: "POST", path: path, body: map[string]string{"title": "x"}})
		for _, id := range notFoundIDs(w.strangerTask) {
			e.must(404, w.as(w.owner, "POST", "/tasks/"+id+"/checklists", map[string]string{"title": "x"}))
			e.must(404, w.as(w.owner, "GET", "/tasks/"+id+"/checklists", nil))
		}
		if n := w.count(`SELECT count(*) FROM task_checklist_items`); n != 3 {
			t.Fatalf("refused creates stored items: %d", n)
		}
	})
	t.Run("toggle: anyone who sees the task", func(t *testing.T) {
		toggle := "/tasks/checklists/" + ids[0] + "/toggle"
		if r := e.must(200, w.as(w.member, "PUT", toggle, nil)); r.json["completed"] != true || r.str("id") != ids[0] {
			t.Fatalf("toggle: %s", r.raw)
		}
		if r := e.must(200, w.as(w.manager, "PUT", toggle, nil)); r.json["completed"] != false {
			t.Fatalf("toggle back: %s", r.raw)
		}
		e.must(200, w.as(w.member, "PUT", toggle, nil))
		e.must(404, w.as(w.outsider, "PUT", toggle, nil))
		e.must(404, req{method: "PUT", path: toggle, token: w.stranger.token})
		e.must(401, req{method: "PUT", path: toggle})
		for _, id := range notFoundIDs(w.strangerTask) {
			e.must(404, w.as(w.owner, "PUT", "/tasks/checklists/"+id+"/toggle", nil))
		}
		if n := w.count(`SELECT count(*) FROM task_checklist_items WHERE completed`); n != 1 {
			t.Fatalf("%d completed items, want 1", n)
		}
	})
	t.Run("delete keeps positions dense", func(t *testing.T) {
		del := "/tasks/checklists/" + ids[1]
		e.must(403, w.as(w.member, "DELETE", del, nil))
		e.must(404, w.as(w.outsider, "DELETE", del, nil))
		e.must(401, req{method: "DELETE", path: del})
		for _, id := range notFoundIDs(w.strangerTask) {
			e.must(404, w.as(w.owner, "DELETE", "/tasks/checklists/"+id, nil))
		}
		e.must(204, w.as(w.manager, "DELETE", del, nil))
		e.must(404, w.as(w.manager, "DELETE", del, nil))
		r := e.must(200, w.as(w.member, "GET", path, nil)).data()
		if len(r) != 2 || r[0]["id"] != ids[0] || r[0]["position"].(float64) != 0 || r[1]["id"] != ids[2] || r[1]["position"].(float64) != 1 {
			t.Fatalf("after delete: %v", r)
		}
		if r := e.must(201, w.as(w.owner, "POST", path, map[string]string{"title": "Last"})); r.json["position"].(float64) != 2 {
			t.Fatalf("appended after delete: %s", r.raw)
		}
	})
	// 4 creates, 3 toggles, 1 delete.
	if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_type = 'checklist_item'`); n != 8 {
		t.Fatalf("%d checklist audit entries, want 8", n)
	}
}

func TestTaskDependencies(t *testing.T) {
	t.Parallel()
	w := newTDWorld(t, "Depends")
	e := w.env
	a := w.task("A design", map[string]any{"start_date": "2026-03-02", "due_date": "2026-03-06"})
	b := w.task("B build", map[string]any{"status": "in_progress"})
	c := w.task("C ship", nil)
	hidden := w.sqlTask(w.hiddenProject, w.hiddenGroup, "Board task", nil)
	deps := func(id string) string { return "/tasks/" + id + "/dependencies" }

	// B is blocked by A: the answer reads from B's side and nests A.
	ab := e.must(201, w.as(w.manager, "POST", deps(b), map[string]string{"depends_on_id": a, "dependency_type": "blocked_by"}))
	nested, _ := ab.json["depends_on"].(map[string]any)
	if ab.str("task_id") != b || ab.str("depends_on_id") != a || ab.str("dependency_type") != "blocked_by" || ab.str("created_at") == "" ||
		nested["id"] != a || nested["title"] != "A design" || nested["status"] != "open" || nested["project_id"] != w.project ||
		nested["start_date"] != "2026-03-02" || nested["due_date"] != "2026-03-06" {
		t.Fatalf("created dependency: %s", ab.raw)
	}
	// C blocks nothing yet; "B blocks C" written from B.
	bc := e.must(201, w.as(w.owner, "POST", deps(b), map[string]string{"depends_on_id": c, "dependency_type": "blocks"}))
	if bc.str("task_id") != b || bc.str("depends_on_id") != c || bc.str("dependency_type") != "blocks" {
		t.Fatalf("blocks dependency: %s", bc.raw)
	}

	t.Run("both directions, from the task read", func(t *testing.T) {
		got := e.must(200, w.as(w.member, "GET", deps(b), nil)).data()
		if len(got) != 2 || got[0]["id"] != ab.str("id") || got[0]["dependency_type"] != "blocked_by" || got[0]["depends_on_id"] != a ||
			got[1]["dependency_type"] != "blocks" || got[1]["depends_on_id"] != c || got[1]["task_id"] != b {
			t.Fatalf("B: %v", got)
		}
		got = e.must(200, w.as(w.member, "GET", deps(a), nil)).data()
		if len(got) != 1 || got[0]["id"] != ab.str("id") || got[0]["task_id"] != a || got[0]["depends_on_id"] != b ||
			got[0]["dependency_type"] != "blocks" || got[0]["depends_on"].(map[string]any)["status"] != "in_progress" {
			t.Fatalf("A: %v", got)
		}
		got = e.must(200, w.as(w.member, "GET", deps(c), nil)).data()
		if len(got) != 1 || got[0]["dependency_type"] != "blocked_by" || got[0]["depends_on_id"] != b {
			t.Fatalf("C: %v", got)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		before := w.count(`SELECT count(*) FROM task_dependencies`)
		post := func(u user, from, to, typ string) req {
			return w.as(u, "POST", deps(from), map[string]string{"depends_on_id": to, "dependency_type": typ})
		}
		e.run(scenario{req: post(w.manager, a, a, "blocks"), status: 400, message: "a task cannot depend on itself"})
		e.run(scenario{req: post(w.manager, c, a, "blocks"), status: 400, message: "this dependency would create a cycle"})     // A→B→C→A
		e.run(scenario{req: post(w.manager, a, b, "blocked_by"), status: 400, message: "this dependency would create a cycle"}) // 2-cycle
		e.runAll([]scenario{
			{req: post(w.manager, a, w.strangerTask, "blocks"), status: 400, message: "depends_on_id must be a task of this organization"},
			{req: post(w.manager, a, "not-a-uuid", "blocks"), status: 400, message: "depends_on_id must be a task of this organization"},
			{req: post(w.manager, a, hidden, "blocks"), status: 400, message: "depends_on_id must be a task of this organization"},
			{req: post(w.manager, a, "", "blocks"), status: 400, message: "depends_on_id is required"},
			{req: post(w.manager, a, c, "relates_to"), status: 400, message: "dependency_type must be blocks or blocked_by"},
			{req: post(w.manager, a, c, ""), status: 400, message: "dependency_type must be blocks or blocked_by"},
		})
		if r := e.do(post(w.manager, a, b, "blocks")); r.status != 409 {
			t.Fatalf("duplicate written the other way: %d %s", r.status, r.raw)
		}
		if r := e.do(post(w.manager, b, a, "blocked_by")); r.status != 409 {
			t.Fatalf("duplicate: %d %s", r.status, r.raw)
		}
		if r := e.do(post(w.member, a, c, "blocks")); r.status != 403 {
			t.Fatalf("member: %d", r.status)
		}
		if r := e.do(post(w.outsider, a, c, "blocks")); r.status != 404 {
			t.Fatalf("outsider: %d", r.status)
		}
		e.must(401, req{method: "POST", path: deps(a), body: map[string]string{"depends_on_id": c, "dependency_type": "blocks"}})
		for _, id := range notFoundIDs(w.strangerTask) {
			e.must(404, w.as(w.owner, "POST", deps(id), map[string]string{"depends_on_id": a, "dependency_type": "blocks"}))
			e.must(404, w.as(w.owner, "GET", deps(id), nil))
		}
		e.must(404, w.as(w.outsider, "GET", deps(a), nil))
		e.must(401, req{method: "GET", path: deps(a)})
		if n := w.count(`SELECT count(*) FROM task_dependencies`); n != before {
			t.Fatalf("refused requests stored edges: %d → %d", before, n)
		}
	})
	t.Run("bulk list shows edges whose two tasks the caller sees", func(t *testing.T) {
		// The owner links A to a task of the project the others cannot see.
		e.must(201, w.as(w.owner, "POST", deps(a), map[string]string{"depends_on_id": hidden, "dependency_type": "blocked_by"}))
		all := e.must(200, w.as(w.owner, "GET", "/task-dependencies", nil))
		if len(all.data()) != 3 {
			t.Fatalf("owner: %s", all.raw)
		}
		mine := e.must(200, w.as(w.member, "GET", "/task-dependencies", nil)).data()
		if len(mine) != 2 {
			t.Fatalf("member: %v", mine)
		}
		for _, d := range mine {
			if d["dependency_type"] != "blocked_by" || d["depends_on"] != nil || d["created_at"] == nil {
				t.Fatalf("bulk item: %v", d)
			}
		}
		if mine[0]["task_id"] != b || mine[0]["depends_on_id"] != a || mine[1]["task_id"] != c || mine[1]["depends_on_id"] != b {
			t.Fatalf("canonical direction: %v", mine)
		}
		// The per-task list hides the edge to the invisible task too.
		if got := e.must(200, w.as(w.member, "GET", deps(a), nil)).data(); len(got) != 1 {
			t.Fatalf("member sees A's edges: %v", got)
		}
		if got := e.must(200, w.as(w.owner, "GET", deps(a), nil)).data(); len(got) != 2 {
			t.Fatalf("owner sees A's edges: %v", got)
		}
		if got := e.must(200, w.as(w.outsider, "GET", "/task-dependencies", nil)).data(); len(got) != 0 {
			t.Fatalf("outsider: %v", got)
		}
		if got := e.must(200, req{method: "GET", path: "/task-dependencies", token: w.stranger.token}).data(); len(got) != 0 {
			t.Fatalf("stranger: %v", got)
		}
		e.must(401, req{method: "GET", path: "/task-dependencies"})
	})
	t.Run("delete", func(t *testing.T) {
		path := deps(a) + "/" + ab.str("id")
		e.must(403, w.as(w.member, "DELETE", path, nil))
		e.must(404, w.as(w.outsider, "DELETE", path, nil))
		e.must(401, req{method: "DELETE", path: path})
		e.must(404, w.as(w.manager, "DELETE", deps(c)+"/"+ab.str("id"), nil)) // the edge does not involve C
		for _, id := range notFoundIDs(w.strangerTask) {
			e.must(404, w.as(w.owner, "DELETE", deps(a)+"/"+id, nil))
		}
		if n := w.count(`SELECT count(*) FROM task_dependencies`); n != 3 {
			t.Fatalf("refused deletes removed edges: %d", n)
		}
		e.must(204, w.as(w.manager, "DELETE", path, nil)) // from the blocker's side
		e.must(404, w.as(w.manager, "DELETE", path, nil))
		e.must(204, w.as(w.manager, "DELETE", deps(b)+"/"+bc.str("id"), nil))
		if got := e.must(200, w.as(w.member, "GET", deps(b), nil)).data(); len(got) != 0 {
			t.Fatalf("after deletes: %v", got)
		}
		// The cycle that was refused is fine now.
		e.must(201, w.as(w.manager, "POST", deps(a), map[string]string{"depends_on_id": b, "dependency_type": "blocked_by"}))
	})
	// 4 created, 2 deleted.
	if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_type = 'task_dependency'`); n != 6 {
		t.Fatalf("%d dependency audit entries, want 6", n)
	}
}

func TestTaskRecurrences(t *testing.T) {
	t.Parallel()
	w := newTDWorld(t, "Recur")
	e := w.env
	task := w.task("Month-end report", map[string]any{"due_date": "2026-01-31"})
	path := "/tasks/" + task + "/recurrence"

	t.Run("create refusals", func(t *testing.T) {
		e.run(scenario{req: w.as(w.manager, "POST", path, map[string]string{}), status: 400, message: "recurrence_pattern is required"})
		for _, p := range []string{"yearly", "0 9 * *", "@daily", "61 * * * *", "0 0 31 2 *"} {
			e.run(scenario{req: w.as(w.manager, "POST", path, map[string]string{"recurrence_pattern": p}), status: 400, message: "recurrence_pattern must be daily, weekly, monthly or a 5-field cron expression"})
		}
		e.must(403, w.as(w.member, "POST", path, map[string]string{"recurrence_pattern": "daily"}))
		e.must(404, w.as(w.outsider, "POST", path, map[string]string{"recurrence_pattern": "daily"}))
		e.must(401, req{method: "POST", path: path, body: map[string]string{"recurrence_pattern": "daily"}})
		for _, id := range notFoundIDs(w.strangerTask) {
			e.must(404, w.as(w.owner, "POST", "/tasks/"+id+"/recurrence", map[string]string{"recurrence_pattern": "daily"}))
		}
		if n := w.count(`SELECT count(*) FROM task_recurrences`); n != 0 {
			t.Fatalf("refused creates stored rules: %d", n)
		}
	})

	rule := e.must(201, w.as(w.manager, "POST", path, map[string]string{"recurrence_pattern": "monthly"}))
	if rule.str("task_id") != task || rule.str("recurrence_pattern") != "monthly" || rule.str("next_due_date") != "2026-02-28" || rule.str("id") == "" {
		t.Fatalf("created rule: %s", rule.raw)
	}
	e.must(409, w.as(w.owner, "POST", path, map[string]string{"recurrence_pattern": "weekly"}))

	t.Run("read", func(t *testing.T) {
		if r := e.must(200, w.as(w.member, "GET", path, nil)); r.str("id") != rule.str("id") || r.str("next_due_date") != "2026-02-28" {
			t.Fatalf("read: %s", r.raw)
		}
		e.must(404, w.as(w.outsider, "GET", path, nil))
		e.must(401, req{method: "GET", path: path})
		e.must(404, w.as(w.member, "GET", "/tasks/"+w.task("No rule", nil)+"/recurrence", nil))
		for _, id := range notFoundIDs(w.strangerTask) {
			e.must(404, w.as(w.owner, "GET", "/tasks/"+id+"/recurrence", nil))
		}
	})
	t.Run("update recomputes the next due date", func(t *testing.T) {
		rp := "/recurrences/" + rule.str("id")
		e.must(403, w.as(w.member, "PUT", rp, map[string]string{"recurrence_pattern": "weekly"}))
		e.must(404, w.as(w.outsider, "PUT", rp, map[string]string{"recurrence_pattern": "weekly"}))
		e.must(401, req{method: "PUT", path: rp, body: map[string]string{"recurrence_pattern": "weekly"}})
		e.run(scenario{req: w.as(w.manager, "PUT", rp, map[string]string{"recurrence_pattern": "fortnightly"}), status: 400, message: "recurrence_pattern must be daily, weekly, monthly or a 5-field cron expression"})
		var foreign string
		if err := e.db.Get(&foreign, `INSERT INTO task_recurrences (organization_id, task_id, recurrence_pattern)
			VALUES ($1, $2, 'daily') RETURNING id`, w.otherOrg, w.strangerTask); err != nil {
			t.Fatal(err)
		}
		for _, id := range notFoundIDs(foreign) {
			e.must(404, w.as(w.owner, "PUT", "/recurrences/"+id, map[string]string{"recurrence_pattern": "weekly"}))
		}
		if r := e.must(200, w.as(w.manager, "GET", path, nil)); r.str("recurrence_pattern") != "monthly" {
			t.Fatalf("refused updates changed the rule: %s", r.raw)
		}
		if r := e.must(200, w.as(w.manager, "PUT", rp, map[string]string{"recurrence_pattern": "weekly"})); r.str("recurrence_pattern") != "weekly" || r.str("next_due_date") != "2026-02-07" {
			t.Fatalf("weekly: %s", r.raw)
		}
		// 2026-01-31 is a Saturday; the next Monday is Feb 2.
		if r := e.must(200, w.as(w.owner, "PUT", rp, map[string]string{"recurrence_pattern": "0 9 * * 1"})); r.str("next_due_date") != "2026-02-02" {
			t.Fatalf("cron: %s", r.raw)
		}
		// No pattern: recompute only, e.g. after the task's due date moved.
		e.db.MustExec(`UPDATE tasks SET due_date = '2026-02-03' WHERE id = $1`, task)
		if r := e.must(200, w.as(w.manager, "PUT", rp, map[string]string{})); r.str("recurrence_pattern") != "0 9 * * 1" || r.str("next_due_date") != "2026-02-09" {
			t.Fatalf("recompute: %s", r.raw)
		}
	})
	t.Run("a task without a due date counts from today", func(t *testing.T) {
		undated := w.task("Inbox zero", nil)
		today := time.Now().UTC()
		want := time.Date(today.Year(), today.Month(), today.Day()+1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
		r := e.must(201, w.as(w.manager, "POST", "/tasks/"+undated+"/recurrence", map[string]string{"recurrence_pattern": " Daily "}))
		if r.str("next_due_date") != want || r.str("recurrence_pattern") != "daily" {
			t.Fatalf("undated: %s, want next %s", r.raw, want)
		}
	})
	t.Run("delete", func(t *testing.T) {
		rp := "/recurrences/" + rule.str("id")
		e.must(403, w.as(w.member, "DELETE", rp, nil))
		e.must(404, w.as(w.outsider, "DELETE", rp, nil))
		e.must(401, req{method: "DELETE", path: rp})
		e.must(404, req{method: "DELETE", path: rp, token: w.stranger.token})
		e.must(404, w.as(w.owner, "DELETE", "/recurrences/not-a-uuid", nil))
		e.must(200, w.as(w.member, "GET", path, nil))
		e.must(204, w.as(w.manager, "DELETE", rp, nil))
		e.must(404, w.as(w.member, "GET", path, nil))
		e.must(404, w.as(w.manager, "DELETE", rp, nil))
		if n := w.count(`SELECT count(*) FROM tasks WHERE id = $1`, task); n != 1 {
			t.Fatal("deleting the rule removed the task")
		}
	})
	// 2 created, 3 updated, 1 deleted.
	if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_type = 'task_recurrence'`); n != 6 {
		t.Fatalf("%d recurrence audit entries, want 6", n)
	}
}

// Completing a recurring task through the task endpoints creates the next occurrence, and the rule follows it.
func TestTaskRecurrences_CompletingTheTaskCreatesTheNextOccurrence(t *testing.T) {
	t.Parallel()
	w := newTDWorld(t, "Series")
	e := w.env
	task := w.task("Weekly review", map[string]any{
		"assignee_id": w.member.id, "start_date": "2026-03-09", "due_date": "2026-03-13", "priority": "high",
	})
	rule := e.must(201, w.as(w.manager, "POST", "/tasks/"+task+"/recurrence", map[string]string{"recurrence_pattern": "weekly"}))
	if rule.str("next_due_date") != "2026-03-20" {
		t.Fatalf("rule: %s", rule.raw)
	}
	// The assignee may complete it.
	e.must(200, w.as(w.member, "PUT", "/tasks/"+task+"/status", map[string]string{"status": "done"}))
	var next struct {
		ID        string `db:"id"`
		Status    string `db:"status"`
		Priority  string `db:"priority"`
		StartDate string `db:"start_date"`
		DueDate   string `db:"due_date"`
	}
	if err := e.db.Get(&next, `SELECT t.id, t.status, t.priority, to_char(t.start_date, 'YYYY-MM-DD') AS start_date,
		to_char(t.due_date, 'YYYY-MM-DD') AS due_date FROM tasks t JOIN task_recurrences r ON r.task_id = t.id`); err != nil {
		t.Fatal(err)
	}
	if next.ID == task || next.Status != "open" || next.Priority != "high" || next.StartDate != "2026-03-16" || next.DueDate != "2026-03-20" {
		t.Fatalf("next occurrence: %+v", next)
	}
	r := e.must(200, w.as(w.member, "GET", "/tasks/"+next.ID+"/recurrence", nil))
	if r.str("id") != rule.str("id") || r.str("task_id") != next.ID || r.str("next_due_date") != "2026-03-27" {
		t.Fatalf("rule after completion: %s", r.raw)
	}
	e.must(404, w.as(w.member, "GET", "/tasks/"+task+"/recurrence", nil))
	// Reopening and completing the old task again does not fork the series.
	e.must(200, w.as(w.manager, "PUT", "/tasks/"+task+"/status", map[string]string{"status": "open"}))
	e.must(200, w.as(w.manager, "PUT", "/tasks/"+task+"/status", map[string]string{"status": "done"}))
	if n := w.count(`SELECT count(*) FROM tasks WHERE title = 'Weekly review'`); n != 2 {
		t.Fatalf("%d tasks in the series, want 2", n)
	}
}
