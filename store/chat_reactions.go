package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/jmoiron/sqlx"
)

// MaxReactionEmoji is how many different emoji one message may carry.
const MaxReactionEmoji = 20

// emojiCode is a reaction named by its short code, as the reference's "thumbsup".
var emojiCode = regexp.MustCompile(`^[a-z0-9_+-]{1,32}$`)

const msgEmoji = "emoji must be a short code such as thumbsup (a-z, 0-9, _ + -, at most 32 characters) or a single emoji"

// ValidEmoji reports whether a reaction is a short code or one emoji character (with its modifiers and joined
// sequences, such as a skin tone, a flag or a family).
func ValidEmoji(s string) bool { return emojiCode.MatchString(s) || singleEmoji(s) }

// singleEmoji accepts one emoji grapheme: a flag (two regional indicators), a keycap, or emoji joined by
// zero-width joiners, each with an optional variation selector, skin tone and tag sequence.
func singleEmoji(s string) bool {
	rs := []rune(s)
	if len(rs) == 0 || len(rs) > 16 {
		return false
	}
	if len(rs) == 2 && isRegionalIndicator(rs[0]) && isRegionalIndicator(rs[1]) {
		return true
	}
	if (rs[0] >= '0' && rs[0] <= '9') || rs[0] == '#' || rs[0] == '*' {
		return (len(rs) == 2 && rs[1] == 0x20E3) || (len(rs) == 3 && rs[1] == 0xFE0F && rs[2] == 0x20E3)
	}
	wantBase := true
	for _, r := range rs {
		switch {
		case wantBase:
			if !isEmojiBase(r) || isRegionalIndicator(r) {
				return false
			}
			wantBase = false
		case r == 0x200D: // zero-width joiner: another emoji follows
			wantBase = true
		case r == 0xFE0F, r >= 0x1F3FB && r <= 0x1F3FF, r >= 0xE0020 && r <= 0xE007F:
			// variation selector, skin tone, tag
		default:
			return false
		}
	}
	return !wantBase
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isEmojiBase covers the blocks emoji are drawn from (Unicode's Emoji property, by block).
func isEmojiBase(r rune) bool {
	switch {
	case r >= 0x1F000 && r <= 0x1FAFF, // mahjong to symbols and pictographs extended-A
		r >= 0x2600 && r <= 0x27BF, // miscellaneous symbols, dingbats
		r >= 0x2190 && r <= 0x21FF, // arrows
		r >= 0x2300 && r <= 0x23FF, // miscellaneous technical
		r >= 0x2B00 && r <= 0x2BFF, // miscellaneous symbols and arrows
		r >= 0x25A0 && r <= 0x25FF, // geometric shapes
		r >= 0x2900 && r <= 0x297F, // supplemental arrows-B
		r == 0x00A9, r == 0x00AE, r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139, r == 0x24C2,
		r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299:
		return true
	}
	return false
}

// ChatReactionEvent is what the stream says of a reaction given or taken back: who, which emoji, on which message,
// and the message's reactions after it.
type ChatReactionEvent struct {
	MessageID string         `json:"message_id"`
	ChannelID string         `json:"channel_id"`
	UserID    string         `json:"user_id"`
	Emoji     string         `json:"emoji"`
	Reactions []ChatReaction `json:"reactions"`
}

// AddChatReaction gives the actor's reaction to a message of a channel they can see and answers the message. The
// same reaction twice is a conflict, as is a twenty-first different emoji.
func (s *Store) AddChatReaction(ctx context.Context, a Actor, messageID, emoji string) (ChatMessage, error) {
	var m ChatMessage
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		// The message's row lock makes concurrent reactions count the emoji one at a time.
		c, before, err := s.visibleMessage(ctx, tx, a, messageID, true)
		if err != nil {
			return err
		}
		if emoji == "" {
			return Invalid("emoji", "emoji is required")
		}
		if !ValidEmoji(emoji) {
			return Invalid("emoji", msgEmoji)
		}
		known := false
		for _, r := range before.Reactions {
			if r.Emoji != emoji {
				continue
			}
			known = true
			for _, id := range r.UserIDs {
				if id == a.UserID {
					return conflict("you already reacted with %s", emoji)
				}
			}
		}
		if !known && len(before.Reactions) >= MaxReactionEmoji {
			return conflict("a message can have at most %d different reactions", MaxReactionEmoji)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO chat_reactions (message_id, user_id, emoji) VALUES ($1, $2, $3)`,
			messageID, a.UserID, emoji); err != nil {
			return err
		}
		if m, err = s.channelMessage(ctx, tx, c.ID, messageID, false); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionCreated, "chat_reaction", messageID, Changes{"emoji": {To: emoji}}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventChatReactionAdded, To: channelAudience(c), EntityType: "chat_message",
			EntityID: messageID, Data: ChatReactionEvent{MessageID: messageID, ChannelID: c.ID, UserID: a.UserID, Emoji: emoji, Reactions: m.Reactions}})
	})
	if err != nil {
		return ChatMessage{}, fmt.Errorf("add reaction: %w", err)
	}
	return m, nil
}

// RemoveChatReaction takes back the actor's own reaction; one they did not give is not found.
func (s *Store) RemoveChatReaction(ctx context.Context, a Actor, messageID, emoji string) (ChatMessage, error) {
	var m ChatMessage
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		c, _, err := s.visibleMessage(ctx, tx, a, messageID, true)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM chat_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3`,
			messageID, a.UserID, emoji)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("reaction: %w", ErrNotFound)
		}
		if m, err = s.channelMessage(ctx, tx, c.ID, messageID, false); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionDeleted, "chat_reaction", messageID, Changes{"emoji": {From: emoji}}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventChatReactionRemoved, To: channelAudience(c), EntityType: "chat_message",
			EntityID: messageID, Data: ChatReactionEvent{MessageID: messageID, ChannelID: c.ID, UserID: a.UserID, Emoji: emoji, Reactions: m.Reactions}})
	})
	if err != nil {
		return ChatMessage{}, fmt.Errorf("remove reaction: %w", err)
	}
	return m, nil
}

// ToggleChatReaction gives the reaction, or takes it back when the actor already gave it: the pages' one button.
func (s *Store) ToggleChatReaction(ctx context.Context, a Actor, messageID, emoji string) (ChatMessage, error) {
	m, err := s.RemoveChatReaction(ctx, a, messageID, emoji)
	if !errors.Is(err, ErrNotFound) {
		return m, err
	}
	// Not given yet (or no such message, which adding reports the same way).
	return s.AddChatReaction(ctx, a, messageID, emoji)
}
