package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Label tags tasks across an organization's projects.
type Label struct {
	ID             string    `db:"id" json:"id"`
	OrganizationID string    `db:"organization_id" json:"organization_id"`
	Name           string    `db:"name" json:"name"`
	Color          string    `db:"color" json:"color"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
}

const labelColumns = `id, organization_id, name, color, created_at, updated_at`

// LabelInput creates or updates a label; nil fields are left alone (or take their defaults on create).
type LabelInput struct {
	Name  *string
	Color *string
}

func (in *LabelInput) validate(v *validator) {
	if in.Name != nil {
		n := validateName(v, "name", *in.Name)
		in.Name = &n
	}
	if in.Color != nil {
		c := normalizeHexColor(v, "color", *in.Color)
		in.Color = &c
	}
}

var errDuplicateLabel = conflict("a label with this name already exists")

// Labels lists the organization's labels by name. Any member.
func (s *Store) Labels(ctx context.Context, a Actor) ([]Label, error) {
	return labelsFrom(ctx, s.db, a)
}

func labelsFrom(ctx context.Context, q sqlx.QueryerContext, a Actor) ([]Label, error) {
	out := []Label{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+labelColumns+` FROM labels WHERE organization_id = $1 ORDER BY lower(name), id`, a.OrgID)
	return out, err
}

func getLabel(ctx context.Context, q sqlx.QueryerContext, orgID, id string, lock bool) (Label, error) {
	var l Label
	if !validID(id) {
		return l, fmt.Errorf("label: %w", ErrNotFound)
	}
	query := `SELECT ` + labelColumns + ` FROM labels WHERE id = $1 AND organization_id = $2`
	if lock {
		query += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &l, query, id, orgID)
	return l, notFoundIfNoRows(err, "label")
}

// CreateLabel adds a label; names are unique in the organization regardless of case. Any member.
func (s *Store) CreateLabel(ctx context.Context, a Actor, in LabelInput) (Label, error) {
	if err := require(a.Permissions().CreateLabels, msgAdminRole); err != nil {
		return Label{}, err
	}
	var v validator
	if in.Name == nil {
		v.add("name", "name is required")
	}
	if in.Color == nil {
		v.add("color", "color is required")
	}
	in.validate(&v)
	if err := v.err(); err != nil {
		return Label{}, err
	}
	color := *in.Color
	var l Label
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &l, `
			INSERT INTO labels (organization_id, name, color) VALUES ($1, $2, $3) RETURNING `+labelColumns,
			a.OrgID, *in.Name, color)
		if isUniqueViolation(err, "labels_org_name_key") {
			return errDuplicateLabel
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "label", l.ID, Changes{"name": {To: l.Name}, "color": {To: l.Color}})
	})
	if err != nil {
		return Label{}, fmt.Errorf("create label: %w", err)
	}
	return l, nil
}

// UpdateLabel renames or recolors a label. Owners and admins only.
func (s *Store) UpdateLabel(ctx context.Context, a Actor, id string, in LabelInput) (Label, error) {
	var l Label
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := getLabel(ctx, tx, a.OrgID, id, true)
		if err != nil {
			return err
		}
		if err := require(a.Permissions().EditLabels, "only owners and admins can edit labels"); err != nil {
			return err
		}
		var v validator
		in.validate(&v)
		if err := v.err(); err != nil {
			return err
		}
		l = before
		if in.Name != nil {
			l.Name = *in.Name
		}
		if in.Color != nil {
			l.Color = *in.Color
		}
		ch := Changes{}
		ch.set("name", before.Name, l.Name)
		ch.set("color", before.Color, l.Color)
		if len(ch) == 0 {
			return nil
		}
		err = tx.GetContext(ctx, &l, `
			UPDATE labels SET name = $2, color = $3, updated_at = now() WHERE id = $1 RETURNING `+labelColumns,
			id, l.Name, l.Color)
		if isUniqueViolation(err, "labels_org_name_key") {
			return errDuplicateLabel
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionUpdated, "label", l.ID, ch)
	})
	if err != nil {
		return Label{}, fmt.Errorf("update label: %w", err)
	}
	return l, nil
}

// DeleteLabel deletes a label and removes it from every task. Owners and admins only.
func (s *Store) DeleteLabel(ctx context.Context, a Actor, id string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		l, err := getLabel(ctx, tx, a.OrgID, id, true)
		if err != nil {
			return err
		}
		if err := require(a.Permissions().EditLabels, "only owners and admins can delete labels"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM labels WHERE id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionDeleted, "label", id, Changes{"name": {From: l.Name}, "color": {From: l.Color}})
	})
	if err != nil {
		return fmt.Errorf("delete label: %w", err)
	}
	return nil
}
