package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// WarmConnections leaves n distinct connections in the pool, each of which has planned a statement over every
// table of the app (so it has read their catalog entries).
func TestWarmConnections_LeavesNConnectionsThatReadEveryTable(t *testing.T) {
	t.Parallel()
	url, db := newTestDB(t)
	db.SetMaxIdleConns(10) // as the server's pool (database/sql keeps 2 by default)
	s := testStore(db)
	ctx := context.Background()
	if err := s.WarmConnections(ctx, 4); err != nil {
		t.Fatal(err)
	}
	if st := db.Stats(); st.Idle < 4 {
		t.Fatalf("the pool keeps %d idle connections after warming 4 (open %d)", st.Idle, st.OpenConnections)
	}
	// Read from another pool: a statement of this one would run on a warmed connection and replace its last query.
	other, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var last []string
	if err := other.SelectContext(ctx, &last, `SELECT query FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'SELECT 1 FROM % WHERE false'`); err != nil {
		t.Fatal(err)
	}
	if len(last) < 4 {
		t.Fatalf("%d connections warmed, want 4", len(last))
	}
	var tables []string
	if err := db.SelectContext(ctx, &tables, `SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace`); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 40 {
		t.Fatalf("only %d tables in the schema", len(tables))
	}
	from := strings.Split(strings.TrimSuffix(strings.TrimPrefix(last[0], "SELECT 1 FROM "), " WHERE false"), ", ")
	named := map[string]bool{}
	for _, n := range from {
		named[strings.Trim(n, `"`)] = true
	}
	for _, tb := range tables {
		if !named[tb] {
			t.Errorf("table %s not warmed", tb)
		}
	}
}

// A cancelled start warms nothing and says so.
func TestWarmConnections_StopsWithItsContext(t *testing.T) {
	t.Parallel()
	_, db := newTestDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := testStore(db).WarmConnections(ctx, 2); err == nil {
		t.Fatal("no error from a cancelled context")
	}
}
