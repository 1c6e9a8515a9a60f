package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/vocab"
)

// Invoice statuses (aliases kept for existing callers; new code uses vocab). overdue is never stored: a sent
// invoice whose due date is before today, in the organization's timezone, reads overdue.
const (
	InvoiceDraft   = vocab.InvoiceDraft
	InvoiceSent    = vocab.InvoiceSent
	InvoiceOverdue = vocab.InvoiceOverdue
	InvoicePaid    = vocab.InvoicePaid
	InvoiceVoid    = vocab.InvoiceVoid
)

// Invoice is an invoice with its line items and totals. Money is in cents of Currency; tax_rate and discount
// are percentages.
type Invoice struct {
	ID             string            `db:"id" json:"id"`
	OrganizationID string            `db:"organization_id" json:"organization_id"`
	Number         string            `db:"number" json:"number"`
	ClientID       string            `db:"client_id" json:"client_id"`
	ProjectID      *string           `db:"project_id" json:"project_id"`
	Status         string            `db:"status" json:"status"`
	StoredStatus   string            `db:"stored_status" json:"-"`
	IssueDate      string            `db:"issue_date" json:"issue_date"`
	DueDate        string            `db:"due_date" json:"due_date"`
	Currency       string            `db:"currency" json:"currency"`
	Notes          string            `db:"notes" json:"notes"`
	TaxRate        Decimal4          `db:"tax_rate" json:"tax_rate"`
	Discount       Decimal4          `db:"discount" json:"discount"`
	LineItems      []InvoiceLineItem `db:"-" json:"line_items"`
	Subtotal       int64             `db:"subtotal" json:"subtotal"`
	DiscountAmount int64             `db:"discount_amount" json:"discount_amount"`
	TaxAmount      int64             `db:"tax_amount" json:"tax_amount"`
	Total          int64             `db:"total" json:"total"`
	AmountPaid     int64             `db:"amount_paid" json:"amount_paid"`
	Balance        int64             `db:"balance" json:"balance"`
	SentAt         *time.Time        `db:"sent_at" json:"sent_at"`
	PaidAt         *time.Time        `db:"paid_at" json:"paid_at"`
	CreatedAt      time.Time         `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time         `db:"updated_at" json:"updated_at"`
	// PublicLinkVersion signs the invoice's public link (InvoiceLink); rotating it revokes the links given out.
	PublicLinkVersion int `db:"public_link_version" json:"-"`
}

// invoiceSelect is the column list of an invoice read; today is the placeholder of the organization's current
// date, against which a sent invoice reads overdue. A void invoice has nothing left to pay: its balance is 0.
func invoiceSelect(today string) string {
	return `i.id, i.organization_id, i.number, i.client_id, i.project_id,
		CASE WHEN i.status = 'sent' AND i.due_date < ` + today + `::date THEN 'overdue' ELSE i.status END AS status,
		i.status AS stored_status, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date,
		to_char(i.due_date, 'YYYY-MM-DD') AS due_date, i.currency, i.notes, i.tax_rate::text AS tax_rate,
		i.discount::text AS discount, i.subtotal, i.discount_amount, i.tax_amount, i.total, i.amount_paid,
		CASE WHEN i.status = 'void' THEN 0 ELSE i.total - i.amount_paid END AS balance, i.public_link_version,
		i.sent_at, i.paid_at, i.created_at, i.updated_at`
}

// billingOrg is what invoices need to know about their organization.
type billingOrg struct {
	Name     string  `db:"name"`
	Timezone string  `db:"timezone"`
	Currency string  `db:"currency"`
	Settings []byte  `db:"settings"`
	LogoKey  *string `db:"logo_key"`
}

func loadBillingOrg(ctx context.Context, q sqlx.QueryerContext, orgID string) (billingOrg, error) {
	var o billingOrg
	err := sqlx.GetContext(ctx, q, &o, `SELECT name, timezone, currency, settings, logo_key FROM organizations WHERE id = $1`, orgID)
	return o, notFoundIfNoRows(err, "organization")
}

func (o billingOrg) location() *time.Location {
	loc, err := time.LoadLocation(o.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// today is the organization's current calendar date.
func (s *Store) orgToday(o billingOrg) string { return s.now().In(o.location()).Format("2006-01-02") }

// invoiceToday reads the organization's current date in one query, for reads that need nothing else from it.
func (s *Store) invoiceToday(ctx context.Context, q sqlx.QueryerContext, orgID string) (string, error) {
	o, err := loadBillingOrg(ctx, q, orgID)
	if err != nil {
		return "", err
	}
	return s.orgToday(o), nil
}

// getInvoice reads one invoice of the actor's organization, without its line items; lock takes a row lock.
func getInvoice(ctx context.Context, q sqlx.QueryerContext, a Actor, id, today string, lock bool) (Invoice, error) {
	var inv Invoice
	if !validID(id) {
		return inv, fmt.Errorf("invoice: %w", ErrNotFound)
	}
	sql := `SELECT ` + invoiceSelect("$3") + ` FROM invoices i WHERE i.id = $1 AND i.organization_id = $2`
	if lock {
		sql += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &inv, sql, id, a.OrgID, today)
	return inv, notFoundIfNoRows(err, "invoice")
}

// loadInvoice reads one invoice with its line items.
func (s *Store) loadInvoice(ctx context.Context, q sqlx.QueryerContext, a Actor, id, today string) (Invoice, error) {
	inv, err := getInvoice(ctx, q, a, id, today, false)
	if err != nil {
		return inv, err
	}
	list := []Invoice{inv}
	if err := attachLineItems(ctx, q, list); err != nil {
		return inv, err
	}
	return list[0], nil
}

// lockDraftInvoice locks an invoice for a change that only drafts allow.
// lockInvoice is the prologue of the use cases that change one invoice: the organization's today (which decides
// overdue) and the invoice, locked for the rest of the transaction.
func (s *Store) lockInvoice(ctx context.Context, tx *sqlx.Tx, a Actor, id string) (Invoice, string, error) {
	today, err := s.invoiceToday(ctx, tx, a.OrgID)
	if err != nil {
		return Invoice{}, "", err
	}
	inv, err := getInvoice(ctx, tx, a, id, today, true)
	return inv, today, err
}

func lockDraftInvoice(ctx context.Context, tx *sqlx.Tx, a Actor, id, today string) (Invoice, error) {
	inv, err := getInvoice(ctx, tx, a, id, today, true)
	if err != nil {
		return inv, err
	}
	if inv.StoredStatus != InvoiceDraft {
		return inv, conflict("only draft invoices can be edited")
	}
	return inv, nil
}

// InvoiceFilter narrows GET /invoices.
type InvoiceFilter struct {
	ClientID string
	Status   string
	From, To string // on issue_date, inclusive days; datetimes count by their day in the caller's timezone
	Page     Page
}

var invoiceStatuses = []string{InvoiceDraft, InvoiceSent, InvoicePaid, InvoiceOverdue, InvoiceVoid}

// Invoices lists the organization's invoices, newest first. Owners and admins only.
func (s *Store) Invoices(ctx context.Context, a Actor, f InvoiceFilter) (List[Invoice], error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return List[Invoice]{}, err
	}
	today, err := s.invoiceToday(ctx, s.db, a.OrgID)
	if err != nil {
		return List[Invoice]{}, err
	}
	var v validator
	q := newQuery("i.organization_id = $1", a.OrgID)
	if f.ClientID != "" {
		if !validID(f.ClientID) {
			v.add("client_id", "client_id must be a valid id")
		} else {
			q.where("i.client_id = ?", f.ClientID)
		}
	}
	switch f.Status {
	case "":
	case InvoiceOverdue:
		q.where("i.status = 'sent' AND i.due_date < ?::date", today)
	case InvoiceSent:
		q.where("i.status = 'sent' AND i.due_date >= ?::date", today)
	case InvoiceDraft, InvoicePaid, InvoiceVoid:
		q.where("i.status = ?", f.Status)
	default:
		v.add("status", "status must be one of "+strings.Join(invoiceStatuses, ", "))
	}
	loc, err := s.userLocation(ctx, a.UserID)
	if err != nil {
		return List[Invoice]{}, err
	}
	from, to := parseRange(&v, f.From, f.To, loc)
	if !from.IsZero() {
		q.where("i.issue_date >= ?::date", from.In(loc).Format("2006-01-02"))
	}
	if !to.IsZero() {
		// to is exclusive: the last day included is the one of the instant just before it.
		q.where("i.issue_date <= ?::date", to.Add(-time.Nanosecond).In(loc).Format("2006-01-02"))
	}
	if err := v.err(); err != nil {
		return List[Invoice]{}, err
	}
	out := List[Invoice]{Page: f.Page.Number(), PerPage: f.Page.Size()}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM invoices i WHERE `+q.cond(), q.args...); err != nil {
		return out, fmt.Errorf("invoices: %w", err)
	}
	todayPH := q.arg(today) // after the count, which does not use it
	rows := []Invoice{}
	err = s.db.SelectContext(ctx, &rows, `SELECT `+invoiceSelect(todayPH)+` FROM invoices i WHERE `+q.cond()+`
		ORDER BY i.issue_date DESC, i.number DESC, i.id DESC `+q.limit(f.Page), q.args...)
	if err != nil {
		return out, fmt.Errorf("invoices: %w", err)
	}
	if err := attachLineItems(ctx, s.db, rows); err != nil {
		return out, err
	}
	out.Items = rows
	return out, nil
}

// Invoice reads one invoice with its line items. Owners and admins only.
func (s *Store) Invoice(ctx context.Context, a Actor, id string) (Invoice, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Invoice{}, err
	}
	today, err := s.invoiceToday(ctx, s.db, a.OrgID)
	if err != nil {
		return Invoice{}, err
	}
	return s.loadInvoice(ctx, s.db, a, id, today)
}

// InvoiceInput creates or updates an invoice; nil fields are absent. Percentages and money amounts arrive as
// the decimal text of their JSON numbers, so they are never rounded through float64.
type InvoiceInput struct {
	ClientID  *string
	ProjectID *string
	IssueDate *string
	DueDate   *string
	Currency  *string
	Notes     *string
	TaxRate   *string
	Discount  *string
}

const maxInvoiceNotes = 5000

// validateCommon checks the fields that create and update share and normalizes them.
func (in *InvoiceInput) validateCommon(v *validator) {
	if in.IssueDate != nil {
		_, ok := parseCalendarDate(*in.IssueDate)
		v.check(ok, "issue_date", "issue_date must be a date (YYYY-MM-DD)")
	}
	if in.DueDate != nil {
		_, ok := parseCalendarDate(*in.DueDate)
		v.check(ok, "due_date", "due_date must be a date (YYYY-MM-DD)")
	}
	if in.Currency != nil {
		c := strings.ToUpper(strings.TrimSpace(*in.Currency))
		in.Currency = &c
		v.check(vocab.IsCurrency(c), "currency", "currency must be an ISO 4217 currency code such as USD")
	}
	if in.Notes != nil {
		v.check(utf8.RuneCountInString(*in.Notes) <= maxInvoiceNotes, "notes", fmt.Sprintf("notes must be at most %d characters", maxInvoiceNotes))
	}
	in.TaxRate = validPercent(v, "tax_rate", in.TaxRate)
	in.Discount = validPercent(v, "discount", in.Discount)
}

// validPercent checks a percentage from 0 to 100 with at most 4 decimals and returns its canonical text.
func validPercent(v *validator, field string, p *string) *string {
	if p == nil {
		return nil
	}
	r, ok := parseDecimal4(*p)
	if !ok || r.Sign() < 0 || r.Cmp(big.NewRat(100, 1)) > 0 {
		v.add(field, field+" must be a number from 0 to 100 with at most 4 decimals")
		return p
	}
	s := r.FloatString(4)
	return &s
}

// nextInvoiceNumber hands out the organization's next number for year. The counter row stays locked until the
// transaction ends, so concurrent creates get distinct, consecutive numbers, and a failed create gives its
// number back.
func nextInvoiceNumber(ctx context.Context, tx *sqlx.Tx, orgID, prefix string, year int) (string, error) {
	var n int
	err := tx.GetContext(ctx, &n, `
		INSERT INTO invoice_counters (organization_id, year, last_number) VALUES ($1, $2, 1)
		ON CONFLICT (organization_id, year) DO UPDATE SET last_number = invoice_counters.last_number + 1
		RETURNING last_number`, orgID, year)
	if err != nil {
		return "", fmt.Errorf("invoice number: %w", err)
	}
	return fmt.Sprintf("%s-%d-%04d", prefix, year, n), nil
}

// CreateInvoice creates a draft invoice for a client of the organization. Owners and admins only.
func (s *Store) CreateInvoice(ctx context.Context, a Actor, in InvoiceInput) (Invoice, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Invoice{}, err
	}
	var inv Invoice
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		org, err := loadBillingOrg(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		today := s.orgToday(org)
		var v validator
		in.validateCommon(&v)
		var clientCurrency *string
		switch {
		case in.ClientID == nil || strings.TrimSpace(*in.ClientID) == "":
			v.add("client_id", "client_id is required")
		case !validID(*in.ClientID):
			v.add("client_id", "client_id must be a client of the organization")
		default:
			err := tx.GetContext(ctx, &clientCurrency, `SELECT currency FROM clients WHERE id = $1 AND organization_id = $2 FOR SHARE`,
				*in.ClientID, a.OrgID)
			if isNoRows(err) {
				v.add("client_id", "client_id must be a client of the organization")
			} else if err != nil {
				return fmt.Errorf("create invoice: %w", err)
			}
		}
		if in.ProjectID != nil && *in.ProjectID == "" {
			in.ProjectID = nil
		}
		if in.ProjectID != nil {
			var projectClient *string
			err := errNoRowsIfInvalid(*in.ProjectID)
			if err == nil {
				err = tx.GetContext(ctx, &projectClient, `SELECT client_id FROM projects WHERE id = $1 AND organization_id = $2`,
					*in.ProjectID, a.OrgID)
			}
			switch {
			case isNoRows(err):
				v.add("project_id", "project_id must be a project of the organization")
			case err != nil:
				return fmt.Errorf("create invoice: %w", err)
			case projectClient != nil && in.ClientID != nil && *projectClient != *in.ClientID:
				v.add("project_id", "project_id must be a project of the client")
			}
		}
		if in.DueDate == nil {
			v.add("due_date", "due_date is required")
		}
		if in.IssueDate == nil {
			in.IssueDate = &today
		}
		checkInvoiceDates(&v, *in.IssueDate, in.DueDate)
		if err := v.err(); err != nil {
			return err
		}
		currency := org.Currency
		if clientCurrency != nil && vocab.IsCurrency(*clientCurrency) {
			currency = *clientCurrency
		}
		if in.Currency != nil {
			currency = *in.Currency
		}
		issue, _ := parseCalendarDate(*in.IssueDate)
		number, err := nextInvoiceNumber(ctx, tx, a.OrgID, invoicingIdentity(org.Settings).Prefix, issue.Year())
		if err != nil {
			return err
		}
		var id string
		err = tx.GetContext(ctx, &id, `
			INSERT INTO invoices (organization_id, number, client_id, project_id, issue_date, due_date, currency, notes,
				tax_rate, discount, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::numeric, 0), coalesce($10::numeric, 0), $11)
			RETURNING id`,
			a.OrgID, number, *in.ClientID, in.ProjectID, *in.IssueDate, *in.DueDate, currency, deref(in.Notes),
			in.TaxRate, in.Discount, a.UserID)
		if err != nil {
			return fmt.Errorf("create invoice: %w", err)
		}
		if inv, err = s.loadInvoice(ctx, tx, a, id, today); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "invoice", inv.ID, Changes{
			"number": {To: inv.Number}, "client_id": {To: inv.ClientID}, "project_id": {To: inv.ProjectID},
			"issue_date": {To: inv.IssueDate}, "due_date": {To: inv.DueDate}, "currency": {To: inv.Currency},
			"tax_rate": {To: inv.TaxRate}, "discount": {To: inv.Discount}, "notes": {To: inv.Notes},
		})
	})
	return inv, err
}

func errNoRowsIfInvalid(id string) error {
	if !validID(id) {
		return sql.ErrNoRows
	}
	return nil
}

func checkInvoiceDates(v *validator, issueDate string, dueDate *string) {
	if dueDate == nil {
		return
	}
	issue, ok1 := parseCalendarDate(issueDate)
	due, ok2 := parseCalendarDate(*dueDate)
	if ok1 && ok2 && due.Before(issue) {
		v.add("due_date", "due_date must be on or after issue_date")
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// UpdateInvoice changes the given fields of a draft invoice and recomputes its totals. Owners and admins only;
// any other status is a conflict.
func (s *Store) UpdateInvoice(ctx context.Context, a Actor, id string, in InvoiceInput) (Invoice, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Invoice{}, err
	}
	var inv Invoice
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		today, err := s.invoiceToday(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		before, err := lockDraftInvoice(ctx, tx, a, id, today)
		if err != nil {
			return err
		}
		var v validator
		in.validateCommon(&v)
		issue := before.IssueDate
		if in.IssueDate != nil {
			issue = *in.IssueDate
		}
		due := before.DueDate
		if in.DueDate != nil {
			due = *in.DueDate
		}
		checkInvoiceDates(&v, issue, &due)
		if err := v.err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE invoices SET issue_date = $2, due_date = $3, currency = coalesce($4, currency), notes = coalesce($5, notes),
				tax_rate = coalesce($6::numeric, tax_rate), discount = coalesce($7::numeric, discount), updated_at = now()
			WHERE id = $1`, before.ID, issue, due, in.Currency, in.Notes, in.TaxRate, in.Discount)
		if err != nil {
			return fmt.Errorf("update invoice: %w", err)
		}
		if err := recomputeInvoiceTotals(ctx, tx, before.ID); err != nil {
			return err
		}
		if inv, err = s.loadInvoice(ctx, tx, a, before.ID, today); err != nil {
			return err
		}
		ch := Changes{}
		ch.set("issue_date", before.IssueDate, inv.IssueDate)
		ch.set("due_date", before.DueDate, inv.DueDate)
		ch.set("currency", before.Currency, inv.Currency)
		ch.set("notes", before.Notes, inv.Notes)
		ch.set("tax_rate", before.TaxRate, inv.TaxRate)
		ch.set("discount", before.Discount, inv.Discount)
		ch.set("total", before.Total, inv.Total)
		return audit(ctx, tx, a, ActionUpdated, "invoice", inv.ID, ch)
	})
	return inv, err
}

// DeleteInvoice deletes a draft invoice and releases its time entries, which can then be billed again. Owners
// and admins only; the number is not reused.
func (s *Store) DeleteInvoice(ctx context.Context, a Actor, id string) error {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		inv, err := getInvoice(ctx, tx, a, id, "1970-01-01", true)
		if err != nil {
			return err
		}
		if inv.StoredStatus != InvoiceDraft {
			return conflict("only draft invoices can be deleted")
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE time_entries SET invoice_id = NULL, line_item_id = NULL, updated_at = now() WHERE invoice_id = $1`, inv.ID); err != nil {
			return fmt.Errorf("delete invoice: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM invoices WHERE id = $1`, inv.ID); err != nil {
			return fmt.Errorf("delete invoice: %w", err)
		}
		return audit(ctx, tx, a, ActionDeleted, "invoice", inv.ID, Changes{
			"number": {From: inv.Number}, "client_id": {From: inv.ClientID}, "total": {From: inv.Total},
		})
	})
}
