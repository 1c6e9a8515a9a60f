package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Ranks of tasks (tasks.position, store/task_ranks.go) are unique within their group. Every use case that moves tasks between
// positions or groups takes its locks in one order: the task_groups rows involved, by id, then the task rows.
// Concurrent reorders, moves, creates and deletes in a group therefore run one after the other and cannot
// deadlock; the unique (group_id, position) constraint is deferred, so renumbering inside a transaction may pass
// through duplicates.

// errTaskMoved says the task left the group that was locked for it before its own row was locked; the whole
// transaction is retried.
var errTaskMoved = errors.New("task moved to another group meanwhile")

// withTaskTx is withTx retried a few times when a concurrent move got in between the group and task locks.
func (s *Store) withTaskTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.withTx(ctx, fn)
		if !errors.Is(err, errTaskMoved) || attempt == 5 {
			return err
		}
	}
}

// lockGroups takes the row locks of the given task groups in id order.
func lockGroups(ctx context.Context, tx *sqlx.Tx, ids ...string) error {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var locked []string
	err := tx.SelectContext(ctx, &locked, `SELECT id FROM task_groups WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("lock task groups: %w", err)
	}
	return nil
}

// lockTaskAndGroups locks the task's group and extraGroups, then the task row, and returns the task.
func lockTaskAndGroups(ctx context.Context, tx *sqlx.Tx, a Actor, ref taskRef, extraGroups ...string) (Task, error) {
	var group string
	if err := tx.GetContext(ctx, &group, `SELECT group_id FROM tasks WHERE id = $1`, ref.ID); err != nil {
		return Task{}, notFoundIfNoRows(err, "task")
	}
	if err := lockGroups(ctx, tx, append([]string{group}, extraGroups...)...); err != nil {
		return Task{}, err
	}
	t, err := getTask(ctx, tx, a.OrgID, ref.ID, true)
	if err != nil {
		return t, err
	}
	if t.GroupID != group {
		return t, errTaskMoved
	}
	return t, nil
}

// advanceOnProgress applies the workflow rule for a task whose progress reached 100 in status st: a status with
// supports_progress and on_complete auto_advance hands the task on to its next_status_code, one step only.
func advanceOnProgress(ctx context.Context, q sqlx.QueryerContext, orgID string, st statusInfo) (statusInfo, error) {
	if !st.SupportsProgress || st.OnComplete != OnCompleteAutoAdvance || st.NextStatusCode == nil {
		return st, nil
	}
	next, ok, err := lookupStatus(ctx, q, orgID, *st.NextStatusCode)
	if err != nil || !ok {
		// A next status deleted since it was configured leaves the task where it is.
		return st, err
	}
	return next, nil
}

// patchTask is UpdateTask and SetTaskStatus: permission, validation, the workflow rules, the audit entry and the
// notifications in one transaction.
func (s *Store) patchTask(ctx context.Context, a Actor, id string, p TaskPatch) (Task, error) {
	var v validator
	if p.Title != nil {
		title := validateTaskTitle(&v, *p.Title)
		p.Title = &title
	}
	if p.Description != nil {
		validateTaskDescription(&v, *p.Description)
	}
	if p.Priority != nil {
		validatePriority(&v, *p.Priority)
	}
	validateOptionalID(&v, "assignee_id", p.AssigneeID.Value)
	validateOptionalID(&v, "group_id", p.GroupID)
	if p.LabelIDs != nil {
		ids := normalizeLabelIDs(&v, *p.LabelIDs)
		p.LabelIDs = &ids
	}
	start, due := parseDateField(&v, "start_date", p.StartDate.Value), parseDateField(&v, "due_date", p.DueDate.Value)
	validateEstimate(&v, p.EstimatedHours.Value)
	validateComplexity(&v, p.Complexity.Value)
	validateProgress(&v, p.Progress)
	if err := v.err(); err != nil {
		return Task{}, err
	}
	var after Task
	err := s.withTaskTx(ctx, func(tx *sqlx.Tx) (err error) {
		after, err = s.patchTaskIn(ctx, tx, a, id, p, start, due)
		return err
	})
	return after, err
}

// patchTaskIn is patchTask's work in the caller's transaction, for a patch already validated (start and due are
// its parsed dates): the permission, the workflow rules, the row, its audit entry and its events. A use case of
// its own that changes a task as part of its work (a merged pull request closing one) calls it to have the same
// rules and effects; its transaction must be retried on errTaskMoved, as withTaskTx does.
func (s *Store) patchTaskIn(ctx context.Context, tx *sqlx.Tx, a Actor, id string, p TaskPatch, start, due *Date) (Task, error) {
	var v validator
	var after Task
	err := func() error {
		ref, err := visibleTask(ctx, tx, a, id, false)
		if err != nil {
			return err
		}
		if !ref.Project.canManage(a) {
			if ref.AssigneeID == nil || *ref.AssigneeID != a.UserID {
				return forbidden("this action requires the manage_tasks permission on the project")
			}
			if !p.onlyWorkflow() {
				return forbidden("the assignee may change only the status and progress of a task")
			}
		}
		st, err := checkPatchRefs(ctx, tx, &v, a.OrgID, ref.ProjectID, p)
		if err != nil {
			return err
		}
		var extraGroups []string
		if p.GroupID != nil {
			extraGroups = append(extraGroups, *p.GroupID)
		}
		var cols []columnBinding // the board's columns, when the patch may move the task between them
		if p.Status != nil || p.Progress != nil || p.GroupID != nil {
			if cols, err = projectColumnBindings(ctx, tx, ref.ProjectID); err != nil {
				return err
			}
			extraGroups = append(extraGroups, columnIDs(cols)...)
		}
		before, err := lockTaskAndGroups(ctx, tx, a, ref, extraGroups...)
		if err != nil {
			return err
		}
		after = p.apply(before, start, due)
		checkDateOrder(&v, after.StartDate, after.DueDate)
		if err := v.err(); err != nil {
			return err
		}
		// Workflow: a status given, or progress reaching 100 in a status that hands the task on.
		statusKnown := p.Status != nil
		if after.Progress == 100 && before.Progress < 100 {
			if !statusKnown {
				known, ok, err := lookupStatus(ctx, tx, a.OrgID, before.Status)
				if err != nil {
					return err
				}
				st, statusKnown = known, ok
			}
			if st, err = advanceOnProgress(ctx, tx, a.OrgID, st); err != nil {
				return err
			}
		}
		// A task moved into a column bound to a status takes that status, unless the patch names one.
		if p.GroupID != nil && p.Status == nil && *p.GroupID != before.GroupID {
			if bound := boundStatus(cols, *p.GroupID); bound != "" && bound != before.Status {
				if st, statusKnown, err = lookupStatus(ctx, tx, a.OrgID, bound); err != nil {
					return err
				}
			}
		}
		var completed *bool // nil: completion unchanged
		if statusKnown && st.Code != before.Status {
			after.Status = st.Code
			completed = &st.IsTerminal
		}
		rank := sql.NullInt64{} // NULL: the task keeps its rank
		group := before.GroupID
		if p.GroupID != nil {
			group = *p.GroupID
		} else if after.Status != before.Status {
			group = columnForStatus(cols, before.GroupID, after.Status)
		}
		if group != before.GroupID {
			after.GroupID = group
			if rank.Int64, err = appendRank(ctx, tx, after.GroupID); err != nil {
				return err
			}
			rank.Valid = true
			after.Position = -1 // changed; getTask reads the index below
		}
		if len(taskChanges(before, after)) == 0 {
			return nil
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE tasks SET title = $2, description = $3, status = $4, priority = $5, assignee_id = $6,
				start_date = $7, due_date = $8, estimated_hours = $9, complexity = $10, progress = $11,
				group_id = $12, position = coalesce($13, position),
				completed_at = CASE WHEN $14::boolean IS NULL THEN completed_at WHEN $14 THEN coalesce(completed_at, now()) END,
				updated_at = now()
			WHERE id = $1`,
			id, after.Title, after.Description, after.Status, after.Priority, after.AssigneeID,
			after.StartDate, after.DueDate, after.EstimatedHours, after.Complexity, after.Progress,
			after.GroupID, rank, completed)
		if err != nil {
			return err
		}
		if p.LabelIDs != nil {
			if err := setTaskLabels(ctx, tx, id, *p.LabelIDs); err != nil {
				return err
			}
		}
		if after, err = getTask(ctx, tx, a.OrgID, id, false); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionUpdated, "task", id, taskChanges(before, after)); err != nil {
			return err
		}
		if err := s.recordTask(ctx, tx, a, EventTaskUpdated, before, after); err != nil {
			return err
		}
		if before.CompletedAt == nil && after.CompletedAt != nil {
			return s.onTaskCompleted(ctx, tx, a, id)
		}
		return nil
	}()
	return after, err
}

// checkPatchRefs validates the rows a patch refers to, and returns the info of the status it sets, if any.
func checkPatchRefs(ctx context.Context, tx *sqlx.Tx, v *validator, orgID, projectID string, p TaskPatch) (statusInfo, error) {
	var st statusInfo
	var err error
	if p.Status != nil {
		if st, err = checkTaskStatus(ctx, tx, v, orgID, *p.Status); err != nil {
			return st, err
		}
	}
	if p.AssigneeID.Value != nil {
		if err := checkAssignee(ctx, tx, v, orgID, *p.AssigneeID.Value); err != nil {
			return st, err
		}
	}
	if p.GroupID != nil {
		if err := checkTaskGroup(ctx, tx, v, projectID, *p.GroupID); err != nil {
			return st, err
		}
	}
	if p.LabelIDs != nil {
		if err := checkLabels(ctx, tx, v, orgID, *p.LabelIDs); err != nil {
			return st, err
		}
	}
	return st, v.err()
}

// apply returns the task with the patch's plain fields changed; status, group and position follow the workflow
// and move rules in patchTask. start and due are the parsed dates of the patch.
func (p TaskPatch) apply(before Task, start, due *Date) Task {
	after := before
	after.LabelIDs = slices.Clone(before.LabelIDs)
	if p.Title != nil {
		after.Title = *p.Title
	}
	if p.Description != nil {
		after.Description = *p.Description
	}
	if p.Priority != nil {
		after.Priority = *p.Priority
	}
	if p.AssigneeID.Set {
		after.AssigneeID = p.AssigneeID.Value
	}
	if p.StartDate.Set {
		after.StartDate = start
	}
	if p.DueDate.Set {
		after.DueDate = due
	}
	if p.EstimatedHours.Set {
		after.EstimatedHours = p.EstimatedHours.Value
	}
	if p.Complexity.Set {
		after.Complexity = p.Complexity.Value
	}
	if p.Progress != nil {
		after.Progress = *p.Progress
	}
	if p.LabelIDs != nil {
		after.LabelIDs = slices.Clone(*p.LabelIDs)
		slices.Sort(after.LabelIDs)
	}
	return after
}

// SetTaskStatus changes only the status (PUT /tasks/:id/status): manage_tasks or the assignee. The reporter and
// the assignee are notified, except the caller.
func (s *Store) SetTaskStatus(ctx context.Context, a Actor, id, status string) (Task, error) {
	if status == "" {
		return Task{}, Invalid("status", "status is required")
	}
	t, err := s.patchTask(ctx, a, id, TaskPatch{Status: &status})
	if err != nil {
		return Task{}, fmt.Errorf("set task status: %w", err)
	}
	return t, nil
}

// ReorderInput moves a task to a 0-based position, optionally in another group of its project.
type ReorderInput struct {
	Position *int
	GroupID  *string
}

// ReorderTask moves a task to an index within its group or another group of the project, writing the task's row
// alone (a rank between its new neighbours; rankAt). A position past the end puts the task last. Requires
// manage_tasks.
func (s *Store) ReorderTask(ctx context.Context, a Actor, id string, in ReorderInput) (Task, error) {
	var v validator
	v.check(in.Position != nil, "position", "position is required")
	if in.Position != nil {
		v.check(*in.Position >= 0, "position", "position must be 0 or more")
	}
	validateOptionalID(&v, "group_id", in.GroupID)
	if err := v.err(); err != nil {
		return Task{}, err
	}
	var after Task
	err := s.withTaskTx(ctx, func(tx *sqlx.Tx) error {
		ref, err := manageableTask(ctx, tx, a, id, false)
		if err != nil {
			return err
		}
		var extraGroups []string
		if in.GroupID != nil {
			if err := checkTaskGroup(ctx, tx, &v, ref.ProjectID, *in.GroupID); err != nil {
				return err
			}
			if err := v.err(); err != nil {
				return err
			}
			extraGroups = append(extraGroups, *in.GroupID)
		}
		before, err := lockTaskAndGroups(ctx, tx, a, ref, extraGroups...)
		if err != nil {
			return err
		}
		target := before.GroupID
		if in.GroupID != nil {
			target = *in.GroupID
		}
		rank, err := rankAt(ctx, tx, target, id, *in.Position)
		if err != nil {
			return err
		}
		if rank == nil { // already there
			after = before
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET group_id = $2, position = $3, updated_at = now() WHERE id = $1`,
			id, target, *rank); err != nil {
			return err
		}
		if after, err = getTask(ctx, tx, a.OrgID, id, false); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionUpdated, "task", id, taskChanges(before, after)); err != nil {
			return err
		}
		if err := s.recordTask(ctx, tx, a, EventTaskMoved, before, after); err != nil {
			return err
		}
		after, err = s.takeColumnStatus(ctx, tx, a, after, before.GroupID)
		return err
	})
	if err != nil {
		return Task{}, fmt.Errorf("reorder task: %w", err)
	}
	return after, nil
}

// AddTaskLabel puts one of the organization's labels on a task. Requires manage_tasks; a label the task already
// carries is a conflict.
func (s *Store) AddTaskLabel(ctx context.Context, a Actor, taskID, labelID string) (Task, error) {
	if labelID == "" {
		return Task{}, Invalid("label_id", "label_id is required")
	}
	return s.changeTaskLabel(ctx, a, taskID, labelID, true)
}

// RemoveTaskLabel takes a label off a task. Requires manage_tasks; a label the task does not carry is not found.
func (s *Store) RemoveTaskLabel(ctx context.Context, a Actor, taskID, labelID string) error {
	_, err := s.changeTaskLabel(ctx, a, taskID, labelID, false)
	return err
}

func (s *Store) changeTaskLabel(ctx context.Context, a Actor, taskID, labelID string, add bool) (Task, error) {
	var after Task
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// Only the task row is locked: labels never move tasks, so the group lock order is not involved.
		if _, err := manageableTask(ctx, tx, a, taskID, true); err != nil {
			return err
		}
		var exists bool
		if validID(labelID) {
			if err := tx.GetContext(ctx, &exists, `
				SELECT EXISTS (SELECT 1 FROM labels WHERE id = $1 AND organization_id = $2)`, labelID, a.OrgID); err != nil {
				return err
			}
		}
		if !exists {
			return fmt.Errorf("label: %w", ErrNotFound)
		}
		before, err := getTask(ctx, tx, a.OrgID, taskID, false)
		if err != nil {
			return err
		}
		query := `INSERT INTO task_labels (task_id, label_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`
		if !add {
			query = `DELETE FROM task_labels WHERE task_id = $1 AND label_id = $2`
		}
		res, err := tx.ExecContext(ctx, query, taskID, labelID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 && add {
			return conflict("the task already has this label")
		} else if n == 0 {
			return fmt.Errorf("task label: %w", ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tasks SET updated_at = now() WHERE id = $1`, taskID); err != nil {
			return err
		}
		if after, err = getTask(ctx, tx, a.OrgID, taskID, false); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionUpdated, "task", taskID, taskChanges(before, after)); err != nil {
			return err
		}
		return s.recordTask(ctx, tx, a, EventTaskUpdated, before, after)
	})
	if err != nil {
		return Task{}, fmt.Errorf("task label: %w", err)
	}
	return after, nil
}

// recordTask records a task's change for the live board, its notifications and later webhooks: the task as the API
// shows it, and what changed. before is the zero Task for a new task.
func (s *Store) recordTask(ctx context.Context, tx *sqlx.Tx, a Actor, typ string, before, after Task) error {
	var ch Changes
	if before.ID != "" {
		ch = taskChanges(before, after)
	}
	return s.record(ctx, tx, a, newEvent{
		Type: typ, To: toProject(after.ProjectID), EntityType: "task", EntityID: after.ID, Data: after, Changes: ch,
	})
}
