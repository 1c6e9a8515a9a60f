package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// subscriber turns events into effects after they commit: in-app notifications, emails, Git's webhooks, the
// alerts of webhooks turned off. A new subscriber is added to Store.subscribers; no use case changes. (The
// organization's webhooks read the events table themselves, through cursors: webhook_lanes.go.)
type subscriber struct {
	name string
	// wants tells which event types queue a job for this subscriber.
	wants func(eventType string) bool
	// handle does the work of one event inside the transaction that deletes its job, so effects kept in the
	// database (notification rows, outbox emails, new events) happen exactly once. An error retries it later.
	handle func(ctx context.Context, tx *sqlx.Tx, e Event) error
	// deliver, set instead of handle, does work that waits on other servers (Git's webhook requests) outside any
	// transaction: an open transaction would hold back every live stream (the hub reads only events older than
	// the oldest running transaction) for as long as a receiver takes to answer. Its job is leased while it runs
	// and deleted afterwards, so the work is done at least once; an error retries it later.
	deliver func(ctx context.Context, e Event) error
	// handleBatch, when set beside handle, does the work of a batch's jobs of this subscriber at once, in event
	// order, in the batch's transaction: one statement for many events. handle still does a job alone when a job of
	// the batch failed and each is retried under its own savepoint.
	handleBatch func(ctx context.Context, tx *sqlx.Tx, events []Event) error
}

// outsideSubscribers names the subscribers whose jobs run outside transactions. The list is never nil: a nil
// array is NULL in SQL, and "subscriber <> ALL(NULL)" would select no job at all.
func (s *Store) outsideSubscribers() []string {
	names := []string{}
	for _, sub := range s.subscribers {
		if sub.deliver != nil {
			names = append(names, sub.name)
		}
	}
	return names
}

// Delivery policy of event jobs.
const (
	maxEventJobAttempts = 10
	firstEventRetry     = 5 * time.Second
	maxEventRetry       = time.Hour
	eventJobBatch       = 100
	// txEventWorkers is how many workers of a process do jobs in transactions at once.
	txEventWorkers = 4
	// eventJobLease is how long a job run outside a transaction is left alone by other workers; it outlasts the
	// work (a few webhook requests of at most 10 s each), so a job is taken again only when its worker died.
	eventJobLease = 5 * time.Minute
)

// ProcessEventJobs does the due jobs of every subscriber and returns how many it handled: those run in
// transactions first, then those run outside (RunEventJobs runs the two kinds side by side instead).
func (s *Store) ProcessEventJobs(ctx context.Context) (int, error) {
	n, err := s.processTxEventJobs(ctx)
	if err != nil {
		return n, err
	}
	m, err := s.processOutsideEventJobs(ctx)
	if err != nil {
		return n + m, err
	}
	w, err := s.processWebhookDeliveries(ctx)
	return n + m + w, err
}

// processTxEventJobs does the due jobs of the subscribers that run in transactions, a batch per transaction.
// Jobs are claimed with FOR UPDATE SKIP LOCKED, so every process can run it at once; each job runs under a
// savepoint, so one failing job is retried alone with exponential backoff and the rest of the batch commits.
func (s *Store) processTxEventJobs(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.processEventJobBatch(ctx)
		total += n
		if err != nil || n < eventJobBatch {
			return total, err
		}
	}
}

type eventJob struct {
	Event
	Subscriber string `db:"subscriber"`
	Attempts   int    `db:"attempts"`
}

func (s *Store) processEventJobBatch(ctx context.Context) (int, error) {
	n, failed, err := s.runEventJobBatch(ctx, false)
	if failed {
		// A job failed: the batch rolled back. Run it again with each job under a savepoint, so the failing job is
		// rescheduled alone and the others are done.
		n, _, err = s.runEventJobBatch(ctx, true)
	}
	return n, err
}

// errJobFailed rolls back an optimistic batch in which a job failed.
var errJobFailed = errors.New("an event job failed")

// runEventJobBatch claims due jobs and runs them in one transaction. Optimistically (isolate false) the jobs run
// back to back and are deleted with one statement; the first failure rolls the batch back and reports failed.
// With isolate, each job runs under a savepoint and a failure reschedules that job only.
func (s *Store) runEventJobBatch(ctx context.Context, isolate bool) (n int, failed bool, err error) {
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		var jobs []eventJob
		err := tx.SelectContext(ctx, &jobs, `
			SELECT j.subscriber, j.attempts, `+eventColumnsE+`
			FROM event_jobs j JOIN events e ON e.id = j.event_id
			WHERE j.failed_at IS NULL AND j.next_attempt_at <= now() AND j.subscriber <> ALL($2::text[])
			ORDER BY j.next_attempt_at, j.event_id
			LIMIT $1 FOR UPDATE OF j SKIP LOCKED`, eventJobBatch, pq.Array(s.outsideSubscribers()))
		if err != nil {
			return err
		}
		n = len(jobs)
		if isolate {
			for _, j := range jobs {
				if err := s.runEventJob(ctx, tx, j); err != nil {
					return err
				}
			}
			return nil
		}
		ids, subs := make([]int64, 0, len(jobs)), make([]string, 0, len(jobs))
		batched := map[string][]Event{}
		for _, j := range jobs {
			if sub, ok := s.subscriber(j.Subscriber); ok && sub.handleBatch != nil {
				batched[j.Subscriber] = append(batched[j.Subscriber], j.Event)
			} else if err := s.handleEventJob(ctx, tx, j); err != nil {
				return s.jobFailed(ctx, &failed)
			}
			ids, subs = append(ids, j.ID), append(subs, j.Subscriber)
		}
		for name, events := range batched {
			sub, _ := s.subscriber(name)
			slices.SortFunc(events, func(a, b Event) int { return cmp.Compare(a.ID, b.ID) })
			if err := sub.handleBatch(ctx, tx, events); err != nil {
				return s.jobFailed(ctx, &failed)
			}
		}
		_, err = tx.ExecContext(ctx, `
			DELETE FROM event_jobs j USING unnest($1::bigint[], $2::text[]) AS done(event_id, subscriber)
			WHERE j.event_id = done.event_id AND j.subscriber = done.subscriber`, pq.Array(ids), pq.Array(subs))
		return err
	})
	if failed {
		err = nil
	}
	return n, failed, err
}

// jobFailed ends an optimistic batch in which a job failed: rolled back, to be run again job by job.
func (s *Store) jobFailed(ctx context.Context, failed *bool) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	*failed = true
	return errJobFailed
}

// subscriber is the subscriber of that name.
func (s *Store) subscriber(name string) (subscriber, bool) {
	for _, sub := range s.subscribers {
		if sub.name == name {
			return sub, true
		}
	}
	return subscriber{}, false
}

// handleEventJob runs the job's subscriber.
func (s *Store) handleEventJob(ctx context.Context, tx *sqlx.Tx, j eventJob) error {
	if sub, ok := s.subscriber(j.Subscriber); ok {
		return sub.handle(ctx, tx, j.Event)
	}
	return fmt.Errorf("no subscriber %q", j.Subscriber)
}

// runEventJob handles one job under a savepoint: done, it is deleted; failed, it is rescheduled (or given up).
func (s *Store) runEventJob(ctx context.Context, tx *sqlx.Tx, j eventJob) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT event_job`); err != nil {
		return err
	}
	handleErr := s.handleEventJob(ctx, tx, j)
	if handleErr == nil {
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT event_job`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM event_jobs WHERE event_id = $1 AND subscriber = $2`, j.ID, j.Subscriber)
		return err
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT event_job`); err != nil {
		return err
	}
	attempts := j.Attempts + 1
	if attempts >= maxEventJobAttempts {
		s.log.Error("event job failed for good", "event", j.ID, "type", j.Type, "subscriber", j.Subscriber, "err", handleErr)
		_, err := tx.ExecContext(ctx, `
			UPDATE event_jobs SET attempts = $3, last_error = $4, failed_at = now() WHERE event_id = $1 AND subscriber = $2`,
			j.ID, j.Subscriber, attempts, handleErr.Error())
		return err
	}
	delay := eventRetryDelay(attempts)
	s.log.Warn("event job failed, will retry", "event", j.ID, "type", j.Type, "subscriber", j.Subscriber, "in", delay, "err", handleErr)
	_, err := tx.ExecContext(ctx, `
		UPDATE event_jobs SET attempts = $3, last_error = $4, next_attempt_at = clock_timestamp() + $5 * interval '1 second'
		WHERE event_id = $1 AND subscriber = $2`, j.ID, j.Subscriber, attempts, handleErr.Error(), delay.Seconds())
	return err
}

func eventRetryDelay(attempts int) time.Duration {
	d := time.Duration(float64(firstEventRetry) * math.Pow(2, float64(attempts-1)))
	if d > maxEventRetry || d <= 0 {
		return maxEventRetry
	}
	return d
}

// RunEventJobs does due event jobs until ctx ends: when wake fires (the listener saw an event commit, on any
// process) and every interval, for retries and for a wake that was missed. Jobs run outside transactions, and the
// deliveries of the organization's webhooks, have a loop each, so a slow webhook receiver never holds up
// notifications, nor Git's receivers the organization's.
func (s *Store) RunEventJobs(ctx context.Context, wake <-chan struct{}, interval time.Duration) {
	after := []struct {
		name string
		work func(context.Context) (int, error)
	}{
		{"event jobs outside transactions", s.processOutsideEventJobs},
		{"webhook deliveries", s.runWebhookDeliveries},
	}
	pokes := make([]chan struct{}, len(after))
	var wg sync.WaitGroup
	for i, loop := range after {
		pokes[i] = make(chan struct{}, 1)
		if loop.name == "webhook deliveries" {
			pokes[i] = s.webhookWake
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			runEvery(ctx, pokes[i], interval, func() {
				if _, err := loop.work(ctx); err != nil && ctx.Err() == nil {
					s.log.Error(loop.name, "err", err)
				}
			})
		}()
	}
	// Jobs in transactions are done by several workers side by side (FOR UPDATE SKIP LOCKED hands each its own
	// batch): one worker waits on a round trip per job, so under a burst the others keep the database busy.
	helpers := make([]chan struct{}, txEventWorkers-1)
	for i := range helpers {
		helpers[i] = make(chan struct{}, 1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			runEvery(ctx, helpers[i], interval, func() {
				if _, err := s.processTxEventJobs(ctx); err != nil && ctx.Err() == nil {
					s.log.Error("event jobs", "err", err)
				}
			})
		}()
	}
	defer wg.Wait()
	runEvery(ctx, wake, interval, func() {
		// The other loops need not wait for these jobs: the jobs run outside transactions are queued with their
		// events, and the webhook senders read the events themselves.
		for _, poke := range pokes {
			select {
			case poke <- struct{}{}:
			default:
			}
		}
		// The helpers join in when a batch was full (a burst): while events come one at a time, one worker's
		// claim finds them all, and three more claims a wake would find nothing.
		n, err := s.processEventJobBatch(ctx)
		if err == nil && n == eventJobBatch {
			for _, poke := range helpers {
				select {
				case poke <- struct{}{}:
				default:
				}
			}
			_, err = s.processTxEventJobs(ctx)
		}
		if err != nil && ctx.Err() == nil {
			s.log.Error("event jobs", "err", err)
		}
	})
}

// eventWorkGap is the least time between two runs of a worker loop: a steady stream of commits wakes the workers
// as often as it commits, and a run per commit costs a claim or a read per commit however little each brings.
// Runs at most this often gather what came meanwhile.
const eventWorkGap = 10 * time.Millisecond

// runEvery runs work now, then whenever wake fires or interval passes (at most every eventWorkGap), until ctx ends.
func runEvery(ctx context.Context, wake <-chan struct{}, interval time.Duration, work func()) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		began := time.Now()
		work()
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-t.C:
		}
		if !sleepCtx(ctx, eventWorkGap-time.Since(began)) {
			return
		}
	}
}

// sleepCtx waits d (nothing when d is not positive); false when ctx ended first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// processOutsideEventJobs does the due jobs of the subscribers that run outside transactions, one at a time.
func (s *Store) processOutsideEventJobs(ctx context.Context) (int, error) {
	subs := s.outsideSubscribers()
	if len(subs) == 0 {
		return 0, nil
	}
	n := 0
	for ctx.Err() == nil {
		did, err := s.runOutsideEventJob(ctx, subs)
		if err != nil || !did {
			return n, err
		}
		n++
	}
	return n, ctx.Err()
}

// runOutsideEventJob leases the oldest due job of subs, runs it, and records the outcome: done, the job is
// deleted; failed, it is due again after a backoff, or given up after maxEventJobAttempts. Attempts are counted
// when the job is leased, so one whose worker dies counts too.
func (s *Store) runOutsideEventJob(ctx context.Context, subs []string) (bool, error) {
	var j eventJob
	err := s.db.GetContext(ctx, &j, `
		UPDATE event_jobs j SET attempts = j.attempts + 1, next_attempt_at = now() + $2 * interval '1 second'
		FROM events e
		WHERE e.id = j.event_id AND (j.event_id, j.subscriber) = (
			SELECT event_id, subscriber FROM event_jobs
			WHERE failed_at IS NULL AND next_attempt_at <= now() AND subscriber = ANY($1::text[])
			ORDER BY next_attempt_at, event_id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING j.subscriber, j.attempts, `+eventColumnsE,
		pq.Array(subs), eventJobLease.Seconds())
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lease event job: %w", err)
	}
	var workErr error
	for _, sub := range s.subscribers {
		if sub.name == j.Subscriber {
			workErr = sub.deliver(ctx, j.Event)
		}
	}
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTime)
	defer cancel()
	switch {
	case workErr == nil:
		_, err = s.db.ExecContext(recordCtx, `DELETE FROM event_jobs WHERE event_id = $1 AND subscriber = $2 AND attempts = $3`,
			j.ID, j.Subscriber, j.Attempts)
	case j.Attempts >= maxEventJobAttempts:
		s.log.Error("event job failed for good", "event", j.ID, "type", j.Type, "subscriber", j.Subscriber, "err", workErr)
		_, err = s.db.ExecContext(recordCtx, `
			UPDATE event_jobs SET last_error = $4, failed_at = now() WHERE event_id = $1 AND subscriber = $2 AND attempts = $3`,
			j.ID, j.Subscriber, j.Attempts, workErr.Error())
	default:
		delay := eventRetryDelay(j.Attempts)
		s.log.Warn("event job failed, will retry", "event", j.ID, "type", j.Type, "subscriber", j.Subscriber, "in", delay, "err", workErr)
		_, err = s.db.ExecContext(recordCtx, `
			UPDATE event_jobs SET last_error = $4, next_attempt_at = clock_timestamp() + $5 * interval '1 second'
			WHERE event_id = $1 AND subscriber = $2 AND attempts = $3`,
			j.ID, j.Subscriber, j.Attempts, workErr.Error(), delay.Seconds())
	}
	if err != nil {
		return true, fmt.Errorf("record event job: %w", err)
	}
	return true, nil
}

// eventRetention is how long events stay for replay (Last-Event-ID) once their jobs are done.
const eventRetention = 7 * 24 * time.Hour

// pruneEvents deletes events past retention whose jobs are all done or given up.
func (s *Store) pruneEvents(ctx context.Context) error {
	// The webhook deliveries of the events go with them (they do not reference them: migration 00032).
	_, err := s.db.ExecContext(ctx, `
		WITH gone AS (
			DELETE FROM events e WHERE e.created_at < $1
			AND NOT EXISTS (SELECT 1 FROM event_jobs j WHERE j.event_id = e.id AND j.failed_at IS NULL)
			RETURNING e.id
		)
		DELETE FROM webhook_deliveries d USING gone WHERE d.event_id = gone.id`,
		s.now().Add(-eventRetention))
	return err
}
