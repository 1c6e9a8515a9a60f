-- +goose Up
-- A board column may be bound to a task status: dropping a card into it sets that status, and a task whose status
-- changes moves to the first column bound to its new status. NULL: a column of its own, bound to nothing. Several
-- columns may share a status (Backlog and To do are both open). A custom status's code is cleared from the columns
-- when the status is deleted (store.DeleteTaskStatus).
ALTER TABLE task_groups ADD COLUMN status_code text;

-- Existing boards get bindings from their columns' names, the way a team would read them.
UPDATE task_groups g SET status_code = CASE
        WHEN lower(btrim(g.name)) IN ('backlog', 'to do', 'todo', 'open', 'new') THEN 'open'
        WHEN lower(btrim(g.name)) IN ('in progress', 'doing', 'in_progress', 'started') THEN 'in_progress'
        WHEN lower(btrim(g.name)) IN ('done', 'complete', 'completed', 'finished') THEN 'done'
        WHEN lower(btrim(g.name)) = 'closed' THEN 'closed'
        ELSE (SELECT s.code FROM task_statuses s
              WHERE s.organization_id = g.organization_id
                AND (lower(s.label) = lower(btrim(g.name)) OR s.code = lower(btrim(g.name))
                     OR (lower(btrim(g.name)) IN ('review', 'in review') AND s.code IN ('review', 'in_review')))
              ORDER BY s.position LIMIT 1)
    END;

-- +goose Down
ALTER TABLE task_groups DROP COLUMN status_code;
