package handlers

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// maxImageForm bounds an avatar or logo form: the 5 MB image plus the form's other fields.
const maxImageForm = 5<<20 + 64<<10

// formFile opens an uploaded file field, refusing bodies over the image limit.
func formFile(c echo.Context, field string) (multipart.File, error) {
	r := c.Request()
	r.Body = http.MaxBytesReader(c.Response(), r.Body, maxImageForm)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &store.TooLargeError{Limit: 5 << 20}
		}
		return nil, store.Invalid("file", "Choose an image to upload.")
	}
	f, fh, err := r.FormFile(field)
	if err != nil || fh.Size == 0 {
		return nil, store.Invalid("file", "Choose an image to upload.")
	}
	return f, nil
}

// withFlashes renders a fragment followed by flash messages swapped out of band, for htmx answers.
func withFlashes(fragment templ.Component, flashes []views.Flash) templ.Component {
	if len(flashes) == 0 {
		return fragment
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := fragment.Render(ctx, w); err != nil {
			return err
		}
		return views.FlashesOOB(flashes).Render(ctx, w)
	})
}
