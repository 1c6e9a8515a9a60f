package main

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// A search swaps the whole board: htmx's clean-up of the old board used to dispatch an event on every element of
// every card (half of the swap's time on a big board, issue 15). The cards are dropped before htmx walks the old
// board, and the search still shows the matching cards.
func TestBrowser_BoardSearchSwapSkipsTheOldCards(t *testing.T) {
	t.Parallel()
	f, b := openSortableBoard(t, 12)
	b.waitTrue("count the clean-ups inside cards", `(window.cardCleanups = 0, document.addEventListener("htmx:beforeCleanupElement", (e) => {
		if (e.target.closest(".tcard")) window.cardCleanups++;
	}), true)`)

	b.fill("#board-q", "Stay")
	b.waitTrue("the search's results", `!!document.querySelector("[data-testid=board-filter-status]") && !document.querySelector(".htmx-request")`)
	if got := b.waitString("the cards shown", `Array.from(document.querySelectorAll(".board-col__cards > .tcard")).map(c => c.dataset.taskId).join(",")`); got != f.other {
		b.fatalf("cards shown %q, want only %q", got, f.other)
	}
	if got := b.waitString("the clean-ups", `String(window.cardCleanups)`); got != "0" {
		b.fatalf("htmx cleaned up %s elements of the old cards one by one", got)
	}
}

// A search answers the card lists alone (issue 15): the columns' headers, menus and forms stay the same elements
// while the cards, counts and the filter's status change; the URL follows the search, the cards cannot be dragged
// while it is on, and clearing it brings back the whole board (draggable, with the new column form).
func TestBrowser_BoardSearchSwapsTheCardListsInPlace(t *testing.T) {
	t.Parallel()
	f, b := openSortableBoard(t, 0)
	b.waitTrue("mark the headers and forms", `(document.querySelectorAll(".board-col__head, .quick-add, .board-col").forEach((el) => { el.__kept = true; }), true)`)

	b.fill("#board-q", "Stay")
	b.waitTrue("the search's results", `!!document.querySelector("[data-testid=board-filter-status]") && !document.querySelector(".htmx-request")`)
	if got := b.waitString("the cards shown", `Array.from(document.querySelectorAll(".board-col__cards > .tcard")).map(c => c.dataset.taskId).join(",")`); got != f.other {
		b.fatalf("cards shown %q, want only %q", got, f.other)
	}
	if got := b.waitString("the headers and forms kept", `String(Array.from(document.querySelectorAll(".board-col__head, .quick-add, .board-col")).filter((el) => !el.__kept).length)`); got != "0" {
		b.fatalf("%s of the columns' headers, forms and sections were replaced by the search", got)
	}
	if got := b.waitString("the first column's count", `document.querySelector("#col-`+f.columns[0]+` [data-testid=board-column-count]").textContent.replace(/\s+/g, "")`); got != "1/2" {
		b.fatalf("first column's count %q, want 1/2", got)
	}
	b.waitTrue("the search in the URL", `location.pathname + location.search === "/projects/`+f.projectID+`/board?q=Stay&assignee=&label=&priority="`)
	b.waitTrue("a board that cannot be reordered", `!document.querySelector("#board[data-sortable]") && !document.querySelector("#board.is-sortable") && !document.querySelector("[data-testid=new-column-form]") && !document.querySelector("[hx-swap-oob]")`)

	b.waitTrue("clear the search", `(() => { const q = document.querySelector("#board-q"); q.value = ""; q.dispatchEvent(new Event("input", { bubbles: true })); return true; })()`)
	b.waitTrue("the whole board again", `!document.querySelector("[data-testid=board-filter-status]") && document.querySelectorAll(".board-col__cards > .tcard").length === 2 && !document.querySelector(".htmx-request")`)
	b.waitTrue("a sortable board with its new column form", `!!document.querySelector("#board.is-sortable[data-sortable=true]") && !!document.querySelector("[data-testid=new-column-form]") && !!document.getElementById("board-help")`)
}

// A search's answer paints the first cards of each column only (issue 15); scrolling a column down still reaches
// all its matching cards: its "show more" loads the rest as it comes into view, without being pressed.
func TestBrowser_BoardSearchReachesTheLaterCardsOnScroll(t *testing.T) {
	t.Parallel()
	f, b := openSortableBoard(t, 30)
	todo := f.columns[0]
	count := `document.querySelectorAll("#cards-` + todo + ` > .tcard").length`

	b.fill("#board-q", "Bulk")
	b.waitTrue("the search's results", `!!document.querySelector("[data-testid=board-filter-status]") && !document.querySelector(".htmx-request")`)
	if got := b.waitString("the cards shown first", `String(`+count+`)`); got != "8" {
		b.fatalf("%s cards shown before scrolling, want the first 8", got)
	}
	b.waitTrue("scroll the column to its end", `(() => { const body = document.getElementById("body-`+todo+`"); body.scrollTop = body.scrollHeight; return true; })()`)
	b.waitTrue("all 30 matching cards", count+` === 30 && !document.querySelector(".htmx-request")`)
	b.waitTrue("no button left", `!document.querySelector("#col-`+todo+` [data-testid=board-show-more]")`)
	if got := b.waitString("the last card", `document.querySelector("#cards-`+todo+` > .tcard:last-child .tcard__title").textContent.trim()`); got != "Bulk 29" {
		b.fatalf("last card %q, want Bulk 29", got)
	}
}

// A search does not dim the board or show its spinner as its request goes out, only once it has waited 150 ms for its
// answer (issue 15: the board dimmed at once, animated, became a compositing layer in the frame the request went out,
// ahead of the answer's handling; the spinner, spinning at once, had that frame laid out, layerized and committed
// while the server answered; a fast answer flashed both).
func TestBrowser_BoardSearchDimsTheBoardOnlyWhenSlow(t *testing.T) {
	t.Parallel()
	_, b := openSortableBoard(t, 0)
	b.waitTrue("watch the request's first frame", `(window.dimmed = null, window.spinning = null, document.addEventListener("htmx:beforeRequest", (e) => {
		if (e.detail.elt.id !== "board-filters") return;
		requestAnimationFrame(() => requestAnimationFrame(() => {
			const board = document.getElementById("board");
			window.dimmed = board.getAnimations().length > 0 || getComputedStyle(board).opacity !== "1" || board.classList.contains("is-searching");
			const spinner = document.getElementById("board-loading");
			window.spinning = getComputedStyle(spinner).display !== "none" || spinner.getAnimations().length > 0;
		}));
	}), true)`)
	b.fill("#board-q", "Stay")
	b.waitTrue("the search's results", `!!document.querySelector("[data-testid=board-filter-status]") && !document.querySelector(".htmx-request") && window.dimmed !== null`)
	if got := b.waitString("the board in the request's first frames", `String(window.dimmed)`); got != "false" {
		b.fatalf("the board was dimmed or animated as the search went out")
	}
	if got := b.waitString("the spinner in the request's first frames", `String(window.spinning)`); got != "false" {
		b.fatalf("the filters' spinner showed as the search went out")
	}

	// A search waiting longer: dimmed, with its spinner, after 150 ms, until its answer.
	b.waitTrue("a request that waits", `(document.getElementById("board-filters").dispatchEvent(new CustomEvent("htmx:beforeRequest", { bubbles: true, detail: { elt: document.getElementById("board-filters") } })), true)`)
	b.waitTrue("the board dimmed", `document.getElementById("board").classList.contains("is-searching") && getComputedStyle(document.getElementById("board")).opacity !== "1"`)
	b.waitTrue("the spinner shown", `getComputedStyle(document.getElementById("board-loading")).display !== "none" && document.getElementById("board-loading").getAnimations().length > 0`)
	b.waitTrue("its answer", `(document.getElementById("board-filters").dispatchEvent(new CustomEvent("htmx:afterRequest", { bubbles: true, detail: { elt: document.getElementById("board-filters") } })), true)`)
	b.waitTrue("the board as it was", `!document.getElementById("board").classList.contains("is-searching") && getComputedStyle(document.getElementById("board")).opacity === "1"`)
	b.waitTrue("the spinner hidden", `getComputedStyle(document.getElementById("board-loading")).display === "none"`)
}

// openSortableBoard starts a server with a board (and n more tasks "Bulk 00", "Bulk 01" … in its first column),
// signs its user in and opens the board, once its cards can be dragged. A browser test: skipped with -short.
func openSortableBoard(t *testing.T, n int) (e2eBoard, *e2eBrowser) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	for i := range n {
		f.api.call("POST", "/tasks", map[string]any{"project_id": f.projectID, "title": fmt.Sprintf("Bulk %02d", i)}, http.StatusCreated)
	}
	b := newE2EBrowser(t, srv.BaseURL)
	b.boardLogin(f.email, f.password)
	b.open("/projects/"+f.projectID+"/board", "board-search")
	b.waitTrue("the board to be sortable", `!!window.Sortable && document.querySelector("#board.is-sortable") !== null`)
	return f, b
}

// A card opening its task panel is not dimmed in the frames after the click (a repaint while the server answers);
// only a panel that keeps it waiting 150 ms dims it, until the answer.
func TestBrowser_CardDimsOnlyWhenItsPanelIsSlow(t *testing.T) {
	t.Parallel()
	_, b := openSortableBoard(t, 0)
	b.waitTrue("watch the request's first frames", `(window.dimmed = null, document.addEventListener("htmx:beforeRequest", (e) => {
		const card = e.detail.elt.closest && e.detail.elt.closest(".tcard");
		if (!card) return;
		requestAnimationFrame(() => requestAnimationFrame(() => {
			window.dimmed = getComputedStyle(card).opacity !== "1" || card.classList.contains("is-opening");
		}));
	}), true)`)
	b.do("click a card", chromedp.Click(chromedp.CSS(".tcard__link")))
	b.waitTrue("the task panel", `!!document.querySelector("#task-panel [data-testid=task-panel]") && window.dimmed !== null`)
	if got := b.waitString("the card in the request's first frames", `String(window.dimmed)`); got != "false" {
		b.fatalf("the card dimmed as its panel was asked for")
	}

	// A panel that keeps the card waiting: dimmed after 150 ms, until the answer.
	const link = `document.querySelectorAll(".tcard__link")[1]`
	b.waitTrue("a request that waits", `(`+link+`.dispatchEvent(new CustomEvent("htmx:beforeRequest", { bubbles: true, detail: { elt: `+link+` } })), true)`)
	b.waitTrue("the card dimmed", link+`.closest(".tcard").classList.contains("is-opening") && getComputedStyle(`+link+`.closest(".tcard")).opacity !== "1"`)
	b.waitTrue("its answer", `(`+link+`.dispatchEvent(new CustomEvent("htmx:afterRequest", { bubbles: true, detail: { elt: `+link+` } })), true)`)
	b.waitTrue("the card as it was", `!`+link+`.closest(".tcard").classList.contains("is-opening") && getComputedStyle(`+link+`.closest(".tcard")).opacity === "1"`)
}

// A card's panel puts its deep link in the address bar once it is painted, not between the answer and the paint
// (two history calls, 3-6 ms); Back then leaves it for the board as before.
func TestBrowser_CardPanelPushesItsDeepLinkAfterItsPaint(t *testing.T) {
	t.Parallel()
	f, b := openSortableBoard(t, 0)
	board := "/projects/" + f.projectID + "/board"
	b.waitTrue("note the address as the panel goes in", `(window.atSwap = null, document.addEventListener("htmx:afterSwap", (e) => {
		if (e.detail.target.id === "task-panel") window.atSwap = location.pathname + location.search;
	}), true)`)
	b.do("open a card", chromedp.Click(chromedp.CSS(`#card-`+f.other+` [data-testid="board-card-link"]`)))
	b.do("see the panel", chromedp.WaitVisible(testid("task-panel-dialog")))
	b.waitTrue("the deep link in the address bar", `location.pathname + location.search === "/tasks?task=`+f.other+`"`)
	if got := b.waitString("the address as the panel went in", `String(window.atSwap)`); got != board {
		b.fatalf("the address was %q as the panel went in, want the board's %q", got, board)
	}
	b.do("go back", chromedp.Evaluate[chromedp.Void](`history.back()`))
	b.waitTrue("the board's URL back", `location.pathname === "`+board+`"`)
	b.waitTrue("the panel gone", `!document.querySelector(".tp")`)
	b.waitTrue("the board there", `!!document.querySelector("#board .tcard")`)
}

// The panel's assignee select holds its chosen option only until it is used: a press or the focus brings in the
// organization's members, the choice unchanged, and choosing one saves it.
func TestBrowser_PanelAssigneeOptionsComeInWhenTheSelectIsUsed(t *testing.T) {
	t.Parallel()
	f, b := openSortableBoard(t, 0)
	open := func() {
		b.do("open a card", chromedp.Click(chromedp.CSS(`#card-`+f.other+` [data-testid="board-card-link"]`)))
		b.do("see the panel", chromedp.WaitVisible(testid("task-panel-dialog")))
	}
	count := `String(document.querySelectorAll("#tp-assignee option").length) + " " + document.getElementById("tp-assignee").value`
	open()
	if got := b.waitString("the assignee's options", count); got != "1 " {
		b.fatalf("options as the panel opened: %q, want only Unassigned", got)
	}
	b.do("press the select", chromedp.Click(chromedp.CSS("#tp-assignee")))
	if got := b.waitString("the assignee's options", count); got != "2 " {
		b.fatalf("options after a press: %q, want Unassigned and Bea", got)
	}
	b.do("leave the list", chromedp.KeyEvent(kb.Escape))
	b.do("close the panel", chromedp.Click(chromedp.CSS(`[data-testid="tp-close"]`)))
	b.waitTrue("the panel to close", `!document.querySelector("#task-panel .tp")`)

	open()
	b.do("focus the select", chromedp.Focus(chromedp.CSS("#tp-assignee")))
	if got := b.waitString("the assignee's options", count); got != "2 " {
		b.fatalf("options after the focus: %q", got)
	}
	b.waitTrue("choose Bea", `(() => { const s = document.getElementById("tp-assignee"); s.isOld = true; s.selectedIndex = 1; s.dispatchEvent(new Event("change", { bubbles: true })); return true })()`)
	// The answer re-renders the properties (and gives the new select the focus, which fills it again).
	b.waitTrue("the saved choice shown", `(() => { const s = document.getElementById("tp-assignee"); return !!s && !s.isOld && s.options[s.selectedIndex].text === "Bea Board" })()`)
	task := f.api.call("GET", "/tasks/"+f.other, nil, http.StatusOK)
	if task["assignee_id"] == nil {
		b.fatalf("the task has no assignee after the choice: %v", task)
	}
}
