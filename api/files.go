package api

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// mountFiles registers the reference's Files section: upload, a task's attachments, links, view tickets, delete,
// and /files/:id/content, which authenticates itself (an <img src> sends no header).
func (a *API) mountFiles(g *router) {
	g.POST("/files/upload", a.uploadFile, a.requireOrg)
	g.GET("/tasks/:id/attachments", a.listAttachments, a.requireOrg)
	g.GET("/files/:id/url", a.fileURL, a.requireOrg)
	g.POST("/files/view-ticket", a.issueViewTicket, a.requireOrg)
	g.DELETE("/files/:id", a.deleteFile, a.requireOrg)
	g.GET("/files/:id/content", a.fileContent)
}

// multipartSlack is what an upload body may hold besides the file itself: boundaries, part headers and small
// fields.
const multipartSlack = 64 << 10

// filePart returns the first part of a multipart body that is a file (any field name), positioned at its content.
// The file is never parsed into memory or spooled to disk: the caller streams the part. Other fields before it
// are skipped, at most multipartSlack of them.
func filePart(r *http.Request) (*multipart.Part, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, store.Invalid("file", "the request must be multipart/form-data with a file field")
	}
	var skipped int64
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, store.Invalid("file", "file is required")
		}
		if err != nil {
			return nil, store.Invalid("file", "the multipart body is malformed")
		}
		if p.FileName() != "" {
			return p, nil
		}
		n, err := io.Copy(io.Discard, io.LimitReader(p, multipartSlack-skipped+1))
		if skipped += n; err != nil || skipped > multipartSlack {
			return nil, store.Invalid("file", "the fields besides the file are too large or malformed")
		}
	}
}

func (a *API) uploadFile(c echo.Context) error {
	r := c.Request()
	// A body that cannot hold a file within the limit is refused before a byte of it is read.
	if max := a.store.MaxFileSize(); r.ContentLength > max+multipartSlack {
		return store.TooLarge(max)
	}
	part, err := filePart(r)
	if err != nil {
		return err
	}
	defer part.Close()
	f, err := a.store.UploadAttachment(r.Context(), actor(c), store.AttachmentUpload{
		TaskID: c.QueryParam("task_id"), Filename: part.FileName(), ContentType: part.Header.Get(echo.HeaderContentType), Body: part,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, f)
}

func (a *API) listAttachments(c echo.Context) error {
	l, err := a.store.TaskAttachments(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return unpaged(c, l)
}

func (a *API) fileURL(c echo.Context) error {
	u, err := a.store.AttachmentURL(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// issueViewTicket answers a ticket for the file named by file_id, or, without it (as the reference calls it),
// for any file the caller may see in the organization.
func (a *API) issueViewTicket(c echo.Context) error {
	var in struct {
		FileID string `json:"file_id"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	t, err := a.store.IssueViewTicket(c.Request().Context(), actor(c), in.FileID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (a *API) deleteFile(c echo.Context) error {
	if err := a.store.DeleteAttachment(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// fileContent redirects (307) to a fresh link to the file. It takes a view ticket (?ticket=), the Bearer header
// or an access token in ?token= (the reference's fallback for clients that cannot set headers; accepted on this
// route only); the organization is the file's own.
func (a *API) fileContent(c echo.Context) error {
	if err := nulInURL(c); err != nil {
		return err
	}
	ctx := c.Request().Context()
	cred := store.ContentCredentials{Ticket: c.QueryParam("ticket"), IP: c.RealIP()}
	if cred.Ticket == "" {
		token := c.QueryParam("token")
		if h, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer "); ok && strings.TrimSpace(h) != "" {
			token = strings.TrimSpace(h)
		}
		if token == "" {
			return store.ErrUnauthorized
		}
		creds, err := a.store.AuthenticateBearer(ctx, token)
		if err != nil {
			return err
		}
		cred.UserID = creds.UserID
	}
	u, err := a.store.AttachmentContentURL(ctx, cred, c.Param("id"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusTemporaryRedirect, u)
}
