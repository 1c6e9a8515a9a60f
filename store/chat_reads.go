package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// advanceReadMarker moves a reader's marker forward to seq, never back.
func advanceReadMarker(ctx context.Context, tx *sqlx.Tx, channelID, userID string, seq int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO chat_reads (channel_id, user_id, last_read_seq) VALUES ($1, $2, $3)
		ON CONFLICT (channel_id, user_id) DO UPDATE SET last_read_seq = greatest(chat_reads.last_read_seq, EXCLUDED.last_read_seq)`,
		channelID, userID, seq)
	return err
}

// ChannelRead is what marking a channel read answers, and what the reader's other tabs hear.
type ChannelRead struct {
	ChannelID   string `json:"channel_id"`
	UnreadCount int    `json:"unread_count"`
}

// MarkChatRead marks a channel read up to a message (the newest when upTo is empty); markers never move back.
// The reader's other pages hear of it (chat.channel.read), to clear their badges.
func (s *Store) MarkChatRead(ctx context.Context, a Actor, channelID, upTo string) (ChannelRead, error) {
	out := ChannelRead{ChannelID: channelID}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := visibleChannel(ctx, tx, a, channelID, lockKeyShare)
		if err != nil {
			return err
		}
		var seq int64
		if upTo != "" {
			err = tx.GetContext(ctx, &seq, `SELECT seq FROM chat_messages WHERE id = $1 AND channel_id = $2`, uuidOrNil(upTo), channelID)
			if errors.Is(err, sql.ErrNoRows) {
				return Invalid("message_id", "message_id must be a message of this channel")
			}
		} else {
			err = tx.GetContext(ctx, &seq, `SELECT coalesce(max(seq), 0) FROM chat_messages WHERE channel_id = $1`, channelID)
		}
		if err != nil {
			return err
		}
		if err := advanceReadMarker(ctx, tx, channelID, a.UserID, seq); err != nil {
			return err
		}
		after, err := visibleChannel(ctx, tx, a, channelID, "")
		if err != nil {
			return err
		}
		out.UnreadCount = after.UnreadCount
		if after.LastReadSeq == before.LastReadSeq {
			return nil
		}
		return s.record(ctx, tx, a, newEvent{Type: EventChatChannelRead, To: toUser(a.UserID), EntityType: "chat_channel", EntityID: channelID, Data: out})
	})
	if err != nil {
		return out, fmt.Errorf("mark channel read: %w", err)
	}
	return out, nil
}
