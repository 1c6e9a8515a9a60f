package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// Comment is a Markdown note on a task; rendering the Markdown is the pages' job.
type Comment struct {
	ID        string    `db:"id" json:"id"`
	TaskID    string    `db:"task_id" json:"task_id"`
	UserID    *string   `db:"user_id" json:"user_id"`
	UserName  string    `db:"user_name" json:"user_name"`
	Body      string    `db:"body" json:"body"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
	// Attachments are the files posted with the comment (attachment_posts.go).
	Attachments []Attachment `db:"-" json:"attachments"`
}

// MaxCommentLength is the longest comment body accepted, in characters.
const MaxCommentLength = 10000

const commentSelect = `
	SELECT c.id, c.task_id, c.user_id, coalesce(u.name, '') AS user_name, c.body, c.created_at, c.updated_at
	FROM task_comments c LEFT JOIN users u ON u.id = c.user_id`

// Comments lists a task's comments, oldest first, for anyone who can see the task.
func (s *Store) Comments(ctx context.Context, a Actor, taskID string) ([]Comment, error) {
	if _, err := visibleTask(ctx, s.db, a, taskID, false); err != nil {
		return nil, err
	}
	rows := []Comment{}
	err := s.db.SelectContext(ctx, &rows, commentSelect+`
		WHERE c.task_id = $1 AND c.organization_id = $2 ORDER BY c.created_at, c.id`, taskID, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	if err := s.withCommentFiles(ctx, s.db, rows); err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	return rows, nil
}

// AddComment lets anyone who can see the task comment on it, with files they uploaded for it (attachmentIDs); a
// comment with files may have no words.
func (s *Store) AddComment(ctx context.Context, a Actor, taskID, body string, attachmentIDs ...string) (Comment, error) {
	var c Comment
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		ref, err := visibleTask(ctx, tx, a, taskID, false)
		if err != nil {
			return err
		}
		var v validator
		v.check(strings.TrimSpace(body) != "" || len(attachmentIDs) > 0, "body", "body is required")
		v.check(utf8.RuneCountInString(body) <= MaxCommentLength, "body",
			fmt.Sprintf("body must be at most %d characters", MaxCommentLength))
		if err := v.err(); err != nil {
			return err
		}
		var id string
		err = tx.GetContext(ctx, &id, `
			INSERT INTO task_comments (organization_id, task_id, user_id, body) VALUES ($1, $2, $3, $4) RETURNING id`,
			a.OrgID, taskID, a.UserID, body)
		if err != nil {
			return fmt.Errorf("add comment: %w", err)
		}
		if err := tx.GetContext(ctx, &c, commentSelect+` WHERE c.id = $1`, id); err != nil {
			return fmt.Errorf("add comment: %w", err)
		}
		c.Attachments, err = s.attachFiles(ctx, tx, a, attachmentIDs, attachmentParent{commentID: &id, taskID: &taskID})
		if err != nil {
			return err
		}
		event := c
		event.Attachments = withoutLinks(c.Attachments)
		if err := audit(ctx, tx, a, ActionCreated, "comment", c.ID, Changes{"task_id": {To: taskID}, "body": {To: body}}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventCommentCreated, To: toProject(ref.ProjectID), EntityType: "comment", EntityID: c.ID, Data: event})
	})
	return c, err
}

// DeleteComment removes a comment of the task; only its author or an organization owner or admin may.
func (s *Store) DeleteComment(ctx context.Context, a Actor, taskID, commentID string) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := visibleTask(ctx, tx, a, taskID, false); err != nil {
			return err
		}
		if !validID(commentID) {
			return fmt.Errorf("comment: %w", ErrNotFound)
		}
		var c Comment
		err := tx.GetContext(ctx, &c, commentSelect+`
			WHERE c.id = $1 AND c.task_id = $2 AND c.organization_id = $3 FOR UPDATE OF c`, commentID, taskID, a.OrgID)
		if err != nil {
			return notFoundIfNoRows(err, "comment")
		}
		if !a.Permissions().DeleteAnyComment && (c.UserID == nil || *c.UserID != a.UserID) {
			return forbidden("only the author of a comment or an admin may delete it")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM task_comments WHERE id = $1`, c.ID); err != nil {
			return fmt.Errorf("delete comment: %w", err)
		}
		return audit(ctx, tx, a, ActionDeleted, "comment", c.ID, Changes{"task_id": {From: taskID}, "body": {From: c.Body}})
	})
}
