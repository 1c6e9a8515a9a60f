package store

import (
	"context"
	"time"
)

// loginDeviceLifetime is how long a browser stays known without signing in again.
const loginDeviceLifetime = 365 * 24 * time.Hour

// isLoginDevice reports whether token is the device token of a browser that signed in to the user's account.
func (s *Store) isLoginDevice(ctx context.Context, userID, token string) (bool, error) {
	var known bool
	err := s.db.GetContext(ctx, &known, `
		SELECT EXISTS (SELECT 1 FROM login_devices WHERE token_hash = $1 AND user_id = $2 AND last_used_at > $3)`,
		hashToken(token), userID, s.now().Add(-loginDeviceLifetime))
	return known, err
}

// rememberLoginDevice records a successful sign-in from a browser and returns its device token: the one it
// presented when that is the account's, else a new one.
func (s *Store) rememberLoginDevice(ctx context.Context, userID, presented string, known bool) (string, error) {
	if known {
		_, err := s.db.ExecContext(ctx, `UPDATE login_devices SET last_used_at = $2 WHERE token_hash = $1`, hashToken(presented), s.now())
		return presented, err
	}
	token, hash := newOpaqueToken()
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO login_devices (token_hash, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)`, hash, userID, s.now())
	return token, err
}

// pruneLoginDevices forgets browsers that have not signed in for a year.
func (s *Store) pruneLoginDevices(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM login_devices WHERE last_used_at < $1`, s.now().Add(-loginDeviceLifetime))
	return err
}
