package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// TaskStatus is one of an organization's custom statuses; the built-ins (open, in_progress, done, closed) are not
// stored and not listed.
type TaskStatus struct {
	ID               string    `db:"id" json:"id"`
	OrganizationID   string    `db:"organization_id" json:"organization_id"`
	Code             string    `db:"code" json:"code"`
	Label            string    `db:"label" json:"label"`
	Color            string    `db:"color" json:"color"`
	Position         int       `db:"position" json:"position"`
	IsTerminal       bool      `db:"is_terminal" json:"is_terminal"`
	SupportsProgress bool      `db:"supports_progress" json:"supports_progress"`
	ProgressEditable bool      `db:"progress_editable" json:"progress_editable"`
	OnComplete       string    `db:"on_complete" json:"on_complete"`
	NextStatusCode   *string   `db:"next_status_code" json:"next_status_code"`
	CreatedAt        time.Time `db:"created_at" json:"created_at"`
	UpdatedAt        time.Time `db:"updated_at" json:"updated_at"`
}

// What a status does when a task's progress reaches 100 (aliases kept for existing callers; new code uses vocab).
const (
	OnCompleteNone        = vocab.OnCompleteNone
	OnCompleteAutoAdvance = vocab.OnCompleteAutoAdvance
)

// DefaultTaskStatus is where tasks go when their custom status is deleted.
const DefaultTaskStatus = vocab.DefaultStatus

const taskStatusColumns = `id, organization_id, code, label, color, position, is_terminal, supports_progress,
	progress_editable, on_complete, next_status_code, created_at, updated_at`

var statusCodePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,49}$`)

// TaskStatusInput creates or updates a custom status; nil fields are left alone (or take their defaults on
// create). Code is only read on create. ClearNextStatusCode (or an empty NextStatusCode) sets it to null.
type TaskStatusInput struct {
	Code                *string
	Label               *string
	Color               *string
	IsTerminal          *bool
	SupportsProgress    *bool
	ProgressEditable    *bool
	OnComplete          *string
	NextStatusCode      *string
	ClearNextStatusCode bool
}

func (in *TaskStatusInput) validate(v *validator) {
	if in.Label != nil {
		l := validateName(v, "label", *in.Label)
		in.Label = &l
	}
	if in.Color != nil {
		c := normalizeHexColor(v, "color", *in.Color)
		in.Color = &c
	}
	if in.OnComplete != nil {
		v.check(vocab.OnCompletes.Has(*in.OnComplete),
			"on_complete", "on_complete must be auto_advance or none")
	}
	if in.NextStatusCode != nil {
		c := strings.TrimSpace(*in.NextStatusCode)
		if c == "" {
			in.ClearNextStatusCode = true
		}
		in.NextStatusCode = &c
	}
	if in.ClearNextStatusCode {
		in.NextStatusCode = nil
	}
}

// checkNextStatus verifies that next is a built-in or custom status of the organization other than own.
func checkNextStatus(ctx context.Context, tx *sqlx.Tx, v *validator, orgID, own, next string) error {
	if next == own {
		v.add("next_status_code", "next_status_code must differ from the status's own code")
		return nil
	}
	_, ok, err := lookupStatus(ctx, tx, orgID, next)
	if err != nil {
		return err
	}
	v.check(ok, "next_status_code", "next_status_code must be an existing status code")
	return nil
}

// lockTaskStatuses serializes changes to an organization's statuses, so positions and codes stay consistent.
func lockTaskStatuses(ctx context.Context, tx *sqlx.Tx, orgID string) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('task_statuses:' || $1, 0))`, orgID)
	return err
}

// TaskStatuses lists the organization's custom statuses by position. Any member.
func (s *Store) TaskStatuses(ctx context.Context, a Actor) ([]TaskStatus, error) {
	return listTaskStatuses(ctx, s.db, a.OrgID)
}

func listTaskStatuses(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]TaskStatus, error) {
	out := []TaskStatus{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+taskStatusColumns+` FROM task_statuses
		WHERE organization_id = $1 ORDER BY position, created_at, id`, orgID)
	return out, err
}

func getTaskStatus(ctx context.Context, q sqlx.QueryerContext, orgID, id string) (TaskStatus, error) {
	var ts TaskStatus
	if !validID(id) {
		return ts, fmt.Errorf("task status: %w", ErrNotFound)
	}
	err := sqlx.GetContext(ctx, q, &ts, `SELECT `+taskStatusColumns+` FROM task_statuses WHERE id = $1 AND organization_id = $2`, id, orgID)
	return ts, notFoundIfNoRows(err, "task status")
}

func requireStatusesWrite(a Actor) error {
	return require(a.Permissions().ManageTaskStatuses, msgAdminRole)
}

func duplicateStatusCode(code string) error {
	return conflict("duplicate status code: %s already exists", code)
}

// CreateTaskStatus adds a custom status after the existing ones. Owners and admins only.
func (s *Store) CreateTaskStatus(ctx context.Context, a Actor, in TaskStatusInput) (TaskStatus, error) {
	if err := requireStatusesWrite(a); err != nil {
		return TaskStatus{}, err
	}
	var v validator
	code := ""
	if in.Code == nil || strings.TrimSpace(*in.Code) == "" {
		v.add("code", "code is required")
	} else {
		code = strings.TrimSpace(*in.Code)
		v.check(statusCodePattern.MatchString(code), "code",
			"code must be 2 to 50 lowercase letters, digits or underscores, starting with a letter")
	}
	if in.Label == nil {
		v.add("label", "label is required")
	}
	if in.Color == nil {
		v.add("color", "color is required")
	}
	in.validate(&v)
	if err := v.err(); err != nil {
		return TaskStatus{}, err
	}
	if isBuiltinStatus(code) {
		return TaskStatus{}, conflict("duplicate status code: %s is a built-in status", code)
	}
	onComplete := OnCompleteNone
	if in.OnComplete != nil {
		onComplete = *in.OnComplete
	}
	flag := func(b *bool) bool { return b != nil && *b }
	var ts TaskStatus
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockTaskStatuses(ctx, tx, a.OrgID); err != nil {
			return err
		}
		if in.NextStatusCode != nil {
			if err := checkNextStatus(ctx, tx, &v, a.OrgID, code, *in.NextStatusCode); err != nil {
				return err
			}
			if err := v.err(); err != nil {
				return err
			}
		}
		err := tx.GetContext(ctx, &ts, `
			INSERT INTO task_statuses (organization_id, code, label, color, position, is_terminal, supports_progress,
				progress_editable, on_complete, next_status_code)
			VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position) + 1, 0) FROM task_statuses WHERE organization_id = $1),
				$5, $6, $7, $8, $9)
			RETURNING `+taskStatusColumns,
			a.OrgID, code, *in.Label, *in.Color, flag(in.IsTerminal), flag(in.SupportsProgress), flag(in.ProgressEditable),
			onComplete, in.NextStatusCode)
		if isUniqueViolation(err, "task_statuses_org_code_key") {
			return duplicateStatusCode(code)
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "task_status", ts.ID, Changes{
			"code": {To: ts.Code}, "label": {To: ts.Label}, "color": {To: ts.Color}, "position": {To: ts.Position},
			"is_terminal": {To: ts.IsTerminal}, "supports_progress": {To: ts.SupportsProgress},
			"progress_editable": {To: ts.ProgressEditable}, "on_complete": {To: ts.OnComplete},
			"next_status_code": {To: ts.NextStatusCode},
		})
	})
	if err != nil {
		return TaskStatus{}, fmt.Errorf("create task status: %w", err)
	}
	return ts, nil
}

// UpdateTaskStatus changes a custom status; its code never changes. Owners and admins only.
func (s *Store) UpdateTaskStatus(ctx context.Context, a Actor, id string, in TaskStatusInput) (TaskStatus, error) {
	var ts TaskStatus
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := getTaskStatus(ctx, tx, a.OrgID, id)
		if err != nil {
			return err
		}
		if err := requireStatusesWrite(a); err != nil {
			return err
		}
		var v validator
		in.validate(&v)
		if err := v.err(); err != nil {
			return err
		}
		if err := lockTaskStatuses(ctx, tx, a.OrgID); err != nil {
			return err
		}
		if in.NextStatusCode != nil {
			if err := checkNextStatus(ctx, tx, &v, a.OrgID, before.Code, *in.NextStatusCode); err != nil {
				return err
			}
			if err := v.err(); err != nil {
				return err
			}
		}
		ts = before
		if in.Label != nil {
			ts.Label = *in.Label
		}
		if in.Color != nil {
			ts.Color = *in.Color
		}
		if in.IsTerminal != nil {
			ts.IsTerminal = *in.IsTerminal
		}
		if in.SupportsProgress != nil {
			ts.SupportsProgress = *in.SupportsProgress
		}
		if in.ProgressEditable != nil {
			ts.ProgressEditable = *in.ProgressEditable
		}
		if in.OnComplete != nil {
			ts.OnComplete = *in.OnComplete
		}
		if in.ClearNextStatusCode {
			ts.NextStatusCode = nil
		} else if in.NextStatusCode != nil {
			ts.NextStatusCode = in.NextStatusCode
		}
		ch := Changes{}
		ch.set("label", before.Label, ts.Label)
		ch.set("color", before.Color, ts.Color)
		ch.set("is_terminal", before.IsTerminal, ts.IsTerminal)
		ch.set("supports_progress", before.SupportsProgress, ts.SupportsProgress)
		ch.set("progress_editable", before.ProgressEditable, ts.ProgressEditable)
		ch.set("on_complete", before.OnComplete, ts.OnComplete)
		ch.set("next_status_code", before.NextStatusCode, ts.NextStatusCode)
		if len(ch) == 0 {
			return nil
		}
		err = tx.GetContext(ctx, &ts, `
			UPDATE task_statuses SET label = $2, color = $3, is_terminal = $4, supports_progress = $5,
				progress_editable = $6, on_complete = $7, next_status_code = $8, updated_at = now()
			WHERE id = $1 RETURNING `+taskStatusColumns,
			id, ts.Label, ts.Color, ts.IsTerminal, ts.SupportsProgress, ts.ProgressEditable, ts.OnComplete, ts.NextStatusCode)
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionUpdated, "task_status", ts.ID, ch)
	})
	if err != nil {
		return TaskStatus{}, fmt.Errorf("update task status: %w", err)
	}
	return ts, nil
}

// DeleteTaskStatus deletes a custom status. Its tasks move to the default status (open, not completed), statuses
// that advanced to it no longer advance, and the remaining positions are renumbered. Owners and admins only.
func (s *Store) DeleteTaskStatus(ctx context.Context, a Actor, id string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		ts, err := getTaskStatus(ctx, tx, a.OrgID, id)
		if err != nil {
			return err
		}
		if err := requireStatusesWrite(a); err != nil {
			return err
		}
		if err := lockTaskStatuses(ctx, tx, a.OrgID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE tasks SET status = $3, completed_at = NULL, updated_at = now()
			WHERE organization_id = $1 AND status = $2`, a.OrgID, ts.Code, DefaultTaskStatus)
		if err != nil {
			return err
		}
		moved, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `
			UPDATE task_statuses SET next_status_code = NULL, updated_at = now()
			WHERE organization_id = $1 AND next_status_code = $2`, a.OrgID, ts.Code); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE task_groups SET status_code = NULL, updated_at = now()
			WHERE organization_id = $1 AND status_code = $2`, a.OrgID, ts.Code); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_statuses WHERE id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE task_statuses s SET position = r.n - 1
			FROM (SELECT id, row_number() OVER (ORDER BY position, created_at, id) AS n FROM task_statuses WHERE organization_id = $1) r
			WHERE s.id = r.id AND s.position <> r.n - 1`, a.OrgID); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionDeleted, "task_status", id, Changes{
			"code": {From: ts.Code}, "label": {From: ts.Label}, "tasks_moved_to_open": {To: moved},
		})
	})
	if err != nil {
		return fmt.Errorf("delete task status: %w", err)
	}
	return nil
}

// ReorderTaskStatuses sets the statuses' positions to the order given, which must name every custom status of the
// organization exactly once. Owners and admins only.
func (s *Store) ReorderTaskStatuses(ctx context.Context, a Actor, order []string) ([]TaskStatus, error) {
	if err := requireStatusesWrite(a); err != nil {
		return nil, err
	}
	var out []TaskStatus
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockTaskStatuses(ctx, tx, a.OrgID); err != nil {
			return err
		}
		current, err := listTaskStatuses(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		ids := make([]string, len(current))
		for i, st := range current {
			ids[i] = st.ID
		}
		if !orderMatchesIDs(order, ids) {
			return Invalid("order", "order must list every task status id of the organization exactly once")
		}
		if err := setPositionsByOrder(ctx, tx, "task_statuses", "organization_id", a.OrgID, order); err != nil {
			return err
		}
		if out, err = listTaskStatuses(ctx, tx, a.OrgID); err != nil {
			return err
		}
		return auditPositionChanges(ctx, tx, a, "task_status", positionsOf(current), out)
	})
	if err != nil {
		return nil, fmt.Errorf("reorder task statuses: %w", err)
	}
	return out, nil
}

// orderMatchesIDs reports whether order holds exactly the ids, each once, in any order.
func orderMatchesIDs(order, ids []string) bool {
	if len(order) != len(ids) {
		return false
	}
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	for _, id := range order {
		if !want[id] {
			return false
		}
		delete(want, id)
	}
	return len(want) == 0
}

// setPositionsByOrder sets position = index in order for the rows of table whose parentCol is parentID. table and
// parentCol are fixed identifiers from the callers, never input.
func setPositionsByOrder(ctx context.Context, tx *sqlx.Tx, table, parentCol, parentID string, order []string) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE `+table+` t SET position = o.n - 1, updated_at = now()
		FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, n)
		WHERE t.id = o.id AND t.`+parentCol+` = $1 AND t.position <> o.n - 1`, parentID, pq.Array(order))
	return err
}

type positionedRow interface {
	key() string
	pos() int
}

func (ts TaskStatus) key() string { return ts.ID }
func (ts TaskStatus) pos() int    { return ts.Position }

func positionsOf[T positionedRow](items []T) map[string]int {
	m := make(map[string]int, len(items))
	for _, it := range items {
		m[it.key()] = it.pos()
	}
	return m
}

// auditPositionChanges writes one "updated" entry per row whose position changed, in the new order.
func auditPositionChanges[T positionedRow](ctx context.Context, tx *sqlx.Tx, a Actor, entityType string, before map[string]int, after []T) error {
	for _, it := range after {
		if from, ok := before[it.key()]; ok && from != it.pos() {
			if err := audit(ctx, tx, a, ActionUpdated, entityType, it.key(), Changes{"position": {From: from, To: it.pos()}}); err != nil {
				return err
			}
		}
	}
	return nil
}
