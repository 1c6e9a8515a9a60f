package main

// Browser test of the command palette: opened with the keyboard on any page, it searches as one types, moves with
// the arrow keys, opens a task with Enter, closes with Escape, and "/" opens it when no field has the keyboard.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

func TestBrowser_PaletteFindsATaskAndOpensIt(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	srv := e2eServerFor(t)
	email, password := uniqueEmail("palette"), "correct horse battery staple"
	reg := timerAPICall(t, srv.BaseURL, "", "POST", "/auth/register", map[string]string{"name": "Pat Palette", "email": email, "password": password}, http.StatusCreated)
	token, _ := reg["access_token"].(string)
	timerAPICall(t, srv.BaseURL, token, "POST", "/organizations", map[string]string{"name": "Palette Studio"}, http.StatusCreated)
	projectID := timerAPICall(t, srv.BaseURL, token, "POST", "/projects", map[string]any{"name": "Observatory"}, http.StatusCreated)["id"].(string)
	taskID := timerAPICall(t, srv.BaseURL, token, "POST", "/tasks", map[string]any{"title": "Calibrate the nebula camera", "project_id": projectID}, http.StatusCreated)["id"].(string)
	timerAPICall(t, srv.BaseURL, token, "POST", "/tasks", map[string]any{"title": "Order nebulizer parts", "project_id": projectID}, http.StatusCreated)

	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")

	// Ctrl-K opens it with the focus in its field; the actions are listed before anything is typed.
	b.do("press Ctrl-K", chromedp.KeyEvent("k", chromedp.KeyModifiers(chromedp.ModifierCtrl)), chromedp.WaitVisible(testid("palette-input")))
	b.waitTrue("focus in the palette", `document.activeElement && document.activeElement.id === "palette-input"`)
	b.do("the actions", chromedp.WaitVisible(testid("palette-action-new-task")))

	// Typing searches: both tasks match the prefix, the better match first.
	b.do("type a prefix", chromedp.SendKeys(testid("palette-input"), "nebul"))
	b.waitTrue("two task results", `document.querySelectorAll('[data-testid="palette-option"][data-type="task"]').length === 2`)
	if got := b.text(`[data-testid="palette-option"][aria-selected="true"]`); !strings.Contains(got, "nebula camera") && !strings.Contains(got, "nebulizer") {
		b.fatalf("first option %q", got)
	}
	// The arrow keys move the choice; narrowing the query leaves one task, chosen first.
	b.do("press ↓", chromedp.KeyEvent(kb.ArrowDown))
	b.waitTrue("the second option chosen", `document.querySelectorAll('[data-testid="palette-option"]')[1].getAttribute("aria-selected") === "true"`)
	b.do("type more", chromedp.SendKeys(testid("palette-input"), "a cam"))
	b.waitTrue("one task result", `document.querySelectorAll('[data-testid="palette-option"]').length === 1 &&
		document.querySelector('[data-testid="palette-option"]').getAttribute("aria-selected") === "true"`)
	if got := b.text(`[data-testid="palette-option"] mark`); !strings.EqualFold(got, "nebula") {
		b.fatalf("highlighted %q", got)
	}

	// Enter opens the task in its panel.
	b.markPage()
	b.do("press Enter", chromedp.KeyEvent(kb.Enter))
	b.waitPage("/tasks")
	b.waitTrue("the task's panel", `!!document.querySelector('[data-testid="task-panel"][data-task-id=`+jsString(taskID)+`]')`)
	b.waitTrue("the panel's title", `document.getElementById("tp-heading").textContent.trim() === "Calibrate the nebula camera"`)

	// On another page: "/" opens it when no field has the keyboard, Escape closes it and gives focus back.
	b.open("/projects", "palette-open")
	b.do("press /", chromedp.KeyEvent("/"), chromedp.WaitVisible(testid("palette-input")))
	b.do("press Escape", chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(testid("palette-input")))
}
