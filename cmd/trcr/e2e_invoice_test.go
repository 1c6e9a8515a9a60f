package main

// Browser test of invoicing: time tracked through the JSON API is billed on a new invoice in the browser, the
// invoice is sent (the dev server has no SMTP, so the email lands in the dev mailbox), and the public link from
// that email opens the invoice in a fresh browser without a session, where "Download PDF" downloads a PDF.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// e2eAPI is a client of the server's JSON API with a Bearer token.
type e2eAPI struct {
	t     *testing.T
	base  string
	token string
}

// call sends a JSON request and decodes the answer into out, failing the test unless the status is want.
func (a *e2eAPI) call(method, path string, body any, want int, out any) {
	a.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+"/api/v1"+path, r)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		a.t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			a.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
}

var invoicePagePath = regexp.MustCompile(`^/invoices/[0-9a-f-]{36}$`)

func TestBrowser_InvoiceFromTimeSentAndOpenedFromItsPublicLink(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	timer := newStepTimer(t)
	const password = "invoice-e2e-password"
	email, clientEmail := uniqueEmail("ines"), uniqueEmail("accounts")

	// An owner, an organization, a client, a project and billable time, through the API.
	api := &e2eAPI{t: t, base: srv.BaseURL}
	var auth struct {
		AccessToken string `json:"access_token"`
	}
	api.call("POST", "/auth/register", map[string]any{"name": "Ines Invoicer", "email": email, "password": password}, http.StatusCreated, &auth)
	api.token = auth.AccessToken
	api.call("POST", "/organizations", map[string]any{"name": "Ledger Studio"}, http.StatusCreated, nil)
	var client, project struct {
		ID string `json:"id"`
	}
	api.call("POST", "/clients", map[string]any{"name": "Globex", "email": clientEmail}, http.StatusCreated, &client)
	api.call("POST", "/projects", map[string]any{"name": "Globex website", "client_id": client.ID, "billable": true, "hourly_rate": 12000}, http.StatusCreated, &project)
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, e := range []struct {
		desc    string
		start   time.Time
		minutes int
	}{
		{desc: "Design", start: day, minutes: 90},
		{desc: "Design", start: day.AddDate(0, 0, 1), minutes: 60},
		{desc: "Review", start: day.AddDate(0, 0, 2), minutes: 30},
		{desc: "April work", start: day.AddDate(0, 1, 0), minutes: 45}, // outside the range billed below
	} {
		api.call("POST", "/time-entries", map[string]any{
			"project_id": project.ID, "description": e.desc, "billable": true,
			"started_at": e.start.Format(time.RFC3339), "stopped_at": e.start.Add(time.Duration(e.minutes) * time.Minute).Format(time.RFC3339),
		}, http.StatusCreated, nil)
	}
	timer.done("API setup")

	// Sign in and create the invoice: choosing the client loads its projects.
	b := newE2EBrowser(t, srv.BaseURL)
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")
	// Only verified accounts email invoices: follow the link of the verification email.
	b.open(b.emailLink(email, "Confirm your email", "/verify-email?token="), "verify-success")
	b.open("/invoices", "empty-new-invoice")
	b.clickToPage(testid("empty-new-invoice"), "/invoices/new")
	b.do("choose the client", chromedp.Evaluate[chromedp.Void](`(() => {
		const s = document.querySelector("#inv-client");
		s.value = `+jsString(client.ID)+`;
		s.dispatchEvent(new Event("change", { bubbles: true }));
	})()`))
	b.waitTrue("the client's projects", `!!document.querySelector('#inv-project option[value=`+jsString(project.ID)+`]')`)
	b.do("choose the project", chromedp.SetValue(chromedp.CSS("#inv-project"), project.ID))
	b.markPage()
	b.do("create the draft", chromedp.Click(testid("invoice-submit")))
	b.waitTrue("the new invoice's page", `window.__e2eOldPage === undefined && document.readyState === "complete" && !!window.htmx &&
		`+regexpJS(invoicePagePath)+`.test(location.pathname) && !!document.querySelector('[data-testid="invoice-page"]')`)
	invoicePath := b.waitString("the invoice path", `location.pathname`)
	number := b.text(`[data-testid="invoice-number"]`)
	if !strings.HasPrefix(number, "INV-") {
		b.fatalf("invoice number %q", number)
	}
	timer.done("create invoice")

	// Bill March's time: 2.5 h of Design and 0.5 h of Review at 120.00.
	b.do("choose March", chromedp.Evaluate[chromedp.Void](`(() => {
		document.querySelector("#gen-from").value = "2026-03-01";
		document.querySelector("#gen-to").value = "2026-03-31";
	})()`))
	b.do("generate", chromedp.Click(testid("generate-submit")))
	result := b.waitString("what was billed", `(() => { const r = document.querySelector('[data-testid="generate-result"]'); return r ? r.textContent.replace(/\s+/g, " ").trim() : ""; })()`)
	if !strings.Contains(result, "Billed 3 time entries (3 h) in 2 lines") {
		b.fatalf("generation says %q", result)
	}
	if got := b.text(`#invoice-totals [data-testid="totals-total"]`); !strings.HasPrefix(got, "360.00") {
		b.fatalf("total after generation %q, want 360.00", got)
	}
	timer.done("generate from time")

	// Edit a line: the totals follow without a reload.
	b.markPage()
	b.do("change the first line's quantity", chromedp.Evaluate[chromedp.Void](`(() => {
		const q = document.querySelector('[data-testid="line-item"] [data-testid="line-quantity"]');
		q.value = "3";
		q.dispatchEvent(new Event("change", { bubbles: true }));
	})()`))
	b.waitTrue("the new total", `(document.querySelector('#invoice-totals [data-testid="totals-total"]') || {}).textContent.trim().startsWith("420.00")`)
	if !b.pageIsMarked() {
		b.fatalf("editing a line reloaded the page")
	}
	timer.done("edit a line")

	// Send it to the client's address.
	b.clickToPage(testid("invoice-send"), invoicePath+"/send")
	if got := strings.TrimSpace(b.value("#send-to")); got != clientEmail {
		b.fatalf("recipients %q, want %q", got, clientEmail)
	}
	b.fill("#send-message", "Thanks for a great March!")
	b.clickToPage(testid("send-submit"), invoicePath)
	b.do("see the public link", chromedp.WaitVisible(testid("invoice-public-link")))
	if got := b.text(`.inv-header [data-testid="invoice-status"]`); got != "Sent" {
		b.fatalf("status after sending %q", got)
	}
	shown := b.value(`[data-testid="invoice-public-link"]`)
	link := b.emailLink(clientEmail, "Invoice "+number, "/i/")
	if link != shown {
		b.fatalf("the email links %s, the invoice page shows %s", link, shown)
	}
	timer.done("send")

	// The client opens the link in a browser that never signed in.
	pub := newE2EBrowser(t, srv.BaseURL)
	downloads := t.TempDir()
	done := make(chan string, 1)
	if err := chromedp.ListenBrowser(pub.ctx, func(ev any) {
		if p, ok := ev.(*browser.EventDownloadProgress); ok && p.State == browser.DownloadProgressStateCompleted {
			select {
			case done <- p.GUID:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	pub.do("allow downloads", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: ptrTo(true),
		})
		return err
	}))
	pub.open(link, "public-invoice")
	if got := pub.text(`[data-testid="public-invoice-number"]`); got != number {
		pub.fatalf("public page shows %q, want %q", got, number)
	}
	if got := pub.text(`[data-testid="public-client-name"]`); got != "Globex" {
		pub.fatalf("billed to %q", got)
	}
	pub.waitTrue("a page without the app's chrome", `!document.querySelector('[data-testid="sidebar"], [data-testid="user-menu"]')`)
	contentType := pub.waitString("the PDF's content type", `(() => {
		if (!window.__pdfType) {
			window.__pdfType = "…";
			fetch(document.querySelector('[data-testid="public-download-pdf"]').href)
				.then(r => { window.__pdfType = r.status + " " + r.headers.get("content-type"); });
		}
		return window.__pdfType === "…" ? "" : window.__pdfType;
	})()`)
	if contentType != "200 application/pdf" {
		pub.fatalf("the PDF link answers %q", contentType)
	}
	pub.do("click Download PDF", chromedp.Click(testid("public-download-pdf")))
	select {
	case guid := <-done:
		file, err := os.ReadFile(downloads + "/" + guid)
		if err != nil {
			t.Fatalf("read the download: %v", err)
		}
		if !bytes.HasPrefix(file, []byte("%PDF-")) {
			t.Fatalf("the download is not a PDF: %q", file[:min(len(file), 16)])
		}
		t.Logf("downloaded a %d-byte PDF", len(file))
	case <-time.After(stepTimeout):
		pub.fatalf("no download completed within %s", stepTimeout)
	}
	timer.done("public link and PDF")
}

// regexpJS is a Go regexp as a JavaScript regular expression literal (for the simple patterns used here).
func regexpJS(re *regexp.Regexp) string {
	return "/" + strings.ReplaceAll(re.String(), "/", `\/`) + "/"
}

func ptrTo[T any](v T) *T { return &v }
