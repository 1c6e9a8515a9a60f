package store_test

// Benchmarks of the reports and the time-entry list over an organization of 1,000,000 time entries, 50 members and
// 200 projects (docs/PERFORMANCE.md):
//
//	go test -run '^$' -bench 'Report|TimeEntriesList' -benchtime 20x ./store/
//
// They run only with -bench. The organization is seeded once per process (SeedDemo, SeedWork, then SeedBilling)
// into a storetest template database of its own, keyed by the migrations, the seeding code and the size; each
// top-level benchmark works on a clone of it. Plain `go test ./store/` never seeds it. TRCR_BENCH_TIME_ENTRIES
// changes the number of entries (for a quick try).
//
// Like bench_test.go, through measure (bench_measure_test.go), each benchmark reports p50-ms, p95-ms, queries/op and
// the CPU time per call of this process and of the PostgreSQL backend (which a busy machine does not inflate), and
// first checks that a bigger answer (a month rather than a week, a page of 100 rather than 25) takes no more
// statements.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

// benchTimeEntries is the size of the billing benchmarks' organization.
func benchTimeEntries() int {
	if n, err := strconv.Atoi(os.Getenv("TRCR_BENCH_TIME_ENTRIES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// billingTemplateKey names the seeded template: a change of the migrations, of the seeding code or of the size
// makes a new one.
func billingTemplateKey(entries int) string {
	h := sha256.New()
	for _, f := range []string{"seed_billing.go", "seed_work.go", "seed.go"} {
		b, err := os.ReadFile(f) // go test runs in the package directory
		if err != nil {
			b = []byte(time.Now().String()) // unknown code: never reuse
		}
		h.Write(b)
	}
	return fmt.Sprintf("bench-billing:%s:%d:%s", migrations.Checksum(), entries, hex.EncodeToString(h.Sum(nil))[:16])
}

// billingSeed measures the one seeding of the process.
var billingSeed struct {
	once           sync.Once
	took           time.Duration // wall clock
	client, server time.Duration // CPU time of this process and of the PostgreSQL backend
}

// billingFixture is a clone of the seeded organization with the actors the benchmarks use.
type billingFixture struct {
	*benchDB
	admin, member store.Actor
	month         struct{ from, to string } // the last full calendar month
	week          struct{ from, to string } // its first seven days
}

// newBillingFixture clones the seeded organization for one top-level benchmark, seeding it first if this is the
// process's first. Call it from the top-level benchmark function only, before its sub-benchmarks.
func newBillingFixture(b *testing.B) *billingFixture {
	b.Helper()
	entries := benchTimeEntries()
	ready := time.Now()
	dbURL := storetest.New(b, billingTemplateKey(entries), func(ctx context.Context, db *sql.DB) error {
		if err := migrations.Up(ctx, db); err != nil {
			return err
		}
		s := store.New(sqlx.NewDb(db, "postgres"), nil, benchConfig(), quietLog())
		res, err := s.SeedDemo(ctx)
		if err != nil {
			return err
		}
		if err := s.SeedWork(ctx, res.OrgID, store.SeedWorkOptions{}); err != nil {
			return err
		}
		var seedErr error
		billingSeed.once.Do(func() {
			// One connection, whose backend's CPU time tells the server's share of the seeding.
			db.SetMaxOpenConns(1)
			var backend int
			if seedErr = db.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&backend); seedErr != nil {
				return
			}
			cpu0, _, _ := backendsSched([]int{backend})
			client0 := processCPU()
			began := time.Now()
			seedErr = s.SeedBilling(ctx, res.OrgID, store.SeedBillingOptions{TimeEntries: entries})
			billingSeed.took = time.Since(began)
			billingSeed.client = processCPU() - client0
			if cpu1, _, ok := backendsSched([]int{backend}); ok {
				billingSeed.server = cpu1 - cpu0
			}
		})
		return seedErr
	})
	if billingSeed.took > 0 {
		b.Logf("seeded %d time entries in %s (CPU: %s in this process, %s in the PostgreSQL backend)", entries,
			billingSeed.took.Round(time.Millisecond), billingSeed.client.Round(time.Millisecond), billingSeed.server.Round(time.Millisecond))
	}
	b.Logf("fixture (seed or clone) ready in %s", time.Since(ready).Round(time.Millisecond))
	f := &billingFixture{benchDB: openBenchDB(b, dbURL)}
	// One connection, so that one backend does all the work: parallel workers aside, its CPU time is the call's.
	f.db.SetMaxOpenConns(1)
	_, f.admin, f.member = f.demoActors(b)
	// The demo users' timezone is Europe/Berlin; the last full month there.
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().In(loc)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	f.month.from, f.month.to = first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly)
	f.week.from, f.week.to = first.Format(time.DateOnly), first.AddDate(0, 0, 6).Format(time.DateOnly)
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM time_entries`); err != nil || n != entries {
		b.Fatalf("%d time entries (%v), want %d", n, err, entries)
	}
	return f
}

// BenchmarkReportTimesheetMonth is GET /reports/timesheet for the last full month, by day: every member's rows
// for an admin, and a member's own.
func BenchmarkReportTimesheetMonth(b *testing.B) {
	f := newBillingFixture(b)
	ctx := context.Background()
	for _, who := range []struct {
		name  string
		actor store.Actor
	}{{"admin", f.admin}, {"member", f.member}} {
		report := func(from, to string) func() (int, error) {
			return func() (int, error) {
				t, err := f.s.Timesheet(ctx, who.actor, store.TimesheetFilter{From: from, To: to, GroupBy: "day"})
				if err == nil && len(t.Rows) == 0 {
					err = errors.New("empty timesheet")
				}
				return len(t.Rows), err
			}
		}
		month := report(f.month.from, f.month.to)
		b.Run(who.name, func(b *testing.B) { f.measure(b, month, report(f.week.from, f.week.to), month) })
	}
}

// BenchmarkReportProfitabilityMonth is GET /reports/profitability for the last full month, by project and by
// client (owners and admins only).
func BenchmarkReportProfitabilityMonth(b *testing.B) {
	f := newBillingFixture(b)
	ctx := context.Background()
	for _, groupBy := range []string{"project", "client"} {
		report := func(from, to string) func() (int, error) {
			return func() (int, error) {
				rows, err := f.s.Profitability(ctx, f.admin, store.ProfitabilityFilter{From: from, To: to, GroupBy: groupBy})
				if err == nil && len(rows) == 0 {
					err = errors.New("empty profitability report")
				}
				return len(rows), err
			}
		}
		month := report(f.month.from, f.month.to)
		b.Run(groupBy, func(b *testing.B) { f.measure(b, month, report(f.week.from, f.week.to), month) })
	}
}

// BenchmarkTimeEntriesListPage is GET /time-entries, the first page of the newest entries: a member's own, one
// member's as an admin sees them, and the whole organization's for an admin.
func BenchmarkTimeEntriesListPage(b *testing.B) {
	f := newBillingFixture(b)
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		actor  store.Actor
		userID string
	}{{"member_own", f.member, ""}, {"admin_user", f.admin, f.member.UserID}, {"admin_org", f.admin, ""}} {
		page := func(perPage int) func() (int, error) {
			return func() (int, error) {
				list, err := f.s.TimeEntries(ctx, c.actor, store.TimeEntryFilter{UserID: c.userID, Page: store.Page{Per: perPage}})
				if err == nil && len(list.Items) != min(perPage, list.Total) {
					err = fmt.Errorf("%d entries on a page of %d", len(list.Items), perPage)
				}
				return len(list.Items), err
			}
		}
		b.Run(c.name, func(b *testing.B) { f.measure(b, page(25), page(25), page(100)) })
	}
}

// BenchmarkTimeWeekPage is the read behind the time page: a week's entries (newest first, at most MaxWeekEntries)
// and its days × projects grid, for a week of October 2026 (the seed's busiest weeks hold ≈ 20,000 entries of the
// whole organization). fewer is a week before the seeded year (no entries).
func BenchmarkTimeWeekPage(b *testing.B) {
	f := newBillingFixture(b)
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		actor  store.Actor
		userID string
	}{{"member_own", f.member, ""}, {"admin_user", f.admin, f.member.UserID}, {"admin_everyone", f.admin, store.TimeAllUsers}} {
		week := func(w string) func() (int, error) {
			return func() (int, error) {
				tw, err := f.s.TimeWeek(ctx, c.actor, store.TimeWeekFilter{Week: w, UserID: c.userID})
				return len(tw.Entries), err
			}
		}
		b.Run(c.name, func(b *testing.B) { f.measure(b, week("2026-W43"), week("2020-W10"), week("2026-W43")) })
	}
}

// TestSeedBilling checks a small seeded organization: sizes, weekdays and business hours, no overlapping entries,
// invoices whose lines add up to the time linked to them, and that a second run changes nothing.
func TestSeedBilling(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	res, err := s.SeedDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SeedWork(ctx, res.OrgID, store.SeedWorkOptions{Tasks: 200, Projects: 4}); err != nil {
		t.Fatal(err)
	}
	o := store.SeedBillingOptions{TimeEntries: 6000, Users: 12, Projects: 30, Clients: 6}
	began := time.Now()
	if err := s.SeedBilling(ctx, res.OrgID, o); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded %d entries in %s", o.TimeEntries, time.Since(began).Round(time.Millisecond))
	if err := s.SeedBilling(ctx, res.OrgID, o); !errors.Is(err, store.ErrBillingExists) {
		t.Fatalf("second SeedBilling: %v, want ErrBillingExists", err)
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
	owner, err := s.ActorFor(ctx, oneString(t, db, `SELECT id FROM users WHERE email = $1`, store.DemoOwnerEmail), res.OrgID, "")
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
