package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Dependency types, from the point of view of the task the dependency is read from.
const (
	DependencyBlocks    = "blocks"     // the task blocks depends_on_id
	DependencyBlockedBy = "blocked_by" // the task is blocked by depends_on_id
)

// Dependencies are stored in one canonical direction: a row (task_id, depends_on_id, 'blocked_by') says task_id
// is blocked by depends_on_id. "A blocks B" and "B blocked_by A" are then the same row, so the pair's unique key
// catches duplicates written either way, and the blocking graph has one edge direction for the cycle check.
// Reads present a row from the side of the task being read, flipping it when that task is the blocker.

// Dependency is an edge as the bulk list shows it.
type Dependency struct {
	ID             string    `db:"id" json:"id"`
	TaskID         string    `db:"task_id" json:"task_id"`
	DependsOnID    string    `db:"depends_on_id" json:"depends_on_id"`
	DependencyType string    `db:"dependency_type" json:"dependency_type"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
}

// DependencyTask is the other end of a task's dependency.
type DependencyTask struct {
	ID        string  `db:"id" json:"id"`
	Title     string  `db:"title" json:"title"`
	Status    string  `db:"status" json:"status"`
	ProjectID string  `db:"project_id" json:"project_id"`
	StartDate *string `db:"start_date" json:"start_date"`
	DueDate   *string `db:"due_date" json:"due_date"`
}

// TaskDependency is a dependency read from one task, with the other task nested.
type TaskDependency struct {
	Dependency
	DependsOn DependencyTask `db:"depends_on" json:"depends_on"`
}

// DependencyInput is POST /tasks/:id/dependencies.
type DependencyInput struct {
	DependsOnID    string
	DependencyType string
}

// taskDependencySelect reads the dependencies of task $1 from its side: rows where it is blocked as they are,
// rows where it is the blocker flipped to "blocks". Only edges whose other task the actor may see are listed.
const taskDependencySelect = `
	SELECT d.id, $1::uuid AS task_id, o.id AS depends_on_id,
		CASE WHEN d.task_id = $1 THEN 'blocked_by' ELSE 'blocks' END AS dependency_type, d.created_at,
		o.id AS "depends_on.id", o.title AS "depends_on.title", o.status AS "depends_on.status",
		o.project_id AS "depends_on.project_id",
		to_char(o.start_date, 'YYYY-MM-DD') AS "depends_on.start_date",
		to_char(o.due_date, 'YYYY-MM-DD') AS "depends_on.due_date"
	FROM task_dependencies d
	JOIN tasks o ON o.id = CASE WHEN d.task_id = $1 THEN d.depends_on_id ELSE d.task_id END
	WHERE (d.task_id = $1 OR d.depends_on_id = $1) AND d.organization_id = $2`

// TaskDependencies lists a task's dependencies in both directions, for anyone who can see the task.
func (s *Store) TaskDependencies(ctx context.Context, a Actor, taskID string) ([]TaskDependency, error) {
	if _, err := visibleTask(ctx, s.db, a, taskID, false); err != nil {
		return nil, err
	}
	// $1 and $2 of taskDependencySelect come first; the visibility condition numbers its arguments after them.
	q := newQuery("TRUE", taskID, a.OrgID)
	visibleProjectsCond(q, a, "o.project_id")
	rows := []TaskDependency{}
	err := s.db.SelectContext(ctx, &rows, taskDependencySelect+` AND `+q.cond()+` ORDER BY d.created_at, d.id`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("task dependencies: %w", err)
	}
	return rows, nil
}

// AllDependencies lists every edge of the organization whose two tasks the actor may see, in one query, in the
// canonical direction (dependency_type blocked_by).
func (s *Store) AllDependencies(ctx context.Context, a Actor) ([]Dependency, error) {
	q := newQuery("d.organization_id = $1", a.OrgID)
	visibleProjectsCond(q, a, "t.project_id")
	visibleProjectsCond(q, a, "o.project_id")
	rows := []Dependency{}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT d.id, d.task_id, d.depends_on_id, d.dependency_type, d.created_at
		FROM task_dependencies d
		JOIN tasks t ON t.id = d.task_id
		JOIN tasks o ON o.id = d.depends_on_id
		WHERE `+q.cond()+` ORDER BY d.created_at, d.id`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("dependencies: %w", err)
	}
	return rows, nil
}

// AddDependency links a task to another task of the organization; it requires manage_tasks on the task. A link
// to itself, to a task the actor cannot see, or one closing a cycle is invalid; a link that exists (written
// either way) is a conflict.
func (s *Store) AddDependency(ctx context.Context, a Actor, taskID string, in DependencyInput) (TaskDependency, error) {
	var dep TaskDependency
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := manageableTask(ctx, tx, a, taskID, false); err != nil {
			return err
		}
		var v validator
		v.check(in.DependsOnID != "", "depends_on_id", "depends_on_id is required")
		v.check(in.DependencyType == DependencyBlocks || in.DependencyType == DependencyBlockedBy,
			"dependency_type", "dependency_type must be blocks or blocked_by")
		if err := v.err(); err != nil {
			return err
		}
		if in.DependsOnID == taskID {
			return Invalid("depends_on_id", "a task cannot depend on itself")
		}
		if _, err := visibleTask(ctx, tx, a, in.DependsOnID, false); err != nil {
			if errors.Is(err, ErrNotFound) {
				return Invalid("depends_on_id", "depends_on_id must be a task of this organization")
			}
			return err
		}
		blocked, blocker := taskID, in.DependsOnID
		if in.DependencyType == DependencyBlocks {
			blocked, blocker = blocker, blocked
		}
		// Concurrent inserts could each pass the check and together close a cycle: serialize the organization's
		// dependency writes for the rest of the transaction.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('task_dependencies'), hashtext($1))`,
			a.OrgID); err != nil {
			return fmt.Errorf("add dependency: %w", err)
		}
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM task_dependencies WHERE task_id = $1 AND depends_on_id = $2)`,
			blocked, blocker); err != nil {
			return fmt.Errorf("add dependency: %w", err)
		}
		if exists {
			return conflict("these tasks are already linked by this dependency")
		}
		cycle, err := dependencyWouldCycle(ctx, tx, blocked, blocker)
		if err != nil {
			return err
		}
		if cycle {
			return Invalid("depends_on_id", "this dependency would create a cycle")
		}
		var id string
		err = tx.GetContext(ctx, &id, `
			INSERT INTO task_dependencies (organization_id, task_id, depends_on_id, dependency_type)
			VALUES ($1, $2, $3, 'blocked_by') RETURNING id`, a.OrgID, blocked, blocker)
		if isUniqueViolation(err, "task_dependencies_pair_key") {
			return conflict("these tasks are already linked by this dependency")
		}
		if err != nil {
			return fmt.Errorf("add dependency: %w", err)
		}
		if err := tx.GetContext(ctx, &dep, taskDependencySelect+` AND d.id = $3`, taskID, a.OrgID, id); err != nil {
			return fmt.Errorf("add dependency: %w", err)
		}
		return audit(ctx, tx, a, ActionCreated, "task_dependency", id, Changes{
			"task_id": {To: blocked}, "depends_on_id": {To: blocker}, "dependency_type": {To: DependencyBlockedBy},
		})
	})
	return dep, err
}

// dependencyWouldCycle reports whether making blocked wait for blocker closes a cycle, that is whether blocker
// already waits, directly or through other tasks, for blocked.
func dependencyWouldCycle(ctx context.Context, tx *sqlx.Tx, blocked, blocker string) (bool, error) {
	var cycle bool
	err := tx.GetContext(ctx, &cycle, `
		WITH RECURSIVE waits_for(id) AS (
			SELECT depends_on_id FROM task_dependencies WHERE task_id = $1
			UNION
			SELECT d.depends_on_id FROM task_dependencies d JOIN waits_for w ON d.task_id = w.id
		)
		SELECT EXISTS (SELECT 1 FROM waits_for WHERE id = $2)`, blocker, blocked)
	if err != nil {
		return false, fmt.Errorf("dependency cycle check: %w", err)
	}
	return cycle, nil
}

// DeleteDependency removes a dependency of the task (in either direction); it requires manage_tasks on the task.
func (s *Store) DeleteDependency(ctx context.Context, a Actor, taskID, depID string) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := manageableTask(ctx, tx, a, taskID, false); err != nil {
			return err
		}
		if !validID(depID) {
			return fmt.Errorf("dependency: %w", ErrNotFound)
		}
		var d Dependency
		err := tx.GetContext(ctx, &d, `
			DELETE FROM task_dependencies WHERE id = $1 AND organization_id = $2 AND (task_id = $3 OR depends_on_id = $3)
			RETURNING id, task_id, depends_on_id, dependency_type, created_at`, depID, a.OrgID, taskID)
		if err != nil {
			return notFoundIfNoRows(err, "dependency")
		}
		return audit(ctx, tx, a, ActionDeleted, "task_dependency", d.ID, Changes{
			"task_id": {From: d.TaskID}, "depends_on_id": {From: d.DependsOnID}, "dependency_type": {From: d.DependencyType},
		})
	})
}
