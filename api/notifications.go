package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountNotifications(g *router) {
	g.GET("/notifications", a.notifications, a.requireOrg)
	g.POST("/notifications/mark-read", a.markNotificationsRead, a.requireOrg)
	g.GET("/notifications/preferences", a.notificationPreferences, a.requireUser)
	g.PUT("/notifications/preferences", a.updateNotificationPreference, a.requireUser)
}

func (a *API) notifications(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	f := store.NotificationFilter{Type: c.QueryParam("type"), Page: p}
	switch c.QueryParam("unread") {
	case "", "false", "0":
	case "true", "1":
		f.Unread = true
	default:
		return store.Invalid("unread", "unread must be true or false")
	}
	l, err := a.store.Notifications(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return paged(c, l)
}

func (a *API) markNotificationsRead(c echo.Context) error {
	var in struct {
		IDs []string `json:"ids"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	out, err := a.store.MarkNotificationsRead(c.Request().Context(), actor(c), in.IDs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

func (a *API) notificationPreferences(c echo.Context) error {
	prefs, err := a.store.NotificationPreferences(c.Request().Context(), userID(c))
	if err != nil {
		return err
	}
	return unpaged(c, prefs)
}

func (a *API) updateNotificationPreference(c echo.Context) error {
	var in struct {
		Type         string `json:"notification_type"`
		EmailEnabled *bool  `json:"email_enabled"`
		PushEnabled  *bool  `json:"push_enabled"`
		InAppEnabled *bool  `json:"in_app_enabled"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := a.store.UpdateNotificationPreference(c.Request().Context(), userID(c), store.PreferenceInput{
		Type: in.Type, EmailEnabled: in.EmailEnabled, PushEnabled: in.PushEnabled, InAppEnabled: in.InAppEnabled,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}
