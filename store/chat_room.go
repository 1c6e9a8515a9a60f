package store

import (
	"context"
	"fmt"
	"strings"
)

// ChatRoom is what the chat page shows: the actor's channels with their unread counts, the open channel (none when
// the actor sees no channel) with a page of its messages and the tasks they link to, and the organization's active
// members (names and avatars, the new channel form, and mentions).
type ChatRoom struct {
	Channels  []ChatChannel
	Channel   *ChatChannel
	Page      ChatPage
	TaskChips map[string]TaskChip
	People    []Person
}

// ChatRoom reads the chat page of a channel (channelID), or of the actor's first channel when channelID is empty:
// #general when there is one, else the first by name.
func (s *Store) ChatRoom(ctx context.Context, a Actor, channelID string, cur ChatCursor) (ChatRoom, error) {
	var r ChatRoom
	var err error
	if r.Channels, err = s.ChatChannels(ctx, a); err != nil {
		return r, err
	}
	if r.People, err = s.people(ctx, a.OrgID); err != nil {
		return r, err
	}
	if channelID == "" {
		for i, c := range r.Channels {
			if strings.EqualFold(c.Name, "general") || r.Channel == nil {
				r.Channel = &r.Channels[i]
			}
			if strings.EqualFold(c.Name, "general") {
				break
			}
		}
	} else {
		for i, c := range r.Channels {
			if c.ID == channelID {
				r.Channel = &r.Channels[i]
			}
		}
		if r.Channel == nil {
			return r, fmt.Errorf("channel: %w", ErrNotFound)
		}
	}
	r.Page, r.TaskChips = ChatPage{Messages: []ChatMessage{}}, map[string]TaskChip{}
	if r.Channel == nil || cur.ChannelsOnly {
		return r, nil
	}
	if r.Page, err = s.ChatMessages(ctx, a, r.Channel.ID, cur); err != nil {
		return r, err
	}
	r.TaskChips, err = s.ChatTaskChips(ctx, a, r.Page.Messages)
	return r, err
}

// ChatHistory is a page of a channel's messages with the tasks they link to ("load older", "load newer").
type ChatHistory struct {
	Page      ChatPage
	TaskChips map[string]TaskChip
}

// ChatHistoryPage reads a page of a channel's history for the chat page.
func (s *Store) ChatHistoryPage(ctx context.Context, a Actor, channelID string, cur ChatCursor) (ChatHistory, error) {
	var h ChatHistory
	var err error
	if h.Page, err = s.ChatMessages(ctx, a, channelID, cur); err != nil {
		return h, err
	}
	h.TaskChips, err = s.ChatTaskChips(ctx, a, h.Page.Messages)
	return h, err
}

// ChatMessageCard is one message with the tasks it links to, for the chat page to put in place.
type ChatMessageCard struct {
	Message   ChatMessage
	TaskChips map[string]TaskChip
}

// ChatMessageCardOf reads one message of a channel for the chat page.
func (s *Store) ChatMessageCardOf(ctx context.Context, a Actor, channelID, messageID string) (ChatMessageCard, error) {
	var m ChatMessageCard
	var err error
	if m.Message, err = s.ChatMessage(ctx, a, channelID, messageID); err != nil {
		return m, err
	}
	m.TaskChips, err = s.ChatTaskChips(ctx, a, []ChatMessage{m.Message})
	return m, err
}
