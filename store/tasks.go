package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// Task is a unit of work in a project, placed at a position within one of the project's task groups.
type Task struct {
	ID             string     `db:"id" json:"id"`
	OrganizationID string     `db:"organization_id" json:"organization_id"`
	ProjectID      string     `db:"project_id" json:"project_id"`
	Number         int        `db:"number" json:"number"`       // counted per project from 1
	Reference      string     `db:"reference" json:"reference"` // the project's key and the number: TRC-123
	GroupID        string     `db:"group_id" json:"group_id"`
	Title          string     `db:"title" json:"title"`
	Description    string     `db:"description" json:"description"`
	Status         string     `db:"status" json:"status"`
	Priority       string     `db:"priority" json:"priority"`
	AssigneeID     *string    `db:"assignee_id" json:"assignee_id"`
	ReporterID     *string    `db:"reporter_id" json:"reporter_id"`
	StartDate      *Date      `db:"start_date" json:"start_date"`
	DueDate        *Date      `db:"due_date" json:"due_date"`
	EstimatedHours *float64   `db:"estimated_hours" json:"estimated_hours"`
	Complexity     *int       `db:"complexity" json:"complexity"`
	Progress       int        `db:"progress" json:"progress"`
	Position       int        `db:"position" json:"position"`
	LabelIDs       []string   `db:"-" json:"label_ids"`
	CompletedAt    *time.Time `db:"completed_at" json:"completed_at"`
	CreatedAt      time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time  `db:"updated_at" json:"updated_at"`
}

const taskColumns = `t.id, t.organization_id, t.project_id, t.group_id, t.title, t.description, t.status, t.priority,
	t.assignee_id, t.reporter_id, t.start_date, t.due_date, t.estimated_hours, t.complexity, t.progress,
	` + taskPosition + ` AS position, t.completed_at, t.created_at, t.updated_at, t.number, ` + taskReference + ` AS reference`

// taskPosition and taskReference are the columns of a task row t that the API shows but the row does not hold as
// such: its place in its group counted from 0 (stored, and counted only while its group is marked stale;
// store/task_group_index.go), and its reference.
const (
	taskPosition = `CASE WHEN (SELECT sg.indexes_stale_since FROM task_groups sg WHERE sg.id = t.group_id) IS NULL
		THEN t.group_index ELSE (SELECT count(*) FROM tasks s WHERE s.group_id = t.group_id AND s.position < t.position)::int END`
	taskReference = `(SELECT p.key FROM projects p WHERE p.id = t.project_id) || '-' || t.number`
)

// Limits of task fields.
const (
	MaxTaskTitle       = 500
	MaxTaskDescription = 100000
	maxEstimatedHours  = 99999999 // numeric(10, 2)
)

// TaskInput creates a task. Nil fields take their defaults.
type TaskInput struct {
	ProjectID      string
	Title          string
	Description    string
	Status         string // default open
	Priority       string // default medium
	AssigneeID     *string
	GroupID        *string // default: the project's default group
	StartDate      *string // YYYY-MM-DD
	DueDate        *string
	LabelIDs       []string
	EstimatedHours *float64
	Complexity     *int
	Progress       *int
}

// TaskPatch updates a task: only the fields given change.
type TaskPatch struct {
	Title          *string
	Description    *string
	Status         *string
	Priority       *string
	AssigneeID     Clearable[string]
	StartDate      Clearable[string]
	DueDate        Clearable[string]
	EstimatedHours Clearable[float64]
	Complexity     Clearable[int]
	Progress       *int
	GroupID        *string
	LabelIDs       *[]string
}

// onlyWorkflow reports whether the patch changes nothing but status and progress, which the assignee may do.
func (p TaskPatch) onlyWorkflow() bool {
	return p.Title == nil && p.Description == nil && p.Priority == nil && !p.AssigneeID.Set && !p.StartDate.Set &&
		!p.DueDate.Set && !p.EstimatedHours.Set && !p.Complexity.Set && p.GroupID == nil && p.LabelIDs == nil
}

// taskLabelIDs is a column of a task's label ids, read with the task so that reading it takes one statement.
const taskLabelIDs = `ARRAY(SELECT tl.label_id FROM task_labels tl WHERE tl.task_id = t.id ORDER BY tl.label_id) AS label_ids`

// taskRow is a task read with taskLabelIDs.
type taskRow struct {
	Task
	LabelIDs pq.StringArray `db:"label_ids"`
}

// task is the row as the API shows it: its times in UTC, as the JSON PostgreSQL keeps for it (migration 00031)
// writes them, whatever the database session's zone.
func (r taskRow) task() Task {
	r.Task.LabelIDs = []string(r.LabelIDs)
	if r.Task.LabelIDs == nil {
		r.Task.LabelIDs = []string{}
	}
	if r.Task.CompletedAt != nil {
		utc := r.Task.CompletedAt.UTC()
		r.Task.CompletedAt = &utc
	}
	r.Task.CreatedAt, r.Task.UpdatedAt = r.Task.CreatedAt.UTC(), r.Task.UpdatedAt.UTC()
	return r.Task
}

// getTask reads a task of the organization with its labels; lock takes its row lock.
func getTask(ctx context.Context, q sqlx.QueryerContext, orgID, id string, lock bool) (Task, error) {
	if !validID(id) {
		return Task{}, fmt.Errorf("task: %w", ErrNotFound)
	}
	query := `SELECT ` + taskColumns + `, ` + taskLabelIDs + ` FROM tasks t WHERE t.id = $1 AND t.organization_id = $2`
	if lock {
		query += ` FOR UPDATE OF t`
	}
	var r taskRow
	if err := sqlx.GetContext(ctx, q, &r, query, id, orgID); err != nil {
		return Task{}, notFoundIfNoRows(err, "task")
	}
	return r.task(), nil
}

// loadTaskLabels fills label_ids of a page of tasks with one query.
func loadTaskLabels(ctx context.Context, q sqlx.QueryerContext, tasks []Task) error {
	if len(tasks) == 0 {
		return nil
	}
	ids := make([]string, len(tasks))
	index := make(map[string]int, len(tasks))
	for i := range tasks {
		ids[i] = tasks[i].ID
		index[tasks[i].ID] = i
		tasks[i].LabelIDs = []string{}
	}
	var rows []struct {
		TaskID  string `db:"task_id"`
		LabelID string `db:"label_id"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT task_id, label_id FROM task_labels WHERE task_id = ANY($1::uuid[]) ORDER BY task_id, label_id`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("task labels: %w", err)
	}
	for _, r := range rows {
		i := index[r.TaskID]
		tasks[i].LabelIDs = append(tasks[i].LabelIDs, r.LabelID)
	}
	return nil
}

// setTaskLabels makes the task carry exactly ids.
func setTaskLabels(ctx context.Context, tx *sqlx.Tx, taskID string, ids []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM task_labels WHERE task_id = $1 AND NOT (label_id = ANY($2::uuid[]))`,
		taskID, pq.Array(ids)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO task_labels (task_id, label_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`, taskID, pq.Array(ids))
	return err
}

// auditFields are a task's fields as recorded in audit entries: plain values, so equal values compare equal.
func (t Task) auditFields() map[string]any {
	str := func(p *string) any {
		if p == nil {
			return nil
		}
		return *p
	}
	date := func(d *Date) any {
		if d == nil {
			return nil
		}
		return d.String()
	}
	var hours, complexity any
	if t.EstimatedHours != nil {
		hours = *t.EstimatedHours
	}
	if t.Complexity != nil {
		complexity = *t.Complexity
	}
	labels := append([]string{}, t.LabelIDs...)
	return map[string]any{
		"title": t.Title, "description": t.Description, "status": t.Status, "priority": t.Priority,
		"assignee_id": str(t.AssigneeID), "start_date": date(t.StartDate), "due_date": date(t.DueDate),
		"estimated_hours": hours, "complexity": complexity, "progress": t.Progress, "group_id": t.GroupID,
		"position": t.Position, "label_ids": labels,
	}
}

func taskChanges(before, after Task) Changes {
	ch := Changes{}
	b, a := before.auditFields(), after.auditFields()
	for k, to := range a {
		ch.set(k, b[k], to)
	}
	return ch
}

// CreateTask adds a task at the end of its group. Requires manage_tasks on the project; the caller becomes the
// reporter, and the assignee is notified.
func (s *Store) CreateTask(ctx context.Context, a Actor, in TaskInput) (Task, error) {
	var v validator
	in.Title = validateTaskTitle(&v, in.Title)
	validateTaskDescription(&v, in.Description)
	v.check(in.ProjectID != "", "project_id", "project_id is required")
	statusGiven := in.Status != ""
	if in.Status == "" {
		in.Status = vocab.DefaultStatus
	}
	if in.Priority == "" {
		in.Priority = vocab.DefaultPriority
	}
	validatePriority(&v, in.Priority)
	validateOptionalID(&v, "assignee_id", in.AssigneeID)
	validateOptionalID(&v, "group_id", in.GroupID)
	in.LabelIDs = normalizeLabelIDs(&v, in.LabelIDs)
	start, due := parseDateField(&v, "start_date", in.StartDate), parseDateField(&v, "due_date", in.DueDate)
	checkDateOrder(&v, start, due)
	validateEstimate(&v, in.EstimatedHours)
	validateComplexity(&v, in.Complexity)
	validateProgress(&v, in.Progress)
	if err := v.err(); err != nil {
		return Task{}, err
	}
	progress := 0
	if in.Progress != nil {
		progress = *in.Progress
	}
	var t Task
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		p, err := manageableProject(ctx, tx, a, in.ProjectID)
		if err != nil {
			return err
		}
		st, err := checkTaskStatus(ctx, tx, &v, a.OrgID, in.Status)
		if err != nil {
			return err
		}
		if in.AssigneeID != nil {
			if err := checkAssignee(ctx, tx, &v, a.OrgID, *in.AssigneeID); err != nil {
				return err
			}
		}
		if in.GroupID != nil {
			if err := checkTaskGroup(ctx, tx, &v, p.ID, *in.GroupID); err != nil {
				return err
			}
		}
		if err := checkLabels(ctx, tx, &v, a.OrgID, in.LabelIDs); err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		groupID := ""
		if in.GroupID != nil {
			groupID = *in.GroupID
		} else if groupID, err = defaultGroup(ctx, tx, p.ID); err != nil {
			return err
		}
		if progress == 100 {
			if st, err = advanceOnProgress(ctx, tx, a.OrgID, st); err != nil {
				return err
			}
		}
		if groupID, st, err = placeNewTask(ctx, tx, a.OrgID, p.ID, groupID, in.GroupID != nil, st, statusGiven); err != nil {
			return err
		}
		if err := lockGroups(ctx, tx, groupID); err != nil {
			return err
		}
		var id string
		err = tx.GetContext(ctx, &id, `
			INSERT INTO tasks (organization_id, project_id, group_id, title, description, status, priority, assignee_id,
				reporter_id, start_date, due_date, estimated_hours, complexity, progress, position, completed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
				`+appendRankSQL+`, CASE WHEN $15 THEN now() END)
			RETURNING id`,
			a.OrgID, p.ID, groupID, in.Title, in.Description, st.Code, in.Priority, in.AssigneeID,
			a.UserID, start, due, in.EstimatedHours, in.Complexity, progress, st.IsTerminal)
		if err != nil {
			return err
		}
		if err := setTaskLabels(ctx, tx, id, in.LabelIDs); err != nil {
			return err
		}
		if t, err = getTask(ctx, tx, a.OrgID, id, false); err != nil {
			return err
		}
		ch := Changes{"project_id": {To: p.ID}}
		for k, to := range t.auditFields() {
			if l, isList := to.([]string); to != nil && to != "" && (!isList || len(l) > 0) {
				ch[k] = Change{To: to}
			}
		}
		if err := audit(ctx, tx, a, ActionCreated, "task", id, ch); err != nil {
			return err
		}
		if err := s.recordTask(ctx, tx, a, EventTaskCreated, Task{}, t); err != nil {
			return err
		}
		if st.IsTerminal {
			return s.onTaskCompleted(ctx, tx, a, id)
		}
		return nil
	})
	if err != nil {
		return Task{}, fmt.Errorf("create task: %w", err)
	}
	return t, nil
}

// Task reads a task the actor can see: the permission, the task and its labels in one prepared statement.
func (s *Store) Task(ctx context.Context, a Actor, id string) (Task, error) {
	if !validID(id) {
		return Task{}, fmt.Errorf("task: %w", ErrNotFound)
	}
	q := newQuery("t.id = $1", id)
	q.where("t.organization_id = ?", a.OrgID)
	visibleProjectsCond(q, a, "t.project_id")
	var r taskRow
	if err := s.getPrepared(ctx, &r, `SELECT `+taskColumns+`, `+taskLabelIDs+` FROM tasks t WHERE `+q.cond(), q.args...); err != nil {
		return Task{}, notFoundIfNoRows(err, "task")
	}
	return r.task(), nil
}

// UpdateTask changes the fields given. Requires manage_tasks; the assignee may change only status and progress.
func (s *Store) UpdateTask(ctx context.Context, a Actor, id string, p TaskPatch) (Task, error) {
	t, err := s.patchTask(ctx, a, id, p)
	if err != nil {
		return Task{}, fmt.Errorf("update task: %w", err)
	}
	return t, nil
}

// DeleteTask removes a task; the ranks of its group need no closing up. Requires manage_tasks.
func (s *Store) DeleteTask(ctx context.Context, a Actor, id string) error {
	err := s.withTaskTx(ctx, func(tx *sqlx.Tx) error {
		ref, err := manageableTask(ctx, tx, a, id, false)
		if err != nil {
			return err
		}
		t, err := lockTaskAndGroups(ctx, tx, a, ref)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tasks WHERE id = $1`, id); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionDeleted, "task", id, Changes{
			"title": {From: t.Title}, "project_id": {From: t.ProjectID}, "status": {From: t.Status},
		}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{
			Type: EventTaskDeleted, To: toProject(t.ProjectID), EntityType: "task", EntityID: id,
			Data: map[string]any{"id": id, "project_id": t.ProjectID, "group_id": t.GroupID, "title": t.Title},
		})
	})
	if err != nil {
		return fmt.Errorf("delete task: %w", err)
	}
	return nil
}
