package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// devMailbox shows the email outbox. It is mounted only when no SMTP server is configured, so that a sign-up on
// the embedded default can be completed: the verification and invitation links are read here.
func (h *Handlers) devMailbox(c echo.Context) error {
	ctx := c.Request().Context()
	mb, err := h.store.DevMailboxPage(ctx, 100, c.Param("id"))
	if err != nil {
		return err
	}
	v := views.DevMailboxView{Now: h.now()}
	for _, e := range mb.Emails {
		v.Emails = append(v.Emails, viewEmail(e))
	}
	if mb.Selected != nil {
		sel := viewEmail(*mb.Selected)
		v.Selected = &sel
		if isHTMX(c) {
			return render(c, http.StatusOK, views.MailboxMessage(sel))
		}
	}
	// The chrome is that of the organization the signed-in user works in, if any (the route needs no sign-in).
	if u := currentUser(c); u != nil {
		if a, err := h.store.ActorFor(ctx, u.ID, h.sessions.GetString(ctx, sessOrgID), c.RealIP()); err == nil {
			c.Set(ctxActor, a)
		}
	}
	p, err := h.page(c, "Dev mailbox", views.NavDevMailbox)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.DevMailboxPage(p, v))
}

func viewEmail(e store.OutboxEmail) views.OutboxEmail {
	return views.OutboxEmail{
		ID: e.ID, To: strings.Join(e.To, ", "), Subject: e.Subject, Status: e.Status, CreatedAt: e.CreatedAt,
		Error: e.LastError, TextBody: e.Text, HTMLBody: e.HTML,
	}
}
