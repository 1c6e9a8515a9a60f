package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	trmail "github.com/trcr/trcr/store/mail"
)

// Notification types, as notification_preferences names them.
const (
	noticeTaskAssigned      = "task_assigned"
	noticeTaskCommented     = "task_commented"
	noticeTaskStatusChanged = "task_status_changed"
	noticeChatMentioned     = "chat_mentioned"
)

// notify writes the in-app notifications and enqueues the emails of n inside the transaction of the change that
// causes it. The actor is never notified of their own action, each user once, and only active members of the
// actor's organization; each recipient's preferences for n.Type decide the channels.
func (s *Store) notify(ctx context.Context, tx *sqlx.Tx, a Actor, n notice) error {
	to := make([]string, 0, len(n.To))
	for _, id := range n.To {
		if id != "" && id != a.UserID && validID(id) {
			to = append(to, id)
		}
	}
	slices.Sort(to)
	to = slices.Compact(to)
	if len(to) == 0 {
		return nil
	}
	var rcpts []recipient
	err := tx.SelectContext(ctx, &rcpts, `
		SELECT u.id, u.email, u.name,
			coalesce(np.in_app_enabled, true) AS in_app_enabled, coalesce(np.email_enabled, true) AS email_enabled
		FROM users u
		JOIN members m ON m.user_id = u.id AND m.organization_id = $1 AND m.status = 'active'
		LEFT JOIN notification_preferences np ON np.user_id = u.id AND np.notification_type = $2
		WHERE u.id = ANY($3::uuid[])
		ORDER BY u.id`, a.OrgID, n.Type, pq.Array(to))
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	data := map[string]any{}
	for k, v := range n.Data {
		data[k] = v
	}
	data["link"] = n.Link
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	link := strings.TrimRight(s.cfg.BaseURL, "/") + n.Link
	for _, r := range rcpts {
		if r.InApp {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO notifications (organization_id, user_id, type, title, body, data) VALUES ($1, $2, $3, $4, $5, $6)`,
				a.OrgID, r.ID, n.Type, n.Title, n.Body, raw); err != nil {
				return fmt.Errorf("notify: %w", err)
			}
		}
		if !r.EmailEnabled {
			continue
		}
		msg, err := trmail.Notification(r.Email, r.Name, n.Title, n.Body, link)
		if err != nil {
			// A notification email that cannot be built (no base URL configured) must not undo the change.
			s.log.Warn("notification email not sent", "type", n.Type, "user_id", r.ID, "err", err)
			continue
		}
		if err := enqueueEmail(ctx, tx, &a.OrgID, msg); err != nil {
			return err
		}
	}
	return nil
}
