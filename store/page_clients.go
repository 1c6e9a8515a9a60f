package store

import "context"

// ClientsPage is what the client list shows: a page of clients, and the organization's currency that a client
// without its own is billed in.
type ClientsPage struct {
	Clients  List[Client]
	Currency string
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
	return p, nil
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
