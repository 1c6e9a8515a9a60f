package api_test

import (
	"strings"
	"testing"
)

// The organization's invoicing identity lives in its settings: typed prefix and terms are checked, the prefix
// numbers new invoices, and the PDF prints the legal name, payment instructions and footer.
func TestOrganizations_InvoicingIdentity(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.e
	path := "/organizations/" + w.org
	r := e.must(200, req{method: "PUT", path: path, token: w.admin.token, body: map[string]any{"settings": map[string]any{
		"legal_name": "Acme Studio Ltd", "address": "1 Main Street", "email": "billing@acme.example", "tax_id": "GB123",
		"payment_instructions": "IBAN GB00 1234 5678", "invoice_prefix": "ACME", "payment_terms_days": 14,
		"invoice_footer": "Registered in England, no. 42",
	}}})
	s := r.json["settings"].(map[string]any)
	if s["legal_name"] != "Acme Studio Ltd" || s["invoice_prefix"] != "ACME" || s["payment_terms_days"] != 14.0 ||
		s["payment_instructions"] != "IBAN GB00 1234 5678" || s["invoice_footer"] != "Registered in England, no. 42" {
		t.Fatalf("update: %s", r.raw)
	}

	bad := []map[string]any{
		{"invoice_prefix": ""}, {"invoice_prefix": "-X"}, {"invoice_prefix": "WAY-TOO-LONG-PREFIX"}, {"invoice_prefix": "A B"},
		{"invoice_prefix": 7}, {"payment_terms_days": -1}, {"payment_terms_days": 366}, {"payment_terms_days": 1.5},
		{"payment_terms_days": "30"}, {"legal_name": strings.Repeat("x", 1001)}, {"invoice_footer": 3},
	}
	for _, b := range bad {
		e.must(400, req{method: "PUT", path: path, token: w.admin.token, body: map[string]any{"settings": b}})
	}
	e.must(403, req{method: "PUT", path: path, token: w.member.token, body: map[string]any{"settings": map[string]any{"invoice_prefix": "X"}}})
	e.must(404, req{method: "PUT", path: "/organizations/" + w.strangerOrg, token: w.admin.token,
		body: map[string]any{"settings": map[string]any{"invoice_prefix": "X"}}})
	got := e.must(200, req{method: "GET", path: path, token: w.member.token}).json["settings"].(map[string]any)
	if got["invoice_prefix"] != "ACME" || got["payment_terms_days"] != 14.0 {
		t.Fatalf("refused updates changed the settings: %v", got)
	}

	inv := w.createInvoice(map[string]any{"issue_date": "2026-04-01", "due_date": "2026-04-15", "notes": "Thanks"})
	if inv.str("number") != "ACME-2026-0001" {
		t.Fatalf("number: %s", inv.raw)
	}
	text := apiPDFText(t, e.must(200, w.as(w.owner, "GET", "/invoices/"+inv.str("id")+"/pdf", nil)).raw)
	for _, want := range []string{"Acme Studio Ltd", "1 Main Street", "billing@acme.example", "GB123", "IBAN GB00 1234 5678", "Registered in England, no. 42"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q:\n%s", want, text)
		}
	}
	// Clearing the prefix goes back to the default.
	e.must(200, req{method: "PUT", path: path, token: w.admin.token, body: map[string]any{"settings": map[string]any{"invoice_prefix": nil}}})
	if n := w.createInvoice(map[string]any{"issue_date": "2026-04-02"}).str("number"); n != "INV-2026-0002" {
		t.Fatalf("number after clearing the prefix: %s", n)
	}
}
