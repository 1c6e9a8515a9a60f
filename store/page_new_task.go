package store

import (
	"context"
	"fmt"

	"github.com/trcr/trcr/store/vocab"
)

// NewTaskPage is what the quick-create form offers: the projects the actor may add tasks to, the statuses and
// the people a task can be given to.
type NewTaskPage struct {
	Projects []Project    // active projects with manage_tasks for the actor, by name
	Statuses []TaskStatus // the organization's statuses, by position
	Members  []Member     // the organization's active members, as Members orders them
}

// NewTaskPage reads the quick-create form's choices. A member who manages no project gets an empty list (the form
// says so); CreateTask still checks the project chosen.
func (s *Store) NewTaskPage(ctx context.Context, a Actor) (NewTaskPage, error) {
	var p NewTaskPage
	q := newQuery("organization_id = $1", a.OrgID)
	q.where("status = ?", vocab.ProjectActive)
	if !a.Permissions().ManageAllProjects {
		q.where("id IN (SELECT project_id FROM project_members WHERE user_id = ? AND role = ?)", a.UserID, ProjectManager)
	}
	p.Projects = []Project{}
	if err := s.db.SelectContext(ctx, &p.Projects, `SELECT `+projectColumns+` FROM projects WHERE `+q.cond()+`
		ORDER BY lower(name), id`, q.args...); err != nil {
		return p, fmt.Errorf("new task projects: %w", err)
	}
	var err error
	if p.Members, err = s.activeMembers(ctx, a); err != nil {
		return p, err
	}
	if p.Statuses, err = listTaskStatuses(ctx, s.db, a.OrgID); err != nil {
		return p, fmt.Errorf("new task statuses: %w", err)
	}
	return p, nil
}
