package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// TaskGroup is a column or section of a project's board. Every project has one default group, created with it,
// which receives the tasks of deleted groups and cannot itself be deleted.
type TaskGroup struct {
	ID        string `db:"id" json:"id"`
	ProjectID string `db:"project_id" json:"project_id"`
	Name      string `db:"name" json:"name"`
	Position  int    `db:"position" json:"position"`
	IsDefault bool   `db:"is_default" json:"is_default"`
	// StatusCode is the task status the column stands for (null: none); see board_columns.go.
	StatusCode *string   `db:"status_code" json:"status_code"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
	UpdatedAt  time.Time `db:"updated_at" json:"updated_at"`
}

func (g TaskGroup) key() string { return g.ID }
func (g TaskGroup) pos() int    { return g.Position }

const taskGroupColumns = `id, project_id, name, position, is_default, status_code, created_at, updated_at`

// MaxCollapsedGroups bounds the bulk collapsed-groups update.
const MaxCollapsedGroups = 200

// lockTaskGroups serializes changes to a project's groups, so positions stay dense and unique.
func lockTaskGroups(ctx context.Context, tx *sqlx.Tx, projectID string) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('task_groups:' || $1, 0))`, projectID)
	return err
}

func listTaskGroups(ctx context.Context, q sqlx.QueryerContext, projectID string) ([]TaskGroup, error) {
	out := []TaskGroup{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+taskGroupColumns+` FROM task_groups
		WHERE project_id = $1 ORDER BY position, created_at, id`, projectID)
	return out, err
}

// getTaskGroup loads a group of the project; a group of another project is ErrNotFound.
func getTaskGroup(ctx context.Context, q sqlx.QueryerContext, projectID, id string, lock bool) (TaskGroup, error) {
	var g TaskGroup
	if !validID(id) {
		return g, fmt.Errorf("task group: %w", ErrNotFound)
	}
	query := `SELECT ` + taskGroupColumns + ` FROM task_groups WHERE id = $1 AND project_id = $2`
	if lock {
		query += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &g, query, id, projectID)
	return g, notFoundIfNoRows(err, "task group")
}

// TaskGroups lists a project's groups by position. Anyone who may see the project.
func (s *Store) TaskGroups(ctx context.Context, a Actor, projectID string) ([]TaskGroup, error) {
	if _, err := visibleProject(ctx, s.db, a, projectID); err != nil {
		return nil, err
	}
	return listTaskGroups(ctx, s.db, projectID)
}

// TaskGroupInput creates or changes a group. StatusCode binds it to a status ("" unbinds it); nil leaves it alone.
type TaskGroupInput struct {
	Name       *string
	StatusCode *string
}

// CreateTaskGroup adds a group after the project's last one. Requires manage_tasks on the project.
func (s *Store) CreateTaskGroup(ctx context.Context, a Actor, projectID string, in TaskGroupInput) (TaskGroup, error) {
	var g TaskGroup
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := manageableProject(ctx, tx, a, projectID); err != nil {
			return err
		}
		var v validator
		name := ""
		if in.Name == nil {
			v.add("name", "name is required")
		} else {
			name = validateName(&v, "name", *in.Name)
		}
		status, err := checkColumnStatus(ctx, tx, &v, a.OrgID, in.StatusCode)
		if err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		if err := lockTaskGroups(ctx, tx, projectID); err != nil {
			return err
		}
		err = tx.GetContext(ctx, &g, `
			INSERT INTO task_groups (organization_id, project_id, name, position, status_code)
			VALUES ($1, $2, $3, (SELECT coalesce(max(position) + 1, 0) FROM task_groups WHERE project_id = $2), $4)
			RETURNING `+taskGroupColumns, a.OrgID, projectID, name, status)
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "task_group", g.ID, Changes{
			"project_id": {To: projectID}, "name": {To: g.Name}, "position": {To: g.Position}, "status_code": {To: g.StatusCode},
		})
	})
	if err != nil {
		return TaskGroup{}, fmt.Errorf("create task group: %w", err)
	}
	return g, nil
}

// UpdateTaskGroup renames a group. Requires manage_tasks on the project.
func (s *Store) UpdateTaskGroup(ctx context.Context, a Actor, projectID, groupID string, in TaskGroupInput) (TaskGroup, error) {
	var g TaskGroup
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := manageableProject(ctx, tx, a, projectID); err != nil {
			return err
		}
		before, err := getTaskGroup(ctx, tx, projectID, groupID, true)
		if err != nil {
			return err
		}
		g = before
		var v validator
		name := before.Name
		if in.Name != nil {
			name = validateName(&v, "name", *in.Name)
		}
		status := before.StatusCode
		if in.StatusCode != nil {
			if status, err = checkColumnStatus(ctx, tx, &v, a.OrgID, in.StatusCode); err != nil {
				return err
			}
		}
		if err := v.err(); err != nil {
			return err
		}
		ch := Changes{}
		ch.set("name", before.Name, name)
		ch.set("status_code", deref(before.StatusCode), deref(status))
		if len(ch) == 0 {
			return nil
		}
		err = tx.GetContext(ctx, &g, `UPDATE task_groups SET name = $2, status_code = $3, updated_at = now()
			WHERE id = $1 RETURNING `+taskGroupColumns, groupID, name, status)
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionUpdated, "task_group", g.ID, ch)
	})
	if err != nil {
		return TaskGroup{}, fmt.Errorf("update task group: %w", err)
	}
	return g, nil
}

// DeleteTaskGroup deletes a group other than the default one. Its tasks move to the end of the project's default
// group, keeping their order, and positions of groups stay dense. Requires manage_tasks on the project.
func (s *Store) DeleteTaskGroup(ctx context.Context, a Actor, projectID, groupID string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := manageableProject(ctx, tx, a, projectID); err != nil {
			return err
		}
		if err := lockTaskGroups(ctx, tx, projectID); err != nil {
			return err
		}
		g, err := getTaskGroup(ctx, tx, projectID, groupID, false)
		if err != nil {
			return err
		}
		if g.IsDefault {
			return conflict("the default task group cannot be deleted")
		}
		def, err := defaultGroup(ctx, tx, projectID)
		if err != nil {
			return err
		}
		// Lock both groups, then their tasks, then append the moved tasks after the default group's, RankStep apart.
		if _, err := tx.ExecContext(ctx, `SELECT id FROM task_groups WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`, groupID, def); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `SELECT id FROM tasks WHERE group_id IN ($1, $2) ORDER BY id FOR UPDATE`, groupID, def); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			UPDATE tasks t SET group_id = $2, position = base.p + (r.n - 1) * $3, updated_at = now()
			FROM (SELECT id, row_number() OVER (ORDER BY position, id) AS n FROM tasks WHERE group_id = $1) r,
				(SELECT coalesce(max(position) + $3, 0) AS p FROM tasks WHERE group_id = $2) base
			WHERE t.id = r.id`, groupID, def, RankStep)
		if err != nil {
			return err
		}
		moved, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_groups WHERE id = $1`, groupID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE task_groups g SET position = r.n - 1
			FROM (SELECT id, row_number() OVER (ORDER BY position, created_at, id) AS n FROM task_groups WHERE project_id = $1) r
			WHERE g.id = r.id AND g.position <> r.n - 1`, projectID); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionDeleted, "task_group", groupID, Changes{
			"project_id": {From: projectID}, "name": {From: g.Name}, "tasks_moved_to_default_group": {To: moved},
		})
	})
	if err != nil {
		return fmt.Errorf("delete task group: %w", err)
	}
	return nil
}

// ReorderTaskGroups sets the groups' positions to the order given, which must name every group of the project
// exactly once. Requires manage_tasks on the project.
func (s *Store) ReorderTaskGroups(ctx context.Context, a Actor, projectID string, order []string) ([]TaskGroup, error) {
	var out []TaskGroup
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := manageableProject(ctx, tx, a, projectID); err != nil {
			return err
		}
		if err := lockTaskGroups(ctx, tx, projectID); err != nil {
			return err
		}
		current, err := listTaskGroups(ctx, tx, projectID)
		if err != nil {
			return err
		}
		ids := make([]string, len(current))
		for i, g := range current {
			ids[i] = g.ID
		}
		if !orderMatchesIDs(order, ids) {
			return Invalid("order", "order must list every task group id of the project exactly once")
		}
		if err := setPositionsByOrder(ctx, tx, "task_groups", "project_id", projectID, order); err != nil {
			return err
		}
		if out, err = listTaskGroups(ctx, tx, projectID); err != nil {
			return err
		}
		return auditPositionChanges(ctx, tx, a, "task_group", positionsOf(current), out)
	})
	if err != nil {
		return nil, fmt.Errorf("reorder task groups: %w", err)
	}
	return out, nil
}

// collapsedGroupIDs lists the user's collapsed groups of a project, in board order.
func collapsedGroupIDs(ctx context.Context, q sqlx.QueryerContext, userID, projectID string) ([]string, error) {
	out := []string{}
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT c.group_id FROM collapsed_task_groups c JOIN task_groups g ON g.id = c.group_id
		WHERE c.user_id = $1 AND c.project_id = $2 ORDER BY g.position, g.id`, userID, projectID)
	return out, err
}

// CollapsedTaskGroups lists the ids of the groups the actor has collapsed on a project's board. Anyone who may see
// the project; the state is the actor's own.
func (s *Store) CollapsedTaskGroups(ctx context.Context, a Actor, projectID string) ([]string, error) {
	if _, err := visibleProject(ctx, s.db, a, projectID); err != nil {
		return nil, err
	}
	return collapsedGroupIDs(ctx, s.db, a.UserID, projectID)
}

// SetCollapsedTaskGroups replaces the actor's collapsed groups of a project. groupIDs nil means the field was
// missing (invalid); an empty list expands every group. Every id must be a group of the project, at most 200.
func (s *Store) SetCollapsedTaskGroups(ctx context.Context, a Actor, projectID string, groupIDs []string) ([]string, error) {
	var out []string
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := visibleProject(ctx, tx, a, projectID); err != nil {
			return err
		}
		if groupIDs == nil {
			return Invalid("group_ids", "group_ids is required")
		}
		if len(groupIDs) > MaxCollapsedGroups {
			return Invalid("group_ids", fmt.Sprintf("group_ids must hold at most %d ids", MaxCollapsedGroups))
		}
		ids := make([]string, 0, len(groupIDs))
		seen := map[string]bool{}
		for _, id := range groupIDs {
			if !validID(id) {
				return Invalid("group_ids", "group_ids must be task groups of this project")
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		var found int
		if err := tx.GetContext(ctx, &found, `SELECT count(*) FROM task_groups WHERE project_id = $1 AND id = ANY($2::uuid[])`,
			projectID, pq.Array(ids)); err != nil {
			return err
		}
		if found != len(ids) {
			return Invalid("group_ids", "group_ids must be task groups of this project")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM collapsed_task_groups WHERE user_id = $1 AND project_id = $2`, a.UserID, projectID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO collapsed_task_groups (user_id, group_id, project_id)
			SELECT $1, g, $2 FROM unnest($3::uuid[]) AS g`, a.UserID, projectID, pq.Array(ids)); err != nil {
			return err
		}
		var err error
		out, err = collapsedGroupIDs(ctx, tx, a.UserID, projectID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("set collapsed task groups: %w", err)
	}
	return out, nil
}

// ToggleCollapsedTaskGroup collapses a group for the actor, or expands it when it was collapsed, and answers the
// actor's collapsed groups of the project.
func (s *Store) ToggleCollapsedTaskGroup(ctx context.Context, a Actor, projectID, groupID string) ([]string, error) {
	var out []string
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := visibleProject(ctx, tx, a, projectID); err != nil {
			return err
		}
		if _, err := getTaskGroup(ctx, tx, projectID, groupID, false); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM collapsed_task_groups WHERE user_id = $1 AND group_id = $2`, a.UserID, groupID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO collapsed_task_groups (user_id, group_id, project_id) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, a.UserID, groupID, projectID); err != nil {
				return err
			}
		}
		out, err = collapsedGroupIDs(ctx, tx, a.UserID, projectID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("toggle collapsed task group: %w", err)
	}
	return out, nil
}
