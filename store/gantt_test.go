package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

func ganttSpanOf(t store.GanttTask) string {
	s, d := "-", "-"
	if t.StartDate != nil {
		s = t.StartDate.String()
	}
	if t.DueDate != nil {
		d = t.DueDate.String()
	}
	return s + ".." + d
}

func TestGantt_ProjectTimelineHasTasksGroupsMilestonesAndEdges(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	ctx := context.Background()
	design, err := f.s.CreateTaskGroup(ctx, f.owner, f.project, store.TaskGroupInput{Name: ptr("Design")})
	if err != nil {
		t.Fatal(err)
	}
	a := f.createTask(t, store.TaskInput{Title: "A", StartDate: ptr("2026-03-02"), DueDate: ptr("2026-03-06"), Progress: ptr(40),
		AssigneeID: &f.member.UserID})
	b := f.createTask(t, store.TaskInput{Title: "B", GroupID: &design.ID, StartDate: ptr("2026-03-09"), DueDate: ptr("2026-03-13")})
	c := f.createTask(t, store.TaskInput{Title: "C undated"})
	d := f.createTask(t, store.TaskInput{Title: "D done", Status: "done", DueDate: ptr("2026-03-01")})
	if _, err := f.s.AddDependency(ctx, f.owner, b.ID, store.DependencyInput{DependsOnID: a.ID, DependencyType: store.DependencyBlockedBy}); err != nil {
		t.Fatal(err)
	}
	ms, err := f.s.CreateMilestone(ctx, f.owner, f.project, store.MilestoneInput{Title: ptr("Beta"), TargetDate: ptr("2026-03-20")})
	if err != nil {
		t.Fatal(err)
	}
	// A second project the worker is not a member of, with a task that A blocks.
	var other, otherGroup string
	if err := f.db.Get(&other, `INSERT INTO projects (organization_id, name) VALUES ($1, 'Hidden') RETURNING id`, f.owner.OrgID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&otherGroup, `INSERT INTO task_groups (organization_id, project_id, name, position, is_default)
		VALUES ($1, $2, 'To do', 0, true) RETURNING id`, f.owner.OrgID, other); err != nil {
		t.Fatal(err)
	}
	e, err := f.s.CreateTask(ctx, f.owner, store.TaskInput{ProjectID: other, Title: "E", DueDate: ptr("2026-03-30")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddDependency(ctx, f.owner, e.ID, store.DependencyInput{DependsOnID: a.ID, DependencyType: store.DependencyBlockedBy}); err != nil {
		t.Fatal(err)
	}

	g, err := f.s.Gantt(ctx, f.owner, f.project)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Projects) != 1 || g.Projects[0].ID != f.project || !g.Projects[0].CanManage {
		t.Fatalf("projects %+v", g.Projects)
	}
	if len(g.Groups) != 2 || g.Groups[0].ID != f.group || g.Groups[1].ID != design.ID {
		t.Fatalf("groups %+v", g.Groups)
	}
	got := map[string]store.GanttTask{}
	for _, task := range g.Tasks {
		got[task.ID] = task
	}
	if len(g.Tasks) != 4 {
		t.Fatalf("tasks %d, want 4", len(g.Tasks))
	}
	if ta := got[a.ID]; ganttSpanOf(ta) != "2026-03-02..2026-03-06" || ta.Progress != 40 || ta.GroupID != f.group ||
		ta.AssigneeName == nil || *ta.AssigneeName != "Will Worker" || ta.Completed {
		t.Fatalf("A %+v", ta)
	}
	if tb := got[b.ID]; tb.GroupID != design.ID || ganttSpanOf(tb) != "2026-03-09..2026-03-13" {
		t.Fatalf("B %+v", tb)
	}
	if ganttSpanOf(got[c.ID]) != "-..-" || !got[d.ID].Completed {
		t.Fatalf("C %+v D %+v", got[c.ID], got[d.ID])
	}
	// Within a group, by start (or due) date, undated last.
	var order []string
	for _, task := range g.Tasks {
		if task.GroupID == f.group {
			order = append(order, task.Title)
		}
	}
	if fmt.Sprint(order) != "[D done A C undated]" {
		t.Fatalf("order in the default group: %v", order)
	}
	if len(g.Dependencies) != 1 || g.Dependencies[0].TaskID != b.ID || g.Dependencies[0].DependsOnID != a.ID {
		t.Fatalf("edges on the project's chart %+v (the edge to another project's task is left out)", g.Dependencies)
	}
	if len(g.Milestones) != 1 || g.Milestones[0].ID != ms.ID || g.Milestones[0].TargetDate != "2026-03-20" || g.Milestones[0].Color == "" {
		t.Fatalf("milestones %+v", g.Milestones)
	}

	// Across projects the owner sees both, with the edge between them.
	all, err := f.s.Gantt(ctx, f.owner, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Projects) != 2 || len(all.Tasks) != 5 || len(all.Dependencies) != 2 {
		t.Fatalf("all projects: %d projects, %d tasks, %d edges", len(all.Projects), len(all.Tasks), len(all.Dependencies))
	}

	// The worker sees only its project, cannot move its tasks, and not the edge into the hidden one.
	w, err := f.s.Gantt(ctx, f.member, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Projects) != 1 || w.Projects[0].CanManage || len(w.Tasks) != 4 || len(w.Dependencies) != 1 {
		t.Fatalf("worker: %+v, %d tasks, %d edges", w.Projects, len(w.Tasks), len(w.Dependencies))
	}
	for _, id := range []string{other, "not-a-uuid", "00000000-0000-0000-0000-000000000000"} {
		if _, err := f.s.Gantt(ctx, f.member, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("worker, project %s: %v, want not found", id, err)
		}
	}

	// An archived project leaves the all-projects chart but keeps its own.
	f.db.MustExec(`UPDATE projects SET status = 'archived' WHERE id = $1`, other)
	if all, err = f.s.Gantt(ctx, f.owner, ""); err != nil || len(all.Projects) != 1 {
		t.Fatalf("after archiving: %d projects, %v", len(all.Projects), err)
	}
	if arch, err := f.s.Gantt(ctx, f.owner, other); err != nil || len(arch.Tasks) != 1 {
		t.Fatalf("archived project's chart: %v", err)
	}
}

func TestGantt_AnotherOrganizationsProjectIsNotFound(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	ctx := context.Background()
	sess, err := f.s.Register(ctx, store.RegisterInput{Email: "stranger@example.com", Password: "secret123", Name: "Stranger"})
	if err != nil {
		t.Fatal(err)
	}
	name := "Elsewhere"
	org, err := f.s.CreateOrganization(ctx, sess.User.ID, "", store.OrganizationInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := f.s.ActorFor(ctx, sess.User.ID, org.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Gantt(ctx, stranger, f.project); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization's project: %v", err)
	}
	g, err := f.s.Gantt(ctx, stranger, "")
	if err != nil || len(g.Projects) != 0 || len(g.Tasks) != 0 || g.Tasks == nil || g.Dependencies == nil {
		t.Fatalf("empty organization: %+v, %v", g, err)
	}
}

func TestGantt_TodayIsInTheUsersTimezone(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	f.db.MustExec(`UPDATE users SET timezone = 'Pacific/Kiritimati' WHERE id = $1`, f.owner.UserID) // UTC+14
	f.s.SetClock(func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) })
	g, err := f.s.Gantt(context.Background(), f.owner, f.project)
	if err != nil {
		t.Fatal(err)
	}
	if g.Today.String() != "2026-03-11" {
		t.Fatalf("today %s, want 2026-03-11", g.Today)
	}
}

// The chart's data comes from a fixed number of queries whatever the number of tasks: a chart of 600 tasks (the
// brief is 2,000 on the page) loads in one call, with every task and edge.
func TestGantt_ManyTasksLoadInOneCall(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	f.db.MustExec(`
		INSERT INTO tasks (organization_id, project_id, group_id, title, start_date, due_date, progress, position)
		SELECT $1, $2, $3, 'Task ' || i, date '2026-01-01' + i, date '2026-01-05' + i, i % 101, i
		FROM generate_series(0, 599) i`, f.owner.OrgID, f.project, f.group)
	f.db.MustExec(`
		INSERT INTO task_dependencies (organization_id, task_id, depends_on_id, dependency_type)
		SELECT $1, b.id, a.id, 'blocked_by' FROM tasks a JOIN tasks b ON b.position = a.position + 1 AND b.group_id = a.group_id
		WHERE a.group_id = $2 AND a.position < 99`, f.owner.OrgID, f.group)
	start := time.Now()
	g, err := f.s.Gantt(context.Background(), f.owner, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("600 tasks in %s", time.Since(start))
	if len(g.Tasks) != 600 || len(g.Dependencies) != 99 {
		t.Fatalf("%d tasks, %d edges", len(g.Tasks), len(g.Dependencies))
	}
	if first := g.Tasks[0]; first.Title != "Task 0" || ganttSpanOf(first) != "2026-01-01..2026-01-05" {
		t.Fatalf("first task %+v", first)
	}
}

func TestDashboardWork_OpenTasksSoonestDueFirst(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	ctx := context.Background()
	f.s.SetClock(func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) })
	f.status(t, "qa_review", false, false, "")
	f.db.MustExec(`UPDATE task_statuses SET label = 'QA review' WHERE code = 'qa_review'`)
	me := &f.owner.UserID
	f.createTask(t, store.TaskInput{Title: "Later", AssigneeID: me, DueDate: ptr("2026-03-20")})
	f.createTask(t, store.TaskInput{Title: "Undated", AssigneeID: me})
	f.createTask(t, store.TaskInput{Title: "Soon", AssigneeID: me, DueDate: ptr("2026-03-12"), Status: "qa_review"})
	f.createTask(t, store.TaskInput{Title: "Late urgent", AssigneeID: me, DueDate: ptr("2026-03-02"), Priority: "urgent"})
	f.createTask(t, store.TaskInput{Title: "Done", AssigneeID: me, DueDate: ptr("2026-03-01"), Status: "done"})
	f.createTask(t, store.TaskInput{Title: "Someone else's", AssigneeID: &f.member.UserID, DueDate: ptr("2026-03-11")})
	for i := 0; i < 8; i++ {
		f.createTask(t, store.TaskInput{Title: fmt.Sprintf("Filler %d", i), AssigneeID: me, DueDate: ptr("2026-04-01")})
	}

	w, err := f.s.DashboardWork(ctx, f.owner)
	if err != nil {
		t.Fatal(err)
	}
	if w.Summary.TotalTasks != 13 || w.Summary.CompletedTasks != 1 || w.Summary.OverdueCount != 1 {
		t.Fatalf("summary %+v", w.Summary)
	}
	if len(w.OpenTasks) != store.MaxDashboardOpenTasks {
		t.Fatalf("%d open tasks, want %d", len(w.OpenTasks), store.MaxDashboardOpenTasks)
	}
	var titles []string
	for _, task := range w.OpenTasks[:3] {
		titles = append(titles, task.Title)
	}
	if fmt.Sprint(titles) != "[Late urgent Soon Later]" {
		t.Fatalf("first open tasks %v", titles)
	}
	for _, task := range w.OpenTasks {
		if task.Title == "Undated" || task.Title == "Done" || task.Title == "Someone else's" {
			t.Fatalf("%q listed (undated tasks come last, after the ten)", task.Title)
		}
		if task.ProjectName != "Work" || task.ProjectColor == "" {
			t.Fatalf("project of %q: %q %q", task.Title, task.ProjectName, task.ProjectColor)
		}
	}
	if len(w.OverdueUrgent) != 1 || w.OverdueUrgent[0].Title != "Late urgent" || w.OverdueUrgent[0].ProjectName != "Work" {
		t.Fatalf("overdue urgent %+v", w.OverdueUrgent)
	}
	if w.DueSoon != 1 || w.Today.String() != "2026-03-10" || w.StatusLabels["qa_review"] != "QA review" {
		t.Fatalf("due soon %d, today %s, labels %v", w.DueSoon, w.Today, w.StatusLabels)
	}

	// The worker's dashboard has only its own task.
	ww, err := f.s.DashboardWork(ctx, f.member)
	if err != nil || len(ww.OpenTasks) != 1 || ww.OpenTasks[0].Title != "Someone else's" || ww.DueSoon != 1 {
		t.Fatalf("worker: %+v, %v", ww.OpenTasks, err)
	}
}
