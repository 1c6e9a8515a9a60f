package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

const (
	// webhookTestMessage is the message of the synthetic event "Send test event" sends.
	webhookTestMessage = "A test event from TRCR"
	// webhookTestsPerMinute bounds the test events of one webhook, so that a held-down button or a script does not
	// fill the events and deliveries tables.
	webhookTestsPerMinute = 10
)

// SendWebhookTest queues one delivery of a synthetic webhook.test event to one webhook, whatever its event types,
// sent, signed, logged and retried like any delivery. The event is recorded live-only, so no subscriber queues it
// to the organization's other webhooks (those subscribed to "*" included). The webhook must be on. Owners and
// admins.
func (s *Store) SendWebhookTest(ctx context.Context, a Actor, webhookID string) (WebhookDelivery, error) {
	if err := require(a.Permissions().ManageWebhooks, msgWebhookAdmins); err != nil {
		return WebhookDelivery{}, err
	}
	if !validID(webhookID) {
		return WebhookDelivery{}, fmt.Errorf("webhook: %w", ErrNotFound)
	}
	var d WebhookDelivery
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var active bool
		// FOR SHARE: turning the webhook off waits for this delivery, then gives it up with the others pending.
		err := tx.GetContext(ctx, &active, `SELECT active FROM webhooks WHERE id = $1 AND organization_id = $2 FOR SHARE`,
			webhookID, a.OrgID)
		if err != nil {
			return notFoundIfNoRows(err, "webhook")
		}
		if !active {
			return conflict("turn the webhook on before sending it a test event")
		}
		if err := s.charge(ctx, tx, "webhook-test:"+webhookID, 1, webhookTestsPerMinute, time.Minute,
			fmt.Sprintf("at most %d test events a minute per webhook", webhookTestsPerMinute)); err != nil {
			return err
		}
		eventID, err := s.recordID(ctx, tx, a, newEvent{Type: EventWebhookTest, To: toAdmins(), EntityType: "webhook",
			EntityID: webhookID, Data: map[string]string{"webhook_id": webhookID, "message": webhookTestMessage},
			LiveOnly: true})
		if err != nil {
			return err
		}
		// record's NOTIFY wakes the event workers, which send due deliveries right after the event jobs.
		return tx.GetContext(ctx, &d, `
			WITH d AS (INSERT INTO webhook_deliveries (webhook_id, event_id, asked) VALUES ($1, $2, true) RETURNING *)
			SELECT `+webhookDeliveryColumns+` FROM d`+webhookDeliveryJoins, webhookID, eventID)
	})
	if err != nil {
		return WebhookDelivery{}, fmt.Errorf("send test event: %w", err)
	}
	return d, d.finish()
}
