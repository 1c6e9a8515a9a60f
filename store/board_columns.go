package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// A board column (task group) may stand for a task status. Dropping a card into a bound column gives the task that
// status, and a task whose status changes moves to the first column, by position, bound to its new status, unless
// its column already stands for that status or for none. Several columns may share a status.

const msgColumnStatus = "status_code must be open, in_progress, done, closed or a custom status of the organization"

// checkColumnStatus validates a column's status: nil or "" binds it to nothing.
func checkColumnStatus(ctx context.Context, q sqlx.QueryerContext, v *validator, orgID string, code *string) (*string, error) {
	if code == nil || strings.TrimSpace(*code) == "" {
		return nil, nil
	}
	c := strings.TrimSpace(*code)
	_, ok, err := lookupStatus(ctx, q, orgID, c)
	if err != nil {
		return nil, err
	}
	v.check(ok, "status_code", msgColumnStatus)
	return &c, nil
}

// columnBinding is a column of a project with the status it stands for.
type columnBinding struct {
	ID         string  `db:"id"`
	StatusCode *string `db:"status_code"`
}

// projectColumnBindings lists a project's columns by position.
func projectColumnBindings(ctx context.Context, q sqlx.QueryerContext, projectID string) ([]columnBinding, error) {
	out := []columnBinding{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, status_code FROM task_groups WHERE project_id = $1
		ORDER BY position, created_at, id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("column bindings: %w", err)
	}
	return out, nil
}

// columnIDs are the ids of the columns.
func columnIDs(cols []columnBinding) []string {
	ids := make([]string, len(cols))
	for i, c := range cols {
		ids[i] = c.ID
	}
	return ids
}

// boundStatus is the status a column stands for; "" for none.
func boundStatus(cols []columnBinding, groupID string) string {
	for _, c := range cols {
		if c.ID == groupID {
			return deref(c.StatusCode)
		}
	}
	return ""
}

// columnForStatus is the column a task in column current belongs in once its status is status.
func columnForStatus(cols []columnBinding, current, status string) string {
	if b := boundStatus(cols, current); b == "" || b == status {
		return current
	}
	for _, c := range cols {
		if deref(c.StatusCode) == status {
			return c.ID
		}
	}
	return current
}

// reviewStatusCode is the organization's custom status for review, if it has one: the default Review column is
// bound to it, and a board has no Review column without it.
func reviewStatusCode(ctx context.Context, q sqlx.QueryerContext, orgID string) (string, error) {
	var codes []string
	err := sqlx.SelectContext(ctx, q, &codes, `SELECT code FROM task_statuses WHERE organization_id = $1
		AND (code IN ('review', 'in_review') OR lower(label) IN ('review', 'in review')) ORDER BY position LIMIT 1`, orgID)
	if err != nil || len(codes) == 0 {
		return "", err
	}
	return codes[0], nil
}

// createDefaultColumns gives a new project the board a team starts from: Backlog and To do (open; To do is the
// default group new tasks land in), In progress, Review when the organization has a review status, and Done.
func createDefaultColumns(ctx context.Context, tx *sqlx.Tx, orgID, projectID string) error {
	review, err := reviewStatusCode(ctx, tx, orgID)
	if err != nil {
		return err
	}
	names := []string{"Backlog", "To do", "In progress"}
	codes := []string{vocab.StatusOpen, vocab.StatusOpen, vocab.StatusInProgress}
	if review != "" {
		names, codes = append(names, "Review"), append(codes, review)
	}
	names, codes = append(names, "Done"), append(codes, vocab.StatusDone)
	_, err = tx.ExecContext(ctx, `
		INSERT INTO task_groups (organization_id, project_id, name, position, status_code, is_default)
		SELECT $1, $2, c.name, c.ord - 1, c.code, c.name = 'To do'
		FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS c(name, code, ord)`, orgID, projectID, pq.Array(names), pq.Array(codes))
	if err != nil {
		return fmt.Errorf("default columns: %w", err)
	}
	return nil
}

// createProjectColumns gives a new project the default columns, or only its default group.
func createProjectColumns(ctx context.Context, tx *sqlx.Tx, orgID, projectID string, columns bool) error {
	if columns {
		return createDefaultColumns(ctx, tx, orgID, projectID)
	}
	_, err := createDefaultGroup(ctx, tx, orgID, projectID)
	return err
}

// takeColumnStatus gives a task just moved from column from into another the status that column is bound to, with
// the rules, audit entry and events of a status change.
func (s *Store) takeColumnStatus(ctx context.Context, tx *sqlx.Tx, a Actor, t Task, from string) (Task, error) {
	if t.GroupID == from {
		return t, nil
	}
	var bound *string
	if err := tx.GetContext(ctx, &bound, `SELECT status_code FROM task_groups WHERE id = $1`, t.GroupID); err != nil {
		return t, fmt.Errorf("column status: %w", err)
	}
	if bound == nil || *bound == t.Status {
		return t, nil
	}
	return s.patchTaskIn(ctx, tx, a, t.ID, TaskPatch{Status: bound}, nil, nil)
}

// placeNewTask decides a new task's column and status together: a task created in a column bound to a status
// without a status of its own takes the column's, and one created without a column goes to the column of its
// status rather than the default group.
func placeNewTask(ctx context.Context, tx *sqlx.Tx, orgID, projectID, groupID string, groupGiven bool, st statusInfo, statusGiven bool) (string, statusInfo, error) {
	cols, err := projectColumnBindings(ctx, tx, projectID)
	if err != nil {
		return groupID, st, err
	}
	if !groupGiven {
		return columnForStatus(cols, groupID, st.Code), st, nil
	}
	bound := boundStatus(cols, groupID)
	if statusGiven || bound == "" || bound == st.Code {
		return groupID, st, nil
	}
	next, ok, err := lookupStatus(ctx, tx, orgID, bound)
	if err != nil || !ok {
		return groupID, st, err
	}
	return groupID, next, nil
}
