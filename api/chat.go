package api

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// The reference's nine chat routes, plus (docs/DECISIONS.md "Chat") reading one channel, removing a member of a
// private channel (or leaving it), marking a channel read and editing one's own message.
func (a *API) mountChat(g *router) {
	g.GET("/chat/channels", a.chatChannels, a.requireOrg)
	g.POST("/chat/channels", a.createChatChannel, a.requireOrg)
	g.GET("/chat/channels/:id", a.chatChannel, a.requireOrg)
	g.PUT("/chat/channels/:id", a.updateChatChannel, a.requireOrg)
	g.DELETE("/chat/channels/:id", a.deleteChatChannel, a.requireOrg)
	g.DELETE("/chat/channels/:id/members/:user_id", a.removeChatChannelMember, a.requireOrg)
	g.POST("/chat/channels/:id/read", a.markChatRead, a.requireOrg)
	g.GET("/chat/channels/:id/messages", a.chatMessages, a.requireOrg)
	g.POST("/chat/channels/:id/messages", a.postChatMessage, a.requireOrg)
	g.PUT("/chat/channels/:id/messages/:mid", a.editChatMessage, a.requireOrg)
	g.DELETE("/chat/channels/:id/messages/:mid", a.deleteChatMessage, a.requireOrg)
	g.POST("/chat/messages/:id/reactions", a.addChatReaction, a.requireOrg)
	g.DELETE("/chat/messages/:id/reactions/:emoji", a.removeChatReaction, a.requireOrg)
}

type channelInput struct {
	Name        *string   `json:"name"`
	Description *string   `json:"description"`
	IsPrivate   *bool     `json:"is_private"`
	MemberIDs   *[]string `json:"member_ids"`
}

func (in channelInput) store() store.ChannelInput {
	return store.ChannelInput{Name: in.Name, Description: in.Description, IsPrivate: in.IsPrivate, MemberIDs: in.MemberIDs}
}

func (a *API) chatChannels(c echo.Context) error {
	channels, err := a.store.ChatChannels(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return unpaged(c, channels)
}

func (a *API) chatChannel(c echo.Context) error {
	ch, err := a.store.ChatChannel(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

func (a *API) createChatChannel(c echo.Context) error {
	var in channelInput
	if err := bind(c, &in); err != nil {
		return err
	}
	ch, err := a.store.CreateChatChannel(c.Request().Context(), actor(c), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ch)
}

func (a *API) updateChatChannel(c echo.Context) error {
	var in channelInput
	if err := bind(c, &in); err != nil {
		return err
	}
	ch, err := a.store.UpdateChatChannel(c.Request().Context(), actor(c), c.Param("id"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ch)
}

func (a *API) deleteChatChannel(c echo.Context) error {
	if err := a.store.DeleteChatChannel(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) removeChatChannelMember(c echo.Context) error {
	who := c.Param("user_id")
	if who == "me" {
		who = userID(c)
	}
	if err := a.store.RemoveChatChannelMember(c.Request().Context(), actor(c), c.Param("id"), who); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) markChatRead(c echo.Context) error {
	var in struct {
		MessageID string `json:"message_id"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := a.store.MarkChatRead(c.Request().Context(), actor(c), c.Param("id"), in.MessageID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// messagesBody is a page of messages: chronological, with meta.has_more when older ones exist (and has_newer
// after an `after` cursor).
type messagesBody struct {
	Data []store.ChatMessage `json:"data"`
	Meta messagesMeta        `json:"meta"`
}

type messagesMeta struct {
	HasMore  bool  `json:"has_more"`
	HasNewer *bool `json:"has_newer,omitempty"`
}

func (a *API) chatMessages(c echo.Context) error {
	limit, err := store.ParseMessageLimit(c.QueryParam("limit"))
	if err != nil {
		return err
	}
	cur := store.ChatCursor{Before: c.QueryParam("before"), After: c.QueryParam("after"), Limit: limit}
	page, err := a.store.ChatMessages(c.Request().Context(), actor(c), c.Param("id"), cur)
	if err != nil {
		return err
	}
	body := messagesBody{Data: page.Messages, Meta: messagesMeta{HasMore: page.HasMore}}
	if cur.After != "" {
		body.Meta.HasNewer = &page.HasNewer
	}
	return c.JSON(http.StatusOK, body)
}

type messageInput struct {
	Content *string `json:"content"`
	ReplyTo *string `json:"reply_to"`
	// AttachmentIDs are files uploaded with POST /files/upload (no task_id), for a new message only.
	AttachmentIDs []string `json:"attachment_ids"`
}

func (in messageInput) content() string {
	if in.Content == nil {
		return ""
	}
	return *in.Content
}

func (a *API) postChatMessage(c echo.Context) error {
	var in messageInput
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := a.store.PostChatMessage(c.Request().Context(), actor(c), c.Param("id"), store.MessageInput{Content: in.content(), ReplyTo: in.ReplyTo,
		AttachmentIDs: in.AttachmentIDs})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (a *API) editChatMessage(c echo.Context) error {
	// Only the text changes: a reply's target and a message's files stay as posted.
	var in struct {
		Content *string `json:"content"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := a.store.EditChatMessage(c.Request().Context(), actor(c), c.Param("id"), c.Param("mid"), messageInput{Content: in.Content}.content())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

func (a *API) deleteChatMessage(c echo.Context) error {
	if err := a.store.DeleteChatMessage(c.Request().Context(), actor(c), c.Param("id"), c.Param("mid")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) addChatReaction(c echo.Context) error {
	var in struct {
		Emoji string `json:"emoji"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := a.store.AddChatReaction(c.Request().Context(), actor(c), c.Param("id"), in.Emoji)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (a *API) removeChatReaction(c echo.Context) error {
	emoji := c.Param("emoji")
	// Echo hands over the raw path segment when the path needed escaping (an emoji sent as %F0%9F…).
	if raw, err := url.PathUnescape(emoji); err == nil {
		emoji = raw
	}
	if _, err := a.store.RemoveChatReaction(c.Request().Context(), actor(c), c.Param("id"), emoji); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
