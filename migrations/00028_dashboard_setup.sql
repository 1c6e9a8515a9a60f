-- +goose Up
-- The dashboard greets a member with "Welcome" on their first visit to an organization, and its setup checklist
-- can be dismissed; both are per member.
ALTER TABLE members
    ADD COLUMN dashboard_seen_at timestamptz,
    ADD COLUMN setup_dismissed_at timestamptz;

-- +goose Down
ALTER TABLE members DROP COLUMN setup_dismissed_at, DROP COLUMN dashboard_seen_at;
