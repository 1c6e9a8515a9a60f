package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/trcr/trcr/store"
)

func TestTaskPanel_FragmentDeepLinkAndRedirect(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	task := w.task(t, store.TaskInput{Title: "Plan <launch>", Description: "Read **this**"})

	// htmx gets the panel fragment alone.
	p := htmxGet(w.owner, "/tasks/"+task.ID+"/panel")
	if p.status != http.StatusOK || !p.has("task-panel") || p.doc.Find("#tp-title").Text() != "Plan <launch>" || p.has("sidebar") {
		t.Fatalf("fragment: %d %s", p.status, p.body)
	}
	if p.doc.Find(`[data-testid="tp-description-html"] strong`).Text() != "this" {
		t.Fatal("description not rendered as Markdown")
	}
	if p.doc.Find(`[role="dialog"][aria-modal="true"][aria-labelledby="tp-heading"]`).Length() != 1 || !p.has("tp-close") {
		t.Fatal("dialog wiring")
	}
	// The deep link renders the tasks page with the panel open; a plain GET of the fragment goes there.
	p = w.owner.get("/tasks?task=" + task.ID)
	if p.status != http.StatusOK || !p.has("tasks-page") || !p.has("task-panel") || p.text("tp-title-input") != "Plan <launch>" {
		t.Fatalf("deep link: %d", p.status)
	}
	if p.doc.Find(`[data-testid="tp-close"]`).AttrOr("href", "") != "/tasks" {
		t.Fatal("close link")
	}
	if r := w.owner.get("/tasks/" + task.ID + "/panel"); r.status != http.StatusSeeOther || r.location != "/tasks?task="+task.ID {
		t.Fatalf("plain panel GET: %d %s", r.status, r.location)
	}
	// Another organization's task, or no task at all: not found, the list with a message.
	p = w.otherB.get("/tasks?task=" + task.ID)
	if p.status != http.StatusNotFound || p.has("task-panel") || !strings.Contains(p.text("flashes"), "doesn't exist") {
		t.Fatalf("other org deep link: %d", p.status)
	}
	w.otherB.visit(visit{name: "other org fragment", htmx: true, path: "/tasks/" + task.ID + "/panel", status: http.StatusNotFound})
	w.owner.visit(visit{name: "bad id", path: "/tasks?task=nope", status: http.StatusNotFound})
}

func TestTaskPanel_FieldsSaveWithMessagesInPlace(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	ctx := context.Background()
	w.e.db.MustExec(`INSERT INTO task_statuses (organization_id, code, label, color, position) VALUES ($1, 'review', 'In review', '#7c3aed', 0)`, w.ownerA.OrgID)
	task := w.task(t, store.TaskInput{Title: "Launch"})
	w.owner.get("/tasks?task=" + task.ID)
	path := "/tasks/" + task.ID + "/update"

	for _, c := range []struct{ field, value string }{
		{"title", "Launch v2"}, {"status", "review"}, {"priority", "high"}, {"assignee_id", w.memberA.UserID},
		{"start_date", "2026-03-01"}, {"due_date", "2026-03-10"}, {"estimated_hours", "2.5"}, {"complexity", "5"},
		{"progress", "40"}, {"group_id", w.groups[1].ID}, {"description", "# Steps"},
	} {
		r := w.owner.htmx(path, url.Values{"field": {c.field}, c.field: {c.value}})
		if r.status != http.StatusOK || r.header.Get("HX-Trigger") != "trcr:task-changed" {
			t.Fatalf("%s: %d %s", c.field, r.status, r.body)
		}
	}
	got, err := w.e.store.Task(ctx, w.ownerA, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Launch v2" || got.Status != "review" || got.Priority != "high" || *got.AssigneeID != w.memberA.UserID ||
		got.StartDate.String() != "2026-03-01" || got.DueDate.String() != "2026-03-10" || *got.EstimatedHours != 2.5 ||
		*got.Complexity != 5 || got.Progress != 40 || got.GroupID != w.groups[1].ID || got.Description != "# Steps" {
		t.Fatalf("task %+v", got)
	}
	// The props section comes back with the head out of band, showing the custom status.
	r := w.owner.htmx(path, url.Values{"field": {"priority"}, "priority": {"urgent"}})
	if !r.has("tp-props") || r.doc.Find(`#tp-head[hx-swap-oob]`).Length() != 1 || r.text("tp-status-badge") != "In review" {
		t.Fatalf("props answer: %s", r.body)
	}

	// A start date after the due date: 422, the message next to the start date, the typed value kept.
	r = w.owner.htmx(path, url.Values{"field": {"start_date"}, "start_date": {"2026-04-01"}})
	if r.status != http.StatusUnprocessableEntity || r.doc.Find("#tp-start-error").Text() != "start_date must be on or before due_date" ||
		r.doc.Find("#tp-start").AttrOr("value", "") != "2026-04-01" || r.doc.Find("#tp-start").AttrOr("aria-invalid", "") != "true" {
		t.Fatalf("date order: %d %s", r.status, r.body)
	}
	for _, c := range []struct{ field, value, id, msg string }{
		{"estimated_hours", "lots", "#tp-estimate-error", "estimated_hours must be a number of hours"},
		{"complexity", "4", "#tp-complexity-error", "complexity must be one of 1, 2, 3, 5, 8"},
		{"status", "nope", "#tp-status-error", "status must be"},
		{"title", " ", "#tp-title-error", "title is required"},
		{"description", strings.Repeat("x", store.MaxTaskDescription+1), "#tp-description-input-error", "description must be at most"},
	} {
		r := w.owner.htmx(path, url.Values{"field": {c.field}, c.field: {c.value}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.doc.Find(c.id).Text(), c.msg) {
			t.Errorf("%s=%q: %d %q", c.field, c.value, r.status, r.doc.Find(c.id).Text())
		}
	}
	w.owner.visit(visit{name: "unknown field", method: http.MethodPost, htmx: true, path: path, form: url.Values{"field": {"reporter_id"}}, status: http.StatusBadRequest})
	// Without JavaScript: saved and back to the deep link; errors render the page with the panel.
	if r := w.owner.post(path, url.Values{"field": {"title"}, "title": {"Plain title"}}); r.status != http.StatusSeeOther || r.location != "/tasks?task="+task.ID {
		t.Fatalf("plain save: %d %s", r.status, r.location)
	}
	if r := w.owner.post(path, url.Values{"field": {"due_date"}, "due_date": {"2020-01-01"}}); r.status != http.StatusUnprocessableEntity ||
		!r.has("tasks-page") || r.doc.Find("#tp-start-error").Length() != 1 {
		t.Fatalf("plain error: %d", r.status)
	}
	// Clearing optional fields.
	for _, f := range []string{"assignee_id", "start_date", "due_date", "estimated_hours", "complexity"} {
		w.owner.visit(visit{name: "clear", method: http.MethodPost, htmx: true, path: path, form: url.Values{"field": {f}, f: {""}}, status: http.StatusOK})
	}
	if got, _ = w.e.store.Task(ctx, w.ownerA, task.ID); got.AssigneeID != nil || got.DueDate != nil || got.EstimatedHours != nil || got.Complexity != nil {
		t.Fatalf("not cleared: %+v", got)
	}
	// Another organization's task.
	w.otherB.get("/")
	w.otherB.visit(visit{name: "other org", method: http.MethodPost, htmx: true, path: path, form: url.Values{"field": {"title"}, "title": {"x"}}, status: http.StatusNotFound})
}

func TestTaskPanel_PermissionsShapeTheControls(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	mine := w.task(t, store.TaskInput{Title: "Assigned to Milo", AssigneeID: &w.memberA.UserID})
	theirs := w.task(t, store.TaskInput{Title: "Not Milo's"})

	// The manager sees every control.
	p := htmxGet(w.owner, "/tasks/"+theirs.ID+"/panel")
	for _, id := range []string{"tp-form-title", "tp-form-priority", "tp-form-status", "tp-delete-form", "tp-checklist-add-form", "tp-dep-search-form", "tp-recurrence-form", "tp-comment-form"} {
		if !p.has(id) {
			t.Errorf("manager: missing %s", id)
		}
	}
	// A member on the project: read-only fields, may comment.
	p = htmxGet(w.member, "/tasks/"+theirs.ID+"/panel")
	if p.status != http.StatusOK || p.has("tp-form-title") || p.has("tp-form-status") || p.has("tp-form-progress") || p.has("tp-delete-form") ||
		p.has("tp-checklist-add-form") || p.has("tp-dep-search-form") || p.has("tp-recurrence") || !p.has("tp-comment-form") || p.text("tp-title") != "Not Milo's" {
		t.Fatalf("member panel: %s", p.body)
	}
	w.member.get("/tasks?task=" + theirs.ID)
	w.member.visit(visit{name: "member status", method: http.MethodPost, htmx: true, path: "/tasks/" + theirs.ID + "/update", form: url.Values{"field": {"status"}, "status": {"done"}}, status: http.StatusForbidden})
	w.member.visit(visit{name: "member delete", method: http.MethodPost, htmx: true, path: "/tasks/" + theirs.ID + "/delete", status: http.StatusForbidden})
	// The assignee: status and progress only.
	p = htmxGet(w.member, "/tasks/"+mine.ID+"/panel")
	if !p.has("tp-form-status") || !p.has("tp-form-progress") || p.has("tp-form-priority") || p.has("tp-form-title") {
		t.Fatalf("assignee panel: %s", p.body)
	}
	w.member.visit(visit{name: "assignee status", method: http.MethodPost, htmx: true, path: "/tasks/" + mine.ID + "/update", form: url.Values{"field": {"status"}, "status": {"in_progress"}}, status: http.StatusOK})
	w.member.visit(visit{name: "assignee progress", method: http.MethodPost, htmx: true, path: "/tasks/" + mine.ID + "/update", form: url.Values{"field": {"progress"}, "progress": {"100"}}, status: http.StatusOK})
	w.member.visit(visit{name: "assignee priority", method: http.MethodPost, htmx: true, path: "/tasks/" + mine.ID + "/update", form: url.Values{"field": {"priority"}, "priority": {"low"}}, status: http.StatusForbidden})
}

func TestTaskPanel_CommentsRenderSafeMarkdown(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	task := w.task(t, store.TaskInput{Title: "Talk"})
	w.member.get("/tasks?task=" + task.ID)
	path := "/tasks/" + task.ID + "/comments"
	body := "Looks **good** <script>alert(1)</script> <a href=\"javascript:alert(2)\" onclick=\"x()\" hx-post=\"/tasks/" + task.ID + "/delete\" style=\"color:red\" data-x=\"1\">bad</a> [link](javascript:alert(3))"
	r := w.member.htmx(path, url.Values{"body": {body}})
	if r.status != http.StatusOK || r.doc.Find(`[data-testid="tp-comment"]`).Length() != 1 {
		t.Fatalf("add comment: %d %s", r.status, r.body)
	}
	comment := r.doc.Find(`[data-testid="tp-comment-body"]`)
	if comment.Find("strong").Text() != "good" || comment.Find("script").Length() != 0 || comment.Find("[onclick], [hx-post], [style], [data-x]").Length() != 0 {
		t.Fatalf("comment html: %s", r.body)
	}
	comment.Find("a").Each(func(_ int, a *goquery.Selection) {
		if strings.Contains(strings.ToLower(a.AttrOr("href", "")), "javascript") {
			t.Fatalf("javascript link survived: %s", r.body)
		}
	})
	// Empty comment: 422 with the message under the field, nothing lost.
	r = w.member.htmx(path, url.Values{"body": {"  "}})
	if r.status != http.StatusUnprocessableEntity || r.doc.Find("#tp-comment-body-error").Text() != "body is required" {
		t.Fatalf("empty comment: %d %s", r.status, r.body)
	}
	comments, _ := w.e.store.Comments(context.Background(), w.ownerA, task.ID)
	// The author deletes their own comment; the owner's comment they may not.
	owners, err := w.e.store.AddComment(context.Background(), w.ownerA, task.ID, "Owner's word")
	if err != nil {
		t.Fatal(err)
	}
	p := htmxGet(w.member, "/tasks/"+task.ID+"/panel")
	if n := p.doc.Find(`[data-testid="tp-comment-delete-form"]`).Length(); n != 1 {
		t.Fatalf("member sees %d delete buttons", n)
	}
	w.member.visit(visit{name: "delete someone else's comment", method: http.MethodPost, htmx: true, path: path + "/" + owners.ID + "/delete", status: http.StatusForbidden})
	if r := w.member.htmx(path+"/"+comments[0].ID+"/delete", nil); r.status != http.StatusOK || r.doc.Find(`[data-testid="tp-comment"]`).Length() != 1 {
		t.Fatalf("delete own comment: %d", r.status)
	}
	// The description preview renders the same safe Markdown.
	r = w.owner.htmx("/tasks/"+task.ID+"/description/preview", url.Values{"description": {"*hi* <img src=x onerror=alert(1)>"}})
	if r.doc.Find("em").Text() != "hi" || r.doc.Find("[onerror]").Length() != 0 {
		t.Fatalf("preview: %s", r.body)
	}
}

func TestTaskPanel_ChecklistLabelsDependenciesRecurrenceAndDelete(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	ctx := context.Background()
	bug := w.label(t, "bug", "#dc2626")
	task := w.task(t, store.TaskInput{Title: "Release", DueDate: ptr("2026-06-01")})
	other := w.task(t, store.TaskInput{Title: "Prepare release notes"})
	w.owner.get("/tasks?task=" + task.ID)
	base := "/tasks/" + task.ID

	// Checklist: add, toggle (also by a plain member), delete.
	r := w.owner.htmx(base+"/checklist", url.Values{"title": {"Tag the build"}})
	if r.status != http.StatusOK || r.text("tp-checklist-count") != "0/1" {
		t.Fatalf("add item: %d %s", r.status, r.body)
	}
	if r := w.owner.htmx(base+"/checklist", url.Values{"title": {""}}); r.status != http.StatusUnprocessableEntity || r.doc.Find("#tp-checklist-new-error").Text() != "title is required" {
		t.Fatalf("empty item: %d %s", r.status, r.body)
	}
	items, _ := w.e.store.ChecklistItems(ctx, w.ownerA, task.ID)
	w.member.get("/tasks?task=" + task.ID)
	if r := w.member.htmx(base+"/checklist/"+items[0].ID+"/toggle", nil); r.status != http.StatusOK || r.text("tp-checklist-count") != "1/1" ||
		r.doc.Find(`[data-testid="tp-checklist-toggle"][aria-checked="true"]`).Length() != 1 {
		t.Fatalf("toggle: %d %s", r.status, r.body)
	}
	w.member.visit(visit{name: "member deletes item", method: http.MethodPost, htmx: true, path: base + "/checklist/" + items[0].ID + "/delete", status: http.StatusForbidden})
	if r := w.owner.htmx(base+"/checklist/"+items[0].ID+"/delete", nil); r.status != http.StatusOK || r.has("tp-checklist-item") {
		t.Fatalf("delete item: %d", r.status)
	}

	// Labels toggle on and off.
	r = w.owner.htmx(base+"/labels/"+bug.ID+"/toggle", url.Values{"on": {"true"}})
	if r.status != http.StatusOK || r.doc.Find(`[data-testid="tp-label-toggle"][aria-pressed="true"]`).Length() != 1 {
		t.Fatalf("label on: %d %s", r.status, r.body)
	}
	w.owner.visit(visit{name: "label on twice", method: http.MethodPost, htmx: true, path: base + "/labels/" + bug.ID + "/toggle", form: url.Values{"on": {"true"}}, status: http.StatusOK})
	if r := w.owner.htmx(base+"/labels/"+bug.ID+"/toggle", url.Values{"on": {"false"}}); r.doc.Find(`[aria-pressed="true"]`).Length() != 0 {
		t.Fatal("label off")
	}

	// Dependencies: search the organization's tasks, link, see it both ways, unlink.
	p := htmxGet(w.owner, base+"/dependencies/search?type=blocked_by&q=release+not")
	if p.status != http.StatusOK || p.doc.Find(`[data-testid="tp-dep-add-form"]`).Length() != 1 ||
		p.doc.Find(`input[name="depends_on_id"]`).AttrOr("value", "") != other.ID || p.doc.Find(`input[name="dependency_type"]`).AttrOr("value", "") != "blocked_by" {
		t.Fatalf("search: %d %s", p.status, p.body)
	}
	if p := htmxGet(w.owner, base+"/dependencies/search?q=zzzz"); !p.has("tp-dep-no-results") {
		t.Fatal("no results")
	}
	if p := w.owner.get(base + "/dependencies/search?q=notes&type=blocks"); p.status != http.StatusSeeOther || !strings.Contains(p.location, "depq=notes") {
		t.Fatalf("plain search: %d %s", p.status, p.location)
	}
	if p := w.owner.get("/tasks?task=" + task.ID + "&depq=notes&dept=blocks"); p.doc.Find(`[data-testid="tp-dep-add-form"] input[value="blocks"]`).Length() != 1 {
		t.Fatal("plain search results in the page")
	}
	r = w.owner.htmx(base+"/dependencies", url.Values{"depends_on_id": {other.ID}, "dependency_type": {"blocked_by"}})
	if r.status != http.StatusOK || r.doc.Find(`[data-testid="tp-blocked-by"] [data-testid="tp-dependency"]`).Length() != 1 {
		t.Fatalf("add dependency: %d %s", r.status, r.body)
	}
	if p := htmxGet(w.owner, "/tasks/"+other.ID+"/panel"); p.doc.Find(`[data-testid="tp-blocks"] a[href="/tasks?task=`+task.ID+`"]`).Length() != 1 {
		t.Fatal("the other side does not list it")
	}
	if r := w.owner.htmx(base+"/dependencies", url.Values{"depends_on_id": {task.ID}, "dependency_type": {"blocks"}}); r.status != http.StatusUnprocessableEntity ||
		!strings.Contains(r.doc.Find("#tp-dep-q-error").Text(), "cannot depend on itself") {
		t.Fatalf("self dependency: %d %s", r.status, r.body)
	}
	w.owner.visit(visit{name: "self", method: http.MethodPost, htmx: true, path: base + "/dependencies", form: url.Values{"depends_on_id": {task.ID}, "dependency_type": {"blocked_by"}}, status: http.StatusUnprocessableEntity})
	if r := w.owner.htmx("/tasks/"+other.ID+"/dependencies", url.Values{"depends_on_id": {task.ID}, "dependency_type": {"blocked_by"}}); r.status != http.StatusUnprocessableEntity ||
		!r.has("tp-error") && r.doc.Find("#tp-dep-q-error").Length() == 0 {
		t.Fatalf("cycle: %d %s", r.status, r.body)
	}
	deps, _ := w.e.store.TaskDependencies(ctx, w.ownerA, task.ID)
	if r := w.owner.htmx(base+"/dependencies/"+deps[0].ID+"/delete", nil); r.status != http.StatusOK || r.has("tp-dependency") {
		t.Fatalf("remove dependency: %d", r.status)
	}

	// Recurrence: set, show the next due date, change to a cron pattern, refuse a bad one, stop.
	r = w.owner.htmx(base+"/recurrence", url.Values{"pattern": {"weekly"}})
	if r.status != http.StatusOK || r.text("tp-recurrence-next") != "Next occurrence due Mon, Jun 8, 2026" {
		t.Fatalf("set recurrence: %d %q", r.status, r.text("tp-recurrence-next"))
	}
	rec, _ := w.e.store.TaskRecurrence(ctx, w.ownerA, task.ID)
	if r := w.owner.htmx(base+"/recurrence", url.Values{"pattern": {"custom"}, "cron": {"0 9 * * 1"}, "recurrence_id": {rec.ID}}); r.status != http.StatusOK ||
		!strings.Contains(r.text("tp-recurrence-rule"), "0 9 * * 1") {
		t.Fatalf("cron recurrence: %d %s", r.status, r.body)
	}
	r = w.owner.htmx(base+"/recurrence", url.Values{"pattern": {"custom"}, "cron": {"every tuesday"}, "recurrence_id": {rec.ID}})
	if r.status != http.StatusUnprocessableEntity || r.doc.Find("#tp-recur-cron-error").Length() != 1 || r.doc.Find("#tp-recur-cron").AttrOr("value", "") != "every tuesday" {
		t.Fatalf("bad cron: %d %s", r.status, r.body)
	}
	if r := w.owner.htmx(base+"/recurrence/delete", url.Values{"recurrence_id": {rec.ID}}); r.status != http.StatusOK || r.has("tp-recurrence-rule") {
		t.Fatalf("stop: %d", r.status)
	}

	// Delete: htmx empties the panel with a flash and tells the page; the task is gone.
	r = w.owner.htmx(base+"/delete", nil)
	if r.status != http.StatusOK || !strings.Contains(r.header.Get("HX-Trigger"), "trcr:task-deleted") || !strings.Contains(r.text("flash"), "Task deleted") {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	w.owner.visit(visit{name: "deleted task panel", htmx: true, path: base + "/panel", status: http.StatusNotFound})
	if r := w.owner.post("/tasks/"+other.ID+"/delete", nil); r.status != http.StatusSeeOther || r.location != "/tasks" {
		t.Fatalf("plain delete: %d %s", r.status, r.location)
	}
}

func TestTasksPage_ListFiltersAndEmptyStates(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	bug := w.label(t, "bug", "#dc2626")
	p := w.owner.get("/tasks")
	if p.status != http.StatusOK || !p.has("empty-state") || !p.has("tasks-go-projects") {
		t.Fatalf("empty: %d", p.status)
	}
	w.task(t, store.TaskInput{Title: "Mine urgent", Priority: "urgent", AssigneeID: &w.ownerA.UserID, LabelIDs: []string{bug.ID}})
	w.task(t, store.TaskInput{Title: "Milo's", AssigneeID: &w.memberA.UserID, Status: "done"})
	w.task(t, store.TaskInput{Title: "Nobody's chore"})
	rows := func(p page) string {
		var out []string
		p.doc.Find(`[data-testid="task-row-link"]`).Each(func(_ int, s *goquery.Selection) {
			out = append(out, strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s.Text()), "Completed:")))
		})
		return strings.Join(out, ",")
	}
	for _, c := range []struct{ query, want string }{
		{"", "Nobody's chore,Milo's,Mine urgent"},
		{"?assignee=me", "Mine urgent"},
		{"?assignee=" + w.memberA.UserID, "Milo's"},
		{"?status=done", "Milo's"},
		{"?priority=urgent", "Mine urgent"},
		{"?label=" + bug.ID, "Mine urgent"},
		{"?q=chore", "Nobody's chore"},
		{"?project=" + w.project.ID + "&sort=priority", "Mine urgent,Nobody's chore,Milo's"},
	} {
		p := w.owner.get("/tasks" + c.query)
		if got := rows(p); p.status != http.StatusOK || got != c.want {
			t.Errorf("%s: %d %q, want %q", c.query, p.status, got, c.want)
		}
	}
	p = w.owner.get("/tasks?q=zebra")
	if !p.has("empty-state") || !p.has("tasks-clear-filters") {
		t.Fatal("no-match state")
	}
	p = w.owner.get("/tasks?project=nope")
	if !p.has("tasks-filter-error") || rows(p) == "" {
		t.Fatal("bad filter")
	}
	// Rows open the panel with htmx and push the deep link.
	link := w.owner.get("/tasks").doc.Find(`[data-testid="task-row-link"]`).First()
	if !strings.HasPrefix(link.AttrOr("hx-get", ""), "/tasks/") || !strings.HasPrefix(link.AttrOr("hx-push-url", ""), "/tasks?task=") {
		t.Fatal("row link")
	}
	// Another organization sees none of them; a member sees the projects they are on.
	if p := w.otherB.get("/tasks"); rows(p) != "" {
		t.Fatalf("other org sees %q", rows(p))
	}
	if p := w.member.get("/tasks"); rows(p) != "Nobody's chore,Milo's,Mine urgent" {
		t.Fatalf("member sees %q", rows(p))
	}
	// Pagination keeps the filters.
	for i := 0; i < 26; i++ {
		w.task(t, store.TaskInput{Title: "Bulk chore"})
	}
	p = w.owner.get("/tasks?q=chore")
	next := p.doc.Find(`[data-testid="pagination-next"]`)
	if next.AttrOr("href", "") != "/tasks?page=2&q=chore" {
		t.Fatalf("next page link %q", next.AttrOr("href", ""))
	}
	if p := w.owner.get("/tasks?q=chore&page=2"); p.doc.Find(`[data-testid="task-row"]`).Length() != 2 {
		t.Fatal("second page")
	}
}

// The pages that open the panel load its scripts with the page, and task-panel.js then asks for the panel without
// them (TRCR-Panel-Scripts: loaded): htmx would insert them again and the browser run each again for nothing
// (issue 15). Without the header the panel brings its scripts, for pages that do not load them.
func TestTaskPanel_LeavesOutTheScriptsThePageRuns(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	task := w.task(t, store.TaskInput{Title: "Scripts"})
	scripts := func(p page) []string {
		var out []string
		p.doc.Find(`script[src]`).Each(func(_ int, s *goquery.Selection) {
			src, _, _ := strings.Cut(s.AttrOr("src", ""), "?")
			out = append(out, src)
		})
		return out
	}
	want := "/static/js/task-panel.js,/static/js/attachments.js,/static/js/composer-files.js"
	p := htmxGet(w.owner, "/tasks/"+task.ID+"/panel")
	if got := strings.Join(scripts(p), ","); got != want {
		t.Fatalf("panel's scripts %q, want %q", got, want)
	}
	req, _ := http.NewRequest("GET", w.owner.e.srv.URL+"/tasks/"+task.ID+"/panel", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "task-panel")
	req.Header.Set("TRCR-Panel-Scripts", "loaded")
	p = w.owner.read(w.owner.c.Do(req))
	if p.status != http.StatusOK || !p.has("task-panel") || len(scripts(p)) != 0 {
		t.Fatalf("panel for a page that runs its scripts: %d, scripts %v", p.status, scripts(p))
	}
	if v := strings.Join(p.header.Values("Vary"), ","); !strings.Contains(v, "TRCR-Panel-Scripts") {
		t.Fatalf("Vary %q", v)
	}
	for _, path := range []string{w.boardPath(), "/tasks", "/gantt"} {
		page := w.owner.get(path)
		if got := strings.Join(scripts(page), ","); !strings.Contains(got, want) {
			t.Errorf("%s loads %q, not the panel's scripts", path, got)
		}
	}
}

// The panel htmx loads brings the assignee select with its chosen option only and the members in a <template>
// (task-panel.js fills the select as it is used); the page without JavaScript gets every option in the select.
func TestTaskPanel_AssigneeOptionsWaitInATemplateForHTMX(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	task := w.task(t, store.TaskInput{Title: "Launch", AssigneeID: &w.memberA.UserID})
	members := 2 // Olga and Milo

	p := htmxGet(w.owner, "/tasks/"+task.ID+"/panel")
	sel := p.doc.Find(`select#tp-assignee`)
	if sel.Length() != 1 || sel.AttrOr("data-options", "") != "tp-assignee-options" {
		t.Fatalf("htmx panel: assignee select %d, data-options %q", sel.Length(), sel.AttrOr("data-options", ""))
	}
	if opts := sel.Find("option"); opts.Length() != 1 || opts.AttrOr("value", "") != w.memberA.UserID || opts.AttrOr("selected", "-") == "-" {
		t.Fatalf("htmx panel: the select holds %d options, first %q", opts.Length(), opts.AttrOr("value", ""))
	}
	tpl, err := p.doc.Find(`template#tp-assignee-options`).Html()
	if err != nil || strings.Count(tpl, "<option") != members+1 || strings.Contains(tpl, "selected") {
		t.Fatalf("htmx panel: the template holds %q", tpl)
	}

	// Unassigned, the select shows it.
	un := w.task(t, store.TaskInput{Title: "Nobody's"})
	p = htmxGet(w.owner, "/tasks/"+un.ID+"/panel")
	if opts := p.doc.Find(`select#tp-assignee option`); opts.Length() != 1 || opts.AttrOr("value", "-") != "" || opts.Text() != "Unassigned" {
		t.Fatalf("htmx panel, unassigned: %d options, %q", opts.Length(), opts.Text())
	}

	// Without JavaScript: every option, the assignee selected, no template.
	p = w.owner.get("/tasks?task=" + task.ID)
	opts := p.doc.Find(`select#tp-assignee option`)
	if opts.Length() != members+1 || p.doc.Find(`template#tp-assignee-options`).Length() != 0 || p.doc.Find(`select#tp-assignee[data-options]`).Length() != 0 {
		t.Fatalf("page: %d options", opts.Length())
	}
	if got := p.doc.Find(`select#tp-assignee option[selected]`).AttrOr("value", ""); got != w.memberA.UserID {
		t.Fatalf("page: selected %q", got)
	}
}
