package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Attachments: files attached to tasks (DECISIONS.md "Collaboration"). Uploading is in attachment_upload.go, the
// links and view tickets of /files/:id/content in attachment_access.go, and removing objects from storage after
// their rows are gone in blob_sweep.go.

// Attachment is a stored file, as the API returns it. URL downloads the file under its name; ViewURL shows it
// inline (pages put it in an <img>, an <iframe> or a link); ThumbnailURL is a small image of an image file.
type Attachment struct {
	ID           string    `db:"id" json:"id"`
	TaskID       *string   `db:"task_id" json:"task_id"`
	Filename     string    `db:"filename" json:"filename"`
	ContentType  string    `db:"content_type" json:"content_type"`
	Size         int64     `db:"size" json:"size"`
	URL          *string   `db:"-" json:"url"`
	ThumbnailURL *string   `db:"-" json:"thumbnail_url"`
	UploadedBy   *string   `db:"uploaded_by" json:"uploaded_by"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`

	ViewURL      *string `db:"-" json:"-"`
	UploaderName string  `db:"uploader_name" json:"-"`
	OrgID        string  `db:"organization_id" json:"-"`
	ProjectID    *string `db:"project_id" json:"-"` // the task's project; nil for a file attached to nothing
	BlobKey      string  `db:"blob_key" json:"-"`
	ThumbnailKey *string `db:"thumbnail_key" json:"-"`

	// A file of a comment or a chat message belongs to it (and a comment's file to the comment's task too).
	CommentID      *string `db:"comment_id" json:"comment_id"`
	MessageID      *string `db:"message_id" json:"message_id"`
	ChannelID      *string `db:"channel_id" json:"-"` // the message's channel, which decides who sees the file
	ChannelPrivate bool    `db:"channel_private" json:"-"`
}

const attachmentSelect = `
	SELECT f.id, f.task_id, f.filename, f.content_type, f.size, f.uploaded_by, f.created_at,
		coalesce(u.name, '') AS uploader_name, f.organization_id, t.project_id, f.blob_key, f.thumbnail_key,
		f.comment_id, f.message_id, m.channel_id, coalesce(ch.is_private, false) AS channel_private
	FROM attachments f LEFT JOIN tasks t ON t.id = f.task_id LEFT JOIN users u ON u.id = f.uploaded_by
	LEFT JOIN chat_messages m ON m.id = f.message_id LEFT JOIN chat_channels ch ON ch.id = m.channel_id`

// attachmentLinkLifetime is how long the links in an attachment stay valid at least. They end on a whole hour, so
// a file keeps the same links for an hour and browsers cache its thumbnail.
const attachmentLinkLifetime = time.Hour

// attachmentLinkExpiry is when links made now end: between one and two hours from now, on the hour.
func (s *Store) attachmentLinkExpiry() time.Time {
	return s.now().UTC().Truncate(time.Hour).Add(time.Hour + attachmentLinkLifetime)
}

// presentAttachment fills in the links of an attachment read from the database.
func (s *Store) presentAttachment(ctx context.Context, f Attachment) Attachment {
	expiry := s.attachmentLinkExpiry()
	f.URL = s.signedLink(ctx, f.BlobKey, expiry, f.Filename)
	f.ViewURL = s.signedLink(ctx, f.BlobKey, expiry, "")
	if f.ThumbnailKey != nil {
		f.ThumbnailURL = s.signedLink(ctx, *f.ThumbnailKey, expiry, "")
	}
	return f
}

// signedLink is a link to a stored object until expiry; downloadName makes browsers save it under that name.
func (s *Store) signedLink(ctx context.Context, key string, expiry time.Time, downloadName string) *string {
	if s.blobs == nil {
		return nil
	}
	u, err := s.blobs.URL(ctx, key, expiry.Sub(s.now()), downloadName)
	if err != nil {
		s.log.Error("file link", "key", key, "err", err)
		return nil
	}
	return &u
}

// visibleAttachment loads a file of the actor's organization that the actor may see: a chat message's file for
// whoever sees its channel (a private channel's members only, admins included), a task's or a comment's file for
// whoever can see the task's project, a file attached to nothing for its uploader (and owners and admins).
// Anything else is ErrNotFound.
func visibleAttachment(ctx context.Context, q sqlx.QueryerContext, a Actor, id string) (Attachment, error) {
	var f Attachment
	if !validID(id) {
		return f, fmt.Errorf("file: %w", ErrNotFound)
	}
	if err := sqlx.GetContext(ctx, q, &f, attachmentSelect+` WHERE f.id = $1 AND f.organization_id = $2`, id, a.OrgID); err != nil {
		return f, notFoundIfNoRows(err, "file")
	}
	if f.ChannelID != nil {
		if _, err := channelRef(ctx, q, a, *f.ChannelID, ""); err != nil {
			return f, fmt.Errorf("file: %w", ErrNotFound)
		}
		return f, nil
	}
	if f.ProjectID != nil {
		if _, err := visibleProject(ctx, q, a, *f.ProjectID); err != nil {
			return f, fmt.Errorf("file: %w", ErrNotFound)
		}
		return f, nil
	}
	if !a.Permissions().ManageAllFiles && (f.UploadedBy == nil || *f.UploadedBy != a.UserID) {
		return f, fmt.Errorf("file: %w", ErrNotFound)
	}
	return f, nil
}

// canDeleteAttachment: its uploader, whoever has manage_tasks on its task's project, and owners and admins.
func canDeleteAttachment(a Actor, f Attachment, canManageProject bool) bool {
	return a.Permissions().ManageAllFiles || canManageProject || (f.UploadedBy != nil && *f.UploadedBy == a.UserID)
}

// taskAttachments lists a task's own files (not its comments'), oldest first, with their links.
func (s *Store) taskAttachments(ctx context.Context, q sqlx.QueryerContext, orgID, taskID string) ([]Attachment, error) {
	rows := []Attachment{}
	err := sqlx.SelectContext(ctx, q, &rows, attachmentSelect+`
		WHERE f.task_id = $1 AND f.organization_id = $2 AND f.comment_id IS NULL ORDER BY f.created_at, f.id`, taskID, orgID)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	for i := range rows {
		rows[i] = s.presentAttachment(ctx, rows[i])
	}
	return rows, nil
}

// TaskAttachments lists a task's files for anyone who can see the task.
func (s *Store) TaskAttachments(ctx context.Context, a Actor, taskID string) ([]Attachment, error) {
	if _, err := visibleTask(ctx, s.db, a, taskID, false); err != nil {
		return nil, err
	}
	return s.taskAttachments(ctx, s.db, a.OrgID, taskID)
}

// SignedURL is a link to a file and when it stops working.
type SignedURL struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// AttachmentURL gives a fresh download link to a file the actor may see.
func (s *Store) AttachmentURL(ctx context.Context, a Actor, id string) (SignedURL, error) {
	f, err := visibleAttachment(ctx, s.db, a, id)
	if err != nil {
		return SignedURL{}, err
	}
	expiry := s.attachmentLinkExpiry()
	link := s.signedLink(ctx, f.BlobKey, expiry, f.Filename)
	if link == nil {
		return SignedURL{}, unavailable("file storage", nil)
	}
	return SignedURL{URL: *link, ExpiresAt: expiry}, nil
}

// DeleteAttachment removes a file: its uploader, a manager of its task's project, or an owner or admin may. The
// stored objects are queued for removal in the same transaction (the attachments trigger) and removed by the
// sweep.
func (s *Store) DeleteAttachment(ctx context.Context, a Actor, id string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		f, err := visibleAttachment(ctx, tx, a, id)
		if err != nil {
			return err
		}
		manage := false
		if f.ProjectID != nil {
			p, err := visibleProject(ctx, tx, a, *f.ProjectID)
			if err != nil {
				return err
			}
			manage = p.canManage(a)
		}
		if !canDeleteAttachment(a, f, manage) {
			return forbidden("only the person who uploaded a file, a manager of its project or an admin may delete it")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM attachments WHERE id = $1`, f.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("file: %w", ErrNotFound) // deleted meanwhile
		}
		if err := audit(ctx, tx, a, ActionDeleted, "attachment", f.ID, Changes{
			"task_id": {From: f.TaskID}, "filename": {From: f.Filename}, "size": {From: f.Size},
		}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventAttachmentDeleted, To: attachmentAudience(f), EntityType: "attachment",
			EntityID: f.ID, Data: map[string]any{"id": f.ID, "task_id": f.TaskID, "filename": f.Filename}})
	})
	if err != nil {
		return fmt.Errorf("delete file: %w", err)
	}
	return nil
}

// attachmentAudience: a chat message's file concerns who sees its channel; a task's file its project; a file
// attached to nothing, its uploader.
func attachmentAudience(f Attachment) Audience {
	if f.ChannelID != nil {
		return channelAudience(ChatChannel{ID: *f.ChannelID, IsPrivate: f.ChannelPrivate})
	}
	if f.ProjectID != nil {
		return toProject(*f.ProjectID)
	}
	if f.UploadedBy != nil {
		return toUser(*f.UploadedBy)
	}
	return toAdmins()
}
