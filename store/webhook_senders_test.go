package store_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// A receiver that takes its time to answer holds back nothing but its own webhook: while a delivery waits for its
// answer, an event committed meanwhile reaches the live streams at once (they read only events older than every
// running transaction, so sending must not keep one open).
func TestWebhooks_SlowReceiverDoesNotHoldBackTheLiveStream(t *testing.T) {
	t.Parallel()
	w, s, _ := countedWebhookWorld(t)
	release, arrived := make(chan struct{}), make(chan struct{}, 1)
	rcv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-release
	}))
	t.Cleanup(rcv.Close)
	taskCreatedHook(t, w, s, rcv.URL)
	recordEvents(t, w, s, w.owner, 0, 3)
	done := make(chan error, 1)
	go func() {
		_, err := s.ProcessEventJobs(context.Background())
		done <- err
	}()
	t.Cleanup(func() {
		close(release)
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the receiver got nothing")
	}
	recordEvents(t, w, s, w.owner, 3, 4)
	var last int64
	if err := w.db.Get(&last, `SELECT max(id) FROM events`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		seen, err := s.EventWatermark(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if seen >= last {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the live streams see events up to %d while a receiver is answering; %d committed 2 s ago", seen, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A webhook leased by another process's sender is left to it while the lease runs, and taken over when it lapses
// (that process died); the lease ends with the run that held it.
func TestWebhooks_LeasedByAnotherSenderUntilTheLeaseLapses(t *testing.T) {
	t.Parallel()
	w, s, _ := countedWebhookWorld(t)
	rcv := newReceiver(t)
	hook := taskCreatedHook(t, w, s, rcv.URL)
	w.db.MustExec(`UPDATE webhooks SET sender = 'another process', sender_until = now() + interval '1 hour' WHERE id = $1`, hook.ID)
	recordEvents(t, w, s, w.owner, 0, 2)
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("%d requests to a webhook another sender holds", n)
	}
	w.db.MustExec(`UPDATE webhooks SET sender_until = now() - interval '1 second' WHERE id = $1`, hook.ID)
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := receivedNumbers(t, rcv); !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("after the lease lapsed the receiver got %v, want [0 1]", got)
	}
	var held bool
	if err := w.db.Get(&held, `SELECT sender IS NOT NULL OR sender_until IS NOT NULL FROM webhooks WHERE id = $1`, hook.ID); err != nil || held {
		t.Fatalf("the lease outlived the run: %v %v", held, err)
	}
}

// A webhook turned on again gets the events from then on, not those that happened while it was off.
func TestWebhooks_TurnedOnAgainGetsTheEventsFromThenOn(t *testing.T) {
	t.Parallel()
	w, s, _ := countedWebhookWorld(t)
	rcv := newReceiver(t)
	hook := taskCreatedHook(t, w, s, rcv.URL)
	for i, on := range []bool{false, true} {
		if _, err := s.UpdateWebhook(w.ctx, w.admin, hook.ID, store.WebhookInput{Active: &on}); err != nil {
			t.Fatal(err)
		}
		recordEvents(t, w, s, w.owner, i, i+1)
	}
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := receivedNumbers(t, rcv); !slices.Equal(got, []int{1}) {
		t.Fatalf("the receiver got %v, want [1] (0 happened while the webhook was off)", got)
	}
}

// Pruning events past their week takes their webhook deliveries with them, and nothing newer.
func TestWebhooks_DeliveriesPrunedWithTheirEvents(t *testing.T) {
	t.Parallel()
	w, s, _ := countedWebhookWorld(t)
	rcv := newReceiver(t)
	taskCreatedHook(t, w, s, rcv.URL)
	recordEvents(t, w, s, w.owner, 0, 2)
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	w.db.MustExec(`UPDATE events SET created_at = now() - interval '8 days' WHERE data->>'n' = '0'`)
	if err := s.PruneRateLimits(context.Background()); err != nil {
		t.Fatal(err)
	}
	var left []string
	if err := w.db.Select(&left, `SELECT e.data->>'n' FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id ORDER BY d.id`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(left, []string{"1"}) {
		t.Fatalf("deliveries left for events %v, want [1]", left)
	}
}

// In the server, the event worker sends webhooks as events come: a lane that has sent everything waits for more,
// a webhook created while the senders run gets the events from then on, and each gets them in order.
func TestWebhooks_ServerSendsEventsAsTheyCome(t *testing.T) {
	t.Parallel()
	url, db := newTestDB(t)
	w := permWorldOn(t, testStore(db), db)
	s := store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32)),
		WebhookAllowPrivate: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.WithoutSubscribers()
	hub := s.NewHub(url)
	ctx, cancel := context.WithCancel(context.Background())
	var running sync.WaitGroup
	running.Add(2)
	go func() { defer running.Done(); _ = hub.Run(ctx, time.Second) }()
	go func() { defer running.Done(); s.RunEventJobs(ctx, hub.WorkerWake(), time.Second) }()
	t.Cleanup(func() { cancel(); running.Wait() })

	first, second := newReceiver(t), newReceiver(t)
	hook := func(r *receiver) { taskCreatedHook(t, w, s, r.URL) }
	record := func(from, to int) {
		for i := from; i < to; i++ {
			if err := s.RecordEvent(w.ctx, w.owner, "task.created", "org", "", map[string]int{"n": i}); err != nil {
				t.Fatal(err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor := func(r *receiver, n int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); len(r.requests()) < n; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the receiver got %v, want %d events", receivedNumbers(t, r), n)
			}
		}
	}
	hook(first)
	record(0, 5)
	waitFor(first, 5)
	hook(second)
	record(5, 10)
	waitFor(first, 10)
	waitFor(second, 5)
	if got := receivedNumbers(t, first); !slices.Equal(got, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("the first webhook got %v", got)
	}
	if got := receivedNumbers(t, second); !slices.Equal(got, []int{5, 6, 7, 8, 9}) {
		t.Errorf("the webhook created meanwhile got %v", got)
	}
}

// taskCreatedHook subscribes a webhook of w's organization at url to task.created.
func taskCreatedHook(t *testing.T, w *world, s *store.Store, url string) store.Webhook {
	t.Helper()
	h, err := s.CreateWebhook(w.ctx, w.admin, store.WebhookInput{URL: &url, Events: []string{"task.created"}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}
