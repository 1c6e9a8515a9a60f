package views

import (
	"time"

	"github.com/trcr/trcr/store/vocab"
)

// View models of the clients pages (/clients…).

// ---------------------------------------------------------------------------
// Clients list

// ClientsView is GET /clients?q=&page=.
type ClientsView struct {
	Clients    []ClientRow
	Q          string
	Pagination Pagination
	// CanManage shows "New client" and the edit links (owners and admins).
	CanManage bool
	// ShowBilling adds the open balance and unbilled time columns (those who manage billing).
	ShowBilling bool
}

// ClientRow is one client of the list. Currency is the client's own, or the organization's when
// CurrencyIsDefault.
type ClientRow struct {
	ID                string
	Name              string
	Email             string
	Phone             string
	Location          string
	Currency          string
	CurrencyIsDefault bool
	HasRate           bool
	RateCents         int64
	OpenBalance       int64
	UnbilledSeconds   int64
}

// ---------------------------------------------------------------------------
// Create and edit

// ClientForm creates (POST /clients/new) or edits (POST /clients/{id}/edit) a client. HourlyRate is in major
// units as typed; Currency is empty for the organization's default. Errors keys: "name", "email", "phone",
// "street", "city", "state", "zip", "country", "currency", "hourly_rate", "notes".
type ClientForm struct {
	// ID is empty when creating.
	ID         string
	Name       string
	Email      string
	Phone      string
	Street     string
	City       string
	State      string
	Zip        string
	Country    string
	Currency   string
	HourlyRate string
	Notes      string
	// DefaultCurrency is the organization's currency, offered as the default choice.
	DefaultCurrency string
	Errors          map[string]string
	Error           string
}

// RateCurrency is the currency the hourly rate is typed in.
func (f ClientForm) RateCurrency() string { return orDefault(f.Currency, f.DefaultCurrency) }

// ClientEditView is GET /clients/{id}/edit.
type ClientEditView struct {
	ClientID   string
	ClientName string
	Form       ClientForm
	Delete     ClientDeleteForm
}

// ClientDeleteForm confirms deletion by typing the client's name (field "confirm_name"). Error shows a refusal,
// such as a client that still has invoices.
type ClientDeleteForm struct {
	ClientID    string
	ClientName  string
	ConfirmName string
	Errors      map[string]string
	Error       string
}

// ---------------------------------------------------------------------------
// Client page

// ClientView is GET /clients/{id}.
type ClientView struct {
	Client ClientInfo
	// CanCreateProject offers "New project" with this client chosen (owners and admins).
	CanCreateProject bool
	// CanManage shows the edit link and the contact and activity forms (owners and admins).
	CanManage bool
	// ShowMoney shows the open balance and the invoices (owners and admins).
	ShowMoney     bool
	OpenBalance   int64
	ProjectsCount int
	InvoicesCount int
	Contacts      ClientContactsView
	Activity      ClientActivityView
	Projects      []ClientProjectRow
	Invoices      []ClientInvoiceRow
}

// ClientInfo is a client's details.
type ClientInfo struct {
	ID    string
	Name  string
	Email string
	Phone string
	// Address holds the non-empty address lines, in postal order.
	Address           []string
	Currency          string
	CurrencyIsDefault bool
	HasRate           bool
	RateCents         int64
	Notes             string
}

// ClientContactsView is the contacts section of a client (#client-contacts).
type ClientContactsView struct {
	ClientID  string
	Contacts  []ClientContactRow
	Add       ClientContactForm
	CanManage bool
	// AddOpen shows the add form expanded (after a failed add).
	AddOpen bool
}

// ClientContactRow is one contact; Editing shows Form in its place.
type ClientContactRow struct {
	ClientID  string
	ID        string
	Name      string
	Email     string
	Phone     string
	Role      string
	CanManage bool
	Editing   bool
	Saved     bool
	Form      ClientContactForm
}

// ClientContactForm adds (POST /clients/{id}/contacts) or edits (POST /clients/{id}/contacts/{cid}/edit) a contact.
// Errors keys: "name", "email", "phone", "role".
type ClientContactForm struct {
	ClientID string
	// ID is empty when adding.
	ID     string
	Name   string
	Email  string
	Phone  string
	Role   string
	Errors map[string]string
	Error  string
}

// ClientActivityView is the activity timeline of a client (#client-activity), newest first.
type ClientActivityView struct {
	ClientID   string
	Items      []ClientActivityItem
	Type       string
	Pagination Pagination
	Add        ClientActivityForm
	CanManage  bool
	// AddOpen shows the log form expanded (after a failed add).
	AddOpen bool
	Now     time.Time
}

// ClientActivityItem is one entry of the timeline; Date is in the viewer's timezone.
type ClientActivityItem struct {
	ID          string
	Type        string
	Title       string
	Description string
	UserName    string
	Date        time.Time
}

// ClientActivityForm logs an activity (POST /clients/{id}/activities). Date is YYYY-MM-DD. FilterType keeps the
// timeline's filter across the post. Errors keys: "type", "title", "description", "date".
type ClientActivityForm struct {
	ClientID    string
	Type        string
	Title       string
	Description string
	Date        string
	FilterType  string
	Errors      map[string]string
	Error       string
}

// ClientActivityGroup is the timeline entries of one month.
type ClientActivityGroup struct {
	Label string
	Items []ClientActivityItem
}

// Groups splits the timeline by month, keeping its order.
func (v ClientActivityView) Groups() []ClientActivityGroup {
	var out []ClientActivityGroup
	for _, it := range v.Items {
		label := it.Date.Format("January 2006")
		if len(out) == 0 || out[len(out)-1].Label != label {
			out = append(out, ClientActivityGroup{Label: label})
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, it)
	}
	return out
}

// ClientProjectRow is a project of the client.
type ClientProjectRow struct {
	ID     string
	Name   string
	Color  string
	Status string
}

// ClientInvoiceRow is an invoice of the client; Status may be overdue.
type ClientInvoiceRow struct {
	ID        string
	Number    string
	Status    string
	IssueDate string
	DueDate   string
	Currency  string
	Total     int64
	Balance   int64
}

// clActivityLabel names an activity type for people.
func clActivityLabel(t string) string { return termLabel(vocab.ActivityTypes, t) }

func clActivityIcon(t string) string {
	switch t {
	case vocab.ActivityMeeting:
		return "handshake"
	case vocab.ActivityCall:
		return "phone"
	case vocab.ActivityEmail:
		return "mail"
	}
	return "sticky-note"
}

func clInvoiceStatusLabel(s string) string { return termLabel(vocab.InvoiceStatuses, s) }

func clInvoiceStatusTone(s string) string {
	switch s {
	case vocab.InvoiceSent:
		return "badge--info"
	case vocab.InvoiceOverdue:
		return "badge--danger"
	case vocab.InvoicePaid:
		return "badge--success"
	case vocab.InvoiceVoid:
		return "badge--neutral"
	}
	return "badge--warning"
}
