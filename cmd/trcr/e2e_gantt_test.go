package main

// Browser test of the Gantt chart: a task's dates change by dragging its bar (and its end, and with the
// keyboard), and the JSON API then reads the new dates. The data is made through the API of the running server.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// apiClient calls /api/v1 of the shared server with a Bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
	org   string
}

func (c *apiClient) call(method, path string, body any, want int) map[string]any {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+"/api/v1"+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.org != "" {
		req.Header.Set("X-Organization-ID", c.org)
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return out
}

func TestBrowser_GanttDragChangesTaskDates(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	timer := newStepTimer(t)

	// An account, an organization, a project and a task five days long starting in two days, through the API.
	const password = "gantt drag password"
	email := uniqueEmail("gina")
	api := &apiClient{t: t, base: srv.BaseURL}
	api.token = api.call("POST", "/auth/register", map[string]string{"email": email, "password": password, "name": "Gina Gantt"}, 201)["access_token"].(string)
	api.org = api.call("POST", "/organizations", map[string]string{"name": "Gantt Works"}, 201)["id"].(string)
	project := api.call("POST", "/projects", map[string]string{"name": "Launch plan", "color": "#0ea5e9"}, 201)["id"].(string)
	day := func(offset int) string { return time.Now().UTC().AddDate(0, 0, offset).Format("2006-01-02") }
	task := api.call("POST", "/tasks", map[string]any{"title": "Draft the launch post", "project_id": project,
		"start_date": day(2), "due_date": day(6), "progress": 40}, 201)["id"].(string)
	timer.done("data through the API")

	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")
	b.open("/projects/"+project+"/gantt?zoom=day", "gantt-chart")
	bar := `[data-testid="gantt-bar"][data-id="` + task + `"]`
	b.do("see the bar", chromedp.WaitVisible(chromedp.CSS(bar+" .gantt-bar__track")))
	b.waitTrue("gantt.js to scroll to today", `document.querySelector("[data-gantt-scroller]").scrollLeft > 0 || document.querySelector("[data-gantt-scroller]").scrollWidth <= document.querySelector("[data-gantt-scroller]").clientWidth`)
	timer.done("log in, open the chart")

	// The track's box on screen, after scrolling the chart to put the bar near its left edge, and the width of a day.
	type box struct{ Left, Right, Top, Bottom, DayW float64 }
	measure := func() box {
		t.Helper()
		raw := b.waitString("the bar's position", `(() => {
			const track = document.querySelector(`+jsString(bar+" .gantt-bar__track")+`);
			document.querySelector("[data-gantt-scroller]").scrollLeft = +track.getAttribute("x") - 160;
			const r = track.getBoundingClientRect();
			const w = +document.querySelector("svg.gantt__chart").getAttribute("data-day-width");
			return JSON.stringify({Left: r.left, Right: r.right, Top: r.top, Bottom: r.bottom, DayW: w});
		})()`)
		var bx box
		if err := json.Unmarshal([]byte(raw), &bx); err != nil {
			b.fatalf("bar box %s: %v", raw, err)
		}
		return bx
	}
	apiDates := func() string {
		got := api.call("GET", "/tasks/"+task, nil, 200)
		return fmt.Sprint(got["start_date"], "..", got["due_date"])
	}
	waitBar := func(what, start, due string) {
		t.Helper()
		b.waitTrue(what, `(() => { const g = document.querySelector(`+jsString(bar)+`);
			return g.getAttribute("data-start") === `+jsString(start)+` && g.getAttribute("data-due") === `+jsString(due)+` && !g.classList.contains("is-saving"); })()`)
	}

	// Drag the middle of the bar three days to the right: both dates move.
	bx := measure()
	y := (bx.Top + bx.Bottom) / 2
	mid := (bx.Left + bx.Right) / 2
	b.do("drag the bar by three days", chromedp.DragAndDropXY(mid, y, mid+3*bx.DayW, y, 12))
	waitBar("the bar to settle three days later", day(5), day(9))
	if got, want := apiDates(), day(5)+".."+day(9); got != want {
		b.fatalf("after dragging the bar the API has %s, want %s", got, want)
	}
	timer.done("drag to move")

	// Drag its right end one day further: only the due date changes.
	bx = measure()
	end := bx.Right - 3
	b.do("drag the bar's end by one day", chromedp.DragAndDropXY(end, y, end+bx.DayW, y, 6))
	waitBar("the bar to end a day later", day(5), day(10))
	if got, want := apiDates(), day(5)+".."+day(10); got != want {
		b.fatalf("after resizing the API has %s, want %s", got, want)
	}
	// And its left end two days earlier: only the start date changes.
	bx = measure()
	start := bx.Left + 3
	b.do("drag the bar's start by two days", chromedp.DragAndDropXY(start, y, start-2*bx.DayW, y, 6))
	waitBar("the bar to start two days earlier", day(3), day(10))
	if got, want := apiDates(), day(3)+".."+day(10); got != want {
		b.fatalf("after moving the start the API has %s, want %s", got, want)
	}
	timer.done("drag the ends")

	// Keyboard: ← moves the focused bar a day earlier, Shift+→ lengthens it by a day.
	b.do("focus the bar", chromedp.Focus(chromedp.CSS(bar)))
	b.do("press ←", chromedp.KeyEvent(kb.ArrowLeft))
	waitBar("the bar to move a day earlier", day(2), day(9))
	b.do("press Shift+→", chromedp.KeyEvent(kb.ArrowRight, chromedp.KeyModifiers(chromedp.ModifierShift)))
	waitBar("the bar to end a day later", day(2), day(10))
	if got, want := apiDates(), day(2)+".."+day(10); got != want {
		b.fatalf("after the keyboard moves the API has %s, want %s", got, want)
	}
	timer.done("keyboard")

	// The dates stick: a fresh load draws the bar where it was left.
	b.open("/projects/"+project+"/gantt?zoom=day", "gantt-chart")
	waitBar("the reloaded bar", day(2), day(10))

	// A click (not a drag) opens the task panel, with the task's link in the address bar.
	bx = measure()
	b.do("click the bar", chromedp.MouseClickXY((bx.Left+bx.Right)/2, (bx.Top+bx.Bottom)/2))
	b.waitTrue("the task panel", `location.search === "?task=`+task+`" && document.querySelector("#task-panel").children.length > 0`)
	timer.done("open the panel")
}
