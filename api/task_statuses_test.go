package api_test

import (
	"strings"
	"testing"
)

func (f *world) createStatus(code string, extra map[string]any) string {
	f.t.Helper()
	body := map[string]any{"code": code, "label": strings.ToUpper(code), "color": "#8b5cf6"}
	for k, v := range extra {
		body[k] = v
	}
	return f.call(201, f.owner, "POST", "/task-statuses", body).str("id")
}

func statusCodes(r resp) string {
	var out []string
	for _, s := range r.data() {
		out = append(out, s["code"].(string))
	}
	return strings.Join(out, ",")
}

func TestTaskStatuses_CreateAndList(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	r := f.call(201, f.admin, "POST", "/task-statuses", map[string]any{
		"code": "qa_review", "label": "QA Review", "color": "#8B5CF6", "supports_progress": true,
		"on_complete": "auto_advance", "next_status_code": "done",
	})
	want := map[string]any{"code": "qa_review", "label": "QA Review", "color": "#8b5cf6", "position": 0.0, "is_terminal": false,
		"supports_progress": true, "progress_editable": false, "on_complete": "auto_advance", "next_status_code": "done",
		"organization_id": f.org}
	for k, v := range want {
		if r.json[k] != v {
			t.Fatalf("%s = %v, want %v: %s", k, r.json[k], v, r.raw)
		}
	}
	d := f.call(201, f.owner, "POST", "/task-statuses", map[string]any{"code": "blocked", "label": "Blocked", "color": "#f00", "next_status_code": "qa_review"})
	if d.json["position"] != 1.0 || d.json["on_complete"] != "none" || d.json["is_terminal"] != false || d.str("next_status_code") != "qa_review" {
		t.Fatalf("defaults: %s", d.raw)
	}
	list := f.call(200, f.member, "GET", "/task-statuses", nil)
	if statusCodes(list) != "qa_review,blocked" {
		t.Fatalf("list: %s", list.raw)
	}
	if _, paged := list.json["meta"]; paged {
		t.Fatalf("paged: %s", list.raw)
	}
	if theirs := f.must(200, req{method: "GET", path: "/task-statuses", token: f.stranger.token, org: f.otherOrg}); len(theirs.data()) != 0 {
		t.Fatalf("another organization sees our statuses: %s", theirs.raw)
	}
	// Another organization may use the same code.
	f.must(201, req{method: "POST", path: "/task-statuses", token: f.stranger.token, org: f.otherOrg,
		body: map[string]any{"code": "qa_review", "label": "QA", "color": "#000000"}})
	f.must(401, req{method: "GET", path: "/task-statuses"})
	if n := f.auditCount("task_status", "created"); n != 2 {
		t.Fatalf("audit: %d", n)
	}
}

func TestTaskStatuses_CreateRefusals(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	f.createStatus("qa_review", nil)
	badCode := "code must be 2 to 50 lowercase letters, digits or underscores, starting with a letter"
	cases := []struct {
		body    map[string]any
		message string
	}{
		{map[string]any{"label": "X", "color": "#000000"}, "code is required"},
		{map[string]any{"code": "QA", "label": "X", "color": "#000000"}, badCode},
		{map[string]any{"code": "1qa", "label": "X", "color": "#000000"}, badCode},
		{map[string]any{"code": "q", "label": "X", "color": "#000000"}, badCode},
		{map[string]any{"code": "qa-review", "label": "X", "color": "#000000"}, badCode},
		{map[string]any{"code": "q" + strings.Repeat("a", 50), "label": "X", "color": "#000000"}, badCode},
		{map[string]any{"code": "ok_code", "color": "#000000"}, "label is required"},
		{map[string]any{"code": "ok_code", "label": "X"}, "color is required"},
		{map[string]any{"code": "ok_code", "label": "X", "color": "purple"}, "color must be a hex color such as #6366f1"},
		{map[string]any{"code": "ok_code", "label": "X", "color": "#000000", "on_complete": "explode"}, "on_complete must be auto_advance or none"},
		{map[string]any{"code": "ok_code", "label": "X", "color": "#000000", "next_status_code": "nowhere"}, "next_status_code must be an existing status code"},
		{map[string]any{"code": "ok_code", "label": "X", "color": "#000000", "next_status_code": "ok_code"}, "next_status_code must differ from the status's own code"},
	}
	for _, c := range cases {
		f.run(scenario{req: f.as(f.owner, "POST", "/task-statuses", c.body), status: 400, code: "validation_failed", message: c.message})
	}
	for _, code := range []string{"open", "in_progress", "done", "closed"} {
		f.run(scenario{req: f.as(f.owner, "POST", "/task-statuses", map[string]any{"code": code, "label": "X", "color": "#000000"}), status: 409, code: "conflict",
			message: "duplicate status code: " + code + " is a built-in status"})
	}
	f.run(scenario{req: f.as(f.owner, "POST", "/task-statuses", map[string]any{"code": "qa_review", "label": "Again", "color": "#000000"}), status: 409, code: "conflict", message: "duplicate status code: qa_review already exists"})
	f.call(400, f.owner, "POST", "/task-statuses", `{"code": "x_y", "label": "X", "color": "#000000", "is_terminal": "yes"}`)
	f.call(403, f.manager, "POST", "/task-statuses", map[string]any{"code": "mine", "label": "X", "color": "#000000"})
	f.must(401, req{method: "POST", path: "/task-statuses", body: map[string]any{"code": "mine", "label": "X", "color": "#000000"}})
	if got := statusCodes(f.call(200, f.owner, "GET", "/task-statuses", nil)); got != "qa_review" {
		t.Fatalf("refused creates wrote statuses: %s", got)
	}
}

func TestTaskStatuses_Update(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	id := f.createStatus("qa_review", map[string]any{"next_status_code": "done", "on_complete": "auto_advance"})
	f.createStatus("staging", nil)
	theirs := f.must(201, req{method: "POST", path: "/task-statuses", token: f.stranger.token, org: f.otherOrg,
		body: map[string]any{"code": "theirs", "label": "T", "color": "#000000"}}).str("id")
	path := "/task-statuses/" + id

	r := f.call(200, f.admin, "PUT", path, map[string]any{"label": "Code Review", "color": "#6366F1", "is_terminal": true, "code": "ignored"})
	if r.str("label") != "Code Review" || r.str("color") != "#6366f1" || r.json["is_terminal"] != true || r.str("code") != "qa_review" ||
		r.str("next_status_code") != "done" || r.str("on_complete") != "auto_advance" {
		t.Fatalf("update: %s", r.raw)
	}
	if r = f.call(200, f.owner, "PUT", path, map[string]any{"next_status_code": "staging", "supports_progress": true}); r.str("next_status_code") != "staging" || r.json["supports_progress"] != true {
		t.Fatalf("next status: %s", r.raw)
	}
	if r = f.call(200, f.owner, "PUT", path, map[string]any{"next_status_code": nil, "on_complete": "none"}); r.json["next_status_code"] != nil || r.str("on_complete") != "none" {
		t.Fatalf("clear next status: %s", r.raw)
	}
	f.runAll([]scenario{
		{req: f.as(f.owner, "PUT", path, map[string]any{"next_status_code": "qa_review"}), status: 400, code: "validation_failed", message: "next_status_code must differ from the status's own code"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"next_status_code": "theirs"}), status: 400, code: "validation_failed", message: "next_status_code must be an existing status code"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"label": ""}), status: 400, code: "validation_failed", message: "label is required"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"color": "x"}), status: 400, code: "validation_failed", message: "color must be a hex color such as #6366f1"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"on_complete": "later"}), status: 400, code: "validation_failed", message: "on_complete must be auto_advance or none"},
	})
	f.call(403, f.manager, "PUT", path, map[string]any{"label": "Mine"})
	f.call(404, f.owner, "PUT", "/task-statuses/"+theirs, map[string]any{"label": "Mine"})
	f.call(404, f.owner, "PUT", "/task-statuses/ts_abc123", map[string]any{"label": "Mine"})
	f.must(401, req{method: "PUT", path: path, body: map[string]any{"label": "Mine"}})
	got := f.call(200, f.owner, "GET", "/task-statuses", nil).data()[0]
	if got["label"] != "Code Review" || got["next_status_code"] != nil {
		t.Fatalf("refused updates changed the status: %v", got)
	}
	if n := f.auditCount("task_status", "updated"); n != 3 {
		t.Fatalf("audit: %d", n)
	}
}

func TestTaskStatuses_DeleteMovesTasksToOpenAndClearsNextStatus(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	f.createStatus("triage", nil)
	review := f.createStatus("review", map[string]any{"is_terminal": true})
	f.createStatus("pre_review", map[string]any{"next_status_code": "review", "on_complete": "auto_advance"})
	f.createStatus("after", nil)
	g := f.defaultGroupID(f.project)
	inReview := f.sqlTask(f.project, g, "In review", map[string]any{"status": "review", "position": 0})
	if _, err := f.db.Exec(`UPDATE tasks SET completed_at = now() WHERE id = $1`, inReview); err != nil {
		t.Fatal(err)
	}
	other := f.sqlTask(f.project, g, "Other", map[string]any{"status": "triage", "position": 1})

	f.call(403, f.manager, "DELETE", "/task-statuses/"+review, nil)
	f.call(404, f.owner, "DELETE", "/task-statuses/nope", nil)
	f.must(401, req{method: "DELETE", path: "/task-statuses/" + review})
	f.call(204, f.admin, "DELETE", "/task-statuses/"+review, nil)
	f.call(404, f.admin, "DELETE", "/task-statuses/"+review, nil)

	var status string
	var completed *string
	if err := f.db.QueryRow(`SELECT status, completed_at::text FROM tasks WHERE id = $1`, inReview).Scan(&status, &completed); err != nil {
		t.Fatal(err)
	}
	if status != "open" || completed != nil {
		t.Fatalf("task in deleted status: %s %v", status, completed)
	}
	_ = f.db.Get(&status, `SELECT status FROM tasks WHERE id = $1`, other)
	if status != "triage" {
		t.Fatalf("other task moved: %s", status)
	}
	list := f.call(200, f.owner, "GET", "/task-statuses", nil)
	if statusCodes(list) != "triage,pre_review,after" {
		t.Fatalf("list: %s", list.raw)
	}
	for i, s := range list.data() {
		if s["position"] != float64(i) {
			t.Fatalf("positions not dense: %s", list.raw)
		}
		if s["code"] == "pre_review" && s["next_status_code"] != nil {
			t.Fatalf("next_status_code still points at the deleted status: %v", s)
		}
	}
	if n := f.auditCount("task_status", "deleted"); n != 1 {
		t.Fatalf("audit: %d", n)
	}
}

func TestTaskStatuses_Reorder(t *testing.T) {
	t.Parallel()
	f := newProjectsFixture(t)
	a := f.createStatus("alpha", nil)
	b := f.createStatus("beta", nil)
	c := f.createStatus("gamma", nil)
	theirs := f.must(201, req{method: "POST", path: "/task-statuses", token: f.stranger.token, org: f.otherOrg,
		body: map[string]any{"code": "theirs", "label": "T", "color": "#000000"}}).str("id")
	r := f.call(200, f.admin, "POST", "/task-statuses/reorder", map[string]any{"order": []string{c, a, b}})
	if statusCodes(r) != "gamma,alpha,beta" {
		t.Fatalf("reorder: %s", r.raw)
	}
	for i, s := range r.data() {
		if s["position"] != float64(i) {
			t.Fatalf("positions: %s", r.raw)
		}
	}
	bad := "order must list every task status id of the organization exactly once"
	for _, order := range [][]string{{c, a}, {c, a, b, b}, {c, a, a}, {c, a, theirs}, {c, a, b, theirs}, {c, a, "nope"}, {}} {
		f.run(scenario{req: f.as(f.owner, "POST", "/task-statuses/reorder", map[string]any{"order": order}), status: 400, code: "validation_failed", message: bad})
	}
	f.call(400, f.owner, "POST", "/task-statuses/reorder", map[string]any{})
	f.call(400, f.owner, "POST", "/task-statuses/reorder", `{"order": "alpha"}`)
	f.call(403, f.manager, "POST", "/task-statuses/reorder", map[string]any{"order": []string{a, b, c}})
	f.must(401, req{method: "POST", path: "/task-statuses/reorder", body: map[string]any{"order": []string{a, b, c}}})
	if got := statusCodes(f.call(200, f.member, "GET", "/task-statuses", nil)); got != "gamma,alpha,beta" {
		t.Fatalf("refused reorders changed the order: %s", got)
	}
	if n := f.auditCount("task_status", "updated"); n != 3 {
		t.Fatalf("audit: %d", n)
	}
}
