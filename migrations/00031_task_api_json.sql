-- +goose Up
-- GET /api/v1/tasks and GET /api/v1/tasks/:id answer JSON that PostgreSQL writes (store/task_list_json.go). Building
-- it on every read (the project's key, the labels, three times, a row to JSON) was most of what the list of 25
-- cost PostgreSQL; it is now kept with the row, in two parts around "position" (which the reader still adds, since
-- it is exact only while the task's group is not marked stale, migration 00030):
--   api_head  {"id":…,"organization_id":…, … ,"progress":75            (no closing brace)
--   api_tail  "label_ids":[…],"completed_at":…,"created_at":…,"updated_at":…}   (no opening brace)
-- so that a task's JSON is api_head || ',"position":' || position || ',' || api_tail: Task's JSON fields in their
-- order, as encoding/json writes them, with times in UTC ("Z").
--
-- The triggers below keep both exact in the transaction of any change, whatever writes the rows: a task's insert or
-- an update of any column the JSON shows writes them anew (clearing either column asks for that); a change of a
-- task's labels clears its api_tail, a change of a project's key the api_head of its tasks. A column added to Task's
-- JSON must be added to task_api_head or task_api_tail and to the update trigger's column list, in a new migration
-- that also rewrites the stored JSON (store/task_list_json_test.go compares the two after every kind of write).
ALTER TABLE tasks ADD COLUMN api_head text, ADD COLUMN api_tail text;

-- +goose StatementBegin
-- task_api_time is a time as encoding/json writes a time.Time in UTC: RFC 3339, trailing zeros of the fraction
-- dropped (as PostgreSQL drops them), "Z".
CREATE FUNCTION task_api_time(ts timestamptz) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN ts IS NOT NULL THEN (rtrim(to_json(ts AT TIME ZONE 'UTC')::text, '"') || 'Z"')::json END
$$;

-- estimated_hours goes through float8 as it goes through Go's float64: 2.50 is written 2.5.
CREATE FUNCTION task_api_head(t tasks) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT left(row_to_json(x)::text, -1) FROM (SELECT t.id, t.organization_id, t.project_id, t.number,
        (SELECT p.key FROM projects p WHERE p.id = t.project_id) || '-' || t.number AS reference, t.group_id, t.title,
        t.description, t.status, t.priority, t.assignee_id, t.reporter_id, t.start_date, t.due_date,
        t.estimated_hours::float8 AS estimated_hours, t.complexity, t.progress) x
$$;

CREATE FUNCTION task_api_tail(t tasks) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT substr(row_to_json(x)::text, 2) FROM (SELECT
        ARRAY(SELECT tl.label_id FROM task_labels tl WHERE tl.task_id = t.id ORDER BY tl.label_id) AS label_ids,
        task_api_time(t.completed_at) AS completed_at, task_api_time(t.created_at) AS created_at,
        task_api_time(t.updated_at) AS updated_at) x
$$;

-- Named to run after the other BEFORE triggers of tasks (PostgreSQL runs them by name), so that it sees the
-- number tasks_assign_number and tasks_renumber_on_move give.
CREATE FUNCTION tasks_write_api_json() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.api_head := task_api_head(NEW);
    NEW.api_tail := task_api_tail(NEW);
    RETURN NEW;
END
$$;

CREATE FUNCTION task_labels_clear_api_tail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE tasks SET api_tail = NULL WHERE id IN (SELECT task_id FROM added);
    ELSE
        UPDATE tasks SET api_tail = NULL WHERE id IN (SELECT task_id FROM removed);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION projects_clear_api_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tasks SET api_head = NULL WHERE project_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER tasks_write_api_json BEFORE INSERT OR UPDATE OF id, organization_id, project_id, number, group_id,
    title, description, status, priority, assignee_id, reporter_id, start_date, due_date, estimated_hours, complexity,
    progress, completed_at, created_at, updated_at, api_head, api_tail ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_write_api_json();
-- Per statement, so that setting a task's labels, or deleting a label of many tasks, writes each task once. No
-- statement changes a row's task_id or label_id (only its project_id, which the JSON does not show).
CREATE TRIGGER task_labels_added_api_json AFTER INSERT ON task_labels REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION task_labels_clear_api_tail();
CREATE TRIGGER task_labels_removed_api_json AFTER DELETE ON task_labels REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION task_labels_clear_api_tail();
CREATE TRIGGER projects_key_api_json AFTER UPDATE OF key ON projects
    FOR EACH ROW WHEN (OLD.key IS DISTINCT FROM NEW.key) EXECUTE FUNCTION projects_clear_api_head();

UPDATE tasks SET api_head = NULL;
ALTER TABLE tasks ALTER COLUMN api_head SET NOT NULL, ALTER COLUMN api_tail SET NOT NULL;

-- +goose Down
DROP TRIGGER projects_key_api_json ON projects;
DROP TRIGGER task_labels_removed_api_json ON task_labels;
DROP TRIGGER task_labels_added_api_json ON task_labels;
DROP TRIGGER tasks_write_api_json ON tasks;
DROP FUNCTION projects_clear_api_head();
DROP FUNCTION task_labels_clear_api_tail();
DROP FUNCTION tasks_write_api_json();
DROP FUNCTION task_api_tail(tasks);
DROP FUNCTION task_api_head(tasks);
DROP FUNCTION task_api_time(timestamptz);
ALTER TABLE tasks DROP COLUMN api_tail, DROP COLUMN api_head;
