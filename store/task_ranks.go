package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// A task's place in its group is a gapped rank (tasks.position, migration 00029): the group is ordered by it, and
// the API's position is the task's index in that order (taskColumns). Appending takes the last rank plus
// RankStep; a move takes a rank halfway between its new neighbours, so it writes the moved task's row alone
// whatever the size of the column. Only when two neighbours have no rank left between them (about ten moves into
// the same spot) is the group renumbered, once, back to RankStep apart.

// RankStep is the gap between the ranks of neighbouring tasks after an append or a renumbering.
const RankStep = 1024

// appendRankSQL is the rank of a task appended to group $3 of an INSERT: after its last task.
var appendRankSQL = fmt.Sprintf(`(SELECT coalesce(max(position) + %d, 0) FROM tasks WHERE group_id = $3)`, RankStep)

// appendRank returns the rank after the last task of a group.
func appendRank(ctx context.Context, tx *sqlx.Tx, groupID string) (int64, error) {
	var r int64
	err := tx.GetContext(ctx, &r, `SELECT coalesce(max(position) + $2, 0) FROM tasks WHERE group_id = $1`, groupID, RankStep)
	return r, err
}

// rankAt returns the rank that puts a task at index pos among the other tasks of a group (pos past the end:
// last), renumbering the group first when its neighbours there have no rank between them; nil when the task is
// there already. The group's row lock must be held. It reads about pos entries of the group's rank index and,
// unless it renumbers, writes nothing.
func rankAt(ctx context.Context, tx *sqlx.Tx, groupID, taskID string, pos int) (*int64, error) {
	for renumbered := false; ; renumbered = true {
		prev, next, self, err := rankNeighbours(ctx, tx, groupID, taskID, pos)
		if err != nil {
			return nil, err
		}
		if self != nil && (prev == nil || *prev < *self) && (next == nil || *self < *next) {
			return nil, nil
		}
		var r int64
		switch {
		case prev == nil && next == nil:
			r = 0
		case prev == nil:
			r = *next - RankStep
		case next == nil:
			r = *prev + RankStep
		case *next-*prev > 1:
			r = *prev + (*next-*prev)/2
		case renumbered:
			return nil, fmt.Errorf("rank: no room after renumbering group %s", groupID)
		default:
			if err := renumberGroup(ctx, tx, groupID, taskID); err != nil {
				return nil, err
			}
			continue
		}
		return &r, nil
	}
}

// rankNeighbours reads, in one statement, the ranks of the tasks at index pos-1 and pos among the group's tasks
// other than taskID (the last of them when pos is past the end), and the task's own rank if it is in the group.
func rankNeighbours(ctx context.Context, tx *sqlx.Tx, groupID, taskID string, pos int) (prev, next, self *int64, err error) {
	var window pq.Int64Array
	var last, own sql.NullInt64
	err = tx.QueryRowContext(ctx, `
		SELECT (SELECT array_agg(position) FROM (SELECT position FROM tasks WHERE group_id = $1 AND id <> $2
				ORDER BY position OFFSET $3 LIMIT $4) w),
			(SELECT max(position) FROM tasks WHERE group_id = $1 AND id <> $2),
			(SELECT position FROM tasks WHERE group_id = $1 AND id = $2)`,
		groupID, taskID, max(pos-1, 0), min(pos+1, 2)).Scan(&window, &last, &own)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("rank neighbours: %w", err)
	}
	if pos > 0 {
		switch {
		case len(window) > 0:
			prev, window = &window[0], window[1:]
		case last.Valid: // past the end
			prev = &last.Int64
		}
	}
	if len(window) > 0 {
		next = &window[0]
	}
	if own.Valid {
		self = &own.Int64
	}
	return prev, next, self, nil
}

// renumberGroup spreads the ranks of a group's tasks other than taskID RankStep apart, keeping their order. The
// unique (group_id, position) constraint is deferred, so taskID may share a rank until it takes its new one.
func renumberGroup(ctx context.Context, tx *sqlx.Tx, groupID, taskID string) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE tasks t SET position = r.n * $3
		FROM (SELECT id, row_number() OVER (ORDER BY position, id) - 1 AS n FROM tasks WHERE group_id = $1 AND id <> $2) r
		WHERE t.id = r.id AND t.position <> r.n * $3`, groupID, taskID, RankStep)
	if err != nil {
		return fmt.Errorf("renumber group: %w", err)
	}
	return nil
}
