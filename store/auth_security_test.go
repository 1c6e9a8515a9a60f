package store_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
)

// TestForgotPassword_SameWorkWhetherOrNotTheAccountExists: the request only queues one row either way, so its
// timing tells nothing; the worker writes the reset email for an existing account only.
func TestForgotPassword_SameWorkWhetherOrNotTheAccountExists(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, store.RegisterInput{Email: "real@example.com", Password: "secret123", Name: "Real"}); err != nil {
		t.Fatal(err)
	}
	count := func(query string) int {
		t.Helper()
		var n int
		if err := db.Get(&n, query); err != nil {
			t.Fatal(err)
		}
		return n
	}
	emailsBefore := count(`SELECT count(*) FROM email_outbox`)
	tokensBefore := count(`SELECT count(*) FROM one_time_tokens`)
	for _, addr := range []string{"real@example.com", "ghost@example.com"} {
		if err := s.ForgotPassword(ctx, addr, ""); err != nil {
			t.Fatal(err)
		}
	}
	if q, e, tk := count(`SELECT count(*) FROM auth_mail_requests`), count(`SELECT count(*) FROM email_outbox`), count(`SELECT count(*) FROM one_time_tokens`); q != 2 || e != emailsBefore || tk != tokensBefore {
		t.Fatalf("the requests did more than queue: %d queued, %d emails (was %d), %d tokens (was %d)", q, e, emailsBefore, tk, tokensBefore)
	}
	if n, err := s.ProcessAuthMail(ctx); err != nil || n != 2 {
		t.Fatalf("processed %d, %v", n, err)
	}
	if n := count(`SELECT count(*) FROM email_outbox WHERE 'real@example.com' = ANY(to_addresses) AND subject = 'Reset your TRCR password'`); n != 1 {
		t.Fatalf("reset emails to the account: %d", n)
	}
	if n := count(`SELECT count(*) FROM email_outbox WHERE 'ghost@example.com' = ANY(to_addresses)`); n != 0 {
		t.Fatalf("emails to an unknown address: %d", n)
	}
	if n := count(`SELECT count(*) FROM auth_mail_requests`); n != 0 {
		t.Fatalf("requests left in the queue: %d", n)
	}
}

// TestLogin_LockPassesKnownDevicesAndEmailsTheOwner: ten wrong passwords from anywhere lock the account, but a
// browser that signed in before still gets in with the right password; the owner hears about the lock once.
func TestLogin_LockPassesKnownDevicesAndEmailsTheOwner(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	if _, err := s.Register(ctx, store.RegisterInput{Email: "owner@example.com", Password: "secret123", Name: "Olga"}); err != nil {
		t.Fatal(err)
	}
	first, err := s.Login(ctx, store.LoginInput{Email: "owner@example.com", Password: "secret123", RememberDevice: true})
	if err != nil || first.Device == "" {
		t.Fatalf("first login: %v, device %q", err, first.Device)
	}
	for i := 0; i < 12; i++ {
		_, err := s.Login(ctx, store.LoginInput{Email: "owner@example.com", Password: "wrong password"})
		var limited *store.Error
		if i < 10 && !errors.Is(err, store.ErrUnauthorized) || i >= 10 && !asKind(err, store.ErrRateLimited, &limited) {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	var limited *store.Error
	if _, err := s.Login(ctx, store.LoginInput{Email: "owner@example.com", Password: "secret123"}); !asKind(err, store.ErrRateLimited, &limited) {
		t.Fatalf("a new browser with the right password got through a locked account: %v", err)
	}
	if _, err := s.Login(ctx, store.LoginInput{Email: "owner@example.com", Password: "secret123", Device: "made-up-device-token"}); !asKind(err, store.ErrRateLimited, &limited) {
		t.Fatalf("an unknown device token got through: %v", err)
	}
	again, err := s.Login(ctx, store.LoginInput{Email: "owner@example.com", Password: "secret123", Device: first.Device, RememberDevice: true})
	if err != nil || again.Device != first.Device {
		t.Fatalf("the known browser was kept out: %v (device %q)", err, again.Device)
	}
	// The known browser's own attempts are limited too: ten while the account is locked, the sign-in above included.
	for i := 0; i < 10; i++ {
		_, err := s.Login(ctx, store.LoginInput{Email: "owner@example.com", Password: "wrong password", Device: first.Device})
		if i < 9 && !errors.Is(err, store.ErrUnauthorized) || i == 9 && !asKind(err, store.ErrRateLimited, &limited) {
			t.Fatalf("known device, wrong guess %d: %v", i+1, err)
		}
	}
	if _, err := s.ProcessAuthMail(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM email_outbox WHERE 'owner@example.com' = ANY(to_addresses) AND subject LIKE 'Sign-ins to your TRCR account were paused'`); err != nil || n != 1 {
		t.Fatalf("lock emails: %d %v", n, err)
	}
}

// TestChangePassword_WrongCurrentPasswordsCountAsFailedLogins: the profile form cannot be used to guess.
func TestChangePassword_WrongCurrentPasswordsCountAsFailedLogins(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	reg, err := s.Register(ctx, store.RegisterInput{Email: "guessed@example.com", Password: "secret123", Name: "G"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		var v *store.Error
		if _, err := s.ChangePassword(ctx, reg.User.ID, "guess number "+strings.Repeat("x", i), "new password 1"); !asKind(err, store.ErrInvalid, &v) {
			t.Fatalf("guess %d: %v", i+1, err)
		}
	}
	var limited *store.Error
	if _, err := s.ChangePassword(ctx, reg.User.ID, "secret123", "new password 1"); !asKind(err, store.ErrRateLimited, &limited) {
		t.Fatalf("eleventh try, right password: %v, want a rate limit", err)
	}
	if _, err := s.Login(ctx, store.LoginInput{Email: "guessed@example.com", Password: "secret123"}); !asKind(err, store.ErrRateLimited, &limited) {
		t.Fatalf("login after ten wrong current passwords: %v, want a rate limit", err)
	}
}

// TestPasswordChange_MovesTheSessionVersionOn: web sessions signed in with the old version end.
func TestPasswordChange_MovesTheSessionVersionOn(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	reg, err := s.Register(ctx, store.RegisterInput{Email: "v@example.com", Password: "secret123", Name: "V"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.ChangePassword(ctx, reg.User.ID, "secret123", "another secret")
	if err != nil || u.SessionVersion != reg.User.SessionVersion+1 {
		t.Fatalf("after a change: version %d (was %d), %v", u.SessionVersion, reg.User.SessionVersion, err)
	}
	if got, _ := s.User(ctx, u.ID); got.SessionVersion != u.SessionVersion {
		t.Fatalf("stored version %d, want %d", got.SessionVersion, u.SessionVersion)
	}
}

// TestAuthRateLimit_CountsIPv6ByItsSlash64: rotating addresses inside one /64 does not buy more attempts.
func TestAuthRateLimit_CountsIPv6ByItsSlash64(t *testing.T) {
	t.Parallel()
	_, db := newStore(t)
	s := store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32)), AuthRateLimit: 2},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	try := func(ip string) error {
		_, err := s.Login(ctx, store.LoginInput{Email: "nobody@example.com", Password: "whatever1", IP: ip})
		return err
	}
	var limited *store.Error
	for _, ip := range []string{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9"} {
		if err := try(ip); asKind(err, store.ErrRateLimited, &limited) {
			t.Fatalf("%s limited too early", ip)
		}
	}
	if err := try("2001:db8:1:2:abcd::1"); !asKind(err, store.ErrRateLimited, &limited) {
		t.Fatalf("third address of the same /64: %v, want a rate limit", err)
	}
	if err := try("2001:db8:1:3::1"); asKind(err, store.ErrRateLimited, &limited) {
		t.Fatalf("another /64 was limited: %v", err)
	}
	if err := try("192.0.2.10"); asKind(err, store.ErrRateLimited, &limited) {
		t.Fatalf("an IPv4 address was limited: %v", err)
	}
}
