-- +goose Up
-- Outbound webhooks of an organization: the events of the live stream that an owner or admin subscribes a URL to,
-- each POSTed signed with the webhook's secret (DECISIONS.md "Outbound webhooks").
CREATE TABLE webhooks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url             text NOT NULL,
    -- Event types of the live stream, or '*' for all of them.
    events          text[] NOT NULL,
    secret          text NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    -- Why TRCR turned the webhook off (its deliveries failed for a day); empty when a person did, or when active.
    disabled_reason text NOT NULL DEFAULT '',
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_organization_idx ON webhooks (organization_id, created_at);

-- One row per event to deliver to a webhook, made by the webhooks subscriber in the transaction that handles the
-- event's job, and sent outside transactions: claimed when due with FOR UPDATE SKIP LOCKED, leased while it is
-- sent, rescheduled with backoff after a failure for a day, then failed. The body is the event's, read from events,
-- so it is not stored twice; request_headers are those of the last attempt (the signature, never the secret).
CREATE TABLE webhook_deliveries (
    id              bigserial PRIMARY KEY,
    webhook_id      uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- The delivery this one repeats, for a redelivery asked for by a person.
    redelivery_of   bigint,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    request_headers jsonb NOT NULL DEFAULT '{}',
    response_code   integer,
    duration_ms     integer NOT NULL DEFAULT 0,
    error           text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id DESC);
-- Events are pruned after a week; their deliveries go with them.
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

-- +goose Down
DROP TABLE webhook_deliveries, webhooks;
