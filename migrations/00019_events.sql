-- +goose Up
-- The event seam. A use case records what happened here, in the transaction of the change; everything else that
-- follows from it (notifications, emails, live pushes, and later webhooks and the search index) reads it after
-- commit. Events are ordered by (xid, id): xid is the recording transaction's id, and an event is read only once
-- every transaction older than it has finished (pg_snapshot_xmin), so a reader that walks (xid, id) upwards never
-- skips one that commits late.
CREATE TABLE events (
    id              bigserial PRIMARY KEY,
    xid             xid8 NOT NULL DEFAULT pg_current_xact_id(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    type            text NOT NULL,
    actor_id        uuid,
    entity_type     text NOT NULL DEFAULT '',
    entity_id       uuid,
    -- Who may see it: the whole organization, its owners and admins, a project's members (and admins), a private
    -- channel's members, or one user.
    audience        text NOT NULL CHECK (audience IN ('org', 'admins', 'project', 'channel', 'user')),
    audience_id     uuid,
    data            jsonb NOT NULL DEFAULT '{}',
    -- What an update changed ({"field": {"from", "to"}}), for subscribers that tell people about it.
    changes         jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((audience IN ('org', 'admins')) = (audience_id IS NULL))
);
CREATE INDEX events_order_idx ON events (xid, id);
CREATE INDEX events_created_idx ON events (created_at);

-- Work that subscribers must do for an event, claimed with FOR UPDATE SKIP LOCKED by any process and retried with
-- backoff (the email outbox's delivery, generalised). A row is deleted once done.
CREATE TABLE event_jobs (
    event_id        bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    subscriber      text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '',
    failed_at       timestamptz,
    PRIMARY KEY (event_id, subscriber)
);
CREATE INDEX event_jobs_due_idx ON event_jobs (next_attempt_at, event_id) WHERE failed_at IS NULL;

-- Notification emails per person and subject (a task, an invoice, a channel): the first goes out at once, later ones
-- within the window are counted and summed up in one email when the window ends.
CREATE TABLE notification_email_windows (
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject_key  text NOT NULL,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    ends_at      timestamptz NOT NULL,
    pending      integer NOT NULL DEFAULT 0,
    last_title   text NOT NULL DEFAULT '',
    last_body    text NOT NULL DEFAULT '',
    link         text NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, subject_key)
);
CREATE INDEX notification_email_windows_due_idx ON notification_email_windows (ends_at) WHERE pending > 0;

-- +goose Down
DROP TABLE notification_email_windows;
DROP TABLE event_jobs;
DROP TABLE events;
