package store

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/vocab"
)

// The delivery loop of the organization's webhooks. It claims batches of due deliveries (webhook_deliveries.go:
// each claim locks its rows in a transaction) and hands each delivery to its webhook's lane: a goroutine that sends
// that webhook's deliveries one after another, each only after the one before it was answered, so a webhook gets
// its events in the order they were queued. Lanes do not wait for each other: a receiver that answers slowly holds
// up its own deliveries only, and the claims go on for the other webhooks (a lane with webhookLaneDepth deliveries
// to send is left out of them until it drains). When every delivery of a claim has its outcome, they are recorded
// with one statement in the claim's transaction, which commits.

// Pace of the delivery loop.
const (
	// webhookBatch is how many deliveries one claim leases at most.
	webhookBatch = 500
	// webhookLaneDepth is how many deliveries a lane may have waiting before the claims leave its webhook out.
	webhookLaneDepth = 200
	// webhookQueued is how many deliveries the lanes together may have waiting before the loop stops claiming
	// until they have sent some: enough to keep them busy while the next claim runs.
	webhookQueued = 2 * webhookBatch
	// webhookOpenClaims bounds the claims whose transactions are open (each holds a connection of the pool) until
	// their deliveries are sent and recorded.
	webhookOpenClaims = 4
	// webhookPoll is how often the loop claims again while some lanes are still sending and the last claim found
	// less than a batch.
	webhookPoll = 50 * time.Millisecond
	// webhookSenders bounds the requests in flight at once in a process (one per lane at most).
	webhookSenders = 64
	// webhookLaneBudget bounds how long a claimed delivery may wait in its lane; after it, the delivery and the
	// lane's next ones are put back unsent, so that a slow receiver keeps its claim's transaction open for a
	// bounded time only.
	webhookLaneBudget = 20 * time.Second
	// webhookPutBackHold is how long a webhook whose deliveries were put back after webhookLaneBudget gets
	// nothing sent, so that its later deliveries claimed meanwhile do not overtake them.
	webhookPutBackHold = 5 * time.Second
)

// processWebhookDeliveries sends the due deliveries and returns how many it claimed. It returns when a claim found
// less than a batch and every lane has sent what it was given (or when ctx ends, after putting back what was not
// sent), with every outcome recorded.
func (s *Store) processWebhookDeliveries(ctx context.Context) (int, error) {
	loop := &webhookLoop{s: s, ctx: ctx, lanes: map[string]*webhookLane{}, sem: make(chan struct{}, webhookSenders),
		open: make(chan struct{}, webhookOpenClaims), drained: make(chan struct{}, 1)}
	total, err := loop.run()
	for _, l := range loop.lanes {
		l.close()
	}
	loop.wg.Wait()
	loop.recording.Wait()
	// How the lanes spent their time, summed over them: waiting for a claim to give them deliveries, and sending.
	s.log.Debug("webhook lanes", "claimed", total, "waited", time.Duration(loop.waitedNS.Load()),
		"sending", time.Duration(loop.sendingNS.Load()))
	if rerr := loop.recordErr(); err == nil {
		err = rerr
	}
	return total, err
}

// webhookLoop is one run of the delivery loop: its lanes, and its claims being sent.
type webhookLoop struct {
	s         *Store
	ctx       context.Context
	lanes     map[string]*webhookLane
	sem       chan struct{}
	open      chan struct{} // a slot per claim whose transaction is open
	drained   chan struct{} // a lane sent everything it was given
	rescan    atomic.Bool   // a delivery was put back as it was, behind where the claims have got to
	waitedNS  atomic.Int64  // the lanes' time waiting for deliveries, for the debug log
	sendingNS atomic.Int64  // the lanes' time sending (or putting back), for the debug log
	wg        sync.WaitGroup
	recording sync.WaitGroup
	mu        sync.Mutex
	err       error // of the first record that failed
}

// run claims and dispatches until there is nothing more to claim and the lanes are idle, or ctx ends.
func (l *webhookLoop) run() (int, error) {
	total := 0
	// While full claims follow one another, each starts past the last; after a short one, or one that left
	// webhooks out, the next starts at the beginning again.
	var after claimCursor
	for l.ctx.Err() == nil {
		if err := l.recordErr(); err != nil {
			return total, err
		}
		waiting, skip := l.waiting()
		if waiting >= webhookQueued {
			l.pause(5 * time.Millisecond)
			continue
		}
		select {
		case l.open <- struct{}{}:
		case <-l.ctx.Done():
			return total, nil
		}
		if len(skip) > 0 || l.rescan.Swap(false) {
			after = claimCursor{}
		}
		tx, due, err := l.s.claimWebhookDeliveries(l.ctx, skip, after)
		if err != nil {
			<-l.open
			return total, err
		}
		total += len(due)
		l.dispatch(tx, due)
		if len(due) == webhookBatch && len(skip) == 0 {
			after = after.past(due)
			continue
		}
		after = claimCursor{}
		if len(due) == webhookBatch {
			continue
		}
		if !l.caughtUp(len(skip) > 0) {
			break
		}
	}
	return total, nil
}

func (l *webhookLoop) recordErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// webhookClaim is a claim being sent: its transaction, and the outcomes of its deliveries so far.
type webhookClaim struct {
	loop     *webhookLoop
	tx       *sqlx.Tx
	mu       sync.Mutex
	left     int
	outcomes []deliveryOutcome
}

// done takes the outcome of one of the claim's deliveries (nil when it was put back as it was); after the last,
// the outcomes are recorded and the transaction commits, while the lanes go on.
func (c *webhookClaim) done(o *deliveryOutcome) {
	c.mu.Lock()
	if o != nil {
		c.outcomes = append(c.outcomes, *o)
	}
	c.left--
	last := c.left == 0
	c.mu.Unlock()
	if last {
		go c.record()
	}
}

func (c *webhookClaim) record() {
	l := c.loop
	defer l.recording.Done()
	err := l.s.recordWebhookOutcomes(l.ctx, c.tx, c.outcomes)
	<-l.open
	if err != nil {
		l.mu.Lock()
		if l.err == nil {
			l.err = err
		}
		l.mu.Unlock()
	}
}

// waiting is how many deliveries the lanes have to send, and the webhooks whose lanes have enough.
func (l *webhookLoop) waiting() (int, []string) {
	n, skip := 0, []string{}
	for id, lane := range l.lanes {
		w := int(lane.unsent.Load())
		n += w
		if w >= webhookLaneDepth {
			skip = append(skip, id)
		}
	}
	return n, skip
}

func (l *webhookLoop) idle() bool {
	n, _ := l.waiting()
	return n == 0
}

// pause waits until a lane drains, d passes, or ctx ends.
func (l *webhookLoop) pause(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-l.drained:
	case <-t.C:
	case <-l.ctx.Done():
	}
}

// caughtUp waits, after a claim found less than a batch, until the loop should claim again (true) or is done
// (false): done when every lane has sent what it was given; claim again when events committed meanwhile (the
// wake), or, when some webhooks were left out of the claim (skipped), every webhookPoll. Without a wake, what
// comes while the lanes are sending is claimed by the next run.
func (l *webhookLoop) caughtUp(skipped bool) bool {
	var poll <-chan time.Time
	if skipped {
		t := time.NewTimer(webhookPoll)
		defer t.Stop()
		poll = t.C
	}
	for {
		if !skipped && l.idle() {
			return false
		}
		select {
		case <-l.drained:
		case <-l.s.webhookWake:
			return true
		case <-poll:
			return true
		case <-l.ctx.Done():
			return false
		}
	}
}

// dispatch hands a claim's deliveries (in id order) to their lanes, with their bodies: an event's body is built
// once for all the webhooks it goes to.
func (l *webhookLoop) dispatch(tx *sqlx.Tx, due []dueDelivery) {
	c := &webhookClaim{loop: l, tx: tx, left: len(due)}
	l.recording.Add(1)
	if len(due) == 0 {
		go c.record()
		return
	}
	now := time.Now()
	bodies := map[int64][]byte{}
	for i := range due {
		d := &due[i]
		body, ok := bodies[d.ID]
		if !ok {
			var err error
			if body, err = json.Marshal(d.Event.Wire()); err != nil {
				body = []byte("{}")
			}
			bodies[d.ID] = body
		}
		d.body, d.claimedAt, d.claim = body, now, c
		lane := l.lanes[d.WebhookID]
		if lane == nil {
			lane = &webhookLane{ready: make(chan struct{}, 1)}
			l.lanes[d.WebhookID] = lane
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				l.send(lane)
			}()
		}
		lane.push(*d)
	}
}

// send is a lane's goroutine: it sends the lane's deliveries one after another and hands each outcome to its
// claim.
func (l *webhookLoop) send(lane *webhookLane) {
	for {
		waitStart := time.Now()
		d, ok := lane.next()
		if !ok {
			return
		}
		sendStart := time.Now()
		l.waitedNS.Add(int64(sendStart.Sub(waitStart)))
		o := l.s.deliver(l.ctx, d, l.sem)
		l.sendingNS.Add(int64(time.Since(sendStart)))
		if o == nil {
			// Put back as it was: the next claim must start at the beginning to find it again.
			l.rescan.Store(true)
		}
		d.claim.done(o)
		if lane.unsent.Add(-1) == 0 {
			select {
			case l.drained <- struct{}{}:
			default:
			}
		}
	}
}

// webhookLane is the queue of one webhook's claimed deliveries, in order.
type webhookLane struct {
	mu     sync.Mutex
	queue  []dueDelivery
	closed bool
	ready  chan struct{}
	unsent atomic.Int64 // pushed and not yet sent or put back
}

func (q *webhookLane) push(d dueDelivery) {
	q.unsent.Add(1)
	q.mu.Lock()
	q.queue = append(q.queue, d)
	q.mu.Unlock()
	q.signal()
}

func (q *webhookLane) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

func (q *webhookLane) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

// next waits for the lane's next delivery; false when the lane is closed and empty.
func (q *webhookLane) next() (dueDelivery, bool) {
	for {
		q.mu.Lock()
		if len(q.queue) > 0 {
			d := q.queue[0]
			q.queue[0] = dueDelivery{}
			q.queue = q.queue[1:]
			q.mu.Unlock()
			return d, true
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return dueDelivery{}, false
		}
		<-q.ready
	}
}

// deliver makes one attempt of a claimed delivery, or puts it back unsent: while its webhook is held (a delivery
// before it failed and waits for its retry: due when that one is), and when ctx ended or it waited in its lane
// longer than webhookLaneBudget (as it was, so nil). A redelivery or a test event, which a person asked for, is
// sent whatever the hold, and its failure holds nothing back.
func (s *Store) deliver(ctx context.Context, d dueDelivery, sem chan struct{}) *deliveryOutcome {
	asked := d.Redelivery || d.Type == EventWebhookTest
	if !asked && !s.webhookHolds.pass(d.WebhookID, d.DeliveryID, s.now()) {
		until, _ := s.webhookHolds.until(d.WebhookID)
		return &deliveryOutcome{ID: d.DeliveryID, Status: vocab.WebhookPending, Attempts: d.Attempts - 1, NextAt: until}
	}
	if ctx.Err() != nil {
		return nil
	}
	if time.Since(d.claimedAt) > s.webhookLaneBudget {
		if !asked {
			s.webhookHolds.hold(d.WebhookID, d.DeliveryID, s.now().Add(webhookPutBackHold))
		}
		return nil
	}
	sem <- struct{}{}
	now := s.now()
	at := s.sendWebhook(ctx, webhookRequest{URL: d.URL, Secret: d.Secret, EventType: d.Type,
		DeliveryID: strconv.FormatInt(d.DeliveryID, 10), Body: d.body, Timestamp: now.Unix()})
	<-sem
	o := &deliveryOutcome{ID: d.DeliveryID, Status: vocab.WebhookDelivered, Attempts: d.Attempts,
		NextAt: now, Attempted: true, At: now, Headers: logHeaders(at.Header), Code: at.ResponseCode,
		Duration: at.DurationMS, Error: at.Error, orgID: d.OrgID}
	if !at.Delivered {
		o.Status = vocab.WebhookPending
		o.NextAt = s.now().Add(eventRetryDelay(d.Attempts))
		if s.now().Sub(d.QueuedAt) >= webhookRetryFor {
			o.Status, o.giveUp = vocab.WebhookFailed, true
		}
		if !asked {
			// The webhook's later deliveries wait behind this one, in this process, until it is due again (or, given
			// up, until the webhook is turned off and they are given up with it).
			s.webhookHolds.hold(d.WebhookID, d.DeliveryID, o.NextAt)
		}
	}
	return o
}

// webhookHolds are the webhooks whose deliveries this process puts back unsent: each until a time, or until the
// delivery that caused the hold (one that failed, or was put back first) comes to be sent again, whichever is
// first. (The second is what a test that moves next_attempt_at, or another process's retry, relies on.)
type webhookHolds struct {
	mu    sync.Mutex
	holds map[string]webhookHold
}

type webhookHold struct {
	until    time.Time
	delivery int64
}

func (h *webhookHolds) hold(webhookID string, delivery int64, until time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.holds == nil {
		h.holds = map[string]webhookHold{}
	}
	h.holds[webhookID] = webhookHold{until: until, delivery: delivery}
}

// pass reports whether a delivery of the webhook may be sent at now: the webhook is not held, or its hold has
// passed, or this is the delivery that caused it (the hold ends then).
func (h *webhookHolds) pass(webhookID string, delivery int64, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	held, ok := h.holds[webhookID]
	if !ok {
		return true
	}
	if !held.until.After(now) || held.delivery == delivery {
		delete(h.holds, webhookID)
		return true
	}
	return false
}

// until is when the webhook's hold ends.
func (h *webhookHolds) until(webhookID string) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	held, ok := h.holds[webhookID]
	return held.until, ok
}
