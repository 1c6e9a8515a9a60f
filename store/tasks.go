package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Task is a unit of work in a project, placed at a position within one of the project's task groups.
type Task struct {
	ID             string     `db:"id" json:"id"`
	OrganizationID string     `db:"organization_id" json:"organization_id"`
	ProjectID      string     `db:"project_id" json:"project_id"`
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
	t.assignee_id, t.reporter_id, t.start_date, t.due_date, t.estimated_hours, t.complexity, t.progress, t.position,
	t.completed_at, t.created_at, t.updated_at`

// Task priorities, lowest first.
var taskPriorities = []string{"low", "medium", "high", "urgent"}

func validPriority(p string) bool {
	for _, x := range taskPriorities {
		if x == p {
			return true
		}
	}
	return false
}

// Limits of task fields.
const (
	MaxTaskTitle       = 500
	MaxTaskDescription = 100000
	maxEstimatedHours  = 99999999 // numeric(10, 2)
)

// Date is a calendar day without a timezone: YYYY-MM-DD on the wire, a PostgreSQL date in the database.
type Date struct{ time.Time }

const dateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD day.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

func (d Date) String() string { return d.Format(dateLayout) }

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	p, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Scan reads a PostgreSQL date, keeping only the day whatever location the driver gives it.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		d.Time = time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
		return nil
	case []byte:
		return d.scanString(string(v))
	case string:
		return d.scanString(v)
	}
	return fmt.Errorf("date: cannot scan %T", src)
}

func (d *Date) scanString(s string) error {
	p, err := ParseDate(s)
	if err == nil {
		*d = p
	}
	return err
}

// Value writes the day as text, which PostgreSQL casts to date.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Clearable is an optional field of an update whose value may also be cleared: Set says the field was given,
// and a nil Value then clears it.
type Clearable[T any] struct {
	Set   bool
	Value *T
}

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

// Field validation shared by create and update; each returns the normalized value.

func validateTaskTitle(v *validator, title string) string {
	title = strings.TrimSpace(title)
	v.check(title != "", "title", "title is required")
	v.check(utf8.RuneCountInString(title) <= MaxTaskTitle, "title", fmt.Sprintf("title must be at most %d characters", MaxTaskTitle))
	return title
}

func validateTaskDescription(v *validator, d string) {
	v.check(utf8.RuneCountInString(d) <= MaxTaskDescription, "description",
		fmt.Sprintf("description must be at most %d characters", MaxTaskDescription))
}

func validatePriority(v *validator, p string) {
	v.check(validPriority(p), "priority", "priority must be one of low, medium, high, urgent")
}

func validateComplexity(v *validator, c *int) {
	if c != nil {
		ok := false
		for _, x := range []int{1, 2, 3, 5, 8} {
			ok = ok || *c == x
		}
		v.check(ok, "complexity", "complexity must be one of 1, 2, 3, 5, 8")
	}
}

func validateProgress(v *validator, p *int) {
	if p != nil {
		v.check(*p >= 0 && *p <= 100, "progress", "progress must be between 0 and 100")
	}
}

func validateEstimate(v *validator, h *float64) {
	if h != nil {
		v.check(*h >= 0 && *h <= maxEstimatedHours, "estimated_hours",
			fmt.Sprintf("estimated_hours must be between 0 and %d", maxEstimatedHours))
	}
}

func validateOptionalID(v *validator, field string, id *string) {
	if id != nil {
		v.check(validID(*id), field, field+" must be a valid id")
	}
}

// parseDateField reads an optional YYYY-MM-DD field.
func parseDateField(v *validator, field string, s *string) *Date {
	if s == nil {
		return nil
	}
	d, err := ParseDate(*s)
	if err != nil {
		v.add(field, field+" must be a date (YYYY-MM-DD)")
		return nil
	}
	return &d
}

// checkDateOrder applies the reference's rule to the pair a task ends up with.
func checkDateOrder(v *validator, start, due *Date) {
	if start != nil && due != nil && start.After(due.Time) {
		v.add("start_date", "start_date must be on or before due_date")
	}
}

// normalizeLabelIDs drops duplicates and reports ids that are not UUIDs.
func normalizeLabelIDs(v *validator, ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if !validID(id) {
			v.add("label_ids", "label_ids must be labels of the organization")
			continue
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// References a task makes to other rows, checked inside the transaction.

func checkTaskStatus(ctx context.Context, q sqlx.QueryerContext, v *validator, orgID, code string) (statusInfo, error) {
	st, ok, err := lookupStatus(ctx, q, orgID, code)
	if err != nil {
		return st, err
	}
	v.check(ok, "status", "status must be open, in_progress, done, closed or a custom status of the organization")
	return st, nil
}

func checkAssignee(ctx context.Context, q sqlx.QueryerContext, v *validator, orgID, userID string) error {
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `
		SELECT EXISTS (SELECT 1 FROM members WHERE organization_id = $1 AND user_id = $2 AND status = 'active')`, orgID, userID)
	v.check(ok, "assignee_id", "assignee_id must be an active member of the organization")
	return err
}

func checkTaskGroup(ctx context.Context, q sqlx.QueryerContext, v *validator, projectID, groupID string) error {
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM task_groups WHERE id = $1 AND project_id = $2)`, groupID, projectID)
	v.check(ok, "group_id", "group_id must be a task group of the project")
	return err
}

func checkLabels(ctx context.Context, q sqlx.QueryerContext, v *validator, orgID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM labels WHERE organization_id = $1 AND id = ANY($2::uuid[])`, orgID, pq.Array(ids))
	v.check(n == len(ids), "label_ids", "label_ids must be labels of the organization")
	return err
}

// getTask reads a task of the organization with its labels; lock takes its row lock.
func getTask(ctx context.Context, q sqlx.QueryerContext, orgID, id string, lock bool) (Task, error) {
	var t Task
	if !validID(id) {
		return t, fmt.Errorf("task: %w", ErrNotFound)
	}
	query := `SELECT ` + taskColumns + ` FROM tasks t WHERE t.id = $1 AND t.organization_id = $2`
	if lock {
		query += ` FOR UPDATE`
	}
	if err := sqlx.GetContext(ctx, q, &t, query, id, orgID); err != nil {
		return t, notFoundIfNoRows(err, "task")
	}
	list := []Task{t}
	if err := loadTaskLabels(ctx, q, list); err != nil {
		return t, err
	}
	return list[0], nil
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
	if in.Status == "" {
		in.Status = "open"
	}
	if in.Priority == "" {
		in.Priority = "medium"
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
		if err := lockGroups(ctx, tx, groupID); err != nil {
			return err
		}
		var id string
		err = tx.GetContext(ctx, &id, `
			INSERT INTO tasks (organization_id, project_id, group_id, title, description, status, priority, assignee_id,
				reporter_id, start_date, due_date, estimated_hours, complexity, progress, position, completed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
				(SELECT count(*) FROM tasks WHERE group_id = $3), CASE WHEN $15 THEN now() END)
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
		if err := s.notifyTaskChanges(ctx, tx, a, Task{}, t); err != nil {
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

// Task reads a task the actor can see.
func (s *Store) Task(ctx context.Context, a Actor, id string) (Task, error) {
	if _, err := visibleTask(ctx, s.db, a, id, false); err != nil {
		return Task{}, err
	}
	return getTask(ctx, s.db, a.OrgID, id, false)
}

// UpdateTask changes the fields given. Requires manage_tasks; the assignee may change only status and progress.
func (s *Store) UpdateTask(ctx context.Context, a Actor, id string, p TaskPatch) (Task, error) {
	t, err := s.patchTask(ctx, a, id, p)
	if err != nil {
		return Task{}, fmt.Errorf("update task: %w", err)
	}
	return t, nil
}

// DeleteTask removes a task and closes the gap in its group. Requires manage_tasks.
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
		if err := compactGroup(ctx, tx, t.GroupID); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionDeleted, "task", id, Changes{
			"title": {From: t.Title}, "project_id": {From: t.ProjectID}, "status": {From: t.Status},
		})
	})
	if err != nil {
		return fmt.Errorf("delete task: %w", err)
	}
	return nil
}

// TaskFilter narrows GET /tasks. Values come as the query string gives them and are validated here.
type TaskFilter struct {
	ProjectID  string
	AssigneeID string
	Status     string
	Priority   string
	LabelIDs   string // comma-separated; tasks carrying any of them
	GroupID    string
	Search     string // full text over title and description, each word a prefix
	Sort       string // created_at (default), updated_at, priority, position
	Order      string // asc or desc; default desc, asc for position
	Page       Page
}

// taskSorts are the ORDER BY clauses of the sort values; %[1]s is the direction.
var taskSorts = map[string]string{
	"created_at": "t.created_at %[1]s, t.id %[1]s",
	"updated_at": "t.updated_at %[1]s, t.id %[1]s",
	"priority":   "t.priority_rank %[1]s, t.created_at DESC, t.id",
	"position":   "t.project_id, g.position %[1]s, t.position %[1]s, t.id",
}

var searchWord = regexp.MustCompile(`[\p{L}\p{N}]+`)

// prefixQuery turns free text into a tsquery matching every word as a prefix. Only letters and digits reach
// to_tsquery, so user input can never be read as tsquery syntax; ok is false when nothing searchable is left.
func prefixQuery(search string) (string, bool) {
	words := searchWord.FindAllString(strings.ToLower(search), 32)
	for i, w := range words {
		words[i] = w + ":*"
	}
	return strings.Join(words, " & "), len(words) > 0
}

// Tasks lists the tasks of the projects the actor can see.
func (s *Store) Tasks(ctx context.Context, a Actor, f TaskFilter) (List[Task], error) {
	var v validator
	q := newQuery("t.organization_id = $1", a.OrgID)
	visibleProjectsCond(q, a, "t.project_id")
	idFilter := func(field, col, val string) {
		if val == "" {
			return
		}
		if !validID(val) {
			v.add(field, field+" must be a valid id")
			return
		}
		q.where(col+" = ?", val)
	}
	idFilter("project_id", "t.project_id", f.ProjectID)
	idFilter("assignee_id", "t.assignee_id", f.AssigneeID)
	idFilter("group_id", "t.group_id", f.GroupID)
	if f.Status != "" {
		q.where("t.status = ?", f.Status)
	}
	if f.Priority != "" {
		validatePriority(&v, f.Priority)
		q.where("t.priority = ?", f.Priority)
	}
	if f.LabelIDs != "" {
		var ids []string
		for _, id := range strings.Split(f.LabelIDs, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		for _, id := range ids {
			v.check(validID(id), "label_ids", "label_ids must be a comma-separated list of label ids")
		}
		if len(ids) > 0 {
			q.where("t.id IN (SELECT task_id FROM task_labels WHERE label_id = ANY(?::uuid[]))", pq.Array(ids))
		}
	}
	if strings.TrimSpace(f.Search) != "" {
		if tsq, ok := prefixQuery(f.Search); ok {
			q.where("t.search @@ to_tsquery('simple', ?)", tsq)
		} else {
			q.where("false")
		}
	}
	sort := f.Sort
	if sort == "" {
		sort = "created_at"
	}
	orderBy, ok := taskSorts[sort]
	v.check(ok, "sort", "sort must be one of created_at, updated_at, priority, position")
	dir := "DESC"
	if sort == "position" {
		dir = "ASC"
	}
	switch strings.ToLower(f.Order) {
	case "":
	case "asc":
		dir = "ASC"
	case "desc":
		dir = "DESC"
	default:
		v.add("order", "order must be asc or desc")
	}
	if err := v.err(); err != nil {
		return List[Task]{}, err
	}
	out := List[Task]{Page: f.Page.Number(), PerPage: f.Page.Size(), Items: []Task{}}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM tasks t WHERE `+q.cond(), q.args...); err != nil {
		return out, fmt.Errorf("tasks: %w", err)
	}
	err := s.db.SelectContext(ctx, &out.Items, `
		SELECT `+taskColumns+` FROM tasks t JOIN task_groups g ON g.id = t.group_id
		WHERE `+q.cond()+` ORDER BY `+fmt.Sprintf(orderBy, dir)+` `+q.limit(f.Page), q.args...)
	if err != nil {
		return out, fmt.Errorf("tasks: %w", err)
	}
	return out, loadTaskLabels(ctx, s.db, out.Items)
}

// DashboardSummary counts the caller's assigned tasks and lists the overdue urgent ones.
type DashboardSummary struct {
	TotalTasks         int    `db:"total_tasks" json:"total_tasks"`
	CompletedTasks     int    `db:"completed_tasks" json:"completed_tasks"`
	OverdueCount       int    `db:"overdue_count" json:"overdue_count"`
	OverdueUrgentTasks []Task `db:"-" json:"overdue_urgent_tasks"`
}

// maxOverdueUrgent caps the dashboard's list of overdue urgent tasks.
const maxOverdueUrgent = 20

// completedTaskCond is true for tasks of t in a completed status: done, closed or a terminal custom status.
const completedTaskCond = `(t.status IN ('done', 'closed') OR t.status IN (
	SELECT code FROM task_statuses WHERE organization_id = t.organization_id AND is_terminal))`

// Dashboard summarizes the tasks assigned to the actor in its organization, among the projects it can see.
// Overdue means due before today in the user's timezone and not completed.
func (s *Store) Dashboard(ctx context.Context, a Actor) (DashboardSummary, error) {
	var out DashboardSummary
	loc, err := s.userLocation(ctx, a.UserID)
	if err != nil {
		return out, err
	}
	today := s.now().In(loc).Format(dateLayout)
	q := newQuery("t.organization_id = $1", a.OrgID)
	q.where("t.assignee_id = ?", a.UserID)
	visibleProjectsCond(q, a, "t.project_id")
	overdue := "t.due_date < " + q.arg(today) + "::date AND NOT " + completedTaskCond
	err = s.db.GetContext(ctx, &out, `
		SELECT count(*) AS total_tasks,
			count(*) FILTER (WHERE `+completedTaskCond+`) AS completed_tasks,
			count(*) FILTER (WHERE `+overdue+`) AS overdue_count
		FROM tasks t WHERE `+q.cond(), q.args...)
	if err != nil {
		return out, fmt.Errorf("dashboard: %w", err)
	}
	out.OverdueUrgentTasks = []Task{}
	err = s.db.SelectContext(ctx, &out.OverdueUrgentTasks, `
		SELECT `+taskColumns+` FROM tasks t
		WHERE `+q.cond()+` AND t.priority = 'urgent' AND `+overdue+`
		ORDER BY t.due_date, t.created_at, t.id LIMIT `+fmt.Sprint(maxOverdueUrgent), q.args...)
	if err != nil {
		return out, fmt.Errorf("dashboard: %w", err)
	}
	return out, loadTaskLabels(ctx, s.db, out.OverdueUrgentTasks)
}
