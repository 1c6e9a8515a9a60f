-- +goose Up
-- A task's position becomes a gapped rank: the board orders a group by it, and a move writes only the moved task,
-- taking a rank between its new neighbours (store/task_ranks.go). Spreading the dense 0..n-1 positions by the rank
-- step leaves room for moves; bigint keeps appends and moves to the top clear of overflow. A group is renumbered
-- only when two neighbours have no rank left between them.
ALTER TABLE tasks ALTER COLUMN position TYPE bigint;
UPDATE tasks SET position = position * 1024;

-- +goose Down
UPDATE tasks t SET position = r.n
FROM (SELECT id, row_number() OVER (PARTITION BY group_id ORDER BY position, id) - 1 AS n FROM tasks) r
WHERE t.id = r.id;
ALTER TABLE tasks ALTER COLUMN position TYPE int;
