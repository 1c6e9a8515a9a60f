package main

// Browser tests of the board and task panel layout (issue 11, item 9): closing the panel with the browser's Back
// button leaves the page scrollable; on a phone a long column scrolls inside itself instead of running the page
// down, and the panel's breadcrumb keeps the project's name.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestBrowser_PanelClosedWithBackLeavesThePageScrollable(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	for i := range 12 { // enough cards for the board to be taller than a short window
		f.api.call("POST", "/tasks", map[string]any{"project_id": f.projectID, "title": fmt.Sprintf("Filler %d", i)}, http.StatusCreated)
	}
	b := newE2EBrowser(t, srv.BaseURL)
	b.boardLogin(f.email, f.password)
	b.do("a short window", chromedp.EmulateViewport(1280, 420))

	board := "/projects/" + f.projectID + "/board"
	b.open(board, "board-card")
	b.do("open a card", chromedp.Click(chromedp.CSS(`#card-`+f.other+` [data-testid="board-card-link"]`)))
	b.do("see the panel", chromedp.WaitVisible(testid("task-panel-dialog")))
	b.waitTrue("the deep link in the address bar", `location.search === "?task=`+f.other+`"`)
	b.waitTrue("the page locked under the panel", `getComputedStyle(document.documentElement).overflowY === "hidden"`)

	b.do("go back", chromedp.Evaluate[chromedp.Void](`history.back()`))
	b.waitTrue("the board's URL back", `location.pathname === "`+board+`"`)
	b.waitTrue("the panel gone", `!document.querySelector(".tp")`)
	b.waitTrue("the page no longer locked", `getComputedStyle(document.documentElement).overflowY !== "hidden" && getComputedStyle(document.body).overflowY !== "hidden"`)
	got := b.waitString("the page to scroll", `(() => { const s = document.scrollingElement; if (s.scrollHeight <= s.clientHeight) return "not taller than the window";
		window.scrollTo(0, 200); return String(s.scrollTop > 0); })()`)
	if got != "true" {
		b.fatalf("after Back the page does not scroll: %s", got)
	}
}

func TestBrowser_PhoneBoardColumnsScrollAndPanelKeepsTheProject(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	for i := range 20 {
		f.api.call("POST", "/tasks", map[string]any{"project_id": f.projectID, "title": fmt.Sprintf("Phone card %d", i)}, http.StatusCreated)
	}
	long := "Website relaunch for the northern region offices"
	f.api.call("PUT", "/projects/"+f.projectID, map[string]any{"name": long}, http.StatusOK)
	b := newE2EBrowser(t, srv.BaseURL)
	b.boardLogin(f.email, f.password)
	b.do("a phone", chromedp.EmulateViewport(390, 844))

	b.open("/projects/"+f.projectID+"/board", "board-card")
	col := `document.getElementById("col-` + f.columns[0] + `")`
	got := b.waitString("the first column's size", `(() => { const c = `+col+`; const body = c.querySelector(".board-col__body");
		return [Math.round(c.getBoundingClientRect().height), innerHeight, getComputedStyle(body).overflowY, body.scrollHeight > body.clientHeight].join(" "); })()`)
	var colH, winH int
	var overflow, scrolls string
	if _, err := fmt.Sscan(got, &colH, &winH, &overflow, &scrolls); err != nil {
		b.fatalf("column size %q: %v", got, err)
	}
	if colH > winH || overflow != "auto" || scrolls != "true" {
		b.fatalf("a column of 22 cards on a phone: height %d in a %d px window, overflow-y %s, cards scroll inside: %s", colH, winH, overflow, scrolls)
	}

	b.open("/tasks?task="+f.other, "task-panel-dialog")
	crumb := b.waitString("the breadcrumb's project", `(() => { const a = document.querySelector('[data-testid="tp-project-link"]'); const r = a.getBoundingClientRect();
		return [Math.round(r.width), getComputedStyle(a).textOverflow, a.textContent.trim()].join("|"); })()`)
	parts := strings.Split(crumb, "|")
	var width int
	fmt.Sscan(parts[0], &width)
	if len(parts) != 3 || width < 48 || parts[1] != "ellipsis" || parts[2] != long {
		b.fatalf("the panel breadcrumb at 390 px: width|text-overflow|text = %q; want the project's name visible, cut with an ellipsis", crumb)
	}
	if got := b.waitString("the panel's bar fits", `String(document.querySelector(".tp__bar").scrollWidth <= document.querySelector(".tp__bar").clientWidth)`); got != "true" {
		b.fatalf("the panel's bar overflows at 390 px")
	}
}
