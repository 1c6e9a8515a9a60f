package main

// Browser tests of live updates (issue 9): with a board open in one browser, what a teammate does through the API
// (another device, another person) shows without reloading: a card moves to its new column, the bell counts a new
// notification, the open task panel shows a new comment, and the header timer follows a timer started elsewhere.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// liveTeam is the board fixture plus a teammate ("Cy") in the organization and on the project, acting through the
// API.
type liveTeam struct {
	e2eBoard
	mate   *boardAPI
	mateID string
	beaID  string
}

func newLiveTeam(t *testing.T, b *e2eBrowser) liveTeam {
	t.Helper()
	f := liveTeam{e2eBoard: newE2EBoard(t, b.base)}
	// Bea verifies her address (only verified accounts invite), then invites Cy, who accepts from the email.
	b.open(b.emailLink(f.email, "Confirm your email", "/verify-email?token="), "verify-success")
	mateEmail := uniqueEmail("cy")
	f.api.call("POST", "/members/invite", map[string]string{"email": mateEmail, "role": "member"}, http.StatusCreated)
	f.mate = &boardAPI{t: t, base: b.base}
	reg := f.mate.call("POST", "/auth/register", map[string]string{"name": "Cy Teammate", "email": mateEmail, "password": f.password}, http.StatusCreated)
	f.mate.token = reg["access_token"].(string)
	f.mateID = reg["user"].(map[string]any)["id"].(string)
	link := b.emailLink(mateEmail, "invited you", "/invitations/accept?token=")
	token := link[strings.Index(link, "token=")+len("token="):]
	f.mate.call("POST", "/invitations/accept", map[string]string{"token": token}, http.StatusOK)
	f.api.call("POST", "/projects/"+f.projectID+"/members", map[string]string{"user_id": f.mateID, "role": "manager"}, http.StatusCreated)
	f.beaID = f.api.call("GET", "/users/me", nil, http.StatusOK)["id"].(string)
	return f
}

func TestBrowser_LiveBoardBellPanelAndTimer(t *testing.T) {
	t.Parallel()
	s := e2eServerFor(t)
	b := newE2EBrowser(t, s.BaseURL)
	f := newLiveTeam(t, b)
	b.boardLogin(f.email, f.password)
	b.open("/projects/"+f.projectID+"/board", "board")
	b.waitTrue("the live stream is open", `document.body.getAttribute("data-live-state") === "open"`)

	// Cy moves a card to "Doing": it moves on Bea's open board.
	if got := b.waitString("the card's column", columnOfCard(f.dragged)); got != f.columns[0] {
		b.fatalf("card starts in %s", got)
	}
	pos := 0
	f.mate.call("PUT", "/tasks/"+f.dragged+"/reorder", map[string]any{"group_id": f.columns[1], "position": pos}, http.StatusOK)
	b.waitTrue("the card moved by a teammate shows in its new column", columnOfCard(f.dragged)+` === `+jsString(f.columns[1]))

	// A card Cy adds appears, and one Cy assigns to Bea rings her bell.
	added := f.mate.call("POST", "/tasks", map[string]any{"project_id": f.projectID, "title": "Added live", "assignee_id": f.beaID}, http.StatusCreated)["id"].(string)
	b.waitTrue("the new card", `!!document.getElementById("card-`+added+`")`)
	b.waitTrue("the bell counts the assignment", `(() => { const c = document.querySelector('[data-testid="bell-count"]'); return c && !c.hidden && c.textContent.trim() === "1"; })()`)

	// With the task open in the panel, Cy's comment shows in its thread.
	b.do("open the task panel", chromedp.Click(chromedp.CSS(`#card-`+f.other+` a, #card-`+f.other)))
	b.waitTrue("the panel", `!!document.querySelector('[data-testid="task-panel"]')`)
	f.mate.call("POST", "/tasks/"+f.other+"/comments", map[string]string{"body": "Looks good to me"}, http.StatusCreated)
	b.waitTrue("the teammate's comment in the open panel", `[...document.querySelectorAll('[data-testid="tp-comment-body"]')].some(e => e.textContent.includes("Looks good to me"))`)

	// Bea starts a timer from another device: the header timer follows.
	b.waitTrue("the header timer is stopped", `document.querySelector('[data-testid="timer"]').dataset.state === "stopped"`)
	f.api.call("POST", "/time-entries/start", map[string]any{"description": "Elsewhere"}, http.StatusCreated)
	b.waitTrue("the header timer runs", `document.querySelector('[data-testid="timer"]').dataset.state === "running"`)
	if len(b.jsErrors) > 0 {
		b.fatalf("JavaScript errors: %v", b.jsErrors)
	}
}
