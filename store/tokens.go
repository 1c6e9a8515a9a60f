package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// Token lifetimes.
const (
	AccessTokenTTL     = 15 * time.Minute
	RefreshTokenTTL    = 30 * 24 * time.Hour
	verifyEmailTTL     = 48 * time.Hour
	resetPasswordTTL   = time.Hour
	invitationTokenTTL = 7 * 24 * time.Hour
)

const jwtIssuer = "trcr"

// Tokens is what register, login and refresh answer.
type Tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
}

// DeriveKey separates the keys used for different purposes (access tokens, file URLs …) from the one
// configured secret.
func DeriveKey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("trcr:" + purpose))
	return m.Sum(nil)
}

func (s *Store) deriveKey(purpose string) []byte { return DeriveKey(s.cfg.Secret, purpose) }

func (s *Store) accessToken(userID string) (string, error) {
	now := s.now()
	claims := jwt.RegisteredClaims{
		Issuer:    jwtIssuer,
		Subject:   userID,
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(AccessTokenTTL)),
		ID:        uuid.NewString(),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.accessKey)
}

// Authenticate checks an access token and returns its user id. Only HS256 with our key is accepted: the
// algorithm is pinned, so "alg: none" and tokens signed with another key or algorithm are refused. The user must
// still exist (trusted for the authentication cache's TTL once read).
func (s *Store) Authenticate(ctx context.Context, accessToken string) (string, error) {
	userID, err := s.verifyAccessToken(accessToken)
	if err != nil {
		return "", err
	}
	now := s.now()
	if s.auth.userExists(userID, now) {
		return userID, nil
	}
	var exists bool
	if err := s.getPrepared(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, userID); err != nil {
		return "", err
	}
	if !exists {
		return "", ErrUnauthorized
	}
	s.auth.rememberUser(userID, now)
	return userID, nil
}

// verifyAccessToken checks an access token's signature, issuer and expiry, and returns its subject.
func (s *Store) verifyAccessToken(accessToken string) (string, error) {
	now := s.now()
	if userID, ok := s.auth.token(accessToken, now); ok {
		return userID, nil
	}
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(accessToken, &claims, func(*jwt.Token) (any, error) {
		return s.accessKey, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(jwtIssuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil || !validID(claims.Subject) {
		return "", ErrUnauthorized
	}
	// A token whose nbf is still ahead was refused above, so from now until its expiry it stays valid.
	s.auth.rememberToken(accessToken, claims.Subject, claims.ExpiresAt.Time)
	return claims.Subject, nil
}

// randomHex is n random bytes in hex: secrets (Git's, webhooks') and names.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the OS entropy source failing is not recoverable
	}
	return hex.EncodeToString(b)
}

// newOpaqueToken returns a random token for the user and the hash that is stored in its place.
func newOpaqueToken() (token string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the OS entropy source failing is not recoverable
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// issueTokens starts a new refresh token family (a login) and returns both tokens.
func (s *Store) issueTokens(ctx context.Context, tx *sqlx.Tx, userID string) (*Tokens, error) {
	return s.issueInFamily(ctx, tx, userID, uuid.NewString())
}

func (s *Store) issueInFamily(ctx context.Context, tx *sqlx.Tx, userID, family string) (*Tokens, error) {
	access, err := s.accessToken(userID)
	if err != nil {
		return nil, err
	}
	refresh, hash := newOpaqueToken()
	_, err = tx.ExecContext(ctx, `
		INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)`,
		userID, family, hash, s.now().Add(RefreshTokenTTL))
	if err != nil {
		return nil, fmt.Errorf("issue tokens: %w", err)
	}
	return &Tokens{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", ExpiresIn: int(AccessTokenTTL / time.Second)}, nil
}

var errInvalidRefresh = unauthorized("refresh token is invalid, expired or revoked")

// Refresh exchanges a refresh token for a new pair, rotating it. Presenting a token that was already rotated
// means it leaked or was replayed: the whole family is revoked and the caller must log in again.
func (s *Store) Refresh(ctx context.Context, refreshToken string) (*Session, error) {
	if refreshToken == "" {
		return nil, Invalid("refresh_token", "refresh_token is required")
	}
	var out *Session
	reused := false
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var rt struct {
			ID        string     `db:"id"`
			UserID    string     `db:"user_id"`
			FamilyID  string     `db:"family_id"`
			ExpiresAt time.Time  `db:"expires_at"`
			RotatedAt *time.Time `db:"rotated_at"`
			RevokedAt *time.Time `db:"revoked_at"`
		}
		err := tx.GetContext(ctx, &rt, `
			SELECT id, user_id, family_id, expires_at, rotated_at, revoked_at FROM refresh_tokens
			WHERE token_hash = $1 FOR UPDATE`, hashToken(refreshToken))
		if err != nil {
			if errors.Is(notFoundIfNoRows(err, ""), ErrNotFound) {
				return errInvalidRefresh
			}
			return err
		}
		if rt.RevokedAt != nil || !s.now().Before(rt.ExpiresAt) {
			return errInvalidRefresh
		}
		if rt.RotatedAt != nil {
			if _, err := tx.ExecContext(ctx, `
				UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`, rt.FamilyID); err != nil {
				return err
			}
			reused = true
			return nil // commit the revocation, then refuse
		}
		if _, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1`, rt.ID); err != nil {
			return err
		}
		tokens, err := s.issueInFamily(ctx, tx, rt.UserID, rt.FamilyID)
		if err != nil {
			return err
		}
		u, err := getUser(ctx, tx, rt.UserID)
		if err != nil {
			return err
		}
		out = &Session{User: s.presentUser(ctx, u), Tokens: tokens}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if reused {
		s.log.Warn("refresh token reused; family revoked")
		return nil, errInvalidRefresh
	}
	return out, nil
}

// Logout revokes the refresh token's family, ending that login. Unknown tokens or tokens of another user are
// ignored: logging out twice is not an error.
func (s *Store) Logout(ctx context.Context, userID, refreshToken string) error {
	if refreshToken == "" {
		return Invalid("refresh_token", "refresh_token is required")
	}
	_, err := s.db.ExecContext(ctx, `
		UPDATE refresh_tokens SET revoked_at = now()
		WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND user_id = $2)
		  AND revoked_at IS NULL`, hashToken(refreshToken), userID)
	return err
}

// createOneTimeToken stores a single-use token of kind and returns the clear token for the email link.
func (s *Store) createOneTimeToken(ctx context.Context, tx *sqlx.Tx, kind string, userID, memberID *string, ttl time.Duration) (string, error) {
	token, hash := newOpaqueToken()
	_, err := tx.ExecContext(ctx, `
		INSERT INTO one_time_tokens (kind, token_hash, user_id, member_id, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		kind, hash, userID, memberID, s.now().Add(ttl))
	return token, err
}

type oneTimeToken struct {
	ID       string  `db:"id"`
	UserID   *string `db:"user_id"`
	MemberID *string `db:"member_id"`
}

var errBadToken = func(field string) error { return Invalid(field, "token is invalid or has expired") }

// useOneTimeToken consumes a token of kind: it must exist, be unused and unexpired. It is marked used in tx.
func (s *Store) useOneTimeToken(ctx context.Context, tx *sqlx.Tx, kind, token string) (oneTimeToken, error) {
	var t oneTimeToken
	if token == "" {
		return t, Invalid("token", "token is required")
	}
	err := tx.GetContext(ctx, &t, `
		UPDATE one_time_tokens SET used_at = now()
		WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3
		RETURNING id, user_id, member_id`, hashToken(token), kind, s.now())
	if err != nil {
		if errors.Is(notFoundIfNoRows(err, ""), ErrNotFound) {
			return t, errBadToken("token")
		}
		return t, err
	}
	return t, nil
}
