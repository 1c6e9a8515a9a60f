package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// NotificationTypes are the five kinds of notification, each with its own preferences.
var NotificationTypes = []string{noticeTaskAssigned, noticeTaskCommented, noticeTaskStatusChanged, noticeInvoicePaid, noticeChatMentioned}

// Notification is one in-app notification of a user.
type Notification struct {
	ID        string          `db:"id" json:"id"`
	Type      string          `db:"type" json:"type"`
	Title     string          `db:"title" json:"title"`
	Body      string          `db:"body" json:"body"`
	Data      json.RawMessage `db:"data" json:"data"`
	ReadAt    *time.Time      `db:"read_at" json:"read_at"`
	CreatedAt time.Time       `db:"created_at" json:"created_at"`
}

const notificationColumns = `id, type, title, body, data, read_at, created_at`

// NotificationFilter narrows the list.
type NotificationFilter struct {
	Unread bool
	Type   string
	Page   Page
}

// Notifications lists the caller's notifications in the current organization, newest first.
func (s *Store) Notifications(ctx context.Context, a Actor, f NotificationFilter) (List[Notification], error) {
	if f.Type != "" && !validNotificationType(f.Type) {
		return List[Notification]{}, Invalid("type", "type must be one of task_assigned, task_commented, task_status_changed, invoice_paid, chat_mentioned")
	}
	q := newQuery("user_id = $1", a.UserID)
	q.where("organization_id = ?", a.OrgID)
	if f.Unread {
		q.where("read_at IS NULL")
	}
	if f.Type != "" {
		q.where("type = ?", f.Type)
	}
	out := List[Notification]{Items: []Notification{}, Page: f.Page.Number(), PerPage: f.Page.Size()}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM notifications WHERE `+q.cond(), q.args...); err != nil {
		return out, err
	}
	err := s.db.SelectContext(ctx, &out.Items, `SELECT `+notificationColumns+` FROM notifications WHERE `+q.cond()+`
		ORDER BY created_at DESC, id DESC `+q.limit(f.Page), q.args...)
	return out, err
}

// UnreadNotifications counts the caller's unread notifications in the current organization, for the bell.
func (s *Store) UnreadNotifications(ctx context.Context, a Actor) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM notifications WHERE user_id = $1 AND organization_id = $2 AND read_at IS NULL`,
		a.UserID, a.OrgID)
	return n, err
}

// MarkRead is what mark-read answers.
type MarkRead struct {
	Updated     int `json:"updated"`
	UnreadCount int `json:"unread_count"`
}

// MarkNotificationsRead marks the caller's notifications with these ids read, or all of them when ids is nil. Ids
// of other people's notifications change nothing. Other tabs hear of it through the live stream.
func (s *Store) MarkNotificationsRead(ctx context.Context, a Actor, ids []string) (MarkRead, error) {
	var out MarkRead
	if len(ids) > 500 {
		return out, Invalid("ids", "ids must list at most 500 notifications")
	}
	for _, id := range ids {
		if !validID(id) {
			return out, Invalid("ids", "ids must be notification ids")
		}
	}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE notifications SET read_at = now()
			WHERE user_id = $1 AND organization_id = $2 AND read_at IS NULL AND ($3::uuid[] IS NULL OR id = ANY($3))`,
			a.UserID, a.OrgID, nullableUUIDs(ids))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		out.Updated = int(n)
		if err := tx.GetContext(ctx, &out.UnreadCount, `
			SELECT count(*) FROM notifications WHERE user_id = $1 AND organization_id = $2 AND read_at IS NULL`, a.UserID, a.OrgID); err != nil {
			return err
		}
		if out.Updated == 0 {
			return nil
		}
		return s.record(ctx, tx, a, newEvent{Type: EventNotificationsRead, To: toUser(a.UserID), Data: out})
	})
	return out, err
}

// nullableUUIDs is NULL for a nil slice (meaning "all"), else the array.
func nullableUUIDs(ids []string) any {
	if ids == nil {
		return nil
	}
	return pq.Array(ids)
}

// NotificationPreference says on which channels a user hears of one type.
type NotificationPreference struct {
	Type         string `db:"notification_type" json:"notification_type"`
	EmailEnabled bool   `db:"email_enabled" json:"email_enabled"`
	PushEnabled  bool   `db:"push_enabled" json:"push_enabled"`
	InAppEnabled bool   `db:"in_app_enabled" json:"in_app_enabled"`
}

// NotificationPreferences lists the user's preferences for all five types; a type never set is enabled everywhere.
func (s *Store) NotificationPreferences(ctx context.Context, userID string) ([]NotificationPreference, error) {
	var out []NotificationPreference
	err := s.db.SelectContext(ctx, &out, `
		SELECT t.type AS notification_type, coalesce(np.email_enabled, true) AS email_enabled,
			coalesce(np.push_enabled, true) AS push_enabled, coalesce(np.in_app_enabled, true) AS in_app_enabled
		FROM unnest($2::text[]) WITH ORDINALITY AS t(type, n)
		LEFT JOIN notification_preferences np ON np.user_id = $1 AND np.notification_type = t.type
		ORDER BY t.n`, userID, pq.Array(NotificationTypes))
	return out, err
}

// PreferenceInput changes one type's channels; nil fields stay as they are.
type PreferenceInput struct {
	Type         string
	EmailEnabled *bool
	PushEnabled  *bool
	InAppEnabled *bool
}

// UpdateNotificationPreference changes the channels of one type for the user and returns the preference.
func (s *Store) UpdateNotificationPreference(ctx context.Context, userID string, in PreferenceInput) (NotificationPreference, error) {
	var out NotificationPreference
	if in.Type == "" {
		return out, Invalid("notification_type", "notification_type is required")
	}
	if !validNotificationType(in.Type) {
		return out, Invalid("notification_type", "notification_type must be one of task_assigned, task_commented, task_status_changed, invoice_paid, chat_mentioned")
	}
	err := s.db.GetContext(ctx, &out, `
		INSERT INTO notification_preferences (user_id, notification_type, email_enabled, push_enabled, in_app_enabled)
		VALUES ($1, $2, coalesce($3, true), coalesce($4, true), coalesce($5, true))
		ON CONFLICT (user_id, notification_type) DO UPDATE SET
			email_enabled = coalesce($3, notification_preferences.email_enabled),
			push_enabled = coalesce($4, notification_preferences.push_enabled),
			in_app_enabled = coalesce($5, notification_preferences.in_app_enabled)
		RETURNING notification_type, email_enabled, push_enabled, in_app_enabled`,
		userID, in.Type, in.EmailEnabled, in.PushEnabled, in.InAppEnabled)
	if err != nil {
		return out, fmt.Errorf("notification preference: %w", err)
	}
	return out, nil
}

func validNotificationType(t string) bool {
	for _, n := range NotificationTypes {
		if n == t {
			return true
		}
	}
	return false
}

// OpenNotification marks one of the caller's notifications read and returns where its link leads.
func (s *Store) OpenNotification(ctx context.Context, a Actor, id string) (string, error) {
	if !validID(id) {
		return "", fmt.Errorf("notification: %w", ErrNotFound)
	}
	var link string
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var n struct {
			Link   string `db:"link"`
			Unread bool   `db:"unread"`
		}
		err := tx.GetContext(ctx, &n, `
			SELECT coalesce(data->>'link', '') AS link, read_at IS NULL AS unread FROM notifications
			WHERE id = $1 AND user_id = $2 AND organization_id = $3 FOR UPDATE`, id, a.UserID, a.OrgID)
		if err != nil {
			return notFoundIfNoRows(err, "notification")
		}
		link = n.Link
		if !n.Unread {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		var unread int
		if err := tx.GetContext(ctx, &unread, `
			SELECT count(*) FROM notifications WHERE user_id = $1 AND organization_id = $2 AND read_at IS NULL`, a.UserID, a.OrgID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, newEvent{Type: EventNotificationsRead, To: toUser(a.UserID), Data: MarkRead{Updated: 1, UnreadCount: unread}})
	})
	return link, err
}

// NotificationMenu is what the header's bell shows: the newest notifications and the unread count.
type NotificationMenu struct {
	Items  []Notification
	Unread int
}

// NotificationMenuFor reads the bell's dropdown.
func (s *Store) NotificationMenuFor(ctx context.Context, a Actor, limit int) (NotificationMenu, error) {
	var m NotificationMenu
	if err := s.db.SelectContext(ctx, &m.Items, `SELECT `+notificationColumns+` FROM notifications
		WHERE user_id = $1 AND organization_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`, a.UserID, a.OrgID, limit); err != nil {
		return m, err
	}
	var err error
	m.Unread, err = s.UnreadNotifications(ctx, a)
	return m, err
}

// SetNotificationPreferences changes several types at once (the profile's table), in one transaction, and returns
// all five preferences.
func (s *Store) SetNotificationPreferences(ctx context.Context, userID string, in []PreferenceInput) ([]NotificationPreference, error) {
	if len(in) > len(NotificationTypes) {
		return nil, Invalid("notification_type", "at most one change per notification type")
	}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		for _, p := range in {
			if !validNotificationType(p.Type) {
				return Invalid("notification_type", "notification_type must be one of task_assigned, task_commented, task_status_changed, invoice_paid, chat_mentioned")
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO notification_preferences (user_id, notification_type, email_enabled, push_enabled, in_app_enabled)
				VALUES ($1, $2, coalesce($3, true), coalesce($4, true), coalesce($5, true))
				ON CONFLICT (user_id, notification_type) DO UPDATE SET
					email_enabled = coalesce($3, notification_preferences.email_enabled),
					push_enabled = coalesce($4, notification_preferences.push_enabled),
					in_app_enabled = coalesce($5, notification_preferences.in_app_enabled)`,
				userID, p.Type, p.EmailEnabled, p.PushEnabled, p.InAppEnabled); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("notification preferences: %w", err)
	}
	return s.NotificationPreferences(ctx, userID)
}
