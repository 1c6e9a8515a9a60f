package main

import (
	"fmt"
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
	b := openTimerPopover(t, "timeropts", "Alpha", "Beta", "Gamma", "Delta", "Epsilon")
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

// The popover's Start button shows its spinner only once a start has waited 150 ms for its answer (issue 15: spinning
// from the moment the request went out, it had the page lay out, layerize and paint frames while the server answered,
// and it flashed for a fast answer). The button is disabled at once either way, but looks it only with the spinner.
func TestBrowser_TimerStartShowsItsSpinnerOnlyWhenSlow(t *testing.T) {
	t.Parallel()
	b := openTimerPopover(t, "timerspin", "Alpha")
	spinning := `(() => { const s = document.querySelector("#timer-form [data-testid=timer-submit] .spinner"); return getComputedStyle(s).display !== "none" || s.getAnimations().length > 0; })()`
	// Right after htmx sent the request (it adds its classes and disables the button after htmx:beforeRequest, in the
	// same task), before any answer.
	b.waitTrue("watch the start as it goes out", `(window.spinning = null, window.disabled = null, window.dimmed = null, document.addEventListener("htmx:beforeRequest", (e) => {
		if (e.detail.elt.id !== "timer-form") return;
		queueMicrotask(() => {
			const button = document.querySelector("#timer-form [data-testid=timer-submit]");
			window.spinning = `+spinning+`;
			window.disabled = button.disabled;
			window.dimmed = getComputedStyle(button).opacity !== "1";
		});
	}), true)`)
	b.fill("#timer-description", "Spinner")
	b.do("start the timer", chromedp.Click(testid("timer-submit")), chromedp.WaitVisible(testid("timer-running")))
	b.waitTrue("the start seen going out", `window.spinning !== null`)
	if got := b.waitString("the spinner as the start went out", `String(window.spinning) + " " + String(window.disabled) + " " + String(window.dimmed)`); got != "false true false" {
		b.fatalf("spinner shown, button disabled, button dimmed as the start went out: %s, want false true false", got)
	}

	// A start waiting longer (the request's events, dispatched by hand): the spinner after 150 ms, until its answer.
	b.do("stop the timer", chromedp.Click(testid("timer-stop")), chromedp.WaitVisible(testid("timer-short-keep")))
	b.do("keep the short entry", chromedp.Click(testid("timer-short-keep")), chromedp.WaitVisible(testid("timer-start-button")))
	b.do("open the start popover again", chromedp.Click(testid("timer-start-button")), chromedp.WaitVisible(testid("timer-form")))
	event := func(name string) string {
		return `(document.getElementById("timer-form").dispatchEvent(new CustomEvent("` + name + `", { bubbles: true, detail: { elt: document.getElementById("timer-form") } })), true)`
	}
	b.waitTrue("a start that waits", event("htmx:beforeRequest"))
	b.waitTrue("the spinner shown", spinning+` && getComputedStyle(document.querySelector("#timer-form [data-testid=timer-submit] .btn__label")).visibility === "hidden"`)
	b.waitTrue("its answer", event("htmx:afterRequest"))
	b.waitTrue("the spinner hidden", `!`+spinning+` && getComputedStyle(document.querySelector("#timer-form [data-testid=timer-submit] .btn__label")).visibility === "visible"`)
}

// openTimerPopover registers a user (prefix of the email) with an organization and the named projects, signs in and
// opens the top bar's Start popover once its projects are offered. A browser test: skipped with -short.
func openTimerPopover(t *testing.T, prefix string, projects ...string) *e2eBrowser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test")
	}
	srv := e2eServerFor(t)
	email, password := uniqueEmail(prefix), "correct horse battery staple"
	reg := timerAPICall(t, srv.BaseURL, "", "POST", "/auth/register", map[string]string{"name": "Opal Timer", "email": email, "password": password}, http.StatusCreated)
	token, _ := reg["access_token"].(string)
	timerAPICall(t, srv.BaseURL, token, "POST", "/organizations", map[string]string{"name": "Options Studio"}, http.StatusCreated)
	for _, name := range projects {
		timerAPICall(t, srv.BaseURL, token, "POST", "/projects", map[string]string{"name": name}, http.StatusCreated)
	}
	b := newE2EBrowser(t, srv.BaseURL)
	b.boardLogin(email, password)
	b.do("open the start popover", chromedp.Click(testid("timer-start-button")), chromedp.WaitVisible(testid("timer-form")))
	b.waitTrue("the projects offered", fmt.Sprintf(`document.querySelectorAll("#timer-project option").length >= %d`, len(projects)))
	return b
}
