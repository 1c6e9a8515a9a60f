package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// The senders of the organization's webhooks. The events table is their queue (migration 00032): each webhook has a
// cursor in its organization's events, in (xid, id) order, and a lane (a goroutine of the process that leases the
// webhook) reads the events past it that no running transaction can still precede, sends each that the webhook
// subscribes to, one after another, each after the one before was answered, and then writes their deliveries (one
// row each, with the outcome) and the new cursor with one statement. A webhook's lane is the only sender of its
// events: a process leases the webhook (webhooks.sender, renewed with every batch) before starting one.
//
// A delivery that fails is written pending, due again after a backoff (eventRetryDelay); the lane stops there, and
// the webhook gets nothing more until that delivery is retried and answered, so order is kept. Deliveries a person
// asked for (a redelivery, a test event) are pending rows too, sent at once whatever the webhook waits for. Lanes
// do not wait for each other, so a slow receiver holds up its own webhook only; and nothing is locked while a
// receiver answers, so the live streams (which read only events older than every running transaction) never wait
// for one.

// Pace of the senders.
const (
	// webhookBatch is how many events a lane reads at once at most.
	webhookBatch = 500
	// webhookBatchTime is how long a lane sends before it writes what it sent, whatever is left of the batch.
	webhookBatchTime = 2 * time.Second
	// webhookSenders bounds the requests in flight at once in a process (one per lane at most).
	webhookSenders = 64
	// webhookLease is how long a webhook stays with the process that leased it without a renewal; a lane renews it
	// with every batch, far more often.
	webhookLease = 30 * time.Second
	// webhookLinger is how long a server's lane that has sent everything waits for more before it ends.
	webhookLinger = 5 * time.Second
	// webhookAcquireEvery is how often, at most, a running loop looks for webhooks with work and no lane yet.
	webhookAcquireEvery = 200 * time.Millisecond
	// webhookLanePace is the least time between two reads of a server's lane: under a steady stream of events it
	// reads and writes them in batches, not a few statements per event.
	webhookLanePace = 50 * time.Millisecond
	// webhookPendingBatch is how many pending deliveries of a webhook a lane reads at once at most.
	webhookPendingBatch = 100
)

// processWebhookDeliveries sends what the webhooks have due and returns how many deliveries it attempted, when
// every lane has sent everything it found (ProcessEventJobs, and tests).
func (s *Store) processWebhookDeliveries(ctx context.Context) (int, error) {
	if err := s.awaitOlderTransactions(ctx); err != nil {
		return 0, err
	}
	return s.sendWebhooks(ctx, 0)
}

// awaitOlderTransactions waits (up to recordTime) until every transaction that was running when it was called has
// ended, in any database of the cluster: senders read only events older than every running transaction, and a
// caller that wants the events committed before the call sent must not find them hidden by a transaction that
// happened to be open.
func (s *Store) awaitOlderTransactions(ctx context.Context) error {
	var xmax string
	if err := s.db.GetContext(ctx, &xmax, `SELECT pg_snapshot_xmax(pg_current_snapshot())::text`); err != nil {
		return err
	}
	for deadline := time.Now().Add(recordTime); time.Now().Before(deadline); {
		var passed bool
		err := s.db.GetContext(ctx, &passed, `SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::xid8`, xmax)
		if err != nil || passed {
			return err
		}
		if !sleepCtx(ctx, 5*time.Millisecond) {
			return ctx.Err()
		}
	}
	return nil
}

// runWebhookDeliveries is processWebhookDeliveries for the server's event worker: its lanes wait up to
// webhookLinger for more events before they end, so a steady stream of events is sent without a new lease per
// event.
func (s *Store) runWebhookDeliveries(ctx context.Context) (int, error) {
	return s.sendWebhooks(ctx, webhookLinger)
}

// webhookRun is one run of the senders: its lanes, each a leased webhook.
type webhookRun struct {
	// bodies are the requests' bodies of recent events, built once for the lanes that send the same event.
	bodies   map[int64][]byte
	bodiesMu sync.Mutex
	s        *Store
	ctx      context.Context
	linger   time.Duration
	sem      chan struct{}
	changed  chan struct{} // a lane ended
	wg       sync.WaitGroup
	sent     atomic.Int64
	mu       sync.Mutex
	lanes    map[string]chan struct{} // webhook id → the lane's wake
	err      error                    // the first a lane met
}

// sendWebhooks leases the webhooks with work and runs a lane for each until they are done; while it runs, a wake
// (events committed) wakes its lanes and leases webhooks that got work since.
func (s *Store) sendWebhooks(ctx context.Context, linger time.Duration) (int, error) {
	r := &webhookRun{s: s, ctx: ctx, linger: linger, sem: make(chan struct{}, webhookSenders),
		changed: make(chan struct{}, 1), lanes: map[string]chan struct{}{}}
	err := r.acquire()
	acquired := time.Now()
	for err == nil && r.running() > 0 {
		select {
		case <-r.changed:
		case <-s.webhookWake:
			r.wakeLanes()
			if time.Since(acquired) >= webhookAcquireEvery {
				err, acquired = r.acquire(), time.Now()
			}
		case <-ctx.Done():
			r.wg.Wait()
			return int(r.sent.Load()), nil
		}
	}
	r.wg.Wait()
	if err == nil {
		err = r.laneErr()
	}
	return int(r.sent.Load()), err
}

// acquire leases the active webhooks that have something to send and no lane of this run yet, and starts their
// lanes: those with a pending delivery due, and those with events past their cursor and no failed delivery waiting
// for its retry.
func (r *webhookRun) acquire() error {
	r.mu.Lock()
	running := make([]string, 0, len(r.lanes))
	for id := range r.lanes {
		running = append(running, id)
	}
	r.mu.Unlock()
	var ids []string
	err := r.s.selectPrepared(r.ctx, &ids, `
		UPDATE webhooks w SET sender = $1, sender_until = now() + $3 * interval '1 second'
		WHERE w.active AND w.id <> ALL($2::uuid[]) AND (w.sender_until IS NULL OR w.sender_until < now() OR w.sender = $1)
			AND (EXISTS (SELECT 1 FROM webhook_deliveries d
					WHERE d.webhook_id = w.id AND d.status = 'pending' AND d.next_attempt_at <= now())
				OR (NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending' AND NOT d.asked)
					AND EXISTS (SELECT 1 FROM events e WHERE e.webhooks AND e.organization_id = w.organization_id
						AND (e.xid, e.id) > (w.cursor_xid, w.cursor_id) AND e.xid < pg_snapshot_xmin(pg_current_snapshot()))))
		RETURNING w.id`, r.s.senderID, pq.Array(running), webhookLease.Seconds())
	if err != nil {
		if r.ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("lease webhooks: %w", err)
	}
	for _, id := range ids {
		wake := make(chan struct{}, 1)
		r.mu.Lock()
		r.lanes[id] = wake
		r.mu.Unlock()
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			r.lane(id, wake)
		}()
	}
	return nil
}

func (r *webhookRun) running() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.lanes)
}

func (r *webhookRun) wakeLanes() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, wake := range r.lanes {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
}

func (r *webhookRun) laneErr() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// lane sends one leased webhook's deliveries until it has nothing left (and, in a server, nothing came for
// webhookLinger), its webhook is turned off or deleted, or ctx ends; then it gives up the lease.
func (r *webhookRun) lane(id string, wake chan struct{}) {
	err := r.sendLane(id, wake)
	if err != nil && r.ctx.Err() == nil {
		r.mu.Lock()
		if r.err == nil {
			r.err = err
		}
		r.mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), recordTime)
	defer cancel()
	if _, err := r.s.execPrepared(ctx, `UPDATE webhooks SET sender = NULL, sender_until = NULL WHERE id = $1 AND sender = $2`,
		id, r.s.senderID); err != nil {
		r.s.log.Warn("webhook lease", "webhook", id, "err", err)
	}
	r.mu.Lock()
	delete(r.lanes, id)
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// sendingWebhook is what a lane reads of its webhook before each batch.
type sendingWebhook struct {
	ID        string         `db:"id"`
	OrgID     string         `db:"organization_id"`
	URL       string         `db:"url"`
	Secret    string         `db:"secret"`
	Events    pq.StringArray `db:"events"`
	Active    bool           `db:"active"`
	Leased    bool           `db:"leased"`
	CursorXID int64          `db:"cursor_xid"`
	CursorID  int64          `db:"cursor_id"`
	Pending   bool           `db:"pending"`
	signer    *webhookSigner // the lane's, kept from batch to batch
}

func (r *webhookRun) sendLane(id string, wake chan struct{}) error {
	var lastRead time.Time
	var signer *webhookSigner
	for r.ctx.Err() == nil {
		var h sendingWebhook
		err := r.s.getPrepared(r.ctx, &h, `
			SELECT id, organization_id, url, secret, events, active, sender IS NOT DISTINCT FROM $2 AS leased,
				cursor_xid::text::bigint AS cursor_xid, cursor_id,
				EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.status = 'pending') AS pending
			FROM webhooks w WHERE id = $1`, id, r.s.senderID)
		if isNoRows(err) {
			return nil // deleted
		}
		if err != nil {
			return fmt.Errorf("webhook sender: %w", err)
		}
		if !h.Active || !h.Leased {
			return nil
		}
		if signer == nil || signer.secret != h.Secret {
			signer = &webhookSigner{secret: h.Secret}
		}
		h.signer = signer
		if h.Pending {
			until, more, err := r.sendPending(h)
			if err != nil {
				return err
			}
			if more {
				continue
			}
			if !until.IsZero() {
				// A failed delivery waits for its retry, and the webhook's events wait behind it.
				if !r.waitUntil(wake, until) {
					return nil
				}
				continue
			}
		}
		if r.linger > 0 && !sleepCtx(r.ctx, webhookLanePace-time.Since(lastRead)) {
			return nil
		}
		lastRead = time.Now()
		more, err := r.sendEvents(h)
		if err != nil {
			return err
		}
		if !more && !r.waitMore(wake) {
			return nil
		}
	}
	return nil
}

// waitMore waits up to the run's linger for a wake (events committed); false when none came, or ctx ended.
func (r *webhookRun) waitMore(wake chan struct{}) bool {
	if r.linger <= 0 {
		return false
	}
	t := time.NewTimer(r.linger)
	defer t.Stop()
	select {
	case <-wake:
		return true
	case <-t.C:
	case <-r.ctx.Done():
	}
	return false
}

// waitUntil waits for a failed delivery's retry to be due, when that is within the run's linger (or a wake, which
// may bring a delivery a person asked for); false when it is later (a later run takes the webhook up then), or
// ctx ended.
func (r *webhookRun) waitUntil(wake chan struct{}, until time.Time) bool {
	d := until.Sub(r.s.now())
	if d <= 0 {
		return true
	}
	if d > r.linger {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-wake:
	case <-t.C:
	case <-r.ctx.Done():
		return false
	}
	return true
}

// pendingDelivery is a pending delivery with its event, as a lane sends it again.
type pendingDelivery struct {
	Event
	DeliveryID int64     `db:"delivery_id"`
	Attempts   int       `db:"attempts"`
	QueuedAt   time.Time `db:"queued_at"`
	DueAt      time.Time `db:"due_at"`
	Asked      bool      `db:"asked"`
}

// sendPending sends a webhook's pending deliveries that are due, in order: every one a person asked for, and the
// failed ones due for their retry, until one fails again. until is when the first failed delivery still waiting
// is due (zero when none waits); more, that there may be more pending than were read.
func (r *webhookRun) sendPending(h sendingWebhook) (until time.Time, more bool, err error) {
	var pending []pendingDelivery
	err = r.s.selectPrepared(r.ctx, &pending, `
		SELECT d.id AS delivery_id, d.attempts + 1 AS attempts, d.created_at AS queued_at, d.next_attempt_at AS due_at,
			d.asked, `+eventColumnsE+`
		FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
		WHERE d.webhook_id = $1 AND d.status = 'pending' ORDER BY d.id LIMIT $2`, h.ID, webhookPendingBatch)
	if err != nil {
		return until, false, fmt.Errorf("webhook sender: %w", err)
	}
	var outcomes []deliveryOutcome
	began := r.s.now()
	for _, p := range pending {
		if r.ctx.Err() != nil || r.s.now().Sub(began) > webhookBatchTime {
			more = until.IsZero()
			break
		}
		due := !p.DueAt.After(r.s.now())
		if !p.Asked && !until.IsZero() {
			continue // behind a failed one
		}
		if !due {
			if !p.Asked {
				until = p.DueAt
			}
			continue
		}
		o := r.deliver(h, p.Event, p.DeliveryID, p.Attempts)
		if o.Status == vocab.WebhookPending && r.s.now().Sub(p.QueuedAt) >= webhookRetryFor {
			o.Status, o.giveUp = vocab.WebhookFailed, true
		}
		if o.Status == vocab.WebhookPending && !p.Asked {
			until = o.NextAt
		}
		outcomes = append(outcomes, o)
	}
	if err := r.s.recordWebhookRetries(r.ctx, outcomes); err != nil {
		return until, false, err
	}
	return until, more || (len(pending) == webhookPendingBatch && until.IsZero()), nil
}

// laneEvent is an event past a webhook's cursor, with the id of its delivery when the webhook subscribes to it.
type laneEvent struct {
	Event
	DeliveryID *int64 `db:"delivery_id"`
}

// sendEvents reads the events past the webhook's cursor, sends those it subscribes to in order until one fails (or
// webhookBatchTime passed), and writes their deliveries and the new cursor. more is whether the lane should go on
// at once: it read a whole batch, stopped short of its end, or a delivery failed (and waits for its retry).
func (r *webhookRun) sendEvents(h sendingWebhook) (more bool, err error) {
	var events []laneEvent
	// An id for the delivery of each event the webhook subscribes to (handed out below in the events' order).
	err = r.s.selectPrepared(r.ctx, &events, `
		SELECT `+eventColumnsE+`,
			CASE WHEN $5::text[] && ARRAY[e.type, $6] THEN nextval('webhook_deliveries_id_seq') END AS delivery_id
		FROM events e
		WHERE e.webhooks AND e.organization_id = $1 AND (e.xid, e.id) > ($2::text::xid8, $3)
			AND e.xid < pg_snapshot_xmin(pg_current_snapshot())
		ORDER BY e.xid, e.id LIMIT $4`,
		h.OrgID, strconv.FormatInt(h.CursorXID, 10), h.CursorID, webhookBatch, h.Events, vocab.WebhookAllEvents)
	if err != nil {
		return false, fmt.Errorf("webhook sender: %w", err)
	}
	if len(events) == 0 {
		return false, nil
	}
	var ids []int64
	for _, e := range events {
		if e.DeliveryID != nil {
			ids = append(ids, *e.DeliveryID)
		}
	}
	slices.Sort(ids)
	began := r.s.now()
	cursor := Event{XID: h.CursorXID, ID: h.CursorID}
	var outcomes []deliveryOutcome
	more = len(events) == webhookBatch
	for _, e := range events {
		if e.DeliveryID == nil {
			cursor = e.Event
			continue
		}
		if r.ctx.Err() != nil || r.s.now().Sub(began) > webhookBatchTime {
			more = true
			break
		}
		o := r.deliver(h, e.Event, ids[0], 1)
		ids = ids[1:]
		outcomes = append(outcomes, o)
		cursor = e.Event
		if o.Status != vocab.WebhookDelivered {
			more = true // the webhook's next events wait for this one's retry
			break
		}
	}
	if cursor.ID == h.CursorID && cursor.XID == h.CursorXID {
		return more, nil
	}
	return more, r.s.recordWebhookBatch(r.ctx, h.ID, cursor, outcomes)
}

// webhookBodies bounds the bodies a run keeps: past it, it starts afresh.
const webhookBodies = 4 * webhookBatch

// body is the request body of an event: the live event's object, as on GET /events.
func (r *webhookRun) body(e Event) []byte {
	r.bodiesMu.Lock()
	b, ok := r.bodies[e.ID]
	r.bodiesMu.Unlock()
	if ok {
		return b
	}
	b, err := json.Marshal(e.Wire())
	if err != nil {
		b = []byte("{}")
	}
	r.bodiesMu.Lock()
	if r.bodies == nil || len(r.bodies) >= webhookBodies {
		r.bodies = map[int64][]byte{}
	}
	r.bodies[e.ID] = b
	r.bodiesMu.Unlock()
	return b
}

// deliver makes one attempt of a delivery: delivered on a 2xx, else pending, due again after the backoff.
func (r *webhookRun) deliver(h sendingWebhook, e Event, deliveryID int64, attempts int) deliveryOutcome {
	body := r.body(e)
	r.sem <- struct{}{}
	now := r.s.now()
	at := r.s.sendWebhook(r.ctx, webhookRequest{URL: h.URL, Secret: h.Secret, EventType: e.Type,
		DeliveryID: strconv.FormatInt(deliveryID, 10), Body: body, Timestamp: now.Unix(), signer: h.signer})
	<-r.sem
	r.sent.Add(1)
	o := deliveryOutcome{ID: deliveryID, EventID: e.ID, Status: vocab.WebhookDelivered, Attempts: attempts,
		NextAt: now, At: now, Code: at.ResponseCode,
		Duration: at.DurationMS, Error: at.Error, orgID: e.OrgID}
	if !at.Delivered {
		o.Status, o.NextAt = vocab.WebhookPending, r.s.now().Add(eventRetryDelay(attempts))
	}
	return o
}
