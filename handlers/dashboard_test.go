package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

func TestDashboard_WorkComesFirstWithCountersAndLists(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	me := &g.ownerA.UserID
	today := time.Now().UTC()
	day := func(offset int) *string { return ptr(today.AddDate(0, 0, offset).Format("2006-01-02")) }
	late := g.task(t, store.TaskInput{Title: "Fix the checkout", AssigneeID: me, DueDate: day(-3), Priority: "urgent"})
	g.task(t, store.TaskInput{Title: "Review the copy", AssigneeID: me, DueDate: day(2), Progress: ptr(30)})
	g.task(t, store.TaskInput{Title: "Someday", AssigneeID: me})
	g.task(t, store.TaskInput{Title: "Shipped", AssigneeID: me, DueDate: day(-10), Status: "done"})
	g.task(t, store.TaskInput{Title: "Not mine", DueDate: day(1)})

	p := g.owner.get("/")
	if p.status != http.StatusOK {
		t.Fatalf("dashboard: %d", p.status)
	}
	for id, want := range map[string]string{"stat-total": "4", "stat-completed": "1", "stat-overdue": "1", "stat-due-soon": "1"} {
		if got := p.doc.Find(`[data-testid="` + id + `"] .stat__value`).Text(); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	rows := p.doc.Find(`[data-testid="my-open-tasks"] [data-testid="my-task-row"]`)
	if rows.Length() != 3 {
		t.Fatalf("%d open tasks, want 3", rows.Length())
	}
	first, second := rows.Eq(0), rows.Eq(1)
	if !strings.Contains(first.Text(), "Fix the checkout") || !strings.Contains(second.Text(), "Review the copy") ||
		!strings.Contains(rows.Eq(2).Text(), "Someday") {
		t.Errorf("open tasks not soonest due first: %q", rows.Text())
	}
	if first.AttrOr("href", "") != "/tasks?task="+late.ID || first.AttrOr("hx-get", "") != "/tasks/"+late.ID+"/panel" ||
		first.AttrOr("hx-target", "") != "#task-panel" || first.AttrOr("hx-push-url", "") != "/tasks?task="+late.ID {
		t.Errorf("row link: %v", first.Nodes[0].Attr)
	}
	if got := strings.TrimSpace(first.Find(`[data-testid="task-due"]`).Text()); got != "3 days overdue" {
		t.Errorf("due label %q", got)
	}
	if got := strings.TrimSpace(second.Find(`[data-testid="task-due"]`).Text()); !strings.HasPrefix(got, "Due ") {
		t.Errorf("due label %q", got)
	}
	if !strings.Contains(second.Text(), "Website relaunch") || !strings.Contains(second.Text(), "30%") {
		t.Errorf("row meta %q", second.Text())
	}
	urgent := p.doc.Find(`[data-testid="overdue-urgent"] [data-testid="urgent-task-row"]`)
	if urgent.Length() != 1 || urgent.AttrOr("href", "") != "/tasks?task="+late.ID {
		t.Errorf("overdue & urgent: %d", urgent.Length())
	}
	// The organization overview and checklist stay, after the work.
	for _, id := range []string{"org-overview", "checklist", "quick-links", "recent-activity"} {
		if !p.has(id) {
			t.Errorf("missing %s", id)
		}
	}
	if html, _ := p.doc.Html(); strings.Index(html, `data-testid="work-summary"`) > strings.Index(html, `data-testid="org-overview"`) {
		t.Error("work does not come first")
	}
}

func TestDashboard_EmptyStatesForSomeoneWithoutTasks(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	g.task(t, store.TaskInput{Title: "Not Mia's", AssigneeID: &g.ownerA.UserID, DueDate: ptr("2020-01-01"), Priority: "urgent"})
	p := g.member.get("/")
	if p.status != http.StatusOK {
		t.Fatalf("dashboard: %d", p.status)
	}
	if p.doc.Find(`[data-testid="my-open-tasks"] [data-testid="empty-state"]`).Length() != 1 ||
		p.doc.Find(`[data-testid="overdue-urgent"] [data-testid="empty-state"]`).Length() != 1 {
		t.Fatal("empty states missing")
	}
	if p.has("my-task-row") || p.has("urgent-task-row") {
		t.Fatal("someone else's tasks are listed")
	}
	if got := p.doc.Find(`[data-testid="stat-total"] .stat__value`).Text(); got != "0" {
		t.Fatalf("total %q", got)
	}
	// A task in a project Mia cannot see is not counted even when assigned to her.
	hidden, err := g.e.store.CreateProject(context.Background(), g.ownerA, store.ProjectInput{Name: ptr("Secret")})
	if err != nil {
		t.Fatal(err)
	}
	mia := g.e.actor("mia@example.com")
	if _, err := g.e.store.CreateTask(context.Background(), g.ownerA, store.TaskInput{ProjectID: hidden.ID, Title: "Hidden"}); err != nil {
		t.Fatal(err)
	}
	g.e.db.MustExec(`UPDATE tasks SET assignee_id = $1 WHERE title = 'Hidden'`, mia.UserID)
	if p := g.member.get("/"); p.has("my-task-row") {
		t.Fatal("a task of a project Mia is not in is listed")
	}
}
