package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// PublicInvoiceView is what the public invoice page shows to whoever holds a signed link: the invoice, and who
// it is from and for, as the PDF prints them.
type PublicInvoiceView struct {
	Invoice    Invoice
	OrgName    string
	OrgLogoURL *string
	OrgLines   []string // address and contact lines under the organization's name
	// PaymentInstructions and Footer are the organization's, as the PDF prints them.
	PaymentInstructions string
	Footer              string
	ClientName          string
	ClientLines         []string // the client's address, email and phone
}

// PublicInvoicePage reads the invoice a signed public link names with its organization and client, in one call,
// for the page /i/:id. A bad or revoked signature, an unknown id or a draft is ErrNotFound. A void invoice reads
// as its notice only: who voided which invoice number, nothing of its client, lines or amounts.
func (s *Store) PublicInvoicePage(ctx context.Context, id, sig string) (PublicInvoiceView, error) {
	a, _, err := s.publicInvoiceActor(ctx, id, sig)
	if err != nil {
		return PublicInvoiceView{}, err
	}
	org, err := loadBillingOrg(ctx, s.db, a.OrgID)
	if err != nil {
		return PublicInvoiceView{}, err
	}
	inv, err := s.loadInvoice(ctx, s.db, a, id, s.orgToday(org))
	if err != nil {
		return PublicInvoiceView{}, err
	}
	if inv.StoredStatus == InvoiceVoid {
		return PublicInvoiceView{Invoice: voidNotice(inv), OrgName: org.Name, OrgLogoURL: s.fileURL(ctx, org.LogoKey)}, nil
	}
	var c struct {
		Name    string `db:"name"`
		Email   string `db:"email"`
		Phone   string `db:"phone"`
		Address []byte `db:"address"`
	}
	if err := s.db.GetContext(ctx, &c, `SELECT name, email, phone, address FROM clients WHERE id = $1`, inv.ClientID); err != nil {
		return PublicInvoiceView{}, fmt.Errorf("public invoice client: %w", err)
	}
	ident := invoicingIdentity(org.Settings)
	return PublicInvoiceView{
		Invoice:             inv,
		PaymentInstructions: ident.PaymentInstructions,
		Footer:              ident.Footer,
		OrgName:             ident.printedName(org.Name),
		OrgLogoURL:          s.fileURL(ctx, org.LogoKey),
		OrgLines:            orgLines(org.Settings),
		ClientName:          c.Name,
		ClientLines:         clientLines(c.Address, c.Email, c.Phone),
	}, nil
}

// voidNotice is what a public link still shows of a void invoice: its number and that it is void.
func voidNotice(inv Invoice) Invoice {
	return Invoice{
		ID: inv.ID, OrganizationID: inv.OrganizationID, Number: inv.Number, Status: inv.Status, StoredStatus: inv.StoredStatus,
		Currency: inv.Currency, LineItems: []InvoiceLineItem{},
	}
}

// RotateInvoiceLink gives a sent invoice a new public link and revokes the links given out so far, for a link
// that reached someone it should not have. It answers the invoice with its new link version (InvoiceLink). Owners
// and admins only; a draft has no link yet (409).
func (s *Store) RotateInvoiceLink(ctx context.Context, a Actor, id string) (Invoice, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, today, err := s.lockInvoice(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if before.StoredStatus == InvoiceDraft {
			return conflict("a draft has no public link yet: send the invoice first")
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE invoices SET public_link_version = public_link_version + 1, updated_at = now() WHERE id = $1`, before.ID); err != nil {
			return fmt.Errorf("rotate invoice link: %w", err)
		}
		if out, err = s.loadInvoice(ctx, tx, a, before.ID, today); err != nil {
			return err
		}
		ch := Changes{}
		ch.set("public_link_version", before.PublicLinkVersion, out.PublicLinkVersion)
		return audit(ctx, tx, a, ActionUpdated, "invoice", out.ID, ch)
	})
	if err != nil {
		return Invoice{}, fmt.Errorf("rotate invoice link: %w", err)
	}
	return out, nil
}
