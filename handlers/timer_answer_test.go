package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The header's popover starts a timer in one request: the answer is the running timer, swapped in place of #timer
// (HX-Retarget), and the events it sends no longer ask the top bar to reload it. The form asks for that answer;
// a start without it (the task panel's button) is still a 204 with both events.
func TestTimer_PopoverStartAnswersTheRunningTimer(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	form := htmxGet(tt.owner, "/timer/form")
	if form.doc.Find(`[data-testid="timer-form"] input[name="answer"][value="timer"]`).Length() != 1 {
		t.Fatalf("the popover's form does not ask for the timer: %s", form.body)
	}
	p := tt.owner.htmx("/timer/start", url.Values{"description": {"Wireframes"}, "project_id": {tt.project.ID}, "answer": {"timer"}})
	if p.status != http.StatusOK || p.header.Get("HX-Retarget") != "#timer" || p.header.Get("HX-Reswap") != "outerHTML" {
		t.Fatalf("start: %d %v %s", p.status, p.header, p.body)
	}
	if p.doc.Find(`#timer[data-state="running"]`).Length() != 1 || p.text("timer-label") != "Wireframes" || p.has("sidebar") {
		t.Fatalf("the answer is not the running timer: %s", p.body)
	}
	if got := p.header.Get("HX-Trigger"); !strings.Contains(got, "timer-changed") || strings.Contains(got, "timer-refresh") {
		t.Errorf("start triggers %q", got)
	}
	// A second start is refused as before, in the popover.
	again := tt.owner.htmx("/timer/start", url.Values{"description": {"Again"}, "answer": {"timer"}})
	if again.status != http.StatusConflict || again.header.Get("HX-Retarget") != "" {
		t.Errorf("second start: %d %v", again.status, again.header)
	}
}

// The popover's form loads as the pointer or the focus reaches the Start button, not only once it is open.
func TestTimer_PopoverFormLoadsBeforeItOpens(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	home := tt.owner.get("/")
	trigger := home.doc.Find(`[data-testid="timer-form-loading"]`).AttrOr("hx-trigger", "")
	for _, want := range []string{"toggle once from:closest details", "pointerenter once from:closest details", "focusin once from:closest details"} {
		if !strings.Contains(trigger, want) {
			t.Errorf("hx-trigger %q lacks %q", trigger, want)
		}
	}
}
