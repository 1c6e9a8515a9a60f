package views

import (
	"net/url"
	"time"
)

// NavChat highlights the chat page in the sidebar.
const NavChat = "chat"

// ChatView is the chat page: the channel list, the open channel with its messages and composer, and the forms
// for a new channel and the open channel's settings.
type ChatView struct {
	CSRFToken string
	UserID    string
	Channels  []ChatChannelItem
	// Channel is the open channel; nil when the user sees no channel yet.
	Channel  *ChatChannelView
	Messages ChatMessagesView
	// People are the organization's active members, for the new channel and settings forms.
	People []ChatPerson
	// Mentionable are those who can see the open channel, for @mention autocomplete.
	Mentionable []ChatPerson
	NewChannel  ChatChannelForm
	Settings    ChatChannelForm
	// FocusMessageID is the message of a deep link (?message=), scrolled to and highlighted.
	FocusMessageID string
	Emoji          []ChatEmoji
	Notice         string // a message shown above the conversation (a deep link to a deleted message)
	// ShowChannels shows the channel list rather than the conversation on a narrow screen (/chat?channels=1).
	ShowChannels bool
}

// ChatChannelItem is a channel in the list.
type ChatChannelItem struct {
	ID        string
	Name      string
	IsPrivate bool
	Unread    int
	Active    bool
}

// ChatChannelView is the open channel.
type ChatChannelView struct {
	ID          string
	Name        string
	Description string
	IsPrivate   bool
	Members     []ChatPerson // a private channel's members
	CanManage   bool         // rename, describe, choose members
	CanDelete   bool
}

// ChatPerson is someone in the chat: an author, a member, a mention candidate.
type ChatPerson struct {
	ID        string
	Name      string
	Email     string
	Handle    string // what follows "@" to mention them
	AvatarURL string
	Initials  string
}

// ChatMessagesView is a run of messages with the controls to load those before and after it.
type ChatMessagesView struct {
	ChannelID string
	Messages  []ChatMessageView
	// OlderCursor and NewerCursor are the message ids to load more before and after; empty when there are none.
	OlderCursor string
	NewerCursor string
	// Empty is shown when the channel has no message at all.
	ChannelName string
}

// ChatMessageView is one message as the page shows it.
type ChatMessageView struct {
	ID        string
	ChannelID string
	Author    ChatPerson
	Mine      bool
	Content   string
	TaskChips map[string]ChatTaskChip
	At        time.Time // in the viewer's timezone
	Day       string    // YYYY-MM-DD of At
	DayLabel  string    // "Today", "Yesterday", "Monday, March 2"
	Edited    bool
	// ReplyTo is the message it answers, with its author and a line of it ("" when that message is gone).
	ReplyTo      string
	ReplyAuthor  string
	ReplyExcerpt string
	Reactions    []ChatReactionView
	Files        []AttachmentView
	CanEdit      bool
	CanDelete    bool
	// Continued: the same author within a few minutes of their previous message, shown without a header.
	Continued bool
	// DayBreak: the first message of its day in the run, shown after a divider.
	DayBreak bool
	// FirstUnread: the first message the viewer has not read, shown after a "New" line.
	FirstUnread bool
	Focus       bool
	// Editing shows the edit form in place of the content.
	Editing   bool
	EditError string
	CSRFToken string
	// Host is the page's host: absolute task links on it become chips too.
	Host string
	// MyHandles are the viewer's handles, whose mentions stand out.
	MyHandles []string
}

// ChatReactionView is one emoji on a message.
type ChatReactionView struct {
	Code  string
	Glyph string
	Count int
	Mine  bool
	Who   string // "Ann, Bob and 2 others"
}

// ChatEmoji is an emoji of the reaction picker.
type ChatEmoji struct {
	Code  string
	Glyph string
}

// ChatTaskChip is a task a message links to, shown as a chip.
type ChatTaskChip struct {
	ID     string
	Title  string
	Status string
	Done   bool
}

// ChatChannelForm is the new channel or settings form with what was typed and the problems found.
type ChatChannelForm struct {
	Open        bool
	Name        string
	Description string
	IsPrivate   bool
	MemberIDs   map[string]bool
	Errors      map[string]string
	Error       string
}

func chatPath(channelID string, rest ...string) string {
	p := "/chat/" + url.PathEscape(channelID)
	for _, r := range rest {
		p += r
	}
	return p
}

func chatMessagePath(channelID, messageID string, rest ...string) string {
	return chatPath(channelID, append([]string{"/messages/" + url.PathEscape(messageID)}, rest...)...)
}
