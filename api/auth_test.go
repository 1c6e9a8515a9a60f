package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/trcr/trcr/store"
)

func TestRegister(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.must(201, req{method: "POST", path: "/auth/register", body: map[string]string{"email": "Jane@Example.com", "password": "secret123", "name": "Jane Doe"}})
	if r.str("token_type") != "Bearer" || r.str("access_token") == "" || r.str("refresh_token") == "" || r.json["expires_in"].(float64) != 900 {
		t.Fatalf("tokens: %s", r.raw)
	}
	u := r.json["user"].(map[string]any)
	if u["email"] != "Jane@Example.com" || u["name"] != "Jane Doe" || u["email_verified"] != false || u["timezone"] != "UTC" {
		t.Fatalf("user: %v", u)
	}
	if _, leaked := u["password_hash"]; leaked {
		t.Fatal("password hash in the answer")
	}
	mail := e.lastEmailTo("Jane@Example.com")
	if !strings.Contains(mail.Text, "http://trcr.test/verify-email?token=") {
		t.Fatalf("verification email: %q", mail.Text)
	}
	// The access token works, and registering created no organization.
	e.must(200, req{method: "GET", path: "/users/me", token: r.str("access_token")})
	if got := e.must(200, req{method: "GET", path: "/organizations", token: r.str("access_token")}).data(); len(got) != 0 {
		t.Fatalf("organizations after register: %v", got)
	}
	e.must(400, req{method: "GET", path: "/members", token: r.str("access_token")})
}

func TestRegister_Invalid(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.register("Taken Person")
	cases := []struct {
		name   string
		body   any
		status int
		field  string
		msg    string
	}{
		{"missing email", map[string]string{"password": "secret123", "name": "A"}, 400, "email", "email is required"},
		{"bad email", map[string]string{"email": "nope", "password": "secret123", "name": "A"}, 400, "email", "email must be a valid email address"},
		{"short password", map[string]string{"email": "a@b.co", "password": "short", "name": "A"}, 400, "password", "password must be at least 8 characters"},
		{"missing name", map[string]string{"email": "a@b.co", "password": "secret123"}, 400, "name", "name is required"},
		{"wrong type", `{"email": 5, "password": "secret123", "name": "A"}`, 400, "email", ""},
		{"malformed", `{"email": `, 400, "", ""},
		{"taken, any case", map[string]string{"email": "TAKEN.person@example.com", "password": "secret123", "name": "A"}, 409, "", "email is already registered"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.must(c.status, req{method: "POST", path: "/auth/register", body: c.body})
			if c.msg != "" && r.errMessage() != c.msg {
				t.Errorf("message %q, want %q", r.errMessage(), c.msg)
			}
			if c.field != "" {
				fields, _ := r.json["error"].(map[string]any)["fields"].(map[string]any)
				if _, ok := fields[c.field]; !ok {
					t.Errorf("fields %v lack %s", fields, c.field)
				}
			}
		})
	}
	var n int
	if err := e.db.Get(&n, `SELECT count(*) FROM users`); err != nil || n != 1 {
		t.Fatalf("users after invalid registrations: %d %v", n, err)
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Login User")
	r := e.must(200, req{method: "POST", path: "/auth/login", body: map[string]string{"email": strings.ToUpper(u.email), "password": u.password}})
	if r.str("access_token") == "" || r.json["user"].(map[string]any)["id"] != u.id {
		t.Fatalf("login: %s", r.raw)
	}
	wrong := e.must(401, req{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email, "password": "wrong password"}})
	unknown := e.must(401, req{method: "POST", path: "/auth/login", body: map[string]string{"email": "nobody@example.com", "password": "wrong password"}})
	if string(wrong.raw) != string(unknown.raw) {
		t.Fatalf("unknown and known emails answer differently: %s vs %s", wrong.raw, unknown.raw)
	}
	e.must(400, req{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email}})
	e.must(400, req{method: "POST", path: "/auth/login", body: "[1,2"})
}

func TestLogin_AccountLockedAfterTenFailuresWhateverTheIP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Locked User")
	for i := 0; i < 10; i++ {
		e.must(401, req{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email, "password": "bad guess"},
			headers: map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i)}})
	}
	r := e.must(429, req{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email, "password": u.password},
		headers: map[string]string{"X-Forwarded-For": "203.0.113.9"}})
	if r.header.Get("Retry-After") == "" || r.errCode() != "rate_limited" {
		t.Fatalf("429 without Retry-After: %v %s", r.header, r.raw)
	}
	// Another account is not affected.
	v := e.register("Free User")
	e.must(200, req{method: "POST", path: "/auth/login", body: map[string]string{"email": v.email, "password": v.password}})
}

func TestAuthRateLimitPerIP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withAuthRateLimit(3))
	// One fixed window for the whole test: one that crossed a minute boundary would start its count again.
	now := time.Now()
	e.store.SetClock(func() time.Time { return now })
	ip := map[string]string{"X-Forwarded-For": "192.0.2.7"}
	for _, path := range []string{"/auth/login", "/auth/forgot-password", "/auth/register"} {
		t.Run(path, func(t *testing.T) {
			body := map[string]string{"email": "x@example.com", "password": "whatever1", "name": "X"}
			for i := 0; i < 3; i++ {
				if r := e.do(req{method: "POST", path: path, body: body, headers: ip}); r.status == 429 {
					t.Fatalf("limited after %d requests", i)
				}
				body["email"] = fmt.Sprintf("x%d@example.com", i)
			}
			r := e.must(429, req{method: "POST", path: path, body: body, headers: ip})
			if r.header.Get("Retry-After") == "" {
				t.Fatal("no Retry-After")
			}
			// Another IP still gets through.
			if r := e.do(req{method: "POST", path: path, body: body, headers: map[string]string{"X-Forwarded-For": "192.0.2.8"}}); r.status == 429 {
				t.Fatal("other IP limited")
			}
		})
	}
}

func TestRefresh_RotatesAndReuseRevokesFamily(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Refresh User")
	r1 := e.must(200, req{method: "POST", path: "/auth/refresh", body: map[string]string{"refresh_token": u.refresh}})
	next := r1.str("refresh_token")
	if next == "" || next == u.refresh {
		t.Fatalf("not rotated: %s", r1.raw)
	}
	e.must(200, req{method: "GET", path: "/users/me", token: r1.str("access_token")})
	// Replaying the first token revokes the family: the rotated one stops working too.
	e.must(401, req{method: "POST", path: "/auth/refresh", body: map[string]string{"refresh_token": u.refresh}})
	e.must(401, req{method: "POST", path: "/auth/refresh", body: map[string]string{"refresh_token": next}})
	e.must(401, req{method: "POST", path: "/auth/refresh", body: map[string]string{"refresh_token": "garbage"}})
	e.must(400, req{method: "POST", path: "/auth/refresh", body: map[string]string{}})
	// Another login is another family and still works.
	l := e.must(200, req{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email, "password": u.password}})
	e.must(200, req{method: "POST", path: "/auth/refresh", body: map[string]string{"refresh_token": l.str("refresh_token")}})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Logout User")
	e.must(401, req{method: "POST", path: "/auth/logout", body: map[string]string{"refresh_token": u.refresh}})
	e.must(400, req{method: "POST", path: "/auth/logout", token: u.token, body: map[string]string{}})
	e.must(204, req{method: "POST", path: "/auth/logout", token: u.token, body: map[string]string{"refresh_token": u.refresh}})
	e.must(401, req{method: "POST", path: "/auth/refresh", body: map[string]string{"refresh_token": u.refresh}})
	// Logging out twice is fine.
	e.must(204, req{method: "POST", path: "/auth/logout", token: u.token, body: map[string]string{"refresh_token": u.refresh}})
}

func TestBadAccessTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Token User")
	key := store.DeriveKey(testSecret, "access-token")
	sign := func(method jwt.SigningMethod, k any, claims jwt.RegisteredClaims) string {
		s, err := jwt.NewWithClaims(method, claims).SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	now := time.Now()
	valid := jwt.RegisteredClaims{Issuer: "trcr", Subject: u.id, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute))}
	expired := valid
	expired.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute))
	noExp := valid
	noExp.ExpiresAt = nil
	otherSubject := valid
	otherSubject.Subject = otherOrgID
	e.must(200, req{method: "GET", path: "/users/me", token: sign(jwt.SigningMethodHS256, key, valid)})
	cases := map[string]string{
		"expired":         sign(jwt.SigningMethodHS256, key, expired),
		"wrong key":       sign(jwt.SigningMethodHS256, []byte("another key entirely, 32 bytes!!"), valid),
		"alg none":        sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid),
		"alg HS512":       sign(jwt.SigningMethodHS512, key, valid),
		"no expiry":       sign(jwt.SigningMethodHS256, key, noExp),
		"unknown subject": sign(jwt.SigningMethodHS256, key, otherSubject),
		"garbage":         "not.a.jwt",
		"refresh token":   u.refresh,
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			r := e.must(401, req{method: "GET", path: "/users/me", token: tok})
			if r.errCode() != "unauthorized" {
				t.Fatalf("body %s", r.raw)
			}
		})
	}
	e.must(401, req{method: "GET", path: "/users/me"})
	e.must(401, req{method: "GET", path: "/users/me", headers: map[string]string{"Authorization": "Basic abc"}})
}

func TestVerifyEmail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Verify User")
	tok := tokenFrom(t, e.lastEmailTo(u.email))
	e.must(400, req{method: "POST", path: "/auth/verify-email", body: map[string]string{}})
	e.must(400, req{method: "POST", path: "/auth/verify-email", body: map[string]string{"token": "nope"}})
	r := e.must(200, req{method: "POST", path: "/auth/verify-email", body: map[string]string{"token": tok}})
	if r.json["email_verified"] != true {
		t.Fatalf("not verified: %s", r.raw)
	}
	// Single use.
	e.must(400, req{method: "POST", path: "/auth/verify-email", body: map[string]string{"token": tok}})
}

func TestForgotAndResetPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Reset User")
	known := e.must(200, req{method: "POST", path: "/auth/forgot-password", body: map[string]string{"email": u.email}})
	unknown := e.must(200, req{method: "POST", path: "/auth/forgot-password", body: map[string]string{"email": "ghost@example.com"}})
	if string(known.raw) != string(unknown.raw) {
		t.Fatalf("answers differ: %s vs %s", known.raw, unknown.raw)
	}
	e.must(400, req{method: "POST", path: "/auth/forgot-password", body: map[string]string{"email": "not an email"}})
	mail := e.lastEmailTo(u.email)
	if !strings.Contains(mail.Text, "/reset-password?token=") {
		t.Fatalf("reset email: %q", mail.Text)
	}
	tok := tokenFrom(t, mail)
	e.must(400, req{method: "POST", path: "/auth/reset-password", body: map[string]string{"token": tok, "password": "short"}})
	e.must(400, req{method: "POST", path: "/auth/reset-password", body: map[string]string{"token": "wrong", "password": "brand new password"}})
	e.must(200, req{method: "POST", path: "/auth/reset-password", body: map[string]string{"token": tok, "password": "brand new password"}})
	e.must(400, req{method: "POST", path: "/auth/reset-password", body: map[string]string{"token": tok, "password": "another new password"}})
	// Old refresh tokens are revoked; the new password works, the old one does not.
	e.must(401, req{method: "POST", path: "/auth/refresh", body: map[string]string{"refresh_token": u.refresh}})
	e.must(401, req{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email, "password": u.password}})
	e.must(200, req{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email, "password": "brand new password"}})
}

func TestResetToken_Expires(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Slow Reset")
	e.must(200, req{method: "POST", path: "/auth/forgot-password", body: map[string]string{"email": u.email}})
	tok := tokenFrom(t, e.lastEmailTo(u.email))
	e.store.SetClock(func() time.Time { return time.Now().Add(61 * time.Minute) })
	e.must(400, req{method: "POST", path: "/auth/reset-password", body: map[string]string{"token": tok, "password": "brand new password"}})
}
