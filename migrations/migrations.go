// Package migrations holds the numbered, append-only SQL migrations, embedded into the binary.
// A landed migration is never edited: add a new file instead.
//
// Numbers are handed out before work starts, one to each branch that may need a migration, so that branches
// written in parallel never collide; a branch that needed none leaves its number unused. That is why the files
// skip numbers (3, 4, 8–10 and 17), and why Up applies a migration that lands with a lower number than one already
// applied. A new migration takes the number it was given, else the next above both the highest file here and any
// number handed to a branch still open. Never fill a gap: a database that has the later migrations would run it
// after them, and a fresh one before them.
package migrations

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed *.sql
var files embed.FS

// Up applies every pending migration, each in its own transaction.
func Up(ctx context.Context, db *sql.DB) error {
	// An advisory lock serializes servers that start at the same time on one database.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	// Migrations written on parallel branches can land with a lower number than one already applied; apply them
	// rather than refuse to start.
	provider, err := goose.NewProvider(goose.DialectPostgres, db, files, goose.WithSessionLocker(locker), goose.WithAllowOutofOrder(true))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	return nil
}

// Checksum identifies the current set of migrations; tests use it to key their template database.
func Checksum() string {
	names, _ := fs.Glob(files, "*.sql")
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, _ := files.ReadFile(n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
