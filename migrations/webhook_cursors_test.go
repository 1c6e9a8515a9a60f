package migrations

import (
	"context"
	"database/sql"
	"testing"
)

// Migration 00032 moves the webhooks from event jobs to cursors: the events whose webhook job had not run yet are
// the ones marked for webhooks, each webhook's cursor starts at its organization's oldest of them, the jobs go, and
// the deliveries a person asked for are marked so.
func TestMigration32_PendingWebhookJobsBecomeCursors(t *testing.T) {
	t.Parallel()
	db := migratedFrom(t, "backfill-00032-"+Checksum(), 31, func(ctx context.Context, db *sql.DB) error {
		// Each statement its own transaction, so the events have increasing xids: 1 was handled, 2 and 3 wait for
		// the webhooks job (3 in the other organization), 4 is for notifications only.
		for _, q := range []string{
			`INSERT INTO organizations (id, name, slug) VALUES
				('00000000-0000-4000-8000-000000000001', 'One', 'one'), ('00000000-0000-4000-8000-000000000002', 'Two', 'two'),
				('00000000-0000-4000-8000-000000000003', 'Three', 'three')`,
			`INSERT INTO webhooks (id, organization_id, url, events, secret) VALUES
				('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000001', 'https://a.example/', '{*}', 's'),
				('00000000-0000-4000-8000-0000000000a2', '00000000-0000-4000-8000-000000000002', 'https://b.example/', '{*}', 's'),
				('00000000-0000-4000-8000-0000000000a3', '00000000-0000-4000-8000-000000000003', 'https://c.example/', '{*}', 's')`,
			`INSERT INTO events (id, organization_id, type, audience) VALUES (1, '00000000-0000-4000-8000-000000000001', 'task.created', 'org')`,
			`INSERT INTO events (id, organization_id, type, audience) VALUES (2, '00000000-0000-4000-8000-000000000001', 'task.updated', 'org')`,
			`INSERT INTO events (id, organization_id, type, audience) VALUES (3, '00000000-0000-4000-8000-000000000002', 'task.created', 'org')`,
			`INSERT INTO events (id, organization_id, type, audience, audience_id) VALUES
				(4, '00000000-0000-4000-8000-000000000001', 'task.assigned', 'user', '00000000-0000-4000-8000-000000000009')`,
			`INSERT INTO event_jobs (event_id, subscriber) VALUES (2, 'webhooks'), (3, 'webhooks'), (4, 'notifications')`,
			`INSERT INTO webhook_deliveries (id, webhook_id, event_id, status) VALUES
				(10, '00000000-0000-4000-8000-0000000000a1', 1, 'delivered')`,
			`INSERT INTO webhook_deliveries (id, webhook_id, event_id, redelivery_of) VALUES
				(11, '00000000-0000-4000-8000-0000000000a1', 1, 10)`,
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	var marked string
	if err := db.QueryRow(`SELECT string_agg(id::text, ',' ORDER BY id) FROM events WHERE webhooks`).Scan(&marked); err != nil || marked != "2,3" {
		t.Fatalf("events marked for webhooks: %q (%v), want 2,3", marked, err)
	}
	rows, err := db.Query(`
		SELECT w.url, w.cursor_id, w.cursor_xid = e.xid, w.cursor_xid > e.xid
		FROM webhooks w CROSS JOIN LATERAL (SELECT xid FROM events WHERE id = CASE w.url WHEN 'https://a.example/' THEN 2 ELSE 3 END) e
		ORDER BY w.url`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var url string
		var cursorID int64
		var at, after bool
		if err := rows.Scan(&url, &cursorID, &at, &after); err != nil {
			t.Fatal(err)
		}
		// a and b start at the event that waited; c, with none waiting, at the migration (after every event).
		if cursorID != 0 || (url != "https://c.example/" && !at) || (url == "https://c.example/" && !after) {
			t.Errorf("%s: cursor id %d, at the waiting event %v, after it %v", url, cursorID, at, after)
		}
	}
	var jobs string
	if err := db.QueryRow(`SELECT string_agg(subscriber, ',') FROM event_jobs`).Scan(&jobs); err != nil || jobs != "notifications" {
		t.Fatalf("event jobs left: %q (%v), want notifications only", jobs, err)
	}
	var asked string
	if err := db.QueryRow(`SELECT string_agg(id || ':' || asked, ',' ORDER BY id) FROM webhook_deliveries`).Scan(&asked); err != nil ||
		asked != "10:false,11:true" {
		t.Fatalf("deliveries asked for: %q (%v)", asked, err)
	}
}
