package store

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// onTaskCompleted runs inside the transaction that made a task completed (done, closed or a terminal custom
// status), after the task row, its audit entry and notifications are written: a recurring task gets its next
// occurrence (store/task_recurrences.go).
func (s *Store) onTaskCompleted(ctx context.Context, tx *sqlx.Tx, a Actor, taskID string) error {
	return s.createNextOccurrence(ctx, tx, a, taskID)
}
