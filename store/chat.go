package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Chat limits (docs/DECISIONS.md "Chat").
const (
	MaxChannelNameLength        = 80
	MaxChannelDescriptionLength = 1000
	MaxChannelMembers           = 1000
	// MaxUnreadCount caps the unread count of a channel, so that counting stays cheap however far behind a
	// reader is; pages show "99+".
	MaxUnreadCount = 100
)

// ChatChannel is a chat channel as the caller sees it: member_ids lists a private channel's members who are still
// active in the organization (empty for a public one), unread_count and last_message_at are the caller's.
type ChatChannel struct {
	ID             string         `db:"id" json:"id"`
	OrganizationID string         `db:"organization_id" json:"organization_id"`
	Name           string         `db:"name" json:"name"`
	Description    string         `db:"description" json:"description"`
	IsPrivate      bool           `db:"is_private" json:"is_private"`
	MemberIDs      pq.StringArray `db:"member_ids" json:"member_ids"`
	CreatedBy      *string        `db:"created_by" json:"created_by"`
	CreatedAt      time.Time      `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time      `db:"updated_at" json:"updated_at"`
	UnreadCount    int            `db:"unread_count" json:"unread_count"`
	LastMessageAt  *time.Time     `db:"last_message_at" json:"last_message_at"`
	// LastReadSeq is the caller's read marker, for the page's "new messages" line.
	LastReadSeq int64 `db:"last_read_seq" json:"-"`
}

// channelSelect reads channels with the caller's ($2) read state. Unread messages are counted through the
// (channel_id, seq) index and at most MaxUnreadCount of them, so a long list of busy channels stays cheap.
const channelSelect = `
	SELECT c.id, c.organization_id, c.name, c.description, c.is_private, c.created_by, c.created_at, c.updated_at,
		CASE WHEN c.is_private THEN ARRAY(
			SELECT cm.user_id::text FROM chat_channel_members cm
			JOIN members mb ON mb.user_id = cm.user_id AND mb.organization_id = c.organization_id AND mb.status = 'active'
			WHERE cm.channel_id = c.id ORDER BY cm.user_id
		) ELSE '{}'::text[] END AS member_ids,
		coalesce(r.last_read_seq, 0) AS last_read_seq,
		(SELECT m.created_at FROM chat_messages m WHERE m.channel_id = c.id ORDER BY m.seq DESC LIMIT 1) AS last_message_at,
		(SELECT count(*) FROM (
			SELECT 1 FROM chat_messages m
			WHERE m.channel_id = c.id AND m.seq > coalesce(r.last_read_seq, 0) AND m.user_id IS DISTINCT FROM $2
			LIMIT 100
		) unread) AS unread_count
	FROM chat_channels c
	LEFT JOIN chat_reads r ON r.channel_id = c.id AND r.user_id = $2`

// channelVisible is the condition under which the caller ($2) sees channel c: public channels of the
// organization, and private ones they are a member of. Admins are no exception: a private channel is its members'.
const channelVisible = `(NOT c.is_private OR EXISTS (
	SELECT 1 FROM chat_channel_members cm WHERE cm.channel_id = c.id AND cm.user_id = $2))`

// ChatChannels lists the channels the actor may see, by name, with its unread counts.
func (s *Store) ChatChannels(ctx context.Context, a Actor) ([]ChatChannel, error) {
	out := []ChatChannel{}
	err := s.db.SelectContext(ctx, &out, channelSelect+`
		WHERE c.organization_id = $1 AND `+channelVisible+` ORDER BY lower(c.name), c.id`, a.OrgID, a.UserID)
	if err != nil {
		return nil, fmt.Errorf("chat channels: %w", err)
	}
	return out, nil
}

// ChatChannel reads one channel the actor may see; others, and private channels they are not in, are not found.
func (s *Store) ChatChannel(ctx context.Context, a Actor, id string) (ChatChannel, error) {
	return visibleChannel(ctx, s.db, a, id, "")
}

// Row locks of visibleChannel: lockUpdate for changes of the channel itself, lockKeyShare for changes within it
// (messages, reactions, read markers), which must not meet a channel deleted under them but need not wait for
// each other.
const (
	lockUpdate   = ` FOR UPDATE OF c`
	lockKeyShare = ` FOR KEY SHARE OF c`
)

// visibleChannel loads a channel the actor may see, with a row lock when given one; a private channel the actor is
// not a member of is not found, so that its existence is never revealed.
func visibleChannel(ctx context.Context, q sqlx.QueryerContext, a Actor, id string, lock string) (ChatChannel, error) {
	var c ChatChannel
	if !validID(id) {
		return c, fmt.Errorf("channel: %w", ErrNotFound)
	}
	query := channelSelect + ` WHERE c.id = $3 AND c.organization_id = $1 AND ` + channelVisible + lock
	err := sqlx.GetContext(ctx, q, &c, query, a.OrgID, a.UserID, id)
	return c, notFoundIfNoRows(err, "channel")
}

// channelRef is visibleChannel without the member list and the reader's counts, for the use cases inside a
// channel (reading and writing messages), which need only to know that the actor may, and who hears of it.
func channelRef(ctx context.Context, q sqlx.QueryerContext, a Actor, id string, lock string) (ChatChannel, error) {
	var c ChatChannel
	if !validID(id) {
		return c, fmt.Errorf("channel: %w", ErrNotFound)
	}
	err := sqlx.GetContext(ctx, q, &c, `
		SELECT c.id, c.organization_id, c.name, c.is_private, c.created_by FROM chat_channels c
		WHERE c.id = $3 AND c.organization_id = $1 AND `+channelVisible+lock, a.OrgID, a.UserID, id)
	return c, notFoundIfNoRows(err, "channel")
}

// channelAudience is who hears of what happens in a channel: the organization, or a private channel's members.
func channelAudience(c ChatChannel) Audience {
	if c.IsPrivate {
		return toChannel(c.ID)
	}
	return toOrg()
}

// forEveryone strips the caller's own read state, for events that others receive.
func (c ChatChannel) forEveryone() ChatChannel {
	c.UnreadCount, c.LastReadSeq = 0, 0
	return c
}

// ChannelInput creates or updates a channel; nil fields are left alone (or take their defaults on create).
// MemberIDs apply to private channels only: on create the initial members, on update the new list.
type ChannelInput struct {
	Name        *string
	Description *string
	IsPrivate   *bool
	MemberIDs   *[]string
}

var errDuplicateChannel = conflict("a channel with this name already exists")

const msgChannelManagers = "only the channel's creator or an admin may change it"

func (in *ChannelInput) validate(v *validator) {
	if in.Name != nil {
		n := normalizeChannelName(*in.Name)
		switch {
		case n == "":
			v.add("name", "name is required")
		case utf8.RuneCountInString(n) > MaxChannelNameLength:
			v.add("name", fmt.Sprintf("name must be at most %d characters", MaxChannelNameLength))
		case strings.IndexFunc(n, unicode.IsControl) >= 0:
			v.add("name", "name must be one line of text")
		}
		in.Name = &n
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		v.check(utf8.RuneCountInString(d) <= MaxChannelDescriptionLength, "description",
			fmt.Sprintf("description must be at most %d characters", MaxChannelDescriptionLength))
		in.Description = &d
	}
	if in.MemberIDs != nil {
		v.check(len(*in.MemberIDs) <= MaxChannelMembers, "member_ids",
			fmt.Sprintf("member_ids must list at most %d members", MaxChannelMembers))
	}
}

// normalizeChannelName trims the name and a leading "#", which people type because channels are shown with one.
func normalizeChannelName(name string) string {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), "#"))
}

// channelMembers checks that every id is an active member of the organization and returns them sorted, once
// each, with the actor added: the one who creates or changes a private channel stays in it.
func channelMembers(ctx context.Context, tx *sqlx.Tx, a Actor, ids []string) ([]string, error) {
	for _, id := range ids {
		if !validID(id) {
			return nil, Invalid("member_ids", "member_ids must be members of this organization")
		}
	}
	var out []string
	err := tx.SelectContext(ctx, &out, `
		SELECT DISTINCT user_id FROM members
		WHERE organization_id = $1 AND status = 'active' AND user_id = ANY($2::uuid[])
		ORDER BY user_id`, a.OrgID, pq.Array(append(ids, a.UserID)))
	if err != nil {
		return nil, err
	}
	want := map[string]bool{a.UserID: true}
	for _, id := range ids {
		want[strings.ToLower(id)] = true
	}
	if len(out) != len(want) {
		return nil, Invalid("member_ids", "member_ids must be members of this organization")
	}
	return out, nil
}

// CreateChatChannel adds a channel. Any member may; the creator of a private channel is always one of its members.
func (s *Store) CreateChatChannel(ctx context.Context, a Actor, in ChannelInput) (ChatChannel, error) {
	var v validator
	if in.Name == nil {
		v.add("name", "name is required")
	}
	in.validate(&v)
	if err := v.err(); err != nil {
		return ChatChannel{}, err
	}
	private := in.IsPrivate != nil && *in.IsPrivate
	description := ""
	if in.Description != nil {
		description = *in.Description
	}
	var c ChatChannel
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var members []string
		if private {
			var ids []string
			if in.MemberIDs != nil {
				ids = *in.MemberIDs
			}
			var err error
			if members, err = channelMembers(ctx, tx, a, ids); err != nil {
				return err
			}
		}
		var id string
		err := tx.GetContext(ctx, &id, `
			INSERT INTO chat_channels (organization_id, name, description, is_private, created_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, a.OrgID, *in.Name, description, private, a.UserID)
		if isUniqueViolation(err, "chat_channels_name_idx") {
			return errDuplicateChannel
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO chat_channel_members (channel_id, user_id) SELECT $1, unnest($2::uuid[])`, id, pq.Array(members)); err != nil {
			return err
		}
		if c, err = visibleChannel(ctx, tx, a, id, ""); err != nil {
			return err
		}
		ch := Changes{"name": {To: c.Name}, "description": {To: c.Description}, "is_private": {To: c.IsPrivate}}
		if private {
			ch["member_ids"] = Change{To: members}
		}
		if err := audit(ctx, tx, a, ActionCreated, "chat_channel", c.ID, ch); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventChatChannelCreated, To: channelAudience(c), EntityType: "chat_channel",
			EntityID: c.ID, Data: c.forEveryone()})
	})
	if err != nil {
		return ChatChannel{}, fmt.Errorf("create channel: %w", err)
	}
	return c, nil
}

// canManageChannel: a channel's creator and the organization's owners and admins rename it, describe it and
// choose a private channel's members.
func canManageChannel(a Actor, c ChatChannel) bool {
	return a.Permissions().ManageChannels || (c.CreatedBy != nil && *c.CreatedBy == a.UserID)
}

// CanManageChatChannel tells pages whether to offer the channel's settings.
func (a Actor) CanManageChatChannel(c ChatChannel) bool { return canManageChannel(a, c) }

// UpdateChatChannel renames or describes a channel, or replaces a private channel's members (its creator and
// admins only). The one who changes the members stays among them; leaving is LeaveChatChannel.
func (s *Store) UpdateChatChannel(ctx context.Context, a Actor, id string, in ChannelInput) (ChatChannel, error) {
	var c ChatChannel
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := visibleChannel(ctx, tx, a, id, lockUpdate)
		if err != nil {
			return err
		}
		if err := require(canManageChannel(a, before), msgChannelManagers); err != nil {
			return err
		}
		var v validator
		in.validate(&v)
		if in.MemberIDs != nil && !before.IsPrivate {
			v.add("member_ids", "member_ids apply to private channels only: every member sees a public channel")
		}
		if err := v.err(); err != nil {
			return err
		}
		after := before
		if in.Name != nil {
			after.Name = *in.Name
		}
		if in.Description != nil {
			after.Description = *in.Description
		}
		ch := Changes{}
		ch.set("name", before.Name, after.Name)
		ch.set("description", before.Description, after.Description)
		if in.MemberIDs != nil {
			members, err := channelMembers(ctx, tx, a, *in.MemberIDs)
			if err != nil {
				return err
			}
			if ch.set("member_ids", []string(before.MemberIDs), members); ch["member_ids"].To != nil {
				if err := replaceChannelMembers(ctx, tx, id, members); err != nil {
					return err
				}
			}
		}
		if len(ch) == 0 {
			c = before
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE chat_channels SET name = $2, description = $3, updated_at = now() WHERE id = $1`,
			id, after.Name, after.Description)
		if isUniqueViolation(err, "chat_channels_name_idx") {
			return errDuplicateChannel
		}
		if err != nil {
			return err
		}
		if c, err = s.channelAfterChange(ctx, tx, a, id); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionUpdated, "chat_channel", id, ch); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventChatChannelUpdated, To: channelAudience(c), EntityType: "chat_channel",
			EntityID: id, Data: c.forEveryone(), Changes: ch})
	})
	if err != nil {
		return ChatChannel{}, fmt.Errorf("update channel: %w", err)
	}
	return c, nil
}

// channelAfterChange rereads a channel the actor may have just left.
func (s *Store) channelAfterChange(ctx context.Context, tx *sqlx.Tx, a Actor, id string) (ChatChannel, error) {
	var c ChatChannel
	err := tx.GetContext(ctx, &c, channelSelect+` WHERE c.id = $3 AND c.organization_id = $1`, a.OrgID, a.UserID, id)
	return c, err
}

func replaceChannelMembers(ctx context.Context, tx *sqlx.Tx, id string, members []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM chat_channel_members WHERE channel_id = $1 AND NOT user_id = ANY($2::uuid[])`,
		id, pq.Array(members)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO chat_channel_members (channel_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
		id, pq.Array(members))
	return err
}

// RemoveChatChannelMember takes a member out of a private channel: the actor themselves (leaving), or anyone for
// the channel's creator and admins. The last member out deletes the channel, which nobody could see any more (nor
// reuse its name). Public channels have no members to remove.
func (s *Store) RemoveChatChannelMember(ctx context.Context, a Actor, channelID, userID string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := visibleChannel(ctx, tx, a, channelID, lockUpdate)
		if err != nil {
			return err
		}
		if !before.IsPrivate {
			return Invalid("user_id", "a public channel has no members to remove: every member sees it")
		}
		if userID != a.UserID {
			if err := require(canManageChannel(a, before), msgChannelManagers); err != nil {
				return err
			}
		}
		if !validID(userID) {
			return fmt.Errorf("channel member: %w", ErrNotFound)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM chat_channel_members WHERE channel_id = $1 AND user_id = $2`, channelID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("channel member: %w", ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE chat_channels SET updated_at = now() WHERE id = $1`, channelID); err != nil {
			return err
		}
		c, err := s.channelAfterChange(ctx, tx, a, channelID)
		if err != nil {
			return err
		}
		if len(c.MemberIDs) == 0 {
			return s.deleteChannel(ctx, tx, a, before)
		}
		ch := Changes{"member_ids": {From: []string(before.MemberIDs), To: []string(c.MemberIDs)}}
		if err := audit(ctx, tx, a, ActionUpdated, "chat_channel", channelID, ch); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventChatChannelUpdated, To: channelAudience(c), EntityType: "chat_channel",
			EntityID: channelID, Data: c.forEveryone(), Changes: ch})
	})
	if err != nil {
		return fmt.Errorf("remove channel member: %w", err)
	}
	return nil
}

// DeleteChatChannel deletes a channel with its messages. Owners and admins only (and, for a private channel, only
// one of its members: to anyone else it does not exist).
func (s *Store) DeleteChatChannel(ctx context.Context, a Actor, id string) error {
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		c, err := visibleChannel(ctx, tx, a, id, lockUpdate)
		if err != nil {
			return err
		}
		if err := require(a.Permissions().ManageChannels, "only owners and admins can delete channels"); err != nil {
			return err
		}
		return s.deleteChannel(ctx, tx, a, c)
	})
	if err != nil {
		return fmt.Errorf("delete channel: %w", err)
	}
	return nil
}

func (s *Store) deleteChannel(ctx context.Context, tx *sqlx.Tx, a Actor, c ChatChannel) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM chat_channels WHERE id = $1`, c.ID); err != nil {
		return err
	}
	if err := audit(ctx, tx, a, ActionDeleted, "chat_channel", c.ID, Changes{"name": {From: c.Name}, "is_private": {From: c.IsPrivate}}); err != nil {
		return err
	}
	return s.record(ctx, tx, a, newEvent{Type: EventChatChannelDeleted, To: channelAudience(c), EntityType: "chat_channel",
		EntityID: c.ID, Data: c.forEveryone()})
}
