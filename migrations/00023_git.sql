-- +goose Up
-- Short references and Git integration.
--
-- Every project has a key (2 to 10 capital letters, unique in its organization, derived from its name unless one is
-- given) and every task a number, counted per project from 1: together they make the task's short reference,
-- TRC-123, which commit messages, branch names and pull request titles use to name a task. Triggers give both
-- whatever writes the row (the use cases, the seeds, tests that insert rows), in the inserting transaction: a
-- task's number comes from its project's counter row, incremented with UPDATE … RETURNING, so concurrent creates
-- in a project wait for each other on that row and never share a number.

-- +goose StatementBegin
CREATE FUNCTION project_key_base(name text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    words text[] := ARRAY(SELECT w FROM regexp_split_to_table(upper(name), '[^A-Z]+') WITH ORDINALITY AS t(w, i)
                          WHERE w <> '' ORDER BY i);
    base  text := '';
BEGIN
    IF cardinality(words) >= 2 THEN
        SELECT string_agg(left(w, 1), '' ORDER BY i) INTO base FROM unnest(words[1:4]) WITH ORDINALITY AS t(w, i);
    ELSIF cardinality(words) = 1 THEN
        base := left(words[1], 3);
    END IF;
    IF length(base) < 2 THEN
        base := 'PRJ';
    END IF;
    RETURN base;
END
$$;
-- +goose StatementEnd

-- free_project_key is base, or base with letters in place of its end (WRA, WRB … WRZ, WRAA …) when base is taken in
-- the organization. The caller holds the organization's key lock.
-- +goose StatementBegin
CREATE FUNCTION free_project_key(org uuid, base text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    candidate text := base;
    n         integer := 0;
    m         integer;
    suffix    text;
BEGIN
    WHILE EXISTS (SELECT 1 FROM projects WHERE organization_id = org AND key = candidate) LOOP
        n := n + 1;
        suffix := '';
        m := n;
        WHILE m > 0 LOOP
            m := m - 1;
            suffix := chr(65 + m % 26) || suffix;
            m := m / 26;
        END LOOP;
        candidate := left(base, 10 - length(suffix)) || suffix;
    END LOOP;
    RETURN candidate;
END
$$;
-- +goose StatementEnd

ALTER TABLE projects ADD COLUMN key text;
-- +goose StatementBegin
DO $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT id, organization_id, name FROM projects ORDER BY created_at, id LOOP
        UPDATE projects SET key = free_project_key(p.organization_id, project_key_base(p.name)) WHERE id = p.id;
    END LOOP;
END
$$;
-- +goose StatementEnd
ALTER TABLE projects ALTER COLUMN key SET NOT NULL,
    ADD CONSTRAINT projects_key_format CHECK (key ~ '^[A-Z]{2,10}$');
CREATE UNIQUE INDEX projects_org_key ON projects (organization_id, key);

-- A key being written takes the organization's key lock, so that a key derived for one project sees the keys that
-- concurrent transactions are giving others (an explicit key that is taken still fails on projects_org_key).
-- +goose StatementBegin
CREATE FUNCTION projects_assign_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('trcr.project_key'), hashtext(NEW.organization_id::text));
    IF NEW.key IS NULL THEN
        NEW.key := free_project_key(NEW.organization_id, project_key_base(NEW.name));
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER projects_assign_key BEFORE INSERT OR UPDATE OF key ON projects
    FOR EACH ROW EXECUTE FUNCTION projects_assign_key();

CREATE TABLE task_counters (
    project_id  uuid PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
    last_number integer NOT NULL
);

ALTER TABLE tasks ADD COLUMN number integer;
UPDATE tasks t SET number = n.number
FROM (SELECT id, row_number() OVER (PARTITION BY project_id ORDER BY created_at, id) AS number FROM tasks) n
WHERE n.id = t.id;
INSERT INTO task_counters (project_id, last_number) SELECT project_id, max(number) FROM tasks GROUP BY project_id;
ALTER TABLE tasks ALTER COLUMN number SET NOT NULL;
-- Finds the task of a reference (KEY-123 → the project by key, then this).
CREATE UNIQUE INDEX tasks_project_number_key ON tasks (project_id, number);

-- A task takes the next number of its project when inserted without one, and when it moves to another project.
-- +goose StatementBegin
CREATE FUNCTION tasks_assign_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO task_counters AS c (project_id, last_number) VALUES (NEW.project_id, 1)
    ON CONFLICT (project_id) DO UPDATE SET last_number = c.last_number + 1
    RETURNING last_number INTO NEW.number;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER tasks_assign_number BEFORE INSERT ON tasks
    FOR EACH ROW WHEN (NEW.number IS NULL) EXECUTE FUNCTION tasks_assign_number();
CREATE TRIGGER tasks_renumber_on_move BEFORE UPDATE OF project_id ON tasks
    FOR EACH ROW WHEN (OLD.project_id IS DISTINCT FROM NEW.project_id) EXECUTE FUNCTION tasks_assign_number();

-- Connected repositories. hook_secret verifies what the provider sends (GitHub and Gitea sign the body with it,
-- GitLab sends it back as a token); it is shown once, when the repository is connected.
CREATE TABLE git_repositories (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id      uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    project_id           uuid REFERENCES projects (id) ON DELETE SET NULL,
    provider             text NOT NULL CHECK (provider IN ('github', 'gitlab', 'gitea')),
    repo_url             text NOT NULL,
    full_name            text NOT NULL,
    hook_secret          text NOT NULL,
    close_tasks_on_merge boolean NOT NULL DEFAULT true,
    created_by           uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
-- Hosts read owner and repository names in any case: one repository is connected once.
CREATE UNIQUE INDEX git_repositories_org_url_key ON git_repositories (organization_id, lower(repo_url));
CREATE INDEX git_repositories_project_idx ON git_repositories (project_id);

-- Verified events, one per provider delivery: the delivery id is unique per repository, so a replayed delivery
-- changes nothing. summary is what the event says in the provider's terms made common (commits, branch, pull
-- request); pr_number finds the earlier events of a pull request, whose tasks its later events stay linked to.
CREATE TABLE git_events (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    repository_id   uuid NOT NULL REFERENCES git_repositories (id) ON DELETE CASCADE,
    delivery_id     text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('push', 'pull_request', 'branch_created', 'branch_deleted')),
    branch          text NOT NULL DEFAULT '',
    pr_number       integer,
    summary         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository_id, delivery_id)
);
CREATE INDEX git_events_pr_idx ON git_events (repository_id, pr_number) WHERE pr_number IS NOT NULL;

CREATE TABLE git_event_tasks (
    task_id      uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    git_event_id uuid NOT NULL REFERENCES git_events (id) ON DELETE CASCADE,
    PRIMARY KEY (task_id, git_event_id)
);
CREATE INDEX git_event_tasks_event_idx ON git_event_tasks (git_event_id);

-- Every request the inbound hook received, verified or not, for the settings page ("last deliveries"); the newest
-- 50 of a repository are kept.
CREATE TABLE git_hook_deliveries (
    id            bigserial PRIMARY KEY,
    repository_id uuid NOT NULL REFERENCES git_repositories (id) ON DELETE CASCADE,
    delivery_id   text NOT NULL DEFAULT '',
    event         text NOT NULL DEFAULT '',
    status        text NOT NULL CHECK (status IN ('accepted', 'ignored', 'duplicate', 'rejected')),
    error         text NOT NULL DEFAULT '',
    received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX git_hook_deliveries_repository_idx ON git_hook_deliveries (repository_id, id DESC);

-- Outgoing webhooks of a repository's events, signed with their secret.
CREATE TABLE git_webhooks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    repository_id   uuid NOT NULL REFERENCES git_repositories (id) ON DELETE CASCADE,
    url             text NOT NULL,
    events          text[] NOT NULL,
    secret          text NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX git_webhooks_repository_idx ON git_webhooks (repository_id);

-- One row per attempt to deliver a git event to a webhook. delivery_id (X-TRCR-Delivery) is the same for every
-- attempt of one event to one webhook, so receivers can drop a copy.
CREATE TABLE git_webhook_deliveries (
    id            bigserial PRIMARY KEY,
    webhook_id    uuid NOT NULL REFERENCES git_webhooks (id) ON DELETE CASCADE,
    git_event_id  uuid NOT NULL REFERENCES git_events (id) ON DELETE CASCADE,
    delivery_id   uuid NOT NULL,
    status        text NOT NULL CHECK (status IN ('delivered', 'failed')),
    response_code integer,
    duration_ms   integer NOT NULL DEFAULT 0,
    error         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX git_webhook_deliveries_webhook_idx ON git_webhook_deliveries (webhook_id, id DESC);
CREATE INDEX git_webhook_deliveries_event_idx ON git_webhook_deliveries (git_event_id, webhook_id) WHERE status = 'delivered';

-- +goose Down
DROP TABLE git_webhook_deliveries, git_webhooks, git_hook_deliveries, git_event_tasks, git_events, git_repositories;
DROP TRIGGER tasks_renumber_on_move ON tasks;
DROP TRIGGER tasks_assign_number ON tasks;
DROP FUNCTION tasks_assign_number();
DROP INDEX tasks_project_number_key;
ALTER TABLE tasks DROP COLUMN number;
DROP TABLE task_counters;
DROP TRIGGER projects_assign_key ON projects;
DROP FUNCTION projects_assign_key();
DROP INDEX projects_org_key;
ALTER TABLE projects DROP CONSTRAINT projects_key_format, DROP COLUMN key;
DROP FUNCTION free_project_key(uuid, text);
DROP FUNCTION project_key_base(text);
