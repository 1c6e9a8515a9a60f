package store

import (
	"context"
	"fmt"
)

// WebhooksPage is the webhooks settings page (Settings → Webhooks): the organization's webhooks, and the last
// deliveries of the one chosen to look into.
type WebhooksPage struct {
	Webhooks []Webhook
	// Selected is the webhook whose deliveries are shown; empty when none is chosen or it is not one of these.
	Selected   string
	Deliveries []WebhookDelivery // newest first, at most webhookPageDeliveries
}

// webhookPageDeliveries is how many of a webhook's last deliveries the page shows.
const webhookPageDeliveries = 25

// WebhooksPage reads the webhooks settings page, with the deliveries of webhook selected when it is one of the
// organization's. Owners and admins.
func (s *Store) WebhooksPage(ctx context.Context, a Actor, selected string) (WebhooksPage, error) {
	var p WebhooksPage
	hooks, err := s.Webhooks(ctx, a)
	if err != nil {
		return p, err
	}
	p.Webhooks = hooks
	for _, w := range hooks {
		if w.ID == selected {
			p.Selected = selected
		}
	}
	if p.Selected == "" {
		return p, nil
	}
	l, err := webhookDeliveries(ctx, s.db, a.OrgID, p.Selected, Page{Per: webhookPageDeliveries})
	if err != nil {
		return p, fmt.Errorf("webhooks page: %w", err)
	}
	p.Deliveries = l.Items
	return p, nil
}
