package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"
)

// DashboardWork is the work half of the dashboard: the summary of the caller's assigned tasks, the open ones
// due soonest, and the overdue urgent ones, each with its project for display.
type DashboardWork struct {
	Summary DashboardSummary
	// OpenTasks are the caller's assigned tasks that are not completed, soonest due first (undated last).
	OpenTasks []DashboardTask
	// OverdueUrgent are the summary's overdue urgent tasks.
	OverdueUrgent []DashboardTask
	// DueSoon counts the open tasks due today or in the six days after.
	DueSoon int
	// StatusLabels names the organization's custom statuses by code.
	StatusLabels map[string]string
	// Today is the current day in the caller's timezone.
	Today Date
}

// DashboardTask is a task with the name and color of its project.
type DashboardTask struct {
	Task
	ProjectName  string
	ProjectColor string
}

// MaxDashboardOpenTasks caps the dashboard's list of open tasks.
const MaxDashboardOpenTasks = 10

// DashboardWork summarizes the actor's assigned work among the projects it can see: Dashboard's counters and
// overdue urgent tasks, plus its open tasks soonest due first.
func (s *Store) DashboardWork(ctx context.Context, a Actor) (DashboardWork, error) {
	var out DashboardWork
	sum, err := s.Dashboard(ctx, a)
	if err != nil {
		return out, err
	}
	out.Summary = sum
	loc, err := s.userLocation(ctx, a.UserID)
	if err != nil {
		return out, fmt.Errorf("dashboard: %w", err)
	}
	out.Today, _ = ParseDate(s.now().In(loc).Format(dateLayout))

	q := newQuery("t.organization_id = $1", a.OrgID)
	q.where("t.assignee_id = ?", a.UserID)
	visibleProjectsCond(q, a, "t.project_id")
	open := []Task{}
	err = s.db.SelectContext(ctx, &open, `
		SELECT `+taskColumns+` FROM tasks t
		WHERE `+q.cond()+` AND NOT `+completedTaskCond+`
		ORDER BY t.due_date NULLS LAST, t.priority_rank DESC, t.created_at, t.id
		LIMIT `+fmt.Sprint(MaxDashboardOpenTasks), q.args...)
	if err != nil {
		return out, fmt.Errorf("dashboard open tasks: %w", err)
	}
	// The query is built before it runs: q.arg appends to the arguments it is given.
	week := out.Today.AddDate(0, 0, 6).Format(dateLayout)
	soon := `SELECT count(*) FROM tasks t WHERE ` + q.cond() + ` AND NOT ` + completedTaskCond + `
		AND t.due_date BETWEEN ` + q.arg(out.Today.String()) + `::date AND ` + q.arg(week) + `::date`
	if err := s.db.GetContext(ctx, &out.DueSoon, soon, q.args...); err != nil {
		return out, fmt.Errorf("dashboard due soon: %w", err)
	}
	var statuses []struct {
		Code  string `db:"code"`
		Label string `db:"label"`
	}
	if err := s.db.SelectContext(ctx, &statuses, `SELECT code, label FROM task_statuses WHERE organization_id = $1`, a.OrgID); err != nil {
		return out, fmt.Errorf("dashboard statuses: %w", err)
	}
	out.StatusLabels = make(map[string]string, len(statuses))
	for _, st := range statuses {
		out.StatusLabels[st.Code] = st.Label
	}

	// One query names the projects of both lists.
	ids := []string{}
	for _, list := range [][]Task{open, sum.OverdueUrgentTasks} {
		for _, t := range list {
			ids = append(ids, t.ProjectID)
		}
	}
	var projects []struct {
		ID    string `db:"id"`
		Name  string `db:"name"`
		Color string `db:"color"`
	}
	if len(ids) > 0 {
		err = s.db.SelectContext(ctx, &projects, `SELECT id, name, color FROM projects
			WHERE organization_id = $1 AND id = ANY($2::uuid[])`, a.OrgID, pq.Array(ids))
		if err != nil {
			return out, fmt.Errorf("dashboard projects: %w", err)
		}
	}
	name, color := map[string]string{}, map[string]string{}
	for _, p := range projects {
		name[p.ID], color[p.ID] = p.Name, p.Color
	}
	present := func(list []Task) []DashboardTask {
		rows := make([]DashboardTask, len(list))
		for i, t := range list {
			rows[i] = DashboardTask{Task: t, ProjectName: name[t.ProjectID], ProjectColor: color[t.ProjectID]}
		}
		return rows
	}
	out.OpenTasks, out.OverdueUrgent = present(open), present(sum.OverdueUrgentTasks)
	return out, nil
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
