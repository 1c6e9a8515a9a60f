package views

import (
	"net/url"
	"time"
)

// NavNotifications marks the notifications page (it has no sidebar entry; the bell leads to it).
const NavNotifications = "notifications"

// NotificationItem is one notification as the bell and the page show it.
type NotificationItem struct {
	ID        string
	Type      string
	Title     string
	Body      string
	Link      string // where opening it goes, inside the app
	Read      bool
	CreatedAt time.Time
}

// NotificationMenuView is the bell's dropdown: the newest notifications.
type NotificationMenuView struct {
	Items  []NotificationItem
	Unread int
	Now    time.Time
}

// NotificationsView is the notifications page.
type NotificationsView struct {
	Items      []NotificationItem
	Unread     int
	OnlyUnread bool
	Type       string
	Pagination Pagination
	Now        time.Time
}

// NotificationPreferenceRow is one type's channels in the profile.
type NotificationPreferenceRow struct {
	Type, Label, Hint string
	InApp, Email      bool
}

// NotificationPreferencesForm is the profile's notification settings.
type NotificationPreferencesForm struct {
	Rows  []NotificationPreferenceRow
	Saved bool
	Error string
}

// NotificationTypeLabels names the five types, in the order the preferences list them.
var NotificationTypeLabels = []Option{
	{Value: "task_assigned", Label: "Task assigned to me"},
	{Value: "task_commented", Label: "Comments on my tasks"},
	{Value: "task_status_changed", Label: "Status changes of my tasks"},
	{Value: "invoice_paid", Label: "Invoices paid"},
	{Value: "chat_mentioned", Label: "Mentions in chat"},
}

func notificationIcon(t string) string {
	switch t {
	case "task_assigned":
		return "user"
	case "task_commented":
		return "message-square"
	case "task_status_changed":
		return "circle-check"
	case "invoice_paid":
		return "receipt"
	case "chat_mentioned":
		return "at-sign"
	}
	return "bell"
}

// openURL marks a notification read and follows its link.
func (n NotificationItem) openURL() string { return "/notifications/" + url.PathEscape(n.ID) + "/open" }

func notificationsFilterURL(onlyUnread bool, typ string) string {
	q := url.Values{}
	if onlyUnread {
		q.Set("unread", "true")
	}
	if typ != "" {
		q.Set("type", typ)
	}
	if len(q) == 0 {
		return "/notifications"
	}
	return "/notifications?" + q.Encode()
}

func bellLabel(unread int) string {
	if unread > 0 {
		return "Notifications, " + itoa(unread) + " unread"
	}
	return "Notifications"
}

func countLabel(n int) string {
	if n > 99 {
		return "99+"
	}
	return itoa(n)
}
