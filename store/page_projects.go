package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// ProjectsPage is what the project list shows: a page of the projects the actor may see with their client, task
// counts, tracked time and last activity, and the organization's currency that their rates are in.
type ProjectsPage struct {
	Projects List[ProjectRow]
	Currency string
}

// ProjectRow is a project of the list with what its cards and table show about it.
type ProjectRow struct {
	Project
	ClientName *string `db:"client_name"`
	TasksTotal int     `db:"tasks_total"`
	TasksDone  int     `db:"tasks_done"` // completed: done, closed or a terminal status of the organization
	// TrackedSeconds is the stopped time on the project, everyone's.
	TrackedSeconds int64 `db:"tracked_seconds"`
	// LastActivity is the latest change to the project, its tasks or its time.
	LastActivity time.Time `db:"last_activity"`
}

// TasksOpen counts the tasks not yet completed.
func (r ProjectRow) TasksOpen() int { return r.TasksTotal - r.TasksDone }

// The project list's orders; each sorts by the name after its own key, so equal keys read alphabetically.
const (
	ProjectSortName     = "name"
	ProjectSortClient   = "client"
	ProjectSortOpen     = "open"
	ProjectSortHours    = "hours"
	ProjectSortActivity = "activity"
)

// projectSorts maps each order to its SQL key (never taken from input) and whether it runs descending by default:
// counts, hours and activity show the largest or latest first.
var projectSorts = map[string]struct {
	key  string
	desc bool
}{
	ProjectSortName:     {"lower(p.name)", false},
	ProjectSortClient:   {"lower(c.name)", false},
	ProjectSortOpen:     {"coalesce(t.total, 0) - coalesce(t.done, 0)", true},
	ProjectSortHours:    {"coalesce(e.seconds, 0)", true},
	ProjectSortActivity: {"greatest(p.updated_at, t.last, e.last)", true},
}

// ProjectSortDescending says whether an order runs descending unless the list is reversed.
func ProjectSortDescending(sort string) bool { return projectSorts[sort].desc }

// ProjectsPageFilter narrows and orders the project list. Values are as a query string sends them.
type ProjectsPageFilter struct {
	Status string
	Search string // case-insensitive substring of the name
	Sort   string // one of the ProjectSort orders; "" is by name
	// Reverse turns the order's default direction around.
	Reverse bool
	// GroupByClient lists the projects client by client (by the client's name, projects without one last), each
	// group in the order asked.
	GroupByClient bool
	Page          Page
}

// ProjectsPage reads the project list for any member, in one query for its rows.
func (s *Store) ProjectsPage(ctx context.Context, a Actor, f ProjectsPageFilter) (ProjectsPage, error) {
	var v validator
	q := visibleProjectsQuery(&v, a, "p.", f.Status, f.Search)
	if f.Sort == "" {
		f.Sort = ProjectSortName
	}
	sort, ok := projectSorts[f.Sort]
	v.check(ok, "sort", "sort must be one of name, client, open, hours and activity")
	if err := v.err(); err != nil {
		return ProjectsPage{}, err
	}
	dir := " ASC NULLS LAST"
	if sort.desc != f.Reverse {
		dir = " DESC NULLS LAST"
	}
	order := sort.key + dir + ", lower(p.name), p.id"
	if f.GroupByClient {
		order = "lower(c.name) NULLS LAST, c.id, " + order
	}
	p := ProjectsPage{Projects: List[ProjectRow]{Page: f.Page.Number(), PerPage: f.Page.Size(), Items: []ProjectRow{}}}
	if err := s.db.GetContext(ctx, &p.Projects.Total, `SELECT count(*) FROM projects p WHERE `+q.cond(), q.args...); err != nil {
		return ProjectsPage{}, fmt.Errorf("projects page: %w", err)
	}
	// The counts are lateral so that, ordered by name or client, only the rows of the page are counted.
	err := s.db.SelectContext(ctx, &p.Projects.Items, `
		SELECT `+projectColumnsOf("p")+`, c.name AS client_name,
			coalesce(t.total, 0) AS tasks_total, coalesce(t.done, 0) AS tasks_done,
			coalesce(e.seconds, 0)::bigint AS tracked_seconds, greatest(p.updated_at, t.last, e.last) AS last_activity
		FROM projects p
		LEFT JOIN clients c ON c.id = p.client_id
		LEFT JOIN LATERAL (
			SELECT count(*) AS total,
				count(*) FILTER (WHERE tk.status IN ('done', 'closed') OR ts.is_terminal) AS done, max(tk.updated_at) AS last
			FROM tasks tk
			LEFT JOIN task_statuses ts ON ts.organization_id = p.organization_id AND ts.code = tk.status
			WHERE tk.project_id = p.id
		) t ON true
		LEFT JOIN LATERAL (
			SELECT round(sum(extract(epoch FROM te.stopped_at - te.started_at))) AS seconds, max(te.stopped_at) AS last
			FROM time_entries te
			WHERE te.organization_id = p.organization_id AND te.project_id = p.id AND te.stopped_at IS NOT NULL
		) e ON true
		WHERE `+q.cond()+`
		ORDER BY `+order+` `+q.limit(f.Page), q.args...)
	if err != nil {
		return ProjectsPage{}, fmt.Errorf("projects page: %w", err)
	}
	if p.Currency, err = orgCurrency(ctx, s.db, a.OrgID); err != nil {
		return ProjectsPage{}, err
	}
	return p, nil
}

// projectColumnsOf is projectColumns qualified by a table alias.
func projectColumnsOf(alias string) string {
	cols := strings.Split(projectColumns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// ProjectMembersPage is what a project's members page shows: the project with what the actor may do to it, its
// members and, for those who manage it, the organization's active members who could be added.
type ProjectMembersPage struct {
	Project    ProjectAccess
	Members    []ProjectMembership // by name
	Candidates []Member            // active members not on the project, as Members orders them; nil unless CanManage
}

// ProjectMembersPage reads a project's members page for anyone who may see the project.
func (s *Store) ProjectMembersPage(ctx context.Context, a Actor, projectID string) (ProjectMembersPage, error) {
	var p ProjectMembersPage
	var err error
	if p.Project, err = s.ProjectAccess(ctx, a, projectID); err != nil {
		return ProjectMembersPage{}, err
	}
	p.Members = []ProjectMembership{}
	err = s.db.SelectContext(ctx, &p.Members, projectMemberSelect+` WHERE pm.project_id = $1 ORDER BY lower(u.name), u.id`, p.Project.ID)
	if err != nil {
		return ProjectMembersPage{}, err
	}
	on := make(map[string]bool, len(p.Members))
	for i := range p.Members {
		p.Members[i].AvatarURL = s.fileURL(ctx, p.Members[i].AvatarKey)
		on[p.Members[i].UserID] = true
	}
	if !p.Project.CanManage {
		return p, nil
	}
	active, err := s.activeMembers(ctx, a)
	if err != nil {
		return ProjectMembersPage{}, err
	}
	p.Candidates = []Member{}
	for _, m := range active {
		if m.UserID != nil && !on[*m.UserID] {
			p.Candidates = append(p.Candidates, m)
		}
	}
	return p, nil
}
