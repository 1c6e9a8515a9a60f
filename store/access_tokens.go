package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// PersonalTokenPrefix starts every personal access token, so secret scanners recognise a leaked one.
const PersonalTokenPrefix = "trcr_pat_"

// Token scopes: read allows GET and HEAD only; write everything the user may do.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// Limits of personal access tokens.
const (
	maxTokensPerUser = 50
	maxTokenName     = 100
	// tokenUseResolution bounds how often a token's last_used_at is written: once a minute at most.
	tokenUseResolution = time.Minute
)

// PersonalToken is a personal access token as listed; Token is set only in the answer that creates it.
type PersonalToken struct {
	ID         string         `db:"id" json:"id"`
	Name       string         `db:"name" json:"name"`
	Prefix     string         `db:"prefix" json:"prefix"`
	Scopes     pq.StringArray `db:"scopes" json:"scopes"`
	ExpiresAt  *time.Time     `db:"expires_at" json:"expires_at"`
	LastUsedAt *time.Time     `db:"last_used_at" json:"last_used_at"`
	CreatedAt  time.Time      `db:"created_at" json:"created_at"`
	Token      string         `db:"-" json:"token,omitempty"`
}

const personalTokenColumns = `id, name, prefix, scopes, expires_at, last_used_at, created_at`

// PersonalTokenInput creates a token.
type PersonalTokenInput struct {
	Name      string
	Scopes    []string
	ExpiresAt *string // RFC 3339 or YYYY-MM-DD; nil: never
}

// msgTokensNeedLogin refuses token management with a personal access token: a leaked token must not be able to
// mint more, or revoke the owner's others.
const msgTokensNeedLogin = "personal access tokens are managed with a sign-in token, not with another personal access token"

// CreatePersonalToken makes a token for the caller and returns it with its secret, which is never shown again.
func (s *Store) CreatePersonalToken(ctx context.Context, c Credentials, in PersonalTokenInput) (PersonalToken, error) {
	if err := require(!c.Personal, msgTokensNeedLogin); err != nil {
		return PersonalToken{}, err
	}
	userID := c.UserID
	var v validator
	in.Name = strings.TrimSpace(in.Name)
	v.check(in.Name != "", "name", "name is required")
	v.check(utf8.RuneCountInString(in.Name) <= maxTokenName, "name", fmt.Sprintf("name must be at most %d characters", maxTokenName))
	scopes := slices.Clone(in.Scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	valid := len(scopes) > 0 && slices.Contains(scopes, ScopeRead)
	for _, sc := range scopes {
		valid = valid && (sc == ScopeRead || sc == ScopeWrite)
	}
	v.check(valid, "scopes", `scopes must be ["read"] or ["read", "write"]`)
	var expires *time.Time
	if in.ExpiresAt != nil && *in.ExpiresAt != "" {
		t, _, ok := parseDateOrTime(*in.ExpiresAt, time.UTC)
		switch {
		case !ok:
			v.add("expires_at", "expires_at must be a date (YYYY-MM-DD) or an RFC 3339 datetime")
		case !t.After(s.now()):
			v.add("expires_at", "expires_at must be in the future")
		case t.After(s.now().AddDate(5, 0, 0)):
			v.add("expires_at", "expires_at must be within five years")
		default:
			expires = &t
		}
	}
	if err := v.err(); err != nil {
		return PersonalToken{}, err
	}
	secret, _ := newOpaqueToken()
	token := PersonalTokenPrefix + secret
	var out PersonalToken
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM personal_access_tokens WHERE user_id = $1 AND revoked_at IS NULL`, userID); err != nil {
			return err
		}
		if n >= maxTokensPerUser {
			return conflict("you have %d tokens already: revoke one first", maxTokensPerUser)
		}
		// The hash is of the whole token, prefix included.
		return tx.GetContext(ctx, &out, `
			INSERT INTO personal_access_tokens (user_id, name, token_hash, prefix, scopes, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+personalTokenColumns,
			userID, in.Name, hashToken(token), token[:len(PersonalTokenPrefix)+4], pq.Array(scopes), expires)
	})
	if err != nil {
		return PersonalToken{}, fmt.Errorf("create token: %w", err)
	}
	out.Token = token
	return out, nil
}

// PersonalTokens lists the caller's tokens that are not revoked, newest first, with their last use.
func (s *Store) PersonalTokens(ctx context.Context, c Credentials) ([]PersonalToken, error) {
	if err := require(!c.Personal, msgTokensNeedLogin); err != nil {
		return nil, err
	}
	out := []PersonalToken{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+personalTokenColumns+` FROM personal_access_tokens
		WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id`, c.UserID)
	return out, err
}

// RevokePersonalToken revokes one of the caller's tokens; another user's token is not found.
func (s *Store) RevokePersonalToken(ctx context.Context, c Credentials, id string) error {
	if err := require(!c.Personal, msgTokensNeedLogin); err != nil {
		return err
	}
	userID := c.UserID
	if !validID(id) {
		return fmt.Errorf("token: %w", ErrNotFound)
	}
	res, err := s.db.ExecContext(ctx, `
		UPDATE personal_access_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("token: %w", ErrNotFound)
	}
	return nil
}

// Credentials is who a Bearer token authenticates, and what it allows.
type Credentials struct {
	UserID string
	// WriteAllowed is false for a read-only personal access token.
	WriteAllowed bool
	// Personal is true for a personal access token (which cannot manage tokens).
	Personal bool
}

// BearerActor is AuthenticateBearer and ActorFor in one call: for an access token from sign-in, one statement (or
// none while the authentication cache holds the answer) checks the user and their membership. The credentials are
// returned whenever the token is valid, also when the actor is not (the caller may answer a scope error first).
func (s *Store) BearerActor(ctx context.Context, token, orgID, ip string) (Credentials, Actor, error) {
	if strings.HasPrefix(token, PersonalTokenPrefix) {
		c, err := s.AuthenticateBearer(ctx, token)
		if err != nil {
			return c, Actor{}, err
		}
		a, err := s.ActorFor(ctx, c.UserID, orgID, ip)
		return c, a, err
	}
	userID, err := s.verifyAccessToken(token)
	if err != nil {
		return Credentials{}, Actor{}, err
	}
	a, err := s.resolveActor(ctx, userID, orgID, ip)
	if errors.Is(err, errUserGone) {
		return Credentials{}, Actor{}, ErrUnauthorized
	}
	return Credentials{UserID: userID, WriteAllowed: true}, a, err
}

// AuthenticateBearer checks a Bearer token: a personal access token (trcr_pat_…) or an access token from sign-in.
func (s *Store) AuthenticateBearer(ctx context.Context, token string) (Credentials, error) {
	if !strings.HasPrefix(token, PersonalTokenPrefix) {
		id, err := s.Authenticate(ctx, token)
		return Credentials{UserID: id, WriteAllowed: true}, err
	}
	if len(token) > 100 {
		return Credentials{}, ErrUnauthorized
	}
	var t struct {
		ID       string         `db:"id"`
		UserID   string         `db:"user_id"`
		Scopes   pq.StringArray `db:"scopes"`
		LastUsed *time.Time     `db:"last_used_at"`
	}
	now := s.now()
	err := s.db.GetContext(ctx, &t, `
		SELECT id, user_id, scopes, last_used_at FROM personal_access_tokens
		WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`, hashToken(token), now)
	if isNoRows(err) {
		return Credentials{}, unauthorized("the token is invalid, expired or revoked")
	}
	if err != nil {
		return Credentials{}, err
	}
	if t.LastUsed == nil || now.Sub(*t.LastUsed) >= tokenUseResolution {
		if _, err := s.db.ExecContext(ctx, `UPDATE personal_access_tokens SET last_used_at = $2 WHERE id = $1`, t.ID, now); err != nil {
			return Credentials{}, err
		}
	}
	return Credentials{UserID: t.UserID, WriteAllowed: slices.Contains(t.Scopes, ScopeWrite), Personal: true}, nil
}
