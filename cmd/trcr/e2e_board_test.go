package main

// Browser tests of the board and the task panel: a card dragged to another column stays there after a reload,
// a card opens the panel and Escape closes it, the deep link of notifications opens the panel directly, and a
// column of more cards than a page shows "show more", which appends the rest in order, with quick add and drag and
// drop on the partly loaded column.
// The project and its tasks are made through the JSON API of the running server.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/trcr/trcr/store"
)

// boardAPI calls /api/v1 with a Bearer token.
type boardAPI struct {
	t     *testing.T
	base  string
	token string
}

func (c *boardAPI) call(method, path string, body any, want int) map[string]any {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+"/api/v1"+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return out
}

// e2eBoard is a user with an organization and a project of two columns holding two tasks in the first.
type e2eBoard struct {
	email, password string
	projectID       string
	columns         [2]string // group ids: "To do" (default), "Doing"
	dragged, other  string    // task ids
	api             *boardAPI // signed in as the user
}

func newE2EBoard(t *testing.T, base string) e2eBoard {
	t.Helper()
	f := e2eBoard{email: uniqueEmail("board"), password: "correct horse battery staple"}
	api := &boardAPI{t: t, base: base}
	reg := api.call("POST", "/auth/register", map[string]string{"name": "Bea Board", "email": f.email, "password": f.password}, http.StatusCreated)
	api.token, _ = reg["access_token"].(string)
	api.call("POST", "/organizations", map[string]string{"name": "Board Studio"}, http.StatusCreated)
	f.projectID = api.call("POST", "/projects", map[string]string{"name": "Launch"}, http.StatusCreated)["id"].(string)
	groups := api.call("GET", "/projects/"+f.projectID+"/task-groups", nil, http.StatusOK)["data"].([]any)
	f.columns[0] = groups[0].(map[string]any)["id"].(string)
	f.columns[1] = api.call("POST", "/projects/"+f.projectID+"/task-groups", map[string]string{"name": "Doing"}, http.StatusCreated)["id"].(string)
	f.dragged = api.call("POST", "/tasks", map[string]any{"project_id": f.projectID, "title": "Drag me across", "priority": "high"}, http.StatusCreated)["id"].(string)
	f.other = api.call("POST", "/tasks", map[string]any{"project_id": f.projectID, "title": "Stay here",
		"description": "Steps are **bold**"}, http.StatusCreated)["id"].(string)
	f.api = api
	return f
}

func (b *e2eBrowser) boardLogin(email, password string) {
	b.t.Helper()
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")
}

// columnOfCard is the group id of the column holding the card, "" when the card is not on the page.
func columnOfCard(taskID string) string {
	return `(() => { const c = document.getElementById("card-` + taskID + `"); const l = c && c.closest(".board-col__cards"); return l ? l.dataset.groupId : ""; })()`
}

// dragCard presses the mouse on the card, moves it in small steps over the target column's list and releases it,
// as a person dragging with a mouse would.
func (b *e2eBrowser) dragCard(taskID, groupID string) {
	b.t.Helper()
	ctx, cancel := contextWithStepTimeout(b)
	defer cancel()
	point := func(js string) (float64, float64) {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](js))
		if err != nil || len(raw) != 2 {
			b.fatalf("locate %s: %v %v", js, raw, err)
		}
		return raw[0], raw[1]
	}
	x0, y0 := point(`(() => { const r = document.getElementById("card-` + taskID + `").getBoundingClientRect(); return [r.left + r.width / 2, r.top + 14]; })()`)
	x1, y1 := point(`(() => { const r = document.getElementById("cards-` + groupID + `").getBoundingClientRect(); return [r.left + r.width / 2, r.top + Math.min(r.height, 40) / 2 + 4]; })()`)
	actions := []chromedp.Action[chromedp.Void]{
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x0, y0),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x0, y0, chromedp.ButtonLeft, chromedp.ClickCount(1)),
	}
	const steps = 16
	for i := 1; i <= steps; i++ {
		x := x0 + (x1-x0)*float64(i)/steps
		y := y0 + (y1-y0)*float64(i)/steps
		actions = append(actions, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y, chromedp.ButtonLeft), chromedp.Sleep(25*time.Millisecond))
	}
	actions = append(actions, chromedp.Sleep(150*time.Millisecond), chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x1, y1, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	b.do(fmt.Sprintf("drag card %s to column %s", taskID, groupID), actions...)
}

func TestBrowser_BoardDragCardToAnotherColumnPersists(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	b := newE2EBrowser(t, srv.BaseURL)
	timer := newStepTimer(t)
	b.boardLogin(f.email, f.password)
	timer.done("log in")

	board := "/projects/" + f.projectID + "/board"
	b.open(board, "board-card")
	b.waitTrue("the board to be sortable", `!!window.Sortable && document.querySelector("#board.is-sortable") !== null`)
	if got := b.waitString("the card's column", columnOfCard(f.dragged)); got != f.columns[0] {
		b.fatalf("the card starts in %s, want %s", got, f.columns[0])
	}
	b.dragCard(f.dragged, f.columns[1])
	b.waitTrue("the card in the second column", columnOfCard(f.dragged)+` === "`+f.columns[1]+`"`)
	// The move is saved once the request is done (the card is no longer marked as saving).
	b.waitTrue("the move to be saved", `!document.querySelector(".tcard.is-saving") && !document.querySelector(".htmx-request")`)
	timer.done("drag")

	b.open(board, "board-card")
	if got := b.waitString("the card's column after a reload", columnOfCard(f.dragged)); got != f.columns[1] {
		b.fatalf("after a reload the card is in %s, want the second column %s", got, f.columns[1])
	}
	if got := b.text(`#col-` + f.columns[1] + ` [data-testid="board-column-count"]`); got != "1" {
		b.fatalf("second column count %q", got)
	}
	timer.done("reload")

	// A click opens the panel with htmx and pushes the deep link; Escape closes it and restores the board's URL.
	b.do("open a card", chromedp.Click(chromedp.CSS(`#card-`+f.other+` [data-testid="board-card-link"]`)))
	b.do("see the panel", chromedp.WaitVisible(testid("task-panel-dialog")))
	b.waitTrue("the deep link in the address bar", `location.pathname + location.search === "/tasks?task=`+f.other+`"`)
	b.waitTrue("focus inside the panel", `document.activeElement && !!document.activeElement.closest(".tp")`)
	if got := b.value("#tp-title"); got != "Stay here" {
		b.fatalf("panel title %q", got)
	}
	if got := b.text(`[data-testid="tp-description-html"] strong`); got != "bold" {
		b.fatalf("description %q", got)
	}
	b.do("press Escape", chromedp.KeyEvent("\x1b"))
	b.waitTrue("the panel to close", `!document.querySelector("#task-panel .tp")`)
	b.waitTrue("the board URL back", `location.pathname === "`+board+`"`)
	timer.done("panel")
}

func TestBrowser_TaskDeepLinkOpensThePanel(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	b := newE2EBrowser(t, srv.BaseURL)
	b.boardLogin(f.email, f.password)

	b.open("/tasks?task="+f.other, "task-panel-dialog")
	if got := b.value("#tp-title"); got != "Stay here" {
		b.fatalf("panel title %q, want %q", got, "Stay here")
	}
	b.waitTrue("the panel inside #task-panel", `!!document.querySelector("#task-panel .tp")`)
	// Change the priority in place: the head follows.
	b.do("set the priority", chromedp.SetValue(chromedp.CSS("#tp-priority"), "urgent"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("tp-priority").dispatchEvent(new Event("change", {bubbles: true}))`))
	b.waitTrue("the head to show the new priority", `document.querySelector("#tp-head .prio--urgent") !== null`)
	// Closing keeps the tasks page, without the task in the URL, and lists the change.
	b.do("close the panel", chromedp.Click(testid("tp-close")))
	b.waitTrue("the panel to close", `!document.querySelector(".tp")`)
	b.waitTrue("the URL without the task", `location.pathname === "/tasks" && !location.search.includes("task=")`)
	b.waitTrue("the list to show the task as urgent", `!!document.querySelector('#row-`+f.other+`.prio-urgent')`)
	if strings.Contains(b.text("#tasks-results"), "No tasks") {
		b.fatalf("the tasks list is empty")
	}
}

// cardIDs is the ids of the cards of a list, in order.
func cardIDs(listID string) string {
	return `Array.from(document.querySelectorAll("#` + listID + ` > .tcard")).map(c => c.dataset.taskId).join(",")`
}

func TestBrowser_BoardShowMoreAppendsTheRestOfAColumn(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	const pageSize, extra = 50, 8                // store.BoardColumnPageSize; "To do" holds 2 + 8 + 50 = 60 tasks
	firstPage := fmt.Sprint(store.BoardPageSize) // the board paints 18, "show more" loads the other 42
	for i := range pageSize + extra {
		f.api.call("POST", "/tasks", map[string]any{"project_id": f.projectID, "title": fmt.Sprintf("Bulk %02d", i)}, http.StatusCreated)
	}
	b := newE2EBrowser(t, srv.BaseURL)
	timer := newStepTimer(t)
	b.boardLogin(f.email, f.password)
	timer.done("set up")

	todo, doing := f.columns[0], f.columns[1]
	board := "/projects/" + f.projectID + "/board"
	b.open(board, "board-show-more")
	b.waitTrue("the board to be sortable", `!!window.Sortable && document.querySelector("#board.is-sortable") !== null`)
	count := func(list string) string { return `String(document.querySelectorAll("#` + list + ` > .tcard").length)` }
	if got := b.waitString("the first page", count("cards-"+todo)); got != firstPage {
		b.fatalf("%s cards shown, want a page of %s", got, firstPage)
	}
	if got := b.text(`#col-` + todo + ` [data-testid="board-column-count"]`); got != "60" {
		b.fatalf("column count %q, want 60", got)
	}

	// Quick add to the partly loaded column: the new card is the column's last, below the button.
	b.fill("#qa-title-"+todo, "Added last")
	b.do("add a card", chromedp.Click(chromedp.CSS(`#qa-`+todo+` [data-testid="quick-add-submit"]`)))
	b.waitTrue("the new card below the button", `document.querySelector("#added-`+todo+` .tcard .tcard__title")?.textContent.trim() === "Added last"`)
	b.waitTrue("the column count to grow", `document.querySelector("#col-`+todo+` [data-testid=board-column-count]").textContent.trim() === "61"`)

	// Drag "Stay here" (second card) out of the partly loaded column: the rest of the column moves up one place.
	b.dragCard(f.other, doing)
	b.waitTrue("the card in the second column", columnOfCard(f.other)+` === "`+doing+`"`)
	b.waitTrue("the move to be saved", `!document.querySelector(".tcard.is-saving") && !document.querySelector(".htmx-request")`)
	// And back with the keyboard, to the end of the cards shown (Alt+←): its index among them is its position,
	// before the cards not loaded yet.
	b.do("move the card back with Alt+Left",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#card-`+f.other+` .tcard__link").focus()`),
		chromedp.KeyEvent(kb.ArrowLeft, chromedp.KeyModifiers(chromedp.ModifierAlt)))
	b.waitTrue("the card last of the cards shown", `document.querySelector("#cards-`+todo+` > .tcard:last-child")?.dataset.taskId === "`+f.other+`"`)
	b.waitTrue("the move back to be saved", `!document.querySelector(".tcard.is-saving") && !document.querySelector(".htmx-request")`)
	timer.done("quick add and moves")

	// Show more: the rest of the column in order, after the cards already shown, the added card last and once.
	b.do("show more", chromedp.Click(chromedp.CSS(`#col-`+todo+` [data-testid="board-show-more"]`)))
	b.waitTrue("the rest of the column", count("cards-"+todo)+` === "61"`)
	b.waitTrue("no button left", `!document.querySelector("#col-`+todo+` [data-testid=board-show-more]")`)
	if got := b.waitString("the added list", `String(document.querySelectorAll("#added-`+todo+` .tcard").length)`); got != "0" {
		b.fatalf("%s cards left below the column", got)
	}
	shown := b.waitString("the column's cards", cardIDs("cards-"+todo))
	var want []string
	list := f.api.call("GET", "/tasks?project_id="+f.projectID+"&group_id="+todo+"&sort=position&order=asc&per_page=100", nil, http.StatusOK)
	for _, it := range list["data"].([]any) {
		want = append(want, it.(map[string]any)["id"].(string))
	}
	if shown != strings.Join(want, ",") {
		b.fatalf("the column shows\n%s\nthe server has\n%s", shown, strings.Join(want, ","))
	}
	// (textContent, not the rendered text: a card out of view is not rendered, content-visibility: auto.)
	if got := b.waitString("the last card's title", `document.querySelector("#cards-`+todo+` > .tcard:last-child .tcard__title").textContent.trim()`); got != "Added last" {
		b.fatalf("last card %q", got)
	}
	timer.done("show more")

	// Editing a card loaded by "Show more" in the task panel: closing the panel refreshes the board, which loads
	// the column to as many cards again, so the card is still there, with its change.
	lastID := b.waitString("the last card", `document.querySelector("#cards-`+todo+` > .tcard:last-child").dataset.taskId`)
	// A card out of view is rendered once scrolled to (content-visibility: auto): click it then.
	b.waitTrue("the last card in view", `(document.getElementById("card-`+lastID+`").scrollIntoView({ block: "center" }), true)`)
	b.waitTrue("the last card rendered", `document.querySelector("#card-`+lastID+` .tcard__link").checkVisibility({ contentVisibilityAuto: true })`)
	b.do("open the last card", chromedp.Click(chromedp.CSS(`#card-`+lastID+` .tcard__link`)))
	b.waitTrue("the panel", `!!document.querySelector("#task-panel .tp")`)
	b.do("set the priority", chromedp.SetValue(chromedp.CSS("#tp-priority"), "urgent"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("tp-priority").dispatchEvent(new Event("change", {bubbles: true}))`))
	b.waitTrue("the head to show the new priority", `document.querySelector("#tp-head .prio--urgent") !== null`)
	b.do("close the panel", chromedp.Click(testid("tp-close")))
	b.waitTrue("the panel to close", `!document.querySelector(".tp")`)
	b.waitTrue("the column loaded again to its 61 cards", count("cards-"+todo)+` === "61" && !document.querySelector(".htmx-request")`)
	b.waitTrue("the edited card shown as urgent", `!!document.querySelector("#card-`+lastID+`.prio-urgent")`)
	timer.done("panel edit keeps the loaded cards")

	// A reload shows the first page again.
	b.open(board, "board-show-more")
	if got := b.waitString("the first page after a reload", count("cards-"+todo)); got != firstPage {
		b.fatalf("%s cards after a reload", got)
	}

	// A collapsed column is read without its cards; expanding it loads its first page.
	b.do("collapse the column", chromedp.Click(chromedp.CSS(`#col-`+todo+` [data-testid="board-collapse"]`)))
	b.waitTrue("the column collapsed", `document.querySelector("#col-`+todo+`").classList.contains("is-collapsed") && !document.querySelector(".htmx-request")`)
	b.open(board, "board-column")
	if got := b.waitString("the collapsed column's cards", count("cards-"+todo)); got != "0" {
		b.fatalf("a collapsed column came with %s cards", got)
	}
	b.do("expand the column", chromedp.Click(chromedp.CSS(`#col-`+todo+` [data-testid="board-collapse"]`)))
	b.waitTrue("its first page", count("cards-"+todo)+` === "50" && !document.querySelector("#col-`+todo+`.is-unloaded")`)
	if got := b.text(`#col-` + todo + ` [data-testid="board-show-more"] .btn__label`); got != "Show 11 more" {
		b.fatalf("button %q after expanding", got)
	}
	timer.done("collapse and expand")
}
