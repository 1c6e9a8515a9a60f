package main

// Screenshots of every page at a desktop (1440×900) and a phone (390×844) size, in the light and the dark theme,
// written to the folder named by TRCR_SCREENSHOTS_DIR for people to look at all at once (see the README). Without
// the variable the test is skipped; the folder is never committed.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestBrowser_ScreenshotsOfEveryPage(t *testing.T) {
	dir := os.Getenv("TRCR_SCREENSHOTS_DIR")
	if testing.Short() || dir == "" {
		t.Skip("screenshots: set TRCR_SCREENSHOTS_DIR to a folder (and run without -short)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	srv := e2eServerFor(t)
	b := newE2EBrowser(t, srv.BaseURL)
	b.newOrganizationInBrowser("Sam Shots", uniqueEmail("shots"), "correct horse battery staple", "Shots Studio")

	b.open("/clients/new", "client-form")
	b.fill("#client-name", "Acme Corp")
	b.markPage()
	b.do("create a client", chromedp.Click(testid("client-submit")))
	b.waitTrue("the client's page", `window.__e2eOldPage === undefined && document.readyState === "complete" && /^\/clients\/[0-9a-f-]{36}$/.test(location.pathname)`)
	client := b.waitString("the client's path", `location.pathname`)

	b.open("/projects/new?client_id="+strings.TrimPrefix(client, "/clients/"), "project-form")
	b.fill("#project-name", "Website")
	b.markPage()
	b.do("create a project", chromedp.Click(testid("project-submit")))
	b.waitTrue("the project's board", `window.__e2eOldPage === undefined && document.readyState === "complete" && /\/board$/.test(location.pathname)`)
	project := strings.TrimSuffix(b.waitString("the board's path", `location.pathname`), "/board")

	pages := []string{"/", "/projects", "/projects/new", project + "/board", project + "/gantt", project + "/edit",
		project + "/members", "/gantt", "/tasks", "/time", "/clients", client, "/clients/new", "/invoices", "/invoices/new",
		"/reports", "/members", "/settings/organization", "/profile", "/notifications", "/chat", "/audit-logs"}
	sizes := [][2]int64{{1440, 900}, {390, 844}}
	n := 0
	for _, theme := range []string{"light", "dark"} {
		b.do("set the theme", chromedp.Evaluate[chromedp.Void](`localStorage.setItem("trcr-theme", `+jsString(theme)+`)`))
		for _, size := range sizes {
			b.do("size the window", chromedp.EmulateViewport(size[0], size[1]))
			for _, path := range pages {
				b.do("open "+path, chromedp.Navigate(b.url(path)))
				b.waitTrue("the page to load", `document.readyState === "complete" && !!window.htmx`)
				b.do("settle", chromedp.Sleep(200*time.Millisecond))
				name := fmt.Sprintf("%s-%dx%d-%s.png", screenshotName(path), size[0], size[1], theme)
				writeFullPageScreenshot(t, b, size[0], size[1], filepath.Join(dir, name))
				n++
			}
		}
	}
	t.Logf("wrote %d screenshots to %s", n, dir)
}

// screenshotName turns a path into a file name: ids become "id".
func screenshotName(path string) string {
	parts := []string{}
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if len(p) == 36 && strings.Count(p, "-") == 4 {
			p = "id"
		}
		parts = append(parts, strings.SplitN(p, "?", 2)[0])
	}
	if name := strings.Join(parts, "_"); name != "" {
		return name
	}
	return "dashboard"
}

// writeFullPageScreenshot captures the whole page at the given width (the viewport is stretched to the page's
// height, then put back).
func writeFullPageScreenshot(t *testing.T, b *e2eBrowser, width, height int64, path string) {
	t.Helper()
	ctx, cancel := contextWithStepTimeout(b)
	defer cancel()
	full, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight))`))
	if err != nil {
		b.fatalf("measure %s: %v", path, err)
	}
	b.do("stretch the viewport", chromedp.EmulateViewport(width, max(height, min(full, 8000))), chromedp.Sleep(150*time.Millisecond))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.fatalf("screenshot %s: %v", path, err)
	}
	b.do("restore the viewport", chromedp.EmulateViewport(width, height))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
