package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	netmail "net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/format"
	"github.com/trcr/trcr/store/mail"
	"github.com/trcr/trcr/store/pdf"
	"github.com/trcr/trcr/store/vocab"
)

// Invoice links are signed with their own derived key: knowing the link of one invoice reveals nothing about
// another's. The signature covers the invoice's link version, so rotating the version revokes the links given out
// so far (rotating the secret revokes every link). Version 0 signs the id alone, as links were signed before they
// had versions, so those keep opening.
func (s *Store) invoiceSig(id string, version int) string {
	m := hmac.New(sha256.New, s.deriveKey("invoice-link"))
	m.Write([]byte(id))
	if version > 0 {
		fmt.Fprintf(m, "/v%d", version)
	}
	return hex.EncodeToString(m.Sum(nil))
}

// InvoiceLink is the public URL of an invoice at a link version (Invoice.PublicLinkVersion):
// BaseURL/i/<id>?sig=<hex HMAC of the id and version>. It opens the invoice without an account.
func (s *Store) InvoiceLink(id string, version int) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + "/i/" + id + "?sig=" + s.invoiceSig(id, version)
}

// publicInvoiceActor checks a public link's signature against the invoice's current link version, in constant
// time, and returns an actor of the invoice's organization for reading it, with the invoice's stored status. A bad
// or revoked signature, or a draft (never sent, so never linked), is ErrNotFound.
func (s *Store) publicInvoiceActor(ctx context.Context, id, sig string) (Actor, string, error) {
	if !validID(id) {
		return Actor{}, "", fmt.Errorf("invoice: %w", ErrNotFound)
	}
	var row struct {
		OrgID   string `db:"organization_id"`
		Status  string `db:"status"`
		Version int    `db:"public_link_version"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT organization_id, status, public_link_version FROM invoices WHERE id = $1`, id)
	if err != nil {
		return Actor{}, "", notFoundIfNoRows(err, "invoice")
	}
	if !hmac.Equal([]byte(strings.ToLower(sig)), []byte(s.invoiceSig(id, row.Version))) || row.Status == InvoiceDraft {
		return Actor{}, "", fmt.Errorf("invoice: %w", ErrNotFound)
	}
	return Actor{OrgID: row.OrgID}, row.Status, nil
}

// PublicInvoice reads the invoice a signed public link names, for whoever holds the link. Of a void invoice it
// reads only the notice (voidNotice).
func (s *Store) PublicInvoice(ctx context.Context, id, sig string) (Invoice, error) {
	a, _, err := s.publicInvoiceActor(ctx, id, sig)
	if err != nil {
		return Invoice{}, err
	}
	today, err := s.invoiceToday(ctx, s.db, a.OrgID)
	if err != nil {
		return Invoice{}, err
	}
	inv, err := s.loadInvoice(ctx, s.db, a, id, today)
	if err != nil || inv.StoredStatus != InvoiceVoid {
		return inv, err
	}
	return voidNotice(inv), nil
}

// PublicInvoicePDF is the PDF of the invoice a signed public link names, with its filename.
// A void invoice's PDF is not served: its link shows only that it is void.
func (s *Store) PublicInvoicePDF(ctx context.Context, id, sig string) ([]byte, string, error) {
	a, status, err := s.publicInvoiceActor(ctx, id, sig)
	if err != nil {
		return nil, "", err
	}
	if status == InvoiceVoid {
		return nil, "", fmt.Errorf("public pdf of a void invoice: %w", ErrNotFound)
	}
	return s.renderInvoicePDF(ctx, s.db, a, id)
}

// InvoicePDF renders an invoice, drafts included, and names the file after its number (INV-2026-0001.pdf).
// Owners and admins only.
func (s *Store) InvoicePDF(ctx context.Context, a Actor, id string) ([]byte, string, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return nil, "", err
	}
	return s.renderInvoicePDF(ctx, s.db, a, id)
}

func (s *Store) renderInvoicePDF(ctx context.Context, q sqlx.QueryerContext, a Actor, id string) ([]byte, string, error) {
	org, err := loadBillingOrg(ctx, q, a.OrgID)
	if err != nil {
		return nil, "", err
	}
	inv, err := s.loadInvoice(ctx, q, a, id, s.orgToday(org))
	if err != nil {
		return nil, "", err
	}
	doc, err := s.invoiceDoc(ctx, q, org, inv)
	if err != nil {
		return nil, "", err
	}
	b, err := pdf.Invoice(doc)
	if err != nil {
		return nil, "", err
	}
	return b, inv.Number + ".pdf", nil
}

// invoiceDoc fills the PDF's view model from the invoice, its organization and its client.
func (s *Store) invoiceDoc(ctx context.Context, q sqlx.QueryerContext, org billingOrg, inv Invoice) (pdf.InvoiceDoc, error) {
	var c struct {
		Name    string `db:"name"`
		Email   string `db:"email"`
		Phone   string `db:"phone"`
		Address []byte `db:"address"`
	}
	if err := sqlx.GetContext(ctx, q, &c, `SELECT name, email, phone, address FROM clients WHERE id = $1`, inv.ClientID); err != nil {
		return pdf.InvoiceDoc{}, fmt.Errorf("invoice client: %w", err)
	}
	doc := pdf.InvoiceDoc{
		Number: inv.Number, Status: inv.Status, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Currency: inv.Currency,
		From:     pdf.Party{Name: invoicingIdentity(org.Settings).printedName(org.Name), Lines: orgLines(org.Settings)},
		To:       pdf.Party{Name: c.Name, Lines: clientLines(c.Address, c.Email, c.Phone)},
		Logo:     s.invoiceLogo(ctx, org.LogoKey),
		Subtotal: inv.Subtotal, Discount: string(inv.Discount), DiscountAmount: inv.DiscountAmount,
		TaxRate: string(inv.TaxRate), TaxAmount: inv.TaxAmount, Total: inv.Total, AmountPaid: inv.AmountPaid,
		Balance: inv.Balance, Notes: inv.Notes,
		PaymentInstructions: invoicingIdentity(org.Settings).PaymentInstructions, Footer: invoicingIdentity(org.Settings).Footer,
	}
	for _, it := range inv.LineItems {
		doc.Items = append(doc.Items, pdf.Item{Description: it.Description, Quantity: string(it.Quantity), UnitPrice: it.UnitPrice, Amount: it.Amount})
	}
	return doc, nil
}

// orgLines are the organization's address and contact settings as printed under its name.
func orgLines(settings []byte) []string {
	id := invoicingIdentity(settings)
	var lines []string
	for _, l := range strings.Split(id.Address, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	for _, v := range []string{id.Email, id.Phone, id.Website} {
		if v != "" {
			lines = append(lines, v)
		}
	}
	if id.TaxID != "" {
		lines = append(lines, "Tax ID: "+id.TaxID)
	}
	return lines
}

// clientLines prints a client's address object {street, city, state, zip, country} and contact details.
func clientLines(address []byte, email, phone string) []string {
	var ad map[string]any
	_ = json.Unmarshal(address, &ad)
	text := func(k string) string { s, _ := ad[k].(string); return strings.TrimSpace(s) }
	var lines []string
	add := func(parts ...string) {
		var keep []string
		for _, p := range parts {
			if p != "" {
				keep = append(keep, p)
			}
		}
		if len(keep) > 0 {
			lines = append(lines, strings.Join(keep, " "))
		}
	}
	add(text("street"))
	city := text("city")
	if city != "" && text("state") != "" {
		city += ","
	}
	add(text("zip"), city, text("state"))
	add(text("country"))
	add(strings.TrimSpace(email))
	add(strings.TrimSpace(phone))
	return lines
}

// maxLogoBytes bounds the logo read into a PDF.
const maxLogoBytes = 5 << 20

// invoiceLogo reads the organization's logo from the blob store; a missing or unreadable logo prints none.
func (s *Store) invoiceLogo(ctx context.Context, key *string) []byte {
	if key == nil || s.blobs == nil {
		return nil
	}
	r, _, err := s.blobs.Open(ctx, *key)
	if err != nil {
		s.log.Warn("invoice logo", "key", *key, "err", err)
		return nil
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, maxLogoBytes+1))
	if err != nil || len(b) > maxLogoBytes {
		s.log.Warn("invoice logo", "key", *key, "err", err, "size", len(b))
		return nil
	}
	return b
}

// SendInvoiceInput is POST /invoices/:id/send: To overrides the recipients (by default the client's email and
// its contacts' emails); Message is the sender's own words in the email.
type SendInvoiceInput struct {
	To      []string
	Message *string
}

const (
	// maxInvoiceRecipients bounds one sending: an invoice goes to a client's few contacts, not to a mailing list.
	maxInvoiceRecipients = 10
	maxInvoiceMessage    = 5000
)

// SendInvoice emails a draft or sent invoice to the client: one email to all recipients, with the PDF attached
// and the public link, enqueued in the transaction that marks the invoice sent (sent_at keeps the first
// sending). Owners and admins with a verified email address only; the recipients count against the
// organization's email quota.
func (s *Store) SendInvoice(ctx context.Context, a Actor, id string, in SendInvoiceInput) (Invoice, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Invoice{}, err
	}
	if err := requireVerifiedEmail(ctx, s.db, a.UserID); err != nil {
		return Invoice{}, fmt.Errorf("send invoice: %w", err)
	}
	var out Invoice
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		org, err := loadBillingOrg(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		today := s.orgToday(org)
		before, err := getInvoice(ctx, tx, a, id, today, true)
		if err != nil {
			return err
		}
		switch before.StoredStatus {
		case InvoicePaid:
			return conflict("a paid invoice cannot be sent again")
		case InvoiceVoid:
			return conflict("a void invoice cannot be sent")
		}
		var items int
		if err := tx.GetContext(ctx, &items, `SELECT count(*) FROM invoice_line_items WHERE invoice_id = $1`, before.ID); err != nil {
			return fmt.Errorf("send invoice: %w", err)
		}
		if items == 0 {
			return Invalid("line_items", "the invoice has no line items")
		}
		message := ""
		if in.Message != nil {
			message = strings.TrimSpace(*in.Message)
			if utf8.RuneCountInString(message) > maxInvoiceMessage {
				return Invalid("message", fmt.Sprintf("message must be at most %d characters", maxInvoiceMessage))
			}
		}
		to, err := invoiceRecipients(ctx, tx, before.ClientID, in.To)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE invoices SET status = 'sent', sent_at = coalesce(sent_at, now()), updated_at = now() WHERE id = $1`, before.ID); err != nil {
			return fmt.Errorf("send invoice: %w", err)
		}
		if out, err = s.loadInvoice(ctx, tx, a, before.ID, today); err != nil {
			return err
		}
		doc, err := s.invoiceDoc(ctx, tx, org, out)
		if err != nil {
			return err
		}
		file, err := pdf.Invoice(doc)
		if err != nil {
			return err
		}
		msg, err := mail.Invoice(mail.InvoiceEmail{
			To: to, OrgName: org.Name, Number: out.Number, Message: message,
			AmountDue: format.Money(out.Balance, out.Currency), DueDate: format.Date(out.DueDate), Link: s.InvoiceLink(out.ID, out.PublicLinkVersion), PDF: file,
		})
		if err != nil {
			return fmt.Errorf("send invoice: %w", err)
		}
		if err := s.enqueueOrgEmail(ctx, tx, a.OrgID, msg); err != nil {
			return err
		}
		ch := Changes{"sent_to": {To: to}}
		ch.set("status", before.StoredStatus, out.StoredStatus)
		ch.set("sent_at", before.SentAt, out.SentAt)
		if err := audit(ctx, tx, a, ActionUpdated, "invoice", out.ID, ch); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventInvoiceSent, To: toAdmins(), EntityType: "invoice", EntityID: out.ID, Data: out})
	})
	return out, err
}

// invoiceRecipients checks the given addresses, or defaults to the client's email and its contacts' emails.
func invoiceRecipients(ctx context.Context, tx *sqlx.Tx, clientID string, given []string) ([]string, error) {
	var addrs []string
	if len(given) > 0 {
		if len(given) > maxInvoiceRecipients {
			return nil, Invalid("to", fmt.Sprintf("to may list at most %d addresses", maxInvoiceRecipients))
		}
		for _, g := range given {
			g = strings.TrimSpace(g)
			p, err := netmail.ParseAddress(g)
			if err != nil || p.Address != g {
				return nil, Invalid("to", "to must be a list of email addresses")
			}
			addrs = append(addrs, g)
		}
	} else {
		err := tx.SelectContext(ctx, &addrs, `
			SELECT email FROM (
				SELECT email, 0 AS k, '' AS name FROM clients WHERE id = $1
				UNION ALL
				SELECT email, 1, lower(name) FROM client_contacts WHERE client_id = $1
			) e WHERE btrim(email) <> '' ORDER BY k, name, email`, clientID)
		if err != nil {
			return nil, fmt.Errorf("invoice recipients: %w", err)
		}
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(addrs))
	for _, e := range addrs {
		e = strings.TrimSpace(e)
		if k := strings.ToLower(e); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil, Invalid("to", "the client has no email address; pass to")
	}
	if len(out) > maxInvoiceRecipients {
		return nil, Invalid("to", fmt.Sprintf("the client and its contacts have more than %d email addresses; pass to with at most %d", maxInvoiceRecipients, maxInvoiceRecipients))
	}
	return out, nil
}

// MarkPaidInput is POST /invoices/:id/mark-paid.
type MarkPaidInput struct {
	PaidAt        *string // RFC 3339, or a date meaning its midnight in the organization's timezone; default now
	PaymentMethod *string
}

// MarkInvoicePaid records a payment of the balance of a sent (or overdue) invoice, which makes it paid. Drafts
// must be sent first; paid and void invoices are conflicts. Owners and admins only.
func (s *Store) MarkInvoicePaid(ctx context.Context, a Actor, id string, in MarkPaidInput) (Invoice, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		org, err := loadBillingOrg(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		today := s.orgToday(org)
		inv, err := getInvoice(ctx, tx, a, id, today, true)
		if err != nil {
			return err
		}
		switch inv.StoredStatus {
		case InvoiceDraft:
			return conflict("send the invoice first")
		case InvoicePaid:
			return conflict("the invoice is already paid")
		case InvoiceVoid:
			return conflict("a void invoice cannot be paid")
		}
		var v validator
		method := validPaymentMethod(&v, "payment_method", in.PaymentMethod)
		paidAt := s.parsePaidAt(&v, in.PaidAt, org.location())
		if err := v.err(); err != nil {
			return err
		}
		if inv.Balance > 0 {
			p, err := insertPayment(ctx, tx, a, inv, inv.Balance, method, paidAt, "")
			if err != nil {
				return err
			}
			if err := audit(ctx, tx, a, ActionCreated, "payment", p.ID, paymentCreatedChanges(p)); err != nil {
				return err
			}
		}
		if err := s.settleInvoice(ctx, tx, a, inv.ID, &paidAt); err != nil {
			return err
		}
		out, err = s.loadInvoice(ctx, tx, a, inv.ID, today)
		return err
	})
	return out, err
}

// parsePaidAt reads a payment time: RFC 3339, or a date meaning its midnight in loc; nil is now.
func (s *Store) parsePaidAt(v *validator, in *string, loc *time.Location) time.Time {
	if in == nil || strings.TrimSpace(*in) == "" {
		return s.now().UTC()
	}
	t, _, ok := parseDateOrTime(strings.TrimSpace(*in), loc)
	v.check(ok, "paid_at", "paid_at must be a date (YYYY-MM-DD) or an RFC 3339 datetime")
	return t.UTC()
}

func validPaymentMethod(v *validator, field string, m *string) string {
	if m == nil || *m == "" {
		return vocab.DefaultPaymentMethod
	}
	if !vocab.PaymentMethods.Has(*m) {
		v.add(field, field+" must be one of "+strings.Join(vocab.PaymentMethods.Codes(), ", "))
	}
	return *m
}
