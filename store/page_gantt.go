package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// GanttPageRows is how many scheduled tasks the timeline page draws at once, and GanttPageUnscheduled how many
// tasks without dates it lists. A timeline of 20,000 tasks read them all to draw 200 (issue 15); the page now reads
// its window of rows and counts the rest in SQL.
const (
	GanttPageRows        = 200
	GanttPageUnscheduled = 100
)

// GanttPage is the timeline page: the projects in view with their groups and milestones, the scheduled tasks of
// one window of rows, the first unscheduled tasks, and the dependencies between tasks of the window.
type GanttPage struct {
	Gantt
	// RowStart is the index of the window's first task among the scheduled tasks in display order (project by
	// name, group by position, then start or due date), moved back into range; Scheduled counts them all.
	RowStart  int
	Scheduled int
	// SectionTasks counts the scheduled tasks of each group and of each project, by id.
	SectionTasks map[string]int
	// Unscheduled counts the tasks without dates; Tasks holds at most GanttPageUnscheduled of them.
	Unscheduled int
}

// GanttPage reads the timeline page of one project (or with an empty projectID of every active project the actor
// can see) from the scheduled task at index rowStart: GanttPageRows of them, in a constant number of queries whose
// cost does not grow with the rows left out (they are counted, not read).
func (s *Store) GanttPage(ctx context.Context, a Actor, projectID string, rowStart int) (GanttPage, error) {
	g, ids, err := s.ganttProjects(ctx, a, projectID)
	pg := GanttPage{Gantt: g, SectionTasks: map[string]int{}}
	if err != nil || len(ids) == 0 {
		return pg, err
	}
	projects := pq.Array(ids)
	if err := s.ganttCounts(ctx, a, projects, &pg); err != nil {
		return pg, err
	}
	pg.RowStart = max(min(rowStart, (pg.Scheduled-1)/GanttPageRows*GanttPageRows), 0)
	err = s.db.SelectContext(ctx, &pg.Groups, `
		SELECT id, project_id, name, position FROM task_groups
		WHERE project_id = ANY($1::uuid[]) ORDER BY project_id, position, created_at, id`, projects)
	if err != nil {
		return pg, fmt.Errorf("gantt groups: %w", err)
	}
	if err := s.ganttWindowTasks(ctx, a, projects, &pg); err != nil {
		return pg, err
	}
	err = s.db.SelectContext(ctx, &pg.Milestones, `SELECT `+milestoneColumns+` FROM milestones
		WHERE organization_id = $1 AND project_id = ANY($2::uuid[]) ORDER BY target_date, created_at, id`, a.OrgID, projects)
	if err != nil {
		return pg, fmt.Errorf("gantt milestones: %w", err)
	}
	// Both ends are tasks of the window, so of projects the actor sees: the only edges the chart can draw.
	window := make([]string, 0, len(pg.Tasks))
	for _, t := range pg.Tasks {
		if t.StartDate != nil || t.DueDate != nil {
			window = append(window, t.ID)
		}
	}
	err = s.db.SelectContext(ctx, &pg.Dependencies, `
		SELECT id, task_id, depends_on_id, dependency_type, created_at FROM task_dependencies
		WHERE organization_id = $1 AND task_id = ANY($2::uuid[]) AND depends_on_id = ANY($2::uuid[])
		ORDER BY created_at, id`, a.OrgID, pq.Array(window))
	if err != nil {
		return pg, fmt.Errorf("gantt dependencies: %w", err)
	}
	return pg, nil
}

// ganttScheduled is the condition of a task drawn as a bar.
const ganttScheduled = `(t.start_date IS NOT NULL OR t.due_date IS NOT NULL)`

// ganttCounts counts the scheduled tasks of each section and in all, and the unscheduled tasks. A scheduled task
// counts in the section of its group, as the chart draws it; one whose group is not of a project in view is not
// drawn, so not counted.
func (s *Store) ganttCounts(ctx context.Context, a Actor, projects any, pg *GanttPage) error {
	var counts []struct {
		GroupID     string  `db:"group_id"`
		ProjectID   *string `db:"project_id"`
		Scheduled   int     `db:"scheduled"`
		Unscheduled int     `db:"unscheduled"`
	}
	err := s.db.SelectContext(ctx, &counts, `
		SELECT t.group_id, g.project_id, count(*) FILTER (WHERE `+ganttScheduled+`) AS scheduled,
			count(*) FILTER (WHERE NOT `+ganttScheduled+`) AS unscheduled
		FROM tasks t LEFT JOIN task_groups g ON g.id = t.group_id AND g.project_id = ANY($2::uuid[])
		WHERE t.organization_id = $1 AND t.project_id = ANY($2::uuid[])
		GROUP BY t.group_id, g.project_id`, a.OrgID, projects)
	if err != nil {
		return fmt.Errorf("gantt counts: %w", err)
	}
	for _, c := range counts {
		pg.Unscheduled += c.Unscheduled
		if c.ProjectID == nil || c.Scheduled == 0 {
			continue
		}
		pg.Scheduled += c.Scheduled
		pg.SectionTasks[c.GroupID] += c.Scheduled
		pg.SectionTasks[*c.ProjectID] += c.Scheduled
	}
	return nil
}

// ganttWindowTasks reads the window of scheduled tasks from pg.RowStart, in the chart's display order (the
// projects in the order of pg.Projects), then the first unscheduled tasks in the same order.
func (s *Store) ganttWindowTasks(ctx context.Context, a Actor, projects any, pg *GanttPage) error {
	const columns = `t.id, t.project_id, t.group_id, t.title, t.status, t.priority, t.assignee_id,
			u.name AS assignee_name, t.start_date, t.due_date, t.progress, ` + completedTaskCond + ` AS completed`
	// The window's ids are sorted and cut on the narrow keys first: the columns (a user, a subquery for
	// completed) are then read for its rows only, not for the thousands the offset skips.
	err := s.db.SelectContext(ctx, &pg.Tasks, `
		SELECT `+columns+`
		FROM (SELECT t.id, row_number() OVER (ORDER BY p.n, g.position, g.created_at, g.id,
				coalesce(t.start_date, t.due_date), t.due_date NULLS LAST, t.position, t.id) AS n
			FROM tasks t JOIN task_groups g ON g.id = t.group_id
			JOIN unnest($2::uuid[]) WITH ORDINALITY AS p(id, n) ON p.id = g.project_id
			WHERE t.organization_id = $1 AND t.project_id = ANY($2::uuid[]) AND `+ganttScheduled+`
			ORDER BY n OFFSET $3 LIMIT $4) w
		JOIN tasks t ON t.id = w.id LEFT JOIN users u ON u.id = t.assignee_id
		ORDER BY w.n`, a.OrgID, projects, pg.RowStart, GanttPageRows)
	if err != nil {
		return fmt.Errorf("gantt tasks: %w", err)
	}
	var unscheduled []GanttTask
	err = s.db.SelectContext(ctx, &unscheduled, `
		SELECT `+columns+`
		FROM (SELECT t.id, row_number() OVER (ORDER BY p.n, g.position, g.created_at, g.id, t.position, t.id) AS n
			FROM tasks t LEFT JOIN task_groups g ON g.id = t.group_id
			JOIN unnest($2::uuid[]) WITH ORDINALITY AS p(id, n) ON p.id = t.project_id
			WHERE t.organization_id = $1 AND NOT `+ganttScheduled+`
			ORDER BY n LIMIT $3) w
		JOIN tasks t ON t.id = w.id LEFT JOIN users u ON u.id = t.assignee_id
		ORDER BY w.n`, a.OrgID, projects, GanttPageUnscheduled)
	if err != nil {
		return fmt.Errorf("gantt unscheduled: %w", err)
	}
	pg.Tasks = append(pg.Tasks, unscheduled...)
	return nil
}
