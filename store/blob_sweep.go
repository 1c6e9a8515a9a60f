package store

import (
	"context"
	"time"

	"github.com/lib/pq"
)

// The blob sweep removes from storage the objects whose rows are gone. Deleting a file, a task or an organization
// queues its objects in blob_deletions in the same transaction (a trigger on attachments, so cascades count too);
// uploads queue theirs before writing, due an hour later, and drop them when their row is saved. The sweep runs on
// every process: a batch is claimed by moving its due time to the next retry, so two processes never take the
// same rows at once, and an object whose deletion fails is tried again later, with backoff.

// blobSweepBatch is how many objects one sweep claims.
const blobSweepBatch = 100

// SweepBlobs removes the objects that are due from storage and reports how many it removed. Deleting an object
// that is already gone counts as removed.
func (s *Store) SweepBlobs(ctx context.Context) (int, error) {
	if s.blobs == nil {
		return 0, nil
	}
	var due []struct {
		ID  int64  `db:"id"`
		Key string `db:"blob_key"`
	}
	// The retry waits 30 s, doubling with each attempt, at most six hours.
	err := s.db.SelectContext(ctx, &due, `
		UPDATE blob_deletions SET attempts = attempts + 1,
			due_at = now() + least(interval '30 seconds' * power(2, least(attempts, 20)), interval '6 hours')
		WHERE id IN (SELECT id FROM blob_deletions WHERE due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
		RETURNING id, blob_key`, blobSweepBatch)
	if err != nil {
		return 0, err
	}
	var done []int64
	for _, d := range due {
		if err := s.blobs.Delete(ctx, d.Key); err != nil {
			s.log.Warn("blob sweep: delete failed, will retry", "key", d.Key, "err", err)
			if _, err := s.db.ExecContext(ctx, `UPDATE blob_deletions SET last_error = $2 WHERE id = $1`, d.ID, err.Error()); err != nil {
				return len(done), err
			}
			continue
		}
		done = append(done, d.ID)
	}
	if len(done) > 0 {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM blob_deletions WHERE id = ANY($1)`, pq.Array(done)); err != nil {
			return 0, err
		}
	}
	return len(done), nil
}

// RunBlobSweeper sweeps every interval until ctx ends, batch after batch while there is more to do.
func (s *Store) RunBlobSweeper(ctx context.Context, interval time.Duration) {
	s.runBatches(ctx, interval, "blob sweep", blobSweepBatch, s.SweepBlobs)
}

// runBatches runs step every interval until ctx ends, again at once while a run did a whole batch (more is
// waiting), and logs its errors as what.
func (s *Store) runBatches(ctx context.Context, interval time.Duration, what string, batch int, step func(context.Context) (int, error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for {
			n, err := step(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.Warn(what, "err", err)
			}
			if err != nil || n < batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
