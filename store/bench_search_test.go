package store_test

// Benchmark of unified search (docs/PERFORMANCE.md "Search"): GET /api/v1/search over an organization of 100,000
// tasks, 50,000 comments and 1,000,000 chat messages, as an owner and as a plain member.
//
//	go test -run '^$' -bench Search -benchtime 200x ./store/
//
// It runs only with -bench. The organization is seeded once per process into a storetest template database of its
// own (keyed by the migrations, the seeding code and the sizes): seed.Demo, seed.Work (tasks and comments),
// seed.Chat, seed.Billing (a few clients, invoices and time entries), then the messages with generate_series. Each
// run works on a clone. TRCR_BENCH_TASKS and TRCR_BENCH_CHAT_MESSAGES change the sizes (for a quick try).

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/seed"
	"github.com/trcr/trcr/store/storetest"
)

// seedSearchChatSQL writes $1 messages over the last year into the demo channels (#general 40 %, #random 30 %,
// #design 20 %, the private #launch-plan 10 %, which the member Zoë is not in), by every member, as short sentences
// about the seeded work. Besides the everyday words, "kubernetes" ends one message in 10,000 (a rare word) and
// "phoenix" one in 20 of the oldest 5 % (a word nobody has used for months).
const seedSearchChatSQL = `
WITH ch AS (
	SELECT array_agg(id ORDER BY CASE name WHEN 'general' THEN 1 WHEN 'random' THEN 2 WHEN 'design' THEN 3 ELSE 4 END) AS ids
	FROM chat_channels WHERE organization_id = $2::uuid
), mem AS (
	SELECT array_agg(user_id ORDER BY user_id) AS ids, count(*)::int AS n FROM members WHERE organization_id = $2 AND status = 'active'
), words AS (
	SELECT
		ARRAY['', '', '', 'FYI', 'Quick question:', 'Heads-up:', 'Update:', 'Reminder:', 'Good morning!', 'Thanks,',
			'Hey team,', 'Small thing:'] AS openers,
		ARRAY['can someone review the %s?', 'I pushed a fix for the %s.', 'the %s is deployed to staging.',
			'who owns the %s these days?', 'we should talk about the %s at standup.', 'the %s looks broken on mobile.',
			'I added notes about the %s to the wiki.', 'the customer asked about the %s again.',
			'the %s tests are flaky today.', 'let''s pair on the %s after lunch.', 'the new %s mockups are in Figma.',
			'the %s migration finished overnight.', 'is the %s blocking the release?',
			'great work on the %s, everyone.', 'moving the %s to next sprint.',
			'the %s needs a design review before launch.', 'support has two tickets about the %s.',
			'I measured the %s on a slow phone: it takes four seconds.'] AS sentences,
		ARRAY['login form', 'password reset flow', 'invoice PDF export', 'dashboard charts', 'search results page',
			'onboarding checklist', 'API rate limiting', 'billing webhook', 'avatar upload', 'notification settings',
			'CSV import', 'audit log view', 'permissions matrix', 'mobile navigation', 'dark mode', 'email templates',
			'error pages', 'session handling', 'caching layer', 'database indexes', 'background jobs', 'file previews',
			'timezone handling', 'project board', 'Gantt timeline', 'task filters', 'comment threads',
			'checklist reordering', 'label picker', 'date picker', 'empty states', 'pricing page', 'signup funnel',
			'SSO settings', 'two-factor enrollment', 'CI pipeline', 'staging environment', 'backup restore',
			'metrics dashboard', 'alerting rules', 'release notes', 'screen reader labels', 'keyboard shortcuts',
			'translation strings', 'cookie banner', 'data retention job', 'report exports', 'team invites',
			'time tracking widget', 'client list', 'design tokens', 'icon set', 'settings page', 'webhooks admin'] AS objects,
		ARRAY['', '', '', '', 'Thanks!', 'Any thoughts?', 'See the ticket for details.', 'More tomorrow.',
			'Lunch at noon?', 'I will be offline after four.', 'Ping me if it breaks again.', 'Nice!'] AS closers
)
INSERT INTO chat_messages (organization_id, channel_id, user_id, content, created_at)
SELECT $2::uuid,
	ch.ids[CASE WHEN k.c < 4 THEN 1 WHEN k.c < 7 THEN 2 WHEN k.c < 9 THEN 3 ELSE 4 END],
	mem.ids[1 + k.u % mem.n],
	btrim(concat_ws(' ', w.openers[1 + k.o % 12], format(w.sentences[1 + k.s % 18], w.objects[1 + k.b % 54]),
		w.closers[1 + k.e % 12],
		CASE WHEN k.r % 10000 = 0 THEN 'Has anyone run this on kubernetes?' END,
		CASE WHEN i <= $1::int / 20 AND k.r % 20 = 1 THEN 'Project phoenix status is in the doc.' END)),
	now() - interval '365 days' + i * (interval '365 days' / $1::int)
FROM generate_series(1, $1::int) i
CROSS JOIN LATERAL (SELECT abs(hashint4(i)) % 10 AS c, abs(hashint4(i + 7919)) AS u, abs(hashint4(i + 15887)) AS o,
	abs(hashint4(i + 23873)) AS s, abs(hashint4(i + 31847)) AS b, abs(hashint4(i + 39821)) AS e,
	abs(hashint4(i + 47819)) AS r) k,
	ch, mem, words w`

// searchBenchKey names the seeded template: the migrations, the seeding code and the sizes.
func searchBenchKey(tasks, messages int) string {
	h := sha256.New()
	for _, f := range []string{"seed/work.go", "seed/demo.go", "seed/seed.go", "seed/chat.go", "seed/billing.go"} {
		b, err := os.ReadFile(f)
		if err != nil {
			b = []byte(time.Now().String())
		}
		h.Write(b)
	}
	h.Write([]byte(seedSearchChatSQL))
	return fmt.Sprintf("bench-search:%s:%d:%d:%s", migrations.Checksum(), tasks, messages, hex.EncodeToString(h.Sum(nil))[:16])
}

func newSearchFixture(b *testing.B) (f *benchDB, admin, member store.Actor) {
	b.Helper()
	tasks, messages := benchTasks(), benchChatMessages()
	began := time.Now()
	dbURL := storetest.New(b, searchBenchKey(tasks, messages), func(ctx context.Context, db *sql.DB) error {
		if err := migrations.Up(ctx, db); err != nil {
			return err
		}
		s := store.New(sqlx.NewDb(db, "postgres"), nil, benchConfig(), quietLog())
		res, err := seed.Demo(ctx, s)
		if err != nil {
			return err
		}
		// The chat first: the messages need its channels, and then load while the work is seeded (two cores).
		if err := seed.Chat(ctx, s, res.OrgID); err != nil {
			return err
		}
		step := time.Now()
		err = bulkLoad(ctx, db, []string{"chat_messages", "search_documents"}, func(conn *sql.Conn) error {
			loaded := make(chan error, 1)
			go func() {
				began := time.Now()
				_, err := conn.ExecContext(ctx, seedSearchChatSQL, messages, res.OrgID)
				b.Logf("seeded %d messages in %s", messages, time.Since(began).Round(time.Millisecond))
				loaded <- err
			}()
			err := seed.Work(ctx, s, res.OrgID, seed.WorkOptions{Tasks: tasks})
			if err == nil {
				err = seed.Billing(ctx, s, res.OrgID, seed.BillingOptions{TimeEntries: 20_000})
			}
			b.Logf("seeded work and billing in %s", time.Since(step).Round(time.Millisecond))
			if mErr := <-loaded; mErr != nil {
				return fmt.Errorf("chat messages: %w", mErr)
			}
			return err
		})
		if err != nil {
			return err
		}
		b.Logf("seeded and indexed everything in %s", time.Since(step).Round(time.Millisecond))
		// Synchronously committed, so VACUUM can mark the pages all-visible (see seed.Work's vacuumSeeded); again for the
		// work, vacuumed by seed.Work while the messages were still being written.
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		for _, stmt := range []string{`SET synchronous_commit = on`, `VACUUM (ANALYZE) search_documents, chat_messages, tasks, task_comments, projects, project_members`} {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	b.Logf("fixture (seed or clone) ready in %s", time.Since(began).Round(time.Millisecond))
	f = openBenchDB(b, dbURL)
	_, admin, member = f.demoActors(b)
	return f, admin, member
}

// bulkLoad runs load with the secondary indexes of tables dropped and builds them again afterwards, as a restore
// does: a million messages (and their search documents, written by the statement trigger) inserted into live GIN and
// B-tree indexes took six minutes, more than the harness allows for a template (5 minutes, seeding included). Indexes that back a constraint (the
// primary keys) stay, and so do the triggers: the documents are the ones production
// writes. The definitions are read from the catalog, so the rebuilt indexes are whatever the migrations made.
func bulkLoad(ctx context.Context, db *sql.DB, tables []string, load func(*sql.Conn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `
		SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		WHERE i.indrelid = ANY ($1::regclass[]) AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
		pq.Array(tables))
	if err != nil {
		return err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return err
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(names) > 0 {
		if _, err := conn.ExecContext(ctx, `DROP INDEX `+strings.Join(names, ", ")); err != nil {
			return err
		}
	}
	if err := load(conn); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `SET maintenance_work_mem = '256MB'`); err != nil {
		return err
	}
	for _, def := range defs {
		if _, err := conn.ExecContext(ctx, def); err != nil {
			return fmt.Errorf("%s: %w", def, err)
		}
	}
	return nil
}

// searchCases are the queries measured: the goal's one-word query and three-letter prefix, then a rare word, a
// word used only in old messages, and a typo (docs/PERFORMANCE.md explains each).
var searchCases = []struct{ name, query string }{
	{"word", "review"},
	{"prefix3", "dep"},
	{"two_words", "design review"},
	{"rare_words", "charts mobile"},
	{"rare_word", "kubernetes"},
	{"old_word", "phoenix"},
	{"typo", "pipelnie"},
}

// BenchmarkSearch is Store.Search with the default limit (20) over every type, as GET /api/v1/search?q= does.
func BenchmarkSearch(b *testing.B) {
	f, admin, member := newSearchFixture(b)
	ctx := context.Background()
	f.logSearchSizes(b, admin, member)
	for _, who := range []struct {
		name  string
		actor store.Actor
	}{{"owner", admin}, {"member", member}} {
		for _, c := range searchCases {
			search := func(limit string) func() (int, error) {
				return func() (int, error) {
					r, err := f.s.Search(ctx, who.actor, store.SearchFilter{Query: c.query, Limit: limit})
					return len(r), err
				}
			}
			f.explainSearch(b, who.name+"/"+c.name, who.actor, c.query)
			b.Run(who.name+"/"+c.name, func(b *testing.B) {
				// The N+1 check compares the default limit with the largest: a query that finds fewer results than
				// the limit adds the typo statement, by design, so a smaller limit would compare two paths.
				f.measure(b, search(""), search(""), search("50"))
			})
		}
	}
}

// logSearchSizes logs what the index holds and how many documents each query matches, for the figures' context.
func (f *benchDB) logSearchSizes(b *testing.B, admin, member store.Actor) {
	b.Helper()
	var sizes []struct {
		Type string `db:"type"`
		N    int    `db:"n"`
	}
	if err := f.db.Select(&sizes, `SELECT type, count(*) AS n FROM search_documents GROUP BY type ORDER BY type`); err != nil {
		b.Fatal(err)
	}
	b.Logf("search_documents: %v", sizes)
	for _, c := range searchCases {
		var n int
		if err := f.db.Get(&n, `SELECT count(*) FROM search_documents WHERE document @@ to_tsquery('simple', $1)`,
			strings.Join(strings.Fields(c.query), ":* & ")+":*"); err != nil {
			b.Fatal(err)
		}
		b.Logf("%q matches %d documents", c.query, n)
	}
	_ = admin
	_ = member
}

// explainSearch logs the plan of a search's full-text statement (with -v).
func (f *benchDB) explainSearch(b *testing.B, name string, a store.Actor, query string) {
	b.Helper()
	sqlText, args, err := f.s.SearchSQL(a, store.SearchFilter{Query: query})
	if err != nil {
		b.Fatal(err)
	}
	var plan []string
	for range 2 {
		if err := f.db.Select(&plan, `EXPLAIN (ANALYZE, BUFFERS) `+sqlText, args...); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("EXPLAIN ANALYZE %s (%q):\n%s", name, query, strings.Join(plan, "\n"))
}
