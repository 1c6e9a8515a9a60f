package views

import (
	"slices"
	"time"
)

// NavWebhooks marks the webhooks settings page in the sidebar.
const NavWebhooks = "webhooks"

// WebhooksView is the webhooks settings page (GET /settings/webhooks).
type WebhooksView struct {
	Webhooks []WebhookView
	Create   WebhookForm
	// Shown is the secret of the webhook just created: the only time it is shown.
	Shown *WebhookSecretShown
	// Selected is the webhook whose deliveries are shown, with them (newest first).
	Selected   *WebhookView
	Deliveries []WebhookDeliveryView
	Now        time.Time
}

// WebhookSecretShown is a new webhook's secret, shown once.
type WebhookSecretShown struct {
	ID, URL, Secret string
}

// WebhookView is one webhook of the organization.
type WebhookView struct {
	ID             string
	URL            string
	Events         []string // labels, or "All events"
	Active         bool
	DisabledReason string // why TRCR turned it off
	// The last delivery, if any.
	LastStatus string
	LastCode   int
	LastError  string
	LastAt     *time.Time
	// Edit is the edit form: the webhook's values, or what was typed and refused.
	Edit WebhookForm
	// EditOpen opens the edit form, when it was refused.
	EditOpen bool
}

// WebhookForm creates or changes a webhook.
type WebhookForm struct {
	URL    string
	Events []string // codes, or "*"
	Active bool
	Errors map[string]string
	Error  string
}

// Has reports whether the form subscribes to code.
func (f WebhookForm) Has(code string) bool { return slices.Contains(f.Events, code) }

// WebhookDeliveryView is one delivery of the selected webhook.
type WebhookDeliveryView struct {
	ID          string
	EventType   string
	Status      string
	StatusLabel string
	Code        int
	DurationMS  int
	Attempts    int
	Error       string
	Redelivery  bool
	At          time.Time
	NextAt      *time.Time
	Headers     []HeaderView
	Body        string // indented JSON
}

// HeaderView is one request header of a delivery.
type HeaderView struct{ Name, Value string }
