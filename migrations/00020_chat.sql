-- +goose Up
-- Chat: channels of an organization (public: every member; private: their members), messages with replies and
-- reactions, and a read marker per person and channel for unread counts.
CREATE TABLE chat_channels (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text NOT NULL,
    description     text NOT NULL DEFAULT '',
    is_private      boolean NOT NULL DEFAULT false,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX chat_channels_name_idx ON chat_channels (organization_id, lower(name));

CREATE TABLE chat_channel_members (
    channel_id uuid NOT NULL REFERENCES chat_channels (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX chat_channel_members_user_idx ON chat_channel_members (user_id);

-- seq orders a channel's messages and is the paging cursor: older pages read (channel_id, seq) downwards.
CREATE TABLE chat_messages (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq             bigint GENERATED ALWAYS AS IDENTITY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    channel_id      uuid NOT NULL REFERENCES chat_channels (id) ON DELETE CASCADE,
    user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    content         text NOT NULL,
    reply_to        uuid REFERENCES chat_messages (id) ON DELETE SET NULL,
    edited_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX chat_messages_channel_seq_idx ON chat_messages (channel_id, seq);

CREATE TABLE chat_reactions (
    message_id uuid NOT NULL REFERENCES chat_messages (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, emoji, user_id)
);

-- The newest message a person has seen in a channel; messages after it (not their own) are unread.
CREATE TABLE chat_reads (
    channel_id    uuid NOT NULL REFERENCES chat_channels (id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_read_seq bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, user_id)
);

-- +goose Down
DROP TABLE chat_reads, chat_reactions, chat_messages, chat_channel_members, chat_channels;
