package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// The invoice list counts each tab, sums what is outstanding and overdue, and orders invoices of one date by
// number, whatever order they were stored in.
func TestInvoiceList_TabCountsTotalsAndNumbersWithinADate(t *testing.T) {
	w := newInvoiceTeam(t)
	b := w.owner
	overdue := w.createInvoice(t, url.Values{"client_id": {w.clientID}, "issue_date": {"2026-01-05"}, "due_date": {"2026-01-20"}})
	w.addLine(t, overdue, "January", "1", "300")
	sent := w.createInvoice(t, url.Values{"client_id": {w.clientID}, "issue_date": {"2026-01-05"}, "due_date": {"2099-01-20"}})
	w.addLine(t, sent, "Retainer", "1", "200")
	w.createInvoice(t, url.Values{"client_id": {w.clientID}, "issue_date": {"2026-01-05"}, "due_date": {"2099-01-20"}}) // a draft
	for _, id := range []string{overdue, sent} {
		b.get("/invoices/" + id + "/send")
		if p := b.post("/invoices/"+id+"/send", url.Values{"to": {"billing@acme.test"}}); p.status != http.StatusSeeOther {
			t.Fatalf("send: %d", p.status)
		}
	}
	// Stored in one instant, as a bulk import does: only the number can order them.
	w.e.db.MustExec(`UPDATE invoices SET created_at = '2026-01-05T10:00:00Z'`)

	p := b.get("/invoices")
	if p.status != http.StatusOK {
		t.Fatalf("list: %d", p.status)
	}
	counts := map[string]string{}
	for _, tab := range []string{"all", "draft", "sent", "overdue", "paid", "void"} {
		counts[tab] = p.doc.Find(`[data-testid="invoice-tab-` + tab + `"] [data-testid="invoice-tab-count"]`).Text()
	}
	if want := map[string]string{"all": "3", "draft": "1", "sent": "1", "overdue": "1", "paid": "0", "void": "0"}; !sameStrings(counts, want) {
		t.Errorf("tab counts %v, want %v", counts, want)
	}
	if got := p.text("invoices-outstanding"); got != "500.00 EUR" {
		t.Errorf("outstanding %q", got)
	}
	if got := p.text("invoices-overdue"); got != "300.00 EUR" {
		t.Errorf("overdue %q", got)
	}
	var numbers []string
	p.doc.Find(`[data-testid="invoice-row"]`).Each(func(_ int, s *goquery.Selection) {
		numbers = append(numbers, strings.TrimSpace(s.Find(`[data-testid="invoice-link"]`).Text()))
	})
	if strings.Join(numbers, ",") != "INV-2026-0003,INV-2026-0002,INV-2026-0001" {
		t.Errorf("order within a date %v", numbers)
	}
}

// The client list shows owners and admins each client's open balance and unbilled time; members see neither.
func TestClientList_OpenBalanceAndUnbilledTime(t *testing.T) {
	w := newInvoiceTeam(t)
	b := w.owner
	w.billable(t, "Design", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 150*time.Minute)
	id := w.createInvoice(t, url.Values{"client_id": {w.clientID}, "issue_date": {"2026-01-05"}, "due_date": {"2099-01-20"}})
	w.addLine(t, id, "Retainer", "1", "1250")
	b.get("/invoices/" + id + "/send")
	b.post("/invoices/"+id+"/send", url.Values{"to": {"billing@acme.test"}})

	p := b.get("/clients")
	if got := p.text("client-open-balance"); got != "1,250.00 EUR" {
		t.Errorf("open balance %q", got)
	}
	if got := p.text("client-unbilled"); got != "2:30" {
		t.Errorf("unbilled %q", got)
	}
	if m := w.e.join(w.owner, "Mia Member", "mia@example.com", "member").get("/clients"); m.status != http.StatusOK || m.has("client-open-balance") || m.has("client-unbilled") {
		t.Errorf("a member sees billing figures: %d", m.status)
	}
}

func sameStrings(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
