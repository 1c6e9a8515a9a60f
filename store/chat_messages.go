package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Chat message limits (docs/DECISIONS.md "Chat").
const (
	MaxMessageLength = 10000
	// DefaultMessagePage and MaxMessagePage bound a page of messages (the reference's limit).
	DefaultMessagePage = 50
	MaxMessagePage     = 100
	// ChatMessagesPerMinute is how many messages one person may send a minute, across channels.
	ChatMessagesPerMinute = 60
)

// ChatMessage is a message as the API shows it (DECISIONS.md "Collaboration"), plus who wrote it and when it was
// last edited. Reactions list each emoji once, in the order they were first given.
type ChatMessage struct {
	ID             string         `db:"id" json:"id"`
	OrganizationID string         `db:"organization_id" json:"organization_id"`
	ChannelID      string         `db:"channel_id" json:"channel_id"`
	UserID         *string        `db:"user_id" json:"user_id"`
	UserName       string         `db:"user_name" json:"user_name"`
	Content        string         `db:"content" json:"content"`
	ReplyTo        *string        `db:"reply_to" json:"reply_to"`
	Reactions      []ChatReaction `db:"-" json:"reactions"`
	Attachments    []Attachment   `db:"-" json:"attachments"`
	EditedAt       *time.Time     `db:"edited_at" json:"edited_at"`
	CreatedAt      time.Time      `db:"created_at" json:"created_at"`

	// For pages: the channel's order, the author's avatar and what a reply answers.
	Seq           int64   `db:"seq" json:"-"`
	AvatarKey     *string `db:"avatar_key" json:"-"`
	AvatarURL     *string `db:"-" json:"-"`
	ReplyUserName string  `db:"reply_user_name" json:"-"`
	ReplyExcerpt  string  `db:"reply_excerpt" json:"-"`
}

// ChatReaction is one emoji on a message: how many gave it, and who (with their names, for pages).
type ChatReaction struct {
	Emoji     string   `json:"emoji"`
	Count     int      `json:"count"`
	UserIDs   []string `json:"user_ids"`
	UserNames []string `json:"-"`
}

// messageSelect reads messages with their authors and what they reply to; withReactions adds the reactions.
const messageSelect = `
	SELECT m.id, m.organization_id, m.channel_id, m.user_id, coalesce(u.name, '') AS user_name, m.content, m.reply_to,
		m.edited_at, m.created_at, m.seq, u.avatar_key,
		coalesce(pu.name, '') AS reply_user_name, coalesce(left(p.content, 300), '') AS reply_excerpt
	FROM chat_messages m
	LEFT JOIN users u ON u.id = m.user_id
	LEFT JOIN chat_messages p ON p.id = m.reply_to
	LEFT JOIN users pu ON pu.id = p.user_id`

// ChatReactionsSQL sums up the reactions of messages ($1): each emoji once, in the order first given, with who
// gave it. The messages' keys are looked up together in the reactions' primary key. Exported for the benchmark.
const ChatReactionsSQL = `
	SELECT r.message_id, r.emoji, array_agg(r.user_id::text ORDER BY r.created_at, r.user_id) AS user_ids,
		array_agg(coalesce(u.name, '') ORDER BY r.created_at, r.user_id) AS user_names
	FROM chat_reactions r LEFT JOIN users u ON u.id = r.user_id WHERE r.message_id = ANY($1::uuid[])
	GROUP BY r.message_id, r.emoji ORDER BY r.message_id, min(r.created_at), r.emoji`

// ChatPageSQL reads the page of messages before a seq, newest first, backwards through (channel_id, seq): the
// cost of a page does not depend on how deep in the history it is. Exported for the benchmark's EXPLAIN.
const ChatPageSQL = messageSelect + ` WHERE m.channel_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3`

// chatNewerSQL reads the page after a seq, oldest first.
const chatNewerSQL = messageSelect + ` WHERE m.channel_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3`

// chatAccessSQL checks in one statement that the actor ($1 organization, $2 user) sees the channel ($3), and finds
// the cursor message ($4, or NULL) in it: no row means the channel is not found, a NULL seq a bad cursor.
const chatAccessSQL = `
	SELECT (SELECT seq FROM chat_messages WHERE id = $4 AND channel_id = c.id) AS seq
	FROM chat_channels c WHERE c.id = $3 AND c.organization_id = $1 AND ` + channelVisible

// ChatCursor chooses a page of a channel's messages: the newest (no cursor), those before or after a message, or
// those around one (a deep link). Limit is the page size, DefaultMessagePage when zero.
type ChatCursor struct {
	Before string
	After  string
	Around string
	Limit  int
	// ChannelsOnly reads no messages: the chat page only needs to know which channel to open.
	ChannelsOnly bool
}

// ChatPage is a page of messages in chronological order. HasMore says older messages exist, HasNewer newer ones
// (after an After or Around page).
type ChatPage struct {
	Messages []ChatMessage
	HasMore  bool
	HasNewer bool
}

// ParseMessageLimit reads the limit of a page of messages: a positive integer, capped at MaxMessagePage.
func ParseMessageLimit(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, ok := parsePositive(s, MaxMessagePage)
	if !ok {
		return 0, Invalid("limit", "limit must be a positive integer")
	}
	return n, nil
}

// ChatMessages reads a page of a channel's messages, for anyone who can see the channel, in two statements: the
// access check with the cursor, then the page, found through the (channel_id, seq) index whatever its depth. Both
// are prepared, so they are not planned anew on every call.
func (s *Store) ChatMessages(ctx context.Context, a Actor, channelID string, cur ChatCursor) (ChatPage, error) {
	out := ChatPage{Messages: []ChatMessage{}}
	n := cur.Limit
	if n <= 0 {
		n = DefaultMessagePage
	}
	n = min(n, MaxMessagePage)
	field, cursor := "", ""
	for _, c := range []struct{ field, id string }{{"before", cur.Before}, {"after", cur.After}, {"around", cur.Around}} {
		if c.id == "" {
			continue
		}
		if field != "" {
			return out, Invalid(c.field, "give only one of before, after and around")
		}
		field, cursor = c.field, c.id
	}
	if !validID(channelID) {
		return out, fmt.Errorf("channel: %w", ErrNotFound)
	}
	access, err := s.prepared(ctx, chatAccessSQL)
	if err != nil {
		return out, fmt.Errorf("chat messages: %w", err)
	}
	var seq sql.NullInt64
	if err := access.GetContext(ctx, &seq, a.OrgID, a.UserID, channelID, uuidOrNil(cursor)); err != nil {
		return out, notFoundIfNoRows(err, "channel")
	}
	if field != "" && !seq.Valid {
		return out, Invalid(field, field+" must be a message of this channel")
	}
	switch field {
	case "", "before":
		if field == "" {
			seq.Int64 = 1<<63 - 1
		}
		out.Messages, out.HasMore, err = s.olderMessages(ctx, channelID, seq.Int64, n)
	case "after":
		out.Messages, out.HasNewer, err = s.newerMessages(ctx, channelID, seq.Int64, n)
		out.HasMore = true
	case "around":
		// The message itself and up to half a page before it, then newer ones to fill the page.
		var older, newer []ChatMessage
		if older, out.HasMore, err = s.olderMessages(ctx, channelID, seq.Int64+1, max(n/2, 1)); err == nil {
			newer, out.HasNewer, err = s.newerMessages(ctx, channelID, seq.Int64, n-len(older))
			out.Messages = append(older, newer...)
		}
	}
	if err != nil {
		return out, fmt.Errorf("chat messages: %w", err)
	}
	return out, nil
}

// olderMessages reads up to n messages before seq, in chronological order; more says older ones exist.
func (s *Store) olderMessages(ctx context.Context, channelID string, seq int64, n int) (msgs []ChatMessage, more bool, err error) {
	if msgs, err = s.messagePage(ctx, ChatPageSQL, channelID, seq, n); err != nil {
		return msgs, false, err
	}
	if len(msgs) > n {
		msgs, more = msgs[:n], true
	}
	slices.Reverse(msgs)
	return msgs, more, nil
}

// newerMessages reads up to n messages after seq, in chronological order; more says newer ones exist.
func (s *Store) newerMessages(ctx context.Context, channelID string, seq int64, n int) (msgs []ChatMessage, more bool, err error) {
	if msgs, err = s.messagePage(ctx, chatNewerSQL, channelID, seq, n); err != nil {
		return msgs, false, err
	}
	if len(msgs) > n {
		msgs, more = msgs[:n], true
	}
	return msgs, more, nil
}

// messagePage runs a page statement for n messages and one more (which tells whether there are more).
func (s *Store) messagePage(ctx context.Context, query, channelID string, seq int64, n int) ([]ChatMessage, error) {
	msgs := []ChatMessage{}
	if n <= 0 {
		return msgs, nil
	}
	st, err := s.prepared(ctx, query)
	if err != nil {
		return msgs, err
	}
	if err := st.SelectContext(ctx, &msgs, channelID, seq, n+1); err != nil {
		return msgs, err
	}
	reactions, err := s.prepared(ctx, ChatReactionsSQL)
	if err != nil {
		return msgs, err
	}
	if err := s.withReactions(ctx, reactions, msgs); err != nil {
		return msgs, err
	}
	return msgs, s.withMessageFiles(ctx, s.db, msgs)
}

// reactionReader runs ChatReactionsSQL: a prepared statement, or a transaction.
type reactionReader interface {
	SelectContext(ctx context.Context, dest any, args ...any) error
}

// txQuery runs a query in a transaction with the reactionReader's signature.
type txQuery struct {
	tx    sqlx.QueryerContext
	query string
}

func (q txQuery) SelectContext(ctx context.Context, dest any, args ...any) error {
	return sqlx.SelectContext(ctx, q.tx, dest, q.query, args...)
}

// withReactions fills in the reactions of the messages (one statement for all) and their authors' avatars.
func (s *Store) withReactions(ctx context.Context, q reactionReader, msgs []ChatMessage) error {
	at := make(map[string]int, len(msgs))
	ids := make([]string, len(msgs))
	for i := range msgs {
		ids[i], at[msgs[i].ID] = msgs[i].ID, i
		msgs[i].Reactions = []ChatReaction{}
		msgs[i].AvatarURL = s.fileURL(ctx, msgs[i].AvatarKey)
	}
	if len(msgs) == 0 {
		return nil
	}
	var rows []struct {
		MessageID string         `db:"message_id"`
		Emoji     string         `db:"emoji"`
		UserIDs   pq.StringArray `db:"user_ids"`
		UserNames pq.StringArray `db:"user_names"`
	}
	if err := q.SelectContext(ctx, &rows, pq.Array(ids)); err != nil {
		return fmt.Errorf("reactions: %w", err)
	}
	for _, r := range rows {
		m := &msgs[at[r.MessageID]]
		m.Reactions = append(m.Reactions, ChatReaction{Emoji: r.Emoji, Count: len(r.UserIDs), UserIDs: r.UserIDs, UserNames: r.UserNames})
	}
	return nil
}

// ChatMessage reads one message of a channel the actor may see.
func (s *Store) ChatMessage(ctx context.Context, a Actor, channelID, messageID string) (ChatMessage, error) {
	if _, err := channelRef(ctx, s.db, a, channelID, ""); err != nil {
		return ChatMessage{}, err
	}
	return s.channelMessage(ctx, s.db, channelID, messageID, false)
}

// channelMessage loads a message of the channel with its reactions, locking its row when asked.
func (s *Store) channelMessage(ctx context.Context, q sqlx.QueryerContext, channelID, messageID string, lock bool) (ChatMessage, error) {
	var m ChatMessage
	if !validID(messageID) {
		return m, fmt.Errorf("message: %w", ErrNotFound)
	}
	query := messageSelect + ` WHERE m.id = $1 AND m.channel_id = $2`
	if lock {
		query += ` FOR UPDATE OF m`
	}
	if err := sqlx.GetContext(ctx, q, &m, query, messageID, channelID); err != nil {
		return m, notFoundIfNoRows(err, "message")
	}
	msgs := []ChatMessage{m}
	if err := s.withReactions(ctx, txQuery{tx: q, query: ChatReactionsSQL}, msgs); err != nil {
		return m, err
	}
	err := s.withMessageFiles(ctx, q, msgs)
	return msgs[0], err
}

// visibleMessage finds a message by id alone (the reaction routes name no channel) in a channel the actor may see.
func (s *Store) visibleMessage(ctx context.Context, q sqlx.QueryerContext, a Actor, messageID string, lock bool) (ChatChannel, ChatMessage, error) {
	var channelID string
	if !validID(messageID) {
		return ChatChannel{}, ChatMessage{}, fmt.Errorf("message: %w", ErrNotFound)
	}
	err := sqlx.GetContext(ctx, q, &channelID, `SELECT channel_id FROM chat_messages WHERE id = $1 AND organization_id = $2`, messageID, a.OrgID)
	if err != nil {
		return ChatChannel{}, ChatMessage{}, notFoundIfNoRows(err, "message")
	}
	c, err := channelRef(ctx, q, a, channelID, lockKeyShare)
	if err != nil {
		return c, ChatMessage{}, fmt.Errorf("message: %w", ErrNotFound)
	}
	m, err := s.channelMessage(ctx, q, channelID, messageID, lock)
	return c, m, err
}

// forEvent is the message as its events carry it: its files without their links (withoutLinks).
func (m ChatMessage) forEvent() ChatMessage {
	m.Attachments = withoutLinks(m.Attachments)
	return m
}

// CanEditChatMessage: only a message's author changes its words, admins included.
func (a Actor) CanEditChatMessage(m ChatMessage) bool {
	return m.UserID != nil && *m.UserID == a.UserID
}

// CanDeleteChatMessage: a message's author, or an owner or admin.
func (a Actor) CanDeleteChatMessage(m ChatMessage) bool {
	return a.CanEditChatMessage(m) || a.Permissions().DeleteAnyMessage
}

// MessageInput is a new message; ReplyTo names a message of the same channel it answers; AttachmentIDs are files
// the author uploaded for it (attachment_posts.go). A message with files may have no words.
type MessageInput struct {
	Content       string
	ReplyTo       *string
	AttachmentIDs []string
}

func validateContent(v *validator, content string) {
	switch {
	case strings.TrimSpace(content) == "":
		v.add("content", "content is required")
	case utf8.RuneCountInString(content) > MaxMessageLength:
		v.add("content", fmt.Sprintf("content must be at most %d characters", MaxMessageLength))
	}
}

// PostChatMessage sends a message to a channel the actor can see. Sending marks the channel read up to it (whoever
// writes has read what came before), and is limited to ChatMessagesPerMinute a person.
func (s *Store) PostChatMessage(ctx context.Context, a Actor, channelID string, in MessageInput) (ChatMessage, error) {
	var m ChatMessage
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		c, err := channelRef(ctx, tx, a, channelID, lockKeyShare)
		if err != nil {
			return err
		}
		var v validator
		if len(in.AttachmentIDs) == 0 || in.Content != "" {
			validateContent(&v, in.Content)
		}
		if in.ReplyTo != nil && *in.ReplyTo != "" {
			var ok bool
			if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM chat_messages WHERE id = $1 AND channel_id = $2)`,
				uuidOrNil(*in.ReplyTo), channelID); err != nil {
				return err
			}
			v.check(ok, "reply_to", "reply_to must be a message of this channel")
		} else {
			in.ReplyTo = nil
		}
		if err := v.err(); err != nil {
			return err
		}
		if err := s.charge(ctx, tx, "chat-messages:"+a.UserID, 1, ChatMessagesPerMinute, time.Minute,
			fmt.Sprintf("you can send at most %d messages a minute; wait a moment", ChatMessagesPerMinute)); err != nil {
			return err
		}
		var created struct {
			ID  string `db:"id"`
			Seq int64  `db:"seq"`
		}
		if err := tx.GetContext(ctx, &created, `
			INSERT INTO chat_messages (organization_id, channel_id, user_id, content, reply_to) VALUES ($1, $2, $3, $4, $5)
			RETURNING id, seq`, a.OrgID, channelID, a.UserID, in.Content, in.ReplyTo); err != nil {
			return err
		}
		if err := advanceReadMarker(ctx, tx, channelID, a.UserID, created.Seq); err != nil {
			return err
		}
		if _, err := s.attachFiles(ctx, tx, a, in.AttachmentIDs, attachmentParent{messageID: &created.ID}); err != nil {
			return err
		}
		if m, err = s.channelMessage(ctx, tx, channelID, created.ID, false); err != nil {
			return err
		}
		ch := Changes{"channel_id": {To: channelID}, "content": {To: m.Content}}
		if m.ReplyTo != nil {
			ch["reply_to"] = Change{To: *m.ReplyTo}
		}
		if err := audit(ctx, tx, a, ActionCreated, "chat_message", m.ID, ch); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventChatMessageCreated, To: channelAudience(c), EntityType: "chat_message", EntityID: m.ID, Data: m.forEvent()})
	})
	if err != nil {
		return ChatMessage{}, fmt.Errorf("post message: %w", err)
	}
	return m, nil
}

// EditChatMessage changes the content of one's own message (nobody edits another's words, admins included).
func (s *Store) EditChatMessage(ctx context.Context, a Actor, channelID, messageID, content string) (ChatMessage, error) {
	var m ChatMessage
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		c, err := channelRef(ctx, tx, a, channelID, lockKeyShare)
		if err != nil {
			return err
		}
		before, err := s.channelMessage(ctx, tx, channelID, messageID, true)
		if err != nil {
			return err
		}
		if !a.CanEditChatMessage(before) {
			return forbidden("only the author of a message may edit it")
		}
		var v validator
		validateContent(&v, content)
		if err := v.err(); err != nil {
			return err
		}
		if content == before.Content {
			m = before
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE chat_messages SET content = $2, edited_at = now() WHERE id = $1`, messageID, content); err != nil {
			return err
		}
		if m, err = s.channelMessage(ctx, tx, channelID, messageID, false); err != nil {
			return err
		}
		ch := Changes{"content": {From: before.Content, To: m.Content}}
		if err := audit(ctx, tx, a, ActionUpdated, "chat_message", m.ID, ch); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventChatMessageUpdated, To: channelAudience(c), EntityType: "chat_message",
			EntityID: m.ID, Data: m.forEvent(), Changes: ch})
	})
	if err != nil {
		return ChatMessage{}, fmt.Errorf("edit message: %w", err)
	}
	return m, nil
}

// DeleteChatMessage removes a message: its author, or an owner or admin. Replies to it stay, answering nothing.
func (s *Store) DeleteChatMessage(ctx context.Context, a Actor, channelID, messageID string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		c, err := channelRef(ctx, tx, a, channelID, lockKeyShare)
		if err != nil {
			return err
		}
		m, err := s.channelMessage(ctx, tx, channelID, messageID, true)
		if err != nil {
			return err
		}
		if !a.CanDeleteChatMessage(m) {
			return forbidden("only the author of a message or an admin may delete it")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM chat_messages WHERE id = $1`, m.ID); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionDeleted, "chat_message", m.ID, Changes{"channel_id": {From: channelID}, "content": {From: m.Content}}); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventChatMessageDeleted, To: channelAudience(c), EntityType: "chat_message", EntityID: m.ID, Data: m.forEvent()})
	})
	if err != nil {
		return fmt.Errorf("delete message: %w", err)
	}
	return nil
}

// uuidOrNil is the id, or NULL when it is not a UUID (which no row has), so a lookup finds nothing instead of
// failing on the cast.
func uuidOrNil(id string) *string {
	if !validID(id) {
		return nil
	}
	return &id
}
