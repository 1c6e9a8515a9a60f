package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/lib/pq"
)

// Hub delivers committed events to the live streams of this process. One PostgreSQL listener per process wakes it
// (NOTIFY from record, on any process); it then reads what committed since its cursor from the events table,
// which is the truth, so a missed NOTIFY only delays delivery until the next poll. Open streams cost no database
// connection each: the hub reads every event once and fans it out to the streams allowed to see it.
type Hub struct {
	s   *Store
	dsn string

	mu      sync.Mutex
	byOrg   map[string]map[*Stream]struct{}
	cursor  eventPos
	started bool
	ready   chan struct{} // closed once the cursor is set

	// workers is woken after each read that found events, for the event-job worker of this process.
	workers chan struct{}
}

// eventPos orders events as they become visible: by the recording transaction, then by id.
type eventPos struct {
	XID int64
	ID  int64
}

func (p eventPos) after(q eventPos) bool { return p.XID > q.XID || p.XID == q.XID && p.ID > q.ID }

// Stream buffers the events one caller may see, in order.
type Stream struct {
	// C carries the events; it is closed when the stream ends (Close, shutdown, or the reader fell so far behind
	// that its buffer filled: it then reconnects with Last-Event-ID and replays what it missed).
	C      chan Event
	viewer viewer
	hub    *Hub
	closed bool
}

// streamBuffer is how many events a stream may hold before it is dropped as too slow.
const streamBuffer = 512

// NewHub makes the hub of this process; dsn opens its listening connection. Run starts it.
func (s *Store) NewHub(dsn string) *Hub {
	return &Hub{s: s, dsn: dsn, byOrg: map[string]map[*Stream]struct{}{}, ready: make(chan struct{}), workers: make(chan struct{}, 1)}
}

// WorkerWake fires when events committed, for RunEventJobs.
func (h *Hub) WorkerWake() <-chan struct{} { return h.workers }

// Run listens and delivers until ctx ends, then closes every stream.
func (h *Hub) Run(ctx context.Context, poll time.Duration) error {
	defer h.closeAll()
	pos, err := h.s.eventWatermark(ctx)
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.cursor, h.started = pos, true
	h.mu.Unlock()
	close(h.ready)
	if h.dsn == "" {
		return h.pollOnly(ctx, poll)
	}

	l := pq.NewListener(h.dsn, 100*time.Millisecond, 5*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil && ctx.Err() == nil {
			h.s.log.Warn("event listener", "event", ev, "err", err)
		}
	})
	defer l.Close()
	if err := l.Listen(eventsChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	ping := time.NewTicker(time.Minute)
	defer ping.Stop()
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-l.NotificationChannel():
			// One read serves every commit that woke it, and those of the next hubReadGap: a steady stream of
			// commits is read in batches, not with a query per commit.
			if !sleepCtx(ctx, hubReadGap-time.Since(last)) {
				return nil
			}
			drain(l.NotificationChannel())
		case <-t.C:
		case <-ping.C:
			go func() { _ = l.Ping() }()
			continue
		}
		last = time.Now()
		if err := h.deliver(ctx); err != nil && ctx.Err() == nil {
			h.s.log.Warn("event delivery", "err", err)
		}
	}
}

// hubReadGap is the least time between two reads of the hub woken by commits.
const hubReadGap = 5 * time.Millisecond

// drain empties a channel of wake-ups without blocking.
func drain[T any](c <-chan T) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

// pollOnly delivers without a listener (no database URL to listen with), every poll.
func (h *Hub) pollOnly(ctx context.Context, poll time.Duration) error {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if err := h.deliver(ctx); err != nil && ctx.Err() == nil {
				h.s.log.Warn("event delivery", "err", err)
			}
		}
	}
}

// deliver reads the events that became visible after the cursor and fans them out.
func (h *Hub) deliver(ctx context.Context) error {
	for {
		h.mu.Lock()
		from := h.cursor
		h.mu.Unlock()
		events, err := h.s.eventsAfter(ctx, from, nil, 1000)
		if err != nil {
			return err
		}
		if len(events) == 0 {
			return nil
		}
		h.fanOut(ctx, events)
		select {
		case h.workers <- struct{}{}:
		default:
		}
		if len(events) < 1000 {
			return nil
		}
	}
}

func (h *Hub) fanOut(ctx context.Context, events []Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range events {
		h.cursor = eventPos{XID: e.XID, ID: e.ID}
		streams := h.byOrg[e.OrgID]
		var before map[*Stream]viewer
		if changesAccess(e.Type) {
			// Memberships or roles changed: reread who may see what before deciding on this and later events.
			before = make(map[*Stream]viewer, len(streams))
			for st := range streams {
				before[st] = st.viewer
				if v, err := h.s.loadViewer(ctx, st.viewer.actor); err == nil {
					st.viewer = v
				} else if errors.Is(err, ErrNotFound) {
					h.closeLocked(st) // no longer a member
				}
			}
		}
		for st := range streams {
			if !st.viewer.sees(e) && !(tellsFormerViewers(e.Type) && before[st].sees(e)) {
				continue
			}
			select {
			case st.C <- e:
			default:
				h.closeLocked(st) // too slow: it reconnects and replays from its last event
			}
		}
	}
}

// Subscribe opens a stream of the events the actor may see. With lastEventID (a reconnect), it first returns the
// events after that one that the stream would have carried (at most the last day's), then live ones; none is
// missed or repeated between the two.
func (h *Hub) Subscribe(ctx context.Context, a Actor, lastEventID string) (*Stream, []Event, error) {
	select {
	case <-h.ready:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	v, err := h.s.loadViewer(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	st := &Stream{C: make(chan Event, streamBuffer), viewer: v, hub: h}
	h.mu.Lock()
	upTo := h.cursor
	if h.byOrg[a.OrgID] == nil {
		h.byOrg[a.OrgID] = map[*Stream]struct{}{}
	}
	h.byOrg[a.OrgID][st] = struct{}{}
	h.mu.Unlock()
	if lastEventID == "" {
		return st, nil, nil
	}
	replay, err := h.s.replayEvents(ctx, v, lastEventID, upTo)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, replay, nil
}

// Close ends the stream.
func (st *Stream) Close() {
	st.hub.mu.Lock()
	defer st.hub.mu.Unlock()
	st.hub.closeLocked(st)
}

func (h *Hub) closeLocked(st *Stream) {
	if st.closed {
		return
	}
	st.closed = true
	close(st.C)
	if m := h.byOrg[st.viewer.actor.OrgID]; m != nil {
		delete(m, st)
		if len(m) == 0 {
			delete(h.byOrg, st.viewer.actor.OrgID)
		}
	}
}

func (h *Hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.byOrg {
		for st := range m {
			h.closeLocked(st)
		}
	}
}

// Streams counts open streams, for tests and benchmarks.
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, m := range h.byOrg {
		n += len(m)
	}
	return n
}

// eventWatermark is the position of the newest event that is visible for good: every transaction older than it
// has finished.
func (s *Store) eventWatermark(ctx context.Context) (eventPos, error) {
	var p eventPos
	err := s.db.QueryRowxContext(ctx, `
		SELECT coalesce(max(xid)::text::bigint, 0), coalesce(max(id), 0) FROM (
			SELECT xid, id FROM events WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY xid DESC, id DESC LIMIT 1
		) last`).Scan(&p.XID, &p.ID)
	return p, err
}

// eventsAfter reads events after from, in order, that no older transaction can still precede; orgID narrows to one
// organization when set.
func (s *Store) eventsAfter(ctx context.Context, from eventPos, orgID *string, limit int) ([]Event, error) {
	var out []Event
	err := s.db.SelectContext(ctx, &out, `
		SELECT `+eventColumns+` FROM events
		WHERE (xid, id) > ($1::text::xid8, $2) AND xid < pg_snapshot_xmin(pg_current_snapshot())
		AND ($3::uuid IS NULL OR organization_id = $3)
		ORDER BY xid, id LIMIT $4`, strconv.FormatInt(from.XID, 10), from.ID, orgID, limit)
	return out, err
}

// maxReplay bounds what one reconnect replays.
const maxReplay = 10000

// replayEvents returns the events after lastEventID up to upTo that the viewer may see. An id that is unknown (or
// pruned) replays the last day.
func (s *Store) replayEvents(ctx context.Context, v viewer, lastEventID string, upTo eventPos) ([]Event, error) {
	var from eventPos
	id, err := strconv.ParseInt(lastEventID, 10, 64)
	if err == nil {
		err = s.db.QueryRowxContext(ctx, `SELECT xid::text::bigint, id FROM events WHERE id = $1 AND organization_id = $2`,
			id, v.actor.OrgID).Scan(&from.XID, &from.ID)
	}
	if err != nil {
		if !isNoRows(err) && !errors.Is(err, strconv.ErrSyntax) && !errors.Is(err, strconv.ErrRange) {
			return nil, err
		}
		err = s.db.QueryRowxContext(ctx, `
			SELECT coalesce(min(xid)::text::bigint, 0), 0 FROM events WHERE organization_id = $1 AND created_at > $2`,
			v.actor.OrgID, s.now().Add(-24*time.Hour)).Scan(&from.XID, &from.ID)
		if err != nil {
			return nil, err
		}
		from.XID-- // include the oldest transaction's events
	}
	var out []Event
	for len(out) < maxReplay {
		batch, err := s.eventsAfter(ctx, from, &v.actor.OrgID, 1000)
		if err != nil {
			return nil, err
		}
		for _, e := range batch {
			p := eventPos{XID: e.XID, ID: e.ID}
			if p.after(upTo) {
				return out, nil
			}
			from = p
			if v.sees(e) {
				out = append(out, e)
			}
		}
		if len(batch) < 1000 {
			break
		}
	}
	return out, nil
}
