package store_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

// The failures a real PostgreSQL and a real network produce are classified: the server or the connection gone
// is unavailable (503), text PostgreSQL refuses is invalid (400), and what the request did wrong keeps its kind.
func TestClassify_RealDriverErrors(t *testing.T) {
	t.Parallel()
	_, db := newStore(t)
	ctx := context.Background()
	unavailable := func(t *testing.T, err error) {
		t.Helper()
		var u *store.Error
		if err == nil || !asKind(store.Classify(err), store.ErrUnavailable, &u) || !errors.Is(store.Classify(err), store.ErrUnavailable) || !strings.HasPrefix(u.Message, "the database ") {
			t.Fatalf("Classify(%v) = %v, want the database unavailable", err, store.Classify(err))
		}
	}

	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		closed, err := sqlx.Open("postgres", "postgres://trcr@"+addr+"/trcr?sslmode=disable")
		if err != nil {
			t.Fatal(err)
		}
		defer closed.Close()
		unavailable(t, closed.PingContext(ctx))
	})
	t.Run("backend terminated", func(t *testing.T) {
		conn, err := db.Connx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var pid int
		if err := conn.GetContext(ctx, &pid, `SELECT pg_backend_pid()`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`SELECT pg_terminate_backend($1)`, pid); err != nil {
			t.Fatal(err)
		}
		_, err = conn.ExecContext(ctx, `SELECT 1`)
		unavailable(t, err)
	})
	t.Run("statement timeout", func(t *testing.T) {
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(`SET LOCAL statement_timeout = 50`); err != nil {
			t.Fatal(err)
		}
		_, err = tx.Exec(`SELECT pg_sleep(2)`)
		unavailable(t, err)
	})
	t.Run("deadline while waiting for the database", func(t *testing.T) {
		dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := db.ExecContext(dctx, `SELECT pg_sleep(2)`)
		unavailable(t, err)
	})
	t.Run("deadlock", func(t *testing.T) {
		if _, err := db.Exec(`CREATE TABLE deadlock_probe (id int PRIMARY KEY, v int); INSERT INTO deadlock_probe VALUES (1, 0), (2, 0)`); err != nil {
			t.Fatal(err)
		}
		tx1, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx1.Rollback()
		tx2, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx2.Rollback()
		for _, step := range []struct {
			tx *sqlx.Tx
			id int
		}{{tx1, 1}, {tx2, 2}} {
			if _, err := step.tx.Exec(`UPDATE deadlock_probe SET v = v + 1 WHERE id = $1`, step.id); err != nil {
				t.Fatal(err)
			}
		}
		first := make(chan error, 1)
		go func() {
			_, err := tx1.Exec(`UPDATE deadlock_probe SET v = v + 1 WHERE id = 2`)
			first <- err
		}()
		time.Sleep(100 * time.Millisecond) // tx1 now waits for tx2's row
		_, err2 := tx2.Exec(`UPDATE deadlock_probe SET v = v + 1 WHERE id = 1`)
		if err2 == nil {
			tx2.Rollback() // PostgreSQL broke the cycle on tx1's side: let it go on
		}
		err1 := <-first
		err = err1
		if err == nil {
			err = err2
		}
		var u *store.Error
		if err == nil || !asKind(store.Classify(err), store.ErrUnavailable, &u) || u.RetryAfter <= 0 || !strings.Contains(u.Message, "conflicting change") {
			t.Fatalf("Classify of a deadlock (%v / %v) = %v, want unavailable with Retry-After", err1, err2, store.Classify(err))
		}
	})
	t.Run("NUL byte in text", func(t *testing.T) {
		_, err := db.Exec(`SELECT $1::text`, "a\x00b")
		var v *store.Error
		if err == nil || !asKind(store.Classify(err), store.ErrInvalid, &v) {
			t.Fatalf("Classify(%v) = %v, want invalid input", err, store.Classify(err))
		}
	})
	t.Run("request errors keep their kind", func(t *testing.T) {
		_, err := db.Exec(`SELECT 1/0`)
		if got := store.Classify(err); got != err {
			t.Errorf("Classify(division by zero) = %v, want it unchanged", got)
		}
		// A file system error is no database outage, though syscall.Errno satisfies net.Error.
		noFile := &fs.PathError{Op: "open", Path: "/x", Err: syscall.ENOENT}
		if got := store.Classify(noFile); got != error(noFile) {
			t.Errorf("Classify(%v) = %v, want it unchanged", noFile, got)
		}
		if got := store.Classify(store.ErrNotFound); got != store.ErrNotFound {
			t.Errorf("Classify(ErrNotFound) = %v", got)
		}
		if store.Classify(nil) != nil {
			t.Error("Classify(nil) is not nil")
		}
	})
}

// asKind is errors.As for the store's error of one kind.
func asKind(err, kind error, target **store.Error) bool {
	e, ok := store.AsKind(err, kind)
	*target = e
	return ok
}
