package views

import (
	"net/url"
	"time"

	"github.com/trcr/trcr/store/vocab"
)

// View models of the invoice pages (invoices.templ) and the public invoice page (public_invoice.templ). Money is
// in minor units of the invoice's currency; percentages and quantities are decimal text ("21", "1.5").

// Invoice statuses as shown (aliases kept for existing callers; new code uses vocab); overdue is a sent invoice
// past its due date.
const (
	InvoiceDraft   = vocab.InvoiceDraft
	InvoiceSent    = vocab.InvoiceSent
	InvoiceOverdue = vocab.InvoiceOverdue
	InvoicePaid    = vocab.InvoicePaid
	InvoiceVoid    = vocab.InvoiceVoid
)

// InvoiceStatusTabs are the tabs of the invoice list, in order; "" is All.
var InvoiceStatusTabs = append([]Option{{Value: "", Label: "All"}}, termOptions(vocab.InvoiceStatuses)...)

// ---------------------------------------------------------------------------
// List

// InvoiceListView is GET /invoices?status=&client_id=&from=&to=&page=.
type InvoiceListView struct {
	Invoices   []InvoiceRow
	Filter     InvoiceListFilter
	Clients    []Option
	Pagination Pagination
	// Error explains a filter the server could not apply (e.g. a range that ends before it starts).
	Error string
	// Counts are the organization's invoices by status ("" is all); Outstanding and Overdue the unpaid balances,
	// in Currency.
	Counts               map[string]int
	Currency             string
	Outstanding, Overdue int64
}

// InvoiceListFilter is the list's query; From and To are YYYY-MM-DD on the issue date.
type InvoiceListFilter struct {
	Status   string
	ClientID string
	From     string
	To       string
}

// Active reports whether anything narrows the list.
func (f InvoiceListFilter) Active() bool {
	return f.Status != "" || f.ClientID != "" || f.From != "" || f.To != ""
}

// Query is the filter as URL parameters (empty ones left out).
func (f InvoiceListFilter) Query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"status": f.Status, "client_id": f.ClientID, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// InvoiceRow is one row of the invoice list.
type InvoiceRow struct {
	ID         string
	Number     string
	ClientID   string
	ClientName string
	IssueDate  string
	DueDate    string
	Status     string
	Currency   string
	Total      int64
	Balance    int64
}

// ---------------------------------------------------------------------------
// Create

// InvoiceForm is the new-invoice form. Errors keys: client_id, project_id, issue_date, due_date, currency,
// tax_rate, discount, notes.
type InvoiceForm struct {
	ClientID  string
	ProjectID string
	IssueDate string
	DueDate   string
	// Currency is empty for the default: the client's currency, else the organization's (DefaultCurrency).
	Currency        string
	DefaultCurrency string
	// DefaultFrom says where DefaultCurrency comes from: "client" or "organization".
	DefaultFrom string
	TaxRate     string
	Discount    string
	Notes       string
	Clients     []Option
	// Projects are the chosen client's projects.
	Projects []Option
	Errors   map[string]string
	Error    string
}

// ---------------------------------------------------------------------------
// Invoice page

// InvoiceView is GET /invoices/:id.
type InvoiceView struct {
	ID          string
	Number      string
	Status      string
	ClientID    string
	ClientName  string
	ClientEmail string
	ProjectName string
	IssueDate   string
	DueDate     string
	Currency    string
	Notes       string
	SentAt      *time.Time
	PaidAt      *time.Time
	// PublicLink is the signed link that opens the invoice without an account; set once it is sent.
	PublicLink string
	Items      []InvoiceLineRow
	Totals     InvoiceTotalsView
	Payments   []InvoicePaymentRow
	Details    InvoiceDetailsForm
	NewItem    InvoiceLineForm
	Generate   InvoiceGenerateForm
	Payment    InvoicePaymentForm
	MarkPaid   InvoiceMarkPaidForm
	Now        time.Time
}

// Editable reports whether the invoice is a draft, whose lines and details can change.
func (v InvoiceView) Editable() bool { return v.Status == InvoiceDraft }

// CanSend reports whether the invoice can be sent (again).
func (v InvoiceView) CanSend() bool {
	return v.Status == InvoiceDraft || v.Status == InvoiceSent || v.Status == InvoiceOverdue
}

// CanVoid reports whether the invoice can be voided: a sent (or overdue) invoice without payments. A draft is
// deleted instead.
func (v InvoiceView) CanVoid() bool {
	return (v.Status == InvoiceSent || v.Status == InvoiceOverdue) && len(v.Payments) == 0 && v.Totals.AmountPaid == 0
}

// VoidNeedsRefund reports whether the invoice could be voided but for its payments, which must be deleted first.
func (v InvoiceView) VoidNeedsRefund() bool {
	return (v.Status == InvoiceSent || v.Status == InvoiceOverdue) && !v.CanVoid()
}

// TakesPayments reports whether payments can be recorded against the invoice.
func (v InvoiceView) TakesPayments() bool {
	return (v.Status == InvoiceSent || v.Status == InvoiceOverdue) && v.Totals.Balance > 0
}

// InvoiceTotalsView is the totals block; it is re-rendered out of band when lines change.
type InvoiceTotalsView struct {
	InvoiceID      string
	Currency       string
	Subtotal       int64
	Discount       string // percent
	DiscountAmount int64
	TaxRate        string // percent
	TaxAmount      int64
	Total          int64
	AmountPaid     int64
	Balance        int64
	Status         string
	DueDate        string
	ItemCount      int
}

// InvoiceLineRow is one editable (or read-only) line. Errors keys: description, quantity, unit_price.
type InvoiceLineRow struct {
	ID          string
	InvoiceID   string
	Description string
	Quantity    string
	// UnitPrice is the price in major units as typed or formatted ("85.00"); UnitPriceAmount the stored price in
	// minor units, for read-only rows.
	UnitPrice       string
	UnitPriceAmount int64
	Amount          int64
	Currency        string
	// Entries is the number of time entries the line bills.
	Entries  int
	Editable bool
	Errors   map[string]string
	Error    string
	Saved    bool
}

// InvoiceLineForm adds a line. Errors keys: description, quantity, unit_price.
type InvoiceLineForm struct {
	InvoiceID   string
	Currency    string
	Description string
	Quantity    string
	UnitPrice   string
	Errors      map[string]string
	Error       string
}

// InvoiceDetailsForm edits a draft's dates, currency, tax, discount and notes.
type InvoiceDetailsForm struct {
	InvoiceID string
	IssueDate string
	DueDate   string
	Currency  string
	TaxRate   string
	Discount  string
	Notes     string
	Editable  bool
	Errors    map[string]string
	Error     string
	Saved     bool
}

// InvoiceGenerateForm bills unbilled time: From and To are optional YYYY-MM-DD. Known lists the ids of the lines the
// page showed, so that the answer can tell the lines the generation added.
type InvoiceGenerateForm struct {
	InvoiceID string
	From      string
	To        string
	Known     string
	// Scope names what is billed: the invoice's project, or all of the client's projects.
	Scope  string
	Errors map[string]string
	Error  string
	Result *InvoiceGenerateResult
}

// InvoiceGenerateResult is what a generation billed.
type InvoiceGenerateResult struct {
	Entries int
	Lines   int
	Hours   string
}

// InvoicePaymentRow is one payment of the invoice.
type InvoicePaymentRow struct {
	ID       string
	Amount   int64
	Currency string
	Method   string
	PaidAt   time.Time
	Notes    string
}

// InvoicePaymentForm records a payment. Amount is in major units. Errors keys: amount, method, paid_at, notes.
type InvoicePaymentForm struct {
	InvoiceID string
	Currency  string
	Amount    string
	Method    string
	PaidAt    string
	Notes     string
	Errors    map[string]string
	Error     string
}

// InvoiceMarkPaidForm marks the invoice paid (a payment of the balance). Errors keys: paid_at, payment_method.
type InvoiceMarkPaidForm struct {
	InvoiceID string
	PaidAt    string
	Method    string
	Errors    map[string]string
	Error     string
}

// SendInvoiceView is GET /invoices/:id/send.
type SendInvoiceView struct {
	InvoiceID  string
	Number     string
	Status     string
	ClientName string
	Total      int64
	Balance    int64
	Currency   string
	DueDate    string
	ItemCount  int
	// Contacts are the client's addresses offered as recipients.
	Contacts []Option
	Form     SendInvoiceForm
	// Unverified replaces the form with a request to verify the user's email address.
	Unverified bool
}

// SendInvoiceForm sends the invoice. To is one address per line (commas work too). Errors keys: to, message.
type SendInvoiceForm struct {
	InvoiceID string
	To        string
	Message   string
	Errors    map[string]string
	Error     string
}

// ---------------------------------------------------------------------------
// Public page

// PublicInvoiceView is GET /i/:id?sig=… for a client without an account.
type PublicInvoiceView struct {
	Number     string
	Status     string
	IssueDate  string
	DueDate    string
	Currency   string
	Notes      string
	OrgName    string
	OrgLogoURL string
	OrgLines   []string
	// PaymentInstructions and Footer are the organization's, printed below the totals.
	PaymentInstructions string
	Footer              string
	ClientName          string
	ClientLines         []string
	Items               []InvoiceLineRow
	Totals              InvoiceTotalsView
	PaidAt              *time.Time
	// PDFURL is the signed link of the PDF.
	PDFURL string
}

// ---------------------------------------------------------------------------
// Helpers of the invoice templates

// invPath is /invoices/{id}/{parts…}.
func invPath(id string, parts ...string) string {
	p := "/invoices/" + url.PathEscape(id)
	for _, s := range parts {
		p += "/" + url.PathEscape(s)
	}
	return p
}

func invItemPath(invoiceID, itemID string) string { return invPath(invoiceID, "items", itemID) }

func invStatusLabel(s string) string { return termLabel(vocab.InvoiceStatuses, s) }

func invStatusTone(s string) string {
	switch s {
	case InvoiceSent:
		return "badge--info"
	case InvoiceOverdue:
		return "badge--danger"
	case InvoicePaid:
		return "badge--success"
	}
	return "badge--neutral"
}

// pubDueLabel names the public page's amount block: what is due, or that nothing is.
func pubDueLabel(status string) string {
	switch status {
	case InvoicePaid:
		return "Payment"
	case InvoiceVoid:
		return "Void invoice"
	}
	return "Amount due"
}

func invMethodLabel(m string) string { return termLabel(vocab.PaymentMethods, m) }

func invTabID(status string) string { return "inv-status-" + orDefault(status, "all") }

// invPercent shows a percentage ("21" → "21%").
func invPercent(p string) string {
	if p == "" {
		p = "0"
	}
	return p + "%"
}

func invHasPercent(p string) bool { return p != "" && p != "0" }

func invErrs(errs map[string]string) bool { return len(errs) > 0 }

func invCurrencyDefaultLabel(f InvoiceForm) string {
	if f.DefaultCurrency == "" {
		return "Client's or organization's currency"
	}
	if f.DefaultFrom == "client" {
		return f.DefaultCurrency + " — the client's currency"
	}
	return f.DefaultCurrency + " — the organization's currency"
}
