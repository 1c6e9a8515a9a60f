package main

// Browser test of the timeline's layout at 1440×900 (issue 11, item 9; issue 15, item 1): the chart takes the
// width beside the label column, milestone titles a few days apart do not overlap, the label of a bar that ends
// before the part in view stays in view, the arrows stay inside the chart, and scrolling toward either end of the
// window of days widens it.

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestBrowser_GanttLayout(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	timer := newStepTimer(t)

	// A project whose tasks span far more days than the day zoom draws at once: one 500 days ago, one now
	// (blocked by the first), one 400 days ahead (blocked by the second); two milestones two days apart.
	const password = "gantt layout password"
	email := uniqueEmail("lena")
	api := &apiClient{t: t, base: srv.BaseURL}
	api.token = api.call("POST", "/auth/register", map[string]string{"email": email, "password": password, "name": "Lena Layout"}, 201)["access_token"].(string)
	api.org = api.call("POST", "/organizations", map[string]string{"name": "Layout Works"}, 201)["id"].(string)
	project := api.call("POST", "/projects", map[string]string{"name": "Long plan", "color": "#0ea5e9"}, 201)["id"].(string)
	day := func(offset int) string { return time.Now().UTC().AddDate(0, 0, offset).Format("2006-01-02") }
	task := func(title string, start, due int) string {
		return api.call("POST", "/tasks", map[string]any{"title": title, "project_id": project, "start_date": day(start), "due_date": day(due)}, 201)["id"].(string)
	}
	early := task("Early groundwork", -500, -495)
	now := task("Current sprint", 1, 4)
	far := task("Next year's launch", 400, 402)
	for _, d := range [][2]string{{now, early}, {far, now}} {
		api.call("POST", "/tasks/"+d[0]+"/dependencies", map[string]string{"depends_on_id": d[1], "dependency_type": "blocked_by"}, 201)
	}
	for _, m := range []struct{ title, date string }{{"Beta release candidate", day(2)}, {"Public launch", day(4)}} {
		api.call("POST", "/organizations/"+api.org+"/projects/"+project+"/milestones", map[string]string{"title": m.title, "target_date": m.date}, 201)
	}
	timer.done("data through the API")

	b := newE2EBrowser(t, srv.BaseURL)
	b.do("a 1440×900 window", chromedp.EmulateViewport(1440, 900))
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")
	b.open("/projects/"+project+"/gantt?zoom=day", "gantt-chart")
	b.waitTrue("gantt.js to scroll to today", `document.querySelector("[data-gantt-scroller]").scrollLeft > 0`)
	// The scroll event, and the frame in which the labels are pinned, come after scrollLeft changes: wait for the
	// early bar's label to reach the part in view (a slow machine measured it before that frame).
	b.waitTrue("the early bar's label pinned", `(() => {
		const s = document.querySelector("[data-gantt-scroller]");
		const l = document.querySelector('.gantt-bar[data-id=`+jsString(early)+`] .gantt-bar__label');
		return !!l && +l.getAttribute("x") >= s.scrollLeft;
	})()`)
	timer.done("log in, open the chart")

	var got struct {
		Pane, Content                   float64
		Overlaps, LabelsShown           int
		EarlyLabel, PaneLeft, PaneRight float64
		LinksOut                        []string
		Width                           float64
	}
	raw := b.waitString("the layout", `(() => {
		const scroller = document.querySelector("[data-gantt-scroller]"), s = scroller.getBoundingClientRect();
		const labelsW = document.querySelector(".gantt__labels").getBoundingClientRect().width;
		const svg = document.querySelector("svg.gantt__chart"), width = +svg.getAttribute("width"), height = +svg.getAttribute("height");
		const boxes = [...document.querySelectorAll(".gantt-flag__label, .gantt-flag")].map(el => ({el, r: el.getBoundingClientRect()}));
		let overlaps = 0;
		for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
			const a = boxes[i].r, b = boxes[j].r;
			const textInvolved = boxes[i].el.matches(".gantt-flag__label") || boxes[j].el.matches(".gantt-flag__label");
			if (textInvolved && a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom && b.top < a.bottom) overlaps++;
		}
		const early = document.querySelector('.gantt-bar[data-id=`+jsString(early)+`] .gantt-bar__label').getBoundingClientRect();
		const out = [...document.querySelectorAll(".gantt-link")].map(p => ({p, b: p.getBBox()}))
			.filter(({b}) => b.x < -0.5 || b.x + b.width > width + 0.5 || b.y < -0.5 || b.y + b.height > height + 0.5)
			.map(({p}) => p.getAttribute("d"));
		return JSON.stringify({Pane: s.width - labelsW, Content: document.querySelector(".main__inner").getBoundingClientRect().width,
			Overlaps: overlaps, LabelsShown: document.querySelectorAll(".gantt-flag__label").length,
			EarlyLabel: early.left, PaneLeft: s.left + labelsW, PaneRight: s.right, LinksOut: out, Width: width});
	})()`)
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		b.fatalf("layout %s: %v", raw, err)
	}
	t.Logf("layout: %s", raw)
	if got.Pane < 0.7*got.Content {
		b.fatalf("the chart pane is %.0f px of %.0f px of content", got.Pane, got.Content)
	}
	if got.LabelsShown == 0 || got.Overlaps > 0 {
		b.fatalf("%d milestone titles shown, %d overlaps", got.LabelsShown, got.Overlaps)
	}
	if got.EarlyLabel < got.PaneLeft-1 || got.EarlyLabel > got.PaneRight-20 {
		b.fatalf("the label of the bar before the window starts at %.0f, the pane spans %.0f–%.0f", got.EarlyLabel, got.PaneLeft, got.PaneRight)
	}
	if len(got.LinksOut) > 0 {
		b.fatalf("arrows outside the chart: %v", got.LinksOut)
	}
	timer.done("layout")

	// Scroll to the right end: the window widens toward next year, and the day in view stays in view.
	origin := `document.querySelector("svg.gantt__chart").getAttribute("data-origin")`
	width := `+document.querySelector("svg.gantt__chart").getAttribute("width")`
	b.do("scroll to the right end", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("[data-gantt-scroller]"); s.scrollLeft = s.scrollWidth; })()`))
	b.waitTrue("a wider window", width+` > `+fmt.Sprint(got.Width))
	b.waitTrue("the address to keep the window", `location.search.includes("from=") && location.search.includes("to=")`)
	start := b.waitString("the origin", origin)
	// And to the left end: it widens toward the past.
	b.do("scroll to the left end", chromedp.Evaluate[chromedp.Void](`document.querySelector("[data-gantt-scroller]").scrollLeft = 0`))
	b.waitTrue("an earlier origin", origin+` < `+jsString(start))
	b.waitTrue("the bar of next year in the window", `!!document.querySelector('.gantt-bar[data-id=`+jsString(far)+`]') && +document.querySelector('.gantt-bar[data-id=`+jsString(far)+`] .gantt-bar__track').getAttribute("x") < `+width)
	timer.done("widen the window")
}

// Scrolling down to the last of the 200 rows a chart draws loads the next ones, with their address.
func TestBrowser_GanttScrollingLoadsLaterRows(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	const password = "gantt rows password"
	email := uniqueEmail("rowan")
	api := &apiClient{t: t, base: srv.BaseURL}
	api.token = api.call("POST", "/auth/register", map[string]string{"email": email, "password": password, "name": "Rowan Rows"}, 201)["access_token"].(string)
	api.org = api.call("POST", "/organizations", map[string]string{"name": "Rows Works"}, 201)["id"].(string)
	project := api.call("POST", "/projects", map[string]string{"name": "Many tasks", "color": "#0ea5e9"}, 201)["id"].(string)
	day := time.Now().UTC().Format("2006-01-02")
	for i := range 230 {
		api.call("POST", "/tasks", map[string]any{"title": fmt.Sprint("Task ", i), "project_id": project, "start_date": day, "due_date": day}, 201)
	}

	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")
	b.open("/projects/"+project+"/gantt", "gantt-chart")
	if got := b.text(`[data-testid="gantt-rows-range"]`); got != "Tasks 1–200 of 230" {
		b.fatalf("rows %q", got)
	}
	b.do("scroll down to the last row", chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.querySelector("[data-gantt-scroller]");
		s.scrollTop = s.scrollHeight / 2;
		requestAnimationFrame(() => requestAnimationFrame(() => { s.scrollTop = s.scrollHeight; }));
	})()`))
	b.waitTrue("the later rows", `document.querySelector('[data-testid="gantt-rows-range"]').textContent.trim() === "Tasks 201–230 of 230"`)
	b.waitTrue("their address", `location.search.includes("rows=200")`)
	b.waitTrue("the later rows from the top", `document.querySelector("[data-gantt-scroller]").scrollTop === 0`)
}
