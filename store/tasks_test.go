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

func TestTaskWorkflow_ProgressReaching100AdvancesOneStep(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	ctx := context.Background()
	f.status(t, "review", false, true, "qa")
	f.status(t, "qa", false, true, "shipped")
	f.status(t, "shipped", true, false, "")
	task := f.createTask(t, store.TaskInput{Title: "Ship", Status: "review", AssigneeID: &f.member.UserID})

	// The assignee may move progress; reaching 100 hands the task on one step, not two.
	got, err := f.s.UpdateTask(ctx, f.member, task.ID, store.TaskPatch{Progress: ptr(100)})
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
	if got, err = f.s.UpdateTask(ctx, f.member, task.ID, store.TaskPatch{Progress: ptr(100)}); err != nil || got.Status != "qa" {
		t.Fatalf("status %s, %v", got.Status, err)
	}
	// A terminal custom status completes the task; leaving it clears completed_at.
	if got, err = f.s.SetTaskStatus(ctx, f.member, task.ID, "shipped"); err != nil || got.CompletedAt == nil {
		t.Fatalf("shipped: completed_at %v, %v", got.CompletedAt, err)
	}
	if got, err = f.s.SetTaskStatus(ctx, f.member, task.ID, "review"); err != nil || got.CompletedAt != nil {
		t.Fatalf("back to review: completed_at %v, %v", got.CompletedAt, err)
	}

	// Created at 100 in an advancing status: it starts in the next one.
	if created := f.createTask(t, store.TaskInput{Title: "Born done", Status: "qa", Progress: ptr(100)}); created.Status != "shipped" || created.CompletedAt == nil {
		t.Fatalf("created in %s, completed %v", created.Status, created.CompletedAt)
	}
	// Status and progress in one request: the status given, then the rule.
	fresh := f.createTask(t, store.TaskInput{Title: "Both"})
	if got, err = f.s.UpdateTask(ctx, f.owner, fresh.ID, store.TaskPatch{Status: ptr("review"), Progress: ptr(100)}); err != nil || got.Status != "qa" {
		t.Fatalf("status %s, %v", got.Status, err)
	}
}

func TestTaskWorkflow_AssigneeMayNotEditOtherFields(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	task := f.createTask(t, store.TaskInput{Title: "Mine", AssigneeID: &f.member.UserID})
	_, err := f.s.UpdateTask(context.Background(), f.member, task.ID, store.TaskPatch{Status: ptr("done"), DueDate: store.Clearable[string]{Set: true}})
	if !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("err %v", err)
	}
	_, err = f.s.ReorderTask(context.Background(), f.member, task.ID, store.ReorderInput{Position: ptr(0)})
	if !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("reorder by assignee: %v", err)
	}
}

func TestCreateTask_ConcurrentCreatesGetDistinctPositions(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
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
	t.Parallel()
	f := newTaskWorld(t)
	ctx := context.Background()
	task := f.createTask(t, store.TaskInput{Title: "Leaving", AssigneeID: &f.member.UserID})
	// The worker leaves the organization; the task still names them.
	f.db.MustExec(`DELETE FROM members WHERE user_id = $1`, f.member.UserID)
	before := taskRowCount(t, f.db, `SELECT count(*) FROM notifications WHERE user_id = $1`, f.member.UserID)
	if _, err := f.s.SetTaskStatus(ctx, f.owner, task.ID, "done"); err != nil {
		t.Fatal(err)
	}
	if after := taskRowCount(t, f.db, `SELECT count(*) FROM notifications WHERE user_id = $1`, f.member.UserID); after != before {
		t.Fatal("a former member was notified")
	}
	if n := taskRowCount(t, f.db, `SELECT count(*) FROM email_outbox WHERE subject LIKE 'Task status changed%'`); n != 0 {
		t.Fatalf("%d status emails", n)
	}
}

func TestNotify_EmailCarriesTitleBodyAndAbsoluteLink(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	task := f.createTask(t, store.TaskInput{Title: "Fix <login>", AssigneeID: &f.member.UserID})
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
	t.Parallel()
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
