// Package seed fills a database with demo data: a demo organization with its team (Demo), a realistic amount of
// work (Work) and a year of billing (Billing), for `trcr seed`, the benchmarks and trying the app. It lives under
// store/ because the bulk loads write rows with SQL and COPY rather than through the use cases; everything else
// goes through the store's exported API.
package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/internal/dbtx"
)

// Task priorities, lowest first, as Work draws them.
var seedPriorities = []string{"low", "medium", "high", "urgent"}

// inTx runs fn in one transaction on the store's pool.
func inTx(ctx context.Context, s *store.Store, fn func(tx *sqlx.Tx) error) error {
	return dbtx.Run(ctx, s.DB(), fn)
}

// notFoundIfNoRows answers the store's not-found error for a row that is missing.
func notFoundIfNoRows(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return err
}
