package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

func subscribe(t *testing.T, hub *store.Hub, a store.Actor, last string) (*store.Stream, []store.Event) {
	t.Helper()
	st, replay, err := hub.Subscribe(context.Background(), a, last)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st, replay
}

// collect reads what a stream delivers: at least want events (waiting up to ten seconds for them, however loaded
// the machine), then whatever else arrives until it has been quiet for quiet.
func collect(st *store.Stream, want int, quiet time.Duration) []string {
	var got []string
	deadline := time.After(10 * time.Second)
	for len(got) < want {
		select {
		case e, ok := <-st.C:
			if !ok {
				return got
			}
			var d struct{ N any }
			_ = json.Unmarshal(e.Data, &d)
			got = append(got, fmt.Sprintf("%s:%v", e.Type, d.N))
		case <-deadline:
			return got
		}
	}
	for {
		select {
		case e, ok := <-st.C:
			if !ok {
				return got
			}
			var d struct{ N any }
			_ = json.Unmarshal(e.Data, &d)
			got = append(got, fmt.Sprintf("%s:%v", e.Type, d.N))
		case <-time.After(quiet):
			return got
		}
	}
}

func TestHub_DeliversEachEventToWhoMaySeeIt(t *testing.T) {
	t.Parallel()
	f := newHubWorld(t)
	ctx := context.Background()
	owner, _ := subscribe(t, f.hub, f.owner, "")
	member, _ := subscribe(t, f.hub, f.member, "")
	other, _ := subscribe(t, f.hub, f.other, "")
	project := f.db.QueryRowx(`INSERT INTO projects (organization_id, name) VALUES ($1, 'Secret') RETURNING id`, f.owner.OrgID)
	var projectID string
	if err := project.Scan(&projectID); err != nil {
		t.Fatal(err)
	}
	for _, ev := range []struct{ typ, audience, id, n string }{
		{"test.org", "org", "", "1"},
		{"test.admins", "admins", "", "2"},
		{"test.project", "project", projectID, "3"},
		{"test.user", "user", f.member.UserID, "4"},
		{"test.user", "user", f.admin.UserID, "5"},
	} {
		if err := f.s.RecordEvent(ctx, f.owner, ev.typ, ev.audience, ev.id, map[string]string{"n": ev.n}); err != nil {
			t.Fatal(err)
		}
	}
	if got := collect(owner, 3, 300*time.Millisecond); len(got) != 3 || got[0] != "test.org:1" || got[1] != "test.admins:2" || got[2] != "test.project:3" {
		t.Errorf("owner got %v", got)
	}
	if got := collect(member, 2, 300*time.Millisecond); len(got) != 2 || got[0] != "test.org:1" || got[1] != "test.user:4" {
		t.Errorf("member got %v", got)
	}
	if got := collect(other, 0, 300*time.Millisecond); len(got) != 0 {
		t.Errorf("another organization got %v", got)
	}

	// Made a member of the project, the member sees its events from then on.
	f.db.MustExec(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'member')`, projectID, f.member.UserID)
	if err := f.s.RecordEvent(ctx, f.owner, store.EventProjectMembersSet, "project", projectID, map[string]string{"n": "6"}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.RecordEvent(ctx, f.owner, "test.project", "project", projectID, map[string]string{"n": "7"}); err != nil {
		t.Fatal(err)
	}
	if got := collect(member, 2, 300*time.Millisecond); len(got) != 2 || got[1] != "test.project:7" {
		t.Errorf("member after joining the project got %v", got)
	}
	if f.hub.Streams() != 3 {
		t.Errorf("open streams: %d", f.hub.Streams())
	}
}

// A transaction that recorded first but commits last is delivered first: nothing is skipped, and the order is
// the order in which events can no longer be preceded.
func TestHub_LateCommitIsNeitherSkippedNorReordered(t *testing.T) {
	t.Parallel()
	f := newHubWorld(t)
	ctx := context.Background()
	st, _ := subscribe(t, f.hub, f.owner, "")
	slow, err := f.db.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.RecordEventTx(ctx, slow, f.owner, "test.slow", map[string]string{"n": "1"}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.RecordEvent(ctx, f.owner, "test.fast", "org", "", map[string]string{"n": "2"}); err != nil {
		t.Fatal(err)
	}
	if got := collect(st, 0, 600*time.Millisecond); len(got) != 0 {
		t.Fatalf("delivered while an older transaction was open: %v", got)
	}
	if err := slow.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := collect(st, 2, 300*time.Millisecond); len(got) != 2 || got[0] != "test.slow:1" || got[1] != "test.fast:2" {
		t.Fatalf("after the commit: %v", got)
	}
}

func TestHub_ReconnectReplaysWhatWasMissed(t *testing.T) {
	t.Parallel()
	f := newHubWorld(t)
	ctx := context.Background()
	st, _ := subscribe(t, f.hub, f.member, "")
	if err := f.s.RecordEvent(ctx, f.owner, "test.seen", "org", "", map[string]string{"n": "1"}); err != nil {
		t.Fatal(err)
	}
	var last store.Event
	select {
	case last = <-st.C:
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	st.Close()
	for i, aud := range []string{"org", "admins", "org"} {
		if err := f.s.RecordEvent(ctx, f.owner, "test.missed", aud, "", map[string]int{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	again, replay := subscribe(t, f.hub, f.member, last.StreamID())
	if err := f.s.RecordEvent(ctx, f.owner, "test.live", "org", "", map[string]string{"n": "x"}); err != nil {
		t.Fatal(err)
	}
	// Whatever the hub had read when the stream reopened comes as replay, the rest live: together, each once, in
	// order, and nothing the member may not see.
	var got []string
	for _, e := range replay {
		if e.ID <= last.ID {
			t.Fatalf("replayed an event before Last-Event-ID: %d", e.ID)
		}
		var d struct{ N any }
		_ = json.Unmarshal(e.Data, &d)
		got = append(got, fmt.Sprintf("%s:%v", e.Type, d.N))
	}
	got = append(got, collect(again, 3-len(got), 300*time.Millisecond)...)
	if fmt.Sprint(got) != "[test.missed:0 test.missed:2 test.live:x]" {
		t.Fatalf("replay and live: %v", got)
	}
	// Another organization's event id replays nothing of it.
	if _, replay := subscribe(t, f.hub, f.other, last.StreamID()); len(replay) != 0 {
		t.Fatalf("another organization replayed %d events", len(replay))
	}
}

// Event jobs run once each, after commit, and a failing one is retried alone.
func TestEventJobs_RetryAloneAndRunOnce(t *testing.T) {
	t.Parallel()
	f := newPermWorld(t)
	ctx := context.Background()
	var calls, fails atomic.Int32
	f.s.AddSubscriber("counter", func(typ string) bool { return typ == "test.count" }, func(ctx context.Context, tx *sqlx.Tx, e store.Event) error {
		var d struct{ N int }
		_ = json.Unmarshal(e.Data, &d)
		if d.N == 2 && fails.Add(1) <= 2 { // fails in the batch and again when the batch is rerun job by job
			return errors.New("flaky")
		}
		calls.Add(1)
		_, err := tx.ExecContext(ctx, `INSERT INTO rate_limits (key, window_start, count) VALUES ($1, now(), 1)`, "job-"+e.StreamID())
		return err
	})
	for i := 1; i <= 3; i++ {
		if err := f.s.RecordEvent(ctx, f.owner, "test.count", "org", "", map[string]int{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.s.RecordEvent(ctx, f.owner, "test.other", "org", "", nil); err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.ProcessEventJobs(ctx); err != nil || n != 3 {
		t.Fatalf("first run: %d %v", n, err)
	}
	var pending int
	f.db.Get(&pending, `SELECT count(*) FROM event_jobs`)
	// The batch ran once as a whole (job 1 done, job 2 failed: rolled back), then job by job (1 and 3 done).
	if calls.Load() != 3 || pending != 1 {
		t.Fatalf("after the first run: %d calls, %d pending", calls.Load(), pending)
	}
	f.db.MustExec(`UPDATE event_jobs SET next_attempt_at = now()`)
	if n, err := f.s.ProcessEventJobs(ctx); err != nil || n != 1 {
		t.Fatalf("retry: %d %v", n, err)
	}
	var effects int
	f.db.Get(&effects, `SELECT count(*) FROM rate_limits WHERE key LIKE 'job-%'`)
	if calls.Load() != 4 || effects != 3 {
		t.Fatalf("calls %d, effects %d (each effect must be kept once)", calls.Load(), effects)
	}
}

// A store whose subscribers all run in transactions (no webhook deliverer) still does their jobs: the list of
// subscribers run outside is empty, not NULL, in the query that skips them.
func TestEventJobs_RunWithoutOutsideSubscribers(t *testing.T) {
	t.Parallel()
	f := newPermWorld(t)
	ctx := context.Background()
	f.s.WithoutSubscribers()
	var calls atomic.Int32
	f.s.AddSubscriber("only", func(typ string) bool { return typ == "test.only" }, func(context.Context, *sqlx.Tx, store.Event) error {
		calls.Add(1)
		return nil
	})
	if err := f.s.RecordEvent(ctx, f.owner, "test.only", "org", "", nil); err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.ProcessEventJobs(ctx); err != nil || n != 1 || calls.Load() != 1 {
		t.Fatalf("processed %d (%v), handled %d; want 1 job done", n, err, calls.Load())
	}
}
