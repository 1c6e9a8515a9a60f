package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// ClientsPage is what the client list shows: a page of clients, and the organization's currency that a client
// without its own is billed in.
type ClientsPage struct {
	Clients  List[Client]
	Currency string
	// Billing is each listed client's open balance and unbilled time, by client id; nil for those who do not
	// manage billing.
	Billing map[string]ClientBilling
}

// ClientBilling is what a client owes (the balance of its sent invoices, in their currency) and the billable
// time of its projects not yet invoiced.
type ClientBilling struct {
	OpenBalance     int64 `db:"open_balance"`
	UnbilledSeconds int64 `db:"unbilled_seconds"`
}

// ClientsPage reads the client list for any member.
func (s *Store) ClientsPage(ctx context.Context, a Actor, f ClientFilter) (ClientsPage, error) {
	var p ClientsPage
	var err error
	if p.Clients, err = s.Clients(ctx, a, f); err != nil {
		return ClientsPage{}, err
	}
	if p.Currency, err = orgCurrency(ctx, s.db, a.OrgID); err != nil {
		return ClientsPage{}, err
	}
	if a.Permissions().ManageBilling {
		if p.Billing, err = s.clientsBilling(ctx, a, p.Clients.Items); err != nil {
			return ClientsPage{}, err
		}
	}
	return p, nil
}

func (s *Store) clientsBilling(ctx context.Context, a Actor, clients []Client) (map[string]ClientBilling, error) {
	ids := make([]string, len(clients))
	for i, c := range clients {
		ids[i] = c.ID
	}
	var rows []struct {
		ID string `db:"id"`
		ClientBilling
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT c.id,
			(SELECT `+centsOf("coalesce(sum(i.total - i.amount_paid), 0)")+` FROM invoices i
				WHERE i.client_id = c.id AND i.status = 'sent') AS open_balance,
			(SELECT coalesce(sum(te.duration_seconds), 0) FROM time_entries te JOIN projects p ON p.id = te.project_id
				WHERE p.client_id = c.id AND te.organization_id = $1 AND te.invoice_id IS NULL AND te.billable
				AND te.stopped_at IS NOT NULL) AS unbilled_seconds
		FROM clients c WHERE c.organization_id = $1 AND c.id = ANY($2::uuid[])`, a.OrgID, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("clients billing: %w", err)
	}
	out := make(map[string]ClientBilling, len(rows))
	for _, r := range rows {
		out[r.ID] = r.ClientBilling
	}
	return out, nil
}

// ClientPageInvoices bounds the invoices listed on a client's page; its header counts them all.
const ClientPageInvoices = 50

// ClientPage is what a client's page shows: the client with its counts (and its open balance for those who manage
// billing), the organization's currency, its contacts, a page of its timeline, the projects the actor can see and,
// for those who manage billing, its latest invoices.
type ClientPage struct {
	Client     ClientDetail
	Currency   string // the organization's, which a client without its own is billed in
	Contacts   []ClientContact
	Activities List[ClientActivity]
	Projects   []Project
	// Invoices are the latest ClientPageInvoices, newest first; nil for those who do not manage billing.
	Invoices []Invoice
	// EditContactID is the contact shown with its edit form, as stored; "" for none.
	EditContactID string
}

// ClientPageQuery is what a client's page asks for besides the client: a page of its timeline, and the contact
// shown with its edit form ("" for none).
type ClientPageQuery struct {
	Activity    ClientActivityFilter
	EditContact string
}

// ClientPage reads a client's page for any member. A contact to edit is refused as its edit form is
// (ClientContactForm): to those who may not change it, or when it is not the client's.
func (s *Store) ClientPage(ctx context.Context, a Actor, id string, q ClientPageQuery) (ClientPage, error) {
	var p ClientPage
	var err error
	if q.EditContact != "" {
		ct, err := s.ClientContactForm(ctx, a, id, q.EditContact)
		if err != nil {
			return ClientPage{}, err
		}
		p.EditContactID = ct.ID
	}
	if p.Client, err = s.Client(ctx, a, id); err != nil {
		return ClientPage{}, err
	}
	id = p.Client.ID
	if p.Currency, err = orgCurrency(ctx, s.db, a.OrgID); err != nil {
		return ClientPage{}, err
	}
	if p.Contacts, err = listClientContacts(ctx, s.db, id); err != nil {
		return ClientPage{}, err
	}
	if p.Activities, err = s.listClientActivities(ctx, id, q.Activity); err != nil {
		return ClientPage{}, err
	}
	if p.Projects, err = s.listClientProjects(ctx, a, id); err != nil {
		return ClientPage{}, err
	}
	if a.Permissions().ManageBilling {
		invoices, err := s.Invoices(ctx, a, InvoiceFilter{ClientID: id, Page: Page{Per: ClientPageInvoices}})
		if err != nil {
			return ClientPage{}, err
		}
		p.Invoices = invoices.Items
	}
	return p, nil
}
