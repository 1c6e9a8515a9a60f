package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// tsGroup is a compact timesheet group: its name, subtotals and rows (user, period, hours, billable).
type tsGroup struct {
	name            string
	hours, billable store.Hours
	rows            []tsRow
}

func timesheetGroups(t *testing.T, got store.Timesheet) []tsGroup {
	t.Helper()
	out := []tsGroup{}
	var sum store.Hours
	for _, g := range got.Groups {
		tg := tsGroup{name: g.Name, hours: g.Hours, billable: g.BillableHours}
		for _, r := range g.Rows {
			tg.rows = append(tg.rows, tsRow{r.UserName, r.Period, r.Hours, r.BillableHours})
		}
		sum += g.Hours
		out = append(out, tg)
	}
	if sum != got.TotalHours {
		t.Errorf("the groups add up to %v, the total is %v", sum, got.TotalHours)
	}
	return out
}

// TestTimesheet_GroupsByPersonAndByProjectWithSubtotals: March 2026 for Olga (UTC), by day. e11 (Mia, April 1
// 02:00 UTC) is in April here.
func TestTimesheet_GroupsByPersonAndByProjectWithSubtotals(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	d := seedReports(t, db)
	ctx := context.Background()
	olga := reportActor(t, s, d.olga, d.orgA)
	march := store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31"}

	// By person, the default: a person's days, each day's projects together. Mia: e1 5400 s = 1.50, e2 1818 s =
	// 0.505 → 0.51; Nils: e5 1.00, e7 + e12 2718 s = 0.755 → 0.76, e6 3654 s = 1.015 → 1.02; Olga: e3 + e4 9900 s
	// = 2.75, of which 2.00 billable.
	ts, err := s.Timesheet(ctx, olga, march)
	if err != nil {
		t.Fatal(err)
	}
	want := []tsGroup{
		{"Mia Member", 201, 201, []tsRow{{"Mia Member", "2026-03-02", 150, 150}, {"Mia Member", "2026-03-03", 51, 51}}},
		{"Nils Member", 278, 278, []tsRow{{"Nils Member", "2026-03-16", 100, 100}, {"Nils Member", "2026-03-17", 76, 76}, {"Nils Member", "2026-03-31", 102, 102}}},
		{"Olga Owner", 275, 200, []tsRow{{"Olga Owner", "2026-03-10", 275, 200}}},
	}
	if got := timesheetGroups(t, ts); !reflect.DeepEqual(got, want) {
		t.Errorf("by person\n got %v\nwant %v", got, want)
	}
	if ts.TotalHours != 754 {
		t.Errorf("total %v, want 7.54", ts.TotalHours)
	}

	// By project: a row per project, person and day, the projects by name and the entries without one last.
	byProject := march
	byProject.Breakdown = store.TimesheetByProject
	ts, err = s.Timesheet(ctx, olga, byProject)
	if err != nil {
		t.Fatal(err)
	}
	want = []tsGroup{
		{"App", 251, 251, []tsRow{{"Mia Member", "2026-03-03", 51, 51}, {"Olga Owner", "2026-03-10", 200, 200}}},
		{"Beta Site", 176, 176, []tsRow{{"Nils Member", "2026-03-16", 100, 100}, {"Nils Member", "2026-03-17", 76, 76}}},
		{"Internal", 75, 0, []tsRow{{"Olga Owner", "2026-03-10", 75, 0}}},
		{"Web", 150, 150, []tsRow{{"Mia Member", "2026-03-02", 150, 150}}},
		{"No project", 102, 102, []tsRow{{"Nils Member", "2026-03-31", 102, 102}}},
	}
	if got := timesheetGroups(t, ts); !reflect.DeepEqual(got, want) {
		t.Errorf("by project\n got %v\nwant %v", got, want)
	}
	if ts.TotalHours != 754 || ts.Groups[0].ID != d.app || ts.Groups[0].Rows[0].ProjectName != "App" || ts.Groups[4].ID != "" {
		t.Errorf("total %v, groups %+v", ts.TotalHours, ts.Groups)
	}

	// A member's own time only, by project: Mia's App and Web, nothing of Org B's Web.
	mia := reportActor(t, s, d.mia, d.orgA)
	ts, err = s.Timesheet(ctx, mia, byProject)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts.Groups) != 3 || ts.Groups[0].Name != "App" || ts.Groups[1].Name != "Web" || ts.Groups[1].Hours != 150 || ts.Groups[2].Name != "No project" {
		t.Errorf("Mia by project: %+v", ts.Groups)
	}

	bad := march
	bad.Breakdown = "client"
	var e *store.Error
	if _, err := s.Timesheet(ctx, olga, bad); !errors.As(err, &e) || !errors.Is(err, store.ErrInvalid) || e.Fields["by"] == "" {
		t.Errorf("by=client: %v, want invalid on by", err)
	}
}

// TestUtilization_CountsOnlyDaysThatHavePassed: on Wednesday 2026-03-04 at noon, the week of March 2 has three
// weekdays behind it, today counted whole; a week that has not begun has none.
func TestUtilization_CountsOnlyDaysThatHavePassed(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	d := seedReports(t, db)
	ctx := context.Background()
	s.SetClock(func() time.Time { return time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC) })
	olga := reportActor(t, s, d.olga, d.orgA)

	rows, err := s.Utilization(ctx, olga, store.UtilizationFilter{From: "2026-03-02", To: "2026-03-08", UserID: d.mia, PassedDaysOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	// Mon–Wed × 8 h = 24 h, not the week's 40 h; Mia's e1 + e2 = 7218 s = 2.005 h → 2.01, 2.005 / 24 = 8.35 % → 8.4.
	if len(rows) != 1 || rows[0].AvailableHours != 2400 || rows[0].TrackedHours != 201 || rows[0].UtilizationPercent != 8.4 {
		t.Errorf("the week so far: %+v, want 24 h available and 8.4 %%", rows)
	}
	rows, err = s.Utilization(ctx, olga, store.UtilizationFilter{From: "2026-03-09", To: "2026-03-13", UserID: d.nils, PassedDaysOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].AvailableHours != 0 || rows[0].UtilizationPercent != 0 {
		t.Errorf("next week: %+v, want nothing available yet", rows)
	}
	// A past range keeps every weekday: February 2026 has 20.
	rows, err = s.Utilization(ctx, olga, store.UtilizationFilter{From: "2026-02-01", To: "2026-02-28", UserID: d.nils, PassedDaysOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].AvailableHours != 16000 {
		t.Errorf("February: %+v, want 160 h available", rows)
	}
	// The API's contract (shared spec) counts every weekday of the range: the whole week is 40 h.
	rows, err = s.Utilization(ctx, olga, store.UtilizationFilter{From: "2026-03-02", To: "2026-03-08", UserID: d.mia})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].AvailableHours != 4000 {
		t.Errorf("the week for the API: %+v, want 40 h available", rows)
	}
}
