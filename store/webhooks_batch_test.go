package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

// countedWebhookWorld is the permissions fixture on a database whose statements are counted, with a store that
// reaches loopback receivers and runs no event subscriber (the webhook senders read the events themselves).
func countedWebhookWorld(t *testing.T) (*world, *store.Store, *atomic.Int64) {
	t.Helper()
	conn, err := pq.NewConnector(storetest.New(t, migrations.Checksum(), migrations.Up))
	if err != nil {
		t.Fatal(err)
	}
	queries := &atomic.Int64{}
	db := sqlx.NewDb(sql.OpenDB(countingConnector{inner: conn, n: queries}), "postgres")
	t.Cleanup(func() { db.Close() })
	w := permWorldOn(t, testStore(db), db)
	s := store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32)),
		WebhookAllowPrivate: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.WithoutSubscribers()
	return w, s, queries
}

// recordEvents records task.created events in one transaction, as a burst of use cases would, by a (org
// audience, data {"n": i}) or, for the ones in toUser, to one user.
func recordEvents(t *testing.T, w *world, s *store.Store, a store.Actor, from, to int, toUser ...int) {
	t.Helper()
	tx := w.db.MustBegin()
	defer func() { _ = tx.Rollback() }()
	for i := from; i < to; i++ {
		var err error
		if slices.Contains(toUser, i) {
			err = s.RecordEvent(w.ctx, a, "task.created", "user", a.UserID, map[string]int{"n": i})
		} else {
			err = s.RecordEventTx(w.ctx, tx, a, "task.created", map[string]int{"n": i})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// Sending a burst of events costs a few statements per webhook, not one per event or per delivery: 200 events to
// two webhooks are read, sent and written with a handful.
//
// Not parallel: a transaction of another test open at the time would make the wait for older transactions poll
// more than once.
func TestWebhooks_DeliveriesOfABurstSentWithAFewStatementsPerWebhook(t *testing.T) {
	w, s, queries := countedWebhookWorld(t)
	rcv := newReceiver(t)
	for _, path := range []string{"/a", "/b"} {
		u := rcv.URL + path
		if _, err := s.CreateWebhook(w.ctx, w.admin, store.WebhookInput{URL: &u, Events: []string{"*"}}); err != nil {
			t.Fatal(err)
		}
	}
	recordEvents(t, w, s, w.owner, 0, 200)
	before := queries.Load()
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The event jobs' claims (none to do), the wait for older transactions (two), the lease of the webhooks, then
	// for each webhook its state, its events, the record of its 200 deliveries, and the end of its lease.
	if n := queries.Load() - before; n > 13 {
		t.Errorf("%d statements to send 400 deliveries of 200 events, want at most 13", n)
	}
	if n := len(rcv.requests()); n != 400 {
		t.Fatalf("%d requests, want 400", n)
	}
}

// Events of one batch of jobs reach only the webhooks of their own organization, in the order they happened, and
// an event meant for one person reaches none.
func TestWebhooks_BatchOfEventsQueuedPerOrganizationInOrder(t *testing.T) {
	t.Parallel()
	w, s, _ := countedWebhookWorld(t)
	ours, theirs := newReceiver(t), newReceiver(t)
	for _, h := range []struct {
		a   store.Actor
		url string
	}{{w.admin, ours.URL}, {w.other, theirs.URL}} {
		url := h.url
		if _, err := s.CreateWebhook(w.ctx, h.a, store.WebhookInput{URL: &url, Events: []string{"task.created"}}); err != nil {
			t.Fatal(err)
		}
	}
	recordEvents(t, w, s, w.owner, 0, 30, 7)
	recordEvents(t, w, s, w.other, 30, 40)
	recordEvents(t, w, s, w.owner, 40, 50)
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	var want []int
	for i := range 50 {
		if i != 7 && (i < 30 || i >= 40) {
			want = append(want, i)
		}
	}
	if got := receivedNumbers(t, ours); !slices.Equal(got, want) {
		t.Errorf("our webhook got %v, want %v", got, want)
	}
	if got := receivedNumbers(t, theirs); !slices.Equal(got, []int{30, 31, 32, 33, 34, 35, 36, 37, 38, 39}) {
		t.Errorf("the other organization's webhook got %v", got)
	}
}

// A webhook whose receiver fails gets nothing more until the failed delivery is retried, not even the deliveries
// of a batch claimed while the failing one was being sent; then every delivery arrives in the order queued.
func TestWebhooks_NothingOvertakesAFailedDelivery(t *testing.T) {
	t.Parallel()
	w, s, _ := countedWebhookWorld(t)
	rcv := newReceiver(t, 500, 200)
	u := rcv.URL
	if _, err := s.CreateWebhook(w.ctx, w.admin, store.WebhookInput{URL: &u, Events: []string{"task.created"}}); err != nil {
		t.Fatal(err)
	}
	const events = 650 // more than a batch of deliveries
	recordEvents(t, w, s, w.owner, 0, events)
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(rcv.requests()); n != 1 {
		t.Fatalf("%d requests after the first failed, want 1: later deliveries overtook it", n)
	}
	w.db.MustExec(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE status = 'pending'`) // the backoff has passed
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := rcv.requests()
	if len(reqs) != events+1 {
		t.Fatalf("%d requests, want %d", len(reqs), events+1)
	}
	var ids []int64
	for _, r := range reqs[1:] {
		id, _ := strconv.ParseInt(r.header.Get("X-TRCR-Delivery"), 10, 64)
		ids = append(ids, id)
	}
	if !slices.IsSorted(ids) || reqs[0].header.Get("X-TRCR-Delivery") != fmt.Sprint(ids[0]) {
		t.Fatalf("deliveries out of order: first %s, then %v…", reqs[0].header.Get("X-TRCR-Delivery"), ids[:10])
	}
	if got := receivedNumbers(t, rcv)[1:]; !slices.IsSorted(got) {
		t.Fatalf("events out of order: %v…", got[:20])
	}
}

// receivedNumbers are the "n" of the events a receiver got, in the order they arrived.
func receivedNumbers(t *testing.T, r *receiver) []int {
	t.Helper()
	var out []int
	for _, req := range r.requests() {
		var ev struct{ Data struct{ N int } }
		if err := json.Unmarshal(req.body, &ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, ev.Data.N)
	}
	return out
}

// A receiver that answers slowly holds up only its own webhook's deliveries: another webhook's keep arriving while
// the slow one is still waiting for its first answer, across more than one claim of deliveries, and each webhook
// still gets its events in order.
func TestWebhooks_SlowReceiverDoesNotDelayAnotherWebhook(t *testing.T) {
	t.Parallel()
	w, s, _ := countedWebhookWorld(t)
	release := make(chan struct{})
	slow := &receiver{}
	slow.Server = httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		<-release
		body, _ := io.ReadAll(r.Body)
		slow.mu.Lock()
		slow.got = append(slow.got, received{header: r.Header.Clone(), body: body})
		slow.mu.Unlock()
	}))
	t.Cleanup(slow.Close)
	fast := newReceiver(t)
	for _, u := range []string{slow.URL, fast.URL} {
		if _, err := s.CreateWebhook(w.ctx, w.admin, store.WebhookInput{URL: &u, Events: []string{"task.created"}}); err != nil {
			t.Fatal(err)
		}
	}
	const events = 300 // 600 deliveries: more than one claim
	recordEvents(t, w, s, w.owner, 0, events)
	done := make(chan error, 1)
	go func() {
		_, err := s.ProcessEventJobs(context.Background())
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for len(fast.requests()) < events && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	arrived := len(fast.requests())
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if arrived != events {
		t.Errorf("%d of the fast webhook's %d deliveries arrived while the slow one waited for its first answer", arrived, events)
	}
	for name, r := range map[string]*receiver{"slow": slow, "fast": fast} {
		if got := receivedNumbers(t, r); len(got) != events || !slices.IsSorted(got) {
			t.Errorf("the %s webhook got %d events, in order: %v", name, len(got), slices.IsSorted(got))
		}
	}
}

// Events that happen after a delivery failed wait behind it too, though a later run of the loop claims them: the
// webhook gets nothing until the failed delivery is retried, then everything in order.
func TestWebhooks_LaterEventsWaitBehindAFailedDeliveryInLaterRuns(t *testing.T) {
	t.Parallel()
	w, s, _ := countedWebhookWorld(t)
	rcv := newReceiver(t, 500, 200)
	u := rcv.URL
	if _, err := s.CreateWebhook(w.ctx, w.admin, store.WebhookInput{URL: &u, Events: []string{"task.created"}}); err != nil {
		t.Fatal(err)
	}
	recordEvents(t, w, s, w.owner, 0, 3)
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	recordEvents(t, w, s, w.owner, 3, 6)
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(rcv.requests()); n != 1 {
		t.Fatalf("%d requests while the first delivery waits for its retry, want 1", n)
	}
	w.db.MustExec(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE status = 'pending'`) // the backoff has passed
	if _, err := s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := receivedNumbers(t, rcv); !slices.Equal(got, []int{0, 0, 1, 2, 3, 4, 5}) {
		t.Fatalf("events arrived as %v, want the failed one, then all in order", got)
	}
}

// Turning a webhook off while its deliveries are being sent waits for the claim that holds them, then gives up
// the rest; neither waits for the other forever.
func TestWebhooks_TurnedOffWhileSending(t *testing.T) {
	t.Parallel()
	w, s, _ := countedWebhookWorld(t)
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	rcv := &receiver{}
	rcv.Server = httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-release
		body, _ := io.ReadAll(r.Body)
		rcv.mu.Lock()
		rcv.got = append(rcv.got, received{header: r.Header.Clone(), body: body})
		rcv.mu.Unlock()
	}))
	t.Cleanup(rcv.Close)
	u := rcv.URL
	hook, err := s.CreateWebhook(w.ctx, w.admin, store.WebhookInput{URL: &u, Events: []string{"task.created"}})
	if err != nil {
		t.Fatal(err)
	}
	recordEvents(t, w, s, w.owner, 0, 20)
	done := make(chan error, 1)
	go func() {
		_, err := s.ProcessEventJobs(context.Background())
		done <- err
	}()
	<-arrived
	off := false
	turnedOff := make(chan error, 1)
	go func() {
		_, err := s.UpdateWebhook(context.Background(), w.admin, hook.ID, store.WebhookInput{Active: &off})
		turnedOff <- err
	}()
	time.Sleep(100 * time.Millisecond)
	close(release)
	for name, c := range map[string]chan error{"sending": done, "turning off": turnedOff} {
		select {
		case err := <-c:
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%s did not finish", name)
		}
	}
	var pending int
	w.db.QueryRow(`SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'`).Scan(&pending)
	if pending != 0 {
		t.Errorf("%d deliveries still pending after the webhook was turned off", pending)
	}
}

// Two processes sending at once send every delivery once.
func TestWebhooks_TwoProcessesSendEachDeliveryOnce(t *testing.T) {
	t.Parallel()
	w, s, _ := countedWebhookWorld(t)
	other := store.New(w.db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32)),
		WebhookAllowPrivate: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	other.WithoutSubscribers()
	rcv := newReceiver(t)
	for _, path := range []string{"/a", "/b", "/c"} {
		u := rcv.URL + path
		if _, err := s.CreateWebhook(w.ctx, w.admin, store.WebhookInput{URL: &u, Events: []string{"task.created"}}); err != nil {
			t.Fatal(err)
		}
	}
	const events = 600
	recordEvents(t, w, s, w.owner, 0, events)
	errs := make(chan error, 2)
	for _, p := range []*store.Store{s, other} {
		go func() {
			_, err := p.ProcessEventJobs(context.Background())
			errs <- err
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	for _, r := range rcv.requests() {
		seen[r.header.Get("X-TRCR-Delivery")]++
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("delivery %s sent %d times", id, n)
		}
	}
	if len(seen) != 3*events {
		t.Errorf("%d deliveries sent, want %d", len(seen), 3*events)
	}
}
