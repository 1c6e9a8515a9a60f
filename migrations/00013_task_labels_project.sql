-- +goose Up
-- A label filter across every project the caller can see used to count its tasks by hashing the label's links and
-- scanning every visible task to probe them (15 ms for an owner, 40 ms for a member over 100,000 tasks; see
-- docs/PERFORMANCE.md). With the task's project on each link, the count reads the label's links of the visible
-- projects straight off one index. Triggers keep the copy right whatever writes the rows: a link takes its task's
-- project, and moving a task to another project moves its links.
ALTER TABLE task_labels ADD COLUMN project_id uuid;
UPDATE task_labels tl SET project_id = t.project_id FROM tasks t WHERE t.id = tl.task_id;
ALTER TABLE task_labels ALTER COLUMN project_id SET NOT NULL;

-- Replaces task_labels_label_idx (label_id, task_id) for lookups by label.
CREATE INDEX task_labels_label_project_idx ON task_labels (label_id, project_id, task_id);
DROP INDEX task_labels_label_idx;

-- +goose StatementBegin
CREATE FUNCTION task_labels_take_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT project_id INTO NEW.project_id FROM tasks WHERE id = NEW.task_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'task % does not exist', NEW.task_id USING ERRCODE = 'foreign_key_violation',
            CONSTRAINT = 'task_labels_task_id_fkey';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER task_labels_take_project BEFORE INSERT OR UPDATE OF task_id, project_id ON task_labels
    FOR EACH ROW EXECUTE FUNCTION task_labels_take_project();

-- +goose StatementBegin
CREATE FUNCTION tasks_move_labels() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE task_labels SET project_id = NEW.project_id WHERE task_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER tasks_move_labels AFTER UPDATE OF project_id ON tasks
    FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id) EXECUTE FUNCTION tasks_move_labels();

-- +goose Down
DROP TRIGGER tasks_move_labels ON tasks;
DROP FUNCTION tasks_move_labels();
DROP TRIGGER task_labels_take_project ON task_labels;
DROP FUNCTION task_labels_take_project();
CREATE INDEX task_labels_label_idx ON task_labels (label_id, task_id);
DROP INDEX task_labels_label_project_idx;
ALTER TABLE task_labels DROP COLUMN project_id;
