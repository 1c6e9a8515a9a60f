package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Files of comments and chat messages (docs/DECISIONS.md "Files in comments and chat messages"). A composer uploads
// each file as a file attached to nothing (POST /files/upload without task_id: same limits, quota and sniffing as
// any upload), then posts the comment or message with the files' ids. Posting attaches them in its own transaction:
// from then on a file is seen by whoever sees its parent, and goes when its parent goes (the foreign keys cascade,
// the attachments trigger queues the stored objects for the sweep).

// MaxAttachmentsPerPost bounds the files of one comment or chat message.
const MaxAttachmentsPerPost = 10

// attachmentParent is what files are attached to: a comment (of a task) or a chat message.
type attachmentParent struct {
	commentID, taskID, messageID *string
}

// attachFiles gives the actor's own unattached files (ids, in the organization) to parent and returns them, in
// the order given. A file that is someone else's, already attached, or not found refuses the whole post.
func (s *Store) attachFiles(ctx context.Context, tx *sqlx.Tx, a Actor, ids []string, parent attachmentParent) ([]Attachment, error) {
	ids, err := attachmentIDs(ids)
	if err != nil || len(ids) == 0 {
		return []Attachment{}, err
	}
	var attached []string
	err = tx.SelectContext(ctx, &attached, `
		UPDATE attachments SET comment_id = $4, task_id = $5, message_id = $6
		WHERE id = ANY($1::uuid[]) AND organization_id = $2 AND uploaded_by = $3
			AND task_id IS NULL AND comment_id IS NULL AND message_id IS NULL
		RETURNING id`, pq.Array(ids), a.OrgID, a.UserID, parent.commentID, parent.taskID, parent.messageID)
	if err != nil {
		return nil, fmt.Errorf("attach files: %w", err)
	}
	if len(attached) != len(ids) {
		return nil, Invalid("attachment_ids", "attachment_ids must be your own uploads, not yet attached to a task, comment or message")
	}
	files, err := s.filesOf(ctx, tx, "id", ids)
	if err != nil {
		return nil, err
	}
	out := make([]Attachment, 0, len(ids))
	for _, id := range ids {
		out = append(out, files[id]...)
	}
	return out, nil
}

// attachmentIDs checks the ids a post names: at most MaxAttachmentsPerPost, each a UUID, each once.
func attachmentIDs(ids []string) ([]string, error) {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !validID(id) {
			return nil, Invalid("attachment_ids", "attachment_ids must be the ids of uploaded files")
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if len(out) > MaxAttachmentsPerPost {
		return nil, Invalid("attachment_ids", fmt.Sprintf("a post may carry at most %d files", MaxAttachmentsPerPost))
	}
	return out, nil
}

// filesOf reads the files whose column (id, comment_id or message_id: never input) is one of ids, oldest first,
// with their links, grouped by that column's value.
func (s *Store) filesOf(ctx context.Context, q sqlx.QueryerContext, column string, ids []string) (map[string][]Attachment, error) {
	out := map[string][]Attachment{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []Attachment
	err := sqlx.SelectContext(ctx, q, &rows, attachmentSelect+` WHERE f.`+column+` = ANY($1::uuid[]) ORDER BY f.created_at, f.id`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	for _, f := range rows {
		key := f.ID
		switch column {
		case "comment_id":
			key = *f.CommentID
		case "message_id":
			key = *f.MessageID
		}
		out[key] = append(out[key], s.presentAttachment(ctx, f))
	}
	return out, nil
}

// withCommentFiles fills in the files of comments (one statement for all).
func (s *Store) withCommentFiles(ctx context.Context, q sqlx.QueryerContext, comments []Comment) error {
	ids := make([]string, len(comments))
	for i := range comments {
		ids[i] = comments[i].ID
	}
	files, err := s.filesOf(ctx, q, "comment_id", ids)
	if err != nil {
		return err
	}
	for i := range comments {
		comments[i].Attachments = orEmpty(files[comments[i].ID])
	}
	return nil
}

// withMessageFiles fills in the files of chat messages (one statement for all).
func (s *Store) withMessageFiles(ctx context.Context, q sqlx.QueryerContext, msgs []ChatMessage) error {
	ids := make([]string, len(msgs))
	for i := range msgs {
		ids[i] = msgs[i].ID
	}
	files, err := s.filesOf(ctx, q, "message_id", ids)
	if err != nil {
		return err
	}
	for i := range msgs {
		msgs[i].Attachments = orEmpty(files[msgs[i].ID])
	}
	return nil
}

func orEmpty(files []Attachment) []Attachment {
	if files == nil {
		return []Attachment{}
	}
	return files
}

// withoutLinks copies files without their links, for events: links are credentials and expire, and events are
// kept and forwarded. GET /files/:id/url makes fresh ones.
func withoutLinks(files []Attachment) []Attachment {
	out := make([]Attachment, len(files))
	for i, f := range files {
		f.URL, f.ThumbnailURL, f.ViewURL = nil, nil, nil
		out[i] = f
	}
	return out
}
