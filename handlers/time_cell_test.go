package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// sheetRows are the timesheet's rows as they read: the project, each day (a cell's typed value, "–" for none) and
// the total.
func sheetRows(p page) []string {
	var out []string
	p.doc.Find(`[data-testid="timesheet-row"]`).Each(func(_ int, row *goquery.Selection) {
		var b strings.Builder
		b.WriteString(strings.TrimSpace(row.Find("th").Text()))
		row.Find("td").Each(func(_ int, td *goquery.Selection) {
			in := td.Find(`input[name="hours"]`)
			switch {
			case in.Length() == 0:
				b.WriteString(strings.TrimSpace(td.Text()))
			case in.AttrOr("value", "") == "":
				b.WriteString("–")
			default:
				b.WriteString(in.AttrOr("value", ""))
			}
		})
		out = append(out, strings.Join(strings.Fields(b.String()), " "))
	})
	return out
}

func TestTimesheetCell_TypedHoursWithAndWithoutJavaScript(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	tt.entry(t, tt.ownerA, tt.project.ID, "", "Kick-off", "2026-03-02T08:00:00Z", "2026-03-02T09:30:00Z") // Monday in Berlin

	p := tt.owner.get("/time?week=2026-W10")
	cell := p.doc.Find(`#cell-` + tt.project.ID + `-2026-03-04`)
	if cell.Length() != 1 || cell.AttrOr("aria-label", "") != "Hours on Website, Wednesday, March 4" {
		t.Fatalf("Wednesday's cell of Website: %d %q", cell.Length(), cell.AttrOr("aria-label", ""))
	}
	if form := cell.Closest("form"); form.AttrOr("hx-post", "") != "/time/cell" || form.Find(`input[name="return_to"]`).AttrOr("value", "") != "/time?week=2026-W10" {
		t.Errorf("the cell is a form posting to /time/cell and coming back to the week")
	}

	// With htmx: 204 and time-changed, which reloads the grid and its totals.
	r := tt.owner.htmx("/time/cell", cellForm("date", "2026-03-04", "project_id", tt.project.ID, "hours", "1,5"))
	if r.status != http.StatusNoContent || !strings.Contains(r.header.Get("HX-Trigger"), "time-changed") {
		t.Fatalf("htmx cell: %d %q %s", r.status, r.header.Get("HX-Trigger"), r.body)
	}
	p = htmxGet(tt.owner, "/time?week=2026-W10")
	if got := strings.Join(sheetRows(p), "|"); got != "Website1:30–1:30––––3:00" {
		t.Errorf("rows %q", got)
	}
	if got := p.text("timesheet-grand-total"); got != "3:00" {
		t.Errorf("grand total %q", got)
	}

	// Without JavaScript: a redirect back with a flash; an empty cell removes the typed time.
	np := tt.owner.post("/time/cell", cellForm("date", "2026-03-04", "project_id", tt.project.ID, "hours", "2h", "return_to", "/time?week=2026-W10"))
	if np.status != http.StatusSeeOther || np.location != "/time?week=2026-W10" {
		t.Fatalf("plain form: %d %q", np.status, np.location)
	}
	p = tt.owner.get("/time?week=2026-W10")
	if !strings.Contains(p.text("flashes"), "Set the day to 2:00") || p.doc.Find(`#cell-`+tt.project.ID+`-2026-03-04`).AttrOr("value", "") != "2:00" {
		t.Errorf("after the plain form: flash %q, rows %q", p.text("flashes"), sheetRows(p))
	}
	tt.owner.htmx("/time/cell", cellForm("date", "2026-03-04", "project_id", tt.project.ID, "hours", ""))
	if got := strings.Join(sheetRows(htmxGet(tt.owner, "/time?week=2026-W10")), "|"); got != "Website1:30––––––1:30" {
		t.Errorf("after emptying the cell: %q", got)
	}
}

func TestTimesheetCell_BadInputIsAFieldErrorAndChangesNothing(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	tt.entry(t, tt.ownerA, tt.project.ID, "", "Morning", "2026-03-04T08:00:00Z", "2026-03-04T10:00:00Z")
	tt.entry(t, tt.ownerA, tt.project.ID, "", "Afternoon", "2026-03-04T13:00:00Z", "2026-03-04T13:30:00Z")
	count := func() (n int) {
		if err := tt.e.db.Get(&n, `SELECT count(*) FROM time_entries WHERE user_id = $1`, tt.ownerA.UserID); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	id := "cell-" + tt.project.ID + "-2026-03-04"
	for _, c := range []struct {
		hours, message string
		status         int
	}{
		{"soon", "Enter hours such as 1:30, 1.5 or 90m.", http.StatusUnprocessableEntity},
		{"30h", "A day holds at most 24 hours.", http.StatusUnprocessableEntity},
		{"1:00", "other entries", http.StatusConflict}, // 2:30 down to 1:00 needs more than the latest 0:30
	} {
		r := tt.owner.htmx("/time/cell", cellForm("date", "2026-03-04", "project_id", tt.project.ID, "hours", c.hours))
		slot := r.doc.Find(`#` + id + `-error[hx-swap-oob]`)
		if r.status != c.status || !strings.Contains(slot.Text(), c.message) {
			t.Errorf("%q: %d %q, want %d %q", c.hours, r.status, strings.TrimSpace(slot.Text()), c.status, c.message)
		}
	}
	np := tt.owner.post("/time/cell", cellForm("date", "2026-03-04", "project_id", tt.project.ID, "hours", "soon", "return_to", "/time?week=2026-W10"))
	if np.status != http.StatusSeeOther {
		t.Errorf("plain refused form: %d", np.status)
	}
	if p := tt.owner.get("/time?week=2026-W10"); !strings.Contains(p.text("flashes"), "Enter hours such as 1:30") {
		t.Errorf("flash %q", p.text("flashes"))
	}
	// Someone else's project is refused like a missing one.
	if r := tt.owner.htmx("/time/cell", cellForm("date", "2026-03-04", "project_id", tt.other.ID, "hours", "1")); r.status != http.StatusUnprocessableEntity {
		t.Errorf("other organization's project: %d", r.status)
	}
	if got := count(); got != before {
		t.Errorf("entries %d, want %d", got, before)
	}
}

func cellForm(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

func TestTimesheetCell_AddARowToTypeIntoAnEmptyWeek(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	p := tt.owner.get("/time?week=2026-W20")
	if got := strings.Join(addRowOptions(p), "|"); got != "Website|No project" {
		t.Errorf("rows offered: %q", got)
	}
	if p.has("timesheet-cell") {
		t.Errorf("an empty week has no cells until a row is added")
	}
	p = htmxGet(tt.owner, "/time?week=2026-W20&row="+tt.project.ID)
	if got := strings.Join(sheetRows(p), "|"); got != "Website–––––––0:00" {
		t.Fatalf("added row %q", got)
	}
	if got := strings.Join(addRowOptions(p), "|"); got != "No project" {
		t.Errorf("rows still offered: %q", got)
	}
	r := tt.owner.htmx("/time/cell", cellForm("date", "2026-05-12", "project_id", tt.project.ID, "hours", "90m"))
	if r.status != http.StatusNoContent {
		t.Fatalf("typing into the added row: %d %s", r.status, r.body)
	}
	if got := strings.Join(sheetRows(htmxGet(tt.owner, "/time?week=2026-W20")), "|"); got != "Website–1:30–––––1:30" {
		t.Errorf("after typing %q", got)
	}
	// An admin looking at a member's week gets figures, not inputs, and no rows to add.
	tt.entry(t, tt.memberA, tt.project.ID, "", "Milo's work", "2026-05-12T10:00:00Z", "2026-05-12T11:00:00Z")
	if m := tt.owner.get("/time?week=2026-W20&user=" + tt.memberA.UserID); m.has("timesheet-cell") || m.has("timesheet-add-row") {
		t.Errorf("someone else's week is read-only")
	}
}

func addRowOptions(p page) []string {
	var out []string
	p.doc.Find(`[data-testid="timesheet-add-row-project"] option`).Each(func(_ int, o *goquery.Selection) {
		out = append(out, strings.TrimSpace(o.Text()))
	})
	return out
}

func TestTimeEntry_ByDurationAloneStartsAtNine(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	p := tt.owner.get("/time?week=2026-W10")
	if p.doc.Find(`#entry-new-start[required]`).Length() != 0 || !strings.Contains(p.doc.Find(`label[for="entry-new-start"]`).Text(), "Optional with a duration") {
		t.Errorf("the add form's start is optional")
	}
	r := tt.owner.htmx("/time/entries", cellForm("date", "2026-03-04", "duration", "1,5", "project_id", tt.project.ID))
	if r.status != http.StatusNoContent {
		t.Fatalf("duration alone: %d %s", r.status, r.body)
	}
	var start string
	var seconds int64
	if err := tt.e.db.QueryRow(`SELECT to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), duration_seconds FROM time_entries
		WHERE user_id = $1`, tt.ownerA.UserID).Scan(&start, &seconds); err != nil {
		t.Fatal(err)
	}
	if start != "2026-03-04 08:00" || seconds != 5400 {
		t.Errorf("entry starts %s (want 09:00 in Berlin) and lasts %d s", start, seconds)
	}
	// Without a duration the start is still needed; an edit keeps needing its start.
	r = tt.owner.htmx("/time/entries", cellForm("date", "2026-03-04", "end", "10:00"))
	if r.status != http.StatusUnprocessableEntity || r.fieldError("entry-new-start") != "Enter a start time such as 09:00." {
		t.Errorf("no start, an end: %d %q", r.status, r.fieldError("entry-new-start"))
	}
}
