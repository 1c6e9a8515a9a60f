-- +goose Up
-- Web sessions carry the version of their user they were signed in with; changing or resetting the password bumps
-- it, which signs every other browser out on its next request.
ALTER TABLE users ADD COLUMN session_version integer NOT NULL DEFAULT 0;

-- Browsers that signed in to an account before (a random cookie, stored hashed). A correct password from one of them
-- passes the per-account lock, so ten wrong guesses from elsewhere cannot keep the owner out.
CREATE TABLE login_devices (
    token_hash   bytea PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_devices_user_idx ON login_devices (user_id, last_used_at);

-- Account emails whose request must cost the same whether or not the account exists (a password reset, the notice
-- that an account was locked): the request only queues one row; a background worker looks the account up.
CREATE TABLE auth_mail_requests (
    id         bigserial PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('reset_password', 'login_locked')),
    email      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE auth_mail_requests;
DROP TABLE login_devices;
ALTER TABLE users DROP COLUMN session_version;
