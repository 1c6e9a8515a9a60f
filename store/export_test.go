package store

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// Unexported pieces exposed to the store_test package.
var (
	CreateNextOccurrence   = (*Store).createNextOccurrence
	NextOccurrence         = nextOccurrence
	NextOccurrenceAnchored = nextOccurrenceAnchored
	NormalizePattern       = normalizePattern
)

// RecordEvent records an event in its own transaction, for tests of the event seam.
func (s *Store) RecordEvent(ctx context.Context, a Actor, typ, audience, audienceID string, data any) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		return s.record(ctx, tx, a, newEvent{Type: typ, To: Audience{Kind: audience, ID: audienceID}, Data: data})
	})
}

// AddSubscriber registers a subscriber, for tests of the event jobs.
func (s *Store) AddSubscriber(name string, wants func(string) bool, handle func(ctx context.Context, tx *sqlx.Tx, e Event) error) {
	s.subscribers = append(s.subscribers, subscriber{name: name, wants: wants, handle: handle})
}

// RecordEventTx records an event in the caller's transaction.
func (s *Store) RecordEventTx(ctx context.Context, tx *sqlx.Tx, a Actor, typ string, data any) error {
	return s.record(ctx, tx, a, newEvent{Type: typ, To: Audience{Kind: audienceOrg}, Data: data})
}

// WithoutSubscribers drops the event subscribers, for tests and benchmarks that add their own or need none (the
// webhook senders read the events table itself).
func (s *Store) WithoutSubscribers() { s.subscribers = nil }

// SearchSQL is the full-text statement of a search with its arguments, for EXPLAIN in the search benchmark.
func (s *Store) SearchSQL(a Actor, f SearchFilter) (string, []any, error) {
	p, err := f.plan(a)
	if err != nil {
		return "", nil, err
	}
	sql, args := p.wordsQuery(a)
	return sql, args, nil
}

// PreparedStatements is how many statements the store keeps prepared on its pool.
func (s *Store) PreparedStatements() int {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	return len(s.stmts.m)
}
