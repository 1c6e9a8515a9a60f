package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

// GET /api/v1/tasks writes the JSON PostgreSQL builds (TasksJSON); it must be what encoding/json writes for the
// tasks Tasks reads, field for field and in the same order, over every kind of value a task holds. The database
// session runs in a zone with a half-hour offset too, since times are written in the session's zone.
func TestTasksJSON_WritesWhatTasksEncodes(t *testing.T) {
	t.Parallel()
	dsn := storetest.New(t, migrations.Checksum(), migrations.Up)
	var f *world
	for _, zone := range []string{"", "Asia/Kolkata"} {
		db, err := sqlx.Open("postgres", dsnWithZone(dsn, zone))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if f == nil {
			f = worldOn(t, testStore(db), db).ownedBy("Olga Owner", "owner@example.com", "Task Co").
				withMember("Will Worker", "worker@example.com").withProject("Work")
			jsonListFixture(t, f)
		} else {
			zoned := *f
			zoned.s, zoned.db = testStore(db), db
			f = &zoned
		}
		checkTasksJSON(t, f, zone)
		checkTaskJSON(t, f, zone)
	}
}

// checkTaskJSON: TaskJSON writes what encoding/json writes for Task, for every task, as the owner and as a member
// (who gets ErrNotFound from both for the task of a project they are not on).
func checkTaskJSON(t *testing.T, f *world, zone string) {
	t.Helper()
	all, err := f.s.Tasks(f.ctx, f.owner, store.TaskFilter{Page: store.Page{None: true}})
	if err != nil || len(all.Items) != 6 {
		t.Fatalf("tasks: %d, %v", len(all.Items), err)
	}
	hidden := 0
	for _, task := range all.Items {
		for _, who := range []store.Actor{f.owner, f.member} {
			name := fmt.Sprintf("task %q as %s (zone %q)", task.Title, who.Role, zone)
			want, werr := f.s.Task(f.ctx, who, task.ID)
			got, gerr := f.s.TaskJSON(f.ctx, who, task.ID)
			if werr != nil || gerr != nil {
				if !errors.Is(werr, store.ErrNotFound) || !errors.Is(gerr, store.ErrNotFound) {
					t.Fatalf("%s: Task %v, TaskJSON %v", name, werr, gerr)
				}
				hidden++
				continue
			}
			encoded, err := json.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := jsonTokens(t, got.Data), jsonTokens(t, encoded); !reflect.DeepEqual(g, w) {
				t.Errorf("%s:\nPostgreSQL wrote %s\nencoding/json    %s", name, got.Data, encoded)
			}
		}
	}
	if hidden != 1 {
		t.Errorf("%d answers were not found, want 1 (the member's for the task of another project)", hidden)
	}
	if _, err := f.s.TaskJSON(f.ctx, f.owner, "not-an-id"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a malformed id: %v, want ErrNotFound", err)
	}
}

func dsnWithZone(dsn, zone string) string {
	if zone == "" {
		return dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "timezone=" + zone
}

// jsonListFixture: tasks with labels and without, assigned and not, with dates, hours (whole, with cents, the
// largest), completion times with and without a fraction of a second, text that JSON must escape and text it
// must not, in two groups of the project; and a task of a project the member is not on.
func jsonListFixture(t *testing.T, f *world) {
	t.Helper()
	bug, docs := f.label(t, "Bug", "#cc3333"), f.label(t, "Docs", "#3366cc")
	second := f.id(`INSERT INTO task_groups (organization_id, project_id, name, position) VALUES ($1, $2, 'Doing', 1) RETURNING id`,
		f.owner.OrgID, f.project)
	hours := func(h float64) *float64 { return &h }
	str := func(s string) *string { return &s }
	three := 3
	f.createTask(t, store.TaskInput{Title: `Quotes " and \ backslash`, Description: "tab\tnew\nline\r\u0001\u001f\b\f",
		LabelIDs: []string{bug.ID, docs.ID}, AssigneeID: &f.member.UserID, EstimatedHours: hours(2.5),
		StartDate: str("2026-01-31"), DueDate: str("2026-02-28"), Priority: "high", Complexity: &three})
	f.createTask(t, store.TaskInput{Title: "Ünïcödé — 日本語 😀 <b>&amp;</b>", Description: "line\u2028sep\u2029para",
		LabelIDs: []string{docs.ID}, EstimatedHours: hours(12345678.91), Priority: "urgent"})
	f.createTask(t, store.TaskInput{Title: "Nulls", Priority: "low", GroupID: &second})
	f.createTask(t, store.TaskInput{Title: "Cents", EstimatedHours: hours(0.1), Status: "done", GroupID: &second})
	f.createTask(t, store.TaskInput{Title: "Whole hours", EstimatedHours: hours(3), Status: "in_progress"})
	f.exec(`UPDATE tasks SET completed_at = '2026-03-01 10:00:00+00' WHERE title = 'Cents'`)
	f.exec(`UPDATE tasks SET completed_at = '2026-03-01 10:00:00.12+00', created_at = '2025-12-31 23:59:59.999999+00' WHERE title = 'Nulls'`)
	hidden, hiddenGroup := f.sqlProject("Hidden")
	f.exec(`INSERT INTO tasks (organization_id, project_id, group_id, title, position) VALUES ($1, $2, $3, 'Hidden task', 0)`,
		f.owner.OrgID, hidden, hiddenGroup)
	f.exec(`INSERT INTO task_labels (task_id, label_id, project_id) SELECT id, $1, project_id FROM tasks WHERE title = 'Hidden task'`, bug.ID)
}

func checkTasksJSON(t *testing.T, f *world, zone string) {
	t.Helper()
	bug := f.id(`SELECT id FROM labels WHERE name = 'Bug'`)
	docs := f.id(`SELECT id FROM labels WHERE name = 'Docs'`)
	cases := []struct {
		name   string
		actor  store.Actor
		filter store.TaskFilter
		want   int // total
	}{
		{"owner, every task", f.owner, store.TaskFilter{}, 6},
		{"member, their projects", f.member, store.TaskFilter{}, 5},
		{"project, open, by priority", f.owner, store.TaskFilter{ProjectID: f.project, Status: "open", Sort: "priority", Order: "desc"}, 3},
		{"by position", f.owner, store.TaskFilter{ProjectID: f.project, Sort: "position"}, 5},
		{"by update, ascending, page 2 of 2", f.owner, store.TaskFilter{Sort: "updated_at", Order: "asc", Page: store.Page{Num: 2, Per: 4}}, 6},
		{"past the last page", f.owner, store.TaskFilter{Page: store.Page{Num: 9, Per: 4}}, 6},
		{"labels alone", f.owner, store.TaskFilter{LabelIDs: bug + "," + docs}, 3},
		{"labels alone, member", f.member, store.TaskFilter{LabelIDs: bug}, 1},
		{"label and project", f.owner, store.TaskFilter{LabelIDs: docs, ProjectID: f.project, Priority: "urgent"}, 1},
		{"assignee", f.owner, store.TaskFilter{AssigneeID: f.member.UserID}, 1},
		{"search", f.member, store.TaskFilter{Search: "unicode whole"}, 0},
		{"search a word", f.owner, store.TaskFilter{Search: "hour"}, 1},
		{"every row", f.owner, store.TaskFilter{Page: store.Page{None: true}}, 6},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s (zone %q)", c.name, zone)
		want, err := f.s.Tasks(f.ctx, c.actor, c.filter)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := f.s.TasksJSON(f.ctx, c.actor, c.filter)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Total != c.want || want.Total != c.want {
			t.Errorf("%s: total %d (Tasks: %d), want %d", name, got.Total, want.Total, c.want)
		}
		if got.Page != want.Page || got.PerPage != want.PerPage {
			t.Errorf("%s: page %d of %d, Tasks: %d of %d", name, got.Page, got.PerPage, want.Page, want.PerPage)
		}
		encoded, err := json.Marshal(want.Items)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := jsonTokens(t, got.Data), jsonTokens(t, encoded); !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\nPostgreSQL wrote %s\nencoding/json    %s", name, got.Data, encoded)
		}
	}
}

// jsonTokens is a JSON text as its tokens: the same for two texts that differ only in white space and in how
// they escape characters, and different for anything else, the order of an object's keys and the spelling of
// a number included.
func jsonTokens(t *testing.T, b []byte) []any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out []any
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%v in %s", err, b)
		}
		out = append(out, tok)
	}
}

// The first page of a list is a prepared statement that PostgreSQL runs with its generic plan, planned once per
// connection; with LIMIT and OFFSET as parameters it planned every call anew (its generic plan, costed for a tenth
// of the rows, never won), which cost the list more than running it (docs/PERFORMANCE.md).
func TestTasksJSON_FirstPageRunsAGenericPlan(t *testing.T) {
	f := newRankFixture(t)
	f.cards(t, f.group, 3000)
	f.db.MustExec(`UPDATE tasks SET status = 'done', priority = (ARRAY['low', 'medium', 'high', 'urgent'])[1 + number % 4]
		WHERE number % 2 = 0`)
	f.db.MustExec(`ANALYZE tasks`)
	f.db.SetMaxOpenConns(1) // the store's statements and pg_prepared_statements on one session
	filter := store.TaskFilter{ProjectID: f.project, Status: "open", Sort: "priority", Order: "desc"}
	for range 10 {
		if _, err := f.s.TasksJSON(context.Background(), f.owner, filter); err != nil {
			t.Fatal(err)
		}
	}
	var plans struct{ Generic, Custom int }
	if err := f.db.Get(&plans, `SELECT generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements
		WHERE statement LIKE '%string_agg(t.doc%'`); err != nil {
		t.Fatal(err)
	}
	if plans.Generic < 5 {
		t.Fatalf("%d generic and %d custom plans in 10 calls", plans.Generic, plans.Custom)
	}
}

// The JSON PostgreSQL keeps with each task (migration 00031) follows every kind of write that changes what it
// shows, through the store and straight in SQL: fields, labels (set, cleared, a label deleted), the project's key,
// completion, a move to another group and, in SQL, to another project (its number and reference change), and a
// task of a group marked stale. After each, every task's TaskJSON is what encoding/json writes for Task.
func TestTaskJSON_StoredJSONFollowsEveryWrite(t *testing.T) {
	t.Parallel()
	f := newWorld(t).ownedBy("Olga Owner", "owner@example.com", "Task Co").
		withMember("Will Worker", "worker@example.com").withProject("Work")
	bug, docs := f.label(t, "Bug", "#cc3333"), f.label(t, "Docs", "#3366cc")
	str := func(s string) *string { return &s }
	a := f.createTask(t, store.TaskInput{Title: "First", LabelIDs: []string{bug.ID}})
	b := f.createTask(t, store.TaskInput{Title: "Second", Description: "Some words"})
	check := func(step string) {
		t.Helper()
		all, err := f.s.Tasks(f.ctx, f.owner, store.TaskFilter{Page: store.Page{None: true}})
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range all.Items {
			got, err := f.s.TaskJSON(f.ctx, f.owner, task.ID)
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			encoded, err := json.Marshal(task)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := jsonTokens(t, got.Data), jsonTokens(t, encoded); !reflect.DeepEqual(g, w) {
				t.Errorf("after %s, task %q:\nstored        %s\nencoding/json %s", step, task.Title, got.Data, encoded)
			}
		}
	}
	check("creating")

	hours, three, progress := 4.25, 3, 60
	if _, err := f.s.UpdateTask(f.ctx, f.owner, a.ID, store.TaskPatch{Title: str("First, renamed"), Description: str("New \"text\""),
		Status: str("in_progress"), Priority: str("urgent"), AssigneeID: store.Clearable[string]{Set: true, Value: &f.member.UserID},
		StartDate: store.Clearable[string]{Set: true, Value: str("2026-05-01")}, DueDate: store.Clearable[string]{Set: true, Value: str("2026-05-09")},
		EstimatedHours: store.Clearable[float64]{Set: true, Value: &hours}, Complexity: store.Clearable[int]{Set: true, Value: &three},
		Progress: &progress, LabelIDs: &[]string{docs.ID, bug.ID}}); err != nil {
		t.Fatal(err)
	}
	check("updating every field and adding a label")
	if _, err := f.s.UpdateTask(f.ctx, f.owner, a.ID, store.TaskPatch{Status: str("done"), LabelIDs: &[]string{},
		EstimatedHours: store.Clearable[float64]{Set: true}}); err != nil {
		t.Fatal(err)
	}
	check("completing, clearing the labels and the hours")
	if _, err := f.s.UpdateTask(f.ctx, f.owner, b.ID, store.TaskPatch{LabelIDs: &[]string{bug.ID, docs.ID}}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteLabel(f.ctx, f.owner, bug.ID); err != nil {
		t.Fatal(err)
	}
	check("deleting a label")
	if _, err := f.s.UpdateProject(f.ctx, f.owner, f.project, store.ProjectInput{Key: str("NEWKEY")}); err != nil {
		t.Fatal(err)
	}
	check("changing the project's key")
	second := f.id(`INSERT INTO task_groups (organization_id, project_id, name, position) VALUES ($1, $2, 'Doing', 1) RETURNING id`,
		f.owner.OrgID, f.project)
	if _, err := f.s.UpdateTask(f.ctx, f.owner, a.ID, store.TaskPatch{GroupID: &second}); err != nil {
		t.Fatal(err)
	}
	check("moving a task to another group")
	other, otherGroup := f.sqlProject("Other")
	f.exec(`UPDATE tasks SET project_id = $1, group_id = $2 WHERE id = $3`, other, otherGroup, b.ID)
	check("moving a task to another project in SQL")
	f.exec(`UPDATE tasks SET title = 'Straight in SQL', completed_at = NULL, updated_at = '2026-01-02 03:04:05.5+00' WHERE id = $1`, a.ID)
	f.exec(`INSERT INTO task_labels (task_id, label_id) VALUES ($1, $2)`, a.ID, docs.ID)
	check("writing a task and its labels in SQL")
	f.exec(`UPDATE task_groups SET indexes_stale_since = now() WHERE id = $1`, second)
	f.createTask(t, store.TaskInput{Title: "Third", GroupID: &second})
	check("a stale group")
}
