-- +goose Up
-- Unified search (GET /api/v1/search, the command palette, /search): one row per searchable thing of an
-- organization, with its words in a tsvector and what decides who may see it. Triggers on the source tables keep
-- it current in the same transaction as the change, whatever writes the rows (use cases, COPY seeds, cascaded
-- deletes): a search never shows a deleted message or misses a renamed task. Titles and display names of comments,
-- chat messages and time entries are read from their sources for the returned page only, so renaming a channel or
-- a task rewrites no documents. See docs/DECISIONS.md "Search" and docs/PERFORMANCE.md "Search".

-- pg_trgm ships with PostgreSQL (Debian's postgresql-15 package) and is a trusted extension: a database owner may
-- create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE search_documents (
    entity_id       uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    type            text NOT NULL CHECK (type IN ('task', 'project', 'client', 'invoice', 'comment', 'chat_message', 'time_entry')),
    -- Who may see it: tasks, comments and projects by project membership; chat messages by their channel; time
    -- entries by their owner; clients every member; invoices those who manage billing.
    project_id      uuid,
    channel_id      uuid,
    user_id         uuid,
    -- A comment's task, for its link.
    parent_id       uuid,
    title           text NOT NULL,
    body            text NOT NULL,
    document        tsvector GENERATED ALWAYS AS (
                        setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')) STORED,
    -- When its words last changed (a message: when it was sent): candidates are taken newest first.
    changed_at      timestamptz NOT NULL
);
-- The newest documents of one type, walked in order until enough matches are found (common words).
CREATE INDEX search_documents_recent_idx ON search_documents (organization_id, type, changed_at DESC);
-- Every match of a word or prefix at once (rare words), one index per type: a word that fills the chat must not
-- cost a search of the projects a heap visit per message.
CREATE INDEX search_documents_task_idx ON search_documents USING gin (document) WHERE type = 'task';
CREATE INDEX search_documents_project_idx ON search_documents USING gin (document) WHERE type = 'project';
CREATE INDEX search_documents_client_idx ON search_documents USING gin (document) WHERE type = 'client';
CREATE INDEX search_documents_invoice_idx ON search_documents USING gin (document) WHERE type = 'invoice';
CREATE INDEX search_documents_comment_idx ON search_documents USING gin (document) WHERE type = 'comment';
CREATE INDEX search_documents_chat_message_idx ON search_documents USING gin (document) WHERE type = 'chat_message';
CREATE INDEX search_documents_time_entry_idx ON search_documents USING gin (document) WHERE type = 'time_entry';
-- Titles similar to a mistyped word, for the types that have titles.
CREATE INDEX search_documents_title_trgm_idx ON search_documents USING gin (title gin_trgm_ops)
    WHERE type IN ('task', 'project', 'client', 'invoice');

-- One delete function serves every source table: each names its transition table old_rows.
-- +goose StatementBegin
CREATE FUNCTION search_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_documents d USING old_rows o WHERE d.entity_id = o.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Tasks: title and description; moving a task to another project moves its comments' visibility with it.
-- +goose StatementBegin
CREATE FUNCTION search_tasks_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_documents (entity_id, organization_id, type, project_id, title, body, changed_at)
    SELECT id, organization_id, 'task', project_id, title, description, updated_at FROM new_rows;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION search_tasks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_documents (entity_id, organization_id, type, project_id, title, body, changed_at)
    VALUES (NEW.id, NEW.organization_id, 'task', NEW.project_id, NEW.title, NEW.description, NEW.updated_at)
    ON CONFLICT (entity_id) DO UPDATE SET project_id = excluded.project_id, title = excluded.title,
        body = excluded.body, changed_at = excluded.changed_at;
    IF NEW.project_id IS DISTINCT FROM OLD.project_id THEN
        UPDATE search_documents d SET project_id = NEW.project_id
        FROM task_comments c WHERE c.task_id = NEW.id AND d.entity_id = c.id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_tasks_added AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_tasks_added();
CREATE TRIGGER search_tasks_changed AFTER UPDATE OF title, description, project_id ON tasks FOR EACH ROW
    WHEN ((OLD.title, OLD.description, OLD.project_id) IS DISTINCT FROM (NEW.title, NEW.description, NEW.project_id))
    EXECUTE FUNCTION search_tasks_changed();
CREATE TRIGGER search_tasks_removed AFTER DELETE ON tasks
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_forget();

-- Comments: their body, seen with their task's project.
-- +goose StatementBegin
CREATE FUNCTION search_comments_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_documents (entity_id, organization_id, type, project_id, parent_id, title, body, changed_at)
    SELECT c.id, c.organization_id, 'comment', t.project_id, c.task_id, '', c.body, c.updated_at
    FROM new_rows c JOIN tasks t ON t.id = c.task_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION search_comments_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_documents SET body = NEW.body, changed_at = NEW.updated_at WHERE entity_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_comments_added AFTER INSERT ON task_comments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_comments_added();
CREATE TRIGGER search_comments_changed AFTER UPDATE OF body ON task_comments FOR EACH ROW
    WHEN (OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION search_comments_changed();
CREATE TRIGGER search_comments_removed AFTER DELETE ON task_comments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_forget();

-- Projects: name and description, seen by their members.
-- +goose StatementBegin
CREATE FUNCTION search_projects_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_documents (entity_id, organization_id, type, project_id, title, body, changed_at)
    SELECT id, organization_id, 'project', id, name, description, updated_at FROM new_rows;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION search_projects_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_documents SET title = NEW.name, body = NEW.description, changed_at = NEW.updated_at
    WHERE entity_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_projects_added AFTER INSERT ON projects
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_projects_added();
CREATE TRIGGER search_projects_changed AFTER UPDATE OF name, description ON projects FOR EACH ROW
    WHEN ((OLD.name, OLD.description) IS DISTINCT FROM (NEW.name, NEW.description))
    EXECUTE FUNCTION search_projects_changed();
CREATE TRIGGER search_projects_removed AFTER DELETE ON projects
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_forget();

-- Clients: name, email, phone and notes. An invoice's words include its client's name, so a rename rewrites them.
-- +goose StatementBegin
CREATE FUNCTION search_clients_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_documents (entity_id, organization_id, type, title, body, changed_at)
    SELECT id, organization_id, 'client', name, concat_ws(' ', nullif(email, ''), nullif(phone, ''), nullif(notes, '')),
        updated_at
    FROM new_rows;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION search_clients_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_documents
    SET title = NEW.name, body = concat_ws(' ', nullif(NEW.email, ''), nullif(NEW.phone, ''), nullif(NEW.notes, '')),
        changed_at = NEW.updated_at
    WHERE entity_id = NEW.id;
    IF NEW.name IS DISTINCT FROM OLD.name THEN
        UPDATE search_documents d SET body = concat_ws(' ', NEW.name, nullif(i.notes, ''))
        FROM invoices i WHERE i.client_id = NEW.id AND d.entity_id = i.id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_clients_added AFTER INSERT ON clients
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_clients_added();
CREATE TRIGGER search_clients_changed AFTER UPDATE OF name, email, phone, notes ON clients FOR EACH ROW
    WHEN ((OLD.name, OLD.email, OLD.phone, OLD.notes) IS DISTINCT FROM (NEW.name, NEW.email, NEW.phone, NEW.notes))
    EXECUTE FUNCTION search_clients_changed();
CREATE TRIGGER search_clients_removed AFTER DELETE ON clients
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_forget();

-- Invoices: the number as title; the client's name and the notes as body.
-- +goose StatementBegin
CREATE FUNCTION search_invoices_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_documents (entity_id, organization_id, type, title, body, changed_at)
    SELECT i.id, i.organization_id, 'invoice', i.number, concat_ws(' ', c.name, nullif(i.notes, '')), i.updated_at
    FROM new_rows i JOIN clients c ON c.id = i.client_id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION search_invoices_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_documents d SET title = NEW.number, body = concat_ws(' ', c.name, nullif(NEW.notes, '')),
        changed_at = NEW.updated_at
    FROM clients c WHERE c.id = NEW.client_id AND d.entity_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_invoices_added AFTER INSERT ON invoices
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_invoices_added();
CREATE TRIGGER search_invoices_changed AFTER UPDATE OF number, notes, client_id ON invoices FOR EACH ROW
    WHEN ((OLD.number, OLD.notes, OLD.client_id) IS DISTINCT FROM (NEW.number, NEW.notes, NEW.client_id))
    EXECUTE FUNCTION search_invoices_changed();
CREATE TRIGGER search_invoices_removed AFTER DELETE ON invoices
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_forget();

-- Chat messages: their content, seen by whoever sees the channel. A message never changes channel.
-- +goose StatementBegin
CREATE FUNCTION search_messages_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_documents (entity_id, organization_id, type, channel_id, title, body, changed_at)
    SELECT id, organization_id, 'chat_message', channel_id, '', content, created_at FROM new_rows;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION search_messages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_documents SET body = NEW.content WHERE entity_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_messages_added AFTER INSERT ON chat_messages
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_messages_added();
CREATE TRIGGER search_messages_changed AFTER UPDATE OF content ON chat_messages FOR EACH ROW
    WHEN (OLD.content IS DISTINCT FROM NEW.content) EXECUTE FUNCTION search_messages_changed();
CREATE TRIGGER search_messages_removed AFTER DELETE ON chat_messages
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_forget();

-- Time entries: their description when there is one, seen by their owner (and those who manage all time).
-- +goose StatementBegin
CREATE FUNCTION search_time_entries_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_documents (entity_id, organization_id, type, project_id, user_id, title, body, changed_at)
    SELECT id, organization_id, 'time_entry', project_id, user_id, '', description, started_at
    FROM new_rows WHERE btrim(description) <> '';
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION search_time_entries_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF btrim(NEW.description) = '' THEN
        DELETE FROM search_documents WHERE entity_id = NEW.id;
    ELSE
        INSERT INTO search_documents (entity_id, organization_id, type, project_id, user_id, title, body, changed_at)
        VALUES (NEW.id, NEW.organization_id, 'time_entry', NEW.project_id, NEW.user_id, '', NEW.description, NEW.started_at)
        ON CONFLICT (entity_id) DO UPDATE SET project_id = excluded.project_id, user_id = excluded.user_id,
            body = excluded.body, changed_at = excluded.changed_at;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER search_time_entries_added AFTER INSERT ON time_entries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_time_entries_added();
CREATE TRIGGER search_time_entries_changed AFTER UPDATE OF description, user_id, project_id, started_at ON time_entries
    FOR EACH ROW
    WHEN ((OLD.description, OLD.user_id, OLD.project_id, OLD.started_at) IS DISTINCT FROM
          (NEW.description, NEW.user_id, NEW.project_id, NEW.started_at))
    EXECUTE FUNCTION search_time_entries_changed();
CREATE TRIGGER search_time_entries_removed AFTER DELETE ON time_entries
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_forget();

-- What exists already.
INSERT INTO search_documents (entity_id, organization_id, type, project_id, title, body, changed_at)
    SELECT id, organization_id, 'project', id, name, description, updated_at FROM projects;
INSERT INTO search_documents (entity_id, organization_id, type, project_id, title, body, changed_at)
    SELECT id, organization_id, 'task', project_id, title, description, updated_at FROM tasks;
INSERT INTO search_documents (entity_id, organization_id, type, project_id, parent_id, title, body, changed_at)
    SELECT c.id, c.organization_id, 'comment', t.project_id, c.task_id, '', c.body, c.updated_at
    FROM task_comments c JOIN tasks t ON t.id = c.task_id;
INSERT INTO search_documents (entity_id, organization_id, type, title, body, changed_at)
    SELECT id, organization_id, 'client', name, concat_ws(' ', nullif(email, ''), nullif(phone, ''), nullif(notes, '')),
        updated_at FROM clients;
INSERT INTO search_documents (entity_id, organization_id, type, title, body, changed_at)
    SELECT i.id, i.organization_id, 'invoice', i.number, concat_ws(' ', c.name, nullif(i.notes, '')), i.updated_at
    FROM invoices i JOIN clients c ON c.id = i.client_id;
INSERT INTO search_documents (entity_id, organization_id, type, channel_id, title, body, changed_at)
    SELECT id, organization_id, 'chat_message', channel_id, '', content, created_at FROM chat_messages;
INSERT INTO search_documents (entity_id, organization_id, type, project_id, user_id, title, body, changed_at)
    SELECT id, organization_id, 'time_entry', project_id, user_id, '', description, started_at
    FROM time_entries WHERE btrim(description) <> '';

-- +goose Down
DROP TRIGGER search_time_entries_removed ON time_entries;
DROP TRIGGER search_time_entries_changed ON time_entries;
DROP TRIGGER search_time_entries_added ON time_entries;
DROP TRIGGER search_messages_removed ON chat_messages;
DROP TRIGGER search_messages_changed ON chat_messages;
DROP TRIGGER search_messages_added ON chat_messages;
DROP TRIGGER search_invoices_removed ON invoices;
DROP TRIGGER search_invoices_changed ON invoices;
DROP TRIGGER search_invoices_added ON invoices;
DROP TRIGGER search_clients_removed ON clients;
DROP TRIGGER search_clients_changed ON clients;
DROP TRIGGER search_clients_added ON clients;
DROP TRIGGER search_projects_removed ON projects;
DROP TRIGGER search_projects_changed ON projects;
DROP TRIGGER search_projects_added ON projects;
DROP TRIGGER search_comments_removed ON task_comments;
DROP TRIGGER search_comments_changed ON task_comments;
DROP TRIGGER search_comments_added ON task_comments;
DROP TRIGGER search_tasks_removed ON tasks;
DROP TRIGGER search_tasks_changed ON tasks;
DROP TRIGGER search_tasks_added ON tasks;
DROP FUNCTION search_time_entries_changed(), search_time_entries_added(), search_messages_changed(),
    search_messages_added(), search_invoices_changed(), search_invoices_added(), search_clients_changed(),
    search_clients_added(), search_projects_changed(), search_projects_added(), search_comments_changed(),
    search_comments_added(), search_tasks_changed(), search_tasks_added(), search_forget();
DROP TABLE search_documents;
