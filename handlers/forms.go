package handlers

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// maxUploadFile bounds the file read from an upload form: the image limit of the store plus one byte, so the store
// still sees that a larger file is too large.
const maxUploadFile = 5<<20 + 1

// formFile reads an uploaded file field of a multipart form into memory and removes whatever parsing spooled to
// disk before returning, whatever the outcome: the request may be a copy of the one the server cleans up after
// (the session middleware makes one), so nothing else would. The body is already bounded by the route's limit.
func formFile(c echo.Context, field string) (io.Reader, error) {
	r := c.Request()
	err := r.ParseMultipartForm(1 << 20)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, store.TooLarge(5 << 20)
		}
		return nil, store.Invalid("file", "Choose an image to upload.")
	}
	f, fh, err := r.FormFile(field)
	if err != nil || fh.Size == 0 {
		return nil, store.Invalid("file", "Choose an image to upload.")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUploadFile))
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(data), nil
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

// formSentence words a store message for people: the store's field names in it become the form's labels ("due_date
// must be on or after issue_date" reads "Due date must be on or after issue date."). A name is replaced where it
// starts the message, or anywhere when it has an underscore (a plain word such as "to" is left alone mid-sentence).
func formSentence(msg string, labels map[string]string) string {
	words := strings.Fields(msg)
	for i, w := range words {
		core := strings.TrimRight(w, ".,;:")
		label, ok := labels[core]
		if !ok || (i > 0 && !strings.Contains(core, "_")) {
			continue
		}
		if i > 0 {
			label = strings.ToLower(label)
		}
		words[i] = label + strings.TrimPrefix(w, core)
	}
	return sentence(strings.Join(words, " "))
}

// Every page shows a refused store call the same way: the form comes back with a message beside each field the
// store named and a form-level message for the rest (invalid input, a conflict, a limit reached, an upload refused,
// wrong credentials). formErrors and formErrorsShowing word the messages with the form's labels; formErrorsAsIs
// keeps the store's words, for forms built around them (sign-in, the task panel's inline fields). All of them
// return any other error for the error page (handlers/errors.go): not found and forbidden are not the input's
// fault (a page hides the controls the store would refuse), and failures of the server are not the user's.

// refusal is the store error a form shows in place, or nil when err is for the error page.
func refusal(err error) *store.Error {
	var se *store.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Kind {
	case store.ErrInvalid, store.ErrConflict, store.ErrUnauthorized, store.ErrRateLimited, store.ErrTooLarge, store.ErrUnsupportedType:
		return se
	}
	return nil
}

// formErrorsAsIs turns a store error into a form's messages in the store's words: the per-field messages of
// invalid input, or a form-level message.
func formErrorsAsIs(err error) (map[string]string, string, error) {
	se := refusal(err)
	switch {
	case se == nil:
		return nil, "", err
	case se.Kind == store.ErrInvalid:
		return se.Fields, "", nil
	case se.Kind == store.ErrUnauthorized:
		return nil, sentence(se.Message), nil
	case se.Kind == store.ErrRateLimited && se.Message == "":
		return nil, "Too many attempts. Please wait a minute and try again.", nil
	case se.Kind == store.ErrRateLimited:
		return nil, capitalize(se.Message) + ". Please try again in " + waitText(se.RetryAfter) + ".", nil
	}
	return nil, se.Message, nil
}

// formErrors turns a store error into the messages of a form whose fields labels names (store field → label): a
// message beside each field, keyed by the form's field name (the store's "address.city" is the form's "city"), and
// a form-level message for anything else the user can fix, each worded as a sentence with the form's labels.
func formErrors(err error, labels map[string]string) (map[string]string, string, error) {
	shown := make([]string, 0, len(labels))
	for field := range labels {
		shown = append(shown, field)
	}
	return formErrorsShowing(err, labels, shown...)
}

// formErrorsShowing is formErrors for a form that shows a message beside only the fields in shown; messages of
// the other fields (the first, by field name) become the form-level message when there is no other.
func formErrorsShowing(err error, labels map[string]string, shown ...string) (map[string]string, string, error) {
	fields, msg, err := formErrorsAsIs(err)
	if err != nil {
		return nil, "", err
	}
	out := map[string]string{}
	names := slices.Sorted(maps.Keys(fields))
	other := ""
	for _, field := range names {
		worded := formSentence(fields[field], labels)
		switch {
		case slices.Contains(shown, field):
			out[strings.TrimPrefix(field, "address.")] = worded
		case other == "":
			other = worded
		}
	}
	if msg == "" {
		return out, other, nil
	}
	return out, formSentence(msg, labels), nil
}
