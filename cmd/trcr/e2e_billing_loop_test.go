package main

// The loop this product exists for, through the pages alone: a new organization registers, creates a client and
// a project linked to it from the client's page, tracks time with the header timer (its project picked by typing) and by typing hours into the week timesheet, creates an
// invoice for the client, generates its lines from that time, sends it, and the client opens the public link and
// its PDF. Nothing is set up over the API or in SQL, so a missing form field shows up here.

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

func TestBrowser_NewOrganizationBillsTrackedTime(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	b := newE2EBrowser(t, srv.BaseURL)
	timer := newStepTimer(t)
	email, clientEmail := uniqueEmail("loop"), uniqueEmail("globex")
	b.newOrganizationInBrowser("Lou Loop", email, "correct horse battery staple", "Loop Studio")
	// Only verified accounts email invoices.
	b.open(b.emailLink(email, "Confirm your email", "/verify-email?token="), "verify-success")
	timer.done("register")

	b.open("/clients/new", "client-form")
	b.fill("#client-name", "Globex")
	b.fill("#client-email", clientEmail)
	b.markPage()
	b.do("create the client", chromedp.Click(testid("client-submit")))
	b.waitTrue("the client's page", `window.__e2eOldPage === undefined && document.readyState === "complete" && /^\/clients\/[0-9a-f-]{36}$/.test(location.pathname)`)
	clientID := strings.TrimPrefix(b.waitString("the client's path", `location.pathname`), "/clients/")
	b.clickToPage(testid("client-new-project"), "/projects/new")
	if got := b.value(`[data-testid="project-client"]`); got != clientID {
		b.fatalf("the new project's client is %q, want %q", got, clientID)
	}
	b.fill("#project-name", "Website")
	b.fill("#project-rate", "100")
	b.markPage()
	b.do("create the project", chromedp.Click(testid("project-submit")))
	b.waitTrue("the project's board", `window.__e2eOldPage === undefined && document.readyState === "complete" && /\/board$/.test(location.pathname)`)
	projectID := strings.TrimSuffix(strings.TrimPrefix(b.waitString("the board's path", `location.pathname`), "/projects/"), "/board")
	timer.done("client and project")

	// The header timer: start on the project, stop a moment later.
	b.do("open the timer", chromedp.Click(testid("timer-start-button")))
	b.waitTrue("the project in the timer's picker", `!!document.querySelector('#timer-project option[value=`+jsString(projectID)+`]')`)
	if got := b.waitString("the option's text", `document.querySelector('#timer-project option[value=`+jsString(projectID)+`]').textContent.replace(/\s+/g, " ").trim()`); !strings.Contains(got, "Globex") {
		b.fatalf("the timer's picker shows %q, without the client", got)
	}
	// The searchable picker: typing the client's name filters the projects, the keyboard picks one.
	b.do("filter the projects", chromedp.Click(testid("timer-project-picker")), chromedp.SendKeys(testid("timer-project-picker"), "globex"))
	if got := b.waitString("the filtered options", `[...document.querySelectorAll('#timer-project-listbox [role="option"]')].map(o => o.textContent.trim()).join("|")`); got != "Website · Globex" {
		b.fatalf("typing globex leaves the options %q", got)
	}
	b.do("pick with the keyboard", chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter))
	b.waitTrue("the project chosen", `document.querySelector("#timer-project").value === `+jsString(projectID)+
		` && document.querySelector('[data-testid="timer-project-picker"]').value === "Website · Globex"`+
		` && document.querySelector("#timer-project-listbox").hidden && !document.querySelector('[data-testid="timer-running"]')`+
		` && !document.querySelector("#timer-task").disabled && !document.querySelector(".htmx-request")`) // the project's tasks came
	b.do("let the form settle", chromedp.Sleep(300*time.Millisecond))
	b.fill("#timer-description", "Kickoff call")
	b.do("start", chromedp.Click(testid("timer-submit")))
	b.do("see it run", chromedp.WaitVisible(testid("timer-running")), chromedp.Sleep(1500*time.Millisecond))
	b.do("stop", chromedp.Click(chromedp.CSS(`[data-testid="timer-stop-form"] button`)), chromedp.WaitVisible(testid("timer-short-dialog")))
	b.do("keep the short entry", chromedp.Click(testid("timer-short-keep")))
	b.do("see it stopped", chromedp.WaitVisible(testid("timer-start-button")))
	timer.done("header timer")

	// Two and a half hours typed into yesterday's cell of the week timesheet (the timer's entry is today's). When
	// yesterday falls in the week before, its timesheet has no row for the project yet: the add-row picker makes one.
	yesterday := b.waitString("yesterday", `new Date(Date.now() - 864e5).toISOString().slice(0, 10)`)
	b.open("/time?start="+yesterday, "time-results")
	cell := "#" + "cell-" + projectID + "-" + yesterday
	if b.waitString("the cell", `document.querySelector(`+jsString(cell)+`) ? "yes" : "no"`) == "no" {
		b.do("find the project", chromedp.Click(testid("timesheet-add-row-project-picker")),
			chromedp.SendKeys(testid("timesheet-add-row-project-picker"), "webs"), chromedp.KeyEvent(kb.Enter))
		b.do("add its row", chromedp.Click(testid("timesheet-add-row-submit")))
	}
	b.waitTrue("the project's row", `!!document.querySelector(`+jsString(cell)+`)`)
	b.do("mark the cell", chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(cell)+`).__typed = true`))
	b.fill(cell, "2:30")
	b.do("save the cell", chromedp.SendKeys(chromedp.CSS(cell), kb.Enter))
	// Saved, the week comes back from the server with the cell at 2:30.
	b.waitTrue("the week reloaded", `(() => { const c = document.querySelector(`+jsString(cell)+`); return !!c && !c.__typed && c.value === "2:30"; })()`)
	timer.done("timesheet")

	b.open("/invoices/new?client_id="+clientID, "invoice-submit")
	b.waitTrue("the client's project", `!!document.querySelector('#inv-project option[value=`+jsString(projectID)+`]')`)
	b.do("choose the project", chromedp.SetValue(chromedp.CSS("#inv-project"), projectID))
	b.markPage()
	b.do("create the draft", chromedp.Click(testid("invoice-submit")))
	b.waitTrue("the new invoice's page", `window.__e2eOldPage === undefined && document.readyState === "complete" && !!document.querySelector('[data-testid="invoice-page"]')`)
	invoicePath := b.waitString("the invoice path", `location.pathname`)
	number := b.text(`[data-testid="invoice-number"]`)
	b.do("bill the last month", chromedp.Evaluate[chromedp.Void](`(() => {
		const d = new Date(), from = new Date(d.getTime() - 30 * 864e5), to = new Date(d.getTime() + 864e5);
		document.querySelector("#gen-from").value = from.toISOString().slice(0, 10);
		document.querySelector("#gen-to").value = to.toISOString().slice(0, 10);
	})()`))
	b.do("generate", chromedp.Click(testid("generate-submit")))
	result := b.waitString("what was billed", `(() => { const r = document.querySelector('[data-testid="generate-result"]'); return r ? r.textContent.replace(/\s+/g, " ").trim() : ""; })()`)
	if !strings.Contains(result, "Billed 2 time entries") {
		b.fatalf("generation says %q", result)
	}
	// 2.5 h typed into the timesheet at 100.00, plus the timer's seconds (at most a few cents).
	total := b.text(`#invoice-totals [data-testid="totals-total"]`)
	if !strings.HasPrefix(total, "250.0") {
		b.fatalf("total %q, want 250.0x", total)
	}
	timer.done("invoice and lines")

	b.clickToPage(testid("invoice-send"), invoicePath+"/send")
	if got := strings.TrimSpace(b.value("#send-to")); got != clientEmail {
		b.fatalf("recipients %q, want %q", got, clientEmail)
	}
	b.clickToPage(testid("send-submit"), invoicePath)
	b.do("see the public link", chromedp.WaitVisible(testid("invoice-public-link")))
	link := b.emailLink(clientEmail, "Invoice "+number, "/i/")
	timer.done("send")

	pub := newE2EBrowser(t, srv.BaseURL)
	pub.open(link, "public-invoice")
	if got := pub.text(`[data-testid="public-client-name"]`); got != "Globex" {
		pub.fatalf("billed to %q", got)
	}
	pdf := pub.waitString("the PDF", `(() => {
		if (!window.__pdf) {
			window.__pdf = "…";
			fetch(document.querySelector('[data-testid="public-download-pdf"]').href)
				.then(r => r.arrayBuffer().then(b => { window.__pdf = r.status + " " + r.headers.get("content-type") + " " + new TextDecoder().decode(b.slice(0, 5)); }));
		}
		return window.__pdf === "…" ? "" : window.__pdf;
	})()`)
	if pdf != "200 application/pdf %PDF-" {
		pub.fatalf("the PDF link answers %q", pdf)
	}
	timer.done("public link and PDF")
}
