package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountNotifications(g *router) {
	g.GET("/notifications", h.notificationsPage, h.requireOrg)
	g.GET("/notifications/menu", h.notificationMenu, h.requireOrg)
	g.POST("/notifications/mark-read", h.markNotificationsRead, h.requireOrg)
	g.GET("/notifications/:id/open", h.openNotification, h.requireOrg)
	g.POST("/profile/notifications", h.updateNotificationPreferences, h.requireUser)
}

// bellSize is how many notifications the bell's dropdown shows.
const bellSize = 8

func notificationItems(ns []store.Notification) []views.NotificationItem {
	out := make([]views.NotificationItem, 0, len(ns))
	for _, n := range ns {
		var d struct {
			Link string `json:"link"`
		}
		_ = json.Unmarshal(n.Data, &d)
		out = append(out, views.NotificationItem{
			ID: n.ID, Type: n.Type, Title: n.Title, Body: n.Body, Link: d.Link, Read: n.ReadAt != nil, CreatedAt: n.CreatedAt,
		})
	}
	return out
}

func (h *Handlers) notificationsPage(c echo.Context) error {
	pg, err := store.ParsePage(c.QueryParam("page"), "")
	if err != nil {
		return err
	}
	f := store.NotificationFilter{Unread: c.QueryParam("unread") == "true", Type: c.QueryParam("type"), Page: pg}
	a := currentActor(c)
	l, err := h.store.Notifications(c.Request().Context(), a, f)
	if err != nil {
		return err
	}
	p, err := h.page(c, "Notifications", views.NavNotifications)
	if err != nil {
		return err
	}
	q := url.Values{}
	if f.Unread {
		q.Set("unread", "true")
	}
	if f.Type != "" {
		q.Set("type", f.Type)
	}
	v := views.NotificationsView{
		Items: notificationItems(l.Items), Unread: p.UnreadNotifications, OnlyUnread: f.Unread, Type: f.Type, Now: h.now(),
		Pagination: views.Pagination{Page: l.Page, PerPage: l.PerPage, Total: l.Total, Path: "/notifications", Query: q},
	}
	return render(c, http.StatusOK, views.NotificationsPage(p, v))
}

func (h *Handlers) notificationMenu(c echo.Context) error {
	m, err := h.store.NotificationMenuFor(c.Request().Context(), currentActor(c), bellSize)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.NotificationMenu(views.NotificationMenuView{Items: notificationItems(m.Items), Unread: m.Unread, Now: h.now()}))
}

// markNotificationsRead marks all read: from the bell (htmx, which then shows the dropdown again) or the page.
func (h *Handlers) markNotificationsRead(c echo.Context) error {
	if _, err := h.store.MarkNotificationsRead(c.Request().Context(), currentActor(c), nil); err != nil {
		return err
	}
	if isHTMX(c) {
		return h.notificationMenu(c)
	}
	return redirect(c, "/notifications")
}

func (h *Handlers) openNotification(c echo.Context) error {
	link, err := h.store.OpenNotification(c.Request().Context(), currentActor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return redirect(c, orDefault(safeNext(link), "/notifications"))
}

// preferenceRows joins the store's preferences with the page's labels.
func preferenceRows(prefs []store.NotificationPreference) []views.NotificationPreferenceRow {
	byType := map[string]store.NotificationPreference{}
	for _, p := range prefs {
		byType[p.Type] = p
	}
	rows := make([]views.NotificationPreferenceRow, 0, len(views.NotificationTypeLabels))
	for _, o := range views.NotificationTypeLabels {
		p := byType[o.Value]
		rows = append(rows, views.NotificationPreferenceRow{Type: o.Value, Label: o.Label, InApp: p.InAppEnabled, Email: p.EmailEnabled})
	}
	return rows
}

func (h *Handlers) updateNotificationPreferences(c echo.Context) error {
	ctx := c.Request().Context()
	userID := currentUser(c).ID
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	var in []store.PreferenceInput
	for _, typ := range form["types"] {
		inApp, email := form.Get(typ+".in_app") == "on", form.Get(typ+".email") == "on"
		in = append(in, store.PreferenceInput{Type: typ, InAppEnabled: &inApp, EmailEnabled: &email})
	}
	f := views.NotificationPreferencesForm{}
	prefs, err := h.store.SetNotificationPreferences(ctx, userID, in)
	if err != nil {
		// The table has no field of its own to put a message beside: every message is the form's.
		if _, f.Error, err = formErrorsShowing(err, map[string]string{"notification_type": "Notification type"}); err != nil {
			return err
		}
		if prefs, err = h.store.NotificationPreferences(ctx, userID); err != nil {
			return err
		}
	}
	f.Rows, f.Saved = preferenceRows(prefs), f.Error == ""
	status := http.StatusOK
	if f.Error != "" {
		status = http.StatusUnprocessableEntity
	}
	v := profileView(*currentUser(c))
	v.Notifications = f
	return h.profileResult(c, status, v, views.NotificationPreferencesFragment(csrfToken(c), f))
}
