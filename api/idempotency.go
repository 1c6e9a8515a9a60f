package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// errInsufficientScope refuses a write with a read-only personal access token.
var errInsufficientScope = errors.New("insufficient scope")

// idempotent makes a POST with an Idempotency-Key safe to retry (DECISIONS.md "Beyond the reference"): the first
// completed answer for (user, key) is kept a day and replayed, with Idempotent-Replayed: true, to the same request;
// the same key with another body answers 422, and while the first is still running 409. A server error is not
// kept, so a retry runs the request again. Requests without a user (sign-in and sign-up) ignore the header.
func (a *API) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get("Idempotency-Key")
		uid, _ := c.Get(ctxUserID).(string)
		if key == "" || uid == "" {
			return next(c)
		}
		r := c.Request()
		body, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
		if err != nil {
			return errMalformed
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		ctx := r.Context()
		claim, err := a.store.ClaimIdempotencyKey(ctx, uid, key, store.IdempotencyRequestHash(r.Method, r.URL.RequestURI(), body))
		if err != nil {
			return err
		}
		if kept := claim.Replay; kept != nil {
			h := c.Response().Header()
			h.Set("Idempotent-Replayed", "true")
			if kept.Status == http.StatusNoContent || len(kept.Body) == 0 {
				return c.NoContent(kept.Status)
			}
			return c.Blob(kept.Status, kept.ContentType, kept.Body)
		}
		rec := &recordingWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		if err := next(c); err != nil {
			a.HandleError(err, c)
		}
		// Keep or release the key even when the client has gone: the request itself completed.
		done, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		status := c.Response().Status
		if status >= 500 || rec.body.Len() > store.MaxIdempotentBody {
			return a.store.ReleaseIdempotencyKey(done, uid, key)
		}
		return a.store.CompleteIdempotencyKey(done, uid, key, store.IdempotentAnswer{
			Status: status, ContentType: c.Response().Header().Get(echo.HeaderContentType), Body: rec.body.Bytes(),
		})
	}
}

// recordingWriter keeps a copy of what is written (up to just past the kept limit).
type recordingWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.body.Len() <= store.MaxIdempotentBody {
		w.body.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
