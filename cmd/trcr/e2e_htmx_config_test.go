package main

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The page's htmx settles swaps at once and does not process hx-on attributes (htmx.config.processHxOn, our
// patch of htmx: static/vendor/htmx/PATCHES.md), which the app does not use.
func TestBrowser_HTMXSkipsHxOn(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test")
	}
	srv := e2eServerFor(t)
	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.waitTrue("htmx ready", `!!window.htmx && document.readyState === "complete"`)
	ctx, cancel := contextWithStepTimeout(b)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const d = document.createElement("div");
		d.setAttribute("hx-on:click", "window.__hxOnRan = true");
		document.body.appendChild(d);
		htmx.process(d);
		d.click();
		d.remove();
		return [String(window.__hxOnRan === true), String(htmx.config.defaultSettleDelay), String(htmx.config.processHxOn)].join(" ");
	})()`))
	if err != nil {
		b.fatalf("evaluate: %v", err)
	}
	if got != "false 0 false" {
		b.fatalf("hx-on ran, settle delay, processHxOn: %q, want \"false 0 false\"", got)
	}
}
