package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// ChecklistItem is one line of a task's checklist. Positions are dense from 0 within a task.
type ChecklistItem struct {
	ID        string    `db:"id" json:"id"`
	TaskID    string    `db:"task_id" json:"task_id"`
	Title     string    `db:"title" json:"title"`
	Completed bool      `db:"completed" json:"completed"`
	Position  int       `db:"position" json:"position"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
}

const checklistColumns = `id, task_id, title, completed, position, created_at, updated_at`

// ChecklistItems lists a task's checklist in order, for anyone who can see the task.
func (s *Store) ChecklistItems(ctx context.Context, a Actor, taskID string) ([]ChecklistItem, error) {
	if _, err := visibleTask(ctx, s.db, a, taskID, false); err != nil {
		return nil, err
	}
	rows := []ChecklistItem{}
	err := s.db.SelectContext(ctx, &rows, `SELECT `+checklistColumns+` FROM task_checklist_items
		WHERE task_id = $1 AND organization_id = $2 ORDER BY position, created_at, id`, taskID, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("checklist: %w", err)
	}
	return rows, nil
}

// AddChecklistItem appends an item to a task's checklist; it requires manage_tasks.
func (s *Store) AddChecklistItem(ctx context.Context, a Actor, taskID, title string) (ChecklistItem, error) {
	var item ChecklistItem
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// The task's row lock serializes position assignment on its checklist.
		if _, err := manageableTask(ctx, tx, a, taskID, true); err != nil {
			return err
		}
		title = strings.TrimSpace(title)
		var v validator
		v.check(title != "", "title", "title is required")
		v.check(utf8.RuneCountInString(title) <= 255, "title", "title must be at most 255 characters")
		if err := v.err(); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &item, `
			INSERT INTO task_checklist_items (organization_id, task_id, title, position)
			VALUES ($1, $2, $3, (SELECT coalesce(max(position) + 1, 0) FROM task_checklist_items WHERE task_id = $2))
			RETURNING `+checklistColumns, a.OrgID, taskID, title)
		if err != nil {
			return fmt.Errorf("add checklist item: %w", err)
		}
		return audit(ctx, tx, a, ActionCreated, "checklist_item", item.ID, Changes{
			"task_id": {To: taskID}, "title": {To: title}, "position": {To: item.Position},
		})
	})
	return item, err
}

// checklistItemTask finds the task of an item of the actor's organization, for the per-item routes.
func checklistItemTask(ctx context.Context, tx *sqlx.Tx, a Actor, itemID string) (string, error) {
	if !validID(itemID) {
		return "", fmt.Errorf("checklist item: %w", ErrNotFound)
	}
	var taskID string
	err := tx.GetContext(ctx, &taskID, `SELECT task_id FROM task_checklist_items WHERE id = $1 AND organization_id = $2`,
		itemID, a.OrgID)
	return taskID, notFoundIfNoRows(err, "checklist item")
}

// ToggleChecklistItem flips an item between completed and not. Any member who can see the task may, without
// manage_tasks.
func (s *Store) ToggleChecklistItem(ctx context.Context, a Actor, itemID string) (ChecklistItem, error) {
	var item ChecklistItem
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		taskID, err := checklistItemTask(ctx, tx, a, itemID)
		if err != nil {
			return err
		}
		if _, err := visibleTask(ctx, tx, a, taskID, false); err != nil {
			return fmt.Errorf("checklist item: %w", ErrNotFound)
		}
		err = tx.GetContext(ctx, &item, `
			UPDATE task_checklist_items SET completed = NOT completed, updated_at = now()
			WHERE id = $1 RETURNING `+checklistColumns, itemID)
		if err != nil {
			return notFoundIfNoRows(err, "checklist item")
		}
		return audit(ctx, tx, a, ActionUpdated, "checklist_item", item.ID, Changes{
			"completed": {From: !item.Completed, To: item.Completed},
		})
	})
	return item, err
}

// DeleteChecklistItem removes an item and closes the gap it leaves; it requires manage_tasks.
func (s *Store) DeleteChecklistItem(ctx context.Context, a Actor, itemID string) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		taskID, err := checklistItemTask(ctx, tx, a, itemID)
		if err != nil {
			return err
		}
		if _, err := manageableTask(ctx, tx, a, taskID, true); err != nil {
			return err
		}
		var item ChecklistItem
		err = tx.GetContext(ctx, &item, `DELETE FROM task_checklist_items WHERE id = $1 RETURNING `+checklistColumns, itemID)
		if err != nil {
			return notFoundIfNoRows(err, "checklist item")
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE task_checklist_items SET position = position - 1 WHERE task_id = $1 AND position > $2`,
			taskID, item.Position)
		if err != nil {
			return fmt.Errorf("delete checklist item: %w", err)
		}
		return audit(ctx, tx, a, ActionDeleted, "checklist_item", item.ID, Changes{
			"task_id": {From: taskID}, "title": {From: item.Title}, "completed": {From: item.Completed},
		})
	})
}
