-- +goose Up
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    slug        text NOT NULL,
    timezone    text NOT NULL DEFAULT 'UTC',
    currency    text NOT NULL DEFAULT 'USD',
    settings    jsonb NOT NULL DEFAULT '{}',
    logo_key    text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organizations_slug_key ON organizations (lower(slug));

CREATE TABLE users (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email             text NOT NULL,
    name              text NOT NULL,
    password_hash     text NOT NULL,
    timezone          text NOT NULL DEFAULT 'UTC',
    avatar_key        text,
    email_verified_at timestamptz,
    default_org_id    uuid REFERENCES organizations (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE members (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid REFERENCES users (id) ON DELETE CASCADE,
    email           text NOT NULL,
    role            text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    status          text NOT NULL CHECK (status IN ('invited', 'active')),
    cost_rate       bigint NOT NULL DEFAULT 0 CHECK (cost_rate >= 0),
    invited_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX members_org_email_key ON members (organization_id, lower(email));
CREATE UNIQUE INDEX members_org_user_key ON members (organization_id, user_id);
CREATE INDEX members_user_idx ON members (user_id);

-- Refresh tokens are opaque; only their SHA-256 is stored. Each login starts a family; a refresh rotates the
-- token within its family, and presenting a rotated token revokes the whole family.
CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   uuid NOT NULL,
    token_hash  bytea NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    rotated_at  timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

-- Single-use tokens sent by email: email verification, password reset and invitations.
CREATE TABLE one_time_tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind        text NOT NULL CHECK (kind IN ('verify_email', 'reset_password', 'invitation')),
    token_hash  bytea NOT NULL UNIQUE,
    user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
    member_id   uuid REFERENCES members (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX one_time_tokens_user_idx ON one_time_tokens (user_id, kind);

CREATE TABLE audit_logs (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    user_name       text NOT NULL DEFAULT '',
    action          text NOT NULL,
    entity_type     text NOT NULL,
    entity_id       uuid NOT NULL,
    changes         jsonb NOT NULL DEFAULT '{}',
    ip_address      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_org_created_idx ON audit_logs (organization_id, created_at DESC, id DESC);
CREATE INDEX audit_logs_org_entity_idx ON audit_logs (organization_id, entity_type, entity_id);

-- The email outbox: rows are written in the transaction of the change that causes them and delivered by the
-- background mailer. FOR UPDATE SKIP LOCKED lets several servers share the work with each row sent once.
CREATE TABLE email_outbox (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    to_addresses    text[] NOT NULL,
    subject         text NOT NULL,
    text_body       text NOT NULL,
    html_body       text NOT NULL DEFAULT '',
    attachments     jsonb NOT NULL DEFAULT '[]',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '',
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX email_outbox_created_idx ON email_outbox (created_at DESC);

-- Fixed-window request counters shared by every server process (rate limits must hold behind a load balancer).
CREATE TABLE rate_limits (
    key          text NOT NULL,
    window_start timestamptz NOT NULL,
    count        int NOT NULL,
    PRIMARY KEY (key, window_start)
);

CREATE TABLE login_failures (
    id         bigserial PRIMARY KEY,
    email      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (lower(email), created_at);

-- Browser sessions (alexedwards/scs postgresstore layout).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- +goose Down
DROP TABLE sessions, login_failures, rate_limits, email_outbox, audit_logs, one_time_tokens, refresh_tokens,
    members, users, organizations;
