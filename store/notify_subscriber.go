package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/format"
	trmail "github.com/trcr/trcr/store/mail"
)

// Notification types, as notification_preferences names them.
const (
	noticeTaskAssigned      = "task_assigned"
	noticeTaskCommented     = "task_commented"
	noticeTaskStatusChanged = "task_status_changed"
	noticeInvoicePaid       = "invoice_paid"
	noticeChatMentioned     = "chat_mentioned"
)

// notificationEmailWindow is the least time between two notification emails to one person about one thing (a task,
// an invoice, a channel); what happens in between is summed up in one email when the window ends.
const notificationEmailWindow = 5 * time.Minute

// notice is something to tell some users about, in the app and by email.
type notice struct {
	Type  string
	To    []string // user ids
	Title string   // also the email's subject
	Body  string
	Link  string         // path in the app, such as /tasks?task=ID; made absolute in emails
	Data  map[string]any // more fields of the notification's data, besides link
	About string         // what the notice is about, for the email window: "task:ID", "invoice:ID", "chat:ID"
}

// notificationSubscriber turns events into notices: in-app notifications (each announced on its recipient's live
// stream) and emails, as each recipient's preferences say.
func (s *Store) notificationSubscriber() subscriber {
	return subscriber{
		name: "notifications",
		wants: func(t string) bool {
			switch t {
			case EventTaskCreated, EventTaskUpdated, EventCommentCreated, EventInvoicePaid, EventChatMessageCreated:
				return true
			}
			return false
		},
		handle: func(ctx context.Context, tx *sqlx.Tx, e Event) error {
			notices, err := s.noticesFor(ctx, tx, e)
			if err != nil {
				return err
			}
			for _, n := range notices {
				if err := s.deliverNotice(ctx, tx, e, n); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// actorName is who did what an event records, for sentences.
func actorName(ctx context.Context, q sqlx.QueryerContext, e Event) (string, error) {
	if e.ActorID == nil {
		return "Someone", nil
	}
	var name string
	err := sqlx.GetContext(ctx, q, &name, `SELECT name FROM users WHERE id = $1`, *e.ActorID)
	if errors.Is(err, sql.ErrNoRows) || name == "" {
		return "Someone", nil
	}
	return name, err
}

func (s *Store) noticesFor(ctx context.Context, tx *sqlx.Tx, e Event) ([]notice, error) {
	who, err := actorName(ctx, tx, e)
	if err != nil {
		return nil, err
	}
	switch e.Type {
	case EventTaskCreated, EventTaskUpdated:
		var t Task
		var ch Changes
		if err := json.Unmarshal(e.Data, &t); err != nil {
			return nil, err
		}
		if len(e.Changes) > 0 {
			if err := json.Unmarshal(e.Changes, &ch); err != nil {
				return nil, err
			}
		}
		return taskNotices(who, e.Type == EventTaskCreated, t, ch), nil
	case EventCommentCreated:
		return s.commentNotices(ctx, tx, who, e)
	case EventInvoicePaid:
		return s.invoicePaidNotices(ctx, tx, e)
	case EventChatMessageCreated:
		return s.mentionNotices(ctx, tx, who, e)
	}
	return nil, nil
}

// taskNotices tells the new assignee about an assignment, and the reporter and assignee about a status change.
func taskNotices(who string, created bool, t Task, ch Changes) []notice {
	var out []notice
	data := map[string]any{"task_id": t.ID, "project_id": t.ProjectID}
	link := TaskLink(t.ID)
	if _, reassigned := ch["assignee_id"]; t.AssigneeID != nil && (created || reassigned) {
		out = append(out, notice{
			Type: noticeTaskAssigned, To: []string{*t.AssigneeID},
			Title: "Task assigned: " + t.Title, Body: who + " assigned this task to you.",
			Link: link, Data: data, About: "task:" + t.ID,
		})
	}
	if status, changed := ch["status"]; changed && !created {
		var to []string
		for _, id := range []*string{t.ReporterID, t.AssigneeID} {
			if id != nil {
				to = append(to, *id)
			}
		}
		out = append(out, notice{
			Type: noticeTaskStatusChanged, To: to,
			Title: "Task status changed: " + t.Title,
			Body:  fmt.Sprintf("%s changed the status from %v to %v.", who, status.From, status.To),
			Link:  link, Data: map[string]any{"task_id": t.ID, "project_id": t.ProjectID, "from": status.From, "to": status.To},
			About: "task:" + t.ID,
		})
	}
	return out
}

// TaskLink is the page that opens a task's panel (the reference's deep link).
func TaskLink(taskID string) string { return "/tasks?task=" + taskID }

func (s *Store) commentNotices(ctx context.Context, tx *sqlx.Tx, who string, e Event) ([]notice, error) {
	var c struct {
		ID     string `json:"id"`
		TaskID string `json:"task_id"`
		Body   string `json:"body"`
	}
	if err := json.Unmarshal(e.Data, &c); err != nil {
		return nil, err
	}
	var t struct {
		Title      string  `db:"title"`
		ProjectID  string  `db:"project_id"`
		ReporterID *string `db:"reporter_id"`
		AssigneeID *string `db:"assignee_id"`
	}
	err := tx.GetContext(ctx, &t, `SELECT title, project_id, reporter_id, assignee_id FROM tasks WHERE id = $1`, c.TaskID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil // deleted since
	}
	if err != nil {
		return nil, err
	}
	var to []string
	for _, id := range []*string{t.ReporterID, t.AssigneeID} {
		if id != nil {
			to = append(to, *id)
		}
	}
	return []notice{{
		Type: noticeTaskCommented, To: to,
		Title: "New comment on: " + t.Title, Body: who + ": " + excerpt(c.Body, 140),
		Link: TaskLink(c.TaskID), Data: map[string]any{"task_id": c.TaskID, "project_id": t.ProjectID, "comment_id": c.ID},
		About: "task:" + c.TaskID,
	}}, nil
}

func (s *Store) invoicePaidNotices(ctx context.Context, tx *sqlx.Tx, e Event) ([]notice, error) {
	var inv struct {
		ID       string `json:"id"`
		Number   string `json:"number"`
		ClientID string `json:"client_id"`
		Total    int64  `json:"total"`
		Currency string `json:"currency"`
	}
	if err := json.Unmarshal(e.Data, &inv); err != nil {
		return nil, err
	}
	var client string
	if err := tx.GetContext(ctx, &client, `SELECT coalesce((SELECT name FROM clients WHERE id = $1), '')`, inv.ClientID); err != nil {
		return nil, err
	}
	var admins []string
	if err := tx.SelectContext(ctx, &admins, `
		SELECT user_id FROM members WHERE organization_id = $1 AND status = 'active' AND role IN ('owner', 'admin')`, e.OrgID); err != nil {
		return nil, err
	}
	return []notice{{
		Type: noticeInvoicePaid, To: admins,
		Title: fmt.Sprintf("Invoice %s was paid", inv.Number),
		Body:  fmt.Sprintf("%s paid %s in full.", client, format.Money(inv.Total, inv.Currency)),
		Link:  "/invoices/" + inv.ID, Data: map[string]any{"invoice_id": inv.ID, "number": inv.Number},
		About: "invoice:" + inv.ID,
	}}, nil
}

// excerpt shortens text to at most n runes on one line.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= n {
		return text
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// recipient is a user to notify with their preferences for one type; a missing preference row means enabled.
type recipient struct {
	ID           string `db:"id"`
	Email        string `db:"email"`
	Name         string `db:"name"`
	InApp        bool   `db:"in_app_enabled"`
	EmailEnabled bool   `db:"email_enabled"`
}

// deliverNotice writes the in-app notifications (dated when the change happened) and the emails of n. The actor is never notified of their own
// action, each user once, and only active members of the organization; each recipient's preferences for n.Type
// decide the channels.
func (s *Store) deliverNotice(ctx context.Context, tx *sqlx.Tx, e Event, n notice) error {
	to := make([]string, 0, len(n.To))
	for _, id := range n.To {
		if id != "" && (e.ActorID == nil || id != *e.ActorID) && validID(id) {
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
		ORDER BY u.id`, e.OrgID, n.Type, pq.Array(to))
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
	system := Actor{OrgID: e.OrgID}
	if e.ActorID != nil {
		system.UserID = *e.ActorID
	}
	for _, r := range rcpts {
		if r.InApp {
			var row Notification
			if err := tx.GetContext(ctx, &row, `
				INSERT INTO notifications (organization_id, user_id, type, title, body, data, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
				RETURNING `+notificationColumns, e.OrgID, r.ID, n.Type, n.Title, n.Body, raw, e.CreatedAt); err != nil {
				return fmt.Errorf("notify: %w", err)
			}
			if err := s.record(ctx, tx, system, newEvent{Type: EventNotificationCreated, To: toUser(r.ID), EntityType: "notification", EntityID: row.ID, Data: row}); err != nil {
				return err
			}
		}
		if r.EmailEnabled {
			if err := s.emailNotice(ctx, tx, e.OrgID, r, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// emailNotice emails a notice at once, unless the recipient had an email about the same thing within the window:
// then the notice is counted, and flushNotificationEmails sums the window up in one email when it ends.
func (s *Store) emailNotice(ctx context.Context, tx *sqlx.Tx, orgID string, r recipient, n notice) error {
	now := s.now()
	about := n.About
	if about == "" {
		about = n.Type
	}
	var endsAt time.Time
	err := tx.GetContext(ctx, &endsAt, `
		SELECT ends_at FROM notification_email_windows WHERE user_id = $1 AND subject_key = $2 FOR UPDATE`, r.ID, about)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if err == nil && endsAt.After(now) {
		_, err := tx.ExecContext(ctx, `
			UPDATE notification_email_windows SET pending = pending + 1, last_title = $3, last_body = $4, link = $5
			WHERE user_id = $1 AND subject_key = $2`, r.ID, about, n.Title, n.Body, n.Link)
		return err
	}
	if err := s.enqueueNotificationEmail(ctx, tx, orgID, r.Email, r.Name, n.Title, n.Body, n.Link); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO notification_email_windows (user_id, subject_key, organization_id, ends_at, pending) VALUES ($1, $2, $3, $4, 0)
		ON CONFLICT (user_id, subject_key) DO UPDATE SET ends_at = $4, pending = 0`, r.ID, about, orgID, now.Add(notificationEmailWindow))
	return err
}

func (s *Store) enqueueNotificationEmail(ctx context.Context, tx *sqlx.Tx, orgID, to, name, title, body, link string) error {
	msg, err := trmail.Notification(to, name, title, body, s.pageURL(link))
	if err != nil {
		// A notification email that cannot be built (no base URL configured) must not hold up the rest.
		s.log.Warn("notification email not sent", "to_user", name, "err", err)
		return nil
	}
	return enqueueEmail(ctx, tx, &orgID, msg)
}

// FlushNotificationEmails sends the summary email of every window that ended with notices still untold, and
// returns how many it sent.
func (s *Store) FlushNotificationEmails(ctx context.Context) (int, error) {
	n := 0
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var due []struct {
			UserID  string `db:"user_id"`
			About   string `db:"subject_key"`
			OrgID   string `db:"organization_id"`
			Pending int    `db:"pending"`
			Title   string `db:"last_title"`
			Body    string `db:"last_body"`
			Link    string `db:"link"`
			Email   string `db:"email"`
			Name    string `db:"name"`
		}
		err := tx.SelectContext(ctx, &due, `
			SELECT w.user_id, w.subject_key, w.organization_id, w.pending, w.last_title, w.last_body, w.link, u.email, u.name
			FROM notification_email_windows w JOIN users u ON u.id = w.user_id
			WHERE w.pending > 0 AND w.ends_at <= $1
			ORDER BY w.ends_at LIMIT 200 FOR UPDATE OF w SKIP LOCKED`, s.now())
		if err != nil {
			return err
		}
		for _, w := range due {
			body := w.Body
			if w.Pending > 1 {
				body = fmt.Sprintf("%d updates in the last few minutes. The latest: %s", w.Pending, w.Body)
			}
			if err := s.enqueueNotificationEmail(ctx, tx, w.OrgID, w.Email, w.Name, w.Title, body, w.Link); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `
				UPDATE notification_email_windows SET pending = 0, ends_at = $3 WHERE user_id = $1 AND subject_key = $2`,
				w.UserID, w.About, s.now().Add(notificationEmailWindow)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// pruneNotificationEmailWindows forgets windows long past.
func (s *Store) pruneNotificationEmailWindows(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM notification_email_windows WHERE pending = 0 AND ends_at < $1`, s.now().Add(-time.Hour))
	return err
}

// mentionNotices tells the members a chat message mentions, who can see its channel, that they were mentioned. The
// message and channel are read as they are now: a message deleted since mentions nobody, and someone who left a
// private channel meanwhile is not told of it.
func (s *Store) mentionNotices(ctx context.Context, tx *sqlx.Tx, who string, e Event) ([]notice, error) {
	var msg struct {
		ID        string `json:"id"`
		ChannelID string `json:"channel_id"`
	}
	if err := json.Unmarshal(e.Data, &msg); err != nil {
		return nil, err
	}
	var m struct {
		Content   string `db:"content"`
		Channel   string `db:"name"`
		IsPrivate bool   `db:"is_private"`
	}
	err := tx.GetContext(ctx, &m, `
		SELECT m.content, c.name, c.is_private FROM chat_messages m JOIN chat_channels c ON c.id = m.channel_id
		WHERE m.id = $1 AND c.organization_id = $2`, msg.ID, e.OrgID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	handles := mentionedHandles(m.Content)
	if len(handles) == 0 {
		return nil, nil
	}
	var to []string
	if err := tx.SelectContext(ctx, &to, `
		SELECT u.id FROM members mb JOIN users u ON u.id = mb.user_id
		WHERE mb.organization_id = $1 AND mb.status = 'active'
			AND (lower(regexp_replace(u.name, '\s', '', 'g')) = ANY($2) OR lower(split_part(u.email, '@', 1)) = ANY($2))
			AND (NOT $3 OR EXISTS (SELECT 1 FROM chat_channel_members cm WHERE cm.channel_id = $4 AND cm.user_id = u.id))
		ORDER BY u.id LIMIT $5`, e.OrgID, pq.Array(handles), m.IsPrivate, msg.ChannelID, MaxMentions); err != nil {
		return nil, err
	}
	if len(to) == 0 {
		return nil, nil
	}
	return []notice{{
		Type: noticeChatMentioned, To: to,
		Title: fmt.Sprintf("%s mentioned you in #%s", who, m.Channel), Body: excerpt(m.Content, 140),
		Link: ChatMessageLink(msg.ChannelID, msg.ID), Data: map[string]any{"channel_id": msg.ChannelID, "message_id": msg.ID},
		About: "chat:" + msg.ChannelID,
	}}, nil
}

// ChatMessageLink is the chat page scrolled to a message, highlighted.
func ChatMessageLink(channelID, messageID string) string {
	return "/chat/" + channelID + "?message=" + messageID
}
