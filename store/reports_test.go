package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

// reportData is the dataset the store report tests share. Figures are worked out by hand in each test.
//
// Organization A. Olga (owner, UTC, cost 30.00/h), Mia (member, America/New_York, cost 20.00/h), Nils
// (member, UTC, cost 10.00/h), Zed (member, UTC, no entries). Clients: Acme (100.00/h), Beta (no rate).
// Projects: Web (Acme, no rate), App (Acme, 120.00/h), Internal (no client, no rate), Beta Site (Beta, no rate).
//
//	e1  Mia   Web        2026-03-02T03:00Z  5400 s billable                (NY: Sunday 2026-03-01 22:00)
//	e2  Mia   App        2026-03-03T14:00Z  1818 s billable rate 150.00
//	e3  Olga  App        2026-03-10T09:00Z  7200 s billable                "review code", on invoice INV-1
//	e4  Olga  Internal   2026-03-10T13:00Z  2700 s not billable            "Review 50%_done"
//	e5  Nils  Beta Site  2026-03-16T10:00Z  3600 s billable
//	e7  Nils  Beta Site  2026-03-17T10:00Z  2709 s billable rate 2.00
//	e12 Nils  Beta Site  2026-03-17T12:00Z     9 s billable rate 2.00
//	e6  Nils  (none)     2026-03-31T23:30Z  3654 s billable rate 50.00    (crosses midnight into April)
//	e11 Mia   (none)     2026-04-01T02:00Z  3600 s not billable            (NY: 2026-03-31 22:00)
//	e10 Mia   Web        2026-02-28T12:00Z  3600 s billable                (before March everywhere)
//	e9  Olga  App        2026-04-01T10:00Z  3600 s billable                (after March everywhere)
//	e8  Olga  App        2026-03-20T09:00Z  running                        (never counted)
//
// Organization B, where Mia is also a member: a 10 h entry on 2026-03-05 at 999.99/h, a sent invoice and a
// payment in March. None of it may ever show in A's reports.
type reportData struct {
	orgA, orgB                   string
	olga, mia, nils, zed         string
	acme, beta                   string
	web, app, internal, betaSite string
	inv1, inv2, inv5             string
}

func seedReports(t *testing.T, db *sqlx.DB) reportData {
	t.Helper()
	f := worldOn(t, nil, db)
	var d reportData
	d.orgA, d.orgB = f.rowOrg("Org A"), f.rowOrg("Org B")
	d.olga = f.rowUser("Olga Owner", "UTC")
	d.mia = f.rowUser("Mia Member", "America/New_York")
	d.nils = f.rowUser("Nils Member", "UTC")
	d.zed = f.rowUser("Zed Idle", "UTC")
	f.rowMember(d.orgA, d.olga, "owner", 3000)
	f.rowMember(d.orgA, d.mia, "member", 2000)
	f.rowMember(d.orgA, d.nils, "member", 1000)
	f.rowMember(d.orgA, d.zed, "member", 5000)
	f.exec(`INSERT INTO members (organization_id, email, role, status) VALUES ($1, 'invited@example.com', 'member', 'invited')`, d.orgA)
	d.acme = f.rowClient(d.orgA, "Acme", 10000)
	d.beta = f.rowClient(d.orgA, "Beta", nil)
	d.web = f.rowProject(d.orgA, "Web", d.acme, nil)
	d.app = f.rowProject(d.orgA, "App", d.acme, 12000)
	d.internal = f.rowProject(d.orgA, "Internal", nil, nil)
	d.betaSite = f.rowProject(d.orgA, "Beta Site", d.beta, nil)

	A := d.orgA
	f.rowEntry(reportEntry{org: A, user: d.mia, project: d.web, start: "2026-03-02T03:00:00Z", seconds: 5400, billable: true})
	f.rowEntry(reportEntry{org: A, user: d.mia, project: d.app, start: "2026-03-03T14:00:00Z", seconds: 1818, billable: true, rate: 15000})
	e3 := f.rowEntry(reportEntry{org: A, user: d.olga, project: d.app, start: "2026-03-10T09:00:00Z", seconds: 7200, billable: true, description: "review code"})
	f.rowEntry(reportEntry{org: A, user: d.olga, project: d.internal, start: "2026-03-10T13:00:00Z", seconds: 2700, description: "Review 50%_done"})
	f.rowEntry(reportEntry{org: A, user: d.nils, project: d.betaSite, start: "2026-03-16T10:00:00Z", seconds: 3600, billable: true})
	f.rowEntry(reportEntry{org: A, user: d.nils, project: d.betaSite, start: "2026-03-17T10:00:00Z", seconds: 2709, billable: true, rate: 200})
	f.rowEntry(reportEntry{org: A, user: d.nils, project: d.betaSite, start: "2026-03-17T12:00:00Z", seconds: 9, billable: true, rate: 200})
	f.rowEntry(reportEntry{org: A, user: d.nils, start: "2026-03-31T23:30:00Z", seconds: 3654, billable: true, rate: 5000})
	f.rowEntry(reportEntry{org: A, user: d.mia, start: "2026-04-01T02:00:00Z", seconds: 3600})
	f.rowEntry(reportEntry{org: A, user: d.mia, project: d.web, start: "2026-02-28T12:00:00Z", seconds: 3600, billable: true})
	f.rowEntry(reportEntry{org: A, user: d.olga, project: d.app, start: "2026-04-01T10:00:00Z", seconds: 3600, billable: true})
	f.exec(`INSERT INTO time_entries (organization_id, user_id, project_id, started_at) VALUES ($1, $2, $3, '2026-03-20T09:00:00Z')`, A, d.olga, d.app)

	// Invoices of A: only sent (overdue included) and paid ones are revenue.
	d.inv1 = f.rowInvoice(A, d.acme, "INV-1", "sent", "2026-01-15", 100000)
	d.inv2 = f.rowInvoice(A, d.acme, "INV-2", "paid", "2026-03-31", 50000)
	f.rowInvoice(A, d.beta, "INV-3", "draft", "2026-02-10", 99999)
	f.rowInvoice(A, d.beta, "INV-4", "void", "2026-02-11", 77777)
	d.inv5 = f.rowInvoice(A, d.beta, "INV-5", "sent", "2026-02-01", 20000) // due 2026-02-15: reads overdue
	f.rowInvoice(A, d.acme, "INV-6", "sent", "2026-04-01", 33300)
	f.rowPayment(A, d.inv2, d.acme, 30000, "2026-03-31T23:30:00Z")
	f.rowPayment(A, d.inv2, d.acme, 20000, "2026-04-01T02:00:00Z") // NY: 2026-03-31 22:00
	f.rowPayment(A, d.inv5, d.beta, 5000, "2026-02-15T12:00:00Z")
	f.exec(`UPDATE time_entries SET invoice_id = $1 WHERE id = $2`, d.inv1, e3)

	// Organization B.
	B := d.orgB
	f.rowMember(B, d.mia, "admin", 1)
	bClient := f.rowClient(B, "Acme", 99999)
	bProject := f.rowProject(B, "Web", bClient, 99999)
	f.rowEntry(reportEntry{org: B, user: d.mia, project: bProject, start: "2026-03-05T10:00:00Z", seconds: 36000, billable: true, description: "review code"})
	bInv := f.rowInvoice(B, bClient, "INV-1", "sent", "2026-03-01", 999999)
	f.rowPayment(B, bInv, bClient, 999999, "2026-03-15T12:00:00Z")
	return d
}

func reportActor(t *testing.T, s *store.Store, user, org string) store.Actor {
	t.Helper()
	a, err := s.ActorFor(context.Background(), user, org, "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// tsRow is a compact timesheet row for comparisons: user, period, hours and billable hours in hundredths.
type tsRow struct {
	user, period    string
	hours, billable store.Hours
}

func timesheetRows(t *testing.T, got store.Timesheet) []tsRow {
	t.Helper()
	out := []tsRow{}
	var sum store.Hours
	for _, r := range got.Rows {
		out = append(out, tsRow{r.UserName, r.Period, r.Hours, r.BillableHours})
		sum += r.Hours
	}
	if sum != got.TotalHours {
		t.Errorf("total_hours %v is not the sum of the rows %v", got.TotalHours, sum)
	}
	return out
}

func TestTimesheet_FiguresByDayWeekMonth(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	d := seedReports(t, db)
	ctx := context.Background()
	olga := reportActor(t, s, d.olga, d.orgA)
	march := store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31"}

	tests := []struct {
		name  string
		f     store.TimesheetFilter
		rows  []tsRow
		total store.Hours
	}{
		// Olga is in UTC. Hours are round(seconds / 36) hundredths, half-up, per row:
		//   e1 5400 s = 1.50; e2 1818 s = 0.505 → 0.51; e3+e4 9900 s = 2.75 of which billable 7200 s = 2.00;
		//   e5 3600 s = 1.00; e7+e12 2718 s = 0.755 → 0.76; e6 3654 s = 1.015 → 1.02 (started 2026-03-31 UTC).
		// total = 1.50 + 0.51 + 2.75 + 1.00 + 0.76 + 1.02 = 7.54, while the 27090 s together would be 7.525 → 7.53:
		// the total is the sum of the rows, not a separately rounded figure.
		{"day", march, []tsRow{
			{"Mia Member", "2026-03-02", 150, 150},
			{"Mia Member", "2026-03-03", 51, 51},
			{"Olga Owner", "2026-03-10", 275, 200},
			{"Nils Member", "2026-03-16", 100, 100},
			{"Nils Member", "2026-03-17", 76, 76},
			{"Nils Member", "2026-03-31", 102, 102},
		}, 754},
		// Mondays of the ISO weeks: e1, e2 → 03-02 (7218 s = 2.005 → 2.01); e3, e4 → 03-09; e5, e7, e12 → 03-16
		// (6318 s = 1.755 → 1.76); e6 → 03-30 (1.02). 2.01 + 2.75 + 1.76 + 1.02 = 7.54.
		{"week", store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", GroupBy: "week"}, []tsRow{
			{"Mia Member", "2026-03-02", 201, 201},
			{"Olga Owner", "2026-03-09", 275, 200},
			{"Nils Member", "2026-03-16", 176, 176},
			{"Nils Member", "2026-03-30", 102, 102},
		}, 754},
		// Mia 7218 s = 2.01; Nils 3600 + 2718 + 3654 = 9972 s = 2.77; Olga 2.75 (billable 2.00). 7.53.
		{"month", store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", GroupBy: "month"}, []tsRow{
			{"Mia Member", "2026-03", 201, 201},
			{"Nils Member", "2026-03", 277, 277},
			{"Olga Owner", "2026-03", 275, 200},
		}, 753},
		// App: e2 (Mia 0.51) and e3 (Olga 2.00).
		{"project", store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", ProjectID: d.app}, []tsRow{
			{"Mia Member", "2026-03-03", 51, 51},
			{"Olga Owner", "2026-03-10", 200, 200},
		}, 251},
		// Acme's projects Web and App: e1, e2, e3. 1.50 + 0.51 + 2.00 = 4.01.
		{"client", store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", ClientID: d.acme}, []tsRow{
			{"Mia Member", "2026-03-02", 150, 150},
			{"Mia Member", "2026-03-03", 51, 51},
			{"Olga Owner", "2026-03-10", 200, 200},
		}, 401},
		// "review" matches e3 and e4 whatever the case; Org B's "review code" never shows.
		{"description", store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", Description: "REVIEW"}, []tsRow{
			{"Olga Owner", "2026-03-10", 275, 200},
		}, 275},
		// % and _ are literal: only e4 ("Review 50%_done", 2700 s = 0.75, not billable).
		{"description is literal", store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", Description: "0%_"}, []tsRow{
			{"Olga Owner", "2026-03-10", 75, 0},
		}, 75},
		{"description percent", store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", Description: "%"}, []tsRow{
			{"Olga Owner", "2026-03-10", 75, 0},
		}, 75},
		// Only e3 is on INV-1.
		{"invoice", store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", InvoiceID: d.inv1}, []tsRow{
			{"Olga Owner", "2026-03-10", 200, 200},
		}, 200},
		{"user", store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", UserID: d.nils, GroupBy: "month"}, []tsRow{
			{"Nils Member", "2026-03", 277, 277},
		}, 277},
		// Another organization's invoice, or an unknown id, matches nothing.
		{"unknown invoice", store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", InvoiceID: "00000000-0000-4000-8000-000000000000"}, []tsRow{}, 0},
		// A datetime bound is exact: from 2026-03-17T11:00Z leaves e12 (12:00) and e6 of Nils's in the range.
		{"datetime bounds", store.TimesheetFilter{From: "2026-03-17T11:00:00Z", To: "2026-04-01T00:00:00Z", UserID: d.nils}, []tsRow{
			{"Nils Member", "2026-03-17", 0, 0}, // 9 s = 0.0025 h → 0.00
			{"Nils Member", "2026-03-31", 102, 102},
		}, 102},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Timesheet(ctx, olga, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if rows := timesheetRows(t, got); !reflect.DeepEqual(rows, tc.rows) {
				t.Errorf("rows\n got %v\nwant %v", rows, tc.rows)
			}
			if got.TotalHours != tc.total {
				t.Errorf("total %v, want %v", got.TotalHours, tc.total)
			}
		})
	}
}

// Mia is in America/New_York (UTC−5 until 2026-03-08, then UTC−4): her days and her March differ from UTC's.
func TestTimesheet_MemberSeesOwnRowsInTheirTimezone(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	d := seedReports(t, db)
	ctx := context.Background()
	mia := reportActor(t, s, d.mia, d.orgA)

	// Her March is [2026-03-01T05:00Z, 2026-04-01T04:00Z): e1 at 03-02T03:00Z is Sunday 03-01 22:00; e11 at
	// 04-01T02:00Z is 03-31 22:00 (3600 s, not billable); e10 (02-28) and Org B's entry never count.
	// total = 1.50 + 0.51 + 1.00 = 3.01.
	got, err := s.Timesheet(ctx, mia, store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	want := []tsRow{
		{"Mia Member", "2026-03-01", 150, 150},
		{"Mia Member", "2026-03-03", 51, 51},
		{"Mia Member", "2026-03-31", 100, 0},
	}
	if rows := timesheetRows(t, got); !reflect.DeepEqual(rows, want) || got.TotalHours != 301 {
		t.Errorf("rows %v total %v, want %v total 3.01", rows, got.TotalHours, want)
	}
	// By week, Sunday 03-01 belongs to the ISO week of Monday 2026-02-23, even though the range starts later.
	got, err = s.Timesheet(ctx, mia, store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", GroupBy: "week", UserID: d.mia})
	if err != nil {
		t.Fatal(err)
	}
	want = []tsRow{{"Mia Member", "2026-02-23", 150, 150}, {"Mia Member", "2026-03-02", 51, 51}, {"Mia Member", "2026-03-30", 100, 0}}
	if rows := timesheetRows(t, got); !reflect.DeepEqual(rows, want) {
		t.Errorf("weeks %v, want %v", rows, want)
	}
	// Anyone else's rows are forbidden to a member.
	if _, err := s.Timesheet(ctx, mia, store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", UserID: d.olga}); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member asking for another user: %v, want forbidden", err)
	}
	// In Org B, Mia is an admin and sees only Org B's entry: 10 h on 2026-03-05 (05:00 in New York).
	got, err = s.Timesheet(ctx, reportActor(t, s, d.mia, d.orgB), store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	if rows := timesheetRows(t, got); !reflect.DeepEqual(rows, []tsRow{{"Mia Member", "2026-03-05", 1000, 1000}}) {
		t.Errorf("org B rows %v", rows)
	}
}

func TestReports_InvalidParameters(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	d := seedReports(t, db)
	ctx := context.Background()
	olga := reportActor(t, s, d.olga, d.orgA)
	msg := func(err error) string {
		var ve *store.Error
		if !asKind(err, store.ErrInvalid, &ve) {
			return fmt.Sprintf("not a validation error: %v", err)
		}
		return ve.Message
	}
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"no from", reportErr(s.Timesheet(ctx, olga, store.TimesheetFilter{To: "2026-03-31"})), "from is required"},
		{"no to", reportErr(s.Revenue(ctx, olga, store.RevenueFilter{From: "2026-03-01"})), "to is required"},
		{"bad from", reportErr(s.Utilization(ctx, olga, store.UtilizationFilter{From: "2026-02-30", To: "2026-03-31"})), "from must be a date (YYYY-MM-DD) or an RFC 3339 datetime"},
		{"inverted", reportErr(s.Profitability(ctx, olga, store.ProfitabilityFilter{From: "2026-04-01", To: "2026-03-31"})), "from must be on or before to"},
		{"too long", reportErr(s.Revenue(ctx, olga, store.RevenueFilter{From: "1900-01-01", To: "2026-03-31"})), "from and to must be at most 100 years apart"},
		{"timesheet group", reportErr(s.Timesheet(ctx, olga, store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", GroupBy: "year"})), "group_by must be one of day, week, month"},
		{"revenue group", reportErr(s.Revenue(ctx, olga, store.RevenueFilter{From: "2026-03-01", To: "2026-03-31", GroupBy: "week"})), "group_by must be one of month, quarter"},
		{"profit group", reportErr(s.Profitability(ctx, olga, store.ProfitabilityFilter{From: "2026-03-01", To: "2026-03-31", GroupBy: "user"})), "group_by must be one of project, client"},
		{"invoice id", reportErr(s.Timesheet(ctx, olga, store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31", InvoiceID: "inv_1"})), "invoice_id must be a valid id"},
		{"client id", reportErr(s.Revenue(ctx, olga, store.RevenueFilter{From: "2026-03-01", To: "2026-03-31", ClientID: "x"})), "client_id must be a valid id"},
	}
	for _, target := range []string{"0", "-1", "24.5", "abc", "1e1", "NaN", "Inf", "0x10"} {
		cases = append(cases, struct {
			name string
			err  error
			want string
		}{"target " + target, reportErr(s.Utilization(ctx, olga, store.UtilizationFilter{From: "2026-03-01", To: "2026-03-31", TargetHours: target})),
			"target_hours must be a number greater than 0 and at most 24"})
	}
	for _, c := range cases {
		if got := msg(c.err); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func reportErr[T any](_ T, err error) error { return err }

func TestUtilization_Figures(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	d := seedReports(t, db)
	ctx := context.Background()
	olga := reportActor(t, s, d.olga, d.orgA)
	type ut struct {
		user               string
		tracked, available store.Hours
		percent            float64
	}
	run := func(a store.Actor, f store.UtilizationFilter) []ut {
		t.Helper()
		rows, err := s.Utilization(ctx, a, f)
		if err != nil {
			t.Fatal(err)
		}
		out := []ut{}
		for _, r := range rows {
			out = append(out, ut{r.UserName, r.TrackedHours, r.AvailableHours, r.UtilizationPercent})
		}
		return out
	}
	// March 2026 has 22 weekdays (2–6, 9–13, 16–20, 23–27, 30–31): available = 22 × 8 = 176 h.
	// Mia 7218 s = 2.005 h → 2.01, 2.005 / 176 = 1.139 % → 1.1; Nils 9972 s = 2.77 h, 1.574 % → 1.6;
	// Olga 9900 s = 2.75 h, 1.5625 % → 1.6; Zed nothing, 0. The invited member has no row.
	want := []ut{{"Mia Member", 201, 17600, 1.1}, {"Nils Member", 277, 17600, 1.6}, {"Olga Owner", 275, 17600, 1.6}, {"Zed Idle", 0, 17600, 0}}
	if got := run(olga, store.UtilizationFilter{From: "2026-03-01", To: "2026-03-31"}); !reflect.DeepEqual(got, want) {
		t.Errorf("default target\n got %v\nwant %v", got, want)
	}
	// target 0.5: available 22 × 0.5 = 11 h; Mia 2.005 / 11 = 18.227 % → 18.2; Nils 2.77 / 11 = 25.18 → 25.2;
	// Olga 2.75 / 11 = 25.0.
	want = []ut{{"Mia Member", 201, 1100, 18.2}, {"Nils Member", 277, 1100, 25.2}, {"Olga Owner", 275, 1100, 25}, {"Zed Idle", 0, 1100, 0}}
	if got := run(olga, store.UtilizationFilter{From: "2026-03-01", To: "2026-03-31", TargetHours: "0.5"}); !reflect.DeepEqual(got, want) {
		t.Errorf("target 0.5\n got %v\nwant %v", got, want)
	}
	// Only e3 is on INV-1: Olga 2.00 h of 176 = 1.136 % → 1.1; everyone else tracked nothing on it.
	want = []ut{{"Mia Member", 0, 17600, 0}, {"Nils Member", 0, 17600, 0}, {"Olga Owner", 200, 17600, 1.1}, {"Zed Idle", 0, 17600, 0}}
	if got := run(olga, store.UtilizationFilter{From: "2026-03-01", To: "2026-03-31", InvoiceID: d.inv1}); !reflect.DeepEqual(got, want) {
		t.Errorf("invoice\n got %v\nwant %v", got, want)
	}
	// A weekend has no available hours: utilization 0 rather than a division by zero.
	want = []ut{{"Nils Member", 0, 0, 0}}
	if got := run(olga, store.UtilizationFilter{From: "2026-03-07", To: "2026-03-08", UserID: d.nils}); !reflect.DeepEqual(got, want) {
		t.Errorf("weekend\n got %v\nwant %v", got, want)
	}
	// Mia, a member in New York, gets only her own row: e1 + e2 + e11 = 10818 s = 3.005 h → 3.01,
	// 3.005 / 176 = 1.707 % → 1.7 (Org B's 10 h not included).
	want = []ut{{"Mia Member", 301, 17600, 1.7}}
	mia := reportActor(t, s, d.mia, d.orgA)
	if got := run(mia, store.UtilizationFilter{From: "2026-03-01", To: "2026-03-31"}); !reflect.DeepEqual(got, want) {
		t.Errorf("member\n got %v\nwant %v", got, want)
	}
	if _, err := s.Utilization(ctx, mia, store.UtilizationFilter{From: "2026-03-01", To: "2026-03-31", UserID: d.nils}); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member asking for another user: %v, want forbidden", err)
	}
}

func TestRevenue_Figures(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	d := seedReports(t, db)
	ctx := context.Background()
	olga := reportActor(t, s, d.olga, d.orgA)
	run := func(f store.RevenueFilter) []store.RevenueRow {
		t.Helper()
		rows, err := s.Revenue(ctx, olga, f)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	// Invoiced: INV-1 (sent, 01-15) 1000.00, INV-5 (sent, overdue, 02-01) 200.00, INV-2 (paid, 03-31) 500.00,
	// INV-6 (sent, 04-01) 333.00; the draft INV-3 and void INV-4 are not revenue. Paid in UTC: 50.00 on 02-15,
	// 300.00 on 03-31T23:30Z, 200.00 on 04-01T02:00Z. May and June are listed with zeros.
	want := []store.RevenueRow{
		{Period: "2026-01", Invoiced: 100000}, {Period: "2026-02", Invoiced: 20000, Paid: 5000},
		{Period: "2026-03", Invoiced: 50000, Paid: 30000}, {Period: "2026-04", Invoiced: 33300, Paid: 20000},
		{Period: "2026-05"}, {Period: "2026-06"},
	}
	if got := run(store.RevenueFilter{From: "2026-01-01", To: "2026-06-30"}); !reflect.DeepEqual(got, want) {
		t.Errorf("months\n got %v\nwant %v", got, want)
	}
	// Q1 = 1000.00 + 200.00 + 500.00 invoiced, 50.00 + 300.00 paid; Q2 = 333.00 and 200.00.
	want = []store.RevenueRow{{Period: "2026-Q1", Invoiced: 170000, Paid: 35000}, {Period: "2026-Q2", Invoiced: 33300, Paid: 20000}}
	if got := run(store.RevenueFilter{From: "2026-01-01", To: "2026-06-30", GroupBy: "quarter"}); !reflect.DeepEqual(got, want) {
		t.Errorf("quarters\n got %v\nwant %v", got, want)
	}
	// Beta only: INV-5 and its payment.
	want = []store.RevenueRow{{Period: "2026-01"}, {Period: "2026-02", Invoiced: 20000, Paid: 5000}, {Period: "2026-03"}}
	if got := run(store.RevenueFilter{From: "2026-01-01", To: "2026-03-31", ClientID: d.beta}); !reflect.DeepEqual(got, want) {
		t.Errorf("client\n got %v\nwant %v", got, want)
	}
	// A partial quarter: 02-15..03-10 holds no issue date, only the 50.00 paid on 02-15.
	want = []store.RevenueRow{{Period: "2026-Q1", Paid: 5000}}
	if got := run(store.RevenueFilter{From: "2026-02-15", To: "2026-03-10", GroupBy: "quarter"}); !reflect.DeepEqual(got, want) {
		t.Errorf("partial quarter\n got %v\nwant %v", got, want)
	}
	// In New York, the 200.00 paid at 2026-04-01T02:00Z was paid on March 31: March reads 300.00 + 200.00.
	if _, err := db.Exec(`UPDATE users SET timezone = 'America/New_York' WHERE id = $1`, d.olga); err != nil {
		t.Fatal(err)
	}
	want = []store.RevenueRow{{Period: "2026-03", Invoiced: 50000, Paid: 50000}}
	if got := run(store.RevenueFilter{From: "2026-03-01", To: "2026-03-31"}); !reflect.DeepEqual(got, want) {
		t.Errorf("new york\n got %v\nwant %v", got, want)
	}
	// Members may not see revenue.
	if _, err := s.Revenue(ctx, reportActor(t, s, d.nils, d.orgA), store.RevenueFilter{From: "2026-03-01", To: "2026-03-31"}); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member: %v, want forbidden", err)
	}
}

func TestProfitability_Figures(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	d := seedReports(t, db)
	ctx := context.Background()
	olga := reportActor(t, s, d.olga, d.orgA)
	run := func(f store.ProfitabilityFilter) []store.ProfitabilityRow {
		t.Helper()
		rows, err := s.Profitability(ctx, olga, f)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	ptr := func(s string) *string { return &s }
	// Per entry, revenue = round(seconds × rate / 3600) when billable, cost = round(seconds × cost_rate / 3600),
	// half-up, in cents. Olga 3000, Mia 2000, Nils 1000 an hour.
	//   App:       e2 1818 s × 15000 (entry rate beats the project's) = 7575, cost 1818 × 2000 = 1010;
	//              e3 7200 s × 12000 (project rate beats Acme's) = 24000, cost 6000.
	//              revenue 31575, cost 7010, profit 24565, margin 24565 / 31575 = 77.799 % → 77.8
	//   Beta Site: e5 3600 s, no rate anywhere → 0, cost 1000; e7 2709 s × 200 = 150.5 → 151, cost 752.5 → 753;
	//              e12 9 s × 200 = 0.5 → 1, cost 2.5 → 3 (rounding the whole project instead would give 151 and 1755).
	//              revenue 152, cost 1756, profit −1604, margin −1604 / 152 = −1055.26 % → −1055.3
	//   Internal:  e4 not billable: revenue 0, cost 2700 s × 3000 = 2250, margin 0 (no revenue)
	//   Web:       e1 5400 s × Acme's 10000 = 15000, cost 3000, profit 12000, margin 80.0
	//   none:      e6 3654 s × 5000 = 5075, cost 1015, profit 4060, margin 80.0
	// The running e8, e9 (April), e10 (February) and Org B's entry are not counted.
	want := []store.ProfitabilityRow{
		{ID: ptr(d.app), Name: "App", Revenue: 31575, Cost: 7010, Profit: 24565, MarginPercent: 77.8},
		{ID: ptr(d.betaSite), Name: "Beta Site", Revenue: 152, Cost: 1756, Profit: -1604, MarginPercent: -1055.3},
		{ID: ptr(d.internal), Name: "Internal", Revenue: 0, Cost: 2250, Profit: -2250, MarginPercent: 0},
		{ID: ptr(d.web), Name: "Web", Revenue: 15000, Cost: 3000, Profit: 12000, MarginPercent: 80},
		{ID: nil, Name: "No project", Revenue: 5075, Cost: 1015, Profit: 4060, MarginPercent: 80},
	}
	if got := run(store.ProfitabilityFilter{From: "2026-03-01", To: "2026-03-31"}); !reflect.DeepEqual(got, want) {
		t.Errorf("projects\n got %v\nwant %v", dumpProfitability(got), dumpProfitability(want))
	}
	// Acme = Web + App: 46575 revenue, 10010 cost, 36565 profit, 36565 / 46575 = 78.508 % → 78.5.
	// Beta = Beta Site. No client = Internal + no project: 5075 revenue, 3265 cost, 1810 profit, 35.665 % → 35.7.
	want = []store.ProfitabilityRow{
		{ID: ptr(d.acme), Name: "Acme", Revenue: 46575, Cost: 10010, Profit: 36565, MarginPercent: 78.5},
		{ID: ptr(d.beta), Name: "Beta", Revenue: 152, Cost: 1756, Profit: -1604, MarginPercent: -1055.3},
		{ID: nil, Name: "No client", Revenue: 5075, Cost: 3265, Profit: 1810, MarginPercent: 35.7},
	}
	if got := run(store.ProfitabilityFilter{From: "2026-03-01", To: "2026-03-31", GroupBy: "client"}); !reflect.DeepEqual(got, want) {
		t.Errorf("clients\n got %v\nwant %v", dumpProfitability(got), dumpProfitability(want))
	}
	if _, err := s.Profitability(ctx, reportActor(t, s, d.mia, d.orgA), store.ProfitabilityFilter{From: "2026-03-01", To: "2026-03-31"}); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member: %v, want forbidden", err)
	}
}

func dumpProfitability(rows []store.ProfitabilityRow) string {
	out := ""
	for _, r := range rows {
		id := "nil"
		if r.ID != nil {
			id = *r.ID
		}
		out += fmt.Sprintf("\n  %s %s %d %d %d %v", id, r.Name, r.Revenue, r.Cost, r.Profit, r.MarginPercent)
	}
	return out
}
