package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/vocab"
)

// Project is a body of work in an organization: its tasks, groups, milestones and time.
type Project struct {
	ID             string    `db:"id" json:"id"`
	OrganizationID string    `db:"organization_id" json:"organization_id"`
	Name           string    `db:"name" json:"name"`
	Key            string    `db:"key" json:"key"` // the prefix of its tasks' short references: TRC in TRC-123
	Description    string    `db:"description" json:"description"`
	ClientID       *string   `db:"client_id" json:"client_id"`
	Color          string    `db:"color" json:"color"`
	Status         string    `db:"status" json:"status"`
	Billable       bool      `db:"billable" json:"billable"`
	HourlyRate     *int64    `db:"hourly_rate" json:"hourly_rate"`
	CreatedBy      *string   `db:"created_by" json:"created_by"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
}

// Project statuses (aliases kept for existing callers; new code uses vocab).
const (
	ProjectActive   = vocab.ProjectActive
	ProjectArchived = vocab.ProjectArchived
)

// DefaultProjectColor is the color of a project created without one.
const DefaultProjectColor = "#6366f1"

const projectColumns = `id, organization_id, name, key, description, client_id, color, status, billable, hourly_rate,
	created_by, created_at, updated_at`

const maxDescription = 10000

const msgClientOfOrg = "client_id must be a client of this organization"

// checkProjectClient validates a client_id being written to a project: it must name a client of the
// organization, which stays locked against deletion until the transaction ends.
func checkProjectClient(ctx context.Context, tx *sqlx.Tx, orgID string, clientID *string) error {
	if clientID == nil {
		return nil
	}
	ok, err := lockClientOfOrg(ctx, tx, orgID, *clientID)
	if err != nil {
		return err
	}
	if !ok {
		return Invalid("client_id", msgClientOfOrg)
	}
	return nil
}

func validProjectStatus(s string) bool { return vocab.ProjectStatuses.Has(s) }

// projectKeyPattern is a project key as stored (projects_key_format).
var projectKeyPattern = regexp.MustCompile(`^[A-Z]{2,10}$`)

// errDuplicateProjectKey refuses a key another project of the organization has.
var errDuplicateProjectKey = conflict("a project with this key already exists")

// ProjectFilter narrows GET /projects.
type ProjectFilter struct {
	Status string
	Search string // case-insensitive substring of the name
	Page   Page
}

// Projects lists the projects the actor may see: all of them for owners and admins, else those it is a member of.
func (s *Store) Projects(ctx context.Context, a Actor, f ProjectFilter) (List[Project], error) {
	var v validator
	q := visibleProjectsQuery(&v, a, "", f.Status, f.Search)
	if err := v.err(); err != nil {
		return List[Project]{}, err
	}
	out := List[Project]{Page: f.Page.Number(), PerPage: f.Page.Size(), Items: []Project{}}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM projects WHERE `+q.cond(), q.args...); err != nil {
		return out, err
	}
	err := s.db.SelectContext(ctx, &out.Items, `SELECT `+projectColumns+` FROM projects WHERE `+q.cond()+`
		ORDER BY lower(name), id `+q.limit(f.Page), q.args...)
	return out, err
}

func getProject(ctx context.Context, q sqlx.QueryerContext, orgID, id string, lock bool) (Project, error) {
	var p Project
	query := `SELECT ` + projectColumns + ` FROM projects WHERE id = $1 AND organization_id = $2`
	if lock {
		query += ` FOR NO KEY UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &p, query, id, orgID)
	return p, notFoundIfNoRows(err, "project")
}

// Project reads one project the actor may see.
func (s *Store) Project(ctx context.Context, a Actor, id string) (Project, error) {
	if _, err := visibleProject(ctx, s.db, a, id); err != nil {
		return Project{}, err
	}
	return getProject(ctx, s.db, a.OrgID, id, false)
}

// ProjectInput creates or updates a project; nil fields are left alone (or take their defaults on create).
// ClearClientID and ClearHourlyRate set those fields to null. HourlyRateText is the rate as a form sends it, in
// major units of the organization's currency; it takes the place of HourlyRate, and blank clears it.
type ProjectInput struct {
	Name            *string
	Key             *string // 2 to 10 letters, stored in capitals; derived from the name when not given on create
	Description     *string
	ClientID        *string
	ClearClientID   bool
	Color           *string
	Status          *string
	Billable        *bool
	HourlyRate      *int64
	HourlyRateText  *string
	ClearHourlyRate bool
	// BoardColumns gives a new project the default board columns bound to statuses (createDefaultColumns) instead
	// of the single default group an API client starts from.
	BoardColumns bool
}

// parseRate reads HourlyRateText in major units of the organization's currency.
func (in *ProjectInput) parseRate(ctx context.Context, q sqlx.QueryerContext, v *validator, orgID string) error {
	if in.HourlyRateText == nil {
		return nil
	}
	if strings.TrimSpace(*in.HourlyRateText) == "" {
		in.HourlyRate, in.ClearHourlyRate = nil, true
		return nil
	}
	currency, err := orgCurrency(ctx, q, orgID)
	if err != nil {
		return err
	}
	in.HourlyRate = parseMajorUnits(v, "hourly_rate", *in.HourlyRateText, currencyDecimals(currency))
	return nil
}

// validate checks the fields that are set and normalizes them in place.
func (in *ProjectInput) validate(v *validator) {
	if in.Name != nil {
		n := validateName(v, "name", *in.Name)
		in.Name = &n
	}
	if in.Key != nil {
		k := strings.ToUpper(strings.TrimSpace(*in.Key))
		v.check(projectKeyPattern.MatchString(k), "key", "key must be 2 to 10 letters (A-Z)")
		in.Key = &k
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		v.check(utf8.RuneCountInString(d) <= maxDescription, "description", fmt.Sprintf("description must be at most %d characters", maxDescription))
		in.Description = &d
	}
	if in.ClientID != nil && !in.ClearClientID {
		v.check(validID(*in.ClientID), "client_id", msgClientOfOrg)
	}
	if in.Color != nil {
		c := normalizeHexColor(v, "color", *in.Color)
		in.Color = &c
	}
	if in.Status != nil {
		v.check(validProjectStatus(*in.Status), "status", "status must be active or archived")
	}
	if in.HourlyRate != nil && !in.ClearHourlyRate {
		v.check(*in.HourlyRate >= 0, "hourly_rate", "hourly_rate must be zero or more (cents per hour)")
		checkAmount(v, "hourly_rate", *in.HourlyRate)
	}
}

// CreateProject creates a project with its default task group; its creator becomes its manager. Owners and admins
// only.
func (s *Store) CreateProject(ctx context.Context, a Actor, in ProjectInput) (Project, error) {
	if err := require(a.Permissions().CreateProjects, "only owners and admins can create projects"); err != nil {
		return Project{}, err
	}
	var v validator
	if in.Name == nil {
		v.add("name", "name is required")
	}
	in.validate(&v)
	if err := in.parseRate(ctx, s.db, &v, a.OrgID); err != nil {
		return Project{}, err
	}
	if err := v.err(); err != nil {
		return Project{}, err
	}
	description, color, status, billable := "", DefaultProjectColor, ProjectActive, true
	if in.Description != nil {
		description = *in.Description
	}
	if in.Color != nil {
		color = *in.Color
	}
	if in.Status != nil {
		status = *in.Status
	}
	if in.Billable != nil {
		billable = *in.Billable
	}
	clientID, rate := in.ClientID, in.HourlyRate
	if in.ClearClientID {
		clientID = nil
	}
	if in.ClearHourlyRate {
		rate = nil
	}
	var p Project
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkProjectClient(ctx, tx, a.OrgID, clientID); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &p, `
			INSERT INTO projects (organization_id, name, key, description, client_id, color, status, billable, hourly_rate, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING `+projectColumns,
			a.OrgID, *in.Name, in.Key, description, clientID, color, status, billable, rate, a.UserID)
		if isUniqueViolation(err, "projects_org_key") {
			return errDuplicateProjectKey
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'manager')`, p.ID, a.UserID); err != nil {
			return err
		}
		if err := createProjectColumns(ctx, tx, a.OrgID, p.ID, in.BoardColumns); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "project", p.ID, Changes{
			"name": {To: p.Name}, "key": {To: p.Key}, "description": {To: p.Description}, "client_id": {To: p.ClientID},
			"color": {To: p.Color}, "status": {To: p.Status}, "billable": {To: p.Billable}, "hourly_rate": {To: p.HourlyRate},
		})
	})
	if err != nil {
		return Project{}, fmt.Errorf("create project: %w", err)
	}
	return p, nil
}

const msgUpdateProject = "only owners, admins and the project's managers can update a project"

// ProjectAccess is a project with what the actor may do to it, for pages deciding which actions to offer.
type ProjectAccess struct {
	Project
	CanManage bool // manage_tasks: its settings, members, tasks and milestones
	CanDelete bool
}

// ProjectAccess reads a project the actor may see with what the actor may do to it.
func (s *Store) ProjectAccess(ctx context.Context, a Actor, id string) (ProjectAccess, error) {
	ref, err := visibleProject(ctx, s.db, a, id)
	if err != nil {
		return ProjectAccess{}, err
	}
	p, err := getProject(ctx, s.db, a.OrgID, id, false)
	if err != nil {
		return ProjectAccess{}, err
	}
	return ProjectAccess{Project: p, CanManage: ref.canManage(a), CanDelete: a.Permissions().DeleteProjects}, nil
}

// ProjectFormData is what the form to create or change a project needs: the project (zero for a new one) and the
// organization's currency, which its rate is in.
type ProjectFormData struct {
	ProjectAccess
	OrgCurrency string
	Clients     []ClientChoice // the organization's clients by name, for its Client select
}

// ProjectForm reads what the form to create a project (id "") or change one needs: creating is for owners and
// admins, changing for those who manage the project; a project the actor cannot see is ErrNotFound.
func (s *Store) ProjectForm(ctx context.Context, a Actor, id string) (ProjectFormData, error) {
	var d ProjectFormData
	if id == "" {
		if err := require(a.Permissions().CreateProjects, "only owners and admins can create projects"); err != nil {
			return d, err
		}
	} else {
		pa, err := s.ProjectAccess(ctx, a, id)
		if err != nil {
			return d, err
		}
		if !pa.CanManage {
			return d, forbidden(msgUpdateProject)
		}
		d.ProjectAccess = pa
	}
	var err error
	if d.OrgCurrency, err = orgCurrency(ctx, s.db, a.OrgID); err != nil {
		return d, err
	}
	d.Clients, err = clientChoices(ctx, s, a.OrgID)
	return d, err
}

// UpdateProject changes a project. Owners, admins and the project's managers.
func (s *Store) UpdateProject(ctx context.Context, a Actor, id string, in ProjectInput) (Project, error) {
	var p Project
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		ref, err := visibleProject(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !ref.canManage(a) {
			return forbidden(msgUpdateProject)
		}
		var v validator
		in.validate(&v)
		if err := in.parseRate(ctx, tx, &v, a.OrgID); err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		before, err := getProject(ctx, tx, a.OrgID, id, true)
		if err != nil {
			return err
		}
		p = before
		if in.Name != nil {
			p.Name = *in.Name
		}
		if in.Key != nil {
			p.Key = *in.Key
		}
		if in.Description != nil {
			p.Description = *in.Description
		}
		if in.ClearClientID {
			p.ClientID = nil
		} else if in.ClientID != nil {
			p.ClientID = in.ClientID
		}
		if in.Color != nil {
			p.Color = *in.Color
		}
		if in.Status != nil {
			p.Status = *in.Status
		}
		if in.Billable != nil {
			p.Billable = *in.Billable
		}
		if in.ClearHourlyRate {
			p.HourlyRate = nil
		} else if in.HourlyRate != nil {
			p.HourlyRate = in.HourlyRate
		}
		if !in.ClearClientID {
			if err := checkProjectClient(ctx, tx, a.OrgID, in.ClientID); err != nil {
				return err
			}
		}
		ch := Changes{}
		ch.set("name", before.Name, p.Name)
		ch.set("key", before.Key, p.Key)
		ch.set("description", before.Description, p.Description)
		ch.set("client_id", before.ClientID, p.ClientID)
		ch.set("color", before.Color, p.Color)
		ch.set("status", before.Status, p.Status)
		ch.set("billable", before.Billable, p.Billable)
		ch.set("hourly_rate", before.HourlyRate, p.HourlyRate)
		if len(ch) == 0 {
			return nil
		}
		err = tx.GetContext(ctx, &p, `
			UPDATE projects SET name = $2, description = $3, client_id = $4, color = $5, status = $6, billable = $7,
				hourly_rate = $8, key = $9, updated_at = now()
			WHERE id = $1 RETURNING `+projectColumns,
			id, p.Name, p.Description, p.ClientID, p.Color, p.Status, p.Billable, p.HourlyRate, p.Key)
		if isUniqueViolation(err, "projects_org_key") {
			return errDuplicateProjectKey
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionUpdated, "project", p.ID, ch)
	})
	if err != nil {
		return Project{}, fmt.Errorf("update project: %w", err)
	}
	return p, nil
}

// DeleteProject deletes a project with everything in it. Owners and admins only.
func (s *Store) DeleteProject(ctx context.Context, a Actor, id string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := visibleProject(ctx, tx, a, id); err != nil {
			return err
		}
		if err := require(a.Permissions().DeleteProjects, "only owners and admins can delete projects"); err != nil {
			return err
		}
		p, err := getProject(ctx, tx, a.OrgID, id, true)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM projects WHERE id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionDeleted, "project", id, Changes{"name": {From: p.Name}, "status": {From: p.Status}})
	})
	if err != nil {
		return fmt.Errorf("delete project: %w", err)
	}
	return nil
}

// ProjectMembership is a user assigned to a project.
type ProjectMembership struct {
	UserID    string    `db:"user_id" json:"user_id"`
	Name      string    `db:"name" json:"name"`
	Email     string    `db:"email" json:"email"`
	Role      string    `db:"role" json:"role"`
	AvatarKey *string   `db:"avatar_key" json:"-"`
	AvatarURL *string   `db:"-" json:"avatar_url"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

const projectMemberSelect = `
	SELECT pm.user_id, u.name, u.email, pm.role, u.avatar_key, pm.created_at
	FROM project_members pm JOIN users u ON u.id = pm.user_id`

// ProjectMembers lists a project's members by name. Anyone who may see the project.
func (s *Store) ProjectMembers(ctx context.Context, a Actor, projectID string) ([]ProjectMembership, error) {
	if _, err := visibleProject(ctx, s.db, a, projectID); err != nil {
		return nil, err
	}
	out := []ProjectMembership{}
	err := s.db.SelectContext(ctx, &out, projectMemberSelect+` WHERE pm.project_id = $1 ORDER BY lower(u.name), u.id`, projectID)
	for i := range out {
		out[i].AvatarURL = s.fileURL(ctx, out[i].AvatarKey)
	}
	return out, err
}

// ProjectMemberInput adds someone to a project.
type ProjectMemberInput struct {
	UserID string
	Role   string // manager or member; empty means member
}

func validProjectRole(r string) bool { return vocab.ProjectRoles.Has(r) }

// AddProjectMember assigns an active member of the organization to a project. Owners, admins and the project's
// managers. The audit entry is a "project_member" entry whose entity_id is the project, naming the user in its changes.
func (s *Store) AddProjectMember(ctx context.Context, a Actor, projectID string, in ProjectMemberInput) (ProjectMembership, error) {
	var m ProjectMembership
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		ref, err := visibleProject(ctx, tx, a, projectID)
		if err != nil {
			return err
		}
		if !ref.canManage(a) {
			return forbidden("only owners, admins and the project's managers can change its members")
		}
		var v validator
		in.UserID = strings.TrimSpace(in.UserID)
		if in.Role == "" {
			in.Role = ProjectMember
		}
		v.check(in.UserID != "", "user_id", "user_id is required")
		v.check(validProjectRole(in.Role), "role", "role must be manager or member")
		if err := v.err(); err != nil {
			return err
		}
		var active bool
		if validID(in.UserID) {
			if err := tx.GetContext(ctx, &active, `
				SELECT EXISTS (SELECT 1 FROM members WHERE organization_id = $1 AND user_id = $2 AND status = 'active')`,
				a.OrgID, in.UserID); err != nil {
				return err
			}
		}
		if !active {
			return Invalid("user_id", "user_id must be an active member of the organization")
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			projectID, in.UserID, in.Role)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return conflict("this user is already a member of the project")
		}
		if err := tx.GetContext(ctx, &m, projectMemberSelect+` WHERE pm.project_id = $1 AND pm.user_id = $2`, projectID, in.UserID); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "project_member", projectID, Changes{
			"user_id": {To: m.UserID}, "name": {To: m.Name}, "role": {To: m.Role},
		})
	})
	if err != nil {
		return ProjectMembership{}, fmt.Errorf("add project member: %w", err)
	}
	m.AvatarURL = s.fileURL(ctx, m.AvatarKey)
	return m, nil
}

// RemoveProjectMember takes a user off a project. Owners, admins and the project's managers.
func (s *Store) RemoveProjectMember(ctx context.Context, a Actor, projectID, userID string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		ref, err := visibleProject(ctx, tx, a, projectID)
		if err != nil {
			return err
		}
		if !ref.canManage(a) {
			return forbidden("only owners, admins and the project's managers can change its members")
		}
		if !validID(userID) {
			return fmt.Errorf("project member: %w", ErrNotFound)
		}
		var role string
		err = tx.GetContext(ctx, &role, `DELETE FROM project_members WHERE project_id = $1 AND user_id = $2 RETURNING role`, projectID, userID)
		if err != nil {
			return notFoundIfNoRows(err, "project member")
		}
		return audit(ctx, tx, a, ActionDeleted, "project_member", projectID, Changes{
			"user_id": {From: userID}, "role": {From: role},
		})
	})
	if err != nil {
		return fmt.Errorf("remove project member: %w", err)
	}
	return nil
}

// ProjectStat counts a project's tasks; done counts completed ones (done, closed, or a terminal custom status).
type ProjectStat struct {
	ProjectID string `db:"project_id" json:"project_id"`
	Total     int    `db:"total" json:"total"`
	Done      int    `db:"done" json:"done"`
}

// ProjectStats counts the tasks of every project the actor may see, in one query.
func (s *Store) ProjectStats(ctx context.Context, a Actor) ([]ProjectStat, error) {
	q := newQuery("p.organization_id = $1", a.OrgID)
	visibleProjectsCond(q, a, "p.id")
	out := []ProjectStat{}
	err := s.db.SelectContext(ctx, &out, `
		SELECT p.id AS project_id, count(t.id) AS total,
			count(t.id) FILTER (WHERE t.status IN ('done', 'closed') OR ts.is_terminal) AS done
		FROM projects p
		LEFT JOIN tasks t ON t.project_id = p.id
		LEFT JOIN task_statuses ts ON ts.organization_id = p.organization_id AND ts.code = t.status
		WHERE `+q.cond()+`
		GROUP BY p.id ORDER BY lower(min(p.name)), p.id`, q.args...)
	return out, err
}

// visibleProjects lists every project the actor may see in the order of Projects, without counting them: what a
// page's project filter and names offer.
func (s *Store) visibleProjects(ctx context.Context, a Actor) ([]Project, error) {
	q := newQuery("organization_id = $1", a.OrgID)
	visibleProjectsCond(q, a, "id")
	out := []Project{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+projectColumns+` FROM projects WHERE `+q.cond()+`
		ORDER BY lower(name), id`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("projects: %w", err)
	}
	return out, nil
}

// visibleProjectsQuery starts the query of a project list: the actor's organization, the projects it may see, and
// the list's status and name filters (an unknown status is a field error in v). prefix qualifies the columns ("p.").
func visibleProjectsQuery(v *validator, a Actor, prefix, status, search string) *query {
	q := newQuery(prefix+"organization_id = $1", a.OrgID)
	visibleProjectsCond(q, a, prefix+"id")
	if status != "" {
		v.check(validProjectStatus(status), "status", "status must be active or archived")
		q.where(prefix+"status = ?", status)
	}
	if search = strings.TrimSpace(search); search != "" {
		q.where(prefix+"name ILIKE ?", "%"+escapeLike(search)+"%")
	}
	return q
}
