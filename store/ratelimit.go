package store

import (
	"context"
	"net/netip"
	"time"

	"github.com/jmoiron/sqlx"
)

// allow counts one request against key in a fixed window shared by every server process, and refuses it with a
// ErrRateLimited once limit requests were counted in the current window.
func (s *Store) allow(ctx context.Context, key string, limit int, window time.Duration) error {
	return s.charge(ctx, s.db, key, 1, limit, window, "")
}

// charge adds n to key's counter of the current fixed window and refuses with ErrRateLimited once the count
// passes limit. Given a use case's transaction, a refusal is rolled back with the rest of it, and the counter's
// row lock makes concurrent charges of one key wait for each other, so a quota is never overrun. reason, when
// given, says which limit was reached.
func (s *Store) charge(ctx context.Context, q sqlx.QueryerContext, key string, n, limit int, window time.Duration, reason string) error {
	now := s.now()
	start := now.Truncate(window)
	var count int
	err := sqlx.GetContext(ctx, q, &count, `
		INSERT INTO rate_limits (key, window_start, count, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + EXCLUDED.count
		RETURNING count`, key, start, n, start.Add(window))
	if err != nil {
		return err
	}
	if count > limit {
		return rateLimited(start.Add(window).Sub(now), reason)
	}
	return nil
}

// limitAuthByIP applies the per-IP limit on register, login and forgot-password.
func (s *Store) limitAuthByIP(ctx context.Context, action, ip string) error {
	if ip == "" {
		return nil
	}
	return s.allow(ctx, action+":"+clientKey(ip), s.cfg.AuthRateLimit, time.Minute)
}

// clientKey is what per-client limits count: the IPv4 address, or the /64 an IPv6 address belongs to, since one
// subscriber usually holds a whole /64 and could otherwise rotate through 2^64 addresses.
func clientKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.Prefix(64)
	if err != nil {
		return addr.String()
	}
	return p.String()
}

// PruneRateLimits deletes expired counters and old failed-login records; the background janitor calls it.
func (s *Store) PruneRateLimits(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `
		DELETE FROM rate_limits WHERE coalesce(expires_at, window_start + interval '1 hour') < now()`); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE created_at < now() - interval '1 hour'`); err != nil {
		return err
	}
	if err := s.pruneLoginDevices(ctx); err != nil {
		return err
	}
	if err := s.pruneEvents(ctx); err != nil {
		return err
	}
	return s.pruneIdempotencyKeys(ctx)
}

// RunJanitor prunes expired counters every interval until ctx ends.
func (s *Store) RunJanitor(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.PruneRateLimits(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("janitor", "err", err)
			}
		}
	}
}
