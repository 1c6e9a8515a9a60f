package store

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Payment is money received against an invoice, in cents of the invoice's currency.
type Payment struct {
	ID             string    `db:"id" json:"id"`
	OrganizationID string    `db:"organization_id" json:"organization_id"`
	InvoiceID      string    `db:"invoice_id" json:"invoice_id"`
	ClientID       string    `db:"client_id" json:"client_id"`
	Amount         int64     `db:"amount" json:"amount"`
	Method         string    `db:"method" json:"method"`
	PaidAt         time.Time `db:"paid_at" json:"paid_at"`
	Notes          string    `db:"notes" json:"notes"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
}

const paymentColumns = `id, organization_id, invoice_id, client_id, amount, method, paid_at, notes, created_at, updated_at`

// PaymentFilter narrows GET /payments.
type PaymentFilter struct {
	ClientID  string
	InvoiceID string
	From, To  string // on paid_at, inclusive days in the caller's timezone
	Page      Page
}

// Payments lists the organization's payments, latest paid first. Owners and admins only.
func (s *Store) Payments(ctx context.Context, a Actor, f PaymentFilter) (List[Payment], error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return List[Payment]{}, err
	}
	var v validator
	q := newQuery("organization_id = $1", a.OrgID)
	for _, flt := range []struct{ field, col, val string }{{"client_id", "client_id", f.ClientID}, {"invoice_id", "invoice_id", f.InvoiceID}} {
		if flt.val == "" {
			continue
		}
		if !validID(flt.val) {
			v.add(flt.field, flt.field+" must be a valid id")
			continue
		}
		q.where(flt.col+" = ?", flt.val)
	}
	loc, err := s.userLocation(ctx, a.UserID)
	if err != nil {
		return List[Payment]{}, err
	}
	from, to := parseRange(&v, f.From, f.To, loc)
	if !from.IsZero() {
		q.where("paid_at >= ?", from)
	}
	if !to.IsZero() {
		q.where("paid_at < ?", to)
	}
	if err := v.err(); err != nil {
		return List[Payment]{}, err
	}
	out := List[Payment]{Page: f.Page.Number(), PerPage: f.Page.Size()}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM payments WHERE `+q.cond(), q.args...); err != nil {
		return out, fmt.Errorf("payments: %w", err)
	}
	out.Items = []Payment{}
	err = s.db.SelectContext(ctx, &out.Items, `SELECT `+paymentColumns+` FROM payments WHERE `+q.cond()+`
		ORDER BY paid_at DESC, id DESC `+q.limit(f.Page), q.args...)
	if err != nil {
		return out, fmt.Errorf("payments: %w", err)
	}
	return out, nil
}

func getPayment(ctx context.Context, q sqlx.QueryerContext, a Actor, id string, lock bool) (Payment, error) {
	var p Payment
	if !validID(id) {
		return p, fmt.Errorf("payment: %w", ErrNotFound)
	}
	sql := `SELECT ` + paymentColumns + ` FROM payments WHERE id = $1 AND organization_id = $2`
	if lock {
		sql += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &p, sql, id, a.OrgID)
	return p, notFoundIfNoRows(err, "payment")
}

// Payment reads one payment. Owners and admins only.
func (s *Store) Payment(ctx context.Context, a Actor, id string) (Payment, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Payment{}, err
	}
	return getPayment(ctx, s.db, a, id, false)
}

// PaymentInput records or changes a payment; nil fields are absent. Amount is the text of its JSON number, in
// cents. AmountText is the amount as a form sends it, in major units of the invoice's currency ("85.50"); it
// takes the place of Amount.
type PaymentInput struct {
	InvoiceID  *string
	Amount     *string
	AmountText *string
	Method     *string
	PaidAt     *string
	Notes      *string
}

const maxPaymentNotes = 2000

// validate checks the given fields; currency is the invoice's, in whose major units AmountText is.
func (in *PaymentInput) validate(v *validator, create bool, currency string, loc *time.Location, s *Store) (amount int64, paidAt *time.Time) {
	if in.AmountText != nil {
		in.Amount = nil
		cents := parseMoney(v, "amount", *in.AmountText, currency)
		switch {
		case cents == nil:
		case *cents == 0:
			v.add("amount", "amount must be more than 0")
		default:
			a := strconv.FormatInt(*cents, 10)
			in.Amount = &a
		}
	}
	if in.Amount != nil {
		r, ok := parseDecimal4(*in.Amount)
		switch {
		case !ok || !r.IsInt() || r.Sign() <= 0:
			v.add("amount", "amount must be a positive whole number of cents")
		case r.Cmp(new(big.Rat).SetInt64(maxAmount)) > 0:
			v.add("amount", amountTooLarge("amount"))
		default:
			amount = r.Num().Int64()
		}
	} else if create {
		v.add("amount", "amount is required")
	}
	if in.Method != nil || create {
		m := validPaymentMethod(v, "method", in.Method)
		in.Method = &m
	}
	if in.PaidAt != nil || create {
		t := s.parsePaidAt(v, in.PaidAt, loc)
		paidAt = &t
	}
	if in.Notes != nil {
		n := strings.TrimSpace(*in.Notes)
		in.Notes = &n
		v.check(utf8.RuneCountInString(n) <= maxPaymentNotes, "notes", fmt.Sprintf("notes must be at most %d characters", maxPaymentNotes))
	}
	return amount, paidAt
}

// lockPayableInvoice locks the invoice a payment is for and checks that it takes payments: drafts must be sent
// first, and void invoices take none.
func lockPayableInvoice(ctx context.Context, tx *sqlx.Tx, a Actor, id string) (Invoice, error) {
	inv, err := getInvoice(ctx, tx, a, id, "1970-01-01", true)
	if err != nil {
		return inv, err
	}
	switch inv.StoredStatus {
	case InvoiceDraft:
		return inv, conflict("send the invoice before recording payments")
	case InvoiceVoid:
		return inv, conflict("a void invoice cannot take payments")
	}
	return inv, nil
}

// CreatePayment records a payment against a sent invoice; it may not exceed the balance. Reaching the total
// makes the invoice paid. Owners and admins only.
func (s *Store) CreatePayment(ctx context.Context, a Actor, in PaymentInput) (Payment, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Payment{}, err
	}
	var p Payment
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		org, err := loadBillingOrg(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		var v validator
		if in.InvoiceID == nil || *in.InvoiceID == "" {
			v.add("invoice_id", "invoice_id is required")
		}
		currency := ""
		if in.AmountText != nil && in.InvoiceID != nil {
			// A typed amount is read in the invoice's currency, which a payable (sent) invoice no longer changes.
			inv, err := getInvoice(ctx, tx, a, *in.InvoiceID, "1970-01-01", false)
			if errors.Is(err, ErrNotFound) {
				return Invalid("invoice_id", "invoice_id must be an invoice of the organization")
			}
			if err != nil {
				return err
			}
			currency = inv.Currency
		}
		amount, paidAt := in.validate(&v, true, currency, org.location(), s)
		if err := v.err(); err != nil {
			return err
		}
		inv, err := lockPayableInvoice(ctx, tx, a, *in.InvoiceID)
		if errors.Is(err, ErrNotFound) {
			return Invalid("invoice_id", "invoice_id must be an invoice of the organization")
		}
		if err != nil {
			return err
		}
		if amount > inv.Balance {
			return Invalid("amount", "amount exceeds the invoice balance")
		}
		if p, err = insertPayment(ctx, tx, a, inv, amount, *in.Method, *paidAt, deref(in.Notes)); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionCreated, "payment", p.ID, paymentCreatedChanges(p)); err != nil {
			return err
		}
		return s.settleInvoice(ctx, tx, a, inv.ID, nil)
	})
	return p, err
}

func insertPayment(ctx context.Context, tx *sqlx.Tx, a Actor, inv Invoice, amount int64, method string, paidAt time.Time, notes string) (Payment, error) {
	var p Payment
	err := tx.GetContext(ctx, &p, `
		INSERT INTO payments (organization_id, invoice_id, client_id, amount, method, paid_at, notes, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+paymentColumns,
		a.OrgID, inv.ID, inv.ClientID, amount, method, paidAt, notes, nullableID(a.UserID))
	if err != nil {
		return p, fmt.Errorf("record payment: %w", err)
	}
	return p, nil
}

func nullableID(id string) *string {
	if id == "" {
		return nil
	}
	return &id
}

func paymentCreatedChanges(p Payment) Changes {
	return Changes{
		"invoice_id": {To: p.InvoiceID}, "amount": {To: p.Amount}, "method": {To: p.Method},
		"paid_at": {To: p.PaidAt}, "notes": {To: p.Notes},
	}
}

// UpdatePayment changes a payment's amount, method, date or notes and settles its invoice again. Owners and
// admins only.
func (s *Store) UpdatePayment(ctx context.Context, a Actor, id string, in PaymentInput) (Payment, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Payment{}, err
	}
	var p Payment
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		org, err := loadBillingOrg(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		// Lock the invoice before the payment, in the order CreatePayment locks, so the two never deadlock.
		unlocked, err := getPayment(ctx, tx, a, id, false)
		if err != nil {
			return err
		}
		inv, err := lockPayableInvoice(ctx, tx, a, unlocked.InvoiceID)
		if err != nil {
			return err
		}
		before, err := getPayment(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		in.InvoiceID = nil // a payment stays with its invoice
		var v validator
		amount, paidAt := in.validate(&v, false, inv.Currency, org.location(), s)
		if err := v.err(); err != nil {
			return err
		}
		if in.Amount != nil && amount-before.Amount > inv.Balance {
			return Invalid("amount", "amount exceeds the invoice balance")
		}
		var amt *int64
		if in.Amount != nil {
			amt = &amount
		}
		err = tx.GetContext(ctx, &p, `
			UPDATE payments SET amount = coalesce($2, amount), method = coalesce($3, method), paid_at = coalesce($4, paid_at),
				notes = coalesce($5, notes), updated_at = now()
			WHERE id = $1 RETURNING `+paymentColumns, before.ID, amt, in.Method, paidAt, in.Notes)
		if err != nil {
			return fmt.Errorf("update payment: %w", err)
		}
		ch := Changes{}
		ch.set("amount", before.Amount, p.Amount)
		ch.set("method", before.Method, p.Method)
		ch.set("paid_at", before.PaidAt.UTC(), p.PaidAt.UTC())
		ch.set("notes", before.Notes, p.Notes)
		if err := audit(ctx, tx, a, ActionUpdated, "payment", p.ID, ch); err != nil {
			return err
		}
		return s.settleInvoice(ctx, tx, a, inv.ID, nil)
	})
	return p, err
}

// DeletePayment removes a payment and settles its invoice again, which may make a paid invoice sent again.
// Owners and admins only.
func (s *Store) DeletePayment(ctx context.Context, a Actor, id string) error {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		unlocked, err := getPayment(ctx, tx, a, id, false)
		if err != nil {
			return err
		}
		inv, err := getInvoice(ctx, tx, a, unlocked.InvoiceID, "1970-01-01", true)
		if err != nil {
			return err
		}
		p, err := getPayment(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM payments WHERE id = $1`, p.ID); err != nil {
			return fmt.Errorf("delete payment: %w", err)
		}
		if err := audit(ctx, tx, a, ActionDeleted, "payment", p.ID, Changes{
			"invoice_id": {From: p.InvoiceID}, "amount": {From: p.Amount}, "method": {From: p.Method}, "paid_at": {From: p.PaidAt},
		}); err != nil {
			return err
		}
		return s.settleInvoice(ctx, tx, a, inv.ID, nil)
	})
}

// settleInvoice sets amount_paid to the sum of the payments, and the status from it: a sent invoice whose
// payments reach the total becomes paid (paid_at = the latest payment's), a paid one that falls below goes back
// to sent. markedPaidAt, from mark-paid, makes an invoice with nothing left to pay paid even without payments.
// Becoming paid notifies the organization's owners and admins. The invoice must be locked by the caller.
func (s *Store) settleInvoice(ctx context.Context, tx *sqlx.Tx, a Actor, invoiceID string, markedPaidAt *time.Time) error {
	var before struct {
		Number     string     `db:"number"`
		Status     string     `db:"status"`
		Total      int64      `db:"total"`
		AmountPaid int64      `db:"amount_paid"`
		Currency   string     `db:"currency"`
		PaidAt     *time.Time `db:"paid_at"`
		ClientName string     `db:"client_name"`
	}
	err := tx.GetContext(ctx, &before, `
		SELECT i.number, i.status, i.total, i.amount_paid, i.currency, i.paid_at, c.name AS client_name
		FROM invoices i JOIN clients c ON c.id = i.client_id WHERE i.id = $1`, invoiceID)
	if err != nil {
		return fmt.Errorf("settle invoice: %w", err)
	}
	var sum struct {
		Paid   int64      `db:"paid"`
		Latest *time.Time `db:"latest"`
	}
	if err := tx.GetContext(ctx, &sum, `SELECT coalesce(sum(amount), 0) AS paid, max(paid_at) AS latest FROM payments WHERE invoice_id = $1`, invoiceID); err != nil {
		return fmt.Errorf("settle invoice: %w", err)
	}
	status, paidAt := before.Status, before.PaidAt
	if before.Status == InvoiceSent || before.Status == InvoicePaid {
		full := sum.Paid >= before.Total && (sum.Paid > 0 || markedPaidAt != nil)
		switch {
		case full:
			status, paidAt = InvoicePaid, sum.Latest
			if paidAt == nil {
				paidAt = markedPaidAt
			}
		default:
			status, paidAt = InvoiceSent, nil
		}
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE invoices SET amount_paid = $2, status = $3, paid_at = $4, updated_at = now() WHERE id = $1`,
		invoiceID, sum.Paid, status, paidAt); err != nil {
		return fmt.Errorf("settle invoice: %w", err)
	}
	ch := Changes{}
	ch.set("amount_paid", before.AmountPaid, sum.Paid)
	ch.set("status", before.Status, status)
	ch.set("paid_at", utcOrNil(before.PaidAt), utcOrNil(paidAt))
	if err := audit(ctx, tx, a, ActionUpdated, "invoice", invoiceID, ch); err != nil {
		return err
	}
	if status != InvoicePaid || before.Status == InvoicePaid {
		return nil
	}
	today, err := s.invoiceToday(ctx, tx, a.OrgID)
	if err != nil {
		return fmt.Errorf("settle invoice: %w", err)
	}
	inv, err := getInvoice(ctx, tx, a, invoiceID, today, false)
	if err != nil {
		return fmt.Errorf("settle invoice: %w", err)
	}
	return s.record(ctx, tx, a, newEvent{Type: EventInvoicePaid, To: toAdmins(), EntityType: "invoice", EntityID: invoiceID, Data: inv})
}

func utcOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}
