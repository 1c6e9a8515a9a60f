package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

func calDay(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNextOccurrence(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pattern, from, want string
	}{
		{"daily", "2026-03-14", "2026-03-15"},
		{"daily", "2026-02-28", "2026-03-01"},
		{"daily", "2028-02-28", "2028-02-29"}, // leap year
		{"daily", "2026-12-31", "2027-01-01"}, // year end
		{"weekly", "2026-03-14", "2026-03-21"},
		{"weekly", "2026-12-28", "2027-01-04"},
		{"weekly", "2028-02-25", "2028-03-03"},
		{"monthly", "2026-01-15", "2026-02-15"},
		{"monthly", "2026-01-31", "2026-02-28"},
		{"monthly", "2028-01-31", "2028-02-29"}, // leap year
		{"monthly", "2026-03-31", "2026-04-30"},
		{"monthly", "2026-12-31", "2027-01-31"}, // year end
		{"monthly", "2026-12-15", "2027-01-15"},
		{" Monthly ", "2026-05-31", "2026-06-30"},
		{"DAILY", "2026-05-31", "2026-06-01"},
		// 2026-03-11 is a Wednesday; cron counts whole days strictly after from.
		{"0 9 * * 1", "2026-03-11", "2026-03-16"},
		{"0 9 * * 1", "2026-03-16", "2026-03-23"}, // from a Monday: the next one
		{"0 9 * * 1-5", "2026-03-13", "2026-03-16"},
		{"0 0 1 * *", "2026-03-11", "2026-04-01"},
		{"0 0 1 * *", "2026-12-01", "2027-01-01"},
		{"0 0 29 2 *", "2026-03-01", "2028-02-29"},
		{"30 23 */2 * *", "2026-03-01", "2026-03-03"},
		{"0  0   1 * *", "2026-03-11", "2026-04-01"}, // extra spaces are tolerated
	}
	for _, c := range cases {
		got, err := store.NextOccurrence(c.pattern, calDay(c.from))
		if err != nil {
			t.Errorf("%q from %s: %v", c.pattern, c.from, err)
			continue
		}
		if got.Format("2006-01-02") != c.want {
			t.Errorf("%q from %s: got %s, want %s", c.pattern, c.from, got.Format("2006-01-02"), c.want)
		}
	}
}

// A monthly series anchored to the 31st comes back to the 31st after a short month clamped it.
func TestNextOccurrence_MonthlyKeepsItsAnchorDay(t *testing.T) {
	t.Parallel()
	want := []string{"2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31"}
	d := calDay("2028-01-31")
	for _, w := range want {
		next, err := store.NextOccurrenceAnchored("monthly", d, 31)
		if err != nil {
			t.Fatal(err)
		}
		if next.Format("2006-01-02") != w {
			t.Fatalf("after %s: got %s, want %s", d.Format("2006-01-02"), next.Format("2006-01-02"), w)
		}
		d = next
	}
}

func TestNormalizePattern_RejectsInvalid(t *testing.T) {
	t.Parallel()
	for _, p := range []string{
		"", "   ", "yearly", "hourly", "every day", "@daily", "@every 1h", "* * * *", "* * * * * *",
		"60 * * * *", "0 24 * * *", "0 0 32 * *", "0 0 * 13 *", "0 0 * * 8", "a b c d e",
		"0 0 30 2 *", // parses, never fires
		"TZ=UTC 0 9 * * 1",
	} {
		if got, err := store.NormalizePattern(p); err == nil {
			t.Errorf("%q accepted as %q", p, got)
		}
		if _, err := store.NextOccurrence(p, calDay("2026-01-01")); err == nil {
			t.Errorf("%q: NextOccurrence accepted it", p)
		}
	}
	for p, want := range map[string]string{"Weekly": "weekly", " 0 9 * * 1 ": "0 9 * * 1", "0  9 * * MON": "0 9 * * MON"} {
		if got, err := store.NormalizePattern(p); err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", p, got, err, want)
		}
	}
}

// completeAndRecur runs the completion hook the way the task use cases do: inside one transaction.
func completeAndRecur(t *testing.T, f *world, taskID string) {
	t.Helper()
	tx := f.db.MustBeginTx(context.Background(), nil)
	defer tx.Rollback()
	tx.MustExec(`UPDATE tasks SET status = 'done', completed_at = now(), progress = 100 WHERE id = $1`, taskID)
	if err := store.CreateNextOccurrence(f.s, context.Background(), tx, f.owner, taskID); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

type occurrence struct {
	ID             string   `db:"id"`
	Title          string   `db:"title"`
	Description    string   `db:"description"`
	ProjectID      string   `db:"project_id"`
	GroupID        string   `db:"group_id"`
	Status         string   `db:"status"`
	Priority       string   `db:"priority"`
	AssigneeID     *string  `db:"assignee_id"`
	StartDate      *string  `db:"start_date"`
	DueDate        *string  `db:"due_date"`
	EstimatedHours *float64 `db:"estimated_hours"`
	Complexity     *int     `db:"complexity"`
	Progress       int      `db:"progress"`
	Position       int      `db:"position"`
	Labels         string   `db:"labels"`
	CompletedAt    *string  `db:"completed_at"`
}

func readOccurrence(t *testing.T, db *sqlx.DB, id string) occurrence {
	t.Helper()
	var o occurrence
	err := db.Get(&o, `
		SELECT id, title, description, project_id, group_id, status, priority, assignee_id,
			to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(due_date, 'YYYY-MM-DD') AS due_date,
			estimated_hours, complexity, progress, completed_at::text,
			(SELECT count(*) FROM tasks s WHERE s.group_id = t.group_id AND s.position < t.position) AS position,
			coalesce((SELECT string_agg(l.name, ',' ORDER BY l.name) FROM task_labels tl JOIN labels l ON l.id = tl.label_id
				WHERE tl.task_id = t.id), '') AS labels
		FROM tasks t WHERE id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func strOrNil(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestCreateNextOccurrence_CopiesTheTaskAndTheRuleFollowsIt(t *testing.T) {
	t.Parallel()
	f := newDetailWorld(t)
	ctx := context.Background()
	first := f.sqlTask(t, "Pay rent", map[string]any{
		"description": "Transfer to **landlord**", "priority": "high", "assignee_id": f.owner.UserID,
		"reporter_id": f.owner.UserID, "start_date": "2026-01-28", "due_date": "2026-01-31",
		"estimated_hours": 1.5, "complexity": 3, "status": "in_progress", "progress": 40,
	})
	f.sqlTask(t, "Something else in the group", nil)
	var label string
	f.db.Get(&label, `INSERT INTO labels (organization_id, name) VALUES ($1, 'finance') RETURNING id`, f.owner.OrgID)
	f.db.MustExec(`INSERT INTO task_labels (task_id, label_id) VALUES ($1, $2)`, first, label)

	rule, err := f.s.CreateRecurrence(ctx, f.owner, first, "monthly")
	if err != nil {
		t.Fatal(err)
	}
	if strOrNil(rule.NextDueDate) != "2026-02-28" {
		t.Fatalf("next_due_date %s, want 2026-02-28", strOrNil(rule.NextDueDate))
	}

	// Jan 31 → Feb 28 → Mar 31 → Apr 30: the series keeps its day of the month, and the start keeps 3 days before.
	wantDue := []string{"2026-02-28", "2026-03-31", "2026-04-30"}
	wantStart := []string{"2026-02-25", "2026-03-28", "2026-04-27"}
	wantNext := []string{"2026-03-31", "2026-04-30", "2026-05-31"}
	current := first
	for i := range wantDue {
		completeAndRecur(t, f, current)
		r, err := f.s.TaskRecurrence(ctx, f.owner, current)
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("rule still on the completed task: %+v, %v", r, err)
		}
		var newID string
		f.db.Get(&newID, `SELECT task_id FROM task_recurrences WHERE id = $1`, rule.ID)
		if newID == current || newID == "" {
			t.Fatalf("occurrence %d: rule did not follow the series", i)
		}
		o := readOccurrence(t, f.db, newID)
		if o.Title != "Pay rent" || o.Description != "Transfer to **landlord**" || o.ProjectID != f.project ||
			o.GroupID != f.group || o.Status != "open" || o.Priority != "high" || strOrNil(o.AssigneeID) != f.owner.UserID ||
			o.EstimatedHours == nil || *o.EstimatedHours != 1.5 || o.Complexity == nil || *o.Complexity != 3 ||
			o.Progress != 0 || o.Labels != "finance" || o.CompletedAt != nil {
			t.Fatalf("occurrence %d copied wrongly: %+v", i, o)
		}
		if strOrNil(o.DueDate) != wantDue[i] || strOrNil(o.StartDate) != wantStart[i] {
			t.Fatalf("occurrence %d: start %s due %s, want %s %s", i, strOrNil(o.StartDate), strOrNil(o.DueDate), wantStart[i], wantDue[i])
		}
		if o.Position != 2+i {
			t.Fatalf("occurrence %d at position %d, want the end of the group (%d)", i, o.Position, 2+i)
		}
		r, err = f.s.TaskRecurrence(ctx, f.owner, newID)
		if err != nil || r.ID != rule.ID || strOrNil(r.NextDueDate) != wantNext[i] {
			t.Fatalf("occurrence %d rule: %+v %v, want next %s", i, r, err, wantNext[i])
		}
		current = newID
	}
	var audits int
	f.db.Get(&audits, `SELECT count(*) FROM audit_logs WHERE entity_type = 'task' AND action = 'created'`)
	if audits != 3 {
		t.Fatalf("%d task created audit entries, want 3", audits)
	}
}

func TestCreateNextOccurrence_WithoutRuleOrDueDate(t *testing.T) {
	t.Parallel()
	f := newDetailWorld(t)
	ctx := context.Background()

	plain := f.sqlTask(t, "One-off", nil)
	completeAndRecur(t, f, plain)
	var n int
	f.db.Get(&n, `SELECT count(*) FROM tasks`)
	if n != 1 {
		t.Fatalf("a task without a rule recurred: %d tasks", n)
	}

	// Without a due date the series counts from today in the organization's timezone; a start date without a
	// due date has nothing to keep its distance to and is not copied.
	undated := f.sqlTask(t, "Water plants", map[string]any{"start_date": "2026-01-01"})
	rule, err := f.s.CreateRecurrence(ctx, f.owner, undated, "daily")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC()
	tomorrow := time.Date(today.Year(), today.Month(), today.Day()+1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	if strOrNil(rule.NextDueDate) != tomorrow {
		t.Fatalf("next_due_date %s, want %s", strOrNil(rule.NextDueDate), tomorrow)
	}
	completeAndRecur(t, f, undated)
	var next string
	f.db.Get(&next, `SELECT task_id FROM task_recurrences WHERE id = $1`, rule.ID)
	o := readOccurrence(t, f.db, next)
	if strOrNil(o.DueDate) != tomorrow || o.StartDate != nil {
		t.Fatalf("occurrence: start %s due %s", strOrNil(o.StartDate), strOrNil(o.DueDate))
	}

	// A weekly cron series: every Monday.
	monday := f.sqlTask(t, "Standup notes", map[string]any{"due_date": "2026-03-11"})
	if _, err := f.s.CreateRecurrence(ctx, f.owner, monday, "0 9 * * 1"); err != nil {
		t.Fatal(err)
	}
	completeAndRecur(t, f, monday)
	f.db.Get(&next, `SELECT t.id FROM tasks t WHERE t.title = 'Standup notes' AND t.status = 'open'`)
	if o := readOccurrence(t, f.db, next); strOrNil(o.DueDate) != "2026-03-16" {
		t.Fatalf("cron occurrence due %s, want 2026-03-16", strOrNil(o.DueDate))
	}
}
