package store_test

import (
	"reflect"
	"testing"

	"github.com/trcr/trcr/store"
)

// Every page's chrome (organizations, running timer, unread notifications) is two statements, and shows what the
// three reads it replaces show: only the user's active memberships, the timer and the unread count of the
// organization the page acts in.
func TestPageChrome_TwoStatementsShowingWhatTheSeparateReadsShow(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	second := f.organizationOf(f.owner.UserID, "Another Co")
	unread := func(a store.Actor, n int, read bool) {
		for range n {
			readAt := any(nil)
			if read {
				readAt = "2026-01-01T00:00:00Z"
			}
			f.exec(`INSERT INTO notifications (organization_id, user_id, type, title, read_at) VALUES ($1, $2, 'task.assigned', 'T', $3)`,
				a.OrgID, a.UserID, readAt)
		}
	}
	unread(f.owner, 3, false)
	unread(f.owner, 2, true)
	unread(second, 4, false)
	unread(f.member, 5, false)
	if _, err := f.s.StartTimer(f.ctx, f.owner, store.StartTimerInput{ProjectID: &f.project}); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name   string
		actor  *store.Actor
		unread int
		timer  bool
		stmts  int64
	}{
		{"owner", &f.owner, 3, true, 2},
		{"member", &f.member, 5, false, 2},
		{"no actor", nil, 0, false, 1},
	} {
		userID := f.owner.UserID
		if c.actor != nil {
			userID = c.actor.UserID
		}
		if _, err := f.s.PageChrome(f.ctx, userID, c.actor); err != nil { // prepares its statements
			t.Fatal(err)
		}
		before := f.queries.Load()
		got, err := f.s.PageChrome(f.ctx, userID, c.actor)
		if err != nil {
			t.Fatal(err)
		}
		if n := f.queries.Load() - before; n != c.stmts {
			t.Errorf("%s: %d statements, want %d", c.name, n, c.stmts)
		}
		orgs, err := f.s.Organizations(f.ctx, userID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Organizations, orgs) {
			t.Errorf("%s: organizations %+v, want %+v", c.name, got.Organizations, orgs)
		}
		if got.UnreadNotifications != c.unread {
			t.Errorf("%s: %d unread, want %d", c.name, got.UnreadNotifications, c.unread)
		}
		if (got.Timer != nil) != c.timer {
			t.Errorf("%s: timer %+v, want one: %v", c.name, got.Timer, c.timer)
		}
		if c.actor == nil {
			continue
		}
		if n, err := f.s.UnreadNotifications(f.ctx, *c.actor); err != nil || n != got.UnreadNotifications {
			t.Errorf("%s: UnreadNotifications says %d (%v)", c.name, n, err)
		}
		timer, err := f.s.RunningTimerLine(f.ctx, *c.actor)
		if err != nil || !reflect.DeepEqual(timer, got.Timer) {
			t.Errorf("%s: RunningTimerLine says %+v (%v), chrome %+v", c.name, timer, err, got.Timer)
		}
	}
}
