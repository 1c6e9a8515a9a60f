package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/vocab"
)

// Project roles (aliases kept for existing callers; new code uses vocab).
const (
	ProjectManager = vocab.ProjectRoleManager
	ProjectMember  = vocab.ProjectRoleMember
)

// projectRef is what permission checks need to know about a project.
type projectRef struct {
	ID          string  `db:"id"`
	Name        string  `db:"name"`
	Status      string  `db:"status"`
	ProjectRole *string `db:"project_role"` // the actor's role in the project, nil when not a member
}

// canManage reports manage_tasks on the project: organization owners and admins, and the project's managers.
func (p projectRef) canManage(a Actor) bool {
	return a.Permissions().ManageAllProjects || (p.ProjectRole != nil && *p.ProjectRole == ProjectManager)
}

// visibleProject loads a project the actor may see: owners and admins see every project of the organization,
// others the projects they are members of. Anything else is ErrNotFound, so existence is never revealed.
func visibleProject(ctx context.Context, q sqlx.QueryerContext, a Actor, projectID string) (projectRef, error) {
	var p projectRef
	if !validID(projectID) {
		return p, fmt.Errorf("project: %w", ErrNotFound)
	}
	err := sqlx.GetContext(ctx, q, &p, `
		SELECT p.id, p.name, p.status, pm.role AS project_role
		FROM projects p LEFT JOIN project_members pm ON pm.project_id = p.id AND pm.user_id = $3
		WHERE p.id = $1 AND p.organization_id = $2`, projectID, a.OrgID, nilIfEmpty(a.UserID)) // no user: a system actor
	if err != nil {
		return p, notFoundIfNoRows(err, "project")
	}
	if !a.Permissions().ViewAllProjects && p.ProjectRole == nil {
		return p, fmt.Errorf("project: %w", ErrNotFound)
	}
	return p, nil
}

// manageableProject is visibleProject plus manage_tasks; a visible project without it is ErrForbidden.
func manageableProject(ctx context.Context, q sqlx.QueryerContext, a Actor, projectID string) (projectRef, error) {
	p, err := visibleProject(ctx, q, a, projectID)
	if err != nil {
		return p, err
	}
	if !p.canManage(a) {
		return p, forbidden("this action requires the manage_tasks permission on the project")
	}
	return p, nil
}

// visibleProjectsCond is a SQL condition restricting rows with a project_id column (aliased by col) to the
// projects the actor may see; it appends its arguments to q.
func visibleProjectsCond(q *query, a Actor, col string) {
	if a.Permissions().ViewAllProjects {
		return
	}
	q.where(col+" IN (SELECT project_id FROM project_members WHERE user_id = ?)", a.UserID)
}

// taskRef is what permission checks need to know about a task.
type taskRef struct {
	ID         string  `db:"id"`
	ProjectID  string  `db:"project_id"`
	AssigneeID *string `db:"assignee_id"`
	Project    projectRef
}

// visibleTask loads a task of a project the actor may see, else ErrNotFound. lock takes a row lock on the task.
func visibleTask(ctx context.Context, q sqlx.QueryerContext, a Actor, taskID string, lock bool) (taskRef, error) {
	var t taskRef
	if !validID(taskID) {
		return t, fmt.Errorf("task: %w", ErrNotFound)
	}
	sql := `SELECT id, project_id, assignee_id FROM tasks WHERE id = $1 AND organization_id = $2`
	if lock {
		sql += ` FOR UPDATE`
	}
	if err := sqlx.GetContext(ctx, q, &t, sql, taskID, a.OrgID); err != nil {
		return t, notFoundIfNoRows(err, "task")
	}
	p, err := visibleProject(ctx, q, a, t.ProjectID)
	if err != nil {
		return t, fmt.Errorf("task: %w", ErrNotFound)
	}
	t.Project = p
	return t, nil
}

// manageableTask is visibleTask plus manage_tasks on its project.
func manageableTask(ctx context.Context, q sqlx.QueryerContext, a Actor, taskID string, lock bool) (taskRef, error) {
	t, err := visibleTask(ctx, q, a, taskID, lock)
	if err != nil {
		return t, err
	}
	if !t.Project.canManage(a) {
		return t, forbidden("this action requires the manage_tasks permission on the project")
	}
	return t, nil
}

func isBuiltinStatus(code string) bool { return vocab.IsBuiltinStatus(code) }

// statusInfo describes a status for the workflow rules.
type statusInfo struct {
	Code             string  `db:"code"`
	IsTerminal       bool    `db:"is_terminal"`
	SupportsProgress bool    `db:"supports_progress"`
	OnComplete       string  `db:"on_complete"`
	NextStatusCode   *string `db:"next_status_code"`
}

// lookupStatus returns a built-in or custom status of the organization; ok is false when there is none.
func lookupStatus(ctx context.Context, q sqlx.QueryerContext, orgID, code string) (statusInfo, bool, error) {
	if isBuiltinStatus(code) {
		return statusInfo{Code: code, IsTerminal: vocab.BuiltinCompletes(code), OnComplete: vocab.OnCompleteNone}, true, nil
	}
	var s statusInfo
	err := sqlx.GetContext(ctx, q, &s, `
		SELECT code, is_terminal, supports_progress, on_complete, next_status_code
		FROM task_statuses WHERE organization_id = $1 AND code = $2`, orgID, code)
	if isNoRows(err) {
		return s, false, nil
	}
	return s, err == nil, err
}

// createDefaultGroup gives a new project its default task group.
func createDefaultGroup(ctx context.Context, tx *sqlx.Tx, orgID, projectID string) (string, error) {
	var id string
	err := tx.GetContext(ctx, &id, `
		INSERT INTO task_groups (organization_id, project_id, name, position, is_default, status_code)
		VALUES ($1, $2, 'To do', 0, true, 'open') RETURNING id`, orgID, projectID)
	return id, err
}

// defaultGroup returns the project's default task group.
func defaultGroup(ctx context.Context, q sqlx.QueryerContext, projectID string) (string, error) {
	var id string
	err := sqlx.GetContext(ctx, q, &id, `SELECT id FROM task_groups WHERE project_id = $1 AND is_default`, projectID)
	return id, notFoundIfNoRows(err, "default task group")
}
