package migrations

import (
	"context"
	"database/sql"
	"testing"
)

// Migration 00027 binds the columns of existing boards to statuses by their names: the usual names of the
// built-ins, and the organization's own statuses by label or code; other columns stay unbound.
func TestMigration27_BindsExistingColumnsByName(t *testing.T) {
	db := migratedFrom(t, "backfill-00027-"+Checksum(), 24, func(ctx context.Context, db *sql.DB) error {
		_, err := db.ExecContext(ctx, `
			INSERT INTO organizations (id, name, slug) VALUES ('00000000-0000-4000-8000-000000000001', 'One', 'one');
			INSERT INTO task_statuses (organization_id, code, label, color, position) VALUES
				('00000000-0000-4000-8000-000000000001', 'in_review', 'In review', '#8b5cf6', 0),
				('00000000-0000-4000-8000-000000000001', 'blocked', 'Blocked', '#ef4444', 1);
			INSERT INTO projects (id, organization_id, name, key) VALUES
				('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000001', 'Site', 'SITE');
			INSERT INTO task_groups (organization_id, project_id, name, position)
			SELECT '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-00000000000a', n, i
			FROM unnest(ARRAY['Backlog', 'To do', 'In Progress', 'Review', 'Blocked', 'Done', 'Ideas']) WITH ORDINALITY AS g(n, i);`)
		return err
	})
	rows, err := db.Query(`SELECT name, coalesce(status_code, '-') FROM task_groups`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for rows.Next() {
		var name, code string
		if err := rows.Scan(&name, &code); err != nil {
			t.Fatal(err)
		}
		got[name] = code
	}
	want := map[string]string{"Backlog": "open", "To do": "open", "In Progress": "in_progress", "Review": "in_review",
		"Blocked": "blocked", "Done": "done", "Ideas": "-"}
	for name, code := range want {
		if got[name] != code {
			t.Errorf("%s bound to %q, want %q", name, got[name], code)
		}
	}
}
