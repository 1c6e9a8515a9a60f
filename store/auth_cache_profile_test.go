package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// A profile changed by another process shows once the TTL has passed since it was read; a change made through
// this process shows at once.
func TestAuthCache_ProfileChangedElsewhereShowsWithinTTL(t *testing.T) {
	w := newAuthCacheWorld(t)
	ctx := context.Background()
	if u, err := w.cached.User(ctx, w.workerID); err != nil || u.Name != "Will Worker" {
		t.Fatalf("before: %+v, %v", u, err)
	}
	renamed := "Wilma Worker"
	if _, err := w.other.UpdateProfile(ctx, w.workerID, store.ProfileInput{Name: &renamed}); err != nil {
		t.Fatal(err)
	}
	w.advance(store.DefaultAuthCacheTTL - time.Millisecond)
	if u, _ := w.cached.User(ctx, w.workerID); u.Name != "Will Worker" {
		t.Fatalf("within the TTL the cached profile answers (or this test does not test the cache): %q", u.Name)
	}
	w.advance(time.Millisecond)
	if u, _ := w.cached.User(ctx, w.workerID); u.Name != renamed {
		t.Fatalf("after the TTL: %q, want %q", u.Name, renamed)
	}
	again := "Wendy Worker"
	if _, err := w.cached.UpdateProfile(ctx, w.workerID, store.ProfileInput{Name: &again}); err != nil {
		t.Fatal(err)
	}
	if u, _ := w.cached.User(ctx, w.workerID); u.Name != again {
		t.Fatalf("right after this process renamed them: %q, want %q", u.Name, again)
	}
	if u, err := w.cached.User(ctx, w.owner.UserID); err != nil || u.Name != "Olga Owner" {
		t.Fatalf("another user's profile: %+v, %v", u, err)
	}
}

// A verified access token is remembered only until it expires: past its expiry the same token is refused, and a
// token altered in one character is refused while the original is remembered.
func TestAuthCache_VerifiedTokenIsRefusedOnceExpired(t *testing.T) {
	w := newAuthCacheWorld(t)
	ctx := context.Background()
	sess, err := w.cached.Login(ctx, store.LoginInput{Email: "worker@example.com", Password: "secret123", WithTokens: true})
	if err != nil {
		t.Fatal(err)
	}
	token := sess.Tokens.AccessToken
	for range 2 {
		if id, err := w.cached.Authenticate(ctx, token); err != nil || id != w.workerID {
			t.Fatalf("fresh token: %q, %v", id, err)
		}
	}
	altered := token[:len(token)-2] + string("AB"[len(token)%2]) + token[len(token)-1:]
	if altered == token {
		altered = token[:len(token)-2] + "C" + token[len(token)-1:]
	}
	if _, err := w.cached.Authenticate(ctx, altered); !errors.Is(err, store.ErrUnauthorized) {
		t.Fatalf("altered token: %v, want ErrUnauthorized", err)
	}
	w.advance(store.AccessTokenTTL - time.Second)
	if _, err := w.cached.Authenticate(ctx, token); err != nil {
		t.Fatalf("a second before expiry: %v", err)
	}
	w.advance(time.Second)
	if _, err := w.cached.Authenticate(ctx, token); !errors.Is(err, store.ErrUnauthorized) {
		t.Fatalf("at expiry: %v, want ErrUnauthorized", err)
	}
}
