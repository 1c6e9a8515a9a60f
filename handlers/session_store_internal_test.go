package handlers

import (
	"bytes"
	"testing"
	"time"

	"github.com/alexedwards/scs/postgresstore"
	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store/storetest"
)

// A session whose data did not change is written at most once per refresh period by this process; a change is
// written at once, and a deleted session is gone.
func TestQuietSessionStore_WritesChangesAtOnceAndUnchangedSessionsOncePerRefresh(t *testing.T) {
	db, err := sqlx.Open("postgres", storetest.New(t, migrations.Checksum(), migrations.Up))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	q := QuietSessionStore(postgresstore.NewWithCleanupInterval(db.DB, 0), 5*time.Minute).(*quietSessionStore)
	q.now = func() time.Time { return now }
	expiry := func() time.Time {
		t.Helper()
		var e time.Time
		if err := db.Get(&e, `SELECT expiry FROM sessions WHERE token = 'tok'`); err != nil {
			t.Fatal(err)
		}
		return e.UTC()
	}
	find := func() []byte {
		t.Helper()
		b, found, err := q.Find("tok")
		if err != nil || !found {
			t.Fatalf("find: %v, found %v", err, found)
		}
		return b
	}
	day := 24 * time.Hour
	if err := q.Commit("tok", []byte("a"), now.Add(7*day)); err != nil {
		t.Fatal(err)
	}
	if b := find(); !bytes.Equal(b, []byte("a")) {
		t.Fatalf("data %q", b)
	}
	now = now.Add(time.Minute)
	if err := q.Commit("tok", []byte("a"), now.Add(7*day)); err != nil {
		t.Fatal(err)
	}
	if e := expiry(); !e.Equal(now.Add(-time.Minute).Add(7 * day)) {
		t.Fatalf("an unchanged session was written again within the refresh period: expiry %v", e)
	}
	if err := q.Commit("tok", []byte("b"), now.Add(7*day)); err != nil {
		t.Fatal(err)
	}
	if b, e := find(), expiry(); !bytes.Equal(b, []byte("b")) || !e.Equal(now.Add(7*day)) {
		t.Fatalf("a changed session: data %q, expiry %v", b, e)
	}
	now = now.Add(5 * time.Minute)
	if err := q.Commit("tok", []byte("b"), now.Add(7*day)); err != nil {
		t.Fatal(err)
	}
	if e := expiry(); !e.Equal(now.Add(7 * day)) {
		t.Fatalf("an unchanged session after the refresh period: expiry %v, want it pushed forward", e)
	}
	// Another process changes the session: what this one reads is what it compares with.
	db.MustExec(`UPDATE sessions SET data = 'c' WHERE token = 'tok'`)
	find()
	if err := q.Commit("tok", []byte("b"), now.Add(7*day)); err != nil {
		t.Fatal(err)
	}
	if b := find(); !bytes.Equal(b, []byte("b")) {
		t.Fatalf("data changed back by this process was not written: %q", b)
	}
	if err := q.Delete("tok"); err != nil {
		t.Fatal(err)
	}
	if _, found, err := q.Find("tok"); err != nil || found {
		t.Fatalf("deleted session: found %v, %v", found, err)
	}
}
