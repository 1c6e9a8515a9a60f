package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func TestQuickCreate_TheFormIsInTheHeaderAndOnTheTasksPage(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	tasks := w.owner.visit(visit{path: "/tasks", status: http.StatusOK, has: []string{"new-task-open", "tasks-new-task", "quick-create", "shortcuts"}})
	if tasks.doc.Find(`[data-testid="shortcuts"] kbd`).Length() < 5 {
		t.Errorf("the shortcut sheet lists %d keys", tasks.doc.Find(`[data-testid="shortcuts"] kbd`).Length())
	}
	w.owner.visit(visit{path: "/", status: http.StatusOK, has: []string{"new-task-open", "quick-create"}})
	page := w.owner.visit(visit{path: "/tasks/new", status: http.StatusOK, has: []string{"new-task-page", "new-task-form", "new-task-title", "nt-project", "nt-status", "nt-assignee", "new-task-due"}})
	checkPage(t, "new task page", page)
	if got := page.doc.Find(`#nt-project option[value="` + w.project.ID + `"]`).Length(); got != 1 {
		t.Errorf("the project is offered %d times", got)
	}
	if page.doc.Find(`#nt-project option[value="`+w.other.ID+`"]`).Length() != 0 {
		t.Error("another organization's project is offered")
	}
	if page.doc.Find(`#nt-assignee option[value="`+w.memberA.UserID+`"]`).Length() != 1 {
		t.Error("the member is not offered as assignee")
	}
	frag := w.owner.visit(visit{htmx: true, path: "/tasks/new", status: http.StatusOK, has: []string{"new-task-form"}, hasNot: []string{"new-task-page", "sidebar"}})
	checkPage(t, "new task fragment", frag)
	// A project member who manages no project is told there is nowhere to add a task.
	w.member.visit(visit{path: "/tasks/new", status: http.StatusOK, has: []string{"new-task-no-projects"}})
}

func TestQuickCreate_CreatesWithEachFieldAndOpensThePanel(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	w.owner.get("/tasks/new")
	p := w.owner.visit(visit{method: http.MethodPost, path: "/tasks/new", status: http.StatusSeeOther, form: url.Values{
		"title": {"  Write the launch post "}, "project_id": {w.project.ID}, "status": {"in_progress"},
		"assignee_id": {w.memberA.UserID}, "due_date": {"2026-12-24"}}})
	id := w.e.id(`SELECT id FROM tasks WHERE title = 'Write the launch post'`)
	if p.location != views.TaskDeepLink(id) {
		t.Errorf("location %q, want the panel %q", p.location, views.TaskDeepLink(id))
	}
	task, err := w.e.store.Task(context.Background(), w.ownerA, id)
	if err != nil {
		t.Fatal(err)
	}
	if task.ProjectID != w.project.ID || task.Status != "in_progress" || task.AssigneeID == nil || *task.AssigneeID != w.memberA.UserID ||
		task.DueDate == nil || task.DueDate.String() != "2026-12-24" {
		t.Errorf("created %+v", task)
	}
	w.owner.visit(visit{path: p.location, status: http.StatusOK, flash: "created", has: []string{"task-panel-dialog"}})

	// htmx (the dialog) gets a full load of the deep link.
	w.owner.get("/tasks")
	h := w.owner.send(visit{method: http.MethodPost, htmx: true, path: "/tasks/new", form: url.Values{"title": {"By the dialog"}, "project_id": {w.project.ID}}})
	id = w.e.id(`SELECT id FROM tasks WHERE title = 'By the dialog'`)
	if h.header.Get("HX-Redirect") != views.TaskDeepLink(id) {
		t.Errorf("HX-Redirect %q (status %d)", h.header.Get("HX-Redirect"), h.status)
	}
}

func TestQuickCreate_RefusedInputShowsMessagesAndCreatesNothing(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	before := w.e.id(`SELECT count(*)::text FROM tasks`)
	w.owner.get("/tasks/new")
	cases := []struct {
		name    string
		form    url.Values
		control string
	}{
		{"no title", url.Values{"title": {"  "}, "project_id": {w.project.ID}}, "nt-title"},
		{"no project", url.Values{"title": {"A"}}, "nt-project"},
		{"bad date", url.Values{"title": {"A"}, "project_id": {w.project.ID}, "due_date": {"24.12.2026"}}, "nt-due"},
		{"unknown status", url.Values{"title": {"A"}, "project_id": {w.project.ID}, "status": {"nope"}}, "nt-status"},
		{"another org's person", url.Values{"title": {"A"}, "project_id": {w.project.ID}, "assignee_id": {w.otherA.UserID}}, "nt-assignee"},
		{"another org's project", url.Values{"title": {"A"}, "project_id": {w.other.ID}}, "nt-project"},
		{"not an id", url.Values{"title": {"A"}, "project_id": {"x'; --"}}, "nt-project"},
	}
	for _, c := range cases {
		for _, htmx := range []bool{false, true} {
			p := w.owner.visit(visit{name: c.name, method: http.MethodPost, htmx: htmx, path: "/tasks/new", form: c.form,
				status: http.StatusUnprocessableEntity, has: []string{"new-task-form"}})
			if p.fieldError(c.control) == "" {
				t.Errorf("%s (htmx %v): no message beside %s", c.name, htmx, c.control)
			}
			if got := p.doc.Find("#nt-title").AttrOr("value", ""); got != c.form.Get("title") {
				t.Errorf("%s: the title typed is lost (%q)", c.name, got)
			}
		}
	}
	if after := w.e.id(`SELECT count(*)::text FROM tasks`); after != before {
		t.Errorf("tasks %s → %s", before, after)
	}
}

// A project member without manage_tasks, and a member of the organization not on the project, are refused in the
// form; nothing is created.
func TestQuickCreate_MembersNotManagingTheProjectAreRefused(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	name := "Internal"
	internal, err := w.e.store.CreateProject(context.Background(), w.ownerA, store.ProjectInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	w.member.get("/tasks/new")
	for _, pid := range []string{w.project.ID, internal.ID} {
		p := w.member.visit(visit{method: http.MethodPost, path: "/tasks/new", form: url.Values{"title": {"Sneaky"}, "project_id": {pid}},
			status: http.StatusUnprocessableEntity})
		if p.fieldError("nt-project") == "" {
			t.Errorf("project %s: no message beside the project", pid)
		}
	}
	if n := w.e.id(`SELECT count(*)::text FROM tasks WHERE title = 'Sneaky'`); n != "0" {
		t.Errorf("%s tasks created", n)
	}
}
