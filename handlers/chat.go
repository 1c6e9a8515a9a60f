package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountChat(g *router) {
	g.GET("/chat", h.chatIndex, h.requireOrg)
	g.GET("/chat/channels/list", h.chatChannelList, h.requireOrg)
	g.POST("/chat/channels", h.chatCreateChannel, h.requireOrg)
	g.GET("/chat/:channel", h.chatChannelPage, h.requireOrg)
	g.POST("/chat/:channel/settings", h.chatUpdateChannel, h.requireOrg)
	g.POST("/chat/:channel/leave", h.chatLeaveChannel, h.requireOrg)
	g.POST("/chat/:channel/delete", h.chatDeleteChannel, h.requireOrg)
	g.POST("/chat/:channel/read", h.chatMarkRead, h.requireOrg)
	g.GET("/chat/:channel/messages", h.chatMessages, h.requireOrg)
	g.POST("/chat/:channel/messages", h.chatSend, h.requireOrg)
	g.GET("/chat/:channel/messages/:mid", h.chatMessage, h.requireOrg)
	g.GET("/chat/:channel/messages/:mid/edit", h.chatEditMessage, h.requireOrg)
	g.POST("/chat/:channel/messages/:mid/edit", h.chatSaveMessage, h.requireOrg)
	g.POST("/chat/:channel/messages/:mid/delete", h.chatDeleteMessage, h.requireOrg)
	g.POST("/chat/:channel/messages/:mid/reactions", h.chatToggleReaction, h.requireOrg)
}

func chatPath(channelID string) string { return "/chat/" + url.PathEscape(channelID) }

// chatIndex opens the user's first channel (#general when there is one); ?channels=1 shows the channel list on a
// narrow screen.
func (h *Handlers) chatIndex(c echo.Context) error {
	toChannel := c.QueryParam("channels") == ""
	v, err := h.chatView(c, "", store.ChatCursor{ChannelsOnly: toChannel})
	if err != nil {
		return err
	}
	if toChannel && v.Channel != nil {
		return redirect(c, chatPath(v.Channel.ID))
	}
	return h.renderChatView(c, http.StatusOK, v, &chatForms{showChannels: true})
}

// chatChannelPage is a channel's conversation; ?message= opens it around that message (the mention link).
func (h *Handlers) chatChannelPage(c echo.Context) error {
	return h.renderChat(c, http.StatusOK, c.Param("channel"), store.ChatCursor{Around: c.QueryParam("message")}, nil)
}

// chatForms are forms of the chat page shown again with what was typed and its errors.
type chatForms struct {
	newChannel   *views.ChatChannelForm
	settings     *views.ChatChannelForm
	showChannels bool
}

func (h *Handlers) renderChat(c echo.Context, status int, channelID string, cur store.ChatCursor, forms *chatForms) error {
	v, err := h.chatView(c, channelID, cur)
	if err != nil {
		return err
	}
	return h.renderChatView(c, status, v, forms)
}

// renderChatView renders the chat page from its view and the forms to show again.
func (h *Handlers) renderChatView(c echo.Context, status int, v views.ChatView, forms *chatForms) error {
	if forms != nil && forms.newChannel != nil {
		v.NewChannel = *forms.newChannel
	}
	if forms != nil && forms.settings != nil {
		v.Settings = *forms.settings
	}
	v.ShowChannels = forms != nil && (forms.showChannels || forms.newChannel != nil)
	title := "Chat"
	if v.Channel != nil {
		title = "#" + v.Channel.Name
	}
	p, err := h.page(c, title, views.NavChat)
	if err != nil {
		return err
	}
	return render(c, status, views.ChatPage(p, v))
}

// chatView reads the page. A deep link to a message that is gone opens the channel's newest messages with a note.
func (h *Handlers) chatView(c echo.Context, channelID string, cur store.ChatCursor) (views.ChatView, error) {
	ctx, a := c.Request().Context(), currentActor(c)
	room, err := h.store.ChatRoom(ctx, a, channelID, cur)
	notice := ""
	if _, invalid := store.AsKind(err, store.ErrInvalid); invalid && cur.Around != "" {
		notice = "That message was deleted; here are the channel's latest messages."
		cur.Around = ""
		room, err = h.store.ChatRoom(ctx, a, channelID, cur)
	}
	if err != nil {
		return views.ChatView{}, err
	}
	v := views.ChatView{CSRFToken: csrfToken(c), UserID: a.UserID, Notice: notice, FocusMessageID: cur.Around,
		NewChannel: views.ChatChannelForm{MemberIDs: map[string]bool{}}}
	people := map[string]views.ChatPerson{}
	for _, p := range room.People {
		person := chatPerson(p)
		people[p.UserID] = person
		v.People = append(v.People, person)
	}
	for _, e := range vocab.ReactionEmoji {
		v.Emoji = append(v.Emoji, views.ChatEmoji{Code: e.Code, Glyph: e.Label})
	}
	for _, ch := range room.Channels {
		active := room.Channel != nil && room.Channel.ID == ch.ID
		v.Channels = append(v.Channels, views.ChatChannelItem{ID: ch.ID, Name: ch.Name, IsPrivate: ch.IsPrivate, Unread: ch.UnreadCount, Active: active})
	}
	if room.Channel == nil {
		return v, nil
	}
	ch := *room.Channel
	v.Channel = &views.ChatChannelView{ID: ch.ID, Name: ch.Name, Description: ch.Description, IsPrivate: ch.IsPrivate,
		CanManage: a.CanManageChatChannel(ch), CanDelete: a.Permissions().ManageChannels}
	v.Settings = views.ChatChannelForm{Name: ch.Name, Description: ch.Description, IsPrivate: ch.IsPrivate, MemberIDs: map[string]bool{}}
	for _, id := range ch.MemberIDs {
		v.Settings.MemberIDs[id] = true
		if p, ok := people[id]; ok {
			v.Channel.Members = append(v.Channel.Members, p)
		}
	}
	audience := v.People
	if ch.IsPrivate {
		audience = v.Channel.Members
	}
	for _, p := range audience {
		if p.ID != a.UserID {
			v.Mentionable = append(v.Mentionable, p)
		}
	}
	v.Messages = h.chatMessagesView(c, ch.ID, room.Page, room.TaskChips)
	h.markFirstUnread(&v.Messages, room.Page.Messages, ch.LastReadSeq, a.UserID)
	for i := range v.Messages.Messages {
		v.Messages.Messages[i].Focus = v.Messages.Messages[i].ID == cur.Around
	}
	return v, nil
}

func chatPerson(p store.Person) views.ChatPerson {
	return views.ChatPerson{ID: p.UserID, Name: p.Name, Email: p.Email, Handle: store.MentionHandle(p.Name, p.Email),
		AvatarURL: deref(p.AvatarURL), Initials: initials(p.Name, p.Email)}
}

// markFirstUnread puts the "New" line before the first message of someone else after the reader's marker, when
// the marker falls inside the page (at its first message, everything shown may be new, and older ones too).
func (h *Handlers) markFirstUnread(v *views.ChatMessagesView, msgs []store.ChatMessage, lastRead int64, me string) {
	for i, m := range msgs {
		if m.Seq > lastRead && (m.UserID == nil || *m.UserID != me) {
			if i > 0 {
				v.Messages[i].FirstUnread = true
				v.Messages[i].Continued = false
			}
			return
		}
	}
}

// continuedWithin is how close a message follows its author's previous one to be shown under it, without a header.
const continuedWithin = 5 * time.Minute

// chatMessagesView presents a run of messages: grouped by author and day, with the loaders of older and newer ones.
func (h *Handlers) chatMessagesView(c echo.Context, channelID string, page store.ChatPage, chips map[string]store.TaskChip) views.ChatMessagesView {
	v := views.ChatMessagesView{ChannelID: channelID}
	var prev *views.ChatMessageView
	for _, m := range page.Messages {
		mv := h.chatMessageView(c, m, chips)
		mv.DayBreak = prev == nil || prev.Day != mv.Day
		mv.Continued = prev != nil && !mv.DayBreak && mv.ReplyTo == "" && prev.Author.ID != "" &&
			prev.Author.ID == mv.Author.ID && mv.At.Sub(prev.At) < continuedWithin
		v.Messages = append(v.Messages, mv)
		prev = &v.Messages[len(v.Messages)-1]
	}
	if page.HasMore && len(page.Messages) > 0 {
		v.OlderCursor = page.Messages[0].ID
	}
	if page.HasNewer && len(page.Messages) > 0 {
		v.NewerCursor = page.Messages[len(page.Messages)-1].ID
	}
	return v
}

func (h *Handlers) chatMessageView(c echo.Context, m store.ChatMessage, chips map[string]store.TaskChip) views.ChatMessageView {
	a, loc := currentActor(c), userLocation(c)
	at := m.CreatedAt.In(loc)
	v := views.ChatMessageView{
		ID: m.ID, ChannelID: m.ChannelID, Content: m.Content, At: at, Day: at.Format(time.DateOnly),
		DayLabel: chatDayLabel(at, h.now().In(loc)), Edited: m.EditedAt != nil, Mine: m.UserID != nil && *m.UserID == a.UserID,
		CanEdit: a.CanEditChatMessage(m), CanDelete: a.CanDeleteChatMessage(m), CSRFToken: csrfToken(c), Host: c.Request().Host,
		Author: views.ChatPerson{Name: m.UserName, AvatarURL: deref(m.AvatarURL), Initials: initials(m.UserName, "")},
	}
	if m.UserID != nil {
		v.Author.ID = *m.UserID
	}
	if u := currentUser(c); u != nil {
		local, _, _ := strings.Cut(u.Email, "@")
		v.MyHandles = []string{store.MentionHandle(u.Name, u.Email), strings.ToLower(local)}
	}
	if m.ReplyTo != nil {
		v.ReplyTo, v.ReplyAuthor, v.ReplyExcerpt = *m.ReplyTo, m.ReplyUserName, views.ChatPlain(m.ReplyExcerpt, 140)
	}
	for _, id := range store.TaskIDsIn(m.Content) {
		if t, ok := chips[id]; ok {
			if v.TaskChips == nil {
				v.TaskChips = map[string]views.ChatTaskChip{}
			}
			v.TaskChips[id] = views.ChatTaskChip{ID: t.ID, Title: t.Title, Status: statusName(t.Status), Done: t.Completed}
		}
	}
	v.Files = postFileViews(m.Attachments)
	for _, r := range m.Reactions {
		glyph, ok := vocab.EmojiGlyph(r.Emoji)
		if !ok {
			glyph = ":" + r.Emoji + ":"
		}
		rv := views.ChatReactionView{Code: r.Emoji, Glyph: glyph, Count: r.Count, Who: reactors(r.UserNames)}
		for _, id := range r.UserIDs {
			rv.Mine = rv.Mine || id == a.UserID
		}
		v.Reactions = append(v.Reactions, rv)
	}
	return v
}

// statusName is a task status as a chip shows it: a built-in's label, else the code in words.
func statusName(code string) string {
	for _, b := range vocab.BuiltinStatuses {
		if b.Code == code {
			return b.Label
		}
	}
	return capitalize(strings.ReplaceAll(code, "_", " "))
}

// reactors names who reacted: "Ann, Bob and 3 others".
func reactors(names []string) string {
	for i, n := range names {
		if n == "" {
			names[i] = "Former member"
		}
	}
	switch {
	case len(names) == 0:
		return ""
	case len(names) == 1:
		return names[0]
	case len(names) <= 3:
		return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	rest := len(names) - 2
	return names[0] + ", " + names[1] + " and " + views.Plural(rest, "other", "others")
}

// chatDayLabel names a message's day for its divider.
func chatDayLabel(t, now time.Time) string {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	switch d := day(now).Sub(day(t)); {
	case d == 0:
		return "Today"
	case d == 24*time.Hour:
		return "Yesterday"
	case t.Year() == now.Year():
		return t.Format("Monday, January 2")
	}
	return t.Format("Monday, January 2, 2006")
}

// chatChannelList is the channel list alone, for chat.js to refresh it when channels change.
func (h *Handlers) chatChannelList(c echo.Context) error {
	channels, err := h.store.ChatChannels(c.Request().Context(), currentActor(c))
	if err != nil {
		return err
	}
	current := c.QueryParam("current")
	items := make([]views.ChatChannelItem, 0, len(channels))
	for _, ch := range channels {
		items = append(items, views.ChatChannelItem{ID: ch.ID, Name: ch.Name, IsPrivate: ch.IsPrivate, Unread: ch.UnreadCount, Active: ch.ID == current})
	}
	return render(c, http.StatusOK, views.ChatChannelList(items, current))
}

var chatChannelLabels = map[string]string{"name": "Name", "description": "Description", "member_ids": "Members"}

// channelForm reads the new channel and settings forms.
func channelForm(c echo.Context) (views.ChatChannelForm, store.ChannelInput) {
	f := views.ChatChannelForm{Open: true, Name: c.FormValue("name"), Description: c.FormValue("description"),
		IsPrivate: c.FormValue("is_private") == "true", MemberIDs: map[string]bool{}}
	form, _ := c.FormParams()
	ids := form["member_ids"]
	for _, id := range ids {
		f.MemberIDs[id] = true
	}
	return f, store.ChannelInput{Name: &f.Name, Description: &f.Description, IsPrivate: &f.IsPrivate, MemberIDs: &ids}
}

func (h *Handlers) chatCreateChannel(c echo.Context) error {
	f, in := channelForm(c)
	if !f.IsPrivate {
		in.MemberIDs = nil
	}
	ch, err := h.store.CreateChatChannel(c.Request().Context(), currentActor(c), in)
	if err == nil {
		return redirect(c, chatPath(ch.ID))
	}
	if f.Errors, f.Error, err = formErrors(err, chatChannelLabels); err != nil {
		return err
	}
	return h.renderChat(c, http.StatusUnprocessableEntity, "", store.ChatCursor{}, &chatForms{newChannel: &f})
}

func (h *Handlers) chatUpdateChannel(c echo.Context) error {
	id := c.Param("channel")
	f, in := channelForm(c)
	if c.FormValue("members") == "" {
		in.MemberIDs = nil // a public channel's settings have no member list
	}
	in.IsPrivate = nil
	_, err := h.store.UpdateChatChannel(c.Request().Context(), currentActor(c), id, in)
	if err == nil {
		h.flash(c, views.FlashSuccess, "Channel saved.")
		return redirect(c, chatPath(id))
	}
	if f.Errors, f.Error, err = formErrors(err, chatChannelLabels); err != nil {
		return err
	}
	return h.renderChat(c, http.StatusUnprocessableEntity, id, store.ChatCursor{}, &chatForms{settings: &f})
}

func (h *Handlers) chatLeaveChannel(c echo.Context) error {
	a := currentActor(c)
	if err := h.store.RemoveChatChannelMember(c.Request().Context(), a, c.Param("channel"), a.UserID); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "You left the channel.")
	return redirect(c, "/chat")
}

func (h *Handlers) chatDeleteChannel(c echo.Context) error {
	if err := h.store.DeleteChatChannel(c.Request().Context(), currentActor(c), c.Param("channel")); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Channel deleted.")
	return redirect(c, "/chat")
}
