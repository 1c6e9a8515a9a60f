package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Opening a card on the board (issue 15): the board runs the panel's scripts already, so the panel's answer leaves
// its <script> tags out; the sections below the panel's first screen are not rendered as it opens
// (content-visibility: auto), and one scrolled into view is, with its textarea sized as every autosized one is.
func TestBrowser_TaskPanelOpensWithoutItsScriptsAndRendersSectionsOutOfViewLater(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	var lines []string
	for i := range 40 {
		lines = append(lines, fmt.Sprintf("%d. Step %d of a long description", i+1, i+1))
	}
	f.api.call("PUT", "/tasks/"+f.other, map[string]any{"description": strings.Join(lines, "\n")}, http.StatusOK)
	f.api.call("POST", "/tasks/"+f.other+"/comments", map[string]any{"body": "A first comment"}, http.StatusCreated)
	b := newE2EBrowser(t, srv.BaseURL)
	b.boardLogin(f.email, f.password)
	b.open("/projects/"+f.projectID+"/board", "board-search")
	b.waitTrue("the panel's scripts loaded with the board", `!!window.trcrTaskPanel && !!window.trcrAttachments && !!window.trcrComposerFiles`)

	b.do("open a card", chromedp.Click(chromedp.CSS(`#card-`+f.other+` [data-testid="board-card-link"]`)))
	b.do("see the panel", chromedp.WaitVisible(testid("task-panel-dialog")))
	b.waitTrue("focus inside the panel", `document.activeElement && !!document.activeElement.closest(".tp")`)
	if got := b.value("#tp-title"); got != "Stay here" {
		b.fatalf("panel title %q", got)
	}
	if got := b.waitString("scripts in the panel", `String(document.querySelectorAll("#task-panel script").length)`); got != "0" {
		b.fatalf("the panel's answer brought %s scripts the board runs already", got)
	}
	// (checkVisibility of what is inside: the section's own box is laid out, its contents are skipped.)
	if got := b.waitString("the comments section out of view", `String(document.getElementById("tp-comment-body").checkVisibility({ contentVisibilityAuto: true }))`); got != "false" {
		b.fatalf("the comments section out of view was rendered as the panel opened")
	}

	b.waitTrue("scroll to the comments", `(document.getElementById("tp-comment-body").scrollIntoView({ block: "center" }), true)`)
	b.waitTrue("the comments rendered", `document.getElementById("tp-comment-body").checkVisibility({ contentVisibilityAuto: true })`)
	// The comment field grows with its text.
	b.waitTrue("type ten lines", `(() => { const t = document.getElementById("tp-comment-body"); t.value = "line\n".repeat(10); t.dispatchEvent(new Event("input", { bubbles: true })); return true })()`)
	b.waitTrue("the comment field sized to its text", `(() => { const t = document.getElementById("tp-comment-body"); return t.clientHeight > 150 && t.scrollHeight <= t.clientHeight + 2 })()`)
	b.waitTrue("clear it", `(() => { const t = document.getElementById("tp-comment-body"); t.value = ""; t.dispatchEvent(new Event("input", { bubbles: true })); return true })()`)
	if got := b.text(`#tp-comments [data-testid="tp-comment"]`); !strings.Contains(got, "A first comment") {
		b.fatalf("comment %q", got)
	}
	b.do("press Escape", chromedp.KeyEvent("\x1b"))
	b.waitTrue("the panel to close", `!document.querySelector("#task-panel .tp")`)
}
