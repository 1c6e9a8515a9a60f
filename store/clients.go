package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// Client is a customer of the organization: who projects are done for and invoices are sent to.
type Client struct {
	ID             string    `db:"id" json:"id"`
	OrganizationID string    `db:"organization_id" json:"organization_id"`
	Name           string    `db:"name" json:"name"`
	Email          string    `db:"email" json:"email"`
	Phone          string    `db:"phone" json:"phone"`
	Address        Address   `db:"address" json:"address"`
	Currency       *string   `db:"currency" json:"currency"`
	HourlyRate     *int64    `db:"hourly_rate" json:"hourly_rate"`
	Notes          string    `db:"notes" json:"notes"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
}

// ClientDetail is a client with the figures GET /clients/:id adds: the open balance of its sent (including
// overdue) invoices, and how many projects (that the caller can see) and invoices it has.
type ClientDetail struct {
	Client
	OpenBalance   *int64 `db:"open_balance" json:"open_balance,omitempty"` // owners and admins only: invoices are theirs
	ProjectsCount int    `db:"projects_count" json:"projects_count"`
	InvoicesCount int    `db:"invoices_count" json:"invoices_count"`
}

// Address is a client's postal address, stored as one jsonb value; every key is always present.
type Address struct {
	Street  string `json:"street"`
	City    string `json:"city"`
	State   string `json:"state"`
	Zip     string `json:"zip"`
	Country string `json:"country"`
}

// Scan reads the jsonb column.
func (ad *Address) Scan(src any) error {
	*ad = Address{}
	switch v := src.(type) {
	case nil:
		return nil
	case []byte:
		return json.Unmarshal(v, ad)
	case string:
		return json.Unmarshal([]byte(v), ad)
	}
	return fmt.Errorf("address: cannot scan %T", src)
}

// Value writes the jsonb column.
func (ad Address) Value() (driver.Value, error) {
	b, err := json.Marshal(ad)
	return string(b), err
}

func (ad *Address) validate(v *validator) {
	fields := []struct {
		name string
		val  *string
	}{{"street", &ad.Street}, {"city", &ad.City}, {"state", &ad.State}, {"zip", &ad.Zip}, {"country", &ad.Country}}
	for _, f := range fields {
		*f.val = strings.TrimSpace(*f.val)
		maxLength(v, "address."+f.name, *f.val, maxShortText)
	}
}

const clientColumns = `c.id, c.organization_id, c.name, c.email, c.phone, c.address, c.currency, c.hourly_rate, c.notes,
	c.created_at, c.updated_at`

// maxShortText bounds one-line free text such as phones, roles and address lines.
const maxShortText = 255

func maxLength(v *validator, field, s string, n int) {
	v.check(utf8.RuneCountInString(s) <= n, field, fmt.Sprintf("%s must be at most %d characters", field, n))
}

// optionalEmail trims an address that may be empty and validates it when it is not.
func optionalEmail(v *validator, field, email string) string {
	email = strings.TrimSpace(email)
	if email == "" {
		return ""
	}
	return normalizeEmail(v, field, email)
}

// ClientFilter narrows GET /clients.
type ClientFilter struct {
	Search string // case-insensitive substring of the name or the email
	Page   Page
}

// Clients lists the organization's clients by name. Any member.
func (s *Store) Clients(ctx context.Context, a Actor, f ClientFilter) (List[Client], error) {
	q := newQuery("c.organization_id = $1", a.OrgID)
	if search := strings.TrimSpace(f.Search); search != "" {
		pattern := "%" + escapeLike(search) + "%"
		q.where("(c.name ILIKE ? OR c.email ILIKE ?)", pattern, pattern)
	}
	out := List[Client]{Page: f.Page.Number(), PerPage: f.Page.Size(), Items: []Client{}}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM clients c WHERE `+q.cond(), q.args...); err != nil {
		return out, fmt.Errorf("clients: %w", err)
	}
	err := s.db.SelectContext(ctx, &out.Items, `SELECT `+clientColumns+` FROM clients c WHERE `+q.cond()+`
		ORDER BY lower(c.name), c.id `+q.limit(f.Page), q.args...)
	if err != nil {
		return out, fmt.Errorf("clients: %w", err)
	}
	return out, nil
}

// getClient loads a client of the organization; an id that is not a UUID or another organization's is ErrNotFound.
// lock takes FOR UPDATE, which also keeps invoices, projects and contacts from being attached meanwhile.
func getClient(ctx context.Context, q sqlx.QueryerContext, orgID, id string, lock bool) (Client, error) {
	var c Client
	if !validID(id) {
		return c, fmt.Errorf("client: %w", ErrNotFound)
	}
	query := `SELECT ` + clientColumns + ` FROM clients c WHERE c.id = $1 AND c.organization_id = $2`
	if lock {
		query += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &c, query, id, orgID)
	return c, notFoundIfNoRows(err, "client")
}

// Client reads one client with its open balance and counts. Any member; projects_count counts only the projects
// the caller can see.
func (s *Store) Client(ctx context.Context, a Actor, id string) (ClientDetail, error) {
	var d ClientDetail
	if !validID(id) {
		return d, fmt.Errorf("client: %w", ErrNotFound)
	}
	vis := newQuery("p.client_id = c.id")
	visibleProjectsCond(vis, a, "p.id")
	// The client's own placeholders are numbered after the visibility condition's.
	idArg, orgArg := vis.arg(id), vis.arg(a.OrgID)
	err := s.db.GetContext(ctx, &d, `
		SELECT `+clientColumns+`,
			(SELECT `+centsOf("coalesce(sum(i.total - i.amount_paid), 0)")+` FROM invoices i
				WHERE i.client_id = c.id AND i.status = 'sent') AS open_balance,
			(SELECT count(*) FROM projects p WHERE `+vis.cond()+`) AS projects_count,
			(SELECT count(*) FROM invoices i WHERE i.client_id = c.id) AS invoices_count
		FROM clients c WHERE c.id = `+idArg+` AND c.organization_id = `+orgArg, vis.args...)
	if err != nil {
		return d, notFoundIfNoRows(err, "client")
	}
	if !a.Permissions().ManageBilling {
		d.OpenBalance = nil
	}
	return d, nil
}

// ClientProjects lists the client's projects that the caller can see, by name. Any member.
func (s *Store) ClientProjects(ctx context.Context, a Actor, clientID string) ([]Project, error) {
	if _, err := getClient(ctx, s.db, a.OrgID, clientID, false); err != nil {
		return nil, err
	}
	return s.listClientProjects(ctx, a, clientID)
}

// listClientProjects lists the projects of a client already found in the actor's organization that the actor
// can see, by name.
func (s *Store) listClientProjects(ctx context.Context, a Actor, clientID string) ([]Project, error) {
	q := newQuery("organization_id = $1 AND client_id = $2", a.OrgID, clientID)
	visibleProjectsCond(q, a, "id")
	out := []Project{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+projectColumns+` FROM projects WHERE `+q.cond()+`
		ORDER BY lower(name), id`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("client projects: %w", err)
	}
	return out, nil
}

// ClientInput creates or updates a client; nil fields are left alone (or take their defaults on create).
// Address replaces the whole address (a zero Address clears it). A currency that is empty, or ClearCurrency,
// clears the currency; ClearHourlyRate clears the rate. HourlyRateText is the rate as a form sends it, in major
// units of the client's currency (or the organization's); it takes the place of HourlyRate, and blank clears it.
type ClientInput struct {
	Name            *string
	Email           *string
	Phone           *string
	Address         *Address
	Currency        *string
	ClearCurrency   bool
	HourlyRate      *int64
	HourlyRateText  *string
	ClearHourlyRate bool
	Notes           *string
}

// validate checks the fields that are set and normalizes them in place.
func (in *ClientInput) validate(v *validator) {
	if in.Name != nil {
		n := validateName(v, "name", *in.Name)
		in.Name = &n
	}
	if in.Email != nil {
		e := optionalEmail(v, "email", *in.Email)
		in.Email = &e
	}
	if in.Phone != nil {
		p := strings.TrimSpace(*in.Phone)
		maxLength(v, "phone", p, maxShortText)
		in.Phone = &p
	}
	if in.Address != nil {
		ad := *in.Address
		ad.validate(v)
		in.Address = &ad
	}
	if in.Currency != nil && !in.ClearCurrency {
		c := strings.ToUpper(strings.TrimSpace(*in.Currency))
		if c == "" {
			in.ClearCurrency = true
		} else {
			v.check(vocab.IsCurrency(c), "currency", "currency must be an ISO 4217 currency code such as USD")
		}
		in.Currency = &c
	}
	if in.HourlyRate != nil && !in.ClearHourlyRate {
		v.check(*in.HourlyRate >= 0, "hourly_rate", "hourly_rate must be zero or more (cents per hour)")
		checkAmount(v, "hourly_rate", *in.HourlyRate)
	}
	if in.Notes != nil {
		n := strings.TrimSpace(*in.Notes)
		maxLength(v, "notes", n, maxDescription)
		in.Notes = &n
	}
}

// parseRate reads HourlyRateText in major units of the client's currency, as it is after the input: currency
// is the client's current one (nil for a new client or none).
func (in *ClientInput) parseRate(ctx context.Context, q sqlx.QueryerContext, v *validator, orgID string, currency *string) error {
	if in.HourlyRateText == nil {
		return nil
	}
	if strings.TrimSpace(*in.HourlyRateText) == "" {
		in.HourlyRate, in.ClearHourlyRate = nil, true
		return nil
	}
	if in.ClearCurrency {
		currency = nil
	} else if in.Currency != nil {
		currency = in.Currency
	}
	code := ""
	if currency != nil {
		code = *currency
	} else {
		var err error
		if code, err = orgCurrency(ctx, q, orgID); err != nil {
			return err
		}
	}
	in.HourlyRate = parseMajorUnits(v, "hourly_rate", *in.HourlyRateText, currencyDecimals(code))
	return nil
}

// apply copies the set fields of a validated input onto c.
func (in ClientInput) apply(c *Client) {
	if in.Name != nil {
		c.Name = *in.Name
	}
	if in.Email != nil {
		c.Email = *in.Email
	}
	if in.Phone != nil {
		c.Phone = *in.Phone
	}
	if in.Address != nil {
		c.Address = *in.Address
	}
	if in.ClearCurrency {
		c.Currency = nil
	} else if in.Currency != nil {
		c.Currency = in.Currency
	}
	if in.ClearHourlyRate {
		c.HourlyRate = nil
	} else if in.HourlyRate != nil {
		c.HourlyRate = in.HourlyRate
	}
	if in.Notes != nil {
		c.Notes = *in.Notes
	}
}

func requireClientsWrite(a Actor) error {
	return require(a.Permissions().ManageClients, "only owners and admins can change clients")
}

// ClientFormData is what the form to add or change a client needs: the client (zero for a new one) and the
// organization's currency, which a client without its own bills in.
type ClientFormData struct {
	Client      Client
	OrgCurrency string
}

// ClientForm reads what the form to add a client (id "") or change one needs. Owners and admins only; another
// organization's client is ErrNotFound.
func (s *Store) ClientForm(ctx context.Context, a Actor, id string) (ClientFormData, error) {
	var d ClientFormData
	if id != "" {
		c, err := getClient(ctx, s.db, a.OrgID, id, false)
		if err != nil {
			return d, err
		}
		d.Client = c
	}
	if err := requireClientsWrite(a); err != nil {
		return d, err
	}
	var err error
	d.OrgCurrency, err = orgCurrency(ctx, s.db, a.OrgID)
	return d, err
}

// CreateClient adds a client. Owners and admins only.
func (s *Store) CreateClient(ctx context.Context, a Actor, in ClientInput) (Client, error) {
	if err := requireClientsWrite(a); err != nil {
		return Client{}, err
	}
	var v validator
	if in.Name == nil {
		v.add("name", "name is required")
	}
	in.validate(&v)
	if err := in.parseRate(ctx, s.db, &v, a.OrgID, nil); err != nil {
		return Client{}, err
	}
	if err := v.err(); err != nil {
		return Client{}, err
	}
	var c Client
	in.apply(&c)
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &c, `
			INSERT INTO clients AS c (organization_id, name, email, phone, address, currency, hourly_rate, notes)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+clientColumns,
			a.OrgID, c.Name, c.Email, c.Phone, c.Address, c.Currency, c.HourlyRate, c.Notes)
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "client", c.ID, Changes{
			"name": {To: c.Name}, "email": {To: c.Email}, "phone": {To: c.Phone}, "address": {To: c.Address},
			"currency": {To: c.Currency}, "hourly_rate": {To: c.HourlyRate}, "notes": {To: c.Notes},
		})
	})
	if err != nil {
		return Client{}, fmt.Errorf("create client: %w", err)
	}
	return c, nil
}

// UpdateClient changes a client. Owners and admins only.
func (s *Store) UpdateClient(ctx context.Context, a Actor, id string, in ClientInput) (Client, error) {
	var c Client
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := getClient(ctx, tx, a.OrgID, id, true)
		if err != nil {
			return err
		}
		if err := requireClientsWrite(a); err != nil {
			return err
		}
		var v validator
		in.validate(&v)
		if err := in.parseRate(ctx, tx, &v, a.OrgID, before.Currency); err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		c = before
		in.apply(&c)
		ch := Changes{}
		ch.set("name", before.Name, c.Name)
		ch.set("email", before.Email, c.Email)
		ch.set("phone", before.Phone, c.Phone)
		ch.set("address", before.Address, c.Address)
		ch.set("currency", before.Currency, c.Currency)
		ch.set("hourly_rate", before.HourlyRate, c.HourlyRate)
		ch.set("notes", before.Notes, c.Notes)
		if len(ch) == 0 {
			return nil
		}
		err = tx.GetContext(ctx, &c, `
			UPDATE clients c SET name = $2, email = $3, phone = $4, address = $5, currency = $6, hourly_rate = $7,
				notes = $8, updated_at = now()
			WHERE c.id = $1 RETURNING `+clientColumns,
			id, c.Name, c.Email, c.Phone, c.Address, c.Currency, c.HourlyRate, c.Notes)
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionUpdated, "client", c.ID, ch)
	})
	if err != nil {
		return Client{}, fmt.Errorf("update client: %w", err)
	}
	return c, nil
}

var errClientHasInvoices = conflict("the client has invoices; void or delete them first")

// DeleteClient deletes a client with its contacts and activities; its projects lose their client. A client with
// invoices cannot be deleted (invoices.client_id is ON DELETE RESTRICT). Owners and admins only.
func (s *Store) DeleteClient(ctx context.Context, a Actor, id string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// The row lock makes the invoice check hold: creating an invoice for the client takes a key-share lock on
		// it, so no invoice can appear between the check and the delete.
		c, err := getClient(ctx, tx, a.OrgID, id, true)
		if err != nil {
			return err
		}
		if err := requireClientsWrite(a); err != nil {
			return err
		}
		var hasInvoices bool
		if err := tx.GetContext(ctx, &hasInvoices, `SELECT EXISTS (SELECT 1 FROM invoices WHERE client_id = $1)`, id); err != nil {
			return err
		}
		if hasInvoices {
			return errClientHasInvoices
		}
		// Detach the projects here rather than through ON DELETE SET NULL so each change is audited.
		var projectIDs []string
		if err := tx.SelectContext(ctx, &projectIDs, `
			UPDATE projects SET client_id = NULL, updated_at = now() WHERE client_id = $1 RETURNING id`, id); err != nil {
			return err
		}
		for _, pid := range projectIDs {
			if err := audit(ctx, tx, a, ActionUpdated, "project", pid, Changes{"client_id": {From: id, To: nil}}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM clients WHERE id = $1`, id); err != nil {
			if isForeignKeyViolation(err) {
				return errClientHasInvoices
			}
			return err
		}
		return audit(ctx, tx, a, ActionDeleted, "client", id, Changes{"name": {From: c.Name}, "email": {From: c.Email}})
	})
	if err != nil {
		return fmt.Errorf("delete client: %w", err)
	}
	return nil
}

// isForeignKeyViolation reports whether err is a foreign-key violation.
func isForeignKeyViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23503"
}

// lockClientForWrite readies a change to something of a client's (a contact, an activity): the client must be
// one of the organization's (else ErrNotFound), stays key-share locked so it cannot be deleted under the change,
// and the caller must be allowed to change clients.
func lockClientForWrite(ctx context.Context, tx *sqlx.Tx, a Actor, clientID string) error {
	ok, err := lockClientOfOrg(ctx, tx, a.OrgID, clientID)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("client: %w", ErrNotFound)
	}
	return requireClientsWrite(a)
}

// lockClientOfOrg checks that clientID names a client of the organization and holds a key-share lock on it until
// the transaction ends, so a concurrent delete cannot break the reference about to be written.
func lockClientOfOrg(ctx context.Context, tx *sqlx.Tx, orgID, clientID string) (bool, error) {
	if !validID(clientID) {
		return false, nil
	}
	var id string
	err := tx.GetContext(ctx, &id, `SELECT id FROM clients WHERE id = $1 AND organization_id = $2 FOR KEY SHARE`, clientID, orgID)
	if isNoRows(err) {
		return false, nil
	}
	return err == nil, err
}
