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
