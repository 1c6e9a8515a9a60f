package migrations

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/lib/pq"
	"github.com/pressly/goose/v3"

	"github.com/trcr/trcr/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// migratedFrom opens a database migrated up to version, given the rows before writes there, and then migrated to
// the end: what a migration after version does to data that existed before it. name names the template database.
func migratedFrom(t *testing.T, name string, version int64, before func(ctx context.Context, db *sql.DB) error) *sql.DB {
	t.Helper()
	url := storetest.New(t, name, func(ctx context.Context, db *sql.DB) error {
		provider, err := goose.NewProvider(goose.DialectPostgres, db, files, goose.WithAllowOutofOrder(true))
		if err != nil {
			return err
		}
		if _, err := provider.UpTo(ctx, version); err != nil {
			return err
		}
		if err := before(ctx, db); err != nil {
			return err
		}
		return Up(ctx, db)
	})
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Migration 00023 gives the projects and tasks that exist a key and numbers: keys from the names, unique in each
// organization in creation order, and each project's tasks numbered from 1 in creation order, with the counter
// ready for the next task.
func TestMigration23_BackfillsProjectKeysAndTaskNumbers(t *testing.T) {
	t.Parallel()
	db := migratedFrom(t, "backfill-00023-"+Checksum(), 20, func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, `
			INSERT INTO organizations (id, name, slug) VALUES
				('00000000-0000-4000-8000-000000000001', 'One', 'one'), ('00000000-0000-4000-8000-000000000002', 'Two', 'two');
			INSERT INTO projects (id, organization_id, name, created_at) VALUES
				('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000001', 'Website Redesign', '2026-01-01'),
				('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-000000000001', 'Web Rewrite', '2026-01-02'),
				('00000000-0000-4000-8000-00000000000c', '00000000-0000-4000-8000-000000000001', 'Trcr', '2026-01-03'),
				('00000000-0000-4000-8000-00000000000d', '00000000-0000-4000-8000-000000000002', 'Website Redesign', '2026-01-01'),
				('00000000-0000-4000-8000-00000000000e', '00000000-0000-4000-8000-000000000002', '東京', '2026-01-02');
			INSERT INTO task_groups (id, organization_id, project_id, name, position) VALUES
				('00000000-0000-4000-8000-0000000000aa', '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000a', 'To do', 0);
			INSERT INTO tasks (organization_id, project_id, group_id, title, position, created_at)
			SELECT '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000a',
				'00000000-0000-4000-8000-0000000000aa', 'Task ' || i, i, TIMESTAMPTZ '2026-02-01' + i * interval '1 hour'
			FROM generate_series(1, 3) i;`)
		return err
	})
	keys := map[string]string{}
	rows, err := db.Query(`SELECT id, key FROM projects`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, key string
		if err := rows.Scan(&id, &key); err != nil {
			t.Fatal(err)
		}
		keys[id[len(id)-1:]] = key
	}
	want := map[string]string{"a": "WR", "b": "WRA", "c": "TRC", "d": "WR", "e": "PRJ"}
	for k, v := range want {
		if keys[k] != v {
			t.Errorf("project %s: key %q, want %q (all: %v)", k, keys[k], v, keys)
		}
	}
	var titles string
	if err := db.QueryRow(`SELECT string_agg(title || '=' || number, ',' ORDER BY number) FROM tasks`).Scan(&titles); err != nil {
		t.Fatal(err)
	}
	if titles != "Task 1=1,Task 2=2,Task 3=3" {
		t.Fatalf("numbers: %s", titles)
	}
	var next int
	err = db.QueryRow(`INSERT INTO tasks (organization_id, project_id, group_id, title, position)
		VALUES ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000a',
			'00000000-0000-4000-8000-0000000000aa', 'Next', 4) RETURNING number`).Scan(&next)
	if err != nil || next != 4 {
		t.Fatalf("next task: number %d, err %v", next, err)
	}
}
