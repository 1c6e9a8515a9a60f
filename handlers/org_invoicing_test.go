package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The invoicing section of the organization's settings saves the identity, refuses a bad prefix or term with its
// message in place, and the terms set a new invoice's proposed due date.
func TestOrgSettings_InvoicingIdentity(t *testing.T) {
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Acme")
	page := owner.get("/settings/organization")
	checkPage(t, "settings", page)
	if got := page.doc.Find(`[data-testid="invoicing-prefix"]`).AttrOr("value", ""); got != "INV" {
		t.Fatalf("default prefix = %q", got)
	}
	form := url.Values{"legal_name": {"Acme Ltd"}, "address": {"1 Main St\nSpringfield"}, "email": {"billing@acme.example"},
		"tax_id": {"GB1"}, "payment_instructions": {"IBAN GB00"}, "invoice_prefix": {"AC"}, "payment_terms_days": {"14"},
		"invoice_footer": {"Thanks"}}
	if p := owner.post("/settings/organization/invoicing", form); p.status != http.StatusOK {
		t.Fatalf("save: %d %s", p.status, p.body)
	}
	var settings string
	if err := e.db.Get(&settings, `SELECT settings::text FROM organizations WHERE name = 'Acme'`); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"legal_name": "Acme Ltd"`, `"invoice_prefix": "AC"`, `"payment_terms_days": 14`, `"invoice_footer": "Thanks"`} {
		if !strings.Contains(settings, want) {
			t.Fatalf("settings %s lack %s", settings, want)
		}
	}
	for field, value := range map[string]string{"invoice_prefix": "A B", "payment_terms_days": "forty"} {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set(field, value)
		p := owner.post("/settings/organization/invoicing", bad)
		if p.status != http.StatusUnprocessableEntity || p.fieldError(field) == "" {
			t.Fatalf("%s=%q: %d %q", field, value, p.status, p.fieldError(field))
		}
	}
	clCreate(t, e, owner, url.Values{"name": {"Globex"}})
	inv := owner.get("/invoices/new")
	due := inv.doc.Find(`[name="due_date"]`).AttrOr("value", "")
	issue := inv.doc.Find(`[name="issue_date"]`).AttrOr("value", "")
	d1, err1 := time.Parse("2006-01-02", issue)
	d2, err2 := time.Parse("2006-01-02", due)
	if err1 != nil || err2 != nil || d2.Sub(d1) != 14*24*time.Hour {
		t.Fatalf("issue %q due %q: want 14 days of terms", issue, due)
	}
	member := e.join(owner, "Mel Member", "mel@example.com", "member")
	if p := member.post("/settings/organization/invoicing", form); p.status != http.StatusForbidden {
		t.Fatalf("member: %d", p.status)
	}
}
