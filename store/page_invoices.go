package store

import (
	"context"
	"errors"
	"fmt"
)

// The invoice pages' reads: the list, the new-invoice form, the invoice page and the send page. Like every
// invoice read, they are for owners and admins.

// InvoicesPage is what the invoice list shows: a page of invoices and the clients its rows and filter name.
type InvoicesPage struct {
	Invoices List[Invoice]
	Clients  []Client // every client of the organization, by name
	// Summary counts the organization's invoices by status and sums what is unpaid, whatever the filter.
	Summary InvoiceSummary
	// FilterError is the refusal of an invalid filter (an invalid error, with its messages); the page then lists no
	// invoices, and the filter form shows the message beside what was typed.
	FilterError error
}

// InvoicesPage reads the invoice list under a filter.
func (s *Store) InvoicesPage(ctx context.Context, a Actor, f InvoiceFilter) (InvoicesPage, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return InvoicesPage{}, err
	}
	var p InvoicesPage
	var err error
	p.Invoices, err = s.Invoices(ctx, a, f)
	if errors.Is(err, ErrInvalid) {
		p.FilterError, err = err, nil
	}
	if err != nil {
		return InvoicesPage{}, err
	}
	if p.Clients, err = s.allClients(ctx, a); err != nil {
		return InvoicesPage{}, err
	}
	if p.Summary, err = s.invoiceSummary(ctx, a); err != nil {
		return InvoicesPage{}, err
	}
	return p, nil
}

// InvoiceSummary is the invoice list's tab counts (by status as it reads, overdue apart from sent; "" is all)
// and its unpaid totals, in the organization's currency (invoices in another currency are counted, not summed).
type InvoiceSummary struct {
	Counts      map[string]int
	Currency    string
	Outstanding int64 // the balance of sent invoices, overdue ones included
	Overdue     int64
}

func (s *Store) invoiceSummary(ctx context.Context, a Actor) (InvoiceSummary, error) {
	out := InvoiceSummary{Counts: map[string]int{}}
	today, err := s.invoiceToday(ctx, s.db, a.OrgID)
	if err != nil {
		return out, err
	}
	var rows []struct {
		Status  string `db:"status"`
		N       int    `db:"n"`
		Balance int64  `db:"balance"`
	}
	err = s.db.SelectContext(ctx, &rows, `
		SELECT CASE WHEN i.status = 'sent' AND i.due_date < $2::date THEN 'overdue' ELSE i.status END AS status,
			count(*) AS n,
			`+centsOf("coalesce(sum(i.total - i.amount_paid) FILTER (WHERE i.status = 'sent' AND i.currency = o.currency), 0)")+` AS balance
		FROM invoices i JOIN organizations o ON o.id = i.organization_id
		WHERE i.organization_id = $1 GROUP BY 1`, a.OrgID, today)
	if err != nil {
		return out, fmt.Errorf("invoice summary: %w", err)
	}
	if err := s.db.GetContext(ctx, &out.Currency, `SELECT currency FROM organizations WHERE id = $1`, a.OrgID); err != nil {
		return out, fmt.Errorf("invoice summary: %w", err)
	}
	for _, r := range rows {
		out.Counts[r.Status] = r.N
		out.Counts[""] += r.N
		out.Outstanding += r.Balance
		if r.Status == InvoiceOverdue {
			out.Overdue = r.Balance
		}
	}
	return out, nil
}

// allClients lists every client of the organization by name, as Clients orders them, without counting them.
func (s *Store) allClients(ctx context.Context, a Actor) ([]Client, error) {
	out := []Client{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+clientColumns+` FROM clients c WHERE c.organization_id = $1
		ORDER BY lower(c.name), c.id`, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("clients: %w", err)
	}
	return out, nil
}

// NewInvoicePage is what the form to create an invoice offers: the organization's today (the issue date) and
// currency, the clients, and the chosen client's projects and currency.
type NewInvoicePage struct {
	Today    Date
	Currency string // the organization's
	// PaymentTermsDays is how far after the issue date the organization's invoices fall due.
	PaymentTermsDays int
	Clients          []Client // by name
	// Client is the chosen client; nil when none was chosen or it is not a client of the organization.
	Client   *Client
	Projects []Project // the chosen client's projects the actor may see, by name
}

// NewInvoicePage reads the new-invoice form with clientID chosen ("" for none). Like CreateInvoice, it is for
// owners and admins, so the form is refused to others before it is shown.
func (s *Store) NewInvoicePage(ctx context.Context, a Actor, clientID string) (NewInvoicePage, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return NewInvoicePage{}, err
	}
	var p NewInvoicePage
	o, err := loadBillingOrg(ctx, s.db, a.OrgID)
	if err != nil {
		return p, fmt.Errorf("new invoice: %w", err)
	}
	p.Currency, p.PaymentTermsDays = o.Currency, invoicingIdentity(o.Settings).PaymentTermsDays
	if p.Today, err = ParseDate(s.orgToday(o)); err != nil {
		return p, err
	}
	if p.Clients, err = s.allClients(ctx, a); err != nil {
		return p, err
	}
	for i := range p.Clients {
		if p.Clients[i].ID == clientID {
			p.Client = &p.Clients[i]
		}
	}
	if p.Client == nil {
		return p, nil
	}
	if p.Projects, err = s.listClientProjects(ctx, a, clientID); err != nil {
		return p, err
	}
	return p, nil
}

// InvoicePage is what the invoice page shows besides the invoice itself: its client and project by name, its
// payments, and its public link.
type InvoicePage struct {
	Invoice     Invoice
	ClientName  string
	ClientEmail string
	ProjectName string // "" without a project
	Payments    []Payment
	// Timezone is the organization's: the payment forms default to its today.
	Timezone string
	// PublicLink opens the invoice without signing in; "" for a draft, which has none.
	PublicLink string
}

// InvoicePage reads an invoice's page.
func (s *Store) InvoicePage(ctx context.Context, a Actor, id string) (InvoicePage, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return InvoicePage{}, err
	}
	var p InvoicePage
	o, err := loadBillingOrg(ctx, s.db, a.OrgID)
	if err != nil {
		return p, fmt.Errorf("invoice page: %w", err)
	}
	p.Timezone = o.Timezone
	if p.Invoice, err = s.loadInvoice(ctx, s.db, a, id, s.orgToday(o)); err != nil {
		return p, err
	}
	inv := p.Invoice
	// Those who manage billing see every project, so the project is named without a visibility check.
	err = s.db.QueryRowContext(ctx, `
		SELECT c.name, c.email, coalesce((SELECT p.name FROM projects p WHERE p.id = $3 AND p.organization_id = $2), '')
		FROM clients c WHERE c.id = $1 AND c.organization_id = $2`, inv.ClientID, a.OrgID, inv.ProjectID).
		Scan(&p.ClientName, &p.ClientEmail, &p.ProjectName)
	if err != nil {
		return p, fmt.Errorf("invoice page: %w", notFoundIfNoRows(err, "client"))
	}
	p.Payments = []Payment{}
	err = s.db.SelectContext(ctx, &p.Payments, `SELECT `+paymentColumns+` FROM payments
		WHERE organization_id = $1 AND invoice_id = $2 ORDER BY paid_at DESC, id DESC`, a.OrgID, inv.ID)
	if err != nil {
		return p, fmt.Errorf("invoice page payments: %w", err)
	}
	if inv.StoredStatus != InvoiceDraft {
		p.PublicLink = s.InvoiceLink(inv.ID, inv.PublicLinkVersion)
	}
	return p, nil
}

// InvoiceSendPage is what the page to email an invoice shows: the invoice, and its client's address and contacts
// that the recipients default to.
type InvoiceSendPage struct {
	Invoice     Invoice
	ClientName  string
	ClientEmail string
	Contacts    []ClientContact // by name
}

// InvoiceSendPage reads the send page of an invoice.
func (s *Store) InvoiceSendPage(ctx context.Context, a Actor, id string) (InvoiceSendPage, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return InvoiceSendPage{}, err
	}
	var p InvoiceSendPage
	today, err := s.invoiceToday(ctx, s.db, a.OrgID)
	if err != nil {
		return p, err
	}
	if p.Invoice, err = s.loadInvoice(ctx, s.db, a, id, today); err != nil {
		return p, err
	}
	client, err := getClient(ctx, s.db, a.OrgID, p.Invoice.ClientID, false)
	if err != nil {
		return p, err
	}
	p.ClientName, p.ClientEmail = client.Name, client.Email
	if p.Contacts, err = listClientContacts(ctx, s.db, client.ID); err != nil {
		return p, err
	}
	return p, nil
}
