package handlers

import (
	"net/http"
	"testing"

	"github.com/trcr/trcr/store"
)

// TestStoreErrorView_EveryClientKindIsA4xx: a store error the user caused never shows as a server failure.
func TestStoreErrorView_EveryClientKindIsA4xx(t *testing.T) {
	for kind, want := range map[error]int{
		store.ErrInvalid:             http.StatusBadRequest,
		store.ErrNotFound:            http.StatusNotFound,
		store.ErrForbidden:           http.StatusForbidden,
		store.ErrUnauthorized:        http.StatusUnauthorized,
		store.ErrConflict:            http.StatusConflict,
		store.ErrRateLimited:         http.StatusTooManyRequests,
		store.ErrTooLarge:            http.StatusRequestEntityTooLarge,
		store.ErrUnsupportedType:     http.StatusUnsupportedMediaType,
		store.ErrNoOrganization:      http.StatusBadRequest,
		store.ErrUnavailable:         http.StatusServiceUnavailable,
		store.ErrInsufficientStorage: http.StatusInsufficientStorage,
	} {
		ev := storeErrorView(&store.Error{Kind: kind, Message: "something about it"})
		if ev.Status != want || ev.Title == "" || ev.Message == "" {
			t.Errorf("%v: %d %q %q, want %d", kind, ev.Status, ev.Title, ev.Message, want)
		}
	}
}
