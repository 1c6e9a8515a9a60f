package store

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	trmail "github.com/trcr/trcr/store/mail"
)

// User is a person with an account.
type User struct {
	ID              string     `db:"id" json:"id"`
	Email           string     `db:"email" json:"email"`
	Name            string     `db:"name" json:"name"`
	Timezone        string     `db:"timezone" json:"timezone"`
	AvatarKey       *string    `db:"avatar_key" json:"-"`
	AvatarURL       *string    `db:"-" json:"avatar_url"`
	EmailVerified   bool       `db:"-" json:"email_verified"`
	EmailVerifiedAt *time.Time `db:"email_verified_at" json:"email_verified_at"`
	DefaultOrgID    *string    `db:"default_org_id" json:"default_organization_id"`
	PasswordHash    string     `db:"password_hash" json:"-"`
	// SessionVersion is what web sessions are signed in with; a password change or reset bumps it.
	SessionVersion int       `db:"session_version" json:"-"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
}

// Session is a signed-in user, with API tokens when they were asked for, and the browser's device token when the
// login came from a page.
type Session struct {
	User   User
	Tokens *Tokens
	// Device is the token of the browser that signed in (LoginInput.RememberDevice): new, or the one it presented.
	Device string
}

const userColumns = `id, email, name, timezone, avatar_key, email_verified_at, default_org_id, password_hash, session_version, created_at, updated_at`

func getUser(ctx context.Context, q sqlx.QueryerContext, id string) (User, error) {
	var u User
	if !validID(id) {
		return u, fmt.Errorf("user: %w", ErrNotFound)
	}
	err := sqlx.GetContext(ctx, q, &u, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	return u, notFoundIfNoRows(err, "user")
}

// presentUser fills the fields computed for output.
func (s *Store) presentUser(ctx context.Context, u User) User {
	u.EmailVerified = u.EmailVerifiedAt != nil
	u.AvatarURL = s.fileURL(ctx, u.AvatarKey)
	return u
}

// User returns a user's own profile, with a prepared statement (one round trip), or as read within the
// authentication cache's TTL (auth_cache.go): pages and GET /users/me read it on every request.
func (s *Store) User(ctx context.Context, id string) (User, error) {
	var u User
	if !validID(id) {
		return u, fmt.Errorf("user: %w", ErrNotFound)
	}
	now := s.now()
	if cached, ok := s.auth.profile(id, now); ok {
		return s.presentUser(ctx, cached), nil
	}
	if err := s.getPrepared(ctx, &u, `SELECT `+userColumns+` FROM users WHERE id = $1`, id); err != nil {
		return u, notFoundIfNoRows(err, "user")
	}
	s.auth.rememberProfile(u, now)
	return s.presentUser(ctx, u), nil
}

// normalizeEmail trims and validates an address, keeping its case (lookups are case-insensitive).
func normalizeEmail(v *validator, field, email string) string {
	email = strings.TrimSpace(email)
	if email == "" {
		v.add(field, field+" is required")
		return email
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndex(email, "@"):], ".") {
		v.add(field, field+" must be a valid email address")
	}
	return email
}

func validateName(v *validator, field, name string) string {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		v.add(field, field+" is required")
	case utf8.RuneCountInString(name) > 255:
		v.add(field, field+" must be at most 255 characters")
	}
	return name
}

func validateTimezone(v *validator, field, tz string) {
	if tz == "" || tz == "Local" {
		v.add(field, field+" must be an IANA timezone such as America/New_York")
		return
	}
	if _, err := time.LoadLocation(tz); err != nil {
		v.add(field, field+" must be an IANA timezone such as America/New_York")
	}
}

// RegisterInput is a sign-up.
type RegisterInput struct {
	Email, Password, Name string
	Timezone              string // optional; the browser's zone on the sign-up page
	IP                    string
	WithTokens            bool
}

// Register creates an account and emails a verification link. It creates no organization.
func (s *Store) Register(ctx context.Context, in RegisterInput) (*Session, error) {
	var v validator
	in.Email = normalizeEmail(&v, "email", in.Email)
	validatePassword(&v, "password", in.Password)
	in.Name = validateName(&v, "name", in.Name)
	if in.Timezone != "" {
		if _, err := time.LoadLocation(in.Timezone); err != nil || in.Timezone == "Local" {
			in.Timezone = ""
		}
	}
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.limitAuthByIP(ctx, "register", in.IP); err != nil {
		return nil, err
	}
	hash, err := s.hasher.hash(in.Password)
	if err != nil {
		return nil, err
	}
	var out *Session
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		var u User
		err := tx.GetContext(ctx, &u, `
			INSERT INTO users (email, name, password_hash, timezone) VALUES ($1, $2, $3, $4)
			RETURNING `+userColumns, in.Email, in.Name, hash, in.Timezone)
		if isUniqueViolation(err, "users_email_key") {
			return conflict("email is already registered")
		}
		if err != nil {
			return err
		}
		// Invitations sent to this address before the account existed now belong to it.
		if _, err := tx.ExecContext(ctx, `UPDATE members SET user_id = $1 WHERE user_id IS NULL AND lower(email) = lower($2)`, u.ID, u.Email); err != nil {
			return err
		}
		if err := s.sendVerification(ctx, tx, u); err != nil {
			return err
		}
		out = &Session{User: s.presentUser(ctx, u)}
		if in.WithTokens {
			out.Tokens, err = s.issueTokens(ctx, tx, u.ID)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	return out, nil
}

func (s *Store) sendVerification(ctx context.Context, tx *sqlx.Tx, u User) error {
	token, err := s.createOneTimeToken(ctx, tx, "verify_email", &u.ID, nil, verifyEmailTTL)
	if err != nil {
		return err
	}
	msg, err := trmail.VerifyEmail(u.Email, u.Name, s.link("/verify-email", token))
	if err != nil {
		return err
	}
	return enqueueEmail(ctx, tx, nil, msg)
}

// ResendVerification emails a fresh verification link to a user whose address is not verified yet.
func (s *Store) ResendVerification(ctx context.Context, userID string) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		u, err := getUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.EmailVerifiedAt != nil {
			return nil
		}
		return s.sendVerification(ctx, tx, u)
	})
}

// link builds an absolute link to the app carrying a token.
func (s *Store) link(path, token string) string {
	return s.pageURL(path) + "?token=" + token
}

// pageURL is the absolute URL of a page of the app.
func (s *Store) pageURL(path string) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + path
}

// LoginInput is a sign-in attempt.
type LoginInput struct {
	Email, Password, IP string
	WithTokens          bool
	// Device is the device token the browser presented (a cookie), if any: a browser that signed in to the account
	// before passes the account lock with the right password. RememberDevice asks for one on success.
	Device         string
	RememberDevice bool
}

// Failed logins allowed per account in loginFailureWindow, whatever the IP.
const (
	maxLoginFailures   = 10
	loginFailureWindow = 15 * time.Minute
)

var errBadCredentials = unauthorized("invalid email or password")

// Login checks a password. Unknown emails and wrong passwords get the same answer in the same time. After
// maxLoginFailures failures in loginFailureWindow the account is locked, except for a browser that signed in to it
// before (its own failures are limited separately), so guesses from elsewhere cannot keep the owner out.
func (s *Store) Login(ctx context.Context, in LoginInput) (*Session, error) {
	var v validator
	in.Email = strings.TrimSpace(in.Email)
	v.check(in.Email != "", "email", "email is required")
	v.check(in.Password != "", "password", "password is required")
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := s.limitAuthByIP(ctx, "login", in.IP); err != nil {
		return nil, err
	}
	var u User
	err := s.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, in.Email)
	found := err == nil
	if err != nil && !errors.Is(notFoundIfNoRows(err, ""), ErrNotFound) {
		return nil, err
	}
	knownDevice := false
	if found && in.Device != "" {
		if knownDevice, err = s.isLoginDevice(ctx, u.ID, in.Device); err != nil {
			return nil, err
		}
	}
	failures, err := s.checkLoginLock(ctx, in.Email, knownDevice, in.Device)
	if err != nil {
		return nil, err
	}
	hash := dummyHash
	if found {
		hash = u.PasswordHash
	}
	ok, err := verifyPassword(hash, in.Password)
	if err != nil {
		return nil, err
	}
	if !found || !ok {
		if err := s.recordLoginFailure(ctx, in.Email, failures); err != nil {
			return nil, err
		}
		return nil, errBadCredentials
	}
	out := &Session{User: s.presentUser(ctx, u)}
	if in.RememberDevice {
		if out.Device, err = s.rememberLoginDevice(ctx, u.ID, in.Device, knownDevice); err != nil {
			return nil, err
		}
	}
	if in.WithTokens {
		err = s.withTx(ctx, func(tx *sqlx.Tx) error {
			out.Tokens, err = s.issueTokens(ctx, tx, u.ID)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkLoginLock refuses a password check on a locked account and returns the failures counted so far. A known
// device is not held by the account lock, only by its own limit: maxLoginFailures attempts per window while the
// account is locked.
func (s *Store) checkLoginLock(ctx context.Context, email string, knownDevice bool, device string) (int, error) {
	var failures struct {
		Count  int        `db:"count"`
		Oldest *time.Time `db:"oldest"`
	}
	err := s.db.GetContext(ctx, &failures, `
		SELECT count(*) AS count, min(created_at) AS oldest FROM login_failures
		WHERE lower(email) = lower($1) AND created_at > $2`, email, s.now().Add(-loginFailureWindow))
	if err != nil {
		return 0, err
	}
	if failures.Count < maxLoginFailures {
		return failures.Count, nil
	}
	if knownDevice {
		return failures.Count, s.allow(ctx, "login-device:"+hex.EncodeToString(hashToken(device)), maxLoginFailures, loginFailureWindow)
	}
	return failures.Count, rateLimited(failures.Oldest.Add(loginFailureWindow).Sub(s.now()), "")
}

// recordLoginFailure counts a wrong password against the account; the failure that locks it queues an email to the
// account's owner (queued, so that an unknown address takes the same time).
func (s *Store) recordLoginFailure(ctx context.Context, email string, before int) error {
	if len(email) > 254 {
		return nil
	}
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (email, created_at) VALUES ($1, $2)`, email, s.now()); err != nil {
			return err
		}
		if before+1 != maxLoginFailures {
			return nil
		}
		return s.queueAuthMail(ctx, tx, authMailLoginLocked, email)
	})
}

// ForgotPassword queues a reset email. The answer never says whether the account exists, and takes the same time
// either way: the request writes one queue row; the worker (RunAuthMail) looks the account up and writes the email.
func (s *Store) ForgotPassword(ctx context.Context, email, ip string) error {
	var v validator
	email = normalizeEmail(&v, "email", email)
	if err := v.err(); err != nil {
		return err
	}
	if err := s.limitAuthByIP(ctx, "forgot", ip); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		return s.queueAuthMail(ctx, tx, authMailResetPassword, email)
	})
}

// sendPasswordReset writes the reset email of the account with this address, if there is one.
func (s *Store) sendPasswordReset(ctx context.Context, tx *sqlx.Tx, email string) error {
	var u User
	err := tx.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, email)
	if errors.Is(notFoundIfNoRows(err, ""), ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	// Only the newest link works.
	if _, err := tx.ExecContext(ctx, `
		UPDATE one_time_tokens SET used_at = now() WHERE user_id = $1 AND kind = 'reset_password' AND used_at IS NULL`, u.ID); err != nil {
		return err
	}
	token, err := s.createOneTimeToken(ctx, tx, "reset_password", &u.ID, nil, resetPasswordTTL)
	if err != nil {
		return err
	}
	msg, err := trmail.PasswordReset(u.Email, u.Name, s.link("/reset-password", token))
	if err != nil {
		return err
	}
	return enqueueEmail(ctx, tx, nil, msg)
}

// ResetPassword sets a new password with a reset token and signs the user out everywhere: refresh tokens are
// revoked and the session version moves on, so every browser session ends.
func (s *Store) ResetPassword(ctx context.Context, token, password string) (User, error) {
	var v validator
	v.check(token != "", "token", "token is required")
	validatePassword(&v, "password", password)
	if err := v.err(); err != nil {
		return User{}, err
	}
	hash, err := s.hasher.hash(password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		t, err := s.useOneTimeToken(ctx, tx, "reset_password", token)
		if err != nil {
			return err
		}
		// Following the emailed link proves the address, so it counts as verified too.
		err = tx.GetContext(ctx, &u, `
			UPDATE users SET password_hash = $2, email_verified_at = coalesce(email_verified_at, now()),
				session_version = session_version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+userColumns, *t.UserID, hash)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, u.ID)
		return err
	})
	if err != nil {
		return User{}, err
	}
	return s.presentUser(ctx, u), nil
}

// VerifyEmail marks the address of the token's user as verified.
func (s *Store) VerifyEmail(ctx context.Context, token string) (User, error) {
	var u User
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		t, err := s.useOneTimeToken(ctx, tx, "verify_email", token)
		if err != nil {
			return err
		}
		return tx.GetContext(ctx, &u, `
			UPDATE users SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now()
			WHERE id = $1 RETURNING `+userColumns, *t.UserID)
	})
	if err != nil {
		return User{}, err
	}
	return s.presentUser(ctx, u), nil
}

// ProfileInput changes a user's own profile; nil fields stay as they are.
type ProfileInput struct {
	Name     *string
	Timezone *string
}

// UpdateProfile changes the caller's name or timezone.
func (s *Store) UpdateProfile(ctx context.Context, userID string, in ProfileInput) (User, error) {
	var v validator
	if in.Name != nil {
		n := validateName(&v, "name", *in.Name)
		in.Name = &n
	}
	if in.Timezone != nil {
		validateTimezone(&v, "timezone", *in.Timezone)
	}
	if err := v.err(); err != nil {
		return User{}, err
	}
	var u User
	err := s.db.GetContext(ctx, &u, `
		UPDATE users SET name = coalesce($2, name), timezone = coalesce($3, timezone), updated_at = now()
		WHERE id = $1 RETURNING `+userColumns, userID, in.Name, in.Timezone)
	s.auth.forget() // not a withTx: the cached profile must not outlive the change in this process
	if err != nil {
		return u, notFoundIfNoRows(err, "user")
	}
	return s.presentUser(ctx, u), nil
}

// ChangePassword replaces the caller's password after checking the current one. Other logins are signed out:
// refresh tokens are revoked and the session version moves on (the caller's own page session renews itself).
// Wrong current passwords count with failed logins, so the form cannot be used to guess.
func (s *Store) ChangePassword(ctx context.Context, userID, current, next string) (User, error) {
	var v validator
	v.check(current != "", "current_password", "current_password is required")
	validatePassword(&v, "new_password", next)
	if err := v.err(); err != nil {
		return User{}, err
	}
	u, err := getUser(ctx, s.db, userID)
	if err != nil {
		return User{}, err
	}
	failures, err := s.checkLoginLock(ctx, u.Email, false, "")
	if err != nil {
		return User{}, err
	}
	ok, err := verifyPassword(u.PasswordHash, current)
	if err != nil {
		return User{}, err
	}
	if !ok {
		if err := s.recordLoginFailure(ctx, u.Email, failures); err != nil {
			return User{}, err
		}
		return User{}, Invalid("current_password", "current_password is incorrect")
	}
	hash, err := s.hasher.hash(next)
	if err != nil {
		return User{}, err
	}
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &u, `
			UPDATE users SET password_hash = $2, session_version = session_version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+userColumns, userID, hash); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, userID)
		return err
	})
	if err != nil {
		return User{}, err
	}
	return s.presentUser(ctx, u), nil
}

// Image limits for avatars and logos.
const (
	imageMaxBytes = 5 << 20
	imageMaxDim   = 512
)

// SetAvatar stores a new avatar image, resized, and returns the updated user.
func (s *Store) SetAvatar(ctx context.Context, userID string, r io.Reader) (User, error) {
	key, err := s.putImage(ctx, "avatars", r)
	if err != nil {
		return User{}, err
	}
	var old *string
	var u User
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &old, `SELECT avatar_key FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
			return notFoundIfNoRows(err, "user")
		}
		return tx.GetContext(ctx, &u, `UPDATE users SET avatar_key = $2, updated_at = now() WHERE id = $1 RETURNING `+userColumns, userID, key)
	})
	if err != nil {
		s.deleteBlob(key)
		return User{}, err
	}
	if old != nil {
		s.deleteBlob(*old)
	}
	return s.presentUser(ctx, u), nil
}

// RemoveAvatar deletes the caller's avatar.
func (s *Store) RemoveAvatar(ctx context.Context, userID string) (User, error) {
	var old *string
	var u User
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &old, `SELECT avatar_key FROM users WHERE id = $1 FOR UPDATE`, userID); err != nil {
			return notFoundIfNoRows(err, "user")
		}
		return tx.GetContext(ctx, &u, `UPDATE users SET avatar_key = NULL, updated_at = now() WHERE id = $1 RETURNING `+userColumns, userID)
	})
	if err != nil {
		return User{}, err
	}
	if old != nil {
		s.deleteBlob(*old)
	}
	return s.presentUser(ctx, u), nil
}

// userLocation is the user's timezone, for calendar-day filters.
func (s *Store) userLocation(ctx context.Context, userID string) (*time.Location, error) {
	var tz string
	if err := s.db.GetContext(ctx, &tz, `SELECT timezone FROM users WHERE id = $1`, userID); err != nil {
		return nil, notFoundIfNoRows(err, "user")
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return time.UTC, nil
	}
	return loc, nil
}

var _ = uuid.NewString
