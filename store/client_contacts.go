package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// ClientContact is a person at a client: who to call, and who invoices can be emailed to.
type ClientContact struct {
	ID        string    `db:"id" json:"id"`
	ClientID  string    `db:"client_id" json:"client_id"`
	Name      string    `db:"name" json:"name"`
	Email     string    `db:"email" json:"email"`
	Phone     string    `db:"phone" json:"phone"`
	Role      string    `db:"role" json:"role"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
}

const contactColumns = `id, client_id, name, email, phone, role, created_at, updated_at`

// ClientContactInput creates or updates a contact; nil fields are left alone (or are empty on create).
type ClientContactInput struct {
	Name  *string
	Email *string
	Phone *string
	Role  *string
}

func (in *ClientContactInput) validate(v *validator) {
	if in.Name != nil {
		n := validateName(v, "name", *in.Name)
		in.Name = &n
	}
	if in.Email != nil {
		e := optionalEmail(v, "email", *in.Email)
		in.Email = &e
	}
	for _, f := range []struct {
		name string
		val  **string
	}{{"phone", &in.Phone}, {"role", &in.Role}} {
		if *f.val == nil {
			continue
		}
		s := strings.TrimSpace(**f.val)
		maxLength(v, f.name, s, maxShortText)
		*f.val = &s
	}
}

func (in ClientContactInput) apply(c *ClientContact) {
	if in.Name != nil {
		c.Name = *in.Name
	}
	if in.Email != nil {
		c.Email = *in.Email
	}
	if in.Phone != nil {
		c.Phone = *in.Phone
	}
	if in.Role != nil {
		c.Role = *in.Role
	}
}

// ClientContacts lists a client's contacts by name. Any member.
func (s *Store) ClientContacts(ctx context.Context, a Actor, clientID string) ([]ClientContact, error) {
	if _, err := getClient(ctx, s.db, a.OrgID, clientID, false); err != nil {
		return nil, err
	}
	return listClientContacts(ctx, s.db, clientID)
}

// listClientContacts lists the contacts of a client already found in the actor's organization, by name.
func listClientContacts(ctx context.Context, q sqlx.QueryerContext, clientID string) ([]ClientContact, error) {
	out := []ClientContact{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+contactColumns+` FROM client_contacts
		WHERE client_id = $1 ORDER BY lower(name), id`, clientID)
	if err != nil {
		return nil, fmt.Errorf("client contacts: %w", err)
	}
	return out, nil
}

// getContact loads a contact of the given client; a contact of another client is ErrNotFound. lock takes FOR
// UPDATE.
func getContact(ctx context.Context, q sqlx.QueryerContext, clientID, id string, lock bool) (ClientContact, error) {
	var c ClientContact
	if !validID(id) {
		return c, fmt.Errorf("client contact: %w", ErrNotFound)
	}
	query := `SELECT ` + contactColumns + ` FROM client_contacts WHERE id = $1 AND client_id = $2`
	if lock {
		query += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &c, query, id, clientID)
	return c, notFoundIfNoRows(err, "client contact")
}

// ClientContact reads one contact of a client. Any member.
func (s *Store) ClientContact(ctx context.Context, a Actor, clientID, id string) (ClientContact, error) {
	if _, err := getClient(ctx, s.db, a.OrgID, clientID, false); err != nil {
		return ClientContact{}, err
	}
	return getContact(ctx, s.db, clientID, id, false)
}

// ClientContactForm reads a contact for its edit form. Owners and admins only, like the change itself.
func (s *Store) ClientContactForm(ctx context.Context, a Actor, clientID, id string) (ClientContact, error) {
	c, err := s.ClientContact(ctx, a, clientID, id)
	if err != nil {
		return ClientContact{}, err
	}
	if err := requireClientsWrite(a); err != nil {
		return ClientContact{}, err
	}
	return c, nil
}

// CreateClientContact adds a contact to a client. Owners and admins only.
func (s *Store) CreateClientContact(ctx context.Context, a Actor, clientID string, in ClientContactInput) (ClientContact, error) {
	var c ClientContact
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockClientForWrite(ctx, tx, a, clientID); err != nil {
			return err
		}
		var v validator
		if in.Name == nil {
			v.add("name", "name is required")
		}
		in.validate(&v)
		if err := v.err(); err != nil {
			return err
		}
		in.apply(&c)
		err := tx.GetContext(ctx, &c, `
			INSERT INTO client_contacts (organization_id, client_id, name, email, phone, role)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+contactColumns,
			a.OrgID, clientID, c.Name, c.Email, c.Phone, c.Role)
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "client_contact", c.ID, Changes{
			"client_id": {To: c.ClientID}, "name": {To: c.Name}, "email": {To: c.Email}, "phone": {To: c.Phone}, "role": {To: c.Role},
		})
	})
	if err != nil {
		return ClientContact{}, fmt.Errorf("create client contact: %w", err)
	}
	return c, nil
}

// UpdateClientContact changes a contact of a client. Owners and admins only.
func (s *Store) UpdateClientContact(ctx context.Context, a Actor, clientID, id string, in ClientContactInput) (ClientContact, error) {
	var c ClientContact
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := getClient(ctx, tx, a.OrgID, clientID, false); err != nil {
			return err
		}
		before, err := getContact(ctx, tx, clientID, id, true)
		if err != nil {
			return err
		}
		if err := requireClientsWrite(a); err != nil {
			return err
		}
		var v validator
		in.validate(&v)
		if err := v.err(); err != nil {
			return err
		}
		c = before
		in.apply(&c)
		ch := Changes{}
		ch.set("name", before.Name, c.Name)
		ch.set("email", before.Email, c.Email)
		ch.set("phone", before.Phone, c.Phone)
		ch.set("role", before.Role, c.Role)
		if len(ch) == 0 {
			return nil
		}
		err = tx.GetContext(ctx, &c, `
			UPDATE client_contacts SET name = $2, email = $3, phone = $4, role = $5, updated_at = now()
			WHERE id = $1 RETURNING `+contactColumns, id, c.Name, c.Email, c.Phone, c.Role)
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionUpdated, "client_contact", c.ID, ch)
	})
	if err != nil {
		return ClientContact{}, fmt.Errorf("update client contact: %w", err)
	}
	return c, nil
}

// DeleteClientContact removes a contact from a client. Owners and admins only.
func (s *Store) DeleteClientContact(ctx context.Context, a Actor, clientID, id string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := getClient(ctx, tx, a.OrgID, clientID, false); err != nil {
			return err
		}
		c, err := getContact(ctx, tx, clientID, id, true)
		if err != nil {
			return err
		}
		if err := requireClientsWrite(a); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM client_contacts WHERE id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionDeleted, "client_contact", id, Changes{
			"client_id": {From: c.ClientID}, "name": {From: c.Name}, "email": {From: c.Email},
		})
	})
	if err != nil {
		return fmt.Errorf("delete client contact: %w", err)
	}
	return nil
}
