package api_test

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// manual creates a stopped entry for u and returns its id.
func (w *world) manual(u user, body map[string]any) string {
	w.t.Helper()
	if body["started_at"] == nil {
		body["started_at"] = "2026-03-10T09:00:00Z"
	}
	if body["stopped_at"] == nil {
		body["stopped_at"] = "2026-03-10T10:00:00Z"
	}
	return w.must(201, w.as(u, "POST", "/time-entries", body)).str("id")
}

func (w *world) entries() int { return w.count(`SELECT count(*) FROM time_entries`) }

func TestTimer_StartStopAndCurrent(t *testing.T) {
	t.Parallel()
	w := newTEWorld(t, "Timer")
	e := w.env

	if r := e.must(200, w.as(w.member, "GET", "/time/current", nil)); strings.TrimSpace(string(r.raw)) != "null" {
		t.Fatalf("no timer: %s", r.raw)
	}
	started := e.must(201, w.as(w.member, "POST", "/time-entries/start", map[string]any{"description": " Reading mail "}))
	id := started.str("id")
	if started.json["stopped_at"] != nil || started.json["project_id"] != nil || started.json["task_id"] != nil ||
		started.json["billable"] != true || started.json["hourly_rate"] != nil || started.json["invoice_id"] != nil ||
		started.str("user_id") != w.member.id || started.str("organization_id") != w.org || started.str("description") != "Reading mail" ||
		!strings.HasSuffix(started.str("started_at"), "Z") || started.json["duration_seconds"] != float64(0) ||
		started.str("created_at") == "" || started.str("updated_at") == "" {
		t.Fatalf("started: %s", started.raw)
	}
	if r := e.must(200, w.as(w.member, "GET", "/time/current", nil)); r.str("id") != id {
		t.Fatalf("current: %s", r.raw)
	}
	// Another user, and the same user in another organization, have no current timer here.
	if r := e.must(200, w.as(w.manager, "GET", "/time/current", nil)); strings.TrimSpace(string(r.raw)) != "null" {
		t.Fatalf("manager's current: %s", r.raw)
	}
	e.must(401, req{method: "GET", path: "/time/current"})

	e.run(scenario{req: w.as(w.member, "POST", "/time-entries/start", nil), status: 409, message: "a timer is already running"})

	t.Run("running duration counts up to now", func(t *testing.T) {
		e.db.MustExec(`UPDATE time_entries SET started_at = now() - interval '90 seconds' WHERE id = $1`, id)
		r := e.must(200, w.as(w.member, "GET", "/time-entries/"+id, nil))
		if d := r.json["duration_seconds"].(float64); d < 90 || d > 120 || r.json["stopped_at"] != nil {
			t.Fatalf("running: %s", r.raw)
		}
		if got := e.must(200, w.as(w.member, "GET", "/time-entries?running=true", nil)).data(); len(got) != 1 || got[0]["duration_seconds"].(float64) < 90 {
			t.Fatalf("running list: %v", got)
		}
	})
	t.Run("only the owner stops", func(t *testing.T) {
		path := "/time-entries/" + id + "/stop"
		e.run(scenario{req: w.as(w.admin, "POST", path, nil), status: 403, message: "only the owner of a timer can stop it"})
		e.must(403, w.as(w.owner, "POST", path, nil))
		e.must(404, w.as(w.manager, "POST", path, nil))
		e.must(404, req{method: "POST", path: path, token: w.stranger.token, org: w.otherOrg})
		e.must(404, req{method: "POST", path: path, token: w.stranger.token, org: w.org})
		e.must(401, req{method: "POST", path: path})
		for _, bad := range notFoundIDs("11111111-1111-4111-8111-111111111112") {
			e.must(404, w.as(w.member, "POST", "/time-entries/"+bad+"/stop", nil))
		}
		r := e.must(200, w.as(w.member, "POST", path, nil))
		if r.json["stopped_at"] == nil || r.json["duration_seconds"].(float64) < 90 {
			t.Fatalf("stopped: %s", r.raw)
		}
		e.run(scenario{req: w.as(w.member, "POST", path, nil), status: 409, message: "the time entry is already stopped"})
		if r := e.must(200, w.as(w.member, "GET", "/time/current", nil)); strings.TrimSpace(string(r.raw)) != "null" {
			t.Fatalf("current after stop: %s", r.raw)
		}
	})
	t.Run("project, task and billable", func(t *testing.T) {
		e.db.MustExec(`UPDATE projects SET billable = false WHERE id = $1`, w.project)
		r := e.must(201, w.as(w.member, "POST", "/time-entries/start", map[string]any{"project_id": w.project}))
		if r.str("project_id") != w.project || r.json["billable"] != false {
			t.Fatalf("project default billable: %s", r.raw)
		}
		e.must(200, w.as(w.member, "POST", "/time-entries/"+r.str("id")+"/stop", nil))
		r = e.must(201, w.as(w.member, "POST", "/time-entries/start", map[string]any{"project_id": w.project, "billable": true}))
		if r.json["billable"] != true {
			t.Fatalf("billable override: %s", r.raw)
		}
		e.must(200, w.as(w.member, "POST", "/time-entries/"+r.str("id")+"/stop", nil))
		task := w.task("Write the docs", nil)
		r = e.must(201, w.as(w.member, "POST", "/time-entries/start", map[string]any{"task_id": task, "description": "docs"}))
		if r.str("task_id") != task || r.str("project_id") != w.project || r.json["billable"] != false {
			t.Fatalf("task only: %s", r.raw)
		}
		e.must(200, w.as(w.member, "POST", "/time-entries/"+r.str("id")+"/stop", nil))
	})
	t.Run("refused starts store nothing", func(t *testing.T) {
		before := w.entries()
		task := w.task("Task of the project", nil)
		hiddenTask := w.sqlTask(w.hiddenProject, w.hiddenGroup, "Hidden", nil)
		archived, _ := w.newProject(w.org, "Old", map[user]string{w.member: "member"})
		e.db.MustExec(`UPDATE projects SET status = 'archived' WHERE id = $1`, archived)
		for _, c := range []struct {
			body  map[string]any
			field string
			msg   string
		}{
			{map[string]any{"project_id": w.hiddenProject}, "project_id", "project_id must be a project you can see"},
			{map[string]any{"project_id": w.strangerProject}, "project_id", "project_id must be a project you can see"},
			{map[string]any{"project_id": "not-a-uuid"}, "project_id", "project_id must be a project you can see"},
			{map[string]any{"task_id": hiddenTask}, "task_id", "task_id must be a task you can see"},
			{map[string]any{"task_id": w.strangerTask}, "task_id", "task_id must be a task you can see"},
			{map[string]any{"task_id": "nope"}, "task_id", "task_id must be a task you can see"},
			{map[string]any{"project_id": archived, "task_id": task}, "task_id", "task_id must be a task of project_id"},
			{map[string]any{"project_id": archived}, "project_id", "time cannot be tracked on an archived project"},
			{map[string]any{"description": strings.Repeat("d", 10001)}, "description", "description must be at most 10000 characters"},
		} {
			e.run(scenario{req: w.as(w.member, "POST", "/time-entries/start", c.body), status: 400, message: c.msg, field: c.field, fieldMessage: c.msg})
		}
		for _, b := range []string{`{"billable": "yes"}`, `{"project_id": 5}`, `{`} {
			e.must(400, w.as(w.member, "POST", "/time-entries/start", b))
		}
		e.must(401, req{method: "POST", path: "/time-entries/start", body: map[string]any{}})
		e.must(404, req{method: "POST", path: "/time-entries/start", token: w.member.token, org: w.otherOrg})
		if n := w.entries(); n != before {
			t.Fatalf("refused starts stored entries: %d → %d", before, n)
		}
		// The owner sees the hidden project and may track time on it.
		r := e.must(201, w.as(w.owner, "POST", "/time-entries/start", map[string]any{"task_id": hiddenTask}))
		if r.str("project_id") != w.hiddenProject {
			t.Fatalf("owner on hidden task: %s", r.raw)
		}
	})
}

func TestTimer_ConcurrentStartsLeaveOneRunning(t *testing.T) {
	t.Parallel()
	w := newTEWorld(t, "Race")
	const n = 20
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- w.do(w.as(w.member, "POST", "/time-entries/start", `{"description": "race"}`)).status
		}()
	}
	wg.Wait()
	close(statuses)
	got := map[int]int{}
	for s := range statuses {
		got[s]++
	}
	if got[201] != 1 || got[409] != n-1 {
		t.Fatalf("statuses %v, want one 201 and %d 409", got, n-1)
	}
	if running := w.count(`SELECT count(*) FROM time_entries WHERE user_id = $1 AND stopped_at IS NULL`, w.member.id); running != 1 {
		t.Fatalf("%d running entries", running)
	}
	if all := w.count(`SELECT count(*) FROM time_entries`); all != 1 {
		t.Fatalf("%d entries", all)
	}
}

func TestTimeEntries_ManualCreate(t *testing.T) {
	t.Parallel()
	w := newTEWorld(t, "Manual")
	e := w.env
	r := e.must(201, w.as(w.member, "POST", "/time-entries", map[string]any{
		"project_id": w.project, "description": "Client meeting", "started_at": "2026-03-28T10:00:00+01:00",
		"stopped_at": "2026-03-28T10:30:00Z", "billable": false, "hourly_rate": 12500,
	}))
	if r.str("project_id") != w.project || r.str("started_at") != "2026-03-28T09:00:00Z" || r.str("stopped_at") != "2026-03-28T10:30:00Z" ||
		r.json["duration_seconds"] != float64(5400) || r.json["billable"] != false || r.json["hourly_rate"] != float64(12500) ||
		r.str("user_id") != w.member.id || r.str("description") != "Client meeting" {
		t.Fatalf("manual: %s", r.raw)
	}
	// A manual entry does not count as a running timer, and can be made while one runs.
	e.must(201, w.as(w.member, "POST", "/time-entries/start", nil))
	exactly24h := e.must(201, w.as(w.member, "POST", "/time-entries", map[string]any{
		"started_at": "2026-03-01T00:00:00Z", "stopped_at": "2026-03-02T00:00:00Z", "hourly_rate": nil, "project_id": nil,
	}))
	if exactly24h.json["duration_seconds"] != float64(86400) || exactly24h.json["billable"] != true || exactly24h.json["hourly_rate"] != nil {
		t.Fatalf("24h: %s", exactly24h.raw)
	}

	before := w.entries()
	for _, c := range []struct {
		body map[string]any
		msg  string
	}{
		{map[string]any{"stopped_at": "2026-03-28T10:30:00Z"}, "started_at is required"},
		{map[string]any{"started_at": "2026-03-28T10:30:00Z"}, "stopped_at is required"},
		{map[string]any{"started_at": "2026-03-28", "stopped_at": "2026-03-28T10:30:00Z"}, "started_at must be an RFC 3339 datetime"},
		{map[string]any{"started_at": "2026-03-28T10:30:00Z", "stopped_at": "half past ten"}, "stopped_at must be an RFC 3339 datetime"},
		{map[string]any{"started_at": "2026-03-28T10:30:00Z", "stopped_at": "2026-03-28T10:00:00Z"}, "stopped_at must be after started_at"},
		{map[string]any{"started_at": "2026-03-28T10:30:00Z", "stopped_at": "2026-03-28T10:30:00Z"}, "stopped_at must be after started_at"},
		{map[string]any{"started_at": "2026-03-01T00:00:00Z", "stopped_at": "2026-03-02T00:00:01Z"}, "a time entry can last at most 24 hours"},
		{map[string]any{"started_at": "2026-03-28T10:00:00Z", "stopped_at": "2026-03-28T10:30:00Z", "hourly_rate": -1}, "hourly_rate must be zero or more (cents per hour)"},
		{map[string]any{"started_at": "2026-03-28T10:00:00Z", "stopped_at": "2026-03-28T10:30:00Z", "project_id": w.hiddenProject}, "project_id must be a project you can see"},
		{map[string]any{"started_at": "2026-03-28T10:00:00Z", "stopped_at": "2026-03-28T10:30:00Z", "task_id": w.strangerTask}, "task_id must be a task you can see"},
	} {
		e.run(scenario{req: w.as(w.member, "POST", "/time-entries", c.body), status: 400, message: c.msg})
	}
	for _, b := range []string{
		`{"started_at": "2026-03-28T10:00:00Z", "stopped_at": "2026-03-28T10:30:00Z", "hourly_rate": 125.5}`,
		`{"started_at": "2026-03-28T10:00:00Z", "stopped_at": "2026-03-28T10:30:00Z", "hourly_rate": "125"}`,
		`{"started_at": 5, "stopped_at": "2026-03-28T10:30:00Z"}`,
	} {
		e.must(400, w.as(w.member, "POST", "/time-entries", b))
	}
	e.must(401, req{method: "POST", path: "/time-entries", body: map[string]any{}})
	if n := w.entries(); n != before {
		t.Fatalf("refused creates stored entries: %d → %d", before, n)
	}
}

func TestTimeEntries_OwnerOrAdminOnly(t *testing.T) {
	t.Parallel()
	w := newTEWorld(t, "Private")
	e := w.env
	id := w.manual(w.member, map[string]any{"project_id": w.project, "description": "mine"})
	path := "/time-entries/" + id

	e.must(200, w.as(w.member, "GET", path, nil))
	// Another member never learns the entry exists, whatever they try.
	e.must(404, w.as(w.manager, "GET", path, nil))
	e.must(404, w.as(w.manager, "PUT", path, map[string]any{"description": "theirs"}))
	e.must(404, w.as(w.manager, "DELETE", path, nil))
	// Another organization's user, with either organization, and bad ids.
	for _, org := range []string{w.org, w.otherOrg} {
		e.must(404, req{method: "GET", path: path, token: w.stranger.token, org: org})
		e.must(404, req{method: "PUT", path: path, token: w.stranger.token, org: org, body: map[string]any{"description": "x"}})
		e.must(404, req{method: "DELETE", path: path, token: w.stranger.token, org: org})
	}
	strangerEntry := e.must(201, req{method: "POST", path: "/time-entries", token: w.stranger.token, org: w.otherOrg,
		body: map[string]any{"started_at": "2026-03-10T09:00:00Z", "stopped_at": "2026-03-10T10:00:00Z"}}).str("id")
	for _, bad := range notFoundIDs(strangerEntry) {
		e.must(404, w.as(w.owner, "GET", "/time-entries/"+bad, nil))
		e.must(404, w.as(w.owner, "PUT", "/time-entries/"+bad, map[string]any{"description": "x"}))
		e.must(404, w.as(w.owner, "DELETE", "/time-entries/"+bad, nil))
	}
	e.must(401, req{method: "GET", path: path})
	e.must(401, req{method: "PUT", path: path, body: map[string]any{}})
	e.must(401, req{method: "DELETE", path: path})
	if r := e.must(200, w.as(w.member, "GET", path, nil)); r.str("description") != "mine" {
		t.Fatalf("refused updates changed it: %s", r.raw)
	}

	// Owners and admins read and correct everyone's entries.
	if r := e.must(200, w.as(w.admin, "GET", path, nil)); r.str("user_id") != w.member.id {
		t.Fatalf("admin read: %s", r.raw)
	}
	if r := e.must(200, w.as(w.admin, "PUT", path, map[string]any{"description": "fixed by admin"})); r.str("description") != "fixed by admin" || r.str("user_id") != w.member.id {
		t.Fatalf("admin update: %s", r.raw)
	}
	e.must(200, w.as(w.owner, "GET", path, nil))
	e.must(204, w.as(w.admin, "DELETE", path, nil))
	e.must(404, w.as(w.member, "GET", path, nil))
	own := w.manual(w.member, map[string]any{})
	e.must(204, w.as(w.member, "DELETE", "/time-entries/"+own, nil))
	e.must(404, w.as(w.member, "DELETE", "/time-entries/"+own, nil))
}

func TestTimeEntries_Update(t *testing.T) {
	t.Parallel()
	w := newTEWorld(t, "Update")
	e := w.env
	task := w.task("Design", nil)
	otherProject, otherGroup := w.newProject(w.org, "Second", map[user]string{w.member: "member"})
	otherTask := w.sqlTask(otherProject, otherGroup, "Elsewhere", nil)
	id := w.manual(w.member, map[string]any{"task_id": task, "hourly_rate": 9000})
	path := "/time-entries/" + id
	put := func(body any) req { return w.as(w.member, "PUT", path, body) }

	r := e.must(200, w.as(w.member, "PUT", path, map[string]any{
		"description": "Wireframes", "billable": false, "started_at": "2026-03-28T09:00:00Z", "stopped_at": "2026-03-28T10:30:00Z",
	}))
	if r.str("description") != "Wireframes" || r.json["billable"] != false || r.json["duration_seconds"] != float64(5400) ||
		r.str("project_id") != w.project || r.str("task_id") != task || r.json["hourly_rate"] != float64(9000) {
		t.Fatalf("update: %s", r.raw)
	}
	t.Run("null clears project and its task", func(t *testing.T) {
		r := e.do(put(map[string]any{"project_id": nil}))
		if r.status != 200 || r.json["project_id"] != nil || r.json["task_id"] != nil || r.str("description") != "Wireframes" {
			t.Fatalf("clear: %d %s", r.status, r.raw)
		}
		// Naming only a task puts the entry on the task's project.
		r = e.do(put(map[string]any{"task_id": otherTask}))
		if r.status != 200 || r.str("project_id") != otherProject || r.str("task_id") != otherTask {
			t.Fatalf("task only: %d %s", r.status, r.raw)
		}
		// Moving to another project drops the task, which belongs to the old one.
		r = e.do(put(map[string]any{"project_id": w.project}))
		if r.status != 200 || r.str("project_id") != w.project || r.json["task_id"] != nil {
			t.Fatalf("move: %d %s", r.status, r.raw)
		}
		r = e.do(put(map[string]any{"task_id": task, "project_id": w.project, "hourly_rate": nil}))
		if r.status != 200 || r.str("task_id") != task || r.json["hourly_rate"] != nil {
			t.Fatalf("set task, clear rate: %d %s", r.status, r.raw)
		}
		r = e.do(put(map[string]any{"task_id": nil}))
		if r.status != 200 || r.json["task_id"] != nil || r.str("project_id") != w.project {
			t.Fatalf("clear task: %d %s", r.status, r.raw)
		}
	})
	t.Run("refusals change nothing", func(t *testing.T) {
		before := e.must(200, w.as(w.member, "GET", path, nil)).raw
		for _, c := range []struct {
			body map[string]any
			msg  string
		}{
			{map[string]any{"stopped_at": "2026-03-28T08:00:00Z"}, "stopped_at must be after started_at"},
			{map[string]any{"started_at": "2026-03-28T11:00:00Z"}, "stopped_at must be after started_at"},
			{map[string]any{"started_at": "2026-03-27T09:00:00Z"}, "a time entry can last at most 24 hours"},
			{map[string]any{"stopped_at": nil}, "stopped_at cannot be cleared; start a new timer instead"},
			{map[string]any{"started_at": "yesterday"}, "started_at must be an RFC 3339 datetime"},
			{map[string]any{"hourly_rate": -5}, "hourly_rate must be zero or more (cents per hour)"},
			{map[string]any{"project_id": w.hiddenProject}, "project_id must be a project you can see"},
			{map[string]any{"project_id": "nope"}, "project_id must be a project you can see"},
			{map[string]any{"task_id": w.strangerTask}, "task_id must be a task you can see"},
			{map[string]any{"task_id": otherTask, "project_id": w.project}, "task_id must be a task of project_id"},
			{map[string]any{"task_id": task, "project_id": nil}, "task_id must be a task of project_id"},
		} {
			e.run(scenario{req: put(c.body), status: 400, message: c.msg})
		}
		e.must(400, w.as(w.member, "PUT", path, `{"billable": 1}`))
		if after := e.must(200, w.as(w.member, "GET", path, nil)).raw; string(after) != string(before) {
			t.Fatalf("refused updates changed it:\n%s\n%s", before, after)
		}
	})
	t.Run("an archived project is refused only when it is set", func(t *testing.T) {
		e.db.MustExec(`UPDATE projects SET status = 'archived' WHERE id = $1`, otherProject)
		e.run(scenario{req: put(map[string]any{"project_id": otherProject}), status: 400, message: "time cannot be tracked on an archived project"})
		e.db.MustExec(`UPDATE projects SET status = 'archived' WHERE id = $1`, w.project)
		if r := e.do(put(map[string]any{"description": "still editable"})); r.status != 200 {
			t.Fatalf("edit on archived project: %d %s", r.status, r.raw)
		}
		e.db.MustExec(`UPDATE projects SET status = 'active' WHERE id IN ($1, $2)`, w.project, otherProject)
	})
	t.Run("a running timer", func(t *testing.T) {
		run := e.must(201, w.as(w.member, "POST", "/time-entries/start", nil)).str("id")
		runPath := "/time-entries/" + run
		base := time.Now().UTC().Truncate(time.Second)
		future := base.Add(time.Hour).Format(time.RFC3339)
		e.run(scenario{req: w.as(w.member, "PUT", runPath, map[string]any{"started_at": future}), status: 400, message: "started_at must not be in the future while the timer runs"})
		earlier := base.Add(-time.Hour).Format(time.RFC3339)
		r := e.must(200, w.as(w.member, "PUT", runPath, map[string]any{"started_at": earlier, "description": "catching up"}))
		if r.json["stopped_at"] != nil || r.json["duration_seconds"].(float64) < 3600 {
			t.Fatalf("moved start: %s", r.raw)
		}
		// Setting stopped_at stops it, and an admin may do that for a member.
		stop := base.Add(-30 * time.Minute).Format(time.RFC3339)
		r = e.must(200, w.as(w.admin, "PUT", runPath, map[string]any{"stopped_at": stop}))
		if r.str("stopped_at") != stop || r.json["duration_seconds"] != float64(1800) {
			t.Fatalf("stopped by update: %s", r.raw)
		}
		if r := e.must(200, w.as(w.member, "GET", "/time/current", nil)); strings.TrimSpace(string(r.raw)) != "null" {
			t.Fatalf("current: %s", r.raw)
		}
	})
	t.Run("a billed entry is frozen", func(t *testing.T) {
		var client, invoice string
		if err := e.db.Get(&client, `INSERT INTO clients (organization_id, name) VALUES ($1, 'Acme') RETURNING id`, w.org); err != nil {
			t.Fatal(err)
		}
		if err := e.db.Get(&invoice, `INSERT INTO invoices (organization_id, number, client_id, issue_date, due_date, currency)
			VALUES ($1, 'INV-2026-0001', $2, '2026-03-31', '2026-04-30', 'EUR') RETURNING id`, w.org, client); err != nil {
			t.Fatal(err)
		}
		e.db.MustExec(`UPDATE time_entries SET invoice_id = $2 WHERE id = $1`, id, invoice)
		if r := e.must(200, w.as(w.member, "GET", path, nil)); r.str("invoice_id") != invoice {
			t.Fatalf("invoice_id: %s", r.raw)
		}
		e.run(scenario{req: put(map[string]any{"description": "sneaky"}), status: 409, message: "the time entry is billed on invoice INV-2026-0001"})
		e.run(scenario{req: w.as(w.admin, "DELETE", path, nil), status: 409, message: "the time entry is billed on invoice INV-2026-0001"})
		e.must(200, w.as(w.member, "GET", path, nil))
	})

	// Audit: the create, and each successful update of the entry.
	var actions []string
	if err := e.db.Select(&actions, `SELECT action FROM audit_logs WHERE entity_type = 'time_entry' AND entity_id = $1
		ORDER BY created_at, id`, id); err != nil {
		t.Fatal(err)
	}
	if len(actions) != 8 || actions[0] != "created" || actions[7] != "updated" {
		t.Fatalf("audit actions %v", actions)
	}
}

func TestTimeEntries_List(t *testing.T) {
	t.Parallel()
	w := newTEWorld(t, "List")
	e := w.env
	list := func(u user, query string) resp { return e.must(200, w.as(u, "GET", "/time-entries"+query, nil)) }
	ids := func(r resp) []string {
		var out []string
		for _, d := range r.data() {
			out = append(out, d["description"].(string))
		}
		return out
	}
	w.manual(w.member, map[string]any{"description": "m1", "project_id": w.project, "started_at": "2026-03-01T10:00:00Z", "stopped_at": "2026-03-01T11:00:00Z"})
	w.manual(w.member, map[string]any{"description": "m2", "started_at": "2026-03-02T03:00:00Z", "stopped_at": "2026-03-02T04:00:00Z", "billable": false})
	w.manual(w.member, map[string]any{"description": "m3", "project_id": w.project, "started_at": "2026-03-03T10:00:00Z", "stopped_at": "2026-03-03T11:00:00Z"})
	w.manual(w.manager, map[string]any{"description": "g1", "project_id": w.project, "started_at": "2026-03-02T12:00:00Z", "stopped_at": "2026-03-02T13:00:00Z"})
	e.must(201, w.as(w.member, "POST", "/time-entries/start", map[string]any{"description": "now"}))

	if got := ids(list(w.member, "")); strings.Join(got, ",") != "now,m3,m2,m1" {
		t.Fatalf("member sees own, newest first: %v", got)
	}
	if got := ids(list(w.manager, "")); strings.Join(got, ",") != "g1" {
		t.Fatalf("manager: %v", got)
	}
	if r := list(w.admin, ""); strings.Join(ids(r), ",") != "now,m3,g1,m2,m1" || r.json["meta"].(map[string]any)["total"] != float64(5) {
		t.Fatalf("admin sees all: %s", r.raw)
	}
	for q, want := range map[string]string{
		"?user_id=" + w.manager.id:                           "g1",
		"?project_id=" + w.project:                           "m3,g1,m1",
		"?billable=false":                                    "m2",
		"?billable=true&running=false":                       "m3,g1,m1",
		"?running=true":                                      "now",
		"?from=2026-03-02&to=2026-03-02":                     "g1,m2",
		"?from=2026-03-02T03:00:00Z&to=2026-03-02T12:30:00Z": "g1,m2",
		"?to=2026-03-01":                                     "m1",
		"?per_page=2&page=2":                                 "g1,m2",
	} {
		if got := strings.Join(ids(list(w.admin, q)), ","); got != want {
			t.Errorf("admin %s: %s, want %s", q, got, want)
		}
	}
	if r := list(w.admin, "?per_page=2&page=2"); r.json["meta"].(map[string]any)["per_page"] != float64(2) || r.json["meta"].(map[string]any)["total"] != float64(5) {
		t.Fatalf("meta: %s", r.raw)
	}
	if got := strings.Join(ids(list(w.member, "?user_id="+w.member.id+"&project_id="+w.project)), ","); got != "m3,m1" {
		t.Fatalf("member's own filter: %s", got)
	}
	e.run(scenario{req: w.as(w.member, "GET", "/time-entries?user_id="+w.manager.id, nil), status: 403, message: "members can only list their own time entries"})
	for q, msg := range map[string]string{
		"?user_id=me":                    "user_id must be a valid id",
		"?project_id=x":                  "project_id must be a valid id",
		"?billable=yes":                  "billable must be true or false",
		"?running=1":                     "running must be true or false",
		"?from=March":                    "from must be a date (YYYY-MM-DD) or an RFC 3339 datetime",
		"?from=2026-03-03&to=2026-03-01": "from must be on or before to",
		"?page=0":                        "page must be a positive integer",
	} {
		e.run(scenario{req: w.as(w.admin, "GET", "/time-entries"+q, nil), status: 400, message: msg})
	}
	e.must(401, req{method: "GET", path: "/time-entries"})
	if got := e.must(200, req{method: "GET", path: "/time-entries", token: w.stranger.token, org: w.otherOrg}).data(); len(got) != 0 {
		t.Fatalf("stranger sees: %v", got)
	}

	t.Run("days are the caller's", func(t *testing.T) {
		e.must(200, req{method: "PUT", path: "/users/me", token: w.admin.token, body: map[string]any{"timezone": "America/New_York"}})
		// 2026-03-02T03:00:00Z is 22:00 on March 1st in New York.
		if got := strings.Join(ids(list(w.admin, "?from=2026-03-01&to=2026-03-01")), ","); got != "m2,m1" {
			t.Fatalf("March 1st in New York: %s", got)
		}
		if got := strings.Join(ids(list(w.admin, "?from=2026-03-02&to=2026-03-02")), ","); got != "g1" {
			t.Fatalf("March 2nd in New York: %s", got)
		}
		// Still UTC for the member.
		if got := strings.Join(ids(list(w.member, "?from=2026-03-02&to=2026-03-02")), ","); got != "m2" {
			t.Fatalf("March 2nd in UTC: %s", got)
		}
	})
}
