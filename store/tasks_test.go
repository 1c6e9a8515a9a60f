package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

// taskFixture is an organization with an owner, a plain member assigned to work, and one project (with its
// default group) of which both are members. Projects and statuses are written with SQL so these tests depend
// only on the task use cases.
type taskFixture struct {
	s       *store.Store
	db      *sqlx.DB
	owner   store.Actor
	worker  store.Actor
	project string
	group   string
}

func newTaskFixture(t *testing.T) taskFixture {
	t.Helper()
	s, db := newStore(t)
	ctx := context.Background()
	register := func(email, name string) string {
		sess, err := s.Register(ctx, store.RegisterInput{Email: email, Password: "secret123", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return sess.User.ID
	}
	ownerID, workerID := register("owner@example.com", "Olga Owner"), register("worker@example.com", "Will Worker")
	name := "Task Co"
	org, err := s.CreateOrganization(ctx, ownerID, "", store.OrganizationInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	db.MustExec(`INSERT INTO members (organization_id, user_id, email, role, status) VALUES ($1, $2, 'worker@example.com', 'member', 'active')`, org.ID, workerID)
	f := taskFixture{s: s, db: db}
	if f.owner, err = s.ActorFor(ctx, ownerID, org.ID, ""); err != nil {
		t.Fatal(err)
	}
	if f.worker, err = s.ActorFor(ctx, workerID, org.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&f.project, `INSERT INTO projects (organization_id, name) VALUES ($1, 'Work') RETURNING id`, org.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&f.group, `INSERT INTO task_groups (organization_id, project_id, name, position, is_default)
		VALUES ($1, $2, 'To do', 0, true) RETURNING id`, org.ID, f.project); err != nil {
		t.Fatal(err)
	}
	db.MustExec(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'manager'), ($1, $3, 'member')`,
		f.project, ownerID, workerID)
	return f
}

// status adds a custom status; next may be empty.
func (f taskFixture) status(t *testing.T, code string, terminal, progress bool, next string) {
	t.Helper()
	onComplete, nextCode := "none", any(nil)
	if next != "" {
		onComplete, nextCode = "auto_advance", next
	}
	f.db.MustExec(`INSERT INTO task_statuses (organization_id, code, label, color, position, is_terminal, supports_progress, on_complete, next_status_code)
		VALUES ($1, $2, $2, '#000000', 0, $3, $4, $5, $6)`, f.owner.OrgID, code, terminal, progress, onComplete, nextCode)
}

func (f taskFixture) create(t *testing.T, in store.TaskInput) store.Task {
	t.Helper()
	in.ProjectID = f.project
	task, err := f.s.CreateTask(context.Background(), f.owner, in)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func taskPtr[T any](v T) *T { return &v }

func TestTaskWorkflow_ProgressReaching100AdvancesOneStep(t *testing.T) {
	f := newTaskFixture(t)
	ctx := context.Background()
	f.status(t, "review", false, true, "qa")
	f.status(t, "qa", false, true, "shipped")
	f.status(t, "shipped", true, false, "")
	task := f.create(t, store.TaskInput{Title: "Ship", Status: "review", AssigneeID: &f.worker.UserID})

	// The assignee may move progress; reaching 100 hands the task on one step, not two.
	got, err := f.s.UpdateTask(ctx, f.worker, task.ID, store.TaskPatch{Progress: taskPtr(100)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != "qa" || got.Progress != 100 || got.CompletedAt != nil {
		t.Fatalf("after progress 100: status %s progress %d completed %v", got.Status, got.Progress, got.CompletedAt)
	}
	if _, err := f.s.ProcessEventJobs(ctx); err != nil { // the notifications subscriber, run after commit
		t.Fatal(err)
	}
	var notified int
	if err := f.db.Get(&notified, `SELECT count(*) FROM notifications WHERE user_id = $1 AND type = 'task_status_changed'
		AND data->>'to' = 'qa'`, f.owner.UserID); err != nil || notified != 1 {
		t.Fatalf("reporter notified %d times (%v)", notified, err)
	}
	// Progress already at 100: changing something else does not advance again.
	if got, err = f.s.UpdateTask(ctx, f.worker, task.ID, store.TaskPatch{Progress: taskPtr(100)}); err != nil || got.Status != "qa" {
		t.Fatalf("status %s, %v", got.Status, err)
	}
	// A terminal custom status completes the task; leaving it clears completed_at.
	if got, err = f.s.SetTaskStatus(ctx, f.worker, task.ID, "shipped"); err != nil || got.CompletedAt == nil {
		t.Fatalf("shipped: completed_at %v, %v", got.CompletedAt, err)
	}
	if got, err = f.s.SetTaskStatus(ctx, f.worker, task.ID, "review"); err != nil || got.CompletedAt != nil {
		t.Fatalf("back to review: completed_at %v, %v", got.CompletedAt, err)
	}

	// Created at 100 in an advancing status: it starts in the next one.
	if created := f.create(t, store.TaskInput{Title: "Born done", Status: "qa", Progress: taskPtr(100)}); created.Status != "shipped" || created.CompletedAt == nil {
		t.Fatalf("created in %s, completed %v", created.Status, created.CompletedAt)
	}
	// Status and progress in one request: the status given, then the rule.
	fresh := f.create(t, store.TaskInput{Title: "Both"})
	if got, err = f.s.UpdateTask(ctx, f.owner, fresh.ID, store.TaskPatch{Status: taskPtr("review"), Progress: taskPtr(100)}); err != nil || got.Status != "qa" {
		t.Fatalf("status %s, %v", got.Status, err)
	}
}

func TestTaskWorkflow_AssigneeMayNotEditOtherFields(t *testing.T) {
	f := newTaskFixture(t)
	task := f.create(t, store.TaskInput{Title: "Mine", AssigneeID: &f.worker.UserID})
	_, err := f.s.UpdateTask(context.Background(), f.worker, task.ID, store.TaskPatch{Status: taskPtr("done"), DueDate: store.Clearable[string]{Set: true}})
	if !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("err %v", err)
	}
	_, err = f.s.ReorderTask(context.Background(), f.worker, task.ID, store.ReorderInput{Position: taskPtr(0)})
	if !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("reorder by assignee: %v", err)
	}
}

func TestCreateTask_ConcurrentCreatesGetDistinctPositions(t *testing.T) {
	f := newTaskFixture(t)
	var wg sync.WaitGroup
	errs := make(chan error, 15)
	for i := range 15 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.CreateTask(context.Background(), f.owner, store.TaskInput{ProjectID: f.project, Title: fmt.Sprint("T", i)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var positions []int
	if err := f.db.Select(&positions, `SELECT position FROM tasks WHERE group_id = $1 ORDER BY position`, f.group); err != nil {
		t.Fatal(err)
	}
	// Ranks are gapped since issue 15 (store/task_ranks.go): distinct, each after the one before.
	for i, p := range positions {
		if len(positions) != 15 || i > 0 && p <= positions[i-1] {
			t.Fatalf("positions %v", positions)
		}
	}
}

func TestNotify_OnlyActiveMembersOfTheOrganization(t *testing.T) {
	f := newTaskFixture(t)
	ctx := context.Background()
	task := f.create(t, store.TaskInput{Title: "Leaving", AssigneeID: &f.worker.UserID})
	// The worker leaves the organization; the task still names them.
	f.db.MustExec(`DELETE FROM members WHERE user_id = $1`, f.worker.UserID)
	before := taskRowCount(t, f.db, `SELECT count(*) FROM notifications WHERE user_id = $1`, f.worker.UserID)
	if _, err := f.s.SetTaskStatus(ctx, f.owner, task.ID, "done"); err != nil {
		t.Fatal(err)
	}
	if after := taskRowCount(t, f.db, `SELECT count(*) FROM notifications WHERE user_id = $1`, f.worker.UserID); after != before {
		t.Fatal("a former member was notified")
	}
	if n := taskRowCount(t, f.db, `SELECT count(*) FROM email_outbox WHERE subject LIKE 'Task status changed%'`); n != 0 {
		t.Fatalf("%d status emails", n)
	}
}

func TestNotify_EmailCarriesTitleBodyAndAbsoluteLink(t *testing.T) {
	f := newTaskFixture(t)
	task := f.create(t, store.TaskInput{Title: "Fix <login>", AssigneeID: &f.worker.UserID})
	if _, err := f.s.ProcessEventJobs(context.Background()); err != nil { // the notifications subscriber
		t.Fatal(err)
	}
	emails, err := f.s.OutboxEmails(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, m := range emails {
		if m.Subject != "Task assigned: Fix <login>" {
			continue
		}
		found = true
		link := "https://trcr.example/tasks?task=" + task.ID
		if len(m.To) != 1 || m.To[0] != "worker@example.com" || !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, link) ||
			!strings.Contains(m.Text, "Olga Owner assigned this task to you.") || !strings.Contains(m.HTML, "Fix &lt;login&gt;") {
			t.Fatalf("email %+v", m)
		}
	}
	if !found {
		t.Fatal("no assignment email")
	}
}

func TestDate_JSON(t *testing.T) {
	var d store.Date
	if err := json.Unmarshal([]byte(`"2026-02-28"`), &d); err != nil || d.String() != "2026-02-28" {
		t.Fatalf("%v %v", d, err)
	}
	for _, bad := range []string{`"2026-02-30"`, `"28/02/2026"`, `"2026-02-28T00:00:00Z"`, `5`} {
		if err := json.Unmarshal([]byte(bad), &d); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	out, _ := json.Marshal(struct {
		D *store.Date `json:"d"`
		N *store.Date `json:"n"`
	}{D: &d})
	if string(out) != `{"d":"2026-02-28","n":null}` {
		t.Fatalf("%s", out)
	}
}

func taskRowCount(t *testing.T, db *sqlx.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Get(&n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}
