package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/lib/pq"
)

// The read models of the work pages: a project's board, and everything the task panel shows about one task. Each
// is one method running a fixed number of queries whatever the number of tasks, so a board of thousands of cards
// costs the same handful of round trips as a board of ten.

// BoardFilter narrows the cards of a board; empty fields match every task.
type BoardFilter struct {
	AssigneeID string // a user id, "me" for the actor, or "none" for unassigned tasks
	LabelID    string
	Priority   string
	Search     string // full text over title and description, each word a prefix
}

// Board filter values with a special meaning.
const (
	AssigneeMe   = "me"
	AssigneeNone = "none"
)

// Active reports whether any filter is set.
func (f BoardFilter) Active() bool {
	return f.AssigneeID != "" || f.LabelID != "" || f.Priority != "" || strings.TrimSpace(f.Search) != ""
}

// Board is a project's task groups in board order, each with the cards that pass the filter, plus the choices the
// board's filters and cards offer.
type Board struct {
	Project   BoardProject
	CanManage bool // manage_tasks: move cards, add tasks and groups
	Groups    []BoardGroup
	Members   []Person     // active members of the organization, by name: the possible assignees
	Labels    []Label      // the organization's labels, by name
	Statuses  []TaskStatus // the organization's custom statuses, by position
	Total     int          // tasks in the project, filtered or not
	Shown     int          // cards on the board after the filter
}

// BoardProject is the project a board or panel belongs to.
type BoardProject struct {
	ID     string `db:"id"`
	Name   string `db:"name"`
	Color  string `db:"color"`
	Status string `db:"status"`
}

// BoardGroup is one column of a board.
type BoardGroup struct {
	ID        string `db:"id"`
	Name      string `db:"name"`
	Position  int    `db:"position"`
	IsDefault bool   `db:"is_default"`
	Collapsed bool   `db:"collapsed"` // the actor collapsed it
	Total     int    `db:"total"`     // tasks in the group, filtered or not
	Cards     []BoardCard
}

// BoardCard is a task as a card shows it.
type BoardCard struct {
	ID             string  `db:"id"`
	GroupID        string  `db:"group_id"`
	Title          string  `db:"title"`
	Status         string  `db:"status"`
	Priority       string  `db:"priority"`
	Position       int     `db:"position"`
	AssigneeID     *string `db:"assignee_id"`
	AssigneeName   string  `db:"assignee_name"`
	AssigneeAvatar *string `db:"assignee_avatar_key"`
	AssigneeURL    *string `db:"-"` // the assignee's avatar image, if any
	StartDate      *Date   `db:"start_date"`
	DueDate        *Date   `db:"due_date"`
	Progress       int     `db:"progress"`
	Completed      bool    `db:"completed"`
	ChecklistDone  int     `db:"checklist_done"`
	ChecklistTotal int     `db:"checklist_total"`
	Comments       int     `db:"comments"`
	Labels         []BoardLabel
}

// BoardLabel is a label as a chip shows it.
type BoardLabel struct {
	ID    string `db:"id"`
	Name  string `db:"name"`
	Color string `db:"color"`
}

// Person is a member of the organization as pickers and avatars show them.
type Person struct {
	UserID    string  `db:"user_id"`
	Name      string  `db:"name"`
	Email     string  `db:"email"`
	AvatarKey *string `db:"avatar_key"`
	AvatarURL *string `db:"-"`
}

// boardFilterCond adds the filter's conditions on tasks aliased t to q.
func boardFilterCond(q *query, v *validator, a Actor, f BoardFilter) {
	switch f.AssigneeID {
	case "":
	case AssigneeMe:
		q.where("t.assignee_id = ?", a.UserID)
	case AssigneeNone:
		q.where("t.assignee_id IS NULL")
	default:
		if validID(f.AssigneeID) {
			q.where("t.assignee_id = ?", f.AssigneeID)
		} else {
			v.add("assignee_id", "assignee_id must be a member, me or none")
		}
	}
	if f.LabelID != "" {
		if validID(f.LabelID) {
			q.where("t.id IN (SELECT task_id FROM task_labels WHERE label_id = ?)", f.LabelID)
		} else {
			v.add("label_id", "label_id must be a label of the organization")
		}
	}
	if f.Priority != "" {
		validatePriority(v, f.Priority)
		q.where("t.priority = ?", f.Priority)
	}
	if strings.TrimSpace(f.Search) != "" {
		if tsq, ok := prefixQuery(f.Search); ok {
			q.where("t.search @@ to_tsquery('simple', ?)", tsq)
		} else {
			q.where("false")
		}
	}
}

// boardCardSelect reads cards with their assignee and checklist and comment counts; the counts come from lateral
// subqueries that each use their table's task index.
const boardCardSelect = `
	SELECT t.id, t.group_id, t.title, t.status, t.priority, t.position, t.assignee_id,
		coalesce(u.name, '') AS assignee_name, u.avatar_key AS assignee_avatar_key,
		t.start_date, t.due_date, t.progress, t.completed_at IS NOT NULL AS completed,
		cl.done AS checklist_done, cl.total AS checklist_total, cm.n AS comments
	FROM tasks t
	JOIN task_groups g ON g.id = t.group_id
	LEFT JOIN users u ON u.id = t.assignee_id
	CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE completed) AS done, count(*) AS total
		FROM task_checklist_items WHERE task_id = t.id) cl
	CROSS JOIN LATERAL (SELECT count(*) AS n FROM task_comments WHERE task_id = t.id) cm`

// Board reads a project's board for anyone who may see the project: its groups in position order, each with its
// cards in position order, the actor's collapsed groups, and what the filters offer. It runs the same number of
// queries for any number of tasks.
func (s *Store) Board(ctx context.Context, a Actor, projectID string, f BoardFilter) (Board, error) {
	var b Board
	ref, err := visibleProject(ctx, s.db, a, projectID)
	if err != nil {
		return b, err
	}
	var v validator
	q := newQuery("t.project_id = $1", projectID)
	boardFilterCond(q, &v, a, f)
	if err := v.err(); err != nil {
		return b, err
	}
	b.CanManage = ref.canManage(a)
	if err := s.db.GetContext(ctx, &b.Project, `SELECT id, name, color, status FROM projects WHERE id = $1`, projectID); err != nil {
		return b, fmt.Errorf("board: %w", notFoundIfNoRows(err, "project"))
	}
	b.Groups = []BoardGroup{}
	err = s.db.SelectContext(ctx, &b.Groups, `
		SELECT g.id, g.name, g.position, g.is_default, c.group_id IS NOT NULL AS collapsed,
			(SELECT count(*) FROM tasks WHERE group_id = g.id) AS total
		FROM task_groups g LEFT JOIN collapsed_task_groups c ON c.group_id = g.id AND c.user_id = $2
		WHERE g.project_id = $1 ORDER BY g.position, g.created_at, g.id`, projectID, a.UserID)
	if err != nil {
		return b, fmt.Errorf("board groups: %w", err)
	}
	var cards []BoardCard
	if err := s.db.SelectContext(ctx, &cards, boardCardSelect+` WHERE `+q.cond()+`
		ORDER BY g.position, g.id, t.position, t.id`, q.args...); err != nil {
		return b, fmt.Errorf("board cards: %w", err)
	}
	if err := s.loadCardLabels(ctx, cards); err != nil {
		return b, err
	}
	avatars := map[string]*string{}
	index := make(map[string]int, len(b.Groups))
	for i, g := range b.Groups {
		index[g.ID] = i
		b.Groups[i].Cards = []BoardCard{}
		b.Total += g.Total
	}
	for _, c := range cards {
		if c.AssigneeAvatar != nil {
			url, ok := avatars[*c.AssigneeAvatar]
			if !ok {
				url = s.fileURL(ctx, c.AssigneeAvatar)
				avatars[*c.AssigneeAvatar] = url
			}
			c.AssigneeURL = url
		}
		if i, ok := index[c.GroupID]; ok {
			b.Groups[i].Cards = append(b.Groups[i].Cards, c)
			b.Shown++
		}
	}
	if b.Members, err = s.people(ctx, a.OrgID); err != nil {
		return b, err
	}
	if b.Labels, err = s.Labels(ctx, a); err != nil {
		return b, fmt.Errorf("board labels: %w", err)
	}
	if b.Statuses, err = listTaskStatuses(ctx, s.db, a.OrgID); err != nil {
		return b, fmt.Errorf("board statuses: %w", err)
	}
	return b, nil
}

// loadCardLabels fills the label chips of cards with one query.
func (s *Store) loadCardLabels(ctx context.Context, cards []BoardCard) error {
	if len(cards) == 0 {
		return nil
	}
	ids := make([]string, len(cards))
	index := make(map[string]int, len(cards))
	for i := range cards {
		ids[i] = cards[i].ID
		index[cards[i].ID] = i
	}
	var rows []struct {
		TaskID string `db:"task_id"`
		BoardLabel
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT tl.task_id, l.id, l.name, l.color FROM task_labels tl JOIN labels l ON l.id = tl.label_id
		WHERE tl.task_id = ANY($1::uuid[]) ORDER BY lower(l.name), l.id`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("board card labels: %w", err)
	}
	for _, r := range rows {
		i := index[r.TaskID]
		cards[i].Labels = append(cards[i].Labels, r.BoardLabel)
	}
	return nil
}

// people lists the organization's active members by name, with their avatar links.
func (s *Store) people(ctx context.Context, orgID string) ([]Person, error) {
	out := []Person{}
	err := s.db.SelectContext(ctx, &out, `
		SELECT u.id AS user_id, u.name, u.email, u.avatar_key FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.organization_id = $1 AND m.status = 'active' ORDER BY lower(u.name), u.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	for i := range out {
		out[i].AvatarURL = s.fileURL(ctx, out[i].AvatarKey)
	}
	return out, nil
}

// TaskDetail is everything the task panel shows about a task, with what the actor may do to it.
type TaskDetail struct {
	Task         Task
	Project      BoardProject
	CanManage    bool // manage_tasks on the project: every field, labels, checklist, dependencies, recurrence, delete
	IsAssignee   bool // the assignee may also change status and progress
	Groups       []TaskGroup
	Statuses     []TaskStatus
	Members      []Person
	Labels       []Label
	Comments     []Comment
	Checklist    []ChecklistItem
	Dependencies []TaskDependency
	Recurrence   *Recurrence
	ReporterName string

	actor Actor
}

// CanChangeWorkflow reports whether the actor may change the task's status and progress.
func (d TaskDetail) CanChangeWorkflow() bool { return d.CanManage || d.IsAssignee }

// CanDeleteComment reports whether the actor may delete c: its author, or an owner or admin.
func (d TaskDetail) CanDeleteComment(c Comment) bool {
	return d.actor.IsAdmin() || (c.UserID != nil && *c.UserID == d.actor.UserID)
}

// IsCompletedStatus reports whether a task in the status is completed: done, closed, or a terminal custom status.
func (d TaskDetail) IsCompletedStatus(code string) bool {
	if code == "done" || code == "closed" {
		return true
	}
	for _, s := range d.Statuses {
		if s.Code == code {
			return s.IsTerminal
		}
	}
	return false
}

// TaskDetail reads a task with its project, comments, checklist, dependencies (both directions, only those whose
// other task the actor may see), recurrence, and the choices its fields offer, for anyone who can see the task.
func (s *Store) TaskDetail(ctx context.Context, a Actor, taskID string) (TaskDetail, error) {
	d := TaskDetail{actor: a}
	ref, err := visibleTask(ctx, s.db, a, taskID, false)
	if err != nil {
		return d, err
	}
	d.CanManage = ref.Project.canManage(a)
	d.IsAssignee = ref.AssigneeID != nil && *ref.AssigneeID == a.UserID
	if d.Task, err = getTask(ctx, s.db, a.OrgID, taskID, false); err != nil {
		return d, err
	}
	if err := s.db.GetContext(ctx, &d.Project, `SELECT id, name, color, status FROM projects WHERE id = $1`, ref.ProjectID); err != nil {
		return d, fmt.Errorf("task detail: %w", notFoundIfNoRows(err, "project"))
	}
	if d.Task.ReporterID != nil {
		if err := s.db.GetContext(ctx, &d.ReporterName, `SELECT name FROM users WHERE id = $1`, *d.Task.ReporterID); err != nil && !isNoRows(err) {
			return d, fmt.Errorf("task detail: %w", err)
		}
	}
	reads := []func() error{
		func() (err error) { d.Groups, err = listTaskGroups(ctx, s.db, ref.ProjectID); return },
		func() (err error) { d.Statuses, err = listTaskStatuses(ctx, s.db, a.OrgID); return },
		func() (err error) { d.Members, err = s.people(ctx, a.OrgID); return },
		func() (err error) { d.Labels, err = s.Labels(ctx, a); return },
		func() error {
			d.Comments = []Comment{}
			return s.db.SelectContext(ctx, &d.Comments, commentSelect+`
				WHERE c.task_id = $1 AND c.organization_id = $2 ORDER BY c.created_at, c.id`, taskID, a.OrgID)
		},
		func() error {
			d.Checklist = []ChecklistItem{}
			return s.db.SelectContext(ctx, &d.Checklist, `SELECT `+checklistColumns+` FROM task_checklist_items
				WHERE task_id = $1 AND organization_id = $2 ORDER BY position, created_at, id`, taskID, a.OrgID)
		},
		func() error {
			q := newQuery("TRUE", taskID, a.OrgID)
			visibleProjectsCond(q, a, "o.project_id")
			d.Dependencies = []TaskDependency{}
			return s.db.SelectContext(ctx, &d.Dependencies, taskDependencySelect+` AND `+q.cond()+`
				ORDER BY d.created_at, d.id`, q.args...)
		},
		func() error {
			var r Recurrence
			err := s.db.GetContext(ctx, &r, `SELECT `+recurrenceColumns+` FROM task_recurrences
				WHERE task_id = $1 AND organization_id = $2`, taskID, a.OrgID)
			if isNoRows(err) {
				return nil
			}
			d.Recurrence = &r
			return err
		},
	}
	for _, read := range reads {
		if err := read(); err != nil {
			return d, fmt.Errorf("task detail: %w", err)
		}
	}
	return d, nil
}
