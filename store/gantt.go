package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// Gantt is what the timeline draws: the projects in view with their groups, their tasks' dates and progress,
// their milestones and the dependency edges between their tasks.
type Gantt struct {
	Projects     []GanttProject
	Groups       []GanttGroup
	Tasks        []GanttTask
	Milestones   []Milestone
	Dependencies []Dependency
	// Today is the current day in the user's timezone.
	Today Date
}

// GanttProject is a project on the timeline; CanManage says whether the actor may move its tasks.
type GanttProject struct {
	ID        string `db:"id"`
	Name      string `db:"name"`
	Color     string `db:"color"`
	Status    string `db:"status"`
	CanManage bool   `db:"can_manage"`
}

// GanttGroup is a task group, a section of its project on the timeline.
type GanttGroup struct {
	ID        string `db:"id"`
	ProjectID string `db:"project_id"`
	Name      string `db:"name"`
	Position  int    `db:"position"`
}

// GanttTask is a task as the timeline draws it. Tasks without dates are listed beside the chart.
type GanttTask struct {
	ID           string  `db:"id"`
	ProjectID    string  `db:"project_id"`
	GroupID      string  `db:"group_id"`
	Title        string  `db:"title"`
	Status       string  `db:"status"`
	Priority     string  `db:"priority"`
	AssigneeID   *string `db:"assignee_id"`
	AssigneeName *string `db:"assignee_name"`
	StartDate    *Date   `db:"start_date"`
	DueDate      *Date   `db:"due_date"`
	Progress     int     `db:"progress"`
	Completed    bool    `db:"completed"`
}

// Gantt loads the timeline of one project the actor can see, or with an empty projectID of every active project
// it can see, in a constant number of queries whatever the number of tasks. Tasks come ordered by group, then
// by start (or due) date; dependency edges are those of the bulk list whose two tasks are both on the timeline.
func (s *Store) Gantt(ctx context.Context, a Actor, projectID string) (Gantt, error) {
	g, ids, err := s.ganttProjects(ctx, a, projectID)
	if err != nil || len(ids) == 0 {
		return g, err
	}
	projects := pq.Array(ids)
	err = s.db.SelectContext(ctx, &g.Groups, `
		SELECT id, project_id, name, position FROM task_groups
		WHERE project_id = ANY($1::uuid[]) ORDER BY project_id, position, created_at, id`, projects)
	if err != nil {
		return g, fmt.Errorf("gantt groups: %w", err)
	}
	err = s.db.SelectContext(ctx, &g.Tasks, `
		SELECT t.id, t.project_id, t.group_id, t.title, t.status, t.priority, t.assignee_id, u.name AS assignee_name,
			t.start_date, t.due_date, t.progress, `+completedTaskCond+` AS completed
		FROM tasks t LEFT JOIN users u ON u.id = t.assignee_id
		WHERE t.organization_id = $1 AND t.project_id = ANY($2::uuid[])
		ORDER BY t.group_id, coalesce(t.start_date, t.due_date) NULLS LAST, t.due_date NULLS LAST, t.position, t.id`,
		a.OrgID, projects)
	if err != nil {
		return g, fmt.Errorf("gantt tasks: %w", err)
	}
	err = s.db.SelectContext(ctx, &g.Milestones, `SELECT `+milestoneColumns+` FROM milestones
		WHERE organization_id = $1 AND project_id = ANY($2::uuid[]) ORDER BY target_date, created_at, id`, a.OrgID, projects)
	if err != nil {
		return g, fmt.Errorf("gantt milestones: %w", err)
	}
	edges, err := s.AllDependencies(ctx, a)
	if err != nil {
		return g, fmt.Errorf("gantt: %w", err)
	}
	onChart := make(map[string]bool, len(g.Tasks))
	for _, t := range g.Tasks {
		onChart[t.ID] = true
	}
	for _, d := range edges {
		if onChart[d.TaskID] && onChart[d.DependsOnID] {
			g.Dependencies = append(g.Dependencies, d)
		}
	}
	return g, nil
}

// ganttProjects starts a timeline: today, and the projects in view (one, or every active project the actor can
// see) with their ids; the other lists are empty, not nil.
func (s *Store) ganttProjects(ctx context.Context, a Actor, projectID string) (Gantt, []string, error) {
	g := Gantt{Projects: []GanttProject{}, Groups: []GanttGroup{}, Tasks: []GanttTask{}, Milestones: []Milestone{},
		Dependencies: []Dependency{}}
	loc, err := s.userLocation(ctx, a.UserID)
	if err != nil {
		return g, nil, fmt.Errorf("gantt: %w", err)
	}
	now := s.now().In(loc)
	g.Today, _ = ParseDate(now.Format(dateLayout))

	q := newQuery("p.organization_id = $1", a.OrgID)
	if projectID != "" {
		if !validID(projectID) {
			return g, nil, fmt.Errorf("project: %w", ErrNotFound)
		}
		q.where("p.id = ?", projectID)
	} else {
		q.where("p.status = ?", ProjectActive)
	}
	visibleProjectsCond(q, a, "p.id")
	// The select list's placeholders are numbered after the conditions', so the query is built before it runs.
	sql := `SELECT p.id, p.name, p.color, p.status,
			(` + q.arg(a.Permissions().ManageAllProjects) + `::boolean OR pm.role = 'manager') IS TRUE AS can_manage
		FROM projects p LEFT JOIN project_members pm ON pm.project_id = p.id AND pm.user_id = ` + q.arg(a.UserID) + `
		WHERE ` + q.cond() + ` ORDER BY lower(p.name), p.id`
	if err := s.db.SelectContext(ctx, &g.Projects, sql, q.args...); err != nil {
		return g, nil, fmt.Errorf("gantt projects: %w", err)
	}
	if projectID != "" && len(g.Projects) == 0 {
		return g, nil, fmt.Errorf("project: %w", ErrNotFound)
	}
	ids := make([]string, len(g.Projects))
	for i, p := range g.Projects {
		ids[i] = p.ID
	}
	return g, ids, nil
}
