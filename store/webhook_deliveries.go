package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// Deliveries of the organization's webhooks. A webhook's sender (webhook_lanes.go) reads its events from the events
// table and writes one delivery row per event it sent, with the outcome of the attempt. A failed delivery stays
// pending: it is retried with exponential backoff (eventRetryDelay) for webhookRetryFor; then it fails, its webhook
// is turned off, and the organization's owners and admins get an email. A redelivery or a test event, which a
// person asked for, is a pending row from the start.

// Delivery policy of webhooks (the lanes that send them: webhook_lanes.go).
const (
	webhookRetryFor = 24 * time.Hour
	// maxWebhookLog is how many deliveries a page of the log holds at most.
	maxWebhookLog = 100
)

// WebhookDelivery is one event sent (or to send) to one webhook: its last attempt and the request it made.
type WebhookDelivery struct {
	ID            string            `db:"id" json:"id"`
	WebhookID     string            `db:"webhook_id" json:"webhook_id"`
	EventID       string            `db:"event_id" json:"event_id"`
	EventType     string            `db:"event_type" json:"event_type"`
	RedeliveryOf  *string           `db:"redelivery_of" json:"redelivery_of"`
	Status        string            `db:"status" json:"status"`
	Attempts      int               `db:"attempts" json:"attempts"`
	ResponseCode  *int              `db:"response_code" json:"response_code"`
	DurationMS    int               `db:"duration_ms" json:"duration_ms"`
	Error         string            `db:"error" json:"error"`
	Request       WebhookRequestLog `db:"-" json:"request"`
	NextAttemptAt *time.Time        `db:"-" json:"next_attempt_at"`
	LastAttemptAt *time.Time        `db:"last_attempt_at" json:"last_attempt_at"`
	CreatedAt     time.Time         `db:"created_at" json:"created_at"`

	NextAt        time.Time       `db:"next_attempt_at" json:"-"`
	StoredHeaders json.RawMessage `db:"request_headers" json:"-"`
	// Secret is the webhook's, to rebuild the signatures of the last attempt; never shown.
	Secret        string `db:"webhook_secret" json:"-"`
	deliveryEvent `json:"-"`
}

// WebhookRequestLog is the request of a delivery's last attempt (the headers are empty before the first).
type WebhookRequestLog struct {
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// deliveryEvent is what a delivery needs of its event to rebuild the body it sends.
type deliveryEvent struct {
	EventOrgID     string          `db:"event_org"`
	EventActorID   *string         `db:"event_actor"`
	EventCreatedAt time.Time       `db:"event_created_at"`
	EventData      json.RawMessage `db:"event_data"`
	EventChanges   json.RawMessage `db:"event_changes"`
}

const webhookDeliveryColumns = `d.id::text AS id, d.webhook_id, d.event_id::text AS event_id, e.type AS event_type,
	d.redelivery_of::text AS redelivery_of, d.status, d.attempts, d.response_code, d.duration_ms, d.error,
	d.last_attempt_at, d.created_at, d.next_attempt_at, d.request_headers, w.secret AS webhook_secret,
	e.organization_id AS event_org, e.actor_id AS event_actor, e.created_at AS event_created_at,
	e.data AS event_data, e.changes AS event_changes`

// webhookDeliveryJoins are the tables webhookDeliveryColumns read besides the deliveries (d).
const webhookDeliveryJoins = ` JOIN events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id`

// finish fills what is derived from the stored columns: the request's body and headers, and when the next
// attempt is due. The headers of the last attempt are rebuilt rather than stored (a delivery's row is written
// with every attempt, and the headers were most of it): they follow from the event, the delivery's id, the time of
// the attempt and the webhook's secret, as sendWebhook made them. Rows written before that keep theirs.
func (d *WebhookDelivery) finish() error {
	d.Request.Headers = map[string]string{}
	if len(d.StoredHeaders) > 0 {
		if err := json.Unmarshal(d.StoredHeaders, &d.Request.Headers); err != nil {
			return fmt.Errorf("delivery headers: %w", err)
		}
	}
	id, _ := strconv.ParseInt(d.EventID, 10, 64)
	body, err := json.Marshal(Event{ID: id, OrgID: d.EventOrgID, Type: d.EventType, ActorID: d.EventActorID,
		CreatedAt: d.EventCreatedAt, Data: d.EventData, Changes: d.EventChanges}.Wire())
	if err != nil {
		return err
	}
	d.Request.Body = body
	if len(d.Request.Headers) == 0 && d.LastAttemptAt != nil {
		h := webhookHeaders(webhookRequest{Secret: d.Secret, EventType: d.EventType, DeliveryID: d.ID, Body: body,
			Timestamp: d.LastAttemptAt.Unix()})
		for _, name := range loggedHeaderNames {
			if v := h.Get(name); v != "" {
				d.Request.Headers[name] = v
			}
		}
	}
	if d.Status == vocab.WebhookPending {
		at := d.NextAt.UTC()
		d.NextAttemptAt = &at
	}
	return nil
}

// deliveryOutcome is what a sender writes for one delivery, as the JSON its statements read with
// jsonb_to_recordset.
type deliveryOutcome struct {
	ID       int64     `json:"id"`
	EventID  int64     `json:"event_id"`
	Status   string    `json:"status"`
	Attempts int       `json:"attempts"`
	NextAt   time.Time `json:"next_attempt_at"`
	At       time.Time `json:"last_attempt_at"`
	Code     *int      `json:"response_code"`
	Duration int       `json:"duration_ms"`
	Error    string    `json:"error"`
	giveUp   bool
	orgID    string
}

// loggedHeaderNames are the request headers the deliveries log shows, named as DECISIONS.md spells them.
var loggedHeaderNames = []string{headerWebhookEvent, headerWebhookDelivery, headerWebhookTimestamp,
	headerWebhookSignature, headerWebhookTimestampSignature, "Content-Type", "User-Agent"}

// recordWebhookBatch writes the deliveries a lane sent from its webhook's events, with their outcomes, and the
// webhook's new cursor (past the events it sent or passed over), and renews the lease, with one statement. A
// failed delivery is written pending, unless the webhook was turned off meanwhile (then failed, as turning it off
// does to the pending ones); nothing is written once the webhook is deleted or leased by another process.
//
// The commit does not wait for its WAL to reach the disk (set_config: synchronous_commit off for this transaction,
// without a round trip of its own). A crash can lose the last few hundred milliseconds of such commits, never a
// later one without the earlier ones (the WAL is written in order): the cursor is then where it was, and those
// events are sent again, which at-least-once delivery allows.
func (s *Store) recordWebhookBatch(ctx context.Context, webhookID string, cursor Event, outcomes []deliveryOutcome) error {
	if outcomes == nil {
		outcomes = []deliveryOutcome{} // the cursor moves past events the webhook does not subscribe to
	}
	raw, err := json.Marshal(outcomes)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTime)
	defer cancel()
	_, err = s.execPrepared(ctx, `
		WITH async AS (SELECT set_config('synchronous_commit', 'off', true)),
		w AS (
			UPDATE webhooks SET cursor_xid = $2::text::xid8, cursor_id = $3, sender_until = now() + $5 * interval '1 second'
			FROM async WHERE id = $1 AND sender = $6 RETURNING active
		)
		INSERT INTO webhook_deliveries (id, webhook_id, event_id, status, attempts, next_attempt_at, last_attempt_at,
			response_code, duration_ms, error)
		SELECT o.id, $1, o.event_id, CASE WHEN o.status = 'pending' AND NOT w.active THEN 'failed' ELSE o.status END,
			o.attempts, o.next_attempt_at, o.last_attempt_at, o.response_code, o.duration_ms, o.error
		FROM w, jsonb_to_recordset($4) AS o(id bigint, event_id bigint, status text, attempts int,
			next_attempt_at timestamptz, last_attempt_at timestamptz, response_code int, duration_ms int, error text)`,
		webhookID, strconv.FormatInt(cursor.XID, 10), cursor.ID, raw, webhookLease.Seconds(), s.senderID)
	if err != nil {
		return fmt.Errorf("record webhook deliveries: %w", err)
	}
	return nil
}

// recordWebhookRetries writes the outcomes of pending deliveries sent again with one statement, then turns off
// the webhooks whose delivery was given up.
func (s *Store) recordWebhookRetries(ctx context.Context, outcomes []deliveryOutcome) error {
	if len(outcomes) == 0 {
		return nil
	}
	raw, err := json.Marshal(outcomes)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTime)
	defer cancel()
	_, err = s.execPrepared(ctx, `
		UPDATE webhook_deliveries d SET status = o.status, attempts = o.attempts, next_attempt_at = o.next_attempt_at,
			last_attempt_at = o.last_attempt_at, request_headers = '{}', response_code = o.response_code,
			duration_ms = o.duration_ms, error = o.error
		FROM jsonb_to_recordset($1) AS o(id bigint, status text, attempts int, next_attempt_at timestamptz,
			last_attempt_at timestamptz, response_code int, duration_ms int, error text)
		WHERE d.id = o.id AND d.status = 'pending'`, raw)
	if err != nil {
		return fmt.Errorf("record webhook deliveries: %w", err)
	}
	for _, o := range outcomes {
		if o.giveUp {
			if err := s.disableWebhookOf(ctx, o.orgID, o.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// disableWebhookOf turns off the webhook of a delivery that failed for webhookRetryFor, gives up its other pending
// deliveries, and records webhook.disabled, whose subscriber emails the organization's owners and admins.
func (s *Store) disableWebhookOf(ctx context.Context, orgID string, deliveryID int64) error {
	reason := fmt.Sprintf("Deliveries failed for %d hours.", int(webhookRetryFor.Hours()))
	system := Actor{OrgID: orgID, UserName: "TRCR"}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var w Webhook
		err := tx.GetContext(ctx, &w, `
			UPDATE webhooks SET active = false, disabled_reason = $2, updated_at = now()
			WHERE id = (SELECT webhook_id FROM webhook_deliveries WHERE id = $1) AND active RETURNING `+webhookColumns,
			deliveryID, reason)
		if isNoRows(err) {
			return nil // turned off meanwhile, or deleted
		}
		if err != nil {
			return err
		}
		if err := failPendingDeliveries(ctx, tx, w.ID, "the webhook was turned off after failing deliveries"); err != nil {
			return err
		}
		if err := audit(ctx, tx, system, ActionUpdated, "webhook", w.ID, Changes{"active": {From: true, To: false}}); err != nil {
			return err
		}
		return s.record(ctx, tx, system, newEvent{Type: EventWebhookDisabled, To: toAdmins(), EntityType: "webhook",
			EntityID: w.ID, Data: w})
	})
	if err != nil {
		return fmt.Errorf("disable webhook: %w", err)
	}
	return nil
}

// failPendingDeliveries gives up the deliveries of a webhook that is turned off.
func failPendingDeliveries(ctx context.Context, tx *sqlx.Tx, webhookID, why string) error {
	_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'failed', error = $2
		WHERE webhook_id = $1 AND status = 'pending'`, webhookID, why)
	return err
}

// webhookAlertSubscriber emails the owners and admins of an organization when TRCR turns one of its webhooks off,
// through the outbox, like notification emails.
func (s *Store) webhookAlertSubscriber() subscriber {
	return subscriber{
		name:  "webhook_alerts",
		wants: func(t string) bool { return t == EventWebhookDisabled },
		handle: func(ctx context.Context, tx *sqlx.Tx, e Event) error {
			var w Webhook
			if err := json.Unmarshal(e.Data, &w); err != nil {
				return err
			}
			var admins []struct {
				Email string `db:"email"`
				Name  string `db:"name"`
			}
			err := tx.SelectContext(ctx, &admins, `
				SELECT u.email, u.name FROM members m JOIN users u ON u.id = m.user_id
				WHERE m.organization_id = $1 AND m.status = $2 AND m.role = ANY($3) ORDER BY u.email`,
				e.OrgID, vocab.MemberActive, pq.Array([]string{vocab.RoleOwner, vocab.RoleAdmin}))
			if err != nil {
				return err
			}
			title := "Webhook turned off: " + webhookHost(w.URL)
			body := fmt.Sprintf("Deliveries to %s failed for %d hours, so TRCR stopped sending events to it. "+
				"Fix the receiver, then turn the webhook on again and redeliver what it missed.", webhookHost(w.URL), int(webhookRetryFor.Hours()))
			for _, a := range admins {
				if err := s.enqueueNotificationEmail(ctx, tx, e.OrgID, a.Email, a.Name, title, body, WebhooksPath); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// WebhooksPath is the settings page of webhooks.
const WebhooksPath = "/settings/webhooks"

// webhookHost is a webhook's host, which messages name instead of the URL (its path or query may carry a token).
func webhookHost(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		return u.Host
	}
	return "the webhook's URL"
}

// WebhookDeliveries is a page of a webhook's deliveries, newest first. Owners and admins.
func (s *Store) WebhookDeliveries(ctx context.Context, a Actor, webhookID string, p Page) (List[WebhookDelivery], error) {
	if err := require(a.Permissions().ManageWebhooks, msgWebhookAdmins); err != nil {
		return List[WebhookDelivery]{}, err
	}
	if !validID(webhookID) {
		return List[WebhookDelivery]{}, fmt.Errorf("webhook: %w", ErrNotFound)
	}
	return webhookDeliveries(ctx, s.db, a.OrgID, webhookID, p)
}

func webhookDeliveries(ctx context.Context, q sqlx.QueryerContext, orgID, webhookID string, p Page) (List[WebhookDelivery], error) {
	per := min(p.Size(), maxWebhookLog)
	l := List[WebhookDelivery]{Page: p.Number(), PerPage: per, Items: []WebhookDelivery{}}
	var exists bool
	err := sqlx.GetContext(ctx, q, &exists, `SELECT true FROM webhooks WHERE id = $1 AND organization_id = $2`, webhookID, orgID)
	if err != nil {
		return l, notFoundIfNoRows(err, "webhook")
	}
	if err := sqlx.GetContext(ctx, q, &l.Total, `SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1`, webhookID); err != nil {
		return l, err
	}
	err = sqlx.SelectContext(ctx, q, &l.Items, `SELECT `+webhookDeliveryColumns+`
		FROM webhook_deliveries d`+webhookDeliveryJoins+`
		WHERE d.webhook_id = $1 ORDER BY d.id DESC LIMIT $2 OFFSET $3`, webhookID, per, (l.Page-1)*per)
	if err != nil {
		return l, fmt.Errorf("webhook deliveries: %w", err)
	}
	for i := range l.Items {
		if err := l.Items[i].finish(); err != nil {
			return l, err
		}
	}
	return l, nil
}

// RedeliverWebhook queues a delivery's event again to its webhook, as a new delivery sent at once (with a new
// X-TRCR-Delivery). The webhook must be on. Owners and admins.
func (s *Store) RedeliverWebhook(ctx context.Context, a Actor, webhookID, deliveryID string) (WebhookDelivery, error) {
	if err := require(a.Permissions().ManageWebhooks, msgWebhookAdmins); err != nil {
		return WebhookDelivery{}, err
	}
	id, err := strconv.ParseInt(deliveryID, 10, 64)
	if !validID(webhookID) || err != nil || id <= 0 {
		return WebhookDelivery{}, fmt.Errorf("webhook delivery: %w", ErrNotFound)
	}
	var d WebhookDelivery
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		var active bool
		err := tx.GetContext(ctx, &active, `
			SELECT w.active FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.id = $1 AND w.id = $2 AND w.organization_id = $3`, id, webhookID, a.OrgID)
		if err != nil {
			return notFoundIfNoRows(err, "webhook delivery")
		}
		if !active {
			return conflict("turn the webhook on before redelivering")
		}
		err = tx.GetContext(ctx, &d, `
			WITH d AS (
				INSERT INTO webhook_deliveries (webhook_id, event_id, redelivery_of, asked)
				SELECT webhook_id, event_id, id, true FROM webhook_deliveries WHERE id = $1 RETURNING *
			)
			SELECT `+webhookDeliveryColumns+` FROM d`+webhookDeliveryJoins, id)
		if err != nil {
			return err
		}
		// Wakes the event workers, which send due deliveries right after the event jobs.
		_, err = tx.ExecContext(ctx, `SELECT pg_notify('`+eventsChannel+`', '')`)
		return err
	})
	if err != nil {
		return WebhookDelivery{}, fmt.Errorf("redeliver: %w", err)
	}
	return d, d.finish()
}
