-- +goose Up
-- Counters of windows longer than the janitor's default hour (the daily invitation and email quotas of an
-- organization) record when they lapse, so the janitor keeps them for their whole day.
ALTER TABLE rate_limits ADD COLUMN expires_at timestamptz;

-- The public link of an invoice is signed over its link version; rotating the version revokes every link given out
-- so far. Version 0 signs as links always did, so links emailed before this migration keep opening.
ALTER TABLE invoices ADD COLUMN public_link_version int NOT NULL DEFAULT 0 CHECK (public_link_version >= 0);

-- +goose Down
ALTER TABLE invoices DROP COLUMN public_link_version;
ALTER TABLE rate_limits DROP COLUMN expires_at;
