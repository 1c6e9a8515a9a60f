package store_test

// Benchmark of a chat channel's history (docs/PERFORMANCE.md "Chat"): paging backwards through a channel of
// 1,000,000 messages, as GET /api/v1/chat/channels/:id/messages?before=… does.
//
//	go test -run '^$' -bench ChatPageBackwards -benchtime 1000x ./store/
//
// It runs only with -bench. The channel is seeded once per process with generate_series into a storetest template
// database of its own (keyed by the migrations and the size), and the benchmark works on a clone of it.
// TRCR_BENCH_CHAT_MESSAGES changes the size (for a quick try). Besides measure's figures it reports p99-ms.

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

func benchChatMessages() int {
	if n, err := strconv.Atoi(os.Getenv("TRCR_BENCH_CHAT_MESSAGES")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// seedChat makes an organization of ten people with #history (n messages over the last year, every tenth with
// reactions, every fiftieth a reply) and #other (n/10 messages written in between, so the two share the seq range
// and the index, as channels of one organization do).
const seedChatSQL = `
WITH o AS (INSERT INTO organizations (name, slug) VALUES ('Chat Bench', 'chat-bench') RETURNING id),
u AS (
	INSERT INTO users (email, name, password_hash, email_verified_at)
	SELECT 'chat' || i || '@bench.local', 'Chatter ' || i, 'x', now() FROM generate_series(1, 10) i RETURNING id
)
INSERT INTO members (organization_id, user_id, email, role, status)
SELECT o.id, u.id, 'm' || row_number() OVER () || '@bench.local', CASE WHEN row_number() OVER () = 1 THEN 'owner' ELSE 'member' END, 'active'
FROM o, u;

INSERT INTO chat_channels (organization_id, name, created_by)
SELECT m.organization_id, c.name, m.user_id FROM members m, (VALUES ('history'), ('other')) c(name) WHERE m.role = 'owner';

INSERT INTO chat_messages (organization_id, channel_id, user_id, content, created_at)
SELECT c.organization_id, CASE WHEN i % 11 = 0 THEN o.id ELSE c.id END, us.ids[1 + i % 10],
	'Message ' || i || ': ' || repeat('lorem ipsum dolor sit amet ', 1 + i % 5),
	now() - interval '365 days' + i * (interval '365 days' / $1::int)
FROM chat_channels c, chat_channels o, generate_series(1, $1::int + $1::int / 10) i,
	(SELECT array_agg(user_id ORDER BY user_id) AS ids FROM members) us
WHERE c.name = 'history' AND o.name = 'other';

UPDATE chat_messages SET reply_to = (SELECT p.id FROM chat_messages p WHERE p.channel_id = chat_messages.channel_id AND p.seq < chat_messages.seq ORDER BY p.seq DESC LIMIT 1)
WHERE seq % 50 = 0;

INSERT INTO chat_reactions (message_id, user_id, emoji)
SELECT m.id, u.user_id, CASE WHEN m.seq % 20 = 0 THEN 'tada' ELSE 'thumbsup' END
FROM chat_messages m, (SELECT user_id FROM members ORDER BY user_id LIMIT 3) u
WHERE m.seq % 10 = 0;

ANALYZE;
`

func BenchmarkChatPageBackwards(b *testing.B) {
	n := benchChatMessages()
	began := time.Now()
	dbURL := storetest.New(b, fmt.Sprintf("bench-chat:%s:%d:v1", migrations.Checksum(), n), func(ctx context.Context, db *sql.DB) error {
		if err := migrations.Up(ctx, db); err != nil {
			return err
		}
		seeded := time.Now()
		for _, stmt := range strings.Split(seedChatSQL, ";\n") {
			if stmt = strings.TrimSpace(stmt); stmt == "" {
				continue
			}
			args := []any{}
			if strings.Contains(stmt, "$1") {
				args = append(args, n)
			}
			if _, err := db.ExecContext(ctx, stmt, args...); err != nil {
				return fmt.Errorf("%s: %w", stmt[:40], err)
			}
		}
		b.Logf("seeded %d messages in %s", n, time.Since(seeded).Round(time.Millisecond))
		return nil
	})
	b.Logf("fixture (seed or clone) ready in %s", time.Since(began).Round(time.Millisecond))
	f := openBenchDB(b, dbURL)
	ctx := context.Background()
	var owner, org, member, channel string
	if err := f.db.QueryRow(`SELECT m.user_id, m.organization_id FROM members m WHERE role = 'owner'`).Scan(&owner, &org); err != nil {
		b.Fatal(err)
	}
	if err := f.db.Get(&member, `SELECT user_id FROM members WHERE role = 'member' ORDER BY user_id LIMIT 1`); err != nil {
		b.Fatal(err)
	}
	if err := f.db.Get(&channel, `SELECT id FROM chat_channels WHERE name = 'history'`); err != nil {
		b.Fatal(err)
	}
	a, err := f.s.ActorFor(ctx, member, org, "")
	if err != nil {
		b.Fatal(err)
	}
	var total int
	if err := f.db.Get(&total, `SELECT count(*) FROM chat_messages WHERE channel_id = $1`, channel); err != nil || total < n*9/10 {
		b.Fatalf("history holds %d messages (%v)", total, err)
	}
	// Cursors at random depths of the whole history, the same for every run.
	var cursors []string
	r := rand.New(rand.NewPCG(1, 2))
	if err := f.db.Select(&cursors, `
		SELECT id FROM chat_messages WHERE channel_id = $1 AND seq = ANY($2::bigint[])
			AND seq > (SELECT seq FROM chat_messages WHERE channel_id = $1 ORDER BY seq OFFSET 200 LIMIT 1) ORDER BY seq`, channel, randomSeqs(r, total, 2000)); err != nil || len(cursors) < 1000 {
		b.Fatalf("%d cursors (%v)", len(cursors), err)
	}
	b.Logf("%d messages in #history, %d cursors", total, len(cursors))
	explainPage(b, f, channel, cursors[len(cursors)/2])

	page := func(limit int, before func() string, record *[]time.Duration) func() (int, error) {
		return func() (int, error) {
			began := time.Now()
			p, err := f.s.ChatMessages(ctx, a, channel, store.ChatCursor{Before: before(), Limit: limit})
			if record != nil {
				*record = append(*record, time.Since(began))
			}
			if err == nil && len(p.Messages) != limit {
				err = fmt.Errorf("page of %d, want %d", len(p.Messages), limit)
			}
			return len(p.Messages), err
		}
	}
	newest := func() string { return "" }
	i := 0
	deep := func() string { i++; return cursors[i%len(cursors)] }
	for _, c := range []struct {
		name   string
		cursor func() string
	}{{"newest", newest}, {"before_random_depth", deep}} {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			f.measure(b, page(store.DefaultMessagePage, c.cursor, &times), page(10, c.cursor, nil), page(store.MaxMessagePage, c.cursor, nil))
			times = times[3:] // measure's warm-up calls
			slices.Sort(times)
			b.ReportMetric(float64(times[(len(times)-1)*99/100])/float64(time.Millisecond), "p99-ms")
		})
	}
}

// randomSeqs draws k distinct positions in 1..total (message seqs of #history are not contiguous, so the caller
// keeps those that exist).
func randomSeqs(r *rand.Rand, total, k int) string {
	seen := map[int]bool{}
	out := "{"
	for len(seen) < k {
		s := 1 + r.IntN(total+total/10)
		if seen[s] {
			continue
		}
		if len(seen) > 0 {
			out += ","
		}
		seen[s] = true
		out += strconv.Itoa(s)
	}
	return out + "}"
}

// explainPage logs the plans of a page at mid-depth and fails unless the page is read backwards through the
// (channel_id, seq) index and its reactions through the reactions' primary key.
func explainPage(b *testing.B, f *benchDB, channel, cursor string) {
	b.Helper()
	var seq int64
	if err := f.db.Get(&seq, `SELECT seq FROM chat_messages WHERE id = $1`, cursor); err != nil {
		b.Fatal(err)
	}
	var ids []string
	if err := f.db.Select(&ids, `SELECT id FROM chat_messages WHERE channel_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT 51`, channel, seq); err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct {
		name, sql string
		args      []any
		want      string
	}{
		{"page", store.ChatPageSQL, []any{channel, seq, store.DefaultMessagePage + 1}, "Index Scan Backward using chat_messages_channel_seq_idx"},
		{"reactions", store.ChatReactionsSQL, []any{"{" + strings.Join(ids, ",") + "}"}, "chat_reactions_pkey"},
	} {
		var plan []string
		for range 2 { // the second run, with the pages in the cache, is what a busy channel sees
			if err := f.db.Select(&plan, `EXPLAIN (ANALYZE, BUFFERS) `+q.sql, q.args...); err != nil {
				b.Fatal(err)
			}
		}
		text := strings.Join(plan, "\n")
		b.Logf("EXPLAIN ANALYZE of the %s at seq %d:\n%s", q.name, seq, text)
		if !strings.Contains(text, q.want) {
			b.Fatalf("the %s is not read through %q", q.name, q.want)
		}
	}
}
