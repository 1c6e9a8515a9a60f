package store

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// An organization's invoicing identity lives in its settings object, beside the address, email, phone, tax_id
// and website it already printed on invoices: legal_name (printed instead of the name when set),
// payment_instructions and invoice_footer (printed below the totals), invoice_prefix (INV in INV-2026-0001) and
// payment_terms_days (how far after the issue date a new invoice falls due, for the form to propose).

// DefaultInvoicePrefix and DefaultPaymentTermsDays apply while the organization has not set its own.
const (
	DefaultInvoicePrefix    = "INV"
	DefaultPaymentTermsDays = 30
	maxPaymentTermsDays     = 365
)

var invoicePrefixPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,11}$`)

// validateInvoicingSettings checks the typed invoicing settings present in in and puts them into extra
// (nil for null, which clears one).
func validateInvoicingSettings(v *validator, in, extra map[string]any) {
	if raw, ok := in["invoice_prefix"]; ok {
		switch val := raw.(type) {
		case nil:
			extra["invoice_prefix"] = nil
		case string:
			val = strings.TrimSpace(val)
			v.check(invoicePrefixPattern.MatchString(val), "settings.invoice_prefix",
				"settings.invoice_prefix must be 1 to 12 letters, digits or dashes, starting with a letter or digit")
			extra["invoice_prefix"] = val
		default:
			v.add("settings.invoice_prefix", "settings.invoice_prefix must be a string")
		}
	}
	if raw, ok := in["payment_terms_days"]; ok {
		msg := fmt.Sprintf("settings.payment_terms_days must be a whole number of days from 0 to %d", maxPaymentTermsDays)
		switch val := raw.(type) {
		case nil:
			extra["payment_terms_days"] = nil
		case float64:
			v.check(val == float64(int(val)) && val >= 0 && val <= maxPaymentTermsDays, "settings.payment_terms_days", msg)
			extra["payment_terms_days"] = int(val)
		case int:
			v.check(val >= 0 && val <= maxPaymentTermsDays, "settings.payment_terms_days", msg)
			extra["payment_terms_days"] = val
		default:
			v.add("settings.payment_terms_days", msg)
		}
	}
}

// InvoicingIdentity is how an organization presents itself on invoices, read from its settings.
type InvoicingIdentity struct {
	LegalName           string
	Address             string
	Email               string // the billing email
	Phone               string
	Website             string
	TaxID               string
	PaymentInstructions string
	Footer              string
	Prefix              string
	PaymentTermsDays    int
}

// invoicingIdentity reads the identity from an organization's settings JSON, with the defaults.
func invoicingIdentity(settings []byte) InvoicingIdentity {
	var m map[string]any
	_ = json.Unmarshal(settings, &m)
	text := func(k string) string { s, _ := m[k].(string); return strings.TrimSpace(s) }
	id := InvoicingIdentity{
		LegalName: text("legal_name"), Address: text("address"), Email: text("email"), Phone: text("phone"),
		Website: text("website"), TaxID: text("tax_id"), PaymentInstructions: text("payment_instructions"),
		Footer: text("invoice_footer"), Prefix: text("invoice_prefix"), PaymentTermsDays: DefaultPaymentTermsDays,
	}
	if id.Prefix == "" {
		id.Prefix = DefaultInvoicePrefix
	}
	if n, ok := m["payment_terms_days"].(float64); ok && n >= 0 && n <= maxPaymentTermsDays {
		id.PaymentTermsDays = int(n)
	}
	return id
}

// printedName is the name an invoice is from: the legal name when there is one.
func (id InvoicingIdentity) printedName(orgName string) string {
	if id.LegalName != "" {
		return id.LegalName
	}
	return orgName
}
