package store

import (
	"context"
	"time"
)

// States /healthz reports.
const (
	healthOK          = "ok"
	healthFull        = "full"
	healthReadOnly    = "read-only"
	healthUnavailable = "unavailable"
)

// Health is what /healthz reports about the database ("ok" or "unavailable") and file storage ("ok", "full",
// "read-only" or "unavailable").
type Health struct {
	Database string `json:"database"`
	Storage  string `json:"storage"`
}

// OK reports whether both work.
func (h Health) OK() bool { return h.Database == healthOK && h.Storage == healthOK }

// Health checks the database and file storage in parallel, each within timeout. A check still running at the
// timeout counts as unavailable and is left to end on its own: the driver cannot always interrupt a connection
// to a database that stopped answering (its I/O deadline ends it later), and a load balancer must get its
// answer now.
func (s *Store) Health(ctx context.Context, timeout time.Duration) Health {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	dbErr, storageErr := make(chan error, 1), make(chan error, 1)
	go func() { dbErr <- s.db.PingContext(ctx) }()
	go func() {
		if s.blobs == nil {
			storageErr <- nil
			return
		}
		storageErr <- s.blobs.Check(ctx)
	}()
	h := Health{Database: healthUnavailable, Storage: healthUnavailable}
	select {
	case err := <-dbErr:
		if err == nil {
			h.Database = healthOK
		}
	case <-ctx.Done():
	}
	select {
	case err := <-storageErr:
		if h.Storage = storageState(err); h.Storage == "" {
			h.Storage = healthUnavailable
		}
	case <-ctx.Done():
	}
	if !h.OK() {
		s.log.Warn("health check failed", "database", h.Database, "storage", h.Storage)
	}
	return h
}
