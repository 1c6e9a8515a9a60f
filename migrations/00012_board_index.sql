-- +goose Up
-- The board counts the checklist items (done and all) of each card it shows, one index probe per card. With
-- `completed` in the index that probe is an index-only scan, like the comment count's; without it, it is a bitmap
-- heap scan per card: the query of a board's first 250 cards took 3.1 ms instead of 1.6 over 100,000 tasks
-- (docs/PERFORMANCE.md, "Board").

-- Replaces task_checklist_items_task_idx (task_id, position): the same keys, so the checklist still reads in order.
CREATE INDEX task_checklist_items_task_done_idx ON task_checklist_items (task_id, position) INCLUDE (completed);
DROP INDEX task_checklist_items_task_idx;

-- +goose Down
CREATE INDEX task_checklist_items_task_idx ON task_checklist_items (task_id, position);
DROP INDEX task_checklist_items_task_done_idx;
