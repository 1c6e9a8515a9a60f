package main

// Browser test of board columns bound to statuses, set up through the pages alone: a new organization's project
// starts with Backlog/To do/In progress/Done, a card added in To do and dragged to In progress is in_progress when
// read back over the API.

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// columnByTitle is the group id of the board column with the title, "" when there is none.
func columnByTitle(title string) string {
	return `(() => { for (const c of document.querySelectorAll('[data-testid="board-column"]')) {
		if (c.querySelector(".board-col__title").textContent.trim() === ` + jsString(title) + `) return c.dataset.groupId; } return ""; })()`
}

// newOrganizationInBrowser registers a user and creates an organization through the pages.
func (b *e2eBrowser) newOrganizationInBrowser(name, email, password, org string) {
	b.t.Helper()
	b.open("/register", "register-form")
	b.register(name, email, password, "/onboarding")
	b.open("/onboarding", "create-org-form")
	b.fill("#org-name", org)
	b.clickToPage(testid("create-org-submit"), "/onboarding/team")
	b.clickToPage(testid("onboarding-skip"), "/")
}

func TestBrowser_DragBetweenBoundColumnsSetsTheStatus(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	b := newE2EBrowser(t, srv.BaseURL)
	email, password := uniqueEmail("bound"), "correct horse battery staple"
	b.newOrganizationInBrowser("Bo Bound", email, password, "Bound Studio")

	b.open("/projects/new", "project-form")
	b.fill("#project-name", "Launch")
	b.markPage()
	b.do("create the project", chromedp.Click(testid("project-submit")))
	b.waitTrue("the new project's board", `window.__e2eOldPage === undefined && document.readyState === "complete" && /\/board$/.test(location.pathname)`)
	b.waitTrue("the board to be sortable", `!!window.Sortable && document.querySelector("#board.is-sortable") !== null`)
	todo, doing := b.waitString("the To do column", columnByTitle("To do")), b.waitString("the In progress column", columnByTitle("In progress"))
	if got := b.waitString("the columns", `[...document.querySelectorAll(".board-col__title")].map(e => e.textContent.trim()).join(",")`); got != "Backlog,To do,In progress,Done" {
		b.fatalf("columns %q", got)
	}

	b.fill("#qa-title-"+todo, "Write the launch post")
	b.do("add a card", chromedp.Click(chromedp.CSS(`#qa-`+todo+` [data-testid="quick-add-submit"]`)))
	taskID := b.waitString("the new card", `(() => { const c = document.querySelector("#col-`+todo+` .tcard"); return c ? c.dataset.taskId : ""; })()`)
	b.open(b.waitString("the board path", `location.pathname`), "board-card")
	b.waitTrue("the board to be sortable", `!!window.Sortable && document.querySelector("#board.is-sortable") !== null`)
	b.dragCard(taskID, doing)
	b.waitTrue("the card in In progress", columnOfCard(taskID)+` === "`+doing+`"`)
	b.waitTrue("the move to be saved", `!document.querySelector(".tcard.is-saving") && !document.querySelector(".htmx-request")`)

	// At 1440 px the board scrolls inside itself: a card in the last column, partly out of view, does not widen
	// the page under the sidebar.
	done := b.waitString("the Done column", columnByTitle("Done"))
	b.do("a desktop window", chromedp.EmulateViewport(1440, 900))
	b.fill("#qa-title-"+done, "Announce it")
	b.do("add a card to Done", chromedp.Click(chromedp.CSS(`#qa-`+done+` [data-testid="quick-add-submit"]`)))
	b.waitTrue("the card in Done", `!!document.querySelector("#col-`+done+` .tcard")`)
	b.do("scroll the board to the start", chromedp.Evaluate[chromedp.Void](`document.querySelector(".board__columns").scrollLeft = 0`))
	if got := b.waitString("the page's width", `document.documentElement.scrollWidth + "/" + document.documentElement.clientWidth`); got != "1440/1440" {
		b.fatalf("the page scrolls sideways: scroll/client width %s", got)
	}

	api := &boardAPI{t: t, base: srv.BaseURL}
	api.token, _ = api.call("POST", "/auth/login", map[string]string{"email": email, "password": password}, http.StatusOK)["access_token"].(string)
	task := api.call("GET", "/tasks/"+taskID, nil, http.StatusOK)
	if task["status"] != "in_progress" || task["group_id"] != doing {
		b.fatalf("after the drop the task is %v in %v, want in_progress in %s", task["status"], task["group_id"], doing)
	}
}
