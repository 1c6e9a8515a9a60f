package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"golang.org/x/sync/errgroup"

	"github.com/trcr/trcr/store/vocab"
)

// The task panel's read model: everything it shows about one task, in one method running a fixed number of
// queries whatever the number of tasks (the board's is in board_cards.go). Person and BoardProject serve both.

// BoardProject is the project a board or panel belongs to.
type BoardProject struct {
	ID     string `db:"id"`
	Name   string `db:"name"`
	Key    string `db:"key"` // the prefix of its tasks' references
	Color  string `db:"color"`
	Status string `db:"status"`
}

// Person is a member of the organization as pickers and avatars show them.
type Person struct {
	UserID    string  `db:"user_id"`
	Name      string  `db:"name"`
	Email     string  `db:"email"`
	AvatarKey *string `db:"avatar_key"`
	AvatarURL *string `db:"-"`
}

// people lists the organization's active members by name, with their avatar links.
func (s *Store) people(ctx context.Context, orgID string) ([]Person, error) {
	return s.peopleFrom(ctx, s.db, orgID)
}

func (s *Store) peopleFrom(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]Person, error) {
	out := []Person{}
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT u.id AS user_id, u.name, u.email, u.avatar_key FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.organization_id = $1 AND m.status = 'active' ORDER BY lower(u.name), u.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("people: %w", err)
	}
	for i := range out {
		out[i].AvatarURL = s.fileURL(ctx, out[i].AvatarKey)
	}
	return out, nil
}

// TaskDetail is everything the task panel shows about a task, with what the actor may do to it.
type TaskDetail struct {
	Task         Task
	Project      BoardProject
	CanManage    bool // manage_tasks on the project: every field, labels, checklist, dependencies, recurrence, delete
	IsAssignee   bool // the assignee may also change status and progress
	Groups       []TaskGroup
	Statuses     []TaskStatus
	Members      []Person
	Labels       []Label
	Comments     []Comment
	Attachments  []Attachment
	MaxFileSize  int64 // the largest file an upload takes, for the upload control to say and check
	Checklist    []ChecklistItem
	Dependencies []TaskDependency
	Recurrence   *Recurrence
	ReporterName string
	TimerRunning bool            // the actor's running timer is on this task: the panel offers Stop rather than Start
	Development  TaskDevelopment // pull requests, branches and commits of connected repositories naming it

	actor Actor
}

// CanChangeWorkflow reports whether the actor may change the task's status and progress.
func (d TaskDetail) CanChangeWorkflow() bool { return d.CanManage || d.IsAssignee }

// CanDeleteComment reports whether the actor may delete c: its author, or an owner or admin.
func (d TaskDetail) CanDeleteComment(c Comment) bool {
	return d.actor.Permissions().DeleteAnyComment || (c.UserID != nil && *c.UserID == d.actor.UserID)
}

// CanDeleteAttachment reports whether the actor may delete the task's file f: its uploader, a manager of the
// project, an owner or admin.
func (d TaskDetail) CanDeleteAttachment(f Attachment) bool {
	return canDeleteAttachment(d.actor, f, d.CanManage)
}

// IsCompletedStatus reports whether a task in the status is completed: done, closed, or a terminal custom status.
func (d TaskDetail) IsCompletedStatus(code string) bool {
	if vocab.BuiltinCompletes(code) {
		return true
	}
	for _, s := range d.Statuses {
		if s.Code == code {
			return s.IsTerminal
		}
	}
	return false
}

// TaskDetail reads a task with its project, comments, files, checklist, dependencies (both directions, only those
// whose other task the actor may see), recurrence, whether the actor's timer runs on it, and the choices its
// fields offer, for anyone who can see the task: the task panel's page read.
func (s *Store) TaskDetail(ctx context.Context, a Actor, taskID string) (TaskDetail, error) {
	d := TaskDetail{actor: a, MaxFileSize: s.cfg.MaxFileSize}
	// Every read below is prepared: one round trip each, no plan per call (the panel opens on a click).
	db := preparedReads{s}
	ref, err := visibleTask(ctx, db, a, taskID, false)
	if err != nil {
		return d, err
	}
	d.CanManage = ref.Project.canManage(a)
	d.IsAssignee = ref.AssigneeID != nil && *ref.AssigneeID == a.UserID
	if d.Task, err = getTask(ctx, db, a.OrgID, taskID, false); err != nil {
		return d, err
	}
	if err := sqlx.GetContext(ctx, db, &d.Project, `SELECT id, name, key, color, status FROM projects WHERE id = $1`, ref.ProjectID); err != nil {
		return d, fmt.Errorf("task detail: %w", notFoundIfNoRows(err, "project"))
	}
	if d.Task.ReporterID != nil {
		if err := sqlx.GetContext(ctx, db, &d.ReporterName, `SELECT name FROM users WHERE id = $1`, *d.Task.ReporterID); err != nil && !isNoRows(err) {
			return d, fmt.Errorf("task detail: %w", err)
		}
	}
	reads := []func() error{
		func() (err error) { d.Groups, err = listTaskGroups(ctx, db, ref.ProjectID); return },
		func() (err error) { d.Statuses, err = listTaskStatuses(ctx, db, a.OrgID); return },
		func() (err error) { d.Members, err = s.peopleFrom(ctx, db, a.OrgID); return },
		func() (err error) { d.Labels, err = labelsFrom(ctx, db, a); return },
		func() error {
			d.Comments = []Comment{}
			if err := sqlx.SelectContext(ctx, db, &d.Comments, commentSelect+`
				WHERE c.task_id = $1 AND c.organization_id = $2 ORDER BY c.created_at, c.id`, taskID, a.OrgID); err != nil {
				return err
			}
			return s.withCommentFiles(ctx, db, d.Comments)
		},
		func() (err error) { d.Attachments, err = s.taskAttachments(ctx, db, a.OrgID, taskID); return },
		func() error {
			d.Checklist = []ChecklistItem{}
			return sqlx.SelectContext(ctx, db, &d.Checklist, `SELECT `+checklistColumns+` FROM task_checklist_items
				WHERE task_id = $1 AND organization_id = $2 ORDER BY position, created_at, id`, taskID, a.OrgID)
		},
		func() error {
			q := newQuery("TRUE", taskID, a.OrgID)
			visibleProjectsCond(q, a, "o.project_id")
			d.Dependencies = []TaskDependency{}
			return sqlx.SelectContext(ctx, db, &d.Dependencies, taskDependencySelect+` AND `+q.cond()+`
				ORDER BY d.created_at, d.id`, q.args...)
		},
		func() error {
			var r Recurrence
			err := sqlx.GetContext(ctx, db, &r, `SELECT `+recurrenceColumns+` FROM task_recurrences
				WHERE task_id = $1 AND organization_id = $2`, taskID, a.OrgID)
			if isNoRows(err) {
				return nil
			}
			d.Recurrence = &r
			return err
		},
		func() (err error) { d.Development, err = taskDevelopment(ctx, db, d.Task); return },
		func() error {
			return sqlx.GetContext(ctx, db, &d.TimerRunning, `SELECT EXISTS (SELECT 1 FROM time_entries
				WHERE user_id = $1 AND organization_id = $2 AND stopped_at IS NULL AND task_id = $3)`, a.UserID, a.OrgID, taskID)
		},
	}
	// The reads are independent: they run side by side on the pool (at most taskDetailReadsAtOnce at a time), so
	// that the panel waits about as long as its slowest few reads rather than for the sum of a dozen round trips.
	var g errgroup.Group
	g.SetLimit(taskDetailReadsAtOnce)
	for _, read := range reads {
		g.Go(read)
	}
	if err := g.Wait(); err != nil {
		return d, fmt.Errorf("task detail: %w", err)
	}
	return d, nil
}

// taskDetailReadsAtOnce bounds the connections one task panel's reads hold at once.
const taskDetailReadsAtOnce = 4
