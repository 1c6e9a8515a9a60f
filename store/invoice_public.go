package store

import (
	"context"
	"fmt"
)

// PublicInvoiceView is what the public invoice page shows to whoever holds a signed link: the invoice, and who
// it is from and for, as the PDF prints them.
type PublicInvoiceView struct {
	Invoice     Invoice
	OrgName     string
	OrgLogoURL  *string
	OrgLines    []string // address and contact lines under the organization's name
	ClientName  string
	ClientLines []string // the client's address, email and phone
}

// PublicInvoicePage reads the invoice a signed public link names with its organization and client, in one call,
// for the page /i/:id. A bad signature, an unknown id or a draft is ErrNotFound.
func (s *Store) PublicInvoicePage(ctx context.Context, id, sig string) (PublicInvoiceView, error) {
	a, err := s.publicInvoiceActor(ctx, id, sig)
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
	var c struct {
		Name    string `db:"name"`
		Email   string `db:"email"`
		Phone   string `db:"phone"`
		Address []byte `db:"address"`
	}
	if err := s.db.GetContext(ctx, &c, `SELECT name, email, phone, address FROM clients WHERE id = $1`, inv.ClientID); err != nil {
		return PublicInvoiceView{}, fmt.Errorf("public invoice client: %w", err)
	}
	return PublicInvoiceView{
		Invoice:     inv,
		OrgName:     org.Name,
		OrgLogoURL:  s.fileURL(ctx, org.LogoKey),
		OrgLines:    orgLines(org.Settings),
		ClientName:  c.Name,
		ClientLines: clientLines(c.Address, c.Email, c.Phone),
	}, nil
}
