package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// Files of comments and chat messages: composer-files.js uploads each file on its own to views.PostFilesUploadPath
// (streamed, as for a task's files) and gets back a chip holding the file's id, which the comment or message form
// then posts as attachment_ids. A refused file gets the reason as plain text with its status (413, 415, 507, 422).

func (h *Handlers) mountPostFiles(g *router) {
	g.STREAM(views.PostFilesUploadPath, h.uploadPostFile, h.store.MaxFileSize()+multipartSlack, h.requireOrg)
}

func (h *Handlers) uploadPostFile(c echo.Context) error {
	part, err := filePart(c.Request())
	var f store.Attachment
	if err == nil {
		defer part.Close()
		f, err = h.store.UploadAttachment(c.Request().Context(), currentActor(c), store.AttachmentUpload{
			Filename: part.FileName(), ContentType: part.Header.Get(echo.HeaderContentType),
			Body: bodyLimitReader{r: part, max: h.store.MaxFileSize()},
		})
	}
	if status, msg, ok := uploadRefusal(err); ok {
		return c.String(status, msg)
	}
	if err != nil {
		return err
	}
	return render(c, http.StatusCreated, views.ComposerFile(fileView(f, false)))
}

// fileView is a stored file for a page.
func fileView(f store.Attachment, canDelete bool) views.AttachmentView {
	return views.AttachmentView{
		ID: f.ID, Name: f.Filename, ContentType: f.ContentType, Size: f.Size, URL: deref(f.URL), ViewURL: deref(f.ViewURL),
		ThumbnailURL: deref(f.ThumbnailURL), UploaderName: f.UploaderName, At: f.CreatedAt, CanDelete: canDelete,
	}
}

// postFileViews are the files of a comment or a chat message.
func postFileViews(files []store.Attachment) []views.AttachmentView {
	out := make([]views.AttachmentView, 0, len(files))
	for _, f := range files {
		out = append(out, fileView(f, false))
	}
	return out
}

// attachmentIDs are the files a composer posts with its comment or message.
func attachmentIDs(c echo.Context) []string {
	if err := c.Request().ParseForm(); err != nil {
		return nil
	}
	return c.Request().PostForm["attachment_ids"]
}
