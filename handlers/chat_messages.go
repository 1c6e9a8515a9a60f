package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// The chat page's message actions: reading runs of messages and single ones for chat.js, sending, editing,
// deleting and reacting, each answering the fragment htmx puts in place.

// chatMarkRead marks the open channel read (up to message_id when given); chat.js calls it when the channel is
// opened and when messages arrive while it is in view.
func (h *Handlers) chatMarkRead(c echo.Context) error {
	if _, err := h.store.MarkChatRead(c.Request().Context(), currentActor(c), c.Param("channel"), c.FormValue("message_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// chatMessages answers "load older" (?before=) and "load newer" (?after=).
func (h *Handlers) chatMessages(c echo.Context) error {
	ctx, a := c.Request().Context(), currentActor(c)
	cur := store.ChatCursor{Before: c.QueryParam("before"), After: c.QueryParam("after")}
	history, err := h.store.ChatHistoryPage(ctx, a, c.Param("channel"), cur)
	if invalid, ok := store.AsKind(err, store.ErrInvalid); ok {
		return h.flashError(c, http.StatusUnprocessableEntity, "Messages could not be loaded: "+invalid.Message+". Reload the page.")
	}
	if err != nil {
		return err
	}
	v := h.chatMessagesView(c, c.Param("channel"), history.Page, history.TaskChips)
	if cur.After != "" && len(v.Messages) > 0 {
		v.Messages[0].DayBreak = false // chat.js adds the divider when the day changes
	}
	return render(c, http.StatusOK, views.ChatMessages(v))
}

// oneMessage reads the message of the path for its fragment.
func (h *Handlers) oneMessage(c echo.Context) (views.ChatMessageView, error) {
	ctx, a := c.Request().Context(), currentActor(c)
	m, err := h.store.ChatMessageCardOf(ctx, a, c.Param("channel"), c.Param("mid"))
	if err != nil {
		return views.ChatMessageView{}, err
	}
	return h.chatMessageView(c, m.Message, m.TaskChips), nil
}

// chatMessage is one message, for chat.js to put in place when it arrives, is edited or gets a reaction.
func (h *Handlers) chatMessage(c echo.Context) error {
	v, err := h.oneMessage(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ChatMessage(v))
}

// chatSend posts a message: htmx gets it to append, a plain form goes back to the channel. A refused message
// is explained under the composer.
func (h *Handlers) chatSend(c echo.Context) error {
	ctx, a, id := c.Request().Context(), currentActor(c), c.Param("channel")
	in := store.MessageInput{Content: c.FormValue("content"), AttachmentIDs: attachmentIDs(c)}
	if r := c.FormValue("reply_to"); r != "" {
		in.ReplyTo = &r
	}
	m, err := h.store.PostChatMessage(ctx, a, id, in)
	if err != nil {
		fields, msg, ferr := formErrorsShowing(err, map[string]string{"content": "Message", "reply_to": "Reply",
			"attachment_ids": "Files"})
		if ferr != nil {
			return ferr
		}
		for _, f := range fields {
			msg = orFirst(msg, f)
		}
		if !isHTMX(c) {
			h.flash(c, views.FlashError, msg)
			return redirect(c, chatPath(id))
		}
		c.Response().Header().Set("HX-Retarget", "#chat-composer-error")
		c.Response().Header().Set("HX-Reswap", "innerHTML")
		return c.String(http.StatusUnprocessableEntity, msg)
	}
	if !isHTMX(c) {
		return redirect(c, chatPath(id)+"#msg-"+m.ID)
	}
	chips, err := h.store.ChatTaskChips(ctx, a, []store.ChatMessage{m})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ChatMessage(h.chatMessageView(c, m, chips)))
}

func (h *Handlers) chatEditMessage(c echo.Context) error {
	v, err := h.oneMessage(c)
	if err != nil {
		return err
	}
	if !v.CanEdit {
		return store.ErrForbidden
	}
	v.Editing = true
	if !isHTMX(c) {
		return redirect(c, chatPath(c.Param("channel"))+"#msg-"+v.ID)
	}
	return render(c, http.StatusOK, views.ChatMessage(v))
}

func (h *Handlers) chatSaveMessage(c echo.Context) error {
	ctx, a, id := c.Request().Context(), currentActor(c), c.Param("channel")
	content := c.FormValue("content")
	_, err := h.store.EditChatMessage(ctx, a, id, c.Param("mid"), content)
	if err != nil {
		fields, msg, ferr := formErrorsAsIs(err)
		if ferr != nil {
			return ferr
		}
		v, rerr := h.oneMessage(c)
		if rerr != nil {
			return rerr
		}
		v.Editing, v.Content, v.EditError = true, content, sentence(orFirst(fields["content"], msg))
		return render(c, http.StatusUnprocessableEntity, views.ChatMessage(v))
	}
	if !isHTMX(c) {
		return redirect(c, chatPath(id)+"#msg-"+c.Param("mid"))
	}
	return h.chatMessage(c)
}

func orFirst(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (h *Handlers) chatDeleteMessage(c echo.Context) error {
	if err := h.store.DeleteChatMessage(c.Request().Context(), currentActor(c), c.Param("channel"), c.Param("mid")); err != nil {
		return err
	}
	if !isHTMX(c) {
		return redirect(c, chatPath(c.Param("channel")))
	}
	return c.NoContent(http.StatusOK)
}

// chatToggleReaction gives or takes back the user's reaction, and answers the message with its reactions.
func (h *Handlers) chatToggleReaction(c echo.Context) error {
	ctx, a := c.Request().Context(), currentActor(c)
	if _, err := h.store.ChatMessage(ctx, a, c.Param("channel"), c.Param("mid")); err != nil {
		return err
	}
	if _, err := h.store.ToggleChatReaction(ctx, a, c.Param("mid"), c.FormValue("emoji")); err != nil {
		if se := refusal(err); se != nil && isHTMX(c) {
			return h.flashError(c, http.StatusUnprocessableEntity, sentence(se.Message))
		}
		return err
	}
	if !isHTMX(c) {
		return redirect(c, chatPath(c.Param("channel"))+"#msg-"+c.Param("mid"))
	}
	return h.chatMessage(c)
}
