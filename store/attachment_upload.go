package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/filetype"
	"github.com/trcr/trcr/store/imaging"
)

// Uploading a file streams it into blob storage: only its first bytes (to decide its type) are held in memory,
// whatever its size. The size limit and the organization's quota are checked before anything is written (from
// the quota used so far) and while writing (the stream is cut off one byte past what is left), and the quota once
// more when the row is written, under a lock per organization, so that concurrent uploads cannot pass it together.

// AttachmentUpload is a file as a client sends it.
type AttachmentUpload struct {
	TaskID      string // the task to attach it to; "" for a file attached to nothing (yet)
	Filename    string
	ContentType string // the type the client declared; "" or application/octet-stream when it declared none
	Body        io.Reader
}

// MaxFilenameLength bounds a file's name, in characters.
const MaxFilenameLength = 255

// thumbnailSize is the longest side of an image's thumbnail: sharp at 160 CSS pixels on a 2x screen.
const thumbnailSize = 320

// uploadReservation is how long an upload may take before the sweep removes what it wrote: well past the
// server's upload deadline, so an upload still running is never swept.
const uploadReservation = time.Hour

// MaxFileSize is the largest file accepted, in bytes; front ends bound request bodies by it.
func (s *Store) MaxFileSize() int64 { return s.cfg.MaxFileSize }

// UploadAttachment stores a file for anyone who can see the task (or, without a task, for any member). Its type is
// decided by its content and must agree with the declared one (415 otherwise); over the size limit it is
// ErrTooLarge; past the organization's quota ErrInsufficientStorage. Images get a thumbnail.
func (s *Store) UploadAttachment(ctx context.Context, a Actor, in AttachmentUpload) (Attachment, error) {
	if in.TaskID != "" {
		if _, err := visibleTask(ctx, s.db, a, in.TaskID, false); err != nil {
			return Attachment{}, err
		}
	}
	name, err := cleanFilename(in.Filename)
	if err != nil {
		return Attachment{}, err
	}
	used, err := storageUsed(ctx, s.db, a.OrgID)
	if err != nil {
		return Attachment{}, fmt.Errorf("upload: %w", err)
	}
	room := s.cfg.OrgStorageQuota - used
	if room <= 0 {
		return Attachment{}, s.quotaExceeded(used)
	}
	head, err := readHead(in.Body)
	if err != nil {
		return Attachment{}, err
	}
	contentType, err := filetype.Decide(in.ContentType, head)
	if err != nil {
		return Attachment{}, unsupportedFile(err)
	}
	if s.blobs == nil {
		return Attachment{}, errors.New("file storage is not configured")
	}
	f := Attachment{ID: uuid.NewString(), Filename: name, ContentType: contentType, OrgID: a.OrgID}
	f.BlobKey = "attachments/" + a.OrgID + "/" + f.ID
	keys := []string{f.BlobKey}
	if filetype.IsImage(contentType) {
		keys = append(keys, f.BlobKey+"-thumbnail")
	}
	reserved, err := s.reserveBlobKeys(ctx, keys)
	if err != nil {
		return Attachment{}, fmt.Errorf("upload: %w", err)
	}
	body := &meteredBody{r: io.MultiReader(bytes.NewReader(head), in.Body), limit: min(s.cfg.MaxFileSize, room)}
	if err := s.blobs.Put(ctx, f.BlobKey, body, -1, contentType); err != nil {
		s.abandonUpload(ctx, reserved, keys)
		return Attachment{}, s.putFailure(body, used, err)
	}
	f.Size = body.n
	if len(keys) > 1 {
		f.ThumbnailKey = s.storeThumbnail(ctx, f.BlobKey, keys[1], contentType)
	}
	if err := s.saveAttachment(ctx, a, in.TaskID, &f, reserved); err != nil {
		s.abandonUpload(ctx, reserved, keys)
		return Attachment{}, fmt.Errorf("upload: %w", err)
	}
	return s.presentAttachment(ctx, f), nil
}

// saveAttachment writes the row of a stored file, checking the quota again under the organization's lock, and
// drops the reservations of its objects: from now on the row owns them.
func (s *Store) saveAttachment(ctx context.Context, a Actor, taskID string, f *Attachment, reserved []int64) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		if taskID != "" {
			ref, err := visibleTask(ctx, tx, a, taskID, false)
			if err != nil {
				return err
			}
			f.TaskID, f.ProjectID = &taskID, &ref.ProjectID
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('attachments_quota:' || $1, 0))`, a.OrgID); err != nil {
			return err
		}
		used, err := storageUsed(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		if used+f.Size > s.cfg.OrgStorageQuota {
			return s.quotaExceeded(used)
		}
		err = tx.GetContext(ctx, f, `
			WITH f AS (
				INSERT INTO attachments (id, organization_id, task_id, filename, content_type, size, blob_key, thumbnail_key, uploaded_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *)
			SELECT f.id, f.task_id, f.filename, f.content_type, f.size, f.uploaded_by, f.created_at,
				coalesce(u.name, '') AS uploader_name, f.organization_id, t.project_id, f.blob_key, f.thumbnail_key
			FROM f LEFT JOIN tasks t ON t.id = f.task_id LEFT JOIN users u ON u.id = f.uploaded_by`,
			f.ID, a.OrgID, f.TaskID, f.Filename, f.ContentType, f.Size, f.BlobKey, f.ThumbnailKey, a.UserID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM blob_deletions WHERE id = ANY($1)`, pq.Array(reserved)); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionCreated, "attachment", f.ID, Changes{
			"task_id": {To: f.TaskID}, "filename": {To: f.Filename}, "content_type": {To: f.ContentType}, "size": {To: f.Size},
		}); err != nil {
			return err
		}
		// The event carries the file without its links: they are credentials, and expire; GET /files/:id/url
		// makes fresh ones.
		return s.record(ctx, tx, a, newEvent{Type: EventAttachmentCreated, To: attachmentAudience(*f), EntityType: "attachment",
			EntityID: f.ID, Data: *f})
	})
}

// storageUsed is what an organization's files take, in bytes.
func storageUsed(ctx context.Context, q sqlx.QueryerContext, orgID string) (int64, error) {
	var used int64
	err := sqlx.GetContext(ctx, q, &used, `SELECT coalesce(sum(size), 0) FROM attachments WHERE organization_id = $1`, orgID)
	return used, err
}

func (s *Store) quotaExceeded(used int64) error {
	return insufficientStorage(fmt.Sprintf("the organization's file storage is full: %s of its %s are used; delete files to make room",
		formatBytes(used), formatBytes(s.cfg.OrgStorageQuota)), nil)
}

func unsupportedFile(err error) error {
	msg := "file type is not allowed: upload an image (PNG, JPEG, GIF, WebP), a PDF, a text or CSV file, a ZIP archive or an Office document"
	if errors.Is(err, filetype.ErrMismatch) {
		msg = "the file's content does not match its declared type (" + strings.TrimPrefix(err.Error(), filetype.ErrMismatch.Error()+": ") + ")"
	}
	return &Error{Kind: ErrUnsupportedType, Message: msg, Err: err}
}

// putFailure names why writing the stream failed: too large, past the quota, a client that stopped sending, or the
// storage itself.
func (s *Store) putFailure(body *meteredBody, used int64, err error) error {
	switch {
	case body.over && body.n > s.cfg.MaxFileSize:
		return &Error{Kind: ErrTooLarge, Message: "file is larger than " + formatBytes(s.cfg.MaxFileSize), Limit: s.cfg.MaxFileSize}
	case body.over:
		return s.quotaExceeded(used)
	case body.readErr != nil:
		var se *Error
		if errors.As(body.readErr, &se) {
			return se // the front end's own refusal of the body
		}
		return &Error{Kind: ErrInvalid, Message: "the upload ended before the whole file arrived",
			Fields: map[string]string{"file": "the upload ended before the whole file arrived"}, Err: body.readErr}
	}
	return fmt.Errorf("store file: %w", storageFailure(err))
}

// readHead reads the first bytes of an upload, which decide its type.
func readHead(r io.Reader) ([]byte, error) {
	head := make([]byte, filetype.HeadSize)
	n, err := io.ReadFull(r, head)
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
	case err != nil:
		var se *Error
		if errors.As(err, &se) {
			return nil, se
		}
		return nil, &Error{Kind: ErrInvalid, Message: "the upload ended before the whole file arrived",
			Fields: map[string]string{"file": "the upload ended before the whole file arrived"}, Err: err}
	}
	if n == 0 {
		return nil, Invalid("file", "file is empty")
	}
	return head[:n], nil
}

// meteredBody counts what passes and fails the stream one byte past limit. Errors of the source are kept apart
// from the storage's own.
type meteredBody struct {
	r       io.Reader
	limit   int64
	n       int64
	over    bool
	readErr error
}

var errUploadOverLimit = errors.New("upload over its limit")

func (m *meteredBody) Read(p []byte) (int, error) {
	if m.over {
		return 0, errUploadOverLimit
	}
	if rest := m.limit + 1 - m.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := m.r.Read(p)
	m.n += int64(n)
	if m.n > m.limit {
		m.over = true
		return 0, errUploadOverLimit
	}
	if err != nil && err != io.EOF {
		m.readErr = err
	}
	return n, err
}

// cleanFilename keeps the last segment of a path (browsers on Windows once sent C:\fakepath\name), without
// control characters; a NUL, or a name longer than MaxFilenameLength, is refused.
func cleanFilename(name string) (string, error) {
	if strings.ContainsRune(name, 0) {
		return "", Invalid("filename", "filename must not contain NUL characters")
	}
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		name = "file"
	}
	if utf8.RuneCountInString(name) > MaxFilenameLength {
		return "", Invalid("filename", fmt.Sprintf("filename must be at most %d characters", MaxFilenameLength))
	}
	return name, nil
}

// storeThumbnail reads an image back from storage and stores its thumbnail; nil when it has none (an image too
// large to decode, a damaged one, storage trouble), which leaves the file without a preview but stored.
func (s *Store) storeThumbnail(ctx context.Context, key, thumbKey, contentType string) *string {
	rc, _, err := s.blobs.Open(ctx, key)
	if err != nil {
		s.log.Warn("thumbnail: open", "key", key, "err", err)
		return nil
	}
	defer rc.Close()
	data, outType, err := imaging.Thumbnail(ctx, rc, contentType, thumbnailSize)
	if err != nil {
		s.log.Info("no thumbnail", "key", key, "err", err)
		return nil
	}
	if err := s.blobs.Put(ctx, thumbKey, bytes.NewReader(data), int64(len(data)), outType); err != nil {
		s.log.Warn("thumbnail: store", "key", thumbKey, "err", err)
		return nil
	}
	return &thumbKey
}

// reserveBlobKeys queues the objects an upload is about to write for removal an hour from now, so that they are
// removed should the upload never commit (the process dies, the database goes away). Saving the file drops them.
func (s *Store) reserveBlobKeys(ctx context.Context, keys []string) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `
		INSERT INTO blob_deletions (blob_key, due_at) SELECT k, now() + $2 * interval '1 second' FROM unnest($1::text[]) AS k
		RETURNING id`, pq.Array(keys), uploadReservation.Seconds())
	return ids, err
}

// abandonUpload removes what a failed upload wrote, now rather than when its reservations fall due; what cannot be
// removed now is left to the sweep.
func (s *Store) abandonUpload(ctx context.Context, reserved []int64, keys []string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for _, k := range keys {
		if err := s.blobs.Delete(ctx, k); err != nil {
			s.log.Warn("abandoned upload: delete", "key", k, "err", err)
			if _, err := s.db.ExecContext(ctx, `UPDATE blob_deletions SET due_at = now() WHERE id = ANY($1)`, pq.Array(reserved)); err != nil {
				s.log.Warn("abandoned upload: reschedule", "err", err)
			}
			return
		}
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM blob_deletions WHERE id = ANY($1)`, pq.Array(reserved)); err != nil {
		s.log.Warn("abandoned upload: reservations", "err", err)
	}
}

// formatBytes writes a size for people: 25 MB, 1.5 GB.
func formatBytes(n int64) string {
	units := []string{"bytes", "KB", "MB", "GB", "TB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 || v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}
