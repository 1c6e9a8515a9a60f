package handlers_test

import (
	"encoding/csv"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTimePage_WeekTimesheetAndEntriesInTheUsersTimezone(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	// Week 2026-W10 runs from Monday 2 March to Sunday 8 March in Berlin (UTC+1).
	tt.entry(t, tt.ownerA, tt.project.ID, tt.projectTask.ID, "Kick-off", "2026-03-02T08:00:00Z", "2026-03-02T09:30:00Z")
	tt.entry(t, tt.ownerA, "", "", "Email", "2026-03-03T12:00:00Z", "2026-03-03T12:15:00Z")
	tt.entry(t, tt.ownerA, tt.project.ID, "", "Late fix", "2026-03-08T23:30:00Z", "2026-03-09T00:10:00Z") // Monday 9 March in Berlin
	tt.entry(t, tt.memberA, tt.project.ID, "", "Milo's work", "2026-03-04T10:00:00Z", "2026-03-04T11:00:00Z")

	p := tt.owner.get("/time?week=2026-W10")
	if p.status != http.StatusOK {
		t.Fatalf("GET /time: %d %s", p.status, p.body)
	}
	for _, id := range []string{"timesheet", "time-entries", "time-filters", "time-add", "time-entry-form", "week-prev", "week-next", "time-export", "timer", "timer-start-button"} {
		if !p.has(id) {
			t.Errorf("missing %s", id)
		}
	}
	if got := p.text("week-label"); !strings.Contains(got, "Mar 2 – 8, 2026") || !strings.Contains(got, "Week 10") {
		t.Errorf("week label %q", got)
	}
	if got := sheetRows(p); strings.Join(got, "|") != "Website1:30––––––1:30|No project–0:15–––––0:15" {
		t.Errorf("rows %q", got)
	}
	if got := p.text("timesheet-grand-total"); got != "1:45" {
		t.Errorf("grand total %q", got)
	}
	if got := p.texts("time-entry-description"); strings.Join(got, "|") != "Email|Kick-off" {
		t.Errorf("entries %q (the Monday-night fix belongs to the next week in Berlin)", got)
	}
	entry := p.doc.Find(`[data-testid="time-entry"]`).Last()
	if got := strings.Join(strings.Fields(entry.Text()), " "); !strings.Contains(got, "Website › Landing page") || !strings.Contains(got, "09:00 – 10:30") || !strings.Contains(got, "1:30") {
		t.Errorf("Kick-off row %q (times in Berlin)", got)
	}
	if p.doc.Find(`#time-results[hx-trigger*="timer-changed"][hx-get="/time?week=2026-W10"]`).Length() != 1 {
		t.Errorf("the results reload on timer-changed with their filters")
	}

	// The next week, through htmx: only the results.
	next := htmxGet(tt.owner, "/time?week=2026-W11")
	if !next.has("time-results") || next.has("sidebar") {
		t.Errorf("htmx answer is the results fragment")
	}
	if got := next.texts("time-entry-description"); strings.Join(got, "|") != "Late fix" {
		t.Errorf("next week %q", got)
	}
	// ?start= names any day of a week.
	if got := tt.owner.get("/time?start=2026-03-05").texts("time-entry-description"); len(got) != 2 {
		t.Errorf("?start: %q", got)
	}
	empty := tt.owner.get("/time?week=2026-W20")
	if !empty.has("empty-state") || !empty.has("empty-add-time") {
		t.Errorf("an empty week shows empty states")
	}
	tt.owner.visit(visit{name: "bad week", path: "/time?week=2026-W99", status: http.StatusBadRequest})
}

func TestTimePage_FiltersKeptInTheURLAndAdminsSwitchUser(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	tt.entry(t, tt.ownerA, tt.project.ID, "", "Olga billable", "2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z")
	tt.entry(t, tt.memberA, tt.project.ID, "", "Milo's work", "2026-03-04T10:00:00Z", "2026-03-04T11:00:00Z")

	p := tt.owner.get("/time?week=2026-W10&project=" + tt.project.ID + "&billable=true")
	if got := p.doc.Find(`#time-filter-project option[selected]`).AttrOr("value", ""); got != tt.project.ID {
		t.Errorf("project filter %q", got)
	}
	if got := p.doc.Find(`#time-filter-billable option[selected]`).AttrOr("value", ""); got != "true" {
		t.Errorf("billable filter %q", got)
	}
	href := p.doc.Find(`[data-testid="time-export"]`).AttrOr("href", "")
	q, _ := url.ParseQuery(strings.TrimPrefix(href, "/time/export.csv?"))
	if !strings.HasPrefix(href, "/time/export.csv?") || q.Get("project") != tt.project.ID || q.Get("billable") != "true" || q.Get("week") != "2026-W10" {
		t.Errorf("export link %q", href)
	}
	prev := p.doc.Find(`[data-testid="week-prev"]`).AttrOr("href", "")
	if !strings.Contains(prev, "week=2026-W09") || !strings.Contains(prev, "billable=true") {
		t.Errorf("previous week link %q keeps the filters", prev)
	}

	all := tt.owner.get("/time?week=2026-W10&user=all")
	if got := all.texts("time-entry-description"); len(got) != 2 {
		t.Errorf("everyone's entries: %q", got)
	}
	if all.has("time-add") {
		t.Errorf("the add form (one's own time) is hidden while looking at others'")
	}
	if !strings.Contains(all.doc.Find(`[data-testid="time-entries"]`).Text(), "Milo Member") {
		t.Errorf("entries name their user")
	}
	milo := tt.owner.get("/time?week=2026-W10&user=" + tt.memberA.UserID)
	if got := milo.texts("time-entry-description"); strings.Join(got, "|") != "Milo's work" {
		t.Errorf("a member's entries: %q", got)
	}

	// Members see their own time only, and have no user filter.
	mine := tt.member.get("/time?week=2026-W10")
	if got := mine.texts("time-entry-description"); strings.Join(got, "|") != "Milo's work" || mine.has("time-filter-user") {
		t.Errorf("member's page: %q, user filter %v", got, mine.has("time-filter-user"))
	}
	tt.member.visit(visit{name: "member asking for the owner's time", path: "/time?user=" + tt.ownerA.UserID, status: http.StatusForbidden})
	tt.member.visit(visit{name: "member exporting everyone's time", path: "/time/export.csv?user=all", status: http.StatusForbidden})
}

func TestTimeEntry_AddManuallyWithMessagesInPlace(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	tt.owner.get("/time")
	form := func(kv ...string) url.Values {
		v := url.Values{"date": {"2026-03-02"}, "start": {"09:00"}, "project_id": {tt.project.ID}, "task_id": {tt.projectTask.ID},
			"description": {"Wireframes"}, "billable": {"true"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	cases := []struct {
		name, slot, want string
		form             url.Values
		status           int
	}{
		{"no end", "entry-new-end", "Enter an end time or a duration.", form(), 422},
		{"bad start", "entry-new-start", "Enter a start time such as 09:00.", form("start", "9am", "end", "10:00"), 422},
		{"bad duration", "entry-new-duration", "Enter a duration such as 1:30, 1.5 or 90m.", form("duration", "soon"), 422},
		{"same time", "entry-new-end", "The end must be after the start.", form("end", "09:00"), 422},
		{"too long", "entry-new-duration", "An entry can last at most 24 hours.", form("duration", "25"), 422},
		{"another organization's project", "entry-new-project", "Choose a project you are a member of.", form("end", "10:00", "project_id", tt.other.ID, "task_id", ""), 422},
	}
	for _, tc := range cases {
		p := tt.owner.htmx("/time/entries", tc.form)
		if p.status != tc.status {
			t.Errorf("%s: %d %s", tc.name, p.status, p.body)
			continue
		}
		if got := p.fieldError(tc.slot); got != tc.want {
			t.Errorf("%s: %s says %q, want %q", tc.name, tc.slot, got, tc.want)
		}
		if !p.has("form-error") || p.doc.Find(`[hx-swap-oob="true"].field__error`).Length() != 7 {
			t.Errorf("%s: every slot of the form is answered out of band: %s", tc.name, p.body)
		}
	}

	// 22:30 to 00:15 ends the next day; times are read in Berlin.
	p := tt.owner.htmx("/time/entries", form("start", "22:30", "end", "00:15"))
	if p.status != http.StatusNoContent || !strings.Contains(p.header.Get("HX-Trigger"), "time-changed") {
		t.Fatalf("add: %d %q %s", p.status, p.header.Get("HX-Trigger"), p.body)
	}
	p = tt.owner.htmx("/time/entries", form("duration", "1:30", "description", "Review"))
	if p.status != http.StatusNoContent {
		t.Fatalf("add with a duration: %d %s", p.status, p.body)
	}
	var got []struct {
		Description string `db:"description"`
		Start       string `db:"start"`
		Seconds     int64  `db:"duration_seconds"`
		Billable    bool   `db:"billable"`
		TaskID      string `db:"task_id"`
	}
	tt.e.db.Select(&got, `SELECT description, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS start, duration_seconds, billable, task_id
		FROM time_entries WHERE user_id = $1 ORDER BY started_at`, tt.ownerA.UserID)
	if len(got) != 2 || got[0].Start != "2026-03-02 08:00" || got[0].Seconds != 5400 || got[1].Start != "2026-03-02 21:30" || got[1].Seconds != 6300 ||
		!got[0].Billable || got[0].TaskID != tt.projectTask.ID {
		t.Errorf("entries: %+v", got)
	}

	// Without JavaScript: a redirect back with a flash.
	np := tt.owner.post("/time/entries", form("end", "10:00", "return_to", "/time?week=2026-W10"))
	if np.status != http.StatusSeeOther || np.location != "/time?week=2026-W10" {
		t.Errorf("plain form: %d %q", np.status, np.location)
	}
	if p := tt.owner.get("/time?week=2026-W10"); !strings.Contains(p.text("flashes"), "Added 1:00") {
		t.Errorf("flash: %q", p.text("flashes"))
	}
}

func TestTimeEntry_InlineEditAndDelete(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	id := tt.entry(t, tt.ownerA, tt.project.ID, tt.projectTask.ID, "Kick-off", "2026-03-02T08:00:00Z", "2026-03-02T09:30:00Z")
	tt.owner.get("/time?week=2026-W10")

	edit := htmxGet(tt.owner, "/time/entries/"+id+"/edit")
	f := edit.doc.Find(`[data-testid="time-entry-edit-form"]`)
	if edit.status != http.StatusOK || f.Length() != 1 {
		t.Fatalf("edit form: %d %s", edit.status, edit.body)
	}
	for sel, want := range map[string]string{"#entry-" + id + "-date": "2026-03-02", "#entry-" + id + "-start": "09:00",
		"#entry-" + id + "-end": "10:30", "#entry-" + id + "-description": "Kick-off"} {
		if got := f.Find(sel).AttrOr("value", ""); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if got := f.Find(`#entry-`+id+`-task option[selected]`).AttrOr("value", ""); got != tt.projectTask.ID {
		t.Errorf("task selected %q", got)
	}
	values := url.Values{"date": {"2026-03-02"}, "start": {"09:00"}, "end": {"10:30"}, "date_was": {"2026-03-02"},
		"start_was": {"09:00"}, "end_was": {"10:30"}, "project_id": {tt.project.ID}, "task_id": {tt.projectTask.ID},
		"description": {"Kick-off call"}, "billable": {"true"}}
	p := tt.owner.htmx("/time/entries/"+id, values)
	if p.status != http.StatusNoContent || !strings.Contains(p.header.Get("HX-Trigger"), "time-changed") {
		t.Fatalf("save: %d %s", p.status, p.body)
	}
	row := htmxGet(tt.owner, "/time/entries/"+id)
	if got := row.text("time-entry-description"); got != "Kick-off call" || !strings.Contains(row.body, "09:00 – 10:30") {
		t.Errorf("row after save: %q", row.body)
	}

	values.Set("end", "09:00")
	values.Set("start", "09:00")
	p = tt.owner.htmx("/time/entries/"+id, values)
	if p.status != http.StatusUnprocessableEntity || p.fieldError("entry-"+id+"-end") != "The end must be after the start." {
		t.Errorf("empty span: %d %s", p.status, p.body)
	}

	// Another organization's entry does not exist here; a member cannot reach the owner's.
	for _, path := range []string{"/time/entries/" + tt.otherEntry, "/time/entries/" + tt.otherEntry + "/edit"} {
		tt.owner.visit(visit{htmx: true, path: path, status: http.StatusNotFound})
	}
	tt.owner.visit(visit{name: "update another organization's entry", method: http.MethodPost, htmx: true, path: "/time/entries/" + tt.otherEntry, form: values, status: http.StatusNotFound})
	tt.owner.visit(visit{name: "delete another organization's entry", method: http.MethodPost, htmx: true, path: "/time/entries/" + tt.otherEntry + "/delete", status: http.StatusNotFound})
	tt.member.get("/time")
	tt.member.visit(visit{name: "member deleting the owner's entry", method: http.MethodPost, htmx: true, path: "/time/entries/" + id + "/delete", status: http.StatusNotFound})

	p = tt.owner.htmx("/time/entries/"+id+"/delete", nil)
	if p.status != http.StatusNoContent || !strings.Contains(p.header.Get("HX-Trigger"), "time-changed") {
		t.Fatalf("delete: %d %s", p.status, p.body)
	}
	if got := tt.owner.get("/time?week=2026-W10").texts("time-entry"); len(got) != 0 {
		t.Errorf("after delete: %q", got)
	}
}

func TestTimeEntry_BilledEntriesAreFrozen(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	id := tt.entry(t, tt.ownerA, tt.project.ID, "", "Billed work", "2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z")
	// A setup that cannot be written fails the test: a skipped test would hide that billed entries lost their guard.
	clientID := tt.e.id(`INSERT INTO clients (organization_id, name) VALUES ($1, 'Acme client') RETURNING id`, tt.ownerA.OrgID)
	invoiceID := tt.e.id(`INSERT INTO invoices (organization_id, client_id, number, issue_date, due_date, currency)
		VALUES ($1, $2, 'INV-2026-0007', '2026-03-10', '2026-04-10', 'USD') RETURNING id`, tt.ownerA.OrgID, clientID)
	tt.e.exec(`UPDATE time_entries SET invoice_id = $2 WHERE id = $1`, id, invoiceID)

	p := tt.owner.get("/time?week=2026-W10")
	if !p.has("time-entry-invoiced") || p.has("time-entry-edit") || p.has("time-entry-delete") {
		t.Errorf("a billed entry shows its invoice and no edit or delete")
	}
	values := url.Values{"date": {"2026-03-02"}, "start": {"09:00"}, "end": {"10:00"}, "date_was": {"2026-03-02"},
		"start_was": {"09:00"}, "end_was": {"10:00"}, "description": {"changed"}, "project_id": {tt.project.ID}}
	up := tt.owner.htmx("/time/entries/"+id, values)
	if up.status != http.StatusConflict || !strings.Contains(up.text("form-error"), "INV-2026-0007") {
		t.Errorf("update a billed entry: %d %s", up.status, up.body)
	}
	del := tt.owner.htmx("/time/entries/"+id+"/delete", nil)
	if del.status != http.StatusConflict || !strings.Contains(del.body, "INV-2026-0007") {
		t.Errorf("delete a billed entry: %d %s", del.status, del.body)
	}
}

func TestTimeExport_CSVOfTheFilteredEntries(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	tt.entry(t, tt.ownerA, tt.project.ID, tt.projectTask.ID, "=HYPERLINK(\"x\")", "2026-03-02T08:00:00Z", "2026-03-02T09:30:00Z")
	tt.entry(t, tt.ownerA, "", "", "Email", "2026-03-03T12:00:00Z", "2026-03-03T12:20:00Z")
	tt.e.db.MustExec(`UPDATE projects SET hourly_rate = 8550 WHERE id = $1`, tt.project.ID)
	tt.e.db.MustExec(`UPDATE time_entries SET billable = false WHERE description = 'Email'`)

	res, err := tt.owner.c.Get(tt.e.srv.URL + "/time/export.csv?week=2026-W10")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(res.Header.Get("Content-Disposition"), `filename="trcr-time-2026-W10.csv"`) {
		t.Fatalf("export: %d %v", res.StatusCode, res.Header)
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"date", "start", "end", "duration_hours", "user", "project", "task", "description", "billable", "rate", "invoice"},
		{"2026-03-02", "09:00", "10:30", "1.50", "Olga Owner", "Website", "Landing page", `'=HYPERLINK("x")`, "yes", "85.50", ""},
		{"2026-03-03", "13:00", "13:20", "0.33", "Olga Owner", "", "", "Email", "no", "0.00", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows: %q", rows)
	}
	for i := range want {
		if strings.Join(rows[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("row %d: %q, want %q", i, rows[i], want[i])
		}
	}

	// Filters, and an empty export still has its header.
	res2, _ := tt.owner.c.Get(tt.e.srv.URL + "/time/export.csv?week=2026-W10&billable=false")
	body, _ := io.ReadAll(res2.Body)
	res2.Body.Close()
	if lines := strings.Split(strings.TrimSpace(string(body)), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "Email") {
		t.Errorf("non-billable export: %q", body)
	}
	res3, _ := tt.owner.c.Get(tt.e.srv.URL + "/time/export.csv?from=2026-01-01&to=2026-01-31")
	body, _ = io.ReadAll(res3.Body)
	res3.Body.Close()
	if strings.TrimSpace(string(body)) != strings.Join(want[0], ",") {
		t.Errorf("empty export: %q", body)
	}
	tt.owner.visit(visit{name: "bad week", path: "/time/export.csv?week=nope", status: http.StatusBadRequest})
}
