-- +goose Up
-- Webhooks read their events from the events table itself, each from its own place in it (store/webhook_lanes.go),
-- instead of a pending row per event and webhook written by an event job, claimed, and updated with its outcome.
-- The events table is the durable queue: an event is written in the transaction of the change, and a webhook's
-- sender walks its organization's events in (xid, id) order past the webhook's cursor, reading only events that no
-- running transaction can precede (as the live streams do, migration 00019). A delivery row is now written once,
-- when the delivery was attempted, with its outcome; only a failed delivery (due again later) and one a person
-- asked for (a redelivery, a test event) are pending rows. Nothing is locked while a receiver answers, so a slow
-- receiver no longer holds back the live streams of every organization.

-- Whether a webhook may be sent the event: a type of store/vocab WebhookEventTypes, for the organization, its
-- admins or a project's members (not one person, not a private channel), and not a further copy of an event for
-- another audience (newEvent.LiveOnly).
ALTER TABLE events ADD COLUMN webhooks boolean NOT NULL DEFAULT false;
CREATE INDEX events_webhooks_idx ON events (organization_id, xid, id) WHERE webhooks;

-- The webhook's cursor: every event of its organization up to (cursor_xid, cursor_id) has been sent or is pending
-- as a delivery row. A new webhook starts at its creating transaction, so it gets the events from then on. sender
-- and sender_until lease the webhook to one process's sender, so that a webhook's events go out one at a time, in
-- order, whatever the number of processes; a sender renews it with every batch, and another process takes the
-- webhook over when it lapses (the sender's process died).
ALTER TABLE webhooks
    ADD COLUMN cursor_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    ADD COLUMN cursor_id bigint NOT NULL DEFAULT 0,
    ADD COLUMN sender text,
    ADD COLUMN sender_until timestamptz;

-- A delivery a person asked for (a redelivery or a test event): sent whatever the webhook waits for, and its failure
-- holds nothing back.
ALTER TABLE webhook_deliveries ADD COLUMN asked boolean NOT NULL DEFAULT false;
UPDATE webhook_deliveries d SET asked = true
FROM events e WHERE e.id = d.event_id AND (d.redelivery_of IS NOT NULL OR e.type = 'webhook.test');
-- A delivery's row no longer references its event: with ten webhooks, ten senders' transactions would each lock
-- the event's row (the foreign key's check) as they write their deliveries. Pruning an event deletes its
-- deliveries itself (store/event_jobs.go pruneEvents), with webhook_deliveries_event_idx.
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_id_fkey;
-- The pending deliveries of a webhook, which its sender reads before any new event.
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (webhook_id, id) WHERE status = 'pending';

-- Events whose webhook job had not run yet are read through the cursors instead: they are the only older events
-- marked, and each webhook's cursor starts at the oldest of its organization's.
UPDATE events e SET webhooks = true FROM event_jobs j WHERE j.event_id = e.id AND j.subscriber = 'webhooks';
UPDATE webhooks w SET cursor_xid = m.xid
FROM (SELECT organization_id, min(xid) AS xid FROM events WHERE webhooks GROUP BY organization_id) m
WHERE m.organization_id = w.organization_id;
DELETE FROM event_jobs WHERE subscriber = 'webhooks';

-- +goose Down
DELETE FROM webhook_deliveries d WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = d.event_id);
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_id_fkey
    FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE;
DROP INDEX webhook_deliveries_pending_idx;
ALTER TABLE webhook_deliveries DROP COLUMN asked;
ALTER TABLE webhooks DROP COLUMN cursor_xid, DROP COLUMN cursor_id, DROP COLUMN sender, DROP COLUMN sender_until;
DROP INDEX events_webhooks_idx;
ALTER TABLE events DROP COLUMN webhooks;
