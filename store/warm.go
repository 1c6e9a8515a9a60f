package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// WarmConnections opens n connections of the pool side by side and has each read the catalog entries of every
// table of the app (its columns, indexes and constraints), then leaves them idle in the pool. A new PostgreSQL
// connection reads those on the first statement that uses each table: the task panel's reads paid ~10 ms for it
// on each of the few connections they run on, over the first dozen requests after a start (issue 15,
// docs/PERFORMANCE.md). Run as the server starts, it spares the first users after a start or a deploy; a
// connection the pool opens later warms itself as before.
func (s *Store) WarmConnections(ctx context.Context, n int) error {
	var tables []string
	if err := s.db.SelectContext(ctx, &tables, `SELECT format('%I', c.relname) FROM pg_class c
		WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace ORDER BY c.relname`); err != nil {
		return fmt.Errorf("warm connections: tables: %w", err)
	}
	if len(tables) == 0 {
		return nil
	}
	// Planning a statement opens every table it names, even one that returns nothing.
	query := "SELECT 1 FROM " + strings.Join(tables, ", ") + " WHERE false"
	var mu sync.Mutex
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			_ = c.Close() // back to the pool, warm
		}
	}()
	g, gctx := errgroup.WithContext(ctx)
	for range n {
		g.Go(func() error {
			// Each goroutine holds its connection until all are warm, so that the n are distinct.
			c, err := s.db.Conn(gctx)
			if err != nil {
				return err
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			_, err = c.ExecContext(gctx, query)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("warm connections: %w", err)
	}
	return nil
}
