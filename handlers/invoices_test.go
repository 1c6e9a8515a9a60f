package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestInvoicePages_CreateListAndFilter(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	b := w.owner

	p := b.get("/invoices")
	if p.status != http.StatusOK || !p.has("empty-new-invoice") || !p.has("new-invoice") {
		t.Fatalf("empty list: %d", p.status)
	}
	checkPage(t, "empty list", p)

	// The form: today and 30 days later, the client's projects after choosing it.
	p = b.get("/invoices/new?client_id=" + w.clientID)
	if p.status != http.StatusOK || !p.has("invoice-form") {
		t.Fatalf("new: %d", p.status)
	}
	checkPage(t, "new invoice", p)
	issue, _ := time.Parse("2006-01-02", p.doc.Find("#inv-issue").AttrOr("value", ""))
	due, _ := time.Parse("2006-01-02", p.doc.Find("#inv-due").AttrOr("value", ""))
	if issue.IsZero() || due.Sub(issue) != 30*24*time.Hour {
		t.Errorf("default dates %v → %v", issue, due)
	}
	if p.doc.Find(`#inv-project option[value="`+w.project.ID+`"]`).Length() != 1 {
		t.Errorf("project of the chosen client not offered")
	}
	if got := p.find(`#inv-currency option[value=""]`); !strings.Contains(got, "EUR") {
		t.Errorf("default currency option %q", got)
	}
	frag := b.get("/invoices/new/client-fields?client_id=" + w.clientID)
	if frag.status != http.StatusOK || frag.doc.Find(`#inv-project option[value="`+w.project.ID+`"]`).Length() != 1 {
		t.Errorf("client fields: %d %s", frag.status, frag.body)
	}

	// Invalid: messages in place, with htmx and without.
	p = b.htmx("/invoices/new", url.Values{"client_id": {""}, "due_date": {""}, "tax_rate": {"120"}})
	if p.status != http.StatusUnprocessableEntity || !p.has("invoice-form") || p.doc.Find("#inv-client-error").Length() != 1 ||
		!strings.Contains(p.body, "Tax rate must be a number from 0 to 100") {
		t.Fatalf("invalid create (htmx): %d %s", p.status, p.body)
	}
	p = b.post("/invoices/new", url.Values{"client_id": {w.clientID}, "issue_date": {"2026-03-10"}, "due_date": {"2026-03-01"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.find("#inv-due-error"), "Due date must be on or after issue date") {
		t.Fatalf("due before issue: %d %q", p.status, p.find("#inv-due-error"))
	}

	id := w.createInvoice(t, url.Values{"client_id": {w.clientID}, "project_id": {w.project.ID}, "issue_date": {"2026-03-01"}, "due_date": {"2026-03-31"}, "tax_rate": {"20"}})
	p = b.get("/invoices/" + id)
	if p.status != http.StatusOK || p.find(`[data-testid="invoice-number"]`) != "INV-2026-0001" || !p.has("flash") {
		t.Fatalf("invoice page: %d %q", p.status, p.find(`[data-testid="invoice-number"]`))
	}
	checkPage(t, "draft", p)
	if p.doc.Find(`[data-testid="invoice-pdf"]`).AttrOr("href", "") != "/invoices/"+id+"/pdf" || !p.has("invoice-send") || !p.has("invoice-delete") || !p.has("generate-form") {
		t.Errorf("draft actions missing")
	}
	if !strings.Contains(p.find(`[data-testid="invoice-client-link"]`), "Acme Corp") || !strings.Contains(p.body, "Website") {
		t.Errorf("client and project not shown")
	}
	old := w.createInvoice(t, url.Values{"client_id": {w.clientID}, "issue_date": {"2025-12-20"}, "due_date": {"2026-01-10"}})
	w.addLine(t, old, "December retainer", "1", "500")
	b.get("/invoices/" + old + "/send")
	b.visit(visit{name: "send", method: http.MethodPost, path: "/invoices/" + old + "/send", form: url.Values{"to": {"billing@acme.test"}}, status: http.StatusSeeOther})

	// The list, its tabs and filters.
	p = b.get("/invoices")
	if n := p.doc.Find(`[data-testid="invoice-row"]`).Length(); n != 2 {
		t.Fatalf("rows = %d", n)
	}
	checkPage(t, "list", p)
	if p.find(`[data-testid="invoice-row"] [data-testid="invoice-link"]`) != "INV-2026-0001" || !strings.Contains(p.body, "Acme Corp") {
		t.Errorf("first row: %q", p.find(`[data-testid="invoice-row"] [data-testid="invoice-link"]`))
	}
	if p.find(`[data-testid="invoice-row"] [data-testid="invoice-status"]`) != "Draft" {
		t.Errorf("status badge")
	}
	p = b.get("/invoices?status=draft&from=2026-01-01")
	if n := p.doc.Find(`[data-testid="invoice-row"]`).Length(); n != 1 || p.doc.Find(`#inv-status-draft[checked]`).Length() != 1 || p.doc.Find(`#inv-filter-from`).AttrOr("value", "") != "2026-01-01" {
		t.Errorf("draft from 2026: %d rows", n)
	}
	p = b.get("/invoices?status=overdue")
	if n := p.doc.Find(`[data-testid="invoice-row"].is-overdue`).Length(); n != 1 || p.find(`[data-testid="invoice-status"]`) != "Overdue" ||
		p.doc.Find(`.badge--danger[data-testid="invoice-status"]`).Length() != 1 || p.find(`[data-testid="invoice-balance"]`) != "500.00 EUR" {
		t.Errorf("overdue tab: %d rows", n)
	}
	p = b.get("/invoices?status=paid")
	if !p.has("empty-state") || !p.has("clear-filters") || p.has("invoice-row") {
		t.Errorf("paid tab should be empty")
	}
	p = b.get("/invoices?client_id=" + w.clientID + "&from=2026-04-01&to=2026-03-01")
	if !p.has("form-error") || !strings.Contains(p.find(`[data-testid="form-error"]`), "From must be on or before to") {
		t.Errorf("bad range: %q", p.find(`[data-testid="form-error"]`))
	}
	// The pagination keeps the filters.
	for range 25 {
		w.createInvoice(t, url.Values{"client_id": {w.clientID}, "issue_date": {"2026-02-01"}, "due_date": {"2026-03-01"}})
	}
	p = b.get("/invoices?status=draft")
	if next := p.doc.Find(`[data-testid="pagination-next"]`).AttrOr("href", ""); next != "/invoices?page=2&status=draft" {
		t.Errorf("next page link %q", next)
	}
}

func TestInvoicePage_LineEditorKeepsTotalsLive(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	b := w.owner
	id := w.draft(t)

	// Add: the new line, a fresh add form and the totals out of band.
	b.get("/invoices/" + id)
	p := b.htmx("/invoices/"+id+"/items", url.Values{"description": {"Design workshop"}, "quantity": {"2"}, "unit_price": {"150.50"}})
	if p.status != http.StatusOK || p.doc.Find(`form[data-testid="line-item"]`).Length() != 1 ||
		p.doc.Find(`#li-add[hx-swap-oob]`).Length() != 1 || p.find(`#invoice-totals[hx-swap-oob] [data-testid="totals-total"]`) != "301.00 EUR" {
		t.Fatalf("add: %d %s", p.status, p.body)
	}
	line := p.doc.Find(`form[data-testid="line-item"]`).AttrOr("data-line-id", "")

	// Invalid lines are refused in place.
	p = b.htmx("/invoices/"+id+"/items", url.Values{"description": {""}, "quantity": {"1"}, "unit_price": {"12.345"}})
	if p.status != http.StatusUnprocessableEntity || p.header.Get("HX-Retarget") != "#li-add" || p.doc.Find("#li-add-price-error").Length() != 1 {
		t.Fatalf("invalid add: %d %v %s", p.status, p.header, p.body)
	}

	// Change: the line stays, its amount and the totals follow.
	p = b.htmx("/invoices/"+id+"/items/"+line, url.Values{"description": {"Design workshop"}, "quantity": {"3"}, "unit_price": {"150.50"}})
	if p.status != http.StatusOK || p.header.Get("HX-Reswap") != "none" || p.find("#li-amount-"+line) != "451.50 EUR" ||
		p.find(`#invoice-totals [data-testid="totals-total"]`) != "451.50 EUR" || !p.has("line-saved") {
		t.Fatalf("update: %d %v %s", p.status, p.header, p.body)
	}
	p = b.htmx("/invoices/"+id+"/items/"+line, url.Values{"description": {"Design workshop"}, "quantity": {"-1"}, "unit_price": {"150.50"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.find("#li-qty-"+line+"-error"), "Quantity must be a number of 0 or more") ||
		p.doc.Find(`input[name="had_error"]`).Length() != 1 {
		t.Fatalf("invalid update: %d %s", p.status, p.body)
	}
	p = b.htmx("/invoices/"+id+"/items/"+line, url.Values{"had_error": {"1"}, "description": {"Design workshop"}, "quantity": {"1"}, "unit_price": {"150.50"}})
	if p.status != http.StatusOK || p.header.Get("HX-Reswap") != "" || p.doc.Find(`form#li-`+line).Length() != 1 || p.has("field-error") {
		t.Fatalf("fixed update should re-render the line: %d %s", p.status, p.body)
	}

	// Tax and discount from the details form.
	p = b.htmx("/invoices/"+id, url.Values{"issue_date": {"2026-03-01"}, "due_date": {"2099-03-31"}, "currency": {"EUR"}, "tax_rate": {"10"}, "discount": {"50"}, "notes": {"Thanks!"}})
	if p.status != http.StatusOK || !p.has("invoice-details-saved") || p.find(`[data-testid="totals-discount"]`) != "−75.25 EUR" ||
		p.find(`[data-testid="totals-tax"]`) != "7.53 EUR" || p.find(`#invoice-totals [data-testid="totals-total"]`) != "82.78 EUR" {
		t.Fatalf("details: %d %s", p.status, p.body)
	}
	p = b.htmx("/invoices/"+id, url.Values{"issue_date": {"2026-03-01"}, "due_date": {"2026-02-01"}, "currency": {"EUR"}, "tax_rate": {"abc"}})
	if p.status != http.StatusUnprocessableEntity || p.doc.Find("#det-due-error").Length() != 1 || p.doc.Find("#det-tax-error").Length() != 1 {
		t.Fatalf("invalid details: %d %s", p.status, p.body)
	}

	// The page without htmx shows the same.
	p = b.get("/invoices/" + id)
	if p.find(`#invoice-summary [data-testid="invoice-summary-total"]`) != "82.78 EUR" || p.doc.Find(`form[data-testid="line-item"]`).Length() != 1 {
		t.Errorf("page after edits: %q", p.find(`[data-testid="invoice-summary-total"]`))
	}
	checkPage(t, "draft with a line", p)

	// Remove: the line goes, the totals fall back to zero.
	p = b.htmx("/invoices/"+id+"/items/"+line+"/delete", url.Values{})
	if p.status != http.StatusOK || p.find(`#invoice-totals [data-testid="totals-total"]`) != "0.00 EUR" || p.has("line-item") {
		t.Fatalf("remove: %d %s", p.status, p.body)
	}
	// Without JavaScript the forms post and come back to the page.
	p = b.post("/invoices/"+id+"/items", url.Values{"description": {"Hosting"}, "quantity": {"1"}, "unit_price": {"20"}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/invoices/"+id) {
		t.Fatalf("plain add: %d %s", p.status, p.location)
	}
}

func TestInvoicePage_GenerateFromTimeSaysWhatWasBilled(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	b := w.owner
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	w.billable(t, "Homepage", base, 90*time.Minute)
	w.billable(t, "Homepage", base.Add(24*time.Hour), 60*time.Minute)
	w.billable(t, "Checkout", base.Add(48*time.Hour), 30*time.Minute)
	w.billable(t, "Later", base.AddDate(0, 1, 0), time.Hour)
	id := w.createInvoice(t, url.Values{"client_id": {w.clientID}, "project_id": {w.project.ID}, "issue_date": {"2026-03-31"}, "due_date": {"2026-04-30"}})
	manual := w.addLine(t, id, "Setup fee", "1", "100")

	p := b.get("/invoices/" + id)
	known := p.doc.Find(`#invoice-generate input[name="known"]`).AttrOr("value", "")
	if known != manual || !strings.Contains(p.find("#invoice-generate .card__subtitle"), "the Website project") {
		t.Fatalf("generate form: known=%q", known)
	}
	p = b.htmx("/invoices/"+id+"/generate", url.Values{"from": {"2026-03-01"}, "to": {"2026-03-31"}, "known": {known}})
	if p.status != http.StatusOK || !strings.Contains(p.find(`[data-testid="generate-result"]`), "Billed 3 time entries (3 h) in 2 lines") {
		t.Fatalf("generate: %d %q %s", p.status, p.find(`[data-testid="generate-result"]`), p.body)
	}
	if n := p.doc.Find(`#invoice-lines[hx-swap-oob] [data-testid="line-item"]`).Length(); n != 3 {
		t.Errorf("lines after generation = %d", n)
	}
	// 3 h at the client's 90.00 plus the 100.00 line.
	if got := p.find(`#invoice-totals [data-testid="totals-total"]`); got != "370.00 EUR" {
		t.Errorf("total %q", got)
	}
	if got := p.find(`[data-testid="line-entries"]`); got != "2 time entries" {
		t.Errorf("entries of the first generated line %q", got)
	}
	known = p.doc.Find(`#invoice-generate input[name="known"]`).AttrOr("value", "")
	p = b.htmx("/invoices/"+id+"/generate", url.Values{"from": {"2026-03-01"}, "to": {"2026-03-31"}, "known": {known}})
	if p.status != http.StatusOK || !p.has("generate-nothing") {
		t.Fatalf("second generation: %d %s", p.status, p.body)
	}
	p = b.htmx("/invoices/"+id+"/generate", url.Values{"from": {"March"}, "known": {known}})
	if p.status != http.StatusUnprocessableEntity || p.doc.Find("#gen-from-error").Length() != 1 {
		t.Fatalf("bad range: %d %s", p.status, p.body)
	}
}

func TestInvoicePage_SendPayAndConflicts(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	b := w.owner
	id := w.draft(t)
	line := w.addLine(t, id, "Consulting", "10", "100")

	// The send page: recipients from the client and its contacts.
	p := b.get("/invoices/" + id + "/send")
	if p.status != http.StatusOK || p.doc.Find("#send-to").Text() != "billing@acme.test\ncarla@acme.test" || !p.has("send-contacts") {
		t.Fatalf("send page: %d %q", p.status, p.doc.Find("#send-to").Text())
	}
	checkPage(t, "send page", p)
	p = b.htmx("/invoices/"+id+"/send", url.Values{"to": {"  "}, "message": {"Hi"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.find("#send-to-error"), "Add at least one email address") {
		t.Fatalf("empty to: %d %s", p.status, p.body)
	}
	p = b.htmx("/invoices/"+id+"/send", url.Values{"to": {"not an email"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.find("#send-to-error"), "To must be a list of email addresses") {
		t.Fatalf("bad to: %d %s", p.status, p.body)
	}
	p = b.post("/invoices/"+id+"/send", url.Values{"to": {"billing@acme.test, boss@acme.test"}, "message": {"Thanks for the work!"}})
	if p.status != http.StatusSeeOther || p.location != "/invoices/"+id {
		t.Fatalf("send: %d %s", p.status, p.body)
	}
	emails, err := w.e.store.OutboxEmails(context.Background(), 10)
	if err != nil || len(emails) == 0 || !strings.Contains(emails[0].Text, "/i/"+id+"?sig=") || len(emails[0].To) != 2 {
		t.Fatalf("email: %v %+v", err, emails)
	}

	// Sent: the public link, the payment forms; the lines are read-only.
	p = b.get("/invoices/" + id)
	link := p.doc.Find(`[data-testid="invoice-public-link"]`).AttrOr("value", "")
	if p.find(`[data-testid="invoice-status"]`) != "Sent" || !strings.HasPrefix(link, "http://trcr.test/i/"+id+"?sig=") ||
		!strings.Contains(p.find(`[data-testid="flash"]`), "billing@acme.test, boss@acme.test") {
		t.Fatalf("sent page: %q %q", p.find(`[data-testid="invoice-status"]`), link)
	}
	checkPage(t, "sent", p)
	if p.has("generate-form") || p.doc.Find(`form[data-testid="line-item"]`).Length() != 0 || !p.has("payment-form") || !p.has("mark-paid-form") {
		t.Errorf("sent invoice controls")
	}

	// A stale editor: 422 with the message in place, like every refused form.
	p = b.htmx("/invoices/"+id+"/items/"+line, url.Values{"description": {"Consulting"}, "quantity": {"11"}, "unit_price": {"100"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.find(`[data-testid="line-error"]`), "Only draft invoices can be edited.") {
		t.Fatalf("edit sent: %d %s", p.status, p.body)
	}
	p = b.post("/invoices/"+id+"/items/"+line, url.Values{"description": {"Consulting"}, "quantity": {"11"}, "unit_price": {"100"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Only draft invoices can be edited.") {
		t.Fatalf("edit sent without htmx: %d", p.status)
	}

	// Payments: refused over the balance, recorded, deleted.
	p = b.htmx("/invoices/"+id+"/payments", url.Values{"amount": {"2000"}, "method": {"cash"}, "paid_at": {"2026-03-05"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.find("#pay-amount-error"), "Amount exceeds the invoice balance") {
		t.Fatalf("over balance: %d %s", p.status, p.body)
	}
	p = b.post("/invoices/"+id+"/payments", url.Values{"amount": {"400"}, "method": {"cash"}, "paid_at": {"2026-03-05"}, "notes": {"Deposit"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("payment: %d %s", p.status, p.body)
	}
	p = b.get("/invoices/" + id)
	if p.doc.Find(`[data-testid="payment-row"]`).Length() != 1 || p.find(`[data-testid="invoice-summary-balance"]`) != "600.00 EUR" ||
		p.doc.Find(`#pay-amount`).AttrOr("value", "") != "600.00" {
		t.Fatalf("after payment: balance %q", p.find(`[data-testid="invoice-summary-balance"]`))
	}
	del := p.doc.Find(`[data-testid="payment-delete-form"]`).AttrOr("action", "")
	if p = b.post(del, nil); p.status != http.StatusSeeOther {
		t.Fatalf("delete payment: %d", p.status)
	}

	// Mark paid; paid invoices cannot be sent again.
	b.get("/invoices/" + id)
	p = b.htmx("/invoices/"+id+"/mark-paid", url.Values{"paid_at": {"yesterday"}, "payment_method": {"bank_transfer"}})
	if p.status != http.StatusUnprocessableEntity || p.doc.Find("#mp-date-error").Length() != 1 {
		t.Fatalf("bad paid date: %d %s", p.status, p.body)
	}
	p = b.htmx("/invoices/"+id+"/mark-paid", url.Values{"paid_at": {"2026-03-20"}, "payment_method": {"bank_transfer"}})
	if p.status != http.StatusNoContent || p.header.Get("HX-Redirect") != "/invoices/"+id {
		t.Fatalf("mark paid: %d %v", p.status, p.header)
	}
	p = b.get("/invoices/" + id)
	if p.find(`[data-testid="invoice-status"]`) != "Paid" || p.has("payment-form") || p.has("invoice-send") || p.find(`[data-testid="invoice-summary-balance"]`) != "0.00 EUR" {
		t.Errorf("paid page: %q", p.find(`[data-testid="invoice-status"]`))
	}
	p = b.htmx("/invoices/"+id+"/send", url.Values{"to": {"billing@acme.test"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.find(`[data-testid="form-error"]`), "A paid invoice cannot be sent again.") {
		t.Fatalf("send paid: %d %s", p.status, p.body)
	}
	p = b.get("/invoices?status=paid")
	if p.doc.Find(`[data-testid="invoice-row"]`).Length() != 1 {
		t.Errorf("paid tab")
	}

	// The PDF, for signed-in admins.
	res, err := b.c.Get(w.e.srv.URL + "/invoices/" + id + "/pdf")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" ||
		res.Header.Get("Content-Disposition") != `attachment; filename="INV-2026-0001.pdf"` {
		t.Errorf("pdf: %d %v", res.StatusCode, res.Header)
	}
}

// Forms the invoice's state refuses (a sent invoice's lines, details, a second send of a paid one) answer 422 like
// every other refused form, so htmx swaps their messages in place without a script of their own.
func TestInvoicePage_StaleFormsAnswer422(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	b := w.owner
	id := w.draft(t)
	line := w.addLine(t, id, "Consulting", "10", "100")
	b.visit(visit{name: "send", method: http.MethodPost, path: "/invoices/" + id + "/send", form: url.Values{"to": {"billing@acme.test"}}, status: http.StatusSeeOther})
	b.get("/invoices/" + id)
	p := b.htmx("/invoices/"+id+"/items/"+line+"/delete", nil)
	if p.status != http.StatusUnprocessableEntity || p.header.Get("HX-Reswap") != "none" || !strings.Contains(p.find(`[data-testid="flash"]`), "draft") {
		t.Errorf("delete a sent invoice's line: %d %v %s", p.status, p.header, p.body)
	}
	p = b.htmx("/invoices/"+id, url.Values{"issue_date": {"2026-03-01"}, "due_date": {"2026-04-01"}, "currency": {"EUR"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Only draft invoices can be edited.") {
		t.Errorf("edit a sent invoice's details: %d %s", p.status, p.body)
	}
	if strings.Contains(b.get("/invoices/"+id).body, "data-swap-conflicts") {
		t.Error("the invoice page still asks a script to swap 409 answers")
	}
}

func TestInvoicePage_DeleteDraft(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	id := w.draft(t)
	w.owner.get("/invoices/" + id)
	p := w.owner.post("/invoices/"+id+"/delete", nil)
	if p.status != http.StatusSeeOther || p.location != "/invoices" {
		t.Fatalf("delete: %d %s", p.status, p.location)
	}
	if p = w.owner.get("/invoices/" + id); p.status != http.StatusNotFound {
		t.Errorf("deleted invoice: %d", p.status)
	}
}

func TestPublicInvoice_OpensWithoutSessionAndDownloadsPDF(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	id := w.draft(t)
	w.addLine(t, id, "Consulting", "2", "50")
	link := w.e.store.InvoiceLink(id, 0)
	path := strings.TrimPrefix(link, "http://trcr.test")
	anon := w.e.browser()

	// A draft has never been sent: no public page.
	anon.visit(visit{name: "draft", path: path, status: http.StatusNotFound})
	w.owner.get("/invoices/" + id + "/send")
	w.owner.visit(visit{name: "send", method: http.MethodPost, path: "/invoices/" + id + "/send", form: url.Values{"to": {"billing@acme.test"}}, status: http.StatusSeeOther})

	p := anon.get(path)
	if p.status != http.StatusOK || p.find(`[data-testid="public-invoice-number"]`) != "INV-2026-0001" ||
		p.find(`[data-testid="public-org-name"]`) != "Invoice Co" || p.find(`[data-testid="public-client-name"]`) != "Acme Corp" ||
		p.find(`[data-testid="public-balance"]`) != "100.00 EUR" || p.doc.Find(`[data-testid="public-line-item"]`).Length() != 1 {
		t.Fatalf("public page: %d %s", p.status, p.body)
	}
	if p.header.Get("Cache-Control") != "private, no-store" || p.header.Get("X-Robots-Tag") != "noindex" {
		t.Errorf("headers: %v", p.header)
	}
	if p.has("sidebar") || p.has("user-menu") || p.doc.Find("form").Length() != 0 {
		t.Errorf("the public page has app chrome")
	}
	checkPage(t, "public page", p)
	pdfURL := p.doc.Find(`[data-testid="public-download-pdf"]`).AttrOr("href", "")
	if !strings.HasPrefix(pdfURL, "/i/"+id+"/pdf?sig=") {
		t.Fatalf("download link %q", pdfURL)
	}
	res, err := anon.c.Get(w.e.srv.URL + pdfURL)
	if err != nil {
		t.Fatal(err)
	}
	head := make([]byte, 5)
	_, _ = res.Body.Read(head)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || string(head) != "%PDF-" ||
		res.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("public pdf: %d %v %q", res.StatusCode, res.Header, head)
	}

	// Bad signatures and ids are 404 pages, still not indexed.
	for _, bad := range []string{"/i/" + id + "?sig=00", "/i/" + id, "/i/" + id + "/pdf?sig=abc", "/i/not-a-uuid?sig=" + strings.SplitN(link, "sig=", 2)[1]} {
		p := anon.get(bad)
		if p.status != http.StatusNotFound || p.header.Get("X-Robots-Tag") != "noindex" {
			t.Errorf("%s: %d %v", bad, p.status, p.header)
		}
	}

	// Paid invoices say so.
	w.owner.get("/invoices/" + id)
	w.owner.post("/invoices/"+id+"/mark-paid", url.Values{"paid_at": {"2026-03-20"}})
	p = anon.get(path)
	if p.find(`[data-testid="public-invoice-status"]`) != "Paid" || !strings.Contains(p.body, "Paid in full") {
		t.Errorf("paid public page: %q", p.find(`[data-testid="public-invoice-status"]`))
	}
}

func TestInvoicePages_MembersAreForbiddenAndOtherOrganizationsNotFound(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	id := w.draft(t)
	line := w.addLine(t, id, "Consulting", "1", "10")

	// A member of the organization.
	member := w.e.join(w.owner, "Mia Member", "mia@example.com", "member")
	for _, path := range []string{"/invoices", "/invoices/new", "/invoices/new/client-fields?client_id=" + w.clientID,
		"/invoices/" + id, "/invoices/" + id + "/pdf", "/invoices/" + id + "/send"} {
		member.visit(visit{name: "member GET", path: path, status: http.StatusForbidden})
	}
	member.visit(visit{name: "member create", method: http.MethodPost, path: "/invoices/new", form: url.Values{"client_id": {w.clientID}, "due_date": {"2026-05-01"}}, status: http.StatusForbidden})
	member.visit(visit{name: "member edit line", method: http.MethodPost, path: "/invoices/" + id + "/items/" + line, form: url.Values{"description": {"x"}, "quantity": {"1"}, "unit_price": {"1"}}, status: http.StatusForbidden})
	member.visit(visit{name: "member void", method: http.MethodPost, path: "/invoices/" + id + "/void", status: http.StatusForbidden})
	if nav := member.get("/"); nav.doc.Find(`.sidebar a[href="/invoices"]`).Length() != 0 {
		t.Errorf("members see the invoices link")
	}

	// Another organization's owner.
	other := w.e.withOrg("Oscar Other", "oscar@example.com", "Other Co")
	for _, path := range []string{"/invoices/" + id, "/invoices/" + id + "/pdf", "/invoices/" + id + "/send"} {
		other.visit(visit{name: "other org GET", path: path, status: http.StatusNotFound})
	}
	for _, path := range []string{"/invoices/" + id + "/items", "/invoices/" + id + "/items/" + line, "/invoices/" + id + "/generate", "/invoices/" + id + "/mark-paid", "/invoices/" + id + "/delete", "/invoices/" + id + "/void", "/invoices/" + id + "/payments"} {
		other.visit(visit{name: "other org POST", method: http.MethodPost, path: path, form: url.Values{"description": {"x"}, "quantity": {"1"}, "unit_price": {"1"}}, status: http.StatusNotFound})
	}
	if p := other.get("/invoices"); p.has("invoice-row") {
		t.Errorf("other org lists our invoices")
	}
	other.visit(visit{name: "other org invoice for our client", method: http.MethodPost, path: "/invoices/new", form: url.Values{"client_id": {w.clientID}, "due_date": {"2099-05-01"}}, status: http.StatusUnprocessableEntity})
	var n int
	if err := w.e.db.Get(&n, `SELECT count(*) FROM invoices`); err != nil || n != 1 {
		t.Errorf("invoices = %d (%v)", n, err)
	}
}

func TestInvoicePage_VoidASentInvoice(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	b := w.owner
	w.billable(t, "Homepage", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 2*time.Hour)
	id := w.createInvoice(t, url.Values{"client_id": {w.clientID}, "project_id": {w.project.ID}, "issue_date": {"2026-03-31"}, "due_date": {"2099-04-30"}})
	b.get("/invoices/" + id)
	b.visit(visit{name: "generate", method: http.MethodPost, htmx: true, path: "/invoices/" + id + "/generate", form: url.Values{}, status: http.StatusOK})
	billed := func() int {
		var n int
		if err := w.e.db.Get(&n, `SELECT count(*) FROM time_entries WHERE invoice_id IS NOT NULL`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if billed() != 1 {
		t.Fatalf("billed entries = %d", billed())
	}
	if p := b.get("/invoices/" + id); p.has("invoice-void-form") || p.has("invoice-void-blocked") {
		t.Errorf("a draft offers void (it is deleted instead)")
	}
	b.get("/invoices/" + id + "/send")
	b.visit(visit{name: "send", method: http.MethodPost, path: "/invoices/" + id + "/send", form: url.Values{"to": {"billing@acme.test"}}, status: http.StatusSeeOther})

	// Sent, it can be voided; with a payment the button is disabled with its reason, and the action refuses.
	p := b.get("/invoices/" + id)
	if !p.has("invoice-void-form") || p.has("invoice-void-blocked") {
		t.Fatalf("a sent invoice does not offer void")
	}
	p = b.post("/invoices/"+id+"/payments", url.Values{"amount": {"50"}, "method": {"cash"}, "paid_at": {"2026-04-01"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("payment: %d %s", p.status, p.body)
	}
	p = b.get("/invoices/" + id)
	if p.has("invoice-void-form") || !strings.Contains(p.find(`[data-testid="invoice-void-blocked"]`), "Delete its payments first") {
		t.Fatalf("void with a payment: %s", p.find(`[data-testid="invoice-void-blocked"]`))
	}
	checkPage(t, "sent with a payment", p)
	if p = b.post("/invoices/"+id+"/void", nil); p.status != http.StatusSeeOther || p.location != "/invoices/"+id {
		t.Fatalf("refused void: %d %s", p.status, p.location)
	}
	p = b.get("/invoices/" + id)
	if !strings.Contains(p.find(`[data-testid="flash"]`), "The invoice has payments: refund or delete them before voiding it.") ||
		p.find(`[data-testid="invoice-status"]`) != "Sent" {
		t.Fatalf("refused void page: %q %q", p.find(`[data-testid="flash"]`), p.find(`[data-testid="invoice-status"]`))
	}
	if p = b.post(p.doc.Find(`[data-testid="payment-delete-form"]`).AttrOr("action", ""), nil); p.status != http.StatusSeeOther {
		t.Fatalf("delete payment: %d", p.status)
	}

	// The button, with its confirmation.
	p = b.get("/invoices/" + id)
	form := p.doc.Find(`form[data-testid="invoice-void-form"]`)
	if form.AttrOr("action", "") != "/invoices/"+id+"/void" || !strings.Contains(form.AttrOr("hx-confirm", ""), "Void INV-2026-0001?") || !p.has("invoice-void") {
		t.Fatalf("void form: %q %q", form.AttrOr("action", ""), form.AttrOr("hx-confirm", ""))
	}
	checkPage(t, "sent", p)
	p = b.htmx("/invoices/"+id+"/void", url.Values{})
	if p.status != http.StatusNoContent || p.header.Get("HX-Redirect") != "/invoices/"+id {
		t.Fatalf("void: %d %v", p.status, p.header)
	}
	if billed() != 0 {
		t.Errorf("the void invoice still bills %d entries", billed())
	}

	// The void page: VOID, nothing to pay, no actions but the PDF.
	p = b.get("/invoices/" + id)
	if p.find(`[data-testid="invoice-status"]`) != "Void" || !strings.Contains(p.find(`[data-testid="invoice-void-banner"]`), "VOID") ||
		p.find(`[data-testid="invoice-summary-balance"]`) != "Nothing, void" || p.find(`[data-testid="totals-balance"]`) != "Nothing, void" ||
		!strings.Contains(p.find(`[data-testid="flash"]`), "INV-2026-0001 is void.") || p.find(`[data-testid="invoice-number"]`) != "INV-2026-0001" {
		t.Fatalf("void page: %q %q", p.find(`[data-testid="invoice-status"]`), p.find(`[data-testid="invoice-summary-balance"]`))
	}
	for _, testid := range []string{"invoice-send", "invoice-mark-paid", "invoice-record-payment", "payment-form", "invoice-void-form", "invoice-void-blocked", "invoice-delete-form"} {
		if p.has(testid) {
			t.Errorf("a void invoice shows %s", testid)
		}
	}
	if !p.has("invoice-pdf") || !strings.Contains(p.find(`[data-testid="payments-empty"]`), "A void invoice takes no payments") {
		t.Errorf("void page: pdf link or payments text missing")
	}
	checkPage(t, "void", p)
	if p = b.post("/invoices/"+id+"/void", nil); p.status != http.StatusSeeOther {
		t.Fatalf("void twice: %d", p.status)
	}
	if p = b.get("/invoices/" + id); !strings.Contains(p.find(`[data-testid="flash"]`), "The invoice is already void.") {
		t.Errorf("void twice: %q", p.find(`[data-testid="flash"]`))
	}

	// The list's void tab, and the client's link: it says the invoice is void, with nothing to pay, and no longer
	// shows the invoice or offers its PDF.
	p = b.get("/invoices?status=void")
	if p.doc.Find(`[data-testid="invoice-row"].is-void`).Length() != 1 || p.doc.Find(`#inv-status-void[checked]`).Length() != 1 {
		t.Errorf("void tab: %d rows", p.doc.Find(`[data-testid="invoice-row"]`).Length())
	}
	anon := w.e.browser()
	publicPath := strings.TrimPrefix(w.e.store.InvoiceLink(id, 0), "http://trcr.test")
	p = anon.get(publicPath)
	if p.status != http.StatusOK || p.find(`[data-testid="public-invoice-status"]`) != "Void" || p.find(`[data-testid="public-void"]`) != "Nothing to pay" ||
		strings.Contains(p.body, "Amount due") || p.has("public-download-pdf") || p.has("public-line-items") || p.has("public-client-name") {
		t.Fatalf("public page of a void invoice: %d %s", p.status, p.body)
	}
	checkPage(t, "public void", p)
	anon.visit(visit{name: "public PDF of a void invoice", path: strings.Replace(publicPath, "?sig=", "/pdf?sig=", 1), status: http.StatusNotFound})

	// The released time is billed by the next invoice.
	next := w.createInvoice(t, url.Values{"client_id": {w.clientID}, "project_id": {w.project.ID}, "issue_date": {"2026-04-01"}, "due_date": {"2099-04-30"}})
	b.get("/invoices/" + next)
	if p := b.htmx("/invoices/"+next+"/generate", url.Values{}); p.status != http.StatusOK || !strings.Contains(p.find(`[data-testid="generate-result"]`), "Billed 1 time entry") {
		t.Fatalf("billing the released time: %d %q", p.status, p.find(`[data-testid="generate-result"]`))
	}
}

func TestInvoicePage_AmountsAreTypedInTheInvoiceCurrencyAndMembersGet403First(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	b := w.owner
	id := w.createInvoice(t, url.Values{"client_id": {w.clientID}, "issue_date": {"2026-03-01"}, "due_date": {"2099-03-31"}, "currency": {"JPY"}})
	b.get("/invoices/" + id)
	p := b.htmx("/invoices/"+id+"/items", url.Values{"description": {"Translation"}, "quantity": {"2"}, "unit_price": {"1,500"}})
	if p.status != http.StatusOK || p.find(`#invoice-totals [data-testid="totals-total"]`) != "3,000 JPY" {
		t.Fatalf("yen line: %d %s", p.status, p.body)
	}
	line := p.doc.Find(`form[data-testid="line-item"]`).AttrOr("data-line-id", "")
	p = b.htmx("/invoices/"+id+"/items", url.Values{"description": {"Extra"}, "quantity": {"1"}, "unit_price": {"12.5"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.find("#li-add-price-error"), "Unit price must be a whole amount") {
		t.Fatalf("decimals in yen: %d %q", p.status, p.find("#li-add-price-error"))
	}
	p = b.htmx("/invoices/"+id+"/items/"+line, url.Values{"description": {"Translation"}, "quantity": {"2"}, "unit_price": {""}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Unit price is required.") {
		t.Fatalf("blank price on update: %d %s", p.status, p.body)
	}
	b.get("/invoices/" + id + "/send")
	b.visit(visit{name: "send", method: http.MethodPost, path: "/invoices/" + id + "/send", form: url.Values{"to": {"billing@acme.test"}}, status: http.StatusSeeOther})
	b.get("/invoices/" + id)
	p = b.htmx("/invoices/"+id+"/payments", url.Values{"amount": {"0"}, "method": {"cash"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.find("#pay-amount-error"), "Amount must be more than 0") {
		t.Fatalf("zero payment: %d %q", p.status, p.find("#pay-amount-error"))
	}
	if p = b.post("/invoices/"+id+"/payments", url.Values{"amount": {"1,000"}, "method": {"cash"}}); p.status != http.StatusSeeOther {
		t.Fatalf("payment: %d %s", p.status, p.body)
	}
	if p = b.get("/invoices/" + id); !strings.Contains(p.find(`[data-testid="flash"]`), "Payment of 1,000 JPY recorded.") ||
		p.find(`[data-testid="invoice-summary-balance"]`) != "2,000 JPY" {
		t.Errorf("after payment: %q %q", p.find(`[data-testid="flash"]`), p.find(`[data-testid="invoice-summary-balance"]`))
	}

	// A member who types an invalid amount is told they may not act, not how to type it.
	member := w.e.join(w.owner, "Mia Member", "mia@example.com", "member")
	draft := w.draft(t)
	for path, form := range map[string]url.Values{
		"/invoices/" + draft + "/items":      {"description": {"x"}, "quantity": {"1"}, "unit_price": {"12.345"}},
		"/invoices/" + id + "/items/" + line: {"description": {"x"}, "quantity": {"1"}, "unit_price": {"abc"}},
		"/invoices/" + id + "/payments":      {"amount": {"-5"}},
	} {
		member.visit(visit{name: "member htmx POST", method: http.MethodPost, htmx: true, path: path, form: form, status: http.StatusForbidden})
		member.visit(visit{name: "member POST", method: http.MethodPost, path: path, form: form, status: http.StatusForbidden})
	}
	var n int
	if err := w.e.db.Get(&n, `SELECT count(*) FROM invoice_line_items`); err != nil || n != 1 {
		t.Errorf("line items = %d (%v)", n, err)
	}
}
