package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"
)

// Idempotency keys (DECISIONS.md "Beyond the reference"): the first completed answer to a POST is kept for a day
// per user and key, and replayed to a retry of the same request.
const (
	idempotencyTTL = 24 * time.Hour
	// idempotencyAbandoned is when a request still marked in flight is taken to have died with its process.
	idempotencyAbandoned = 2 * time.Minute
	// MaxIdempotentBody is the largest answer kept; a larger one is answered but not kept for replay.
	MaxIdempotentBody = 1 << 20
)

// IdempotentAnswer is a kept answer.
type IdempotentAnswer struct {
	Status      int    `db:"response_status"`
	ContentType string `db:"response_type"`
	Body        []byte `db:"response_body"`
}

// IdempotencyClaim is the outcome of claiming a key.
type IdempotencyClaim struct {
	// Replay is the kept answer to the same request, when there is one.
	Replay *IdempotentAnswer
}

// IdempotencyRequestHash identifies a request: method, path and body.
func IdempotencyRequestHash(method, path string, body []byte) []byte {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	h.Write(body)
	return h.Sum(nil)
}

// ClaimIdempotencyKey starts a request under a key. It returns the kept answer of the same request, or claims the
// key (the caller must then Complete or Release it); the same key with another request is invalid
// (idempotency_key_reused), and one still running a conflict (idempotency_key_in_use).
func (s *Store) ClaimIdempotencyKey(ctx context.Context, userID, key string, requestHash []byte) (IdempotencyClaim, error) {
	if key == "" || len(key) > 255 {
		return IdempotencyClaim{}, &Error{Kind: ErrInvalid, Message: "Idempotency-Key must be 1 to 255 characters",
			Fields: map[string]string{"Idempotency-Key": "Idempotency-Key must be 1 to 255 characters"}}
	}
	now := s.now()
	// Claim the key, or take over one left in flight by a request that died, or one past its day.
	res, err := s.db.ExecContext(ctx, `
		INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, key) DO UPDATE SET request_hash = $3, in_flight = true, response_status = NULL,
			response_type = NULL, response_body = NULL, created_at = $4
		WHERE idempotency_keys.created_at < $5
			OR (idempotency_keys.in_flight AND idempotency_keys.created_at < $6 AND idempotency_keys.request_hash = $3)`,
		userID, key, requestHash, now, now.Add(-idempotencyTTL), now.Add(-idempotencyAbandoned))
	if err != nil {
		return IdempotencyClaim{}, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return IdempotencyClaim{}, nil
	}
	var kept struct {
		Hash     []byte  `db:"request_hash"`
		InFlight bool    `db:"in_flight"`
		Status   *int    `db:"response_status"`
		Type     *string `db:"response_type"`
		Body     []byte  `db:"response_body"`
	}
	err = s.db.GetContext(ctx, &kept, `
		SELECT request_hash, in_flight, response_status, response_type, response_body FROM idempotency_keys
		WHERE user_id = $1 AND key = $2`, userID, key)
	if isNoRows(err) {
		// Released between the two statements: try once more.
		return s.ClaimIdempotencyKey(ctx, userID, key, requestHash)
	}
	if err != nil {
		return IdempotencyClaim{}, err
	}
	switch {
	case string(kept.Hash) != string(requestHash):
		return IdempotencyClaim{}, &Error{Kind: ErrInvalid, Message: "this Idempotency-Key was used with another request",
			Err: errIdempotencyReused}
	case kept.InFlight || kept.Status == nil:
		return IdempotencyClaim{}, &Error{Kind: ErrConflict, Message: "a request with this Idempotency-Key is still running",
			Err: errIdempotencyInUse}
	}
	ct := ""
	if kept.Type != nil {
		ct = *kept.Type
	}
	return IdempotencyClaim{Replay: &IdempotentAnswer{Status: *kept.Status, ContentType: ct, Body: kept.Body}}, nil
}

// Errors that name the idempotency refusals, for the API's error codes.
var (
	errIdempotencyReused = errors.New("idempotency_key_reused")
	errIdempotencyInUse  = errors.New("idempotency_key_in_use")
)

// IsIdempotencyKeyReused and IsIdempotencyKeyInUse tell the API which code to answer.
func IsIdempotencyKeyReused(err error) bool { return errors.Is(err, errIdempotencyReused) }
func IsIdempotencyKeyInUse(err error) bool  { return errors.Is(err, errIdempotencyInUse) }

// CompleteIdempotencyKey keeps the answer of a claimed key.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, userID, key string, a IdempotentAnswer) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE idempotency_keys SET in_flight = false, response_status = $3, response_type = $4, response_body = $5
		WHERE user_id = $1 AND key = $2`, userID, key, a.Status, a.ContentType, a.Body)
	return err
}

// ReleaseIdempotencyKey forgets a claimed key whose request did not complete (a server error), so that a retry
// runs it again.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, userID, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND in_flight`, userID, key)
	return err
}

// pruneIdempotencyKeys forgets keys past their day.
func (s *Store) pruneIdempotencyKeys(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, s.now().Add(-idempotencyTTL))
	return err
}
