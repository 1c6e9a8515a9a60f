package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A timer started from the header's popover is swapped in by the start's own answer; its live event, coming back
// to the same tab, used to reload the top bar once more (issue 15). A timer started elsewhere still shows up.
func TestBrowser_TimerStartedHereIsNotReloadedByItsOwnEvent(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test")
	}
	srv := e2eServerFor(t)
	email, password := uniqueEmail("timerlive"), "correct horse battery staple"
	reg := timerAPICall(t, srv.BaseURL, "", "POST", "/auth/register", map[string]string{"name": "Liv Timer", "email": email, "password": password}, http.StatusCreated)
	token, _ := reg["access_token"].(string)
	timerAPICall(t, srv.BaseURL, token, "POST", "/organizations", map[string]string{"name": "Live Timer Studio"}, http.StatusCreated)

	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")
	b.waitTrue("the live stream to be open", `document.body.getAttribute("data-live-state") === "open"`)
	b.waitTrue("count the events and the top bar's reloads", `(window.timerEvents = 0, window.timerReloads = 0,
		document.addEventListener("trcr:timer.started", () => window.timerEvents++),
		document.addEventListener("trcr:timer.stopped", () => window.timerEvents++),
		document.addEventListener("htmx:beforeRequest", (e) => { if (e.detail.requestConfig.path === "/timer") window.timerReloads++; }),
		true)`)

	b.do("open the start popover", chromedp.Click(testid("timer-start-button")), chromedp.WaitVisible(testid("timer-form")))
	b.fill("#timer-description", "Live here")
	b.do("start the timer", chromedp.Click(testid("timer-submit")), chromedp.WaitVisible(testid("timer-running")))
	b.waitTrue("the started event", `window.timerEvents === 1 && !document.querySelector(".htmx-request")`)
	if got := b.waitString("the reloads", `String(window.timerReloads)`); got != "0" {
		b.fatalf("the top bar reloaded %s times after this tab's own start", got)
	}

	// Stopped elsewhere (the API): the event reloads the top bar, which offers Start again.
	running := timerAPICall(t, srv.BaseURL, token, "GET", "/time/current", nil, http.StatusOK)
	id, _ := running["id"].(string)
	timerAPICall(t, srv.BaseURL, token, "POST", "/time-entries/"+id+"/stop", nil, http.StatusOK)
	b.waitTrue("the top bar stopped by the other device", `!!document.querySelector("[data-testid=timer-start-button]") && window.timerReloads === 1`)
}

// A start from the popover swaps the top bar's timer: htmx cleaned up every element of the old one one by one, most of
// them the project select's options (one per active project; issue 15). The options are dropped before htmx walks
// the old timer; the start itself, and the popover of the stopped timer afterwards, work as before.
func TestBrowser_TimerStartSkipsThePopoversOptions(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test")
	}
	srv := e2eServerFor(t)
	email, password := uniqueEmail("timeropts"), "correct horse battery staple"
	reg := timerAPICall(t, srv.BaseURL, "", "POST", "/auth/register", map[string]string{"name": "Opal Timer", "email": email, "password": password}, http.StatusCreated)
	token, _ := reg["access_token"].(string)
	timerAPICall(t, srv.BaseURL, token, "POST", "/organizations", map[string]string{"name": "Options Studio"}, http.StatusCreated)
	for _, name := range []string{"Alpha", "Beta", "Gamma", "Delta", "Epsilon"} {
		timerAPICall(t, srv.BaseURL, token, "POST", "/projects", map[string]string{"name": name}, http.StatusCreated)
	}

	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")
	b.do("open the start popover", chromedp.Click(testid("timer-start-button")), chromedp.WaitVisible(testid("timer-form")))
	b.waitTrue("the projects offered", `document.querySelectorAll("#timer-project option").length >= 5`)
	b.waitTrue("count the options cleaned up", `(window.optionCleanups = 0, document.addEventListener("htmx:beforeCleanupElement", (e) => {
		if (e.target.tagName === "OPTION") window.optionCleanups++;
	}), true)`)
	b.waitTrue("choose a project", `(() => { const s = document.querySelector("#timer-project"); s.value = Array.from(s.options).find((o) => o.textContent.trim() === "Gamma").value; return true; })()`)
	b.fill("#timer-description", "Options")
	b.do("start the timer", chromedp.Click(testid("timer-submit")), chromedp.WaitVisible(testid("timer-running")))
	b.waitTrue("the running timer", `!document.querySelector(".htmx-request") && document.querySelector("[data-testid=timer-label]").textContent.trim() === "Options"`)
	if got := b.waitString("the options cleaned up", `String(window.optionCleanups)`); got != "0" {
		b.fatalf("htmx cleaned up %s options of the old popover one by one", got)
	}
	if got := b.waitString("the running entry's project", `document.querySelector("[data-testid=timer-info]").getAttribute("title") || "none"`); !strings.Contains(got, "Gamma") {
		b.fatalf("running timer's title %q, want the project Gamma", got)
	}

	b.do("stop the timer", chromedp.Click(testid("timer-stop")), chromedp.WaitVisible(testid("timer-short-keep")))
	b.do("keep the short entry", chromedp.Click(testid("timer-short-keep")), chromedp.WaitVisible(testid("timer-start-button")))
	b.do("open the start popover again", chromedp.Click(testid("timer-start-button")), chromedp.WaitVisible(testid("timer-form")))
	b.waitTrue("the projects offered again", `document.querySelectorAll("#timer-project option").length >= 5`)
}
