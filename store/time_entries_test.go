package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

func TestRunningTimer_DurationCountsUpToNow(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	a := projectOwner(t, s)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := start
	s.SetClock(func() time.Time { return now })

	if cur, err := s.RunningTimer(ctx, a); err != nil || cur != nil {
		t.Fatalf("no timer: %v %v", cur, err)
	}
	e, err := s.StartTimer(ctx, a, store.StartTimerInput{})
	if err != nil {
		t.Fatal(err)
	}
	if !e.StartedAt.Equal(start) || e.DurationSeconds != 0 || !e.Running() {
		t.Fatalf("started: %+v", e)
	}
	now = start.Add(125*time.Second + 900*time.Millisecond)
	cur, err := s.RunningTimer(ctx, a)
	if err != nil || cur == nil || cur.ID != e.ID || cur.DurationSeconds != 125 {
		t.Fatalf("running: %+v %v", cur, err)
	}
	stopped, err := s.StopTimer(ctx, a, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stopped.Running() || stopped.DurationSeconds != 125 || stopped.StoppedAt.Location() != time.UTC {
		t.Fatalf("stopped: %+v", stopped)
	}
	// The stored duration no longer moves with the clock.
	now = now.Add(time.Hour)
	if got, err := s.TimeEntry(ctx, a, e.ID); err != nil || got.DurationSeconds != 125 {
		t.Fatalf("later: %+v %v", got, err)
	}
	if _, err := s.StopTimer(ctx, a, e.ID); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second stop: %v", err)
	}
	if cur, err := s.RunningTimer(ctx, a); err != nil || cur != nil {
		t.Fatalf("after stop: %v %v", cur, err)
	}
}

func TestStartTimer_ConcurrentStartsConflict(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	a := projectOwner(t, s)
	const n = 20
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.StartTimer(ctx, a, store.StartTimerInput{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok, conflicts := 0, 0
	for err := range errs {
		var ce *store.Error
		switch {
		case err == nil:
			ok++
		case asKind(err, store.ErrConflict, &ce) && ce.Message == "a timer is already running":
			conflicts++
		default:
			t.Fatalf("unexpected: %v", err)
		}
	}
	if ok != 1 || conflicts != n-1 {
		t.Fatalf("%d started, %d conflicts", ok, conflicts)
	}
	var audits int
	if err := db.Get(&audits, `SELECT count(*) FROM audit_logs WHERE entity_type = 'time_entry'`); err != nil || audits != 1 {
		t.Fatalf("%d audit entries (%v): refused starts must leave none", audits, err)
	}
}

func TestTimeEntries_PageNoneListsEveryRow(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	a := projectOwner(t, s)
	const n = store.MaxPerPage + 5
	base := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		from := base.Add(time.Duration(i) * time.Hour).Format(time.RFC3339)
		to := base.Add(time.Duration(i)*time.Hour + 30*time.Minute).Format(time.RFC3339)
		desc := fmt.Sprintf("entry %d", i)
		if _, err := s.CreateTimeEntry(ctx, a, store.TimeEntryInput{StartedAt: &from, StoppedAt: &to, Description: &desc}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.TimeEntries(ctx, a, store.TimeEntryFilter{Page: store.Page{None: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Items) != n || all.Total != n || all.Items[0].Description != fmt.Sprintf("entry %d", n-1) || all.Items[0].DurationSeconds != 1800 {
		t.Fatalf("%d items, total %d, first %+v", len(all.Items), all.Total, all.Items[0])
	}
	paged, err := s.TimeEntries(ctx, a, store.TimeEntryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(paged.Items) != store.DefaultPerPage || paged.Total != n {
		t.Fatalf("paged: %d items, total %d", len(paged.Items), paged.Total)
	}
}
