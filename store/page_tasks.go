package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/lib/pq"
)

// TasksPageQuery is what the tasks page asks for: a page of the list under a filter and, for a deep link to a task
// (or a browser without JavaScript), that task's panel open over it, with a dependency search in it.
type TasksPageQuery struct {
	Filter TaskFilter
	// TaskID is the task whose panel is open; "" for none.
	TaskID string
	// DependencySearch searches tasks to link to the open task, when the actor may manage it; "" for none.
	DependencySearch string
}

// TasksPage is what the tasks page shows: a page of the tasks the actor can see, what its filters and rows name
// (projects, members, labels, statuses), and the panel of the task asked for.
type TasksPage struct {
	Tasks    List[Task]
	Projects []Project    // every project the actor may see, by name
	Members  []Member     // the organization's active members, as Members orders them
	Labels   []Label      // the organization's labels, by name
	Statuses []TaskStatus // the organization's custom statuses, by position
	// Panel is the open task's detail; nil when none was asked for or the actor cannot see it (TaskMissing).
	Panel       *TaskDetail
	TaskMissing bool
	// DependencyCandidates answer DependencySearch.
	DependencyCandidates []DependencyCandidate
}

// TasksPage reads the tasks page for any member. A filter it refuses is an invalid error, returned before anything
// else is read.
func (s *Store) TasksPage(ctx context.Context, a Actor, q TasksPageQuery) (TasksPage, error) {
	var p TasksPage
	var err error
	if p.Tasks, err = s.Tasks(ctx, a, q.Filter); err != nil {
		return TasksPage{}, err
	}
	if q.TaskID != "" {
		d, err := s.TaskDetail(ctx, a, q.TaskID)
		switch {
		case err == nil:
			p.Panel = &d
		case errors.Is(err, ErrNotFound):
			p.TaskMissing = true
		default:
			return TasksPage{}, err
		}
	}
	if p.Panel != nil && p.Panel.CanManage && q.DependencySearch != "" {
		if p.DependencyCandidates, err = s.DependencyCandidates(ctx, a, q.TaskID, q.DependencySearch); err != nil {
			return TasksPage{}, err
		}
	}
	if p.Projects, err = s.visibleProjects(ctx, a); err != nil {
		return TasksPage{}, err
	}
	if p.Members, err = s.activeMembers(ctx, a); err != nil {
		return TasksPage{}, err
	}
	if p.Labels, err = s.Labels(ctx, a); err != nil {
		return TasksPage{}, fmt.Errorf("tasks page labels: %w", err)
	}
	if p.Statuses, err = listTaskStatuses(ctx, s.db, a.OrgID); err != nil {
		return TasksPage{}, fmt.Errorf("tasks page statuses: %w", err)
	}
	return p, nil
}

// MaxDependencyCandidates is how many tasks a dependency search offers.
const MaxDependencyCandidates = 8

// DependencyCandidate is a task a dependency search offers, with its project's name.
type DependencyCandidate struct {
	ID          string
	Title       string
	Status      string
	ProjectName string
}

// DependencyCandidates finds the tasks the actor can see whose title or description match search, most recently
// changed first, to link to the task taskID (which is left out): at most MaxDependencyCandidates.
func (s *Store) DependencyCandidates(ctx context.Context, a Actor, taskID, search string) ([]DependencyCandidate, error) {
	list, err := s.Tasks(ctx, a, TaskFilter{Search: search, Sort: "updated_at", Page: Page{Per: MaxDependencyCandidates + 1}})
	if err != nil {
		return nil, err
	}
	out := []DependencyCandidate{}
	projectIDs := []string{} // of each candidate
	for _, t := range list.Items {
		if t.ID != taskID && len(out) < MaxDependencyCandidates {
			out = append(out, DependencyCandidate{ID: t.ID, Title: t.Title, Status: t.Status})
			projectIDs = append(projectIDs, t.ProjectID)
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	// The tasks were listed because the actor sees their projects, so naming them needs no other check.
	names := map[string]string{}
	rows, err := s.db.QueryContext(ctx, `SELECT id, name FROM projects WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
		a.OrgID, pq.Array(projectIDs))
	if err != nil {
		return nil, fmt.Errorf("dependency candidates: %w", err)
	}
	err = scanRows(rows, func() error {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		names[id] = name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dependency candidates: %w", err)
	}
	for i := range out {
		out[i].ProjectName = names[projectIDs[i]]
	}
	return out, nil
}
