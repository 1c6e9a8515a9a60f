package main

// Browser test of the milestones on a project's timeline: one is added through its form, moved by dragging its
// flag, and the JSON API then reads the new date.

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestBrowser_GanttDragMovesMilestone(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)

	const password = "milestone drag password"
	email := uniqueEmail("mona")
	api := &apiClient{t: t, base: srv.BaseURL}
	api.token = api.call("POST", "/auth/register", map[string]string{"email": email, "password": password, "name": "Mona Milestone"}, 201)["access_token"].(string)
	api.org = api.call("POST", "/organizations", map[string]string{"name": "Milestone Works"}, 201)["id"].(string)
	project := api.call("POST", "/projects", map[string]string{"name": "Launch plan", "color": "#0ea5e9"}, 201)["id"].(string)
	day := func(offset int) string { return time.Now().UTC().AddDate(0, 0, offset).Format("2006-01-02") }

	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")
	b.open("/projects/"+project+"/gantt?zoom=day", "milestones")

	// Add a milestone through the form under the chart.
	b.do("open the add form", chromedp.Click(testid("milestone-add")))
	b.fill("#milestone-new-title", "Beta")
	b.do("set the date", chromedp.SetValue(chromedp.CSS("#milestone-new-date"), day(4)))
	b.do("add", chromedp.Click(chromedp.CSS(`[data-testid="milestone-new-form"] [data-testid="milestone-save"]`)))
	flag := `[data-testid="gantt-milestone"][data-draggable]`
	b.do("see the flag", chromedp.WaitVisible(chromedp.CSS(flag)))
	list := api.call("GET", "/organizations/"+api.org+"/projects/"+project+"/milestones", nil, 200)
	items, _ := list["data"].([]any)
	if len(items) != 1 {
		b.fatalf("milestones after the form: %v", list)
	}
	id := items[0].(map[string]any)["id"].(string)

	// Drag the flag two days to the right.
	type box struct{ X, Y, DayW float64 }
	raw := b.waitString("the flag's position", `(() => {
		const f = document.querySelector(`+jsString(flag)+`);
		f.scrollIntoView({block: "center", inline: "center"});
		const r = f.getBoundingClientRect();
		const w = +document.querySelector("svg.gantt__chart").getAttribute("data-day-width");
		return JSON.stringify({X: r.left + r.width / 2, Y: r.top + r.height / 2, DayW: w});
	})()`)
	var bx box
	if err := json.Unmarshal([]byte(raw), &bx); err != nil {
		b.fatalf("flag box %s: %v", raw, err)
	}
	b.do("drag the flag by two days", chromedp.DragAndDropXY(bx.X, bx.Y, bx.X+2*bx.DayW, bx.Y, 10))
	b.waitTrue("the flag to settle", `(() => { const f = document.querySelector(`+jsString(flag)+`);
		return f.getAttribute("data-date") === `+jsString(day(6))+` && !f.classList.contains("is-saving"); })()`)
	got := api.call("GET", "/organizations/"+api.org+"/milestones/"+id, nil, 200)
	if got["target_date"] != day(6) {
		b.fatalf("after dragging the flag the API has %v, want %s", got["target_date"], day(6))
	}
}
