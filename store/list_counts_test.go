package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

// The list totals that come from denormalized data (label links carrying their task's project, migration 00013;
// time-entry counters, migration 00014) must equal what counting the rows says, whatever wrote the rows.

func TestTasks_LabelOnlyTotalsMatchRowCounts(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	ctx := context.Background()
	label := func(name string) string {
		var id string
		if err := f.db.Get(&id, `INSERT INTO labels (organization_id, name, color) VALUES ($1, $2, '#336699') RETURNING id`,
			f.owner.OrgID, name); err != nil {
			t.Fatal(err)
		}
		return id
	}
	a, b := label("Bug"), label("Docs")
	// A second project the worker is not a member of.
	var hidden, hiddenGroup string
	if err := f.db.Get(&hidden, `INSERT INTO projects (organization_id, name) VALUES ($1, 'Hidden') RETURNING id`, f.owner.OrgID); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Get(&hiddenGroup, `INSERT INTO task_groups (organization_id, project_id, name, position, is_default)
		VALUES ($1, $2, 'To do', 0, true) RETURNING id`, f.owner.OrgID, hidden); err != nil {
		t.Fatal(err)
	}
	f.db.MustExec(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'manager')`, hidden, f.owner.UserID)
	t1 := f.createTask(t, store.TaskInput{Title: "One", LabelIDs: []string{a}})
	f.createTask(t, store.TaskInput{Title: "Two", LabelIDs: []string{a, b}})
	f.createTask(t, store.TaskInput{Title: "Three"})
	if _, err := f.s.CreateTask(ctx, f.owner, store.TaskInput{ProjectID: hidden, Title: "Four", LabelIDs: []string{a}}); err != nil {
		t.Fatal(err)
	}
	// Another organization's label with a task of its own: never counted here.
	other := newTaskWorld(t)
	var foreign string
	if err := other.db.Get(&foreign, `INSERT INTO labels (organization_id, name, color) VALUES ($1, 'Bug', '#336699') RETURNING id`, other.owner.OrgID); err != nil {
		t.Fatal(err)
	}
	other.createTask(t, store.TaskInput{Title: "Theirs", LabelIDs: []string{foreign}})

	total := func(actor store.Actor, filter store.TaskFilter) (labelOnly, exact int) {
		t.Helper()
		got, err := f.s.Tasks(ctx, actor, filter)
		if err != nil {
			t.Fatal(err)
		}
		// The same filter plus a condition every task meets takes the count(*) over tasks.
		filter.Status = "open"
		check, err := f.s.Tasks(ctx, actor, filter)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Items) != got.Total {
			t.Fatalf("%+v: %d items but total %d", filter, len(got.Items), got.Total)
		}
		return got.Total, check.Total
	}
	cases := []struct {
		name   string
		actor  store.Actor
		filter store.TaskFilter
		want   int
	}{
		{"owner, one label", f.owner, store.TaskFilter{LabelIDs: a}, 3},
		{"owner, two labels count each task once", f.owner, store.TaskFilter{LabelIDs: a + "," + b}, 3},
		{"owner, rarer label", f.owner, store.TaskFilter{LabelIDs: b}, 1},
		{"owner, label in one project", f.owner, store.TaskFilter{LabelIDs: a, ProjectID: f.project}, 2},
		{"member sees only their projects", f.member, store.TaskFilter{LabelIDs: a}, 2},
		{"member asking for a hidden project", f.member, store.TaskFilter{LabelIDs: a, ProjectID: hidden}, 0},
		{"another organization's label", f.owner, store.TaskFilter{LabelIDs: foreign}, 0},
	}
	for _, c := range cases {
		labelOnly, exact := total(c.actor, c.filter)
		if labelOnly != c.want || exact != c.want {
			t.Errorf("%s: total %d (with a status filter %d), want %d", c.name, labelOnly, exact, c.want)
		}
	}

	// Links carry their task's project, also after the task moves to another project.
	f.db.MustExec(`UPDATE tasks SET project_id = $1, group_id = $2,
		position = (SELECT coalesce(max(position), -1) + 1 FROM tasks WHERE group_id = $2) WHERE id = $3`, hidden, hiddenGroup, t1.ID)
	var stale int
	if err := f.db.Get(&stale, `SELECT count(*) FROM task_labels tl JOIN tasks t ON t.id = tl.task_id
		WHERE tl.project_id <> t.project_id`); err != nil || stale != 0 {
		t.Fatalf("%d links with another project than their task's (%v)", stale, err)
	}
	if labelOnly, exact := total(f.member, store.TaskFilter{LabelIDs: a}); labelOnly != 1 || exact != 1 {
		t.Fatalf("after the move the member counts %d (%d), want 1", labelOnly, exact)
	}
	// A link to a task that does not exist is refused like the foreign key would.
	if _, err := f.db.Exec(`INSERT INTO task_labels (task_id, label_id) VALUES (gen_random_uuid(), $1)`, a); err == nil {
		t.Fatal("link to a missing task accepted")
	}
}

// checkTimeEntryCounters fails unless the per-user counters equal the entries' counts.
func checkTimeEntryCounters(t *testing.T, db *sqlx.DB, when string) {
	t.Helper()
	checkCounters(t, db, when, `
		SELECT coalesce(c.organization_id, e.organization_id)::text || '/' || coalesce(c.user_id, e.user_id)::text
			|| ': counter ' || coalesce(c.entries, 0) || ', rows ' || coalesce(e.n, 0)
		FROM time_entry_counts c
		FULL JOIN (SELECT organization_id, user_id, count(*) AS n FROM time_entries GROUP BY 1, 2) e
			ON e.organization_id = c.organization_id AND e.user_id = c.user_id
		WHERE coalesce(c.entries, 0) <> coalesce(e.n, 0)`)
}

// checkCounters fails with the rows of query, each a counter that differs from the rows it counts.
func checkCounters(t *testing.T, db *sqlx.DB, when, query string) {
	t.Helper()
	var wrong []string
	if err := db.Select(&wrong, query); err != nil {
		t.Fatal(err)
	}
	if len(wrong) > 0 {
		t.Fatalf("%s: counters differ: %v", when, wrong)
	}
}

func TestTimeEntries_TotalsFromCountersMatchRows(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	ctx := context.Background()
	base := time.Date(2026, 2, 2, 8, 0, 0, 0, time.UTC)
	add := func(a store.Actor, i int) store.TimeEntry {
		t.Helper()
		from := base.Add(time.Duration(i) * time.Hour).Format(time.RFC3339)
		to := base.Add(time.Duration(i)*time.Hour + 45*time.Minute).Format(time.RFC3339)
		e, err := f.s.CreateTimeEntry(ctx, a, store.TimeEntryInput{StartedAt: &from, StoppedAt: &to, ProjectID: &f.project})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	var workerEntries []store.TimeEntry
	for i := range 3 {
		workerEntries = append(workerEntries, add(f.member, i))
	}
	add(f.owner, 10)
	add(f.owner, 11)
	if _, err := f.s.StartTimer(ctx, f.owner, store.StartTimerInput{}); err != nil {
		t.Fatal(err)
	}
	// Another organization's entries never reach these totals.
	other := newTaskWorld(t)
	add2 := other.owner
	from, to := base.Format(time.RFC3339), base.Add(time.Hour).Format(time.RFC3339)
	if _, err := other.s.CreateTimeEntry(ctx, add2, store.TimeEntryInput{StartedAt: &from, StoppedAt: &to}); err != nil {
		t.Fatal(err)
	}

	totals := func(when string, wantOrg, wantWorker int) {
		t.Helper()
		checkTimeEntryCounters(t, f.db, when)
		for _, c := range []struct {
			actor  store.Actor
			filter store.TimeEntryFilter
			want   int
		}{
			{f.owner, store.TimeEntryFilter{}, wantOrg},
			{f.owner, store.TimeEntryFilter{UserID: f.member.UserID}, wantWorker},
			{f.member, store.TimeEntryFilter{}, wantWorker},
		} {
			got, err := f.s.TimeEntries(ctx, c.actor, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			// A range that holds every entry takes the count(*) path: both must agree.
			c.filter.From = "2000-01-01"
			exact, err := f.s.TimeEntries(ctx, c.actor, c.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != c.want || exact.Total != c.want {
				t.Fatalf("%s: %+v total %d (counted %d), want %d", when, c.filter, got.Total, exact.Total, c.want)
			}
		}
	}
	totals("after creating", 6, 3)

	if err := f.s.DeleteTimeEntry(ctx, f.member, workerEntries[0].ID); err != nil {
		t.Fatal(err)
	}
	totals("after a delete", 5, 2)

	// Bulk writes, as the seed's COPY and a reassignment do, in one statement each.
	f.db.MustExec(`INSERT INTO time_entries (organization_id, user_id, started_at, stopped_at)
		SELECT $1, u, $3::timestamptz + g * interval '1 day', $3::timestamptz + g * interval '1 day' + interval '1 hour'
		FROM generate_series(1, 40) g, unnest(ARRAY[$2::uuid, $4::uuid]) u`, f.owner.OrgID, f.member.UserID, base, f.owner.UserID)
	totals("after a bulk insert", 85, 42)
	f.db.MustExec(`UPDATE time_entries SET user_id = $1 WHERE user_id = $2 AND stopped_at IS NOT NULL AND started_at > $3`,
		f.owner.UserID, f.member.UserID, base.Add(24*time.Hour*20))
	var moved int
	if err := f.db.Get(&moved, `SELECT count(*) FROM time_entries WHERE user_id = $1`, f.member.UserID); err != nil {
		t.Fatal(err)
	}
	totals("after moving entries to another user", 85, moved)
	f.db.MustExec(`UPDATE time_entries SET description = 'touched' WHERE organization_id = $1`, f.owner.OrgID)
	totals("after an update that moves nothing", 85, moved)

	// Deleting the member deletes their entries by cascade.
	f.db.MustExec(`DELETE FROM users WHERE id = $1`, f.member.UserID)
	checkTimeEntryCounters(t, f.db, "after deleting a user")
	got, err := f.s.TimeEntries(ctx, f.owner, store.TimeEntryFilter{})
	if err != nil || got.Total != 85-moved {
		t.Fatalf("after deleting the member: total %d (%v), want %d", got.Total, err, 85-moved)
	}
}

// checkStatusCounters fails unless the per-project, per-status counters (migration 00030) equal the tasks' counts.
func checkStatusCounters(t *testing.T, db *sqlx.DB, when string) {
	t.Helper()
	checkCounters(t, db, when, `
		SELECT coalesce(c.project_id, r.project_id)::text || ' ' || coalesce(c.status, r.status) || ': ' ||
			coalesce(c.tasks, 0) || ' counted, ' || coalesce(r.n, 0) || ' tasks'
		FROM task_status_counts c FULL JOIN (SELECT project_id, status, count(*) AS n FROM tasks GROUP BY 1, 2) r
			ON r.project_id = c.project_id AND r.status = c.status
		WHERE coalesce(c.tasks, 0) <> coalesce(r.n, 0)`)
}

// A list narrowed by nothing but its projects and a status takes its total from the status counters; creates,
// status changes (one task, and a custom status deleted for many), deletes, a move to another project, a
// multi-row insert and a project's deletion keep the counters exact, and the totals are the rows' counts for the
// owner and for a member who sees one project of two.
func TestTasks_StatusTotalsMatchRowCounts(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	ctx := context.Background()
	mainProject, mainGroup := f.project, f.group
	hidden, hiddenGroup := f.sqlProject("Hidden") // the member is not on it
	code, label, color := "review", "Review", "#336699"
	review, err := f.s.CreateTaskStatus(ctx, f.owner, store.TaskStatusInput{Code: &code, Label: &label, Color: &color})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, st := range []string{"open", "open", "in_progress", "done", "review", "review", "open"} {
		task := f.createTask(t, store.TaskInput{Title: "Task", Status: st})
		ids = append(ids, task.ID)
		if i%3 == 0 {
			if _, err := f.s.CreateTask(ctx, f.owner, store.TaskInput{ProjectID: hidden, Title: "Hidden task", Status: st}); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(when string) {
		t.Helper()
		checkStatusCounters(t, f.db, when)
		for _, who := range []store.Actor{f.owner, f.member} {
			for _, project := range []string{"", mainProject, hidden} {
				for _, status := range []string{"", "open", "in_progress", "done", "review", "closed"} {
					filter := store.TaskFilter{ProjectID: project, Status: status}
					got, err := f.s.Tasks(ctx, who, filter)
					if err != nil {
						t.Fatal(err)
					}
					js, err := f.s.TasksJSON(ctx, who, filter)
					if err != nil {
						t.Fatal(err)
					}
					// Every row of the list, counted.
					filter.Page = store.Page{None: true}
					all, err := f.s.Tasks(ctx, who, filter)
					if err != nil {
						t.Fatal(err)
					}
					if got.Total != len(all.Items) || js.Total != len(all.Items) {
						t.Fatalf("%s, %s, project %q, status %q: total %d (JSON %d), %d tasks listed",
							when, who.Role, project, status, got.Total, js.Total, len(all.Items))
					}
				}
			}
		}
	}
	check("after creates")
	if _, err := f.s.SetTaskStatus(ctx, f.owner, ids[0], "done"); err != nil {
		t.Fatal(err)
	}
	check("after a status change")
	if err := f.s.DeleteTask(ctx, f.owner, ids[1]); err != nil {
		t.Fatal(err)
	}
	check("after a delete")
	if err := f.s.DeleteTaskStatus(ctx, f.owner, review.ID); err != nil {
		t.Fatal(err)
	}
	check("after a custom status was deleted")
	f.db.MustExec(`UPDATE tasks SET project_id = $1, group_id = $2,
		position = (SELECT coalesce(max(position), -1) + 1 FROM tasks WHERE group_id = $2) WHERE id = $3`, hidden, hiddenGroup, ids[2])
	check("after a move to another project")
	f.db.MustExec(`INSERT INTO tasks (organization_id, project_id, group_id, title, status, position)
		SELECT $1, $2, $3, 'Bulk ' || i, (ARRAY['open', 'done'])[1 + i % 2], 100000 + i FROM generate_series(1, 9) i`,
		f.owner.OrgID, mainProject, mainGroup)
	check("after a multi-row insert")
	if err := f.s.DeleteProject(ctx, f.owner, hidden); err != nil {
		t.Fatal(err)
	}
	check("after a project's deletion")
}
