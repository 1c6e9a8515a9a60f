package store

// WebhookSubscriberOnly keeps the webhooks subscriber alone, for the webhook delivery benchmark.
func (s *Store) WebhookSubscriberOnly() { s.subscribers = []subscriber{s.webhookSubscriber()} }
