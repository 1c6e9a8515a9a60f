package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

func TestParseHours(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"1:30", 90 * time.Minute, true},
		{"1.5", 90 * time.Minute, true},
		{"1,5", 90 * time.Minute, true},
		{"90m", 90 * time.Minute, true},
		{"90 min", 90 * time.Minute, true},
		{"2h", 2 * time.Hour, true},
		{"1h 15m", 75 * time.Minute, true},
		{" 0:45 ", 45 * time.Minute, true},
		{".25", 15 * time.Minute, true},
		{"0", 0, true},
		{"1:75", 0, false},
		{"1h 75m", 0, false},
		{"abc", 0, false},
		{"-1", 0, false},
		{"", 0, false},
	}
	for _, c := range cases {
		got, ok := store.ParseHours(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseHours(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// cellSeconds is the week grid's value of a project's (nil: no project) day, 0 = Monday.
func cellSeconds(t *testing.T, f *world, project *string, day int) int64 {
	t.Helper()
	w, err := f.s.TimeWeek(f.ctx, f.owner, store.TimeWeekFilter{Week: "2026-W10"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range w.Rows {
		if (r.ProjectID == nil && project == nil) || (r.ProjectID != nil && project != nil && *r.ProjectID == *project) {
			return r.Seconds[day]
		}
	}
	return 0
}

func TestSetTimesheetCell_TypedHoursBecomeTheCellsTotal(t *testing.T) {
	f := newWeekWorld(t)
	set := func(date, project, hours string) error {
		_, err := f.s.SetTimesheetCell(f.ctx, f.owner, store.TimesheetCellInput{Date: date, ProjectID: project, Hours: hours})
		return err
	}
	// An empty cell gets one entry at 09:00 in the owner's timezone (New York).
	if err := set("2026-03-04", f.project, "1:30"); err != nil {
		t.Fatal(err)
	}
	if got := cellSeconds(t, f, &f.project, 2); got != 5400 {
		t.Fatalf("Wednesday = %d s, want 5400", got)
	}
	var start time.Time
	mustGet(t, f.db.Get(&start, `SELECT started_at FROM time_entries WHERE user_id = $1 AND project_id = $2`, f.owner.UserID, f.project))
	if want := time.Date(2026, 3, 4, 14, 0, 0, 0, time.UTC); !start.Equal(want) {
		t.Errorf("typed entry starts %v, want %v (09:00 EST)", start.UTC(), want)
	}
	// Raising and lowering move the stop of that one entry; the same value changes nothing; empty deletes it.
	for _, step := range []struct {
		hours   string
		seconds int64
		entries int
	}{{"2,5", 9000, 1}, {"2.5", 9000, 1}, {"2h", 7200, 1}, {"90m", 5400, 1}, {"", 0, 0}} {
		if err := set("2026-03-04", f.project, step.hours); err != nil {
			t.Fatalf("%q: %v", step.hours, err)
		}
		if got := cellSeconds(t, f, &f.project, 2); got != step.seconds {
			t.Errorf("after %q: Wednesday = %d s, want %d", step.hours, got, step.seconds)
		}
		var n int
		mustGet(t, f.db.Get(&n, `SELECT count(*) FROM time_entries WHERE user_id = $1 AND project_id = $2`, f.owner.UserID, f.project))
		if n != step.entries {
			t.Errorf("after %q: %d entries, want %d", step.hours, n, step.entries)
		}
	}
	// The time without a project has its own cells.
	if err := set("2026-03-02", store.TimeNoProject, "0:45"); err != nil {
		t.Fatal(err)
	}
	if got := cellSeconds(t, f, nil, 0); got != 2700 {
		t.Errorf("Monday without project = %d s, want 2700", got)
	}
}

func TestSetTimesheetCell_RefusesWithoutChangingAnything(t *testing.T) {
	f := newWeekWorld(t)
	f.entryOf(f.owner, &f.project, "morning", "2026-03-04T14:00:00Z", "2026-03-04T16:00:00Z", true, nil)
	f.entryOf(f.owner, &f.project, "afternoon", "2026-03-04T18:00:00Z", "2026-03-04T18:30:00Z", true, nil)
	count := func() (n int) {
		mustGet(t, f.db.Get(&n, `SELECT count(*) FROM time_entries`))
		return n
	}
	before := count()
	for _, c := range []struct {
		in   store.TimesheetCellInput
		kind error
	}{
		{store.TimesheetCellInput{Date: "2026-03-04", ProjectID: f.project, Hours: "lots"}, store.ErrInvalid},
		{store.TimesheetCellInput{Date: "2026-03-04", ProjectID: f.project, Hours: "25h"}, store.ErrInvalid},
		{store.TimesheetCellInput{Date: "yesterday", ProjectID: f.project, Hours: "1"}, store.ErrInvalid},
		{store.TimesheetCellInput{Date: "2026-03-04", ProjectID: "nope", Hours: "1"}, store.ErrInvalid},
		{store.TimesheetCellInput{Date: "2026-03-04", ProjectID: f.archived, Hours: "1"}, store.ErrInvalid},
		// Lowering 2:30 to 1:00 needs more than the latest entry's 30 minutes.
		{store.TimesheetCellInput{Date: "2026-03-04", ProjectID: f.project, Hours: "1"}, store.ErrConflict},
	} {
		_, err := f.s.SetTimesheetCell(f.ctx, f.owner, c.in)
		if !errors.Is(err, c.kind) {
			t.Errorf("%+v: err = %v, want %v", c.in, err, c.kind)
		}
	}
	if got := count(); got != before {
		t.Errorf("entries = %d, want %d", got, before)
	}
	if got := cellSeconds(t, f, &f.project, 2); got != 9000 {
		t.Errorf("Wednesday = %d s, want 9000 unchanged", got)
	}
}

func mustGet(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSetTimesheetCell_RaisingABilledCellAddsAnEntry(t *testing.T) {
	f := newWeekWorld(t)
	billed := f.entryOf(f.owner, &f.project, "billed", "2026-03-04T14:00:00Z", "2026-03-04T15:00:00Z", true, nil)
	client := f.id(`SELECT client_id FROM projects WHERE id = $1`, f.project)
	invoice := f.id(`INSERT INTO invoices (organization_id, client_id, number, status, issue_date, due_date, currency)
		VALUES ($1, $2, 'INV-1', 'draft', '2026-03-05', '2026-04-05', 'USD') RETURNING id`, f.owner.OrgID, client)
	f.exec(`UPDATE time_entries SET invoice_id = $2 WHERE id = $1`, billed, invoice)
	if _, err := f.s.SetTimesheetCell(f.ctx, f.owner, store.TimesheetCellInput{Date: "2026-03-04", ProjectID: f.project, Hours: "1:30"}); err != nil {
		t.Fatal(err)
	}
	var n int
	mustGet(t, f.db.Get(&n, `SELECT count(*) FROM time_entries WHERE user_id = $1 AND invoice_id IS NULL AND duration_seconds = 1800`, f.owner.UserID))
	if n != 1 || cellSeconds(t, f, &f.project, 2) != 5400 {
		t.Errorf("new entries of 0:30: %d; cell %d s", n, cellSeconds(t, f, &f.project, 2))
	}
	_, err := f.s.SetTimesheetCell(f.ctx, f.owner, store.TimesheetCellInput{Date: "2026-03-04", ProjectID: f.project, Hours: "0:15"})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("lowering past the billed entry: %v", err)
	}
}
