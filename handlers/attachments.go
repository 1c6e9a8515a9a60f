package handlers

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// A task's files in the task panel. attachments.js posts each file on its own (multipart, streamed into storage,
// never parsed into memory or spooled to disk) and swaps the list it gets back; a refused file gets the reason as
// plain text with its status (413, 415, 507, 422), shown on the file's row.

func (h *Handlers) mountAttachments(g *router) {
	g.STREAM("/tasks/:id/attachments", h.uploadAttachment, h.store.MaxFileSize()+multipartSlack, h.requireOrg)
	g.POST("/tasks/:id/attachments/:file/delete", h.deleteAttachment, h.requireOrg)
	g.GET("/tasks/:id/attachments/:file/preview", h.attachmentPreview, h.requireOrg)
}

// multipartSlack is what an upload body may hold besides the file: boundaries, part headers, small fields.
const multipartSlack = 64 << 10

// filePart returns the first part of a multipart body that is a file, positioned at its content; fields before it
// are skipped, at most multipartSlack of them.
func filePart(r *http.Request) (*multipart.Part, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, store.Invalid("file", "Choose a file to upload.")
	}
	var skipped int64
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, store.Invalid("file", "Choose a file to upload.")
		}
		if err != nil {
			return nil, store.Invalid("file", "The upload was malformed; try again.")
		}
		if p.FileName() != "" {
			return p, nil
		}
		n, err := io.Copy(io.Discard, io.LimitReader(p, multipartSlack-skipped+1))
		if skipped += n; err != nil || skipped > multipartSlack {
			return nil, store.Invalid("file", "The upload was malformed; try again.")
		}
	}
}

// bodyLimitReader reports a body cut off by the route's limit as a file too large, which is what it is.
type bodyLimitReader struct {
	r   io.Reader
	max int64
}

func (b bodyLimitReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return n, store.TooLarge(b.max)
	}
	return n, err
}

func (h *Handlers) uploadAttachment(c echo.Context) error {
	id := c.Param("id")
	part, err := filePart(c.Request())
	if err == nil {
		defer part.Close()
		_, err = h.store.UploadAttachment(c.Request().Context(), currentActor(c), store.AttachmentUpload{
			TaskID: id, Filename: part.FileName(), ContentType: part.Header.Get(echo.HeaderContentType),
			Body: bodyLimitReader{r: part, max: h.store.MaxFileSize()},
		})
	}
	if status, msg, ok := uploadRefusal(err); ok {
		return c.String(status, msg)
	}
	if err != nil {
		return err
	}
	return h.panelAnswer(c, id, "attachments", nil, nil, nil)
}

// uploadRefusal is the status and the words of a file the store refused, for its row in the panel.
func uploadRefusal(err error) (int, string, bool) {
	se := store.ErrorOf(err)
	if se == nil {
		return 0, "", false
	}
	switch se.Kind {
	case store.ErrTooLarge:
		return http.StatusRequestEntityTooLarge, sentence(se.Message), true
	case store.ErrUnsupportedType:
		return http.StatusUnsupportedMediaType, sentence(se.Message), true
	case store.ErrInsufficientStorage:
		return http.StatusInsufficientStorage, sentence(se.Message), true
	case store.ErrInvalid:
		return http.StatusUnprocessableEntity, sentence(se.Message), true
	}
	return 0, "", false
}

func (h *Handlers) deleteAttachment(c echo.Context) error {
	id := c.Param("id")
	err := h.store.DeleteAttachment(c.Request().Context(), currentActor(c), c.Param("file"))
	return h.panelAnswer(c, id, "attachments", err, nil, nil)
}

// attachmentPreview is the start of a text file, for the preview that attachments.js opens.
func (h *Handlers) attachmentPreview(c echo.Context) error {
	id := c.Param("id")
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, views.TaskDeepLink(id))
	}
	t, err := h.store.AttachmentPreview(c.Request().Context(), currentActor(c), id, c.Param("file"))
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.AttachmentTextPreview(views.AttachmentTextView{
		Name: t.File.Filename, Text: t.Text, Truncated: t.Truncated, URL: deref(t.File.URL),
	}))
}

// attachmentViews are the task's files for the panel.
func attachmentViews(d store.TaskDetail) []views.AttachmentView {
	out := make([]views.AttachmentView, 0, len(d.Attachments))
	for _, f := range d.Attachments {
		out = append(out, fileView(f, d.CanDeleteAttachment(f)))
	}
	return out
}
