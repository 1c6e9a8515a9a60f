package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// newWeekWorld: an organization whose owner, Olga, works in New York and whose member, Mia, in UTC, with a
// billable project of a client and entries around the week 2026-W10 (Monday 2 March to Sunday 8 March 2026, the
// Sunday on which New York moves to summer time). The clock stands on Thursday 5 March.
func newWeekWorld(t *testing.T) *world {
	t.Helper()
	f := newWorld(t)
	f.now = new(time.Time)
	*f.now = time.Date(2026, 3, 5, 15, 0, 0, 0, time.UTC)
	f.s.SetClock(func() time.Time { return *f.now })
	f.ownedBy("Olga Owner", "olga@example.com", "Week Co").withMember("Mia Member", "mia@example.com")
	f.exec(`UPDATE users SET timezone = 'America/New_York' WHERE id = $1`, f.owner.UserID)
	f.exec(`UPDATE users SET timezone = 'UTC' WHERE id = $1`, f.member.UserID)
	client := f.id(`INSERT INTO clients (organization_id, name, hourly_rate) VALUES ($1, 'Acme', 9000) RETURNING id`, f.owner.OrgID)
	pname, color, billable := "Website", "#10b981", true
	p, err := f.s.CreateProject(f.ctx, f.owner, store.ProjectInput{Name: &pname, Color: &color, Billable: &billable})
	if err != nil {
		t.Fatal(err)
	}
	f.project = p.ID
	f.exec(`UPDATE projects SET client_id = $2 WHERE id = $1`, f.project, client)
	f.archived = f.id(`INSERT INTO projects (organization_id, name, status) VALUES ($1, 'Old site', 'archived') RETURNING id`, f.owner.OrgID)
	f.exec(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'member')`, f.project, f.member.UserID)
	return f
}

// entry writes a stopped (or, with an empty stop, running) entry and returns its id.
func (f *world) entryOf(a store.Actor, project *string, description, start, stop string, billable bool, rate *int64) string {
	f.t.Helper()
	var stopped *string
	if stop != "" {
		stopped = &stop
	}
	return f.id(`INSERT INTO time_entries (organization_id, user_id, project_id, description, started_at, stopped_at, billable, hourly_rate)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, a.OrgID, a.UserID, project, description, start, stopped, billable, rate)
}

func (f *world) seedWeek() {
	f.t.Helper()
	p := &f.project
	rate := int64(12000)
	f.entryOf(f.owner, p, "before the week", "2026-03-02T04:00:00Z", "2026-03-02T04:30:00Z", true, nil) // Sun 1 March, 23:00 in New York
	f.entryOf(f.owner, p, "monday", "2026-03-02T05:30:00Z", "2026-03-02T06:30:00Z", true, &rate)        // Mon 00:30 EST
	f.entryOf(f.owner, nil, "tuesday", "2026-03-03T14:00:00Z", "2026-03-03T14:30:00Z", false, nil)
	f.entryOf(f.owner, p, "sunday night", "2026-03-09T03:30:00Z", "2026-03-09T04:00:00Z", true, nil) // Sun 8 March, 23:30 EDT
	f.entryOf(f.owner, p, "next monday", "2026-03-09T05:00:00Z", "2026-03-09T06:00:00Z", true, nil)  // Mon 9 March, 01:00 EDT
	f.entryOf(f.member, p, "mia wednesday", "2026-03-04T15:00:00Z", "2026-03-04T17:00:00Z", true, nil)
}

func descriptions(lines []store.TimeLine) []string {
	out := []string{}
	for _, l := range lines {
		out = append(out, l.Description)
	}
	return out
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTimeWeek_GridSumsStoppedEntriesByProjectAndLocalDay(t *testing.T) {
	t.Parallel()
	f := newWeekWorld(t)
	f.seedWeek()
	if _, err := f.s.StartTimer(f.ctx, f.owner, store.StartTimerInput{ProjectID: &f.project, Description: ptr("running")}); err != nil {
		t.Fatal(err)
	}
	*f.now = f.now.Add(time.Hour)
	w, err := f.s.TimeWeek(f.ctx, f.owner, store.TimeWeekFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.Monday.Format(time.DateOnly); got != "2026-03-02" {
		t.Fatalf("current week starts %s", got)
	}
	if got := w.Today.Format(time.DateOnly); got != "2026-03-05" || w.Location.String() != "America/New_York" || w.UserID != f.owner.UserID {
		t.Fatalf("today %s in %s for %s", got, w.Location, w.UserID)
	}
	// Entries belong to the New York day they started on, across the change to summer time; the running timer
	// is listed but has no duration yet.
	if len(w.Rows) != 2 {
		t.Fatalf("rows: %+v", w.Rows)
	}
	web, none := w.Rows[0], w.Rows[1]
	if web.Name != "Website" || web.Color != "#10b981" || web.Seconds != [7]int64{3600, 0, 0, 0, 0, 0, 1800} || web.Total != 5400 {
		t.Errorf("website row: %+v", web)
	}
	if none.ProjectID != nil || none.Name != "No project" || none.Seconds != [7]int64{0, 1800} || none.Total != 1800 {
		t.Errorf("no-project row: %+v", none)
	}
	if w.DayTotals != [7]int64{3600, 1800, 0, 0, 0, 0, 1800} || w.Total != 7200 {
		t.Errorf("totals: %v %d", w.DayTotals, w.Total)
	}
	if got, want := descriptions(w.Entries), []string{"sunday night", "running", "tuesday", "monday"}; !sameStrings(got, want) {
		t.Errorf("entries %v, want %v (newest first)", got, want)
	}
	if run := w.Entries[1]; !run.Running() || run.DurationSeconds != 3600 || strOf(run.ProjectName) != "Website" || run.UserName != "Olga Owner" {
		t.Errorf("running entry: %+v", run)
	}
	if mon := w.Entries[3]; mon.Rate != 12000 || mon.Currency != "USD" {
		t.Errorf("monday's rate %d %s, want the entry's own 12000 USD", mon.Rate, mon.Currency)
	}
	if sun := w.Entries[0]; sun.Rate != 9000 {
		t.Errorf("sunday's rate %d, want the client's 9000", sun.Rate)
	}
	if len(w.Projects) != 2 || w.Projects[0].Name != "Old site" || w.Projects[0].Status != store.ProjectArchived {
		t.Errorf("projects: %+v", w.Projects)
	}
	if len(w.Members) != 2 {
		t.Errorf("an owner is offered the members: %+v", w.Members)
	}
}

func TestTimeWeek_WeekFromISOWeekOrDay(t *testing.T) {
	t.Parallel()
	f := newWeekWorld(t)
	f.seedWeek()
	for _, tc := range []struct {
		name string
		f    store.TimeWeekFilter
		want string
	}{
		{"iso week", store.TimeWeekFilter{Week: "2026-W11"}, "2026-03-09"},
		{"any day", store.TimeWeekFilter{Start: "2026-03-08"}, "2026-03-02"},
		{"week wins", store.TimeWeekFilter{Week: "2026-W09", Start: "2026-03-08"}, "2026-02-23"},
	} {
		w, err := f.s.TimeWeek(f.ctx, f.owner, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := w.Monday.Format(time.DateOnly); got != tc.want {
			t.Errorf("%s: monday %s, want %s", tc.name, got, tc.want)
		}
	}
	w, _ := f.s.TimeWeek(f.ctx, f.owner, store.TimeWeekFilter{Week: "2026-W11"})
	if got := descriptions(w.Entries); !sameStrings(got, []string{"next monday"}) || w.Total != 3600 {
		t.Errorf("W11: %v %d", got, w.Total)
	}
	for _, bad := range []store.TimeWeekFilter{{Week: "2026-W54"}, {Week: "2025-W53"}, {Week: "48"}, {Start: "March"},
		{Billable: "yes"}, {ProjectID: "nope"}, {UserID: "nope"}} {
		var v *store.Error
		if _, err := f.s.TimeWeek(f.ctx, f.owner, bad); !asKind(err, store.ErrInvalid, &v) {
			t.Errorf("%+v: %v, want a validation error", bad, err)
		}
	}
}

func TestTimeWeek_FiltersByProjectBillableAndUser(t *testing.T) {
	t.Parallel()
	f := newWeekWorld(t)
	f.seedWeek()
	cases := []struct {
		name    string
		a       store.Actor
		f       store.TimeWeekFilter
		entries []string
		total   int64
	}{
		{"non-billable", f.owner, store.TimeWeekFilter{Billable: "false"}, []string{"tuesday"}, 1800},
		{"billable", f.owner, store.TimeWeekFilter{Billable: "true"}, []string{"sunday night", "monday"}, 5400},
		{"no project", f.owner, store.TimeWeekFilter{ProjectID: store.TimeNoProject}, []string{"tuesday"}, 1800},
		{"project", f.owner, store.TimeWeekFilter{ProjectID: f.project}, []string{"sunday night", "monday"}, 5400},
		{"a member's time", f.owner, store.TimeWeekFilter{UserID: f.member.UserID}, []string{"mia wednesday"}, 7200},
		{"everyone's", f.owner, store.TimeWeekFilter{UserID: store.TimeAllUsers}, []string{"sunday night", "mia wednesday", "tuesday", "monday"}, 14400},
		{"a member sees their own", f.member, store.TimeWeekFilter{}, []string{"mia wednesday"}, 7200},
		{"a member naming themselves", f.member, store.TimeWeekFilter{UserID: f.member.UserID}, []string{"mia wednesday"}, 7200},
	}
	for _, tc := range cases {
		w, err := f.s.TimeWeek(f.ctx, tc.a, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := descriptions(w.Entries); !sameStrings(got, tc.entries) || w.Total != tc.total {
			t.Errorf("%s: entries %v total %d, want %v %d", tc.name, got, w.Total, tc.entries, tc.total)
		}
	}
	w, _ := f.s.TimeWeek(f.ctx, f.member, store.TimeWeekFilter{})
	if len(w.Members) != 0 || len(w.Projects) != 1 || w.Projects[0].ID != f.project {
		t.Errorf("a member is offered no members and only their projects: %+v %+v", w.Members, w.Projects)
	}
	// Mia works in UTC: her Wednesday is her own.
	if w.Rows[0].Seconds[2] != 7200 {
		t.Errorf("mia's row: %+v", w.Rows[0])
	}
	for _, other := range []string{f.owner.UserID, store.TimeAllUsers} {
		if _, err := f.s.TimeWeek(f.ctx, f.member, store.TimeWeekFilter{UserID: other}); !errors.Is(err, store.ErrForbidden) {
			t.Errorf("a member asking for %s: %v, want forbidden", other, err)
		}
	}
}

func TestTimeWeek_ListsAtMostMaxWeekEntries(t *testing.T) {
	t.Parallel()
	f := newWeekWorld(t)
	f.db.MustExec(`INSERT INTO time_entries (organization_id, user_id, description, started_at, stopped_at, billable)
		SELECT $1, $2, 'e' || i, '2026-03-03T10:00:00Z'::timestamptz + i * interval '1 second',
			'2026-03-03T10:00:00Z'::timestamptz + i * interval '1 second' + interval '1 minute', true
		FROM generate_series(1, $3) i`, f.owner.OrgID, f.owner.UserID, store.MaxWeekEntries+2)
	w, err := f.s.TimeWeek(f.ctx, f.owner, store.TimeWeekFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Entries) != store.MaxWeekEntries || !w.Truncated || w.Entries[0].Description != "e502" {
		t.Errorf("%d entries, truncated %v, first %s", len(w.Entries), w.Truncated, w.Entries[0].Description)
	}
	if w.Total != int64(store.MaxWeekEntries+2)*60 {
		t.Errorf("the grid counts every entry: %d", w.Total)
	}
}

func TestExportTimeEntries_StreamsTheRangeOldestFirst(t *testing.T) {
	t.Parallel()
	f := newWeekWorld(t)
	f.seedWeek()
	if _, err := f.s.StartTimer(f.ctx, f.owner, store.StartTimerInput{Description: ptr("running")}); err != nil {
		t.Fatal(err)
	}
	collect := func(a store.Actor, ef store.TimeExportFilter) ([]string, error) {
		var got []string
		err := f.s.ExportTimeEntries(f.ctx, a, ef, func(l store.TimeLine) error {
			got = append(got, l.Description)
			return nil
		})
		return got, err
	}
	got, err := collect(f.owner, store.TimeExportFilter{From: "2026-03-01", To: "2026-03-09"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"before the week", "monday", "tuesday", "running", "sunday night", "next monday"}
	if !sameStrings(got, want) {
		t.Errorf("range: %v, want %v", got, want)
	}
	got, _ = collect(f.owner, store.TimeExportFilter{TimeWeekFilter: store.TimeWeekFilter{Week: "2026-W10", Billable: "true"}})
	if !sameStrings(got, []string{"monday", "running", "sunday night"}) {
		t.Errorf("billable entries of the week: %v", got)
	}
	got, _ = collect(f.owner, store.TimeExportFilter{TimeWeekFilter: store.TimeWeekFilter{UserID: store.TimeAllUsers}})
	if len(got) != 5 {
		t.Errorf("everyone's current week: %v", got)
	}
	if _, err := collect(f.member, store.TimeExportFilter{TimeWeekFilter: store.TimeWeekFilter{UserID: store.TimeAllUsers}}); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("a member exporting everyone's: %v", err)
	}
	var v *store.Error
	if _, err := collect(f.owner, store.TimeExportFilter{From: "2026-03-09", To: "2026-03-01"}); !asKind(err, store.ErrInvalid, &v) {
		t.Errorf("reversed range: %v", err)
	}
	stop := errors.New("stop")
	n := 0
	err = f.s.ExportTimeEntries(f.ctx, f.owner, store.TimeExportFilter{From: "2026-03-01", To: "2026-03-09"}, func(store.TimeLine) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("an error of the writer ends the export: %v after %d rows", err, n)
	}
}

func TestRunningTimerLine_NamesProjectAndTask(t *testing.T) {
	t.Parallel()
	f := newWeekWorld(t)
	if cur, err := f.s.RunningTimerLine(f.ctx, f.owner); err != nil || cur != nil {
		t.Fatalf("no timer: %v %v", cur, err)
	}
	task, err := f.s.CreateTask(f.ctx, f.owner, store.TaskInput{ProjectID: f.project, Title: "Landing page"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := f.s.StartTimer(f.ctx, f.owner, store.StartTimerInput{TaskID: &task.ID})
	if err != nil {
		t.Fatal(err)
	}
	cur, err := f.s.RunningTimerLine(f.ctx, f.owner)
	if err != nil || cur == nil {
		t.Fatalf("running: %v %v", cur, err)
	}
	if cur.ID != e.ID || strOf(cur.ProjectName) != "Website" || strOf(cur.ProjectColor) != "#10b981" || strOf(cur.TaskTitle) != "Landing page" {
		t.Errorf("line: %+v", cur)
	}
	if other, err := f.s.RunningTimerLine(f.ctx, f.member); err != nil || other != nil {
		t.Errorf("mia has no timer: %v %v", other, err)
	}
	// Mia never sees Olga's entry; Olga, an owner, sees Mia's.
	if _, err := f.s.TimeLine(f.ctx, f.member, e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("member reading another's entry: %v", err)
	}
	mias := f.entryOf(f.member, &f.project, "mia", "2026-03-04T15:00:00Z", "2026-03-04T16:00:00Z", true, nil)
	if l, err := f.s.TimeLine(f.ctx, f.owner, mias); err != nil || l.UserName != "Mia Member" || l.DurationSeconds != 3600 {
		t.Errorf("owner reading a member's entry: %+v %v", l, err)
	}
}

func TestStopRunningTimer_StopsWhicheverRuns(t *testing.T) {
	t.Parallel()
	f := newWeekWorld(t)
	if _, err := f.s.StopRunningTimer(f.ctx, f.owner); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("without a timer: %v, want a conflict", err)
	}
	e, err := f.s.StartTimer(f.ctx, f.owner, store.StartTimerInput{})
	if err != nil {
		t.Fatal(err)
	}
	stopped, err := f.s.StopRunningTimer(f.ctx, f.owner)
	if err != nil || stopped.ID != e.ID || stopped.Running() {
		t.Fatalf("stopped: %+v %v", stopped, err)
	}
}

func TestTimeTasks_OpenTasksOfAVisibleProjectPlusTheKeptOne(t *testing.T) {
	t.Parallel()
	f := newWeekWorld(t)
	var ids []string
	for _, title := range []string{"Beta", "alpha", "Done thing"} {
		task, err := f.s.CreateTask(f.ctx, f.owner, store.TaskInput{ProjectID: f.project, Title: title})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, task.ID)
	}
	f.db.MustExec(`UPDATE tasks SET completed_at = now(), status = 'done' WHERE id = $1`, ids[2])
	titles := func(ts []store.TimeTask) []string {
		out := []string{}
		for _, t := range ts {
			out = append(out, t.Title)
		}
		return out
	}
	got, err := f.s.TimeTasks(f.ctx, f.member, f.project, "")
	if err != nil || !sameStrings(titles(got), []string{"alpha", "Beta"}) {
		t.Errorf("open tasks: %v %v", titles(got), err)
	}
	got, _ = f.s.TimeTasks(f.ctx, f.member, f.project, ids[2])
	if !sameStrings(titles(got), []string{"alpha", "Beta", "Done thing"}) || !got[2].Completed {
		t.Errorf("with the kept one: %+v", got)
	}
	// Mia is not on the archived project: it has no tasks for her, whatever the id.
	if got, _ := f.s.TimeTasks(f.ctx, f.member, f.archived, ""); len(got) != 0 {
		t.Errorf("invisible project: %v", got)
	}
	if got, err := f.s.TimeTasks(f.ctx, f.member, "not-an-id", ""); err != nil || len(got) != 0 {
		t.Errorf("bad id: %v %v", got, err)
	}
}

func TestParseISOWeek(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"2026-W48": "2026-11-23", "2026-W01": "2025-12-29", "2026-W53": "2026-12-28", "2021-W01": "2021-01-04",
		"2020-W53": "2020-12-28", "2025-W53": "", "2026-W00": "", "2026W48": "", "": "",
	} {
		m, ok := store.ParseISOWeek(in)
		if got := ""; ok {
			got = m.Format(time.DateOnly)
			if got != want {
				t.Errorf("%q: %s, want %s", in, got, want)
			}
		} else if want != "" {
			t.Errorf("%q: refused, want %s", in, want)
		}
	}
	if got := store.ISOWeekString(time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)); got != "2026-W53" {
		t.Errorf("ISO week of 2 January 2027: %s", got)
	}
}

func strOf(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
