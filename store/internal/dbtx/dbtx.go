// Package dbtx runs a function in one database transaction. It is internal to store/ so that only the domain and
// its seeds open transactions.
package dbtx

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Run runs fn in one transaction, committing when it returns nil and rolling back otherwise (a panic too).
func Run(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) (err error) {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
