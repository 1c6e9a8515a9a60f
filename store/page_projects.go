package store

import "context"

// ProjectsPage is what the project list shows: a page of the projects the actor may see, their task counts, and
// the organization's currency that their rates are in.
type ProjectsPage struct {
	Projects List[Project]
	Stats    map[string]ProjectStat // by project id
	Currency string
	// ClientNames are the names of the projects' clients, by client id.
	ClientNames map[string]string
}

// ProjectsPage reads the project list for any member.
func (s *Store) ProjectsPage(ctx context.Context, a Actor, f ProjectFilter) (ProjectsPage, error) {
	var p ProjectsPage
	var err error
	if p.Projects, err = s.Projects(ctx, a, f); err != nil {
		return ProjectsPage{}, err
	}
	stats, err := s.ProjectStats(ctx, a)
	if err != nil {
		return ProjectsPage{}, err
	}
	p.Stats = make(map[string]ProjectStat, len(stats))
	for _, st := range stats {
		p.Stats[st.ProjectID] = st
	}
	if p.Currency, err = orgCurrency(ctx, s.db, a.OrgID); err != nil {
		return ProjectsPage{}, err
	}
	if p.ClientNames, err = projectClientNames(ctx, s, a.OrgID, p.Projects.Items); err != nil {
		return ProjectsPage{}, err
	}
	return p, nil
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
