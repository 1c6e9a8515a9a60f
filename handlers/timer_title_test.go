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
