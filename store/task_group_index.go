package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/internal/dbtx"
)

// The API's position of a task is its index in its group. It is stored in tasks.group_index and exact while the
// group's indexes_stale_since is NULL (migration 00030): triggers on tasks give an appended task its index and mark
// the group stale, in the same transaction, on any write that shifts other tasks' indexes (a move, a delete, an
// insert in the middle, a change of group), so that a move writes no more than its own row and its group's.
// taskPosition reads the stored index, or counts it in a stale group. RenumberStaleGroups brings stale groups'
// indexes up to date and clears their mark; every process runs it in the background (RunGroupIndexer).

// groupIndexBatch is how many stale groups one RenumberStaleGroups call takes.
const groupIndexBatch = 50

// RenumberStaleGroups stores the index of every task of up to groupIndexBatch stale groups, oldest mark first, and
// reports how many groups it renumbered. A group whose lock another transaction holds is left for a later call.
func (s *Store) RenumberStaleGroups(ctx context.Context) (int, error) {
	var ids []string
	if err := s.db.SelectContext(ctx, &ids, `
		SELECT id FROM task_groups WHERE indexes_stale_since IS NOT NULL ORDER BY indexes_stale_since LIMIT $1`,
		groupIndexBatch); err != nil {
		return 0, fmt.Errorf("stale groups: %w", err)
	}
	done := 0
	for _, id := range ids {
		// No auth-cache reset (withTx): indexes say nothing about who may do what.
		err := dbtx.Run(ctx, s.db, func(tx *sqlx.Tx) error {
			// The group's lock, as task writes take it (lockGroups, and the triggers), or nothing if it is busy;
			// a task row held by a write that does not hold its group (a label change) is waited for briefly.
			if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '200ms'`); err != nil {
				return err
			}
			var stale []string
			if err := tx.SelectContext(ctx, &stale, `
				SELECT id FROM task_groups WHERE id = $1 AND indexes_stale_since IS NOT NULL FOR NO KEY UPDATE SKIP LOCKED`,
				id); err != nil || len(stale) == 0 {
				return err
			}
			if _, err := tx.ExecContext(ctx, `
				UPDATE tasks t SET group_index = r.n
				FROM (SELECT id, row_number() OVER (ORDER BY position) - 1 AS n FROM tasks WHERE group_id = $1) r
				WHERE t.id = r.id AND t.group_index <> r.n`, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE task_groups SET indexes_stale_since = NULL WHERE id = $1`, id); err != nil {
				return err
			}
			done++
			return nil
		})
		if err != nil {
			if ctx.Err() != nil || isLockTimeout(err) {
				continue // left stale: readers count, a later call renumbers
			}
			return done, fmt.Errorf("renumber group %s: %w", id, err)
		}
	}
	return done, nil
}

// RunGroupIndexer renumbers stale groups every interval until ctx ends, batch after batch while there is more.
func (s *Store) RunGroupIndexer(ctx context.Context, interval time.Duration) {
	s.runBatches(ctx, interval, "group indexes", groupIndexBatch, s.RenumberStaleGroups)
}

// isLockTimeout reports whether err is PostgreSQL's lock_not_available (lock_timeout ran out).
func isLockTimeout(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "55P03"
}
