package main

import (
	"fmt"
	"net/http"
	"testing"
)

// A search swaps the whole board: htmx's clean-up of the old board used to dispatch an event on every element of
// every card (half of the swap's time on a big board, issue 15). The cards are dropped before htmx walks the old
// board, and the search still shows the matching cards.
func TestBrowser_BoardSearchSwapSkipsTheOldCards(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	for i := range 12 {
		f.api.call("POST", "/tasks", map[string]any{"project_id": f.projectID, "title": fmt.Sprintf("Bulk %02d", i)}, http.StatusCreated)
	}
	b := newE2EBrowser(t, srv.BaseURL)
	b.boardLogin(f.email, f.password)
	b.open("/projects/"+f.projectID+"/board", "board-search")
	b.waitTrue("the board to be sortable", `!!window.Sortable && document.querySelector("#board.is-sortable") !== null`)
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
