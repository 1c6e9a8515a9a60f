package handlers_test

import (
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// The top bar's running clock is the one static/js/timer.js copies into the tab's title; the timesheet's and the
// list's clocks are not.
func TestTimer_RunningClockLeadsTheTabTitle(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	if p := tt.owner.get("/projects"); p.doc.Find(`[data-tab-title]`).Length() != 0 {
		t.Errorf("no timer, no clock for the title")
	}
	if p := tt.owner.htmx("/timer/start", url.Values{"description": {"Wireframes"}}); p.status != http.StatusNoContent {
		t.Fatalf("start: %d %s", p.status, p.body)
	}
	p := tt.owner.get("/time")
	marked := p.doc.Find(`[data-tab-title]`)
	if marked.Length() != 1 || marked.AttrOr("data-testid", "") != "timer-elapsed" || marked.AttrOr("data-started-at", "") == "" {
		t.Errorf("the top bar's clock alone is marked for the title: %d", marked.Length())
	}
	js, err := os.ReadFile("../static/js/timer.js")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `document.querySelector("[data-started-at][data-tab-title]")`) {
		t.Errorf("timer.js no longer reads the marked clock")
	}
}

// Stopping a timer that ran under a minute asks first (static/js/timer.js opens the dialog the stop form names):
// keeping stops it as usual, discarding deletes the running entry and reloads the top bar.
func TestTimer_ShortTimerAsksToKeepOrDiscard(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	if p := tt.owner.htmx("/timer/start", url.Values{"description": {"Oops"}}); p.status != http.StatusNoContent {
		t.Fatalf("start: %d %s", p.status, p.body)
	}
	var id string
	if err := tt.e.db.Get(&id, `SELECT id FROM time_entries WHERE description = 'Oops'`); err != nil {
		t.Fatal(err)
	}
	p := tt.owner.get("/projects")
	stop := p.doc.Find(`[data-testid="timer-stop-form"]`)
	dialog := p.doc.Find(`dialog#` + stop.AttrOr("data-confirm-short", "missing"))
	if dialog.Length() != 1 || !strings.Contains(dialog.Text(), "Keep a 0:00 entry?") || dialog.Find(`[data-confirm-keep]`).Length() != 1 {
		t.Fatalf("the stop form names its question dialog: %q", stop.AttrOr("data-confirm-short", ""))
	}
	discard := dialog.Find(`form[data-testid="timer-short-discard-form"]`)
	if discard.AttrOr("hx-post", "") != "/time/entries/"+id+"/delete" || discard.Find(`input[name="_csrf"]`).Length() != 1 {
		t.Fatalf("discard form %q", discard.AttrOr("hx-post", ""))
	}
	r := tt.owner.htmx("/time/entries/"+id+"/delete", url.Values{})
	if r.status != http.StatusNoContent || !strings.Contains(r.header.Get("HX-Trigger"), "timer-refresh") {
		t.Errorf("discard: %d %q", r.status, r.header.Get("HX-Trigger"))
	}
	var n int
	if err := tt.e.db.Get(&n, `SELECT count(*) FROM time_entries WHERE user_id = $1`, tt.ownerA.UserID); err != nil || n != 0 {
		t.Errorf("entries after discarding: %d %v", n, err)
	}
	if p := tt.owner.get("/projects"); p.has("timer-running") || p.has("timer-short-dialog") {
		t.Errorf("no timer runs after discarding")
	}
}
