package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Recurrence makes a task repeat: completing the task creates its next occurrence, and the rule then follows
// the new task (task_id moves along the series).
type Recurrence struct {
	ID                string    `db:"id" json:"id"`
	TaskID            string    `db:"task_id" json:"task_id"`
	RecurrencePattern string    `db:"recurrence_pattern" json:"recurrence_pattern"`
	NextDueDate       *string   `db:"next_due_date" json:"next_due_date"`
	AnchorDay         *int      `db:"anchor_day" json:"-"`
	CreatedAt         time.Time `db:"created_at" json:"created_at"`
	UpdatedAt         time.Time `db:"updated_at" json:"updated_at"`
}

const recurrenceColumns = `id, task_id, recurrence_pattern, to_char(next_due_date, 'YYYY-MM-DD') AS next_due_date, anchor_day,
	created_at, updated_at`

// validPattern checks and normalizes a recurrence_pattern from input.
func validPattern(pattern string) (string, error) {
	if strings.TrimSpace(pattern) == "" {
		return "", Invalid("recurrence_pattern", "recurrence_pattern is required")
	}
	p, err := normalizePattern(pattern)
	if err != nil {
		return "", Invalid("recurrence_pattern", msgBadPattern)
	}
	return p, nil
}

// recurrenceBase is the day a task's series counts from: its due date, else today in the organization's
// timezone.
func (s *Store) recurrenceBase(ctx context.Context, q sqlx.QueryerContext, orgID, taskID string) (time.Time, error) {
	var row struct {
		Due      *string `db:"due_date"`
		Timezone string  `db:"timezone"`
	}
	err := sqlx.GetContext(ctx, q, &row, `
		SELECT to_char(t.due_date, 'YYYY-MM-DD') AS due_date, o.timezone
		FROM tasks t JOIN organizations o ON o.id = t.organization_id WHERE t.id = $1 AND t.organization_id = $2`,
		taskID, orgID)
	if err != nil {
		return time.Time{}, notFoundIfNoRows(err, "task")
	}
	if row.Due != nil {
		if d, ok := parseCalendarDate(*row.Due); ok {
			return d, nil
		}
	}
	loc, err := time.LoadLocation(row.Timezone)
	if err != nil {
		loc = time.UTC
	}
	now := s.now().In(loc)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), nil
}

// scheduleFrom computes the next due date of a pattern counted from base, with base's day as the monthly anchor.
func scheduleFrom(pattern string, base time.Time) (next string, anchor int, err error) {
	t, err := nextOccurrenceAnchored(pattern, base, base.Day())
	if err != nil {
		return "", 0, Invalid("recurrence_pattern", msgBadPattern)
	}
	return calendarDate(t), base.Day(), nil
}

// CreateRecurrence makes a task repeat; it requires manage_tasks. A task has at most one rule.
func (s *Store) CreateRecurrence(ctx context.Context, a Actor, taskID, pattern string) (Recurrence, error) {
	var r Recurrence
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := manageableTask(ctx, tx, a, taskID, true); err != nil {
			return err
		}
		p, err := validPattern(pattern)
		if err != nil {
			return err
		}
		base, err := s.recurrenceBase(ctx, tx, a.OrgID, taskID)
		if err != nil {
			return err
		}
		next, anchor, err := scheduleFrom(p, base)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &r, `
			INSERT INTO task_recurrences (organization_id, task_id, recurrence_pattern, next_due_date, anchor_day)
			VALUES ($1, $2, $3, $4, $5) RETURNING `+recurrenceColumns, a.OrgID, taskID, p, next, anchor)
		if isUniqueViolation(err, "task_recurrences_task_id_key") {
			return conflict("this task already has a recurrence")
		}
		if err != nil {
			return fmt.Errorf("create recurrence: %w", err)
		}
		return audit(ctx, tx, a, ActionCreated, "task_recurrence", r.ID, Changes{
			"task_id": {To: taskID}, "recurrence_pattern": {To: p}, "next_due_date": {To: next},
		})
	})
	return r, err
}

// TaskRecurrence reads a task's rule, for anyone who can see the task; a task without one is not found.
func (s *Store) TaskRecurrence(ctx context.Context, a Actor, taskID string) (Recurrence, error) {
	var r Recurrence
	if _, err := visibleTask(ctx, s.db, a, taskID, false); err != nil {
		return r, err
	}
	err := s.db.GetContext(ctx, &r, `SELECT `+recurrenceColumns+` FROM task_recurrences WHERE task_id = $1 AND organization_id = $2`,
		taskID, a.OrgID)
	return r, notFoundIfNoRows(err, "recurrence")
}

// recurrenceForManage loads and locks a rule whose task the actor may manage.
func recurrenceForManage(ctx context.Context, tx *sqlx.Tx, a Actor, id string) (Recurrence, error) {
	var r Recurrence
	if !validID(id) {
		return r, fmt.Errorf("recurrence: %w", ErrNotFound)
	}
	err := tx.GetContext(ctx, &r, `SELECT `+recurrenceColumns+` FROM task_recurrences WHERE id = $1 AND organization_id = $2 FOR UPDATE`,
		id, a.OrgID)
	if err != nil {
		return r, notFoundIfNoRows(err, "recurrence")
	}
	if _, err := manageableTask(ctx, tx, a, r.TaskID, false); err != nil {
		return r, err
	}
	return r, nil
}

// UpdateRecurrence changes a rule's pattern (nil keeps it) and recomputes its next due date from the task's
// current due date; it requires manage_tasks on the task.
func (s *Store) UpdateRecurrence(ctx context.Context, a Actor, id string, pattern *string) (Recurrence, error) {
	var r Recurrence
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := recurrenceForManage(ctx, tx, a, id)
		if err != nil {
			return err
		}
		p := before.RecurrencePattern
		if pattern != nil {
			if p, err = validPattern(*pattern); err != nil {
				return err
			}
		}
		base, err := s.recurrenceBase(ctx, tx, a.OrgID, before.TaskID)
		if err != nil {
			return err
		}
		next, anchor, err := scheduleFrom(p, base)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &r, `
			UPDATE task_recurrences SET recurrence_pattern = $2, next_due_date = $3, anchor_day = $4, updated_at = now()
			WHERE id = $1 RETURNING `+recurrenceColumns, before.ID, p, next, anchor)
		if err != nil {
			return fmt.Errorf("update recurrence: %w", err)
		}
		ch := Changes{}
		ch.set("recurrence_pattern", before.RecurrencePattern, r.RecurrencePattern)
		ch.set("next_due_date", before.NextDueDate, r.NextDueDate)
		return audit(ctx, tx, a, ActionUpdated, "task_recurrence", r.ID, ch)
	})
	return r, err
}

// DeleteRecurrence stops a series: the current task stays, no further occurrences are created.
func (s *Store) DeleteRecurrence(ctx context.Context, a Actor, id string) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		r, err := recurrenceForManage(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_recurrences WHERE id = $1`, r.ID); err != nil {
			return fmt.Errorf("delete recurrence: %w", err)
		}
		return audit(ctx, tx, a, ActionDeleted, "task_recurrence", r.ID, Changes{
			"task_id": {From: r.TaskID}, "recurrence_pattern": {From: r.RecurrencePattern}, "next_due_date": {From: r.NextDueDate},
		})
	})
}

// recurringTask is what the next occurrence copies from the completed task.
type recurringTask struct {
	OrganizationID string   `db:"organization_id"`
	ProjectID      string   `db:"project_id"`
	GroupID        string   `db:"group_id"`
	Title          string   `db:"title"`
	Description    string   `db:"description"`
	Priority       string   `db:"priority"`
	AssigneeID     *string  `db:"assignee_id"`
	ReporterID     *string  `db:"reporter_id"`
	StartDate      *string  `db:"start_date"`
	DueDate        *string  `db:"due_date"`
	EstimatedHours *float64 `db:"estimated_hours"`
	Complexity     *int     `db:"complexity"`
}

// createNextOccurrence runs, inside the completing transaction, when a task becomes completed. If the task
// carries a recurrence it creates the next task of the series — a copy of title, description, project, group
// (at its end), assignee, reporter, priority, labels, estimate and complexity, open with progress 0 — due on the
// rule's next due date, with the start date moved by as many days as the due date so the duration stays; then
// the rule follows the new task and its next due date advances. A task without a rule is left alone.
func (s *Store) createNextOccurrence(ctx context.Context, tx *sqlx.Tx, a Actor, taskID string) error {
	var r Recurrence
	err := tx.GetContext(ctx, &r, `SELECT `+recurrenceColumns+` FROM task_recurrences WHERE task_id = $1 FOR UPDATE`, taskID)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("next occurrence: %w", err)
	}
	var t recurringTask
	err = tx.GetContext(ctx, &t, `
		SELECT organization_id, project_id, group_id, title, description, priority, assignee_id, reporter_id,
			to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(due_date, 'YYYY-MM-DD') AS due_date,
			estimated_hours, complexity
		FROM tasks WHERE id = $1`, taskID)
	if err != nil {
		return fmt.Errorf("next occurrence: %w", notFoundIfNoRows(err, "task"))
	}
	anchor := 0
	if r.AnchorDay != nil {
		anchor = *r.AnchorDay
	}
	due, err := s.nextDue(ctx, tx, r, t, anchor)
	if err != nil {
		return err
	}
	var start *string
	if t.StartDate != nil && t.DueDate != nil {
		oldStart, ok1 := parseCalendarDate(*t.StartDate)
		oldDue, ok2 := parseCalendarDate(*t.DueDate)
		if ok1 && ok2 {
			st := calendarDate(oldStart.AddDate(0, 0, int(due.Sub(oldDue).Hours()/24)))
			start = &st
		}
	}
	dueStr := calendarDate(due)
	// The group's row lock serializes appends to it, keeping ranks unique.
	if err := lockGroups(ctx, tx, t.GroupID); err != nil {
		return fmt.Errorf("next occurrence: %w", err)
	}
	var newID string
	err = tx.GetContext(ctx, &newID, `
		INSERT INTO tasks (organization_id, project_id, group_id, title, description, status, priority, assignee_id,
			reporter_id, start_date, due_date, estimated_hours, complexity, progress, position)
		VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9, $10, $11, $12, 0,
			`+appendRankSQL+`)
		RETURNING id`,
		t.OrganizationID, t.ProjectID, t.GroupID, t.Title, t.Description, t.Priority, t.AssigneeID, t.ReporterID,
		start, dueStr, t.EstimatedHours, t.Complexity)
	if err != nil {
		return fmt.Errorf("next occurrence: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO task_labels (task_id, label_id) SELECT $1, label_id FROM task_labels WHERE task_id = $2`,
		newID, taskID); err != nil {
		return fmt.Errorf("next occurrence labels: %w", err)
	}
	if err := audit(ctx, tx, a, ActionCreated, "task", newID, Changes{
		"title": {To: t.Title}, "project_id": {To: t.ProjectID}, "group_id": {To: t.GroupID}, "status": {To: "open"},
		"due_date": {To: dueStr}, "start_date": {To: start}, "recurrence_id": {To: r.ID}, "previous_task_id": {To: taskID},
	}); err != nil {
		return err
	}
	next, err := getTask(ctx, tx, t.OrganizationID, newID, false)
	if err != nil {
		return err
	}
	if err := s.recordTask(ctx, tx, a, EventTaskCreated, Task{}, next); err != nil {
		return err
	}
	after, err := nextOccurrenceAnchored(r.RecurrencePattern, due, anchor)
	if err != nil {
		return fmt.Errorf("next occurrence: %w", err)
	}
	afterStr := calendarDate(after)
	if _, err := tx.ExecContext(ctx, `
		UPDATE task_recurrences SET task_id = $2, next_due_date = $3, updated_at = now() WHERE id = $1`,
		r.ID, newID, afterStr); err != nil {
		return fmt.Errorf("next occurrence: %w", err)
	}
	ch := Changes{}
	ch.set("task_id", r.TaskID, newID)
	ch.set("next_due_date", r.NextDueDate, &afterStr)
	return audit(ctx, tx, a, ActionUpdated, "task_recurrence", r.ID, ch)
}

// nextDue is the due date of the occurrence to create: the rule's next due date, unless the completed task's
// own due date has since moved to or past it, in which case the occurrence after the task's due date.
func (s *Store) nextDue(ctx context.Context, tx *sqlx.Tx, r Recurrence, t recurringTask, anchor int) (time.Time, error) {
	var stored, taskDue time.Time
	var hasStored, hasDue bool
	if r.NextDueDate != nil {
		stored, hasStored = parseCalendarDate(*r.NextDueDate)
	}
	if t.DueDate != nil {
		taskDue, hasDue = parseCalendarDate(*t.DueDate)
	}
	if hasStored && (!hasDue || stored.After(taskDue)) {
		return stored, nil
	}
	base := taskDue
	if !hasDue {
		var err error
		if base, err = s.recurrenceBase(ctx, tx, t.OrganizationID, r.TaskID); err != nil {
			return time.Time{}, err
		}
	}
	if anchor == 0 {
		anchor = base.Day()
	}
	next, err := nextOccurrenceAnchored(r.RecurrencePattern, base, anchor)
	if errors.Is(err, errBadPattern) {
		return time.Time{}, fmt.Errorf("next occurrence: stored pattern %q: %w", r.RecurrencePattern, err)
	}
	return next, err
}
