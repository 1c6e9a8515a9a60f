package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Milestone is a named date on a project, drawn on the Gantt chart; it is independent of tasks.
type Milestone struct {
	ID             string    `db:"id" json:"id"`
	OrganizationID string    `db:"organization_id" json:"organization_id"`
	ProjectID      string    `db:"project_id" json:"project_id"`
	Title          string    `db:"title" json:"title"`
	TargetDate     string    `db:"target_date" json:"target_date"`
	Color          string    `db:"color" json:"color"`
	Description    *string   `db:"description" json:"description"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
}

// DefaultMilestoneColor is the color of a milestone created without one.
const DefaultMilestoneColor = "#6366f1"

// MilestoneInput creates or updates a milestone. On update a nil field is left unchanged; SetDescription says
// whether description was given at all, so that a given null (Description nil) clears it.
type MilestoneInput struct {
	Title          *string
	TargetDate     *string
	Color          *string
	Description    *string
	SetDescription bool
}

const milestoneColumns = `id, organization_id, project_id, title, to_char(target_date, 'YYYY-MM-DD') AS target_date, color,
	description, created_at, updated_at`

// validate checks the given fields; create requires title and target_date.
func (in *MilestoneInput) validate(create bool) error {
	var v validator
	if in.Title != nil {
		t := strings.TrimSpace(*in.Title)
		in.Title = &t
		v.check(t != "", "title", "title is required")
		v.check(utf8.RuneCountInString(t) <= 255, "title", "title must be at most 255 characters")
	} else if create {
		v.add("title", "title is required")
	}
	if in.TargetDate != nil {
		_, ok := parseCalendarDate(*in.TargetDate)
		v.check(ok, "target_date", "target_date must be a date (YYYY-MM-DD)")
	} else if create {
		v.add("target_date", "target_date is required")
	}
	if in.Color != nil {
		c := normalizeHexColor(&v, "color", *in.Color)
		in.Color = &c
	}
	if in.Description != nil {
		// A blank description is no description.
		if d := strings.TrimSpace(*in.Description); d == "" {
			in.Description = nil
		}
	}
	return v.err()
}

// Milestones lists a project's milestones by target date, for anyone who can see the project.
func (s *Store) Milestones(ctx context.Context, a Actor, projectID string) ([]Milestone, error) {
	if _, err := visibleProject(ctx, s.db, a, projectID); err != nil {
		return nil, err
	}
	rows := []Milestone{}
	err := s.db.SelectContext(ctx, &rows, `SELECT `+milestoneColumns+` FROM milestones
		WHERE project_id = $1 AND organization_id = $2 ORDER BY target_date, created_at, id`, projectID, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("milestones: %w", err)
	}
	return rows, nil
}

// Milestone reads one milestone of a project the actor can see.
func (s *Store) Milestone(ctx context.Context, a Actor, id string) (Milestone, error) {
	m, err := getMilestone(ctx, s.db, a, id, false)
	if err != nil {
		return m, err
	}
	if _, err := visibleProject(ctx, s.db, a, m.ProjectID); err != nil {
		return m, fmt.Errorf("milestone: %w", ErrNotFound)
	}
	return m, nil
}

func getMilestone(ctx context.Context, q sqlx.QueryerContext, a Actor, id string, lock bool) (Milestone, error) {
	var m Milestone
	if !validID(id) {
		return m, fmt.Errorf("milestone: %w", ErrNotFound)
	}
	sql := `SELECT ` + milestoneColumns + ` FROM milestones WHERE id = $1 AND organization_id = $2`
	if lock {
		sql += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &m, sql, id, a.OrgID)
	return m, notFoundIfNoRows(err, "milestone")
}

// CreateMilestone adds a milestone to a project; it requires manage_tasks on the project.
func (s *Store) CreateMilestone(ctx context.Context, a Actor, projectID string, in MilestoneInput) (Milestone, error) {
	var m Milestone
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := manageableProject(ctx, tx, a, projectID); err != nil {
			return err
		}
		if err := in.validate(true); err != nil {
			return err
		}
		color := DefaultMilestoneColor
		if in.Color != nil {
			color = *in.Color
		}
		err := tx.GetContext(ctx, &m, `
			INSERT INTO milestones (organization_id, project_id, title, target_date, color, description)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+milestoneColumns,
			a.OrgID, projectID, *in.Title, *in.TargetDate, color, in.Description)
		if err != nil {
			return fmt.Errorf("create milestone: %w", err)
		}
		return audit(ctx, tx, a, ActionCreated, "milestone", m.ID, Changes{
			"project_id": {To: projectID}, "title": {To: m.Title}, "target_date": {To: m.TargetDate},
			"color": {To: m.Color}, "description": {To: m.Description},
		})
	})
	return m, err
}

// UpdateMilestone changes the given fields; it requires manage_tasks on the milestone's project.
func (s *Store) UpdateMilestone(ctx context.Context, a Actor, id string, in MilestoneInput) (Milestone, error) {
	var m Milestone
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := getMilestone(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if _, err := manageableProject(ctx, tx, a, before.ProjectID); err != nil {
			return err
		}
		if err := in.validate(false); err != nil {
			return err
		}
		desc := before.Description
		if in.SetDescription {
			desc = in.Description
		}
		err = tx.GetContext(ctx, &m, `
			UPDATE milestones SET title = coalesce($2, title), target_date = coalesce($3::date, target_date),
				color = coalesce($4, color), description = $5, updated_at = now()
			WHERE id = $1 RETURNING `+milestoneColumns, before.ID, in.Title, in.TargetDate, in.Color, desc)
		if err != nil {
			return fmt.Errorf("update milestone: %w", err)
		}
		ch := Changes{}
		ch.set("title", before.Title, m.Title)
		ch.set("target_date", before.TargetDate, m.TargetDate)
		ch.set("color", before.Color, m.Color)
		ch.set("description", before.Description, m.Description)
		return audit(ctx, tx, a, ActionUpdated, "milestone", m.ID, ch)
	})
	return m, err
}

// DeleteMilestone removes a milestone; it requires manage_tasks on its project.
func (s *Store) DeleteMilestone(ctx context.Context, a Actor, id string) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		m, err := getMilestone(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if _, err := manageableProject(ctx, tx, a, m.ProjectID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM milestones WHERE id = $1`, m.ID); err != nil {
			return fmt.Errorf("delete milestone: %w", err)
		}
		return audit(ctx, tx, a, ActionDeleted, "milestone", m.ID, Changes{
			"project_id": {From: m.ProjectID}, "title": {From: m.Title}, "target_date": {From: m.TargetDate},
		})
	})
}
