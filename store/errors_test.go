package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// One error type: its kind is found through any wrapping with errors.Is, a bare sentinel still has a kind, and
// front ends read the message, fields and extras from ErrorOf.
func TestError_KindsSurviveWrappingAndBareSentinelsHaveOne(t *testing.T) {
	t.Parallel()
	invalid := fmt.Errorf("create task: %w", store.Invalid("title", "title is required"))
	if !errors.Is(invalid, store.ErrInvalid) || errors.Is(invalid, store.ErrConflict) || store.KindOf(invalid) != store.ErrInvalid {
		t.Fatalf("wrapped invalid: kind %v", store.KindOf(invalid))
	}
	if e, ok := store.AsKind(invalid, store.ErrInvalid); !ok || e.Message != "title is required" || e.Fields["title"] != "title is required" {
		t.Fatalf("AsKind: %+v %v", e, ok)
	}
	if _, ok := store.AsKind(invalid, store.ErrConflict); ok {
		t.Fatal("AsKind matched another kind")
	}

	bare := fmt.Errorf("load project: %w", store.ErrNotFound)
	if e := store.ErrorOf(bare); e == nil || e.Kind != store.ErrNotFound || e.Message != "" || !errors.Is(e, bare) {
		t.Fatalf("ErrorOf a bare sentinel: %+v", e)
	}
	if e := store.ErrorOf(errors.New("boom")); e != nil || store.KindOf(errors.New("boom")) != nil {
		t.Fatalf("an error of no kind got one: %+v", e)
	}

	tooLarge := fmt.Errorf("upload: %w", store.TooLarge(5<<20))
	if e := store.ErrorOf(tooLarge); e == nil || e.Kind != store.ErrTooLarge || e.Limit != 5<<20 || e.Message != "file is larger than 5 MB" {
		t.Fatalf("too large: %+v", e)
	}
}

func TestError_RetryAfterRoundsUpToWholeSeconds(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		wait time.Duration
		want int
	}{{0, 1}, {-time.Second, 1}, {time.Millisecond, 1}, {time.Second, 1}, {1500 * time.Millisecond, 2}, {time.Hour, 3600}} {
		if got := (&store.Error{Kind: store.ErrRateLimited, RetryAfter: c.wait}).RetryAfterSeconds(); got != c.want {
			t.Errorf("RetryAfter %v: %d seconds, want %d", c.wait, got, c.want)
		}
	}
}

// Error() is for logs: the message, then the cause.
func TestError_StringCarriesTheCauseForLogs(t *testing.T) {
	t.Parallel()
	cause := errors.New("dial tcp: connection refused")
	e := &store.Error{Kind: store.ErrUnavailable, Message: "the database is temporarily unavailable", Err: cause}
	if e.Error() != "the database is temporarily unavailable: dial tcp: connection refused" || !errors.Is(e, cause) || !errors.Is(e, store.ErrUnavailable) {
		t.Fatalf("%q", e.Error())
	}
	if got := (&store.Error{Kind: store.ErrConflict}).Error(); got != "conflict" {
		t.Fatalf("no message: %q", got)
	}
}
