package api_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"os"
	"strings"
	"testing"
)

func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// multipartBody builds a form with one file field; declaredType is what the client claims.
func multipartBody(t *testing.T, field, filename, declaredType string, data []byte) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="` + field + `"; filename="` + filename + `"`}
	h["Content-Type"] = []string{declaredType}
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	return w.FormDataContentType(), b.Bytes()
}

func TestMe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Profile User")
	r := e.must(200, req{method: "GET", path: "/users/me", token: u.token})
	if r.str("id") != u.id || r.str("email") != u.email || r.json["avatar_url"] != nil {
		t.Fatalf("me: %s", r.raw)
	}
	r = e.must(200, req{method: "PUT", path: "/users/me", token: u.token, body: map[string]string{"name": "Jane Smith", "timezone": "America/New_York"}})
	if r.str("name") != "Jane Smith" || r.str("timezone") != "America/New_York" {
		t.Fatalf("update: %s", r.raw)
	}
	for _, bad := range []map[string]any{{"timezone": "Mars/Olympus"}, {"timezone": "Local"}, {"name": ""}, {"name": strings.Repeat("x", 256)}} {
		e.must(400, req{method: "PUT", path: "/users/me", token: u.token, body: bad})
	}
	e.must(400, req{method: "PUT", path: "/users/me", token: u.token, body: map[string]any{"name": 42}})
	if r := e.must(200, req{method: "GET", path: "/users/me", token: u.token}); r.str("name") != "Jane Smith" || r.str("timezone") != "America/New_York" {
		t.Fatalf("invalid update changed the profile: %s", r.raw)
	}
	e.must(401, req{method: "PUT", path: "/users/me", body: map[string]string{"name": "x"}})
}

func TestAvatar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Avatar User")
	ct, body := multipartBody(t, "file", "me.png", "image/png", pngImage(t, 1200, 600))
	r := e.must(200, req{method: "POST", path: "/users/me/avatar/upload", token: u.token, body: body, contentType: ct})
	url, _ := r.json["avatar_url"].(string)
	if url == "" {
		t.Fatalf("no avatar_url: %s", r.raw)
	}
	res, err := e.http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("fetch avatar: %d %v", res.StatusCode, err)
	}
	if b := img.Bounds(); b.Dx() != 512 || b.Dy() != 256 {
		t.Fatalf("avatar not resized: %v", b)
	}
	// A text file that claims to be a PNG is refused by its content.
	ct, body = multipartBody(t, "file", "evil.png", "image/png", []byte("<html><script>alert(1)</script></html>"))
	e.must(415, req{method: "POST", path: "/users/me/avatar/upload", token: u.token, body: body, contentType: ct})
	// Over 5 MB.
	ct, body = multipartBody(t, "file", "big.png", "image/png", bytes.Repeat([]byte{0x89}, 6<<20))
	e.must(413, req{method: "POST", path: "/users/me/avatar/upload", token: u.token, body: body, contentType: ct})
	// Not multipart, or no file.
	e.must(400, req{method: "POST", path: "/users/me/avatar/upload", token: u.token, body: `{}`})
	ct, body = multipartBody(t, "file", "x.png", "image/png", nil)
	e.must(400, req{method: "POST", path: "/users/me/avatar/upload", token: u.token, body: body, contentType: ct})
	e.must(401, req{method: "POST", path: "/users/me/avatar/upload", body: body, contentType: ct})
	// The failed uploads left the avatar as it was.
	if got := e.must(200, req{method: "GET", path: "/users/me", token: u.token}); got.json["avatar_url"] == nil {
		t.Fatal("avatar lost after a refused upload")
	}
	e.must(204, req{method: "DELETE", path: "/users/me/avatar", token: u.token})
	if got := e.must(200, req{method: "GET", path: "/users/me", token: u.token}); got.json["avatar_url"] != nil {
		t.Fatal("avatar still set")
	}
	res, err = e.http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Fatalf("deleted avatar still served: %d", res.StatusCode)
	}
	e.must(401, req{method: "DELETE", path: "/users/me/avatar"})
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Password User")
	e.must(400, req{method: "PUT", path: "/users/me/password", token: u.token, body: map[string]string{"current_password": "wrong one!", "new_password": "newPass456"}})
	e.must(400, req{method: "PUT", path: "/users/me/password", token: u.token, body: map[string]string{"current_password": u.password, "new_password": "short"}})
	e.must(400, req{method: "PUT", path: "/users/me/password", token: u.token, body: map[string]string{"new_password": "newPass456"}})
	e.must(401, req{method: "PUT", path: "/users/me/password", body: map[string]string{"current_password": u.password, "new_password": "newPass456"}})
	e.must(200, req{method: "PUT", path: "/users/me/password", token: u.token, body: map[string]string{"current_password": u.password, "new_password": "newPass456"}})
	e.must(401, req{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email, "password": u.password}})
	e.must(200, req{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email, "password": "newPass456"}})
}

// TestAvatar_UploadsLeaveNoTempFiles: a file over the 1 MB kept in memory is spooled while the form is parsed; the
// upload removes it before answering, accepted or not. Not parallel: it points TMPDIR at a directory of its own.
func TestAvatar_UploadsLeaveNoTempFiles(t *testing.T) {
	e := newEnv(t)
	u := e.register("Spool User")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ct, body := multipartBody(t, "file", "noise.png", "image/png", bytes.Repeat([]byte{0x89}, 3<<20))
	e.must(415, req{method: "POST", path: "/users/me/avatar/upload", token: u.token, body: body, contentType: ct})
	ct, body = multipartBody(t, "file", "big.png", "image/png", bytes.Repeat([]byte{0x89}, 7<<20))
	e.must(413, req{method: "POST", path: "/users/me/avatar/upload", token: u.token, body: body, contentType: ct})
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Fatalf("temporary files left behind: %d", len(entries))
	}
}

// TestChangePassword_GuessesAreThrottled: wrong current passwords count with failed logins (429 after ten).
func TestChangePassword_GuessesAreThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Guess Target")
	for i := 0; i < 10; i++ {
		e.must(400, req{method: "PUT", path: "/users/me/password", token: u.token, body: map[string]string{"current_password": "wrong guess", "new_password": "brand new password"}})
	}
	r := e.must(429, req{method: "PUT", path: "/users/me/password", token: u.token, body: map[string]string{"current_password": u.password, "new_password": "brand new password"}})
	if r.header.Get("Retry-After") == "" || r.errCode() != "rate_limited" {
		t.Fatalf("429 without Retry-After or code: %v %s", r.header, r.raw)
	}
	e.must(429, req{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email, "password": u.password}})
}

// TestAPI_AnswersAreNotCached: every answer is one caller's data.
func TestAPI_AnswersAreNotCached(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Cache User")
	for _, r := range []req{
		{method: "GET", path: "/users/me", token: u.token},
		{method: "GET", path: "/users/me"},
		{method: "POST", path: "/auth/login", body: map[string]string{"email": u.email, "password": u.password}},
	} {
		if got := e.do(r).header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s %s: Cache-Control %q", r.method, r.path, got)
		}
	}
}
