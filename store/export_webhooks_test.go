package store

import "context"

// EventWatermark is the id of the newest event the live streams may read (every transaction older than it has
// finished).
func (s *Store) EventWatermark(ctx context.Context) (int64, error) {
	p, err := s.eventWatermark(ctx)
	return p.ID, err
}
