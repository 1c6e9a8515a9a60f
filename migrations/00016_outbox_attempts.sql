-- +goose Up
-- The mailer commits "attempt N started at" before it talks to the relay, so an email whose send was cut short
-- (a crash, a lost database, a shutdown) is known to have been attempted and is tried again, with the same
-- Message-ID, once its claim runs out.
ALTER TABLE email_outbox ADD COLUMN last_attempt_at timestamptz;

-- +goose Down
ALTER TABLE email_outbox DROP COLUMN last_attempt_at;
