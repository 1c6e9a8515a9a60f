package api

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountUsers(g *router) {
	g.GET("/users/me", a.me, a.requireUser)
	g.PUT("/users/me", a.updateMe, a.requireUser)
	g.POST("/users/me/avatar/upload", a.uploadAvatar, a.requireUser)
	g.DELETE("/users/me/avatar", a.deleteAvatar, a.requireUser)
	g.PUT("/users/me/password", a.changePassword, a.requireUser)
}

func (a *API) me(c echo.Context) error {
	u, err := a.store.User(c.Request().Context(), userID(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

func (a *API) updateMe(c echo.Context) error {
	var in struct {
		Name     *string `json:"name"`
		Timezone *string `json:"timezone"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	u, err := a.store.UpdateProfile(c.Request().Context(), userID(c), store.ProfileInput{Name: in.Name, Timezone: in.Timezone})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

// maxImageUpload bounds an avatar or logo request: the 5 MB image plus the multipart framing.
const maxImageUpload = 5<<20 + 64<<10

// uploadedFile reads the multipart field "file" (or the first file of any name) into memory, refusing bodies over
// limit, and removes whatever parsing spooled to disk before returning, whatever the outcome: a middleware may
// have replaced the request with a copy, whose files the server would not clean up.
func uploadedFile(c echo.Context, limit int64) (io.Reader, error) {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
	err := r.ParseMultipartForm(1 << 20)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, store.TooLarge(limit)
		}
		return nil, store.Invalid("file", "the request must be multipart/form-data with a file field")
	}
	fh := r.MultipartForm.File["file"]
	if len(fh) == 0 {
		for _, files := range r.MultipartForm.File {
			fh = files
			break
		}
	}
	if len(fh) == 0 {
		return nil, store.Invalid("file", "file is required")
	}
	if fh[0].Size == 0 {
		return nil, store.Invalid("file", "file is empty")
	}
	f, err := fh[0].Open()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit))
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(data), nil
}

func (a *API) uploadAvatar(c echo.Context) error {
	f, err := uploadedFile(c, maxImageUpload)
	if err != nil {
		return err
	}
	u, err := a.store.SetAvatar(c.Request().Context(), userID(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

func (a *API) deleteAvatar(c echo.Context) error {
	if _, err := a.store.RemoveAvatar(c.Request().Context(), userID(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) changePassword(c echo.Context) error {
	var in struct {
		CurrentPassword string `json:"current_password"`
		NewPassword     string `json:"new_password"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	if _, err := a.store.ChangePassword(c.Request().Context(), userID(c), in.CurrentPassword, in.NewPassword); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, messageBody{"Your password has been changed."})
}
