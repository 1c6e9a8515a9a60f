package seed_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/seed"
	"github.com/trcr/trcr/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func newStore(t *testing.T) (*store.Store, *sqlx.DB) {
	t.Helper()
	db, err := sqlx.Open("postgres", storetest.New(t, migrations.Checksum(), migrations.Up))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32))}, log), db
}

// TestSeedWork checks the shape of a small seeded organization: sizes, dense positions, one default group per
// project, acyclic dependencies, and that a second run changes nothing.
func TestSeedWork(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	res, err := seed.Demo(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	const tasks, projects = 600, 6
	if err := seed.Work(ctx, s, res.OrgID, seed.WorkOptions{Tasks: tasks, Projects: projects}); err != nil {
		t.Fatal(err)
	}
	if err := seed.Work(ctx, s, res.OrgID, seed.WorkOptions{Tasks: tasks, Projects: projects}); !errors.Is(err, seed.ErrWorkExists) {
		t.Fatalf("second seed.Work: %v, want ErrWorkExists", err)
	}
	one := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Get(&n, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	if n := one(`SELECT count(*) FROM projects WHERE organization_id = $1`, res.OrgID); n != projects {
		t.Errorf("%d projects, want %d", n, projects)
	}
	if n := one(`SELECT count(*) FROM tasks WHERE organization_id = $1`, res.OrgID); n != tasks {
		t.Errorf("%d tasks, want %d", n, tasks)
	}
	if n := one(`SELECT count(*) FROM tasks t JOIN projects p ON p.id = t.project_id WHERE p.name = $1`, seed.BoardProjectName); n != tasks/2 {
		t.Errorf("%s has %d tasks, want %d", seed.BoardProjectName, n, tasks/2)
	}
	if n := one(`SELECT count(*) FROM (SELECT group_id FROM tasks GROUP BY group_id
		HAVING count(*) <> max(position) + 1 OR min(position) <> 0 OR count(DISTINCT position) <> count(*)) x`); n != 0 {
		t.Errorf("%d groups with positions that are not 0..n-1", n)
	}
	if n := one(`SELECT count(*) FROM projects p WHERE (SELECT count(*) FROM task_groups g WHERE g.project_id = p.id AND g.is_default) <> 1`); n != 0 {
		t.Errorf("%d projects without exactly one default group", n)
	}
	if n := one(`SELECT count(*) FROM tasks t WHERE t.group_id NOT IN (SELECT id FROM task_groups g WHERE g.project_id = t.project_id)`); n != 0 {
		t.Errorf("%d tasks in a group of another project", n)
	}
	if n := one(`SELECT count(*) FROM tasks t WHERE t.assignee_id IS NOT NULL AND NOT EXISTS (
		SELECT 1 FROM project_members pm WHERE pm.project_id = t.project_id AND pm.user_id = t.assignee_id)`); n != 0 {
		t.Errorf("%d tasks assigned to someone not on the project", n)
	}
	if n := one(`SELECT count(*) FROM tasks t WHERE t.status NOT IN ('open', 'in_progress', 'done', 'closed')
		AND t.status NOT IN (SELECT code FROM task_statuses WHERE organization_id = t.organization_id)`); n != 0 {
		t.Errorf("%d tasks with an unknown status", n)
	}
	for _, table := range []string{"task_labels", "task_checklist_items", "task_comments", "task_dependencies", "milestones"} {
		if n := one(`SELECT count(*) FROM ` + table); n == 0 {
			t.Errorf("no %s", table)
		}
	}
	if n := one(`SELECT count(*) FROM task_dependencies d JOIN tasks a ON a.id = d.task_id JOIN tasks b ON b.id = d.depends_on_id
		WHERE a.project_id <> b.project_id`); n != 0 {
		t.Errorf("%d dependencies across projects", n)
	}
	cycles := one(`
		WITH RECURSIVE walk (start, node, depth) AS (
			SELECT task_id, depends_on_id, 1 FROM task_dependencies
			UNION ALL
			SELECT w.start, d.depends_on_id, w.depth + 1 FROM walk w JOIN task_dependencies d ON d.task_id = w.node
			WHERE w.node <> w.start AND w.depth < 1000
		) SELECT count(*) FROM walk WHERE node = start`)
	if cycles != 0 {
		t.Errorf("dependency cycles: %d", cycles)
	}
	if n := one(`SELECT count(*) FROM audit_logs WHERE entity_type IN ('task', 'project')`); n != 0 {
		t.Errorf("%d audit entries for seeded work, want none", n)
	}
	// The seeded work reads through the use cases.
	owner, err := s.ActorFor(ctx, oneString(t, db, `SELECT id FROM users WHERE email = $1`, seed.DemoOwnerEmail), res.OrgID, "")
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Tasks(ctx, owner, store.TaskFilter{Search: "desig", Sort: "priority"})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total == 0 || list.Total == tasks {
		t.Errorf("search desig matches %d of %d tasks", list.Total, tasks)
	}
}

func oneString(t *testing.T, db *sqlx.DB, query string, args ...any) string {
	t.Helper()
	var s string
	if err := db.Get(&s, query, args...); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSeedBilling checks a small seeded organization: sizes, weekdays and business hours, no overlapping entries,
// invoices whose lines add up to the time linked to them, and that a second run changes nothing.
func TestSeedBilling(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	res, err := seed.Demo(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Work(ctx, s, res.OrgID, seed.WorkOptions{Tasks: 200, Projects: 4}); err != nil {
		t.Fatal(err)
	}
	o := seed.BillingOptions{TimeEntries: 6000, Users: 12, Projects: 30, Clients: 6}
	began := time.Now()
	if err := seed.Billing(ctx, s, res.OrgID, o); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d entries in %s", o.TimeEntries, time.Since(began).Round(time.Millisecond))
	if err := seed.Billing(ctx, s, res.OrgID, o); !errors.Is(err, seed.ErrBillingExists) {
		t.Fatalf("second seed.Billing: %v, want ErrBillingExists", err)
	}
	one := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Get(&n, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	for _, c := range []struct {
		what  string
		query string
		want  int
	}{
		{"time entries", `SELECT count(*) FROM time_entries WHERE organization_id = $1`, o.TimeEntries},
		{"active members", `SELECT count(*) FROM members WHERE organization_id = $1 AND status = 'active'`, o.Users},
		{"members without a cost rate", `SELECT count(*) FROM members WHERE organization_id = $1 AND status = 'active' AND cost_rate = 0`, 0},
		{"projects", `SELECT count(*) FROM projects WHERE organization_id = $1`, o.Projects},
		{"clients", `SELECT count(*) FROM clients WHERE organization_id = $1`, o.Clients},
		{"projects without a default group", `SELECT count(*) FROM projects p WHERE organization_id = $1 AND
			(SELECT count(*) FROM task_groups g WHERE g.project_id = p.id AND g.is_default) <> 1`, 0},
		{"running entries", `SELECT count(*) FROM time_entries WHERE organization_id = $1 AND stopped_at IS NULL`, 0},
		{"entries on weekends or outside 08:00-18:30", `SELECT count(*) FROM time_entries te JOIN organizations o ON o.id = te.organization_id
			WHERE te.organization_id = $1 AND (extract(isodow FROM te.started_at AT TIME ZONE o.timezone) > 5
				OR (te.started_at AT TIME ZONE o.timezone)::time < '08:00' OR (te.stopped_at AT TIME ZONE o.timezone)::time > '18:30'
				OR te.started_at > now() OR te.started_at < now() - interval '12 months 1 day')`, 0},
		{"overlapping entries", `SELECT count(*) FROM (SELECT started_at, lag(stopped_at) OVER (PARTITION BY user_id ORDER BY started_at) AS prev
			FROM time_entries WHERE organization_id = $1) x WHERE started_at < prev`, 0},
		{"entries on a project the user is not on", `SELECT count(*) FROM time_entries te WHERE te.organization_id = $1 AND NOT EXISTS (
			SELECT 1 FROM project_members pm WHERE pm.project_id = te.project_id AND pm.user_id = te.user_id)`, 0},
		{"entries with a task of another project", `SELECT count(*) FROM time_entries te JOIN tasks t ON t.id = te.task_id
			WHERE te.organization_id = $1 AND t.project_id <> te.project_id`, 0},
		{"billed entries that are not billable", `SELECT count(*) FROM time_entries WHERE organization_id = $1 AND invoice_id IS NOT NULL AND NOT billable`, 0},
		{"line items whose quantity is not their entries' hours", `SELECT count(*) FROM invoice_line_items li WHERE li.organization_id = $1 AND
			li.quantity <> round((SELECT sum(duration_seconds) FROM time_entries te WHERE te.line_item_id = li.id) / 3600.0, 4)`, 0},
		{"line items whose amount is not quantity × price", `SELECT count(*) FROM invoice_line_items WHERE organization_id = $1 AND
			amount <> round(quantity * unit_price)`, 0},
		{"invoices whose total is not the sum of their lines", `SELECT count(*) FROM invoices i WHERE organization_id = $1 AND
			(total <> subtotal OR subtotal <> (SELECT sum(amount) FROM invoice_line_items li WHERE li.invoice_id = i.id))`, 0},
		{"paid invoices not paid in full", `SELECT count(*) FROM invoices i WHERE organization_id = $1 AND status = 'paid' AND
			(amount_paid <> total OR total <> (SELECT sum(amount) FROM payments p WHERE p.invoice_id = i.id))`, 0},
		{"entries billed to another client's invoice", `SELECT count(*) FROM time_entries te JOIN projects p ON p.id = te.project_id
			JOIN invoices i ON i.id = te.invoice_id WHERE te.organization_id = $1 AND i.client_id IS DISTINCT FROM p.client_id`, 0},
	} {
		if n := one(c.query, res.OrgID); n != c.want {
			t.Errorf("%s: %d, want %d", c.what, n, c.want)
		}
	}
	if n := one(`SELECT count(*) FROM invoices WHERE organization_id = $1 AND status = 'paid'`, res.OrgID); n == 0 {
		t.Error("no paid invoices")
	}
	if n := one(`SELECT count(DISTINCT number) FROM invoices WHERE organization_id = $1`, res.OrgID); n != one(`SELECT count(*) FROM invoices WHERE organization_id = $1`, res.OrgID) {
		t.Error("duplicate invoice numbers")
	}
	if n := one(`SELECT count(*) FROM audit_logs WHERE entity_type IN ('time_entry', 'invoice', 'client')`); n != 0 {
		t.Errorf("%d audit entries for seeded billing, want none", n)
	}

	// The seeded data reads through the reports, whose totals agree with the rows.
	owner, err := s.ActorFor(ctx, oneString(t, db, `SELECT id FROM users WHERE email = $1`, seed.DemoOwnerEmail), res.OrgID, "")
	if err != nil {
		t.Fatal(err)
	}
	from, to := time.Now().AddDate(-1, 0, -1).Format(time.DateOnly), time.Now().Format(time.DateOnly)
	ts, err := s.Timesheet(ctx, owner, store.TimesheetFilter{From: from, To: to, GroupBy: "month"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts.Rows) == 0 || ts.TotalHours == 0 {
		t.Errorf("timesheet of the year: %d rows, %s hours", len(ts.Rows), ts.TotalHours)
	}
	revenue, err := s.Revenue(ctx, owner, store.RevenueFilter{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	var invoiced int64
	for _, r := range revenue {
		invoiced += r.Invoiced
	}
	if want := int64(one(`SELECT coalesce(sum(total), 0)::int FROM invoices WHERE organization_id = $1`, res.OrgID)); invoiced != want || want == 0 {
		t.Errorf("revenue invoiced %d, want %d", invoiced, want)
	}
	prof, err := s.Profitability(ctx, owner, store.ProfitabilityFilter{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	var cost int64
	for _, r := range prof {
		cost += r.Cost
	}
	if len(prof) < 2 || cost == 0 {
		t.Errorf("profitability: %d rows, cost %d", len(prof), cost)
	}
}

// TestSeedChat checks the demo chat: its channels (one private, for three of the team), a conversation the store
// reads back with replies, reactions and a task chip, the owner's unread counts, and that a second run adds nothing.
func TestSeedChat(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	res, err := seed.Demo(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Work(ctx, s, res.OrgID, seed.WorkOptions{Tasks: 60, Projects: 2}); err != nil {
		t.Fatal(err)
	}
	if err := seed.Chat(ctx, s, res.OrgID); err != nil {
		t.Fatal(err)
	}
	if err := seed.Chat(ctx, s, res.OrgID); !errors.Is(err, seed.ErrChatExists) {
		t.Fatalf("second seed.Chat: %v, want ErrChatExists", err)
	}
	actor := func(email string) store.Actor {
		var id string
		if err := db.Get(&id, `SELECT id FROM users WHERE email = $1`, email); err != nil {
			t.Fatal(err)
		}
		a, err := s.ActorFor(ctx, id, res.OrgID, "")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	owner, zoe := actor(seed.DemoOwnerEmail), actor("zoe@trcr.local")
	names := func(a store.Actor) (out []string, unread int) {
		channels, err := s.ChatChannels(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range channels {
			out = append(out, c.Name)
			unread += c.UnreadCount
		}
		return out, unread
	}
	if got, unread := names(owner); strings.Join(got, ",") != "design,general,launch-plan,random" || unread == 0 || unread > 5 {
		t.Fatalf("owner's channels %v, %d unread", got, unread)
	}
	if got, _ := names(zoe); strings.Join(got, ",") != "design,general,random" {
		t.Fatalf("a member outside #launch-plan sees %v", got)
	}
	room, err := s.ChatRoom(ctx, owner, "", store.ChatCursor{})
	if err != nil || room.Channel == nil || room.Channel.Name != "general" {
		t.Fatalf("room: %+v %v", room.Channel, err)
	}
	var replies, reactions int
	for _, m := range room.Page.Messages {
		if m.ReplyTo != nil {
			replies++
		}
		reactions += len(m.Reactions)
	}
	if len(room.Page.Messages) < 8 || replies == 0 || reactions == 0 || len(room.TaskChips) != 1 {
		t.Fatalf("#general: %d messages, %d replies, %d reactions, %d task chips", len(room.Page.Messages), replies, reactions, len(room.TaskChips))
	}
	if n := func() (n int) { _ = db.Get(&n, `SELECT count(*) FROM notifications`); return }(); n != 0 {
		t.Fatalf("seeding notified %d times", n)
	}
}
