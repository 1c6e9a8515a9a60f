package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// Outbound webhooks of an organization (DECISIONS.md "Outbound webhooks"): owners and admins subscribe a URL to
// event types of the live stream; each such event is POSTed to it as the live event's object, signed with the
// webhook's secret (webhook_deliveries.go sends them).

// Webhook is a subscription. Secret is set only in the answer that created it.
type Webhook struct {
	ID             string           `db:"id" json:"id"`
	OrganizationID string           `db:"organization_id" json:"organization_id"`
	URL            string           `db:"url" json:"url"`
	Events         pq.StringArray   `db:"events" json:"events"`
	Active         bool             `db:"active" json:"active"`
	DisabledReason string           `db:"disabled_reason" json:"disabled_reason"`
	Secret         string           `db:"-" json:"secret,omitempty"`
	LastDelivery   *WebhookDelivery `db:"-" json:"last_delivery"`
	CreatedBy      *string          `db:"created_by" json:"created_by"`
	CreatedAt      time.Time        `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time        `db:"updated_at" json:"updated_at"`
}

const webhookColumns = `id, organization_id, url, events, active, disabled_reason, created_by, created_at, updated_at`

// WebhookInput creates a webhook (URL and Events required) or changes one (nil fields stay as they are).
type WebhookInput struct {
	URL    *string
	Events []string
	Active *bool
}

// Bounds and messages of webhooks.
const (
	maxWebhooksPerOrg   = 50
	webhookSecretPrefix = "trcr_whsec_"
	msgWebhookAdmins    = "only owners and admins manage webhooks"
)

func (in *WebhookInput) validate(v *validator, creating, allowPrivate bool) {
	if in.URL != nil || creating {
		u := ""
		if in.URL != nil {
			u = strings.TrimSpace(*in.URL)
			in.URL = &u
		}
		checkWebhookURL(v, u, allowPrivate)
	}
	if in.Events == nil && !creating {
		return
	}
	var events []string
	for _, e := range in.Events {
		e = strings.TrimSpace(e)
		if e != vocab.WebhookAllEvents && !vocab.WebhookEventTypes.Has(e) {
			v.add("events", fmt.Sprintf("%q is not an event type a webhook can subscribe to (see the list in the docs, or \"*\")", clip(e, 60)))
			return
		}
		if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		v.add("events", `events is required: one or more event types, or ["*"] for all of them`)
	}
	if slices.Contains(events, vocab.WebhookAllEvents) {
		events = []string{vocab.WebhookAllEvents}
	}
	in.Events = events
}

func newWebhookSecret() string { return webhookSecretPrefix + randomHex(32) }

// CreateWebhook subscribes a URL to event types. The answer shows the generated secret, the only time it is shown.
// Owners and admins.
func (s *Store) CreateWebhook(ctx context.Context, a Actor, in WebhookInput) (Webhook, error) {
	if err := require(a.Permissions().ManageWebhooks, msgWebhookAdmins); err != nil {
		return Webhook{}, err
	}
	var v validator
	in.validate(&v, true, s.cfg.WebhookAllowPrivate)
	if err := v.err(); err != nil {
		return Webhook{}, err
	}
	secret := newWebhookSecret()
	active := in.Active == nil || *in.Active
	var w Webhook
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		// The organization's row is locked so that two creations cannot both pass the count.
		if err := tx.GetContext(ctx, &n, `
			SELECT count(*) FROM webhooks WHERE organization_id = (SELECT id FROM organizations WHERE id = $1 FOR UPDATE)`,
			a.OrgID); err != nil {
			return err
		}
		if n >= maxWebhooksPerOrg {
			return conflict("an organization has at most %d webhooks", maxWebhooksPerOrg)
		}
		err := tx.GetContext(ctx, &w, `
			INSERT INTO webhooks (organization_id, url, events, secret, active, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+webhookColumns,
			a.OrgID, *in.URL, pq.Array(in.Events), secret, active, nilIfEmpty(a.UserID))
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "webhook", w.ID, Changes{
			"url": {To: w.URL}, "events": {To: []string(w.Events)}, "active": {To: w.Active},
		})
	})
	if err != nil {
		return Webhook{}, fmt.Errorf("create webhook: %w", err)
	}
	w.Secret = secret
	return w, nil
}

// Webhooks lists the organization's webhooks, oldest first, each with its last delivery. Owners and admins.
func (s *Store) Webhooks(ctx context.Context, a Actor) ([]Webhook, error) {
	if err := require(a.Permissions().ManageWebhooks, msgWebhookAdmins); err != nil {
		return nil, err
	}
	return listWebhooks(ctx, s.db, a.OrgID, "")
}

// Webhook is one webhook of the organization with its last delivery. Owners and admins.
func (s *Store) Webhook(ctx context.Context, a Actor, id string) (Webhook, error) {
	if err := require(a.Permissions().ManageWebhooks, msgWebhookAdmins); err != nil {
		return Webhook{}, err
	}
	if !validID(id) {
		return Webhook{}, fmt.Errorf("webhook: %w", ErrNotFound)
	}
	hooks, err := listWebhooks(ctx, s.db, a.OrgID, id)
	if err != nil {
		return Webhook{}, err
	}
	if len(hooks) == 0 {
		return Webhook{}, fmt.Errorf("webhook: %w", ErrNotFound)
	}
	return hooks[0], nil
}

// listWebhooks reads the organization's webhooks (one when id is set) with their last deliveries.
func listWebhooks(ctx context.Context, q sqlx.QueryerContext, orgID, id string) ([]Webhook, error) {
	out := []Webhook{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+webhookColumns+` FROM webhooks
		WHERE organization_id = $1 AND ($2 = '' OR id = $2::uuid) ORDER BY created_at, id`, orgID, id)
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, len(out))
	for i, w := range out {
		ids[i] = w.ID
	}
	var last []WebhookDelivery
	err = sqlx.SelectContext(ctx, q, &last, `SELECT d.* FROM unnest($1::uuid[]) AS w(id) CROSS JOIN LATERAL (
		SELECT `+webhookDeliveryColumns+` FROM webhook_deliveries d`+webhookDeliveryJoins+`
		WHERE d.webhook_id = w.id ORDER BY d.id DESC LIMIT 1) d`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("webhook deliveries: %w", err)
	}
	for i := range last {
		if err := last[i].finish(); err != nil {
			return nil, err
		}
		for j := range out {
			if out[j].ID == last[i].WebhookID {
				out[j].LastDelivery = &last[i]
			}
		}
	}
	return out, nil
}

// UpdateWebhook changes a webhook's URL, event types or state. Turning it on again clears the reason TRCR turned
// it off; turning it off gives up its pending deliveries (they can be redelivered). Owners and admins.
func (s *Store) UpdateWebhook(ctx context.Context, a Actor, id string, in WebhookInput) (Webhook, error) {
	if err := require(a.Permissions().ManageWebhooks, msgWebhookAdmins); err != nil {
		return Webhook{}, err
	}
	if !validID(id) {
		return Webhook{}, fmt.Errorf("webhook: %w", ErrNotFound)
	}
	var v validator
	in.validate(&v, false, s.cfg.WebhookAllowPrivate)
	if err := v.err(); err != nil {
		return Webhook{}, err
	}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var old Webhook
		err := tx.GetContext(ctx, &old, `SELECT `+webhookColumns+` FROM webhooks WHERE id = $1 AND organization_id = $2 FOR UPDATE`,
			id, a.OrgID)
		if err != nil {
			return notFoundIfNoRows(err, "webhook")
		}
		w := old
		ch := Changes{}
		if in.URL != nil {
			w.URL = *in.URL
			ch.set("url", old.URL, w.URL)
		}
		if in.Events != nil {
			w.Events = in.Events
			if !slices.Equal(old.Events, w.Events) {
				ch["events"] = Change{From: []string(old.Events), To: []string(w.Events)}
			}
		}
		if in.Active != nil {
			w.Active = *in.Active
			ch.set("active", old.Active, w.Active)
		}
		if len(ch) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE webhooks SET url = $2, events = $3, active = $4, updated_at = now(),
				disabled_reason = CASE WHEN $4 THEN '' ELSE disabled_reason END,
				-- Turned on again, it gets the events from now on, not those that happened while it was off.
				cursor_xid = CASE WHEN $4 AND NOT active THEN pg_current_xact_id() ELSE cursor_xid END,
				cursor_id = CASE WHEN $4 AND NOT active THEN 0 ELSE cursor_id END
			WHERE id = $1`, id, w.URL, pq.Array(w.Events), w.Active); err != nil {
			return err
		}
		if old.Active && !w.Active {
			if err := failPendingDeliveries(ctx, tx, id, "the webhook was turned off"); err != nil {
				return err
			}
		}
		return audit(ctx, tx, a, ActionUpdated, "webhook", id, ch)
	})
	if err != nil {
		return Webhook{}, fmt.Errorf("update webhook: %w", err)
	}
	return s.Webhook(ctx, a, id)
}

// DeleteWebhook removes a webhook with its deliveries. Owners and admins.
func (s *Store) DeleteWebhook(ctx context.Context, a Actor, id string) error {
	if err := require(a.Permissions().ManageWebhooks, msgWebhookAdmins); err != nil {
		return err
	}
	if !validID(id) {
		return fmt.Errorf("webhook: %w", ErrNotFound)
	}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var w Webhook
		err := tx.GetContext(ctx, &w, `DELETE FROM webhooks WHERE id = $1 AND organization_id = $2 RETURNING `+webhookColumns,
			id, a.OrgID)
		if err != nil {
			return notFoundIfNoRows(err, "webhook")
		}
		return audit(ctx, tx, a, ActionDeleted, "webhook", id, Changes{"url": {From: w.URL}, "events": {From: []string(w.Events)}})
	})
	if err != nil {
		return fmt.Errorf("delete webhook: %w", err)
	}
	return nil
}
