package store_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

// authCacheWorld is two stores on one database, as two server processes would be: cached reads through the
// authentication cache on a clock the test moves; other writes as another process whose writes cached never sees.
type authCacheWorld struct {
	cached, other *store.Store
	db            *sqlx.DB
	mu            sync.Mutex
	now           time.Time
	owner         store.Actor // of other
	workerID      string
	orgID         string
}

func newAuthCacheWorld(t *testing.T) *authCacheWorld {
	t.Helper()
	other, db := newStore(t)
	w := &authCacheWorld{other: other, db: db, now: time.Now()}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w.cached = store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32)),
		AuthCacheTTL: store.DefaultAuthCacheTTL}, log)
	w.cached.SetClock(func() time.Time { w.mu.Lock(); defer w.mu.Unlock(); return w.now })
	ctx := context.Background()
	owner, err := other.Register(ctx, store.RegisterInput{Email: "owner@example.com", Password: "secret123", Name: "Olga Owner"})
	if err != nil {
		t.Fatal(err)
	}
	worker, err := other.Register(ctx, store.RegisterInput{Email: "worker@example.com", Password: "secret123", Name: "Will Worker"})
	if err != nil {
		t.Fatal(err)
	}
	w.workerID = worker.User.ID
	name := "Cache Co"
	org, err := other.CreateOrganization(ctx, owner.User.ID, "", store.OrganizationInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	w.orgID = org.ID
	db.MustExec(`INSERT INTO members (organization_id, user_id, email, role, status) VALUES ($1, $2, 'worker@example.com', 'member', 'active')`, org.ID, w.workerID)
	db.MustExec(`UPDATE users SET default_org_id = $1 WHERE id = $2`, org.ID, w.workerID)
	if w.owner, err = other.ActorFor(ctx, owner.User.ID, org.ID, ""); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *authCacheWorld) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

func (w *authCacheWorld) workerMemberID(t *testing.T) string {
	t.Helper()
	var id string
	if err := w.db.Get(&id, `SELECT id FROM members WHERE user_id = $1`, w.workerID); err != nil {
		t.Fatal(err)
	}
	return id
}

// A member removed by another process is refused once the cache's TTL has passed since it was read: by name and
// through the default organization. Until then the cached answer stands, which is what shows this test reads
// through the cache at all.
func TestAuthCache_MemberRemovedElsewhereIsRefusedWithinTTL(t *testing.T) {
	w := newAuthCacheWorld(t)
	ctx := context.Background()
	for _, org := range []string{w.orgID, ""} {
		if _, err := w.cached.ActorFor(ctx, w.workerID, org, ""); err != nil {
			t.Fatalf("ActorFor(%q) before removal: %v", org, err)
		}
	}
	if err := w.other.RemoveMember(ctx, w.owner, w.workerMemberID(t)); err != nil {
		t.Fatal(err)
	}
	w.advance(store.DefaultAuthCacheTTL - time.Millisecond)
	if a, err := w.cached.ActorFor(ctx, w.workerID, w.orgID, ""); err != nil || a.OrgID != w.orgID {
		t.Fatalf("within the TTL the cached actor answers (or this test does not test the cache): %+v, %v", a, err)
	}
	w.advance(time.Millisecond)
	if _, err := w.cached.ActorFor(ctx, w.workerID, w.orgID, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removed member %v after the TTL, want ErrNotFound", err)
	}
	if _, err := w.cached.ActorFor(ctx, w.workerID, "", ""); !errors.Is(err, store.ErrNoOrganization) {
		t.Fatalf("removed member's default organization %v after the TTL, want ErrNoOrganization", err)
	}
}

// A role changed by another process shows within the TTL too.
func TestAuthCache_RoleChangedElsewhereShowsWithinTTL(t *testing.T) {
	w := newAuthCacheWorld(t)
	ctx := context.Background()
	if a, err := w.cached.ActorFor(ctx, w.workerID, w.orgID, ""); err != nil || a.IsAdmin() {
		t.Fatalf("before: %+v, %v", a, err)
	}
	w.db.MustExec(`UPDATE members SET role = 'admin' WHERE user_id = $1`, w.workerID)
	w.advance(store.DefaultAuthCacheTTL)
	if a, err := w.cached.ActorFor(ctx, w.workerID, w.orgID, ""); err != nil || !a.IsAdmin() {
		t.Fatalf("after the TTL: %+v, %v, want the admin role", a, err)
	}
}

// A write of the same process forgets the cache at once: no stale answer at all, without moving the clock.
func TestAuthCache_WriteOfThisProcessForgetsAtOnce(t *testing.T) {
	w := newAuthCacheWorld(t)
	ctx := context.Background()
	if _, err := w.cached.ActorFor(ctx, w.workerID, w.orgID, ""); err != nil {
		t.Fatal(err)
	}
	owner, err := w.cached.ActorFor(ctx, w.owner.UserID, w.orgID, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.cached.RemoveMember(ctx, owner, w.workerMemberID(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.cached.ActorFor(ctx, w.workerID, w.orgID, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("removed member right after this process removed them: %v, want ErrNotFound", err)
	}
}

// An entry answers only the user and organization it was read for: the owner's cached actor is never the answer
// for another user, and a user's actor in one organization never the answer for another organization.
func TestAuthCache_EntriesNeverCrossUsersOrOrganizations(t *testing.T) {
	w := newAuthCacheWorld(t)
	ctx := context.Background()
	if _, err := w.cached.ActorFor(ctx, w.owner.UserID, w.orgID, ""); err != nil {
		t.Fatal(err)
	}
	stranger, err := w.other.Register(ctx, store.RegisterInput{Email: "stranger@example.com", Password: "secret123", Name: "Sam Stranger"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.cached.ActorFor(ctx, stranger.User.ID, w.orgID, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a stranger in the owner's cached organization: %v, want ErrNotFound", err)
	}
	name := "Second Co"
	second, err := w.other.CreateOrganization(ctx, stranger.User.ID, "", store.OrganizationInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	w.db.MustExec(`INSERT INTO members (organization_id, user_id, email, role, status) VALUES ($1, $2, 'owner@example.com', 'member', 'active')`, second.ID, w.owner.UserID)
	a, err := w.cached.ActorFor(ctx, w.owner.UserID, second.ID, "")
	if err != nil || a.OrgID != second.ID || a.Role != store.RoleMember {
		t.Fatalf("the owner in a second organization: %+v, %v, want a member of %s", a, err, second.ID)
	}
	if _, err := w.cached.ActorFor(ctx, w.workerID, second.ID, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the worker in the second organization: %v, want ErrNotFound", err)
	}
}
