-- +goose Up
-- A monthly series remembers the day of the month it started on, so Jan 31 → Feb 28 → Mar 31 rather than
-- drifting to the 28th for good once a short month has clamped it. NULL for other patterns.
ALTER TABLE task_recurrences ADD COLUMN anchor_day smallint CHECK (anchor_day BETWEEN 1 AND 31);

-- +goose Down
ALTER TABLE task_recurrences DROP COLUMN anchor_day;
