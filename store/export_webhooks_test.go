package store

import "context"

// WithoutSubscribers drops the event subscribers, for the webhook tests and benchmarks: the webhook senders read
// the events table itself and need none.
func (s *Store) WithoutSubscribers() { s.subscribers = nil }

// EventWatermark is the id of the newest event the live streams may read (every transaction older than it has
// finished).
func (s *Store) EventWatermark(ctx context.Context) (int64, error) {
	p, err := s.eventWatermark(ctx)
	return p.ID, err
}
