package handlers

import (
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// page builds the chrome every page shares: user, organizations, flashes, CSRF token.
func (h *Handlers) page(c echo.Context, title, nav string) (views.Page, error) {
	ctx := c.Request().Context()
	p := views.Page{Title: title, CSRFToken: csrfToken(c), ActiveNav: nav, DevMailbox: h.opts.DevMailbox, Flashes: h.popFlashes(ctx)}
	u := currentUser(c)
	if u == nil {
		return p, nil
	}
	p.CurrentUser = viewUser(*u)
	a, hasActor := c.Get(ctxActor).(store.Actor)
	var actor *store.Actor
	if hasActor {
		actor = &a
	}
	chrome, err := h.store.PageChrome(ctx, u.ID, actor)
	if err != nil {
		return p, err
	}
	for _, o := range chrome.Organizations {
		p.Orgs = append(p.Orgs, views.Org{ID: o.ID, Name: o.Name, LogoURL: deref(o.LogoURL)})
		if hasActor && o.ID == a.OrgID {
			p.CurrentOrg = views.CurrentOrg{ID: o.ID, Name: o.Name, Role: a.Role, LogoURL: deref(o.LogoURL)}
		}
	}
	if hasActor {
		p.Can = views.Permissions(a.Permissions())
		p.Timer = views.TimerWidget(h.timerView(chrome.Timer, p.CSRFToken))
		p.UnreadNotifications = chrome.UnreadNotifications
		p.Notifications = views.NotificationBell(p.UnreadNotifications)
	}
	return p, nil
}

func viewUser(u store.User) views.User {
	return views.User{ID: u.ID, Name: u.Name, Email: u.Email, AvatarURL: deref(u.AvatarURL), Initials: initials(u.Name, u.Email)}
}

// initials are shown in place of a missing avatar: the first letters of the first and last names.
func initials(name, email string) string {
	fields := strings.Fields(name)
	if len(fields) == 0 {
		if email == "" {
			return "?"
		}
		fields = []string{email}
	}
	first := []rune(fields[0])[0]
	out := string(unicode.ToUpper(first))
	if len(fields) > 1 {
		out += string(unicode.ToUpper([]rune(fields[len(fields)-1])[0]))
	}
	return out
}
