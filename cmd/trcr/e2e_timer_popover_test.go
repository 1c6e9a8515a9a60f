package main

// Browser test of the header timer's speed-ups (issue 15): the popover's form loads while the pointer is on the
// Start button, is focused when the popover opens, and a start shows the running timer from its own answer (no
// GET /timer before it shows).

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestBrowser_TimerPopoverPreloadsAndStartsInOneRequest(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test")
	}
	srv := e2eServerFor(t)
	email, password := uniqueEmail("popover"), "correct horse battery staple"
	reg := timerAPICall(t, srv.BaseURL, "", "POST", "/auth/register", map[string]string{"name": "Pat Popover", "email": email, "password": password}, http.StatusCreated)
	token, _ := reg["access_token"].(string)
	timerAPICall(t, srv.BaseURL, token, "POST", "/organizations", map[string]string{"name": "Popover Studio"}, http.StatusCreated)

	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")

	// The pointer on the Start button loads the form; the popover stays closed.
	ctx, cancel := contextWithStepTimeout(b)
	xy, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
		const r = document.querySelector('[data-testid="timer-start-button"]').getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`))
	cancel()
	if err != nil {
		b.fatalf("find the Start button: %v", err)
	}
	b.do("hover the Start button", chromedp.MouseEvent(chromedp.MouseMoved, xy[0], xy[1]))
	b.waitTrue("the form loaded on hover", `!!document.querySelector('[data-testid="timer-form"]') && !document.querySelector('[data-testid="timer-start"]').open`)

	// Opening it focuses the description, as when the form loaded after opening.
	b.do("open the popover", chromedp.MouseClickXY(xy[0], xy[1]))
	b.waitTrue("the description focused", `document.querySelector('[data-testid="timer-start"]').open && document.activeElement && document.activeElement.id === "timer-description"`)

	b.fill("#timer-description", "Moodboard")
	// What had been fetched when the running timer appeared: the start alone, not the top bar's GET /timer (the
	// live event of the start may still fetch it afterwards, as it does for other tabs).
	b.do("start the timer",
		chromedp.Evaluate[chromedp.Void](`(() => {
			performance.clearResourceTimings();
			window.__fetchedWhenRunning = null;
			new MutationObserver((_, mo) => {
				if (!document.querySelector('[data-testid="timer-running"]')) return;
				window.__fetchedWhenRunning = performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname);
				mo.disconnect();
			}).observe(document.body, { childList: true, subtree: true });
		})()`),
		chromedp.Click(testid("timer-submit")),
		chromedp.WaitVisible(testid("timer-running")),
	)
	// Read in one evaluation: the start's live event may swap #timer again at any moment.
	b.waitTrue("the running timer's label", `(document.querySelector('[data-testid="timer-label"]') || {}).textContent === "Moodboard"`)
	ctx, cancel = contextWithStepTimeout(b)
	paths, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__fetchedWhenRunning || []`))
	cancel()
	if err != nil {
		b.fatalf("read the requests: %v", err)
	}
	starts, reloads := 0, 0
	for _, p := range paths {
		switch p {
		case "/timer/start":
			starts++
		case "/timer":
			reloads++
		}
	}
	if starts != 1 || reloads != 0 {
		b.fatalf("fetched when the timer showed: %q (want POST /timer/start and no GET /timer)", paths)
	}
}
