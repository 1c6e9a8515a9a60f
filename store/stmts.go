package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// stmtCache keeps prepared statements of the hottest reads. lib/pq sends every parameterized statement as an
// unnamed prepared statement, planned anew on each call; for reads made of a few index lookups (a page of chat
// history) planning costs more than running them. database/sql prepares a cached statement again on each pooled
// connection that runs it, and after a reconnect.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sqlx.Stmt
}

// maxPrepared bounds the statements kept prepared, each on every pooled connection. The reads that are prepared
// build their text from a bounded set of parts (filters present, sort, direction; never a value), so this is a
// safety net: past it, statements run unprepared.
const maxPrepared = 512

// prepared returns the statement prepared on the pool, preparing it on first use.
func (s *Store) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if st, ok := s.stmts.m[query]; ok {
		return st, nil
	}
	st, err := s.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts.m == nil {
		s.stmts.m = map[string]*sqlx.Stmt{}
	}
	s.stmts.m[query] = st
	return st, nil
}

// preparedBounded is prepared, or nil and no error once maxPrepared statements are kept.
func (s *Store) preparedBounded(ctx context.Context, query string) (*sqlx.Stmt, error) {
	s.stmts.mu.Lock()
	full := len(s.stmts.m) >= maxPrepared
	_, known := s.stmts.m[query]
	s.stmts.mu.Unlock()
	if full && !known {
		return nil, nil
	}
	return s.prepared(ctx, query)
}

// selectPrepared is SelectContext through a statement prepared on the pool: one round trip to PostgreSQL and no
// planning per call, where lib/pq otherwise spends two round trips and a plan on every statement with parameters.
func (s *Store) selectPrepared(ctx context.Context, dest any, query string, args ...any) error {
	return sqlx.SelectContext(ctx, preparedReads{s}, dest, query, args...)
}

// getPrepared is GetContext through a statement prepared on the pool (selectPrepared).
func (s *Store) getPrepared(ctx context.Context, dest any, query string, args ...any) error {
	return sqlx.GetContext(ctx, preparedReads{s}, dest, query, args...)
}

// execPrepared is ExecContext through a statement prepared on the pool (selectPrepared), for the writes that run
// many times a second (the webhook senders').
func (s *Store) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.preparedBounded(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return s.db.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

// preparedReads is a sqlx.QueryerContext that runs every statement through a statement prepared on the pool
// (past maxPrepared, unprepared): for reads made of many small statements (the task panel), each of which would
// otherwise cost two round trips and a plan; selectPrepared and getPrepared go through it too. Only for
// statements whose text is built from a bounded set of parts, never from values.
type preparedReads struct{ s *Store }

func (p preparedReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.s.preparedBounded(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.s.db.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (p preparedReads) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	st, err := p.s.preparedBounded(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.s.db.QueryxContext(ctx, query, args...)
	}
	return st.QueryxContext(ctx, args...)
}

func (p preparedReads) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	st, err := p.s.preparedBounded(ctx, query)
	if err != nil || st == nil {
		// Unprepared, the statement reports its own error (a prepare failure is the same error).
		return p.s.db.QueryRowxContext(ctx, query, args...)
	}
	return st.QueryRowxContext(ctx, args...)
}
