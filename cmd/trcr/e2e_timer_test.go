package main

// Browser test of the timer in the top bar: started from the header's popover on a project, its elapsed time
// ticks in the browser without requests, Stop swaps it back, and the entry is on the time page.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// timerAPICall calls /api/v1 with an optional Bearer token and decodes the object answered.
func timerAPICall(t *testing.T, base, token, method, path string, body any, want int) map[string]any {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, err := http.NewRequest(method, base+"/api/v1"+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, out)
	}
	m := map[string]any{}
	_ = json.Unmarshal(out, &m)
	return m
}

func TestBrowser_TimerStartsTicksStopsAndShowsOnTheTimePage(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test")
	}
	srv := e2eServerFor(t)
	email, password := uniqueEmail("timer"), "correct horse battery staple"
	reg := timerAPICall(t, srv.BaseURL, "", "POST", "/auth/register", map[string]string{"name": "Tim Tracker", "email": email, "password": password}, http.StatusCreated)
	token, _ := reg["access_token"].(string)
	timerAPICall(t, srv.BaseURL, token, "POST", "/organizations", map[string]string{"name": "Timer Studio"}, http.StatusCreated)
	projectID := timerAPICall(t, srv.BaseURL, token, "POST", "/projects", map[string]any{"name": "Brand refresh", "color": "#f97316"}, http.StatusCreated)["id"].(string)

	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")

	// Start from the header: the popover loads its form, the project is chosen, the task select follows.
	b.do("open the start popover", chromedp.Click(testid("timer-start-button")), chromedp.WaitVisible(testid("timer-form")))
	b.fill("#timer-description", "Moodboard")
	b.do("choose the project", chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.getElementById("timer-project");
		s.value = `+jsString(projectID)+`;
		s.dispatchEvent(new Event("change", { bubbles: true }));
	})()`))
	b.waitTrue("the task select of the project", `!document.getElementById("timer-task").disabled`)
	b.do("start the timer", chromedp.Click(testid("timer-submit")), chromedp.WaitVisible(testid("timer-running")))
	if got := b.text(`[data-testid="timer-label"]`); got != "Moodboard" {
		b.fatalf("timer label %q", got)
	}

	// It ticks in the browser.
	first := b.text(`[data-testid="timer-elapsed"]`)
	time.Sleep(2200 * time.Millisecond)
	second := b.text(`[data-testid="timer-elapsed"]`)
	if first == second || !strings.HasPrefix(second, "0:00:0") {
		b.fatalf("the elapsed time did not tick: %q then %q", first, second)
	}

	// It keeps running across pages, then stops from the header.
	b.open("/projects", "timer-running")
	// Under a minute, stopping asks whether to keep a 0:00 entry; keeping it stops as usual.
	b.do("stop the timer", chromedp.Click(testid("timer-stop")), chromedp.WaitVisible(testid("timer-short-dialog")))
	b.do("keep the short entry", chromedp.Click(testid("timer-short-keep")), chromedp.WaitVisible(testid("timer-start-button")))

	b.open("/time", "time-entries")
	entry := b.text(`[data-testid="time-entry"]`)
	if !strings.Contains(entry, "Moodboard") || !strings.Contains(entry, "Brand refresh") {
		b.fatalf("the time page lists %q", entry)
	}
	if got := b.text(`[data-testid="timesheet-row"]`); !strings.Contains(got, "Brand refresh") {
		b.fatalf("the timesheet shows %q", got)
	}
}
