-- +goose Up
-- Files attached to tasks. An attachment belongs to its organization and, for now, to a task; comment_id and
-- message_id are there for attachments of comments and chat messages, which later features fill in. The content
-- lives in blob storage under blob_key (and a thumbnail of images under thumbnail_key); size counts against the
-- organization's storage quota.
CREATE TABLE attachments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    task_id         uuid REFERENCES tasks (id) ON DELETE CASCADE,
    comment_id      uuid REFERENCES task_comments (id) ON DELETE CASCADE,
    message_id      uuid REFERENCES chat_messages (id) ON DELETE CASCADE,
    filename        text NOT NULL CHECK (filename <> ''),
    content_type    text NOT NULL,
    size            bigint NOT NULL CHECK (size > 0),
    blob_key        text NOT NULL UNIQUE,
    thumbnail_key   text UNIQUE,
    uploaded_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_task_idx ON attachments (task_id, created_at, id) WHERE task_id IS NOT NULL;
-- The quota sums an organization's sizes from this index alone.
CREATE INDEX attachments_org_size_idx ON attachments (organization_id) INCLUDE (size);
CREATE INDEX attachments_comment_idx ON attachments (comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX attachments_message_idx ON attachments (message_id) WHERE message_id IS NOT NULL;

-- Objects to remove from blob storage, and the sweep's retries. Rows are written in the transaction that deletes
-- what referenced the object (the trigger below, also when a task or an organization cascades), and before an
-- upload starts writing, due an hour later, so that an object whose upload never committed is removed too.
CREATE TABLE blob_deletions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    blob_key   text NOT NULL,
    due_at     timestamptz NOT NULL DEFAULT now(),
    attempts   int NOT NULL DEFAULT 0,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX blob_deletions_due_idx ON blob_deletions (due_at);

-- +goose StatementBegin
CREATE FUNCTION attachments_queue_blob_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO blob_deletions (blob_key) VALUES (OLD.blob_key);
    IF OLD.thumbnail_key IS NOT NULL THEN
        INSERT INTO blob_deletions (blob_key) VALUES (OLD.thumbnail_key);
    END IF;
    RETURN OLD;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER attachments_blob_deletion AFTER DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION attachments_queue_blob_deletion();

-- +goose Down
DROP TABLE blob_deletions;
DROP TABLE attachments;
DROP FUNCTION attachments_queue_blob_deletion();
