package main

// Browser test of quick create: "c" opens the New task dialog with the focus in its title, Enter creates the task
// and opens its panel; "?" opens the shortcut sheet and Escape closes it, giving the focus back.

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

func TestBrowser_QuickCreateWithTheKeyboard(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	srv := e2eServerFor(t)
	email, password := uniqueEmail("quick"), "correct horse battery staple"
	reg := timerAPICall(t, srv.BaseURL, "", "POST", "/auth/register", map[string]string{"name": "Quinn Quick", "email": email, "password": password}, http.StatusCreated)
	token, _ := reg["access_token"].(string)
	timerAPICall(t, srv.BaseURL, token, "POST", "/organizations", map[string]string{"name": "Quick Studio"}, http.StatusCreated)
	timerAPICall(t, srv.BaseURL, token, "POST", "/projects", map[string]any{"name": "Harbour"}, http.StatusCreated)

	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")

	b.open("/tasks", "tasks-page")
	b.do("press c", chromedp.KeyEvent("c"), chromedp.WaitVisible(testid("new-task-title")))
	b.waitTrue("focus in the title", `document.activeElement && document.activeElement.id === "nt-title"`)
	b.do("type a title", chromedp.SendKeys(testid("new-task-title"), "Paint the lighthouse"))
	b.markPage()
	b.do("press Enter", chromedp.KeyEvent(kb.Enter))
	b.waitPage("/tasks")
	b.waitTrue("the new task's panel", `!!document.getElementById("tp-heading") &&
		document.getElementById("tp-heading").textContent.trim() === "Paint the lighthouse"`)

	// The shortcut sheet: "?" opens it, Escape closes it and the focus goes back to where it was.
	b.open("/projects", "new-task-open")
	b.do("focus the button", chromedp.Focus(testid("new-task-open")))
	b.do("press ?", chromedp.KeyEvent("?"), chromedp.WaitVisible(testid("shortcuts")))
	b.do("press Escape", chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(testid("shortcuts")))
	b.waitTrue("focus back on the button", `document.activeElement && document.activeElement.dataset.testid === "new-task-open"`)
	// "c" in a field types a c.
	b.do("open the palette", chromedp.KeyEvent("/"), chromedp.WaitVisible(testid("palette-input")))
	b.do("type c", chromedp.SendKeys(testid("palette-input"), "c"))
	b.waitTrue("c typed", `document.getElementById("palette-input").value.indexOf("c") !== -1`)
	if open := b.waitString("the dialog's state", `String(document.getElementById("quick-create").open)`); open != "false" {
		b.fatalf("the New task dialog opened while typing in the palette")
	}
}
