package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// Deliveries of the organization's webhooks. The webhooks subscriber of the event queue writes one pending
// delivery per event and subscribed webhook, in the transaction that handles the event's job (so exactly once, and
// only for events that committed). The delivery loop (webhook_lanes.go) claims batches of due deliveries with FOR
// UPDATE SKIP LOCKED (any process may run it), each kept locked by its transaction while a lane per webhook sends
// them in order, and records a batch's outcomes with one statement before the transaction commits. A failed
// delivery is retried with exponential backoff (eventRetryDelay) for webhookRetryFor; then it fails, its webhook is
// turned off, and the organization's owners and admins get an email.

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
	d.last_attempt_at, d.created_at, d.next_attempt_at, d.request_headers,
	e.organization_id AS event_org, e.actor_id AS event_actor, e.created_at AS event_created_at,
	e.data AS event_data, e.changes AS event_changes`

// finish fills what is derived from the stored columns: the request's headers and body, and when the next
// attempt is due.
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
	if d.Status == vocab.WebhookPending {
		at := d.NextAt.UTC()
		d.NextAttemptAt = &at
	}
	return nil
}

// webhookSubscriber queues the deliveries of events to the webhooks that subscribe to their types, with one
// statement for a batch of event jobs: at 1,000 events a second a statement per event was most of the event jobs'
// round trips. Each event's deliveries get ids after those of the events before it, which is the order a webhook
// is sent its deliveries in. Events meant for one person or for the members of a private channel are not sent
// anywhere.
func (s *Store) webhookSubscriber() subscriber {
	queue := func(ctx context.Context, tx *sqlx.Tx, events []Event) error {
		var ids []int64
		var orgs, types []string
		for _, e := range events {
			if e.Audience == audienceUser || e.Audience == audienceChannel {
				continue
			}
			ids, orgs, types = append(ids, e.ID), append(orgs, e.OrgID), append(types, e.Type)
		}
		if len(ids) == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO webhook_deliveries (webhook_id, event_id)
			SELECT w.id, e.id FROM unnest($1::bigint[], $2::uuid[], $3::text[]) AS e(id, org, type)
			JOIN webhooks w ON w.organization_id = e.org AND w.active AND w.events && ARRAY[e.type, $4]
			ORDER BY e.id, w.created_at, w.id`, pq.Array(ids), pq.Array(orgs), pq.Array(types), vocab.WebhookAllEvents)
		return err
	}
	return subscriber{
		name:  "webhooks",
		wants: vocab.WebhookEventTypes.Has,
		handle: func(ctx context.Context, tx *sqlx.Tx, e Event) error {
			return queue(ctx, tx, []Event{e})
		},
		handleBatch: queue,
	}
}

// dueDelivery is a claimed delivery with its webhook and event.
type dueDelivery struct {
	Event
	DeliveryID int64     `db:"delivery_id"`
	WebhookID  string    `db:"webhook_id"`
	Attempts   int       `db:"attempts"`
	QueuedAt   time.Time `db:"queued_at"`
	URL        string    `db:"url"`
	Secret     string    `db:"secret"`
	// WasDue is when it was due: with its id, its place in the due index.
	WasDue time.Time `db:"was_due"`
	// Redelivery is a delivery a person asked for again.
	Redelivery bool `db:"redelivery"`
	// claim, claimedAt and body are filled by the loop: the claim that locked it, when, and the request's body.
	claim     *webhookClaim
	claimedAt time.Time
	body      []byte
}

// deliveryOutcome is what the record of a batch writes for one delivery, as the JSON recordWebhookOutcomes reads
// with jsonb_to_recordset.
type deliveryOutcome struct {
	ID        int64         `json:"id"`
	Status    string        `json:"status"`
	Attempts  int           `json:"attempts"`
	NextAt    time.Time     `json:"next_attempt_at"`
	Attempted bool          `json:"attempted"`
	At        time.Time     `json:"last_attempt_at"`
	Headers   loggedHeaders `json:"request_headers"`
	Code      *int          `json:"response_code"`
	Duration  int           `json:"duration_ms"`
	Error     string        `json:"error"`
	giveUp    bool
	orgID     string
}

// claimWebhookDeliveries locks a batch of due deliveries in a new transaction, each webhook's in the order they
// were queued, leaving out those of the webhooks in skip (whose lanes have enough to send). The rows stay locked
// until the transaction that records their outcomes commits: other claims (of any process) skip them, and no row
// version is written to claim them; if this process dies, the transaction ends and they are due again as they were.
//
// after is where the scan starts in the order of the due index (next_attempt_at, id): past the rows of the claims
// before, which are still locked (SKIP LOCKED would otherwise look at each of them again); zero for the start.
func (s *Store) claimWebhookDeliveries(ctx context.Context, skip []string, after claimCursor) (*sqlx.Tx, []dueDelivery, error) {
	began := time.Now()
	// The transaction outlives ctx: the outcomes of what was sent are recorded after a stop too.
	tx, err := s.db.BeginTxx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	var due []dueDelivery
	err = tx.SelectContext(ctx, &due, `
		WITH due AS (
			SELECT d.id, d.webhook_id, d.event_id, d.attempts, d.created_at, d.redelivery_of, d.next_attempt_at
			FROM webhook_deliveries d
			WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND (d.next_attempt_at, d.id) > ($3, $4)
				AND d.webhook_id <> ALL($2::uuid[])
				AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.active)
			ORDER BY d.next_attempt_at, d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED
		)
		SELECT d.id AS delivery_id, d.webhook_id, d.attempts + 1 AS attempts, d.created_at AS queued_at, w.url, w.secret,
			e.id, e.xid::text::bigint AS xid, e.organization_id, e.type, e.actor_id, e.entity_type, e.entity_id,
			e.audience, e.audience_id, e.data, e.changes, e.created_at, d.redelivery_of IS NOT NULL AS redelivery,
			d.next_attempt_at AS was_due
		FROM due d JOIN webhooks w ON w.id = d.webhook_id JOIN events e ON e.id = d.event_id`,
		webhookBatch, pq.Array(skip), after.at, after.id)
	if err != nil {
		_ = tx.Rollback()
		return nil, nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	s.log.Debug("webhook batch claimed", "deliveries", len(due), "took", time.Since(began))
	slices.SortFunc(due, func(a, b dueDelivery) int { return cmp.Compare(a.DeliveryID, b.DeliveryID) })
	return tx, due, nil
}

// claimCursor is a place in the order of the due index.
type claimCursor struct {
	at time.Time
	id int64
}

// past is the cursor after the last of the deliveries in the due index's order.
func (c claimCursor) past(due []dueDelivery) claimCursor {
	for _, d := range due {
		if d.WasDue.After(c.at) || (d.WasDue.Equal(c.at) && d.DeliveryID > c.id) {
			c = claimCursor{at: d.WasDue, id: d.DeliveryID}
		}
	}
	return c
}

// loggedHeaders are the request headers the deliveries log shows, named as DECISIONS.md spells them (the
// header* constants). A struct rather than a map: json.Marshal of a map of them for every delivery was a tenth of
// the delivery loop's CPU time.
type loggedHeaders struct {
	Event              string `json:"X-TRCR-Event,omitempty"`
	Delivery           string `json:"X-TRCR-Delivery,omitempty"`
	Timestamp          string `json:"X-TRCR-Timestamp,omitempty"`
	Signature          string `json:"X-TRCR-Signature,omitempty"`
	TimestampSignature string `json:"X-TRCR-Timestamp-Signature,omitempty"`
	ContentType        string `json:"Content-Type,omitempty"`
	UserAgent          string `json:"User-Agent,omitempty"`
}

// logHeaders picks the loggedHeaders of a request.
func logHeaders(h http.Header) loggedHeaders {
	return loggedHeaders{Event: h.Get(headerWebhookEvent), Delivery: h.Get(headerWebhookDelivery),
		Timestamp: h.Get(headerWebhookTimestamp), Signature: h.Get(headerWebhookSignature),
		TimestampSignature: h.Get(headerWebhookTimestampSignature), ContentType: h.Get("Content-Type"),
		UserAgent: h.Get("User-Agent")}
}

// recordWebhookOutcomes writes the outcomes of a claim with one statement in its transaction and commits it, then
// turns off the webhooks whose delivery was given up. A delivery put back unsent without an outcome stays as it
// was, due again once the transaction ends.
func (s *Store) recordWebhookOutcomes(ctx context.Context, tx *sqlx.Tx, outcomes []deliveryOutcome) error {
	defer func() { _ = tx.Rollback() }()
	raw, err := json.Marshal(outcomes)
	if err != nil {
		return err
	}
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTime)
	defer cancel()
	began := time.Now()
	defer func() { s.log.Debug("webhook batch recorded", "deliveries", len(outcomes), "took", time.Since(began)) }()
	if len(outcomes) > 0 {
		// The commit does not wait for its WAL to reach the disk (set_config: synchronous_commit off for this
		// transaction, without a round trip of its own). A crash can lose the last few hundred milliseconds of such
		// commits, never a later one without the earlier ones (the WAL is written in order); their deliveries are
		// then pending again as they were when claimed, and are sent again, which at-least-once delivery allows.
		// Nothing else is written in this transaction.
		_, err = tx.ExecContext(recordCtx, `
			WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
			UPDATE webhook_deliveries d SET status = o.status, attempts = o.attempts, next_attempt_at = o.next_attempt_at,
				last_attempt_at = CASE WHEN o.attempted THEN o.last_attempt_at ELSE d.last_attempt_at END,
				request_headers = CASE WHEN o.attempted THEN o.request_headers ELSE d.request_headers END,
				response_code = CASE WHEN o.attempted THEN o.response_code ELSE d.response_code END,
				duration_ms = CASE WHEN o.attempted THEN o.duration_ms ELSE d.duration_ms END,
				error = CASE WHEN o.attempted THEN o.error ELSE d.error END
			FROM jsonb_to_recordset($1) AS o(id bigint, status text, attempts int, next_attempt_at timestamptz,
				attempted boolean, last_attempt_at timestamptz, request_headers jsonb, response_code int, duration_ms int, error text),
				async
			WHERE d.id = o.id`, raw)
		if err != nil {
			return fmt.Errorf("record webhook deliveries: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record webhook deliveries: %w", err)
	}
	done := map[int64]bool{}
	for _, o := range outcomes {
		if o.giveUp && !done[o.ID] {
			done[o.ID] = true
			if err := s.disableWebhookOf(recordCtx, o.orgID, o.ID); err != nil {
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
		FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
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
				INSERT INTO webhook_deliveries (webhook_id, event_id, redelivery_of)
				SELECT webhook_id, event_id, id FROM webhook_deliveries WHERE id = $1 RETURNING *
			)
			SELECT `+webhookDeliveryColumns+` FROM d JOIN events e ON e.id = d.event_id`, id)
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
