package handlers

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

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

// formResult answers a submitted form with status: htmx gets the form's fragment with the page's flashes out of
// band, a plain form the whole page. p is the page's chrome, which took the flashes from the session.
func formResult(c echo.Context, status int, p views.Page, page, fragment templ.Component) error {
	return renderForm(c, status, page, withFlashes(fragment, p.Flashes))
}

// sentence makes a store message ("name is required") read as a sentence ("Name is required.").
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = capitalize(s)
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// fieldSentences words store field messages for a form: a message starting with its field's name ("hourly_rate
// must be …") starts with the form's label instead ("Hourly rate must be …."), keyed by the form's field name
// (the store's "address.city" is the form's "city"). Fields the form does not show are folded into other.
func fieldSentences(fields map[string]string, labels map[string]string) (out map[string]string, other string) {
	out = map[string]string{}
	for field, msg := range fields {
		label, shown := labels[field]
		if shown && strings.HasPrefix(msg, field) {
			msg = label + strings.TrimPrefix(msg, field)
		}
		msg = sentence(msg)
		if !shown {
			if other == "" {
				other = msg
			}
			continue
		}
		out[strings.TrimPrefix(field, "address.")] = msg
	}
	return out, other
}

// formErrors turns a store error into a form's messages: field messages worded by fieldSentences, and a
// form-level message for anything else the user can fix. Not found and forbidden are not the input's fault:
// they are returned for the error page, like unexpected errors.
func formErrors(err error, labels map[string]string) (map[string]string, string, error) {
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrForbidden) {
		return nil, "", err
	}
	fields, msg, err := fieldErrors(err)
	if err != nil {
		return nil, "", err
	}
	out, other := fieldSentences(fields, labels)
	if msg == "" {
		return out, other, nil
	}
	return out, sentence(msg), nil
}
