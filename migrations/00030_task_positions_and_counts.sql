-- +goose Up
-- The API's position of a task is its index in its group (0, 1, 2 …, in rank order), and tasks.position is a gapped
-- rank (migration 00029). Counting the index on every read cost a list of 25 tasks thousands of index entries; it
-- is now stored in tasks.group_index, exact while its group's indexes_stale_since is NULL. The triggers below keep
-- that promise whatever writes the rows: an append at the end of a group (the common insert) sets the new task's
-- index from the last task's, in O(1); a write that shifts other tasks' indexes (a move, a delete that is not the
-- last task, an insert in the middle, a change of group) marks the group stale in the same transaction instead of
-- rewriting the column, so a move still writes the moved row and its group's, whatever the column size. Readers
-- count the index of a task of a stale group as before (store/tasks.go taskPosition); a background job renumbers
-- stale groups and clears the mark (store/task_group_index.go). Every trigger takes the group's row lock, which the
-- job takes too, so an append never reads an index the job is rewriting.
ALTER TABLE tasks ADD COLUMN group_index int NOT NULL DEFAULT 0;
ALTER TABLE task_groups ADD COLUMN indexes_stale_since timestamptz;
CREATE INDEX task_groups_indexes_stale_idx ON task_groups (indexes_stale_since) WHERE indexes_stale_since IS NOT NULL;

UPDATE tasks t SET group_index = r.n
FROM (SELECT id, row_number() OVER (PARTITION BY group_id ORDER BY position, id) - 1 AS n FROM tasks) r
WHERE t.id = r.id AND r.n <> 0;

-- task_group_index_valid takes a group's row lock (held already by the store's task writes, lockGroups) and tells
-- whether the group's stored indexes are exact; NULL when the group is gone (deleted earlier in this transaction,
-- or in the cascade deleting it).
-- +goose StatementBegin
CREATE FUNCTION task_group_index_valid(g uuid) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    stale timestamptz;
BEGIN
    SELECT indexes_stale_since INTO stale FROM task_groups WHERE id = g FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    RETURN stale IS NULL;
END
$$;

CREATE FUNCTION task_group_mark_stale(g uuid) RETURNS void LANGUAGE sql AS $$
    UPDATE task_groups SET indexes_stale_since = now() WHERE id = g AND indexes_stale_since IS NULL;
$$;

-- task_group_entry_index is the index of a task entering group g at rank r: the last task's plus one when r is
-- after every rank of the group. Otherwise (a rank above the last) the group is marked stale, and in a stale or
-- gone group the stored index is not read, so it is 0.
CREATE FUNCTION task_group_entry_index(g uuid, r bigint) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    last_rank bigint;
    last_index int;
BEGIN
    IF NOT coalesce(task_group_index_valid(g), false) THEN
        RETURN 0;
    END IF;
    SELECT position, group_index INTO last_rank, last_index FROM tasks WHERE group_id = g ORDER BY position DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    IF last_rank < r THEN
        RETURN last_index + 1;
    END IF;
    PERFORM task_group_mark_stale(g);
    RETURN 0;
END
$$;

-- task_group_leave marks group g stale when task t leaving it from rank r shifts another task's index: when a
-- task of the group has a rank after it.
CREATE FUNCTION task_group_leave(g uuid, t uuid, r bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF task_group_index_valid(g) AND EXISTS (SELECT 1 FROM tasks WHERE group_id = g AND id <> t AND position >= r) THEN
        PERFORM task_group_mark_stale(g);
    END IF;
END
$$;

-- The triggers run BEFORE each row, so in a statement of many rows each sees the rows already written: reasoning
-- one row at a time holds. In a group not marked stale every task's stored index is the number of other tasks of
-- the group with a lower rank, and no two tasks share a rank even inside a transaction (the unique rank is checked
-- only at commit, but a write that would make a tie falls in the closed intervals below and marks the group).
CREATE FUNCTION tasks_group_index_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.group_index := task_group_entry_index(NEW.group_id, NEW.position);
    RETURN NEW;
END
$$;

CREATE FUNCTION tasks_group_index_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.group_id = OLD.group_id THEN
        -- A move within the group shifts no index only when no other task has a rank between the old and the new
        -- one (either included).
        NEW.group_index := OLD.group_index;
        IF task_group_index_valid(NEW.group_id) AND EXISTS (SELECT 1 FROM tasks WHERE group_id = NEW.group_id
                AND id <> NEW.id AND position BETWEEN least(OLD.position, NEW.position) AND greatest(OLD.position, NEW.position)) THEN
            PERFORM task_group_mark_stale(NEW.group_id);
        END IF;
        RETURN NEW;
    END IF;
    -- Another group: the old one loses the task (lock order: by id, as the store's lockGroups), the new one gains it.
    PERFORM task_group_index_valid(least(OLD.group_id, NEW.group_id));
    PERFORM task_group_leave(OLD.group_id, OLD.id, OLD.position);
    NEW.group_index := task_group_entry_index(NEW.group_id, NEW.position);
    RETURN NEW;
END
$$;

CREATE FUNCTION tasks_group_index_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM task_group_leave(OLD.group_id, OLD.id, OLD.position);
    RETURN OLD;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER tasks_group_index_insert BEFORE INSERT ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_group_index_insert();
CREATE TRIGGER tasks_group_index_update BEFORE UPDATE OF group_id, position ON tasks
    FOR EACH ROW WHEN (OLD.group_id IS DISTINCT FROM NEW.group_id OR OLD.position IS DISTINCT FROM NEW.position)
    EXECUTE FUNCTION tasks_group_index_update();
CREATE TRIGGER tasks_group_index_delete BEFORE DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_group_index_delete();

-- The list's total (meta.total) was a count(*) over the tasks the filter selects: for a project's open tasks, 1,439
-- index entries on every page of the benchmark, half of the statement's time once positions were stored. This
-- table keeps the number of tasks per project and status, so a list narrowed by nothing but its projects and a
-- status sums one row per visible project (store/task_list.go statusCount). Triggers keep it exact in the
-- transaction of the change: per statement for inserts (COPY too) and deletes (cascades too), per row for a change
-- of status or project. Each adds its changes in key order, so two transactions lock the counters they share in
-- the same order.
CREATE TABLE task_status_counts (
    project_id uuid   NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status     text   NOT NULL,
    tasks      bigint NOT NULL,
    PRIMARY KEY (project_id, status)
);
INSERT INTO task_status_counts (project_id, status, tasks) SELECT project_id, status, count(*) FROM tasks GROUP BY 1, 2;

-- +goose StatementBegin
CREATE FUNCTION task_status_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_status_counts AS c (project_id, status, tasks)
        SELECT project_id, status, count(*) FROM new_tasks GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (project_id, status) DO UPDATE SET tasks = c.tasks + excluded.tasks;
    RETURN NULL;
END
$$;

-- A counter already gone (the project's cascade deleting it before its tasks) is left alone.
CREATE FUNCTION task_status_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE task_status_counts c SET tasks = c.tasks - o.n
    FROM (SELECT project_id, status, count(*) AS n FROM old_tasks GROUP BY 1, 2 ORDER BY 1, 2) o
    WHERE c.project_id = o.project_id AND c.status = o.status;
    RETURN NULL;
END
$$;

CREATE FUNCTION task_status_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_status_counts AS c (project_id, status, tasks)
        SELECT * FROM (VALUES (OLD.project_id, OLD.status, -1::bigint), (NEW.project_id, NEW.status, 1::bigint)) d
        ORDER BY 1, 2
    ON CONFLICT (project_id, status) DO UPDATE SET tasks = c.tasks + excluded.tasks;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER task_status_counts_add AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_tasks FOR EACH STATEMENT EXECUTE FUNCTION task_status_counts_add();
CREATE TRIGGER task_status_counts_remove AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_tasks FOR EACH STATEMENT EXECUTE FUNCTION task_status_counts_remove();
CREATE TRIGGER task_status_counts_move AFTER UPDATE OF status, project_id ON tasks
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.project_id IS DISTINCT FROM NEW.project_id)
    EXECUTE FUNCTION task_status_counts_move();


-- +goose Down
DROP TRIGGER task_status_counts_move ON tasks;
DROP TRIGGER task_status_counts_remove ON tasks;
DROP TRIGGER task_status_counts_add ON tasks;
DROP FUNCTION task_status_counts_move();
DROP FUNCTION task_status_counts_remove();
DROP FUNCTION task_status_counts_add();
DROP TABLE task_status_counts;
DROP TRIGGER tasks_group_index_delete ON tasks;
DROP TRIGGER tasks_group_index_update ON tasks;
DROP TRIGGER tasks_group_index_insert ON tasks;
DROP FUNCTION tasks_group_index_delete();
DROP FUNCTION tasks_group_index_update();
DROP FUNCTION tasks_group_index_insert();
DROP FUNCTION task_group_leave(uuid, uuid, bigint);
DROP FUNCTION task_group_entry_index(uuid, bigint);
DROP FUNCTION task_group_mark_stale(uuid);
DROP FUNCTION task_group_index_valid(uuid);
DROP INDEX task_groups_indexes_stale_idx;
ALTER TABLE task_groups DROP COLUMN indexes_stale_since;
ALTER TABLE tasks DROP COLUMN group_index;
