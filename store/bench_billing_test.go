package store_test

// Benchmarks of the reports and the time-entry list over an organization of 1,000,000 time entries, 50 members and
// 200 projects (docs/PERFORMANCE.md):
//
//	go test -run '^$' -bench 'Report|TimeEntriesList' -benchtime 20x ./store/
//
// They run only with -bench. The organization is seeded once per process (seed.Demo, seed.Work, then seed.Billing)
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
	"github.com/trcr/trcr/store/seed"
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
	for _, f := range []string{"seed/billing.go", "seed/work.go", "seed/demo.go", "seed/seed.go"} {
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
		res, err := seed.Demo(ctx, s)
		if err != nil {
			return err
		}
		if err := seed.Work(ctx, s, res.OrgID, seed.WorkOptions{}); err != nil {
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
			seedErr = seed.Billing(ctx, s, res.OrgID, seed.BillingOptions{TimeEntries: entries})
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
