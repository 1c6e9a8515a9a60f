package api_test

import (
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestConventions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Convention User")
	e.echo.GET("/api/v1/boom", func(c echo.Context) error { panic("secret internals: db password is hunter2") })

	t.Run("panic answers a JSON 500 without internals", func(t *testing.T) {
		r := e.must(500, req{method: "GET", path: "/boom"})
		if r.errCode() != "internal_error" || strings.Contains(string(r.raw), "hunter2") {
			t.Fatalf("body %s", r.raw)
		}
	})
	t.Run("unknown route is a JSON 404", func(t *testing.T) {
		if r := e.must(404, req{method: "GET", path: "/nothing-here", token: u.token}); r.errCode() != "not_found" {
			t.Fatalf("body %s", r.raw)
		}
	})
	t.Run("wrong method", func(t *testing.T) {
		e.must(405, req{method: "PATCH", path: "/users/me", token: u.token})
	})
	t.Run("body over 1 MB is 413", func(t *testing.T) {
		big := `{"name": "` + strings.Repeat("a", 1<<20) + `"}`
		if r := e.must(413, req{method: "PUT", path: "/users/me", token: u.token, body: big}); r.errCode() != "payload_too_large" {
			t.Fatalf("body %s", r.raw)
		}
	})
	t.Run("malformed JSON is 400", func(t *testing.T) {
		for _, b := range []string{`{`, `[]`, `"x"`, `{"name": "a"} trailing`} {
			if r := e.do(req{method: "PUT", path: "/users/me", token: u.token, body: b}); r.status != 400 {
				t.Errorf("%q: %d %s", b, r.status, r.raw)
			}
		}
	})
	t.Run("unknown fields are ignored", func(t *testing.T) {
		e.must(200, req{method: "PUT", path: "/users/me", token: u.token, body: `{"name": "Still Me", "favourite_color": "green"}`})
	})
	t.Run("no organization is 400 no_organization", func(t *testing.T) {
		if r := e.must(400, req{method: "GET", path: "/members", token: u.token}); r.errCode() != "no_organization" {
			t.Fatalf("body %s", r.raw)
		}
	})
	t.Run("error body shape", func(t *testing.T) {
		r := e.must(400, req{method: "PUT", path: "/users/me", token: u.token, body: `{"timezone": "Nope"}`})
		errObj := r.json["error"].(map[string]any)
		if errObj["code"] != "validation_failed" || errObj["message"] == "" || errObj["fields"].(map[string]any)["timezone"] == nil {
			t.Fatalf("body %s", r.raw)
		}
	})
}
