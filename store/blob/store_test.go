package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// testStore checks the behavior every Store must share. URLs are fetched
// over real HTTP, so the store must be reachable by a loopback server.
func testStore(t *testing.T, s Store) {
	ctx := t.Context()

	t.Run("check passes on a working store", func(t *testing.T) {
		if err := s.Check(ctx); err != nil {
			t.Fatalf("Check: %v", err)
		}
	})

	t.Run("put and open round trip", func(t *testing.T) {
		content := []byte("\x89PNG fake avatar bytes")
		put(t, s, "avatars/0b6e1c7a-3f5e-4d2a-9c1b-8e7f6a5d4c3b.png", content, "image/png")

		got, info := open(t, s, "avatars/0b6e1c7a-3f5e-4d2a-9c1b-8e7f6a5d4c3b.png")
		if !bytes.Equal(got, content) {
			t.Errorf("content = %q, want %q", got, content)
		}
		if info.Size != int64(len(content)) || info.ContentType != "image/png" {
			t.Errorf("info = %+v, want size %d type image/png", info, len(content))
		}
	})

	t.Run("put replaces existing object", func(t *testing.T) {
		put(t, s, "logos/acme.png", []byte("old"), "image/png")
		put(t, s, "logos/acme.png", []byte("newer content"), "image/jpeg")
		got, info := open(t, s, "logos/acme.png")
		if string(got) != "newer content" || info.ContentType != "image/jpeg" {
			t.Errorf("after overwrite got %q %+v", got, info)
		}
	})

	t.Run("empty object", func(t *testing.T) {
		put(t, s, "empty.txt", nil, "text/plain")
		got, info := open(t, s, "empty.txt")
		if len(got) != 0 || info.Size != 0 {
			t.Errorf("got %q %+v, want empty", got, info)
		}
	})

	t.Run("missing content type defaults to octet-stream", func(t *testing.T) {
		put(t, s, "untyped.bin", []byte{1, 2, 3}, "")
		if _, info := open(t, s, "untyped.bin"); info.ContentType != "application/octet-stream" {
			t.Errorf("content type = %q", info.ContentType)
		}
	})

	t.Run("malformed content type rejected", func(t *testing.T) {
		for _, ct := range []string{"image/png\r\nX-Evil: 1", "not a type", "text/plain; charset"} {
			if err := s.Put(ctx, "typed.txt", strings.NewReader("x"), 1, ct); err == nil {
				t.Errorf("Put with content type %q succeeded", ct)
			}
		}
	})

	t.Run("unknown size", func(t *testing.T) {
		content := strings.Repeat("stream ", 1000)
		if err := s.Put(ctx, "streamed.txt", strings.NewReader(content), -1, "text/plain"); err != nil {
			t.Fatalf("Put: %v", err)
		}
		if got, info := open(t, s, "streamed.txt"); string(got) != content || info.Size != int64(len(content)) {
			t.Errorf("got %d bytes %+v, want %d", len(got), info, len(content))
		}
	})

	t.Run("short reader fails and stores nothing", func(t *testing.T) {
		// Not seekable, as upload bodies usually are not; minio-go would
		// otherwise rewind and retry for seconds before giving up.
		r := struct{ io.Reader }{strings.NewReader("12345")}
		err := s.Put(ctx, "short.bin", r, 10, "application/octet-stream")
		if err == nil {
			t.Fatal("Put with fewer bytes than size succeeded")
		}
		if _, _, err := s.Open(ctx, "short.bin"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open after failed Put: err = %v, want ErrNotFound", err)
		}
	})

	t.Run("reader error fails put", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(errors.New("disk on fire")))
		if err := s.Put(ctx, "broken.bin", r, -1, "text/plain"); err == nil {
			t.Fatal("Put with failing reader succeeded")
		}
	})

	t.Run("canceled context fails put", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Put(cctx, "canceled.txt", strings.NewReader("x"), 1, "text/plain"); err == nil {
			t.Fatal("Put with canceled context succeeded")
		}
	})

	t.Run("open missing is ErrNotFound", func(t *testing.T) {
		for _, key := range []string{"nope.png", "no/such/dir/file.png", "avatars"} {
			rc, _, err := s.Open(ctx, key)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("Open(%q): err = %v, want ErrNotFound", key, err)
			}
			if rc != nil {
				rc.Close()
			}
		}
	})

	t.Run("delete", func(t *testing.T) {
		put(t, s, "doomed.txt", []byte("bye"), "text/plain")
		if err := s.Delete(ctx, "doomed.txt"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, _, err := s.Open(ctx, "doomed.txt"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open after Delete: err = %v, want ErrNotFound", err)
		}
		for _, key := range []string{"doomed.txt", "never/existed.txt"} {
			if err := s.Delete(ctx, key); err != nil {
				t.Errorf("Delete(%q) of missing key: %v", key, err)
			}
		}
	})

	t.Run("delete leaves siblings", func(t *testing.T) {
		put(t, s, "team/a.txt", []byte("a"), "text/plain")
		put(t, s, "team/b.txt", []byte("b"), "text/plain")
		if err := s.Delete(ctx, "team/a.txt"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if err := s.Delete(ctx, "team"); err != nil {
			t.Fatalf("Delete of a prefix: %v", err)
		}
		if got, _ := open(t, s, "team/b.txt"); string(got) != "b" {
			t.Errorf("sibling content = %q", got)
		}
	})

	t.Run("bad keys rejected", func(t *testing.T) {
		for _, key := range badKeys {
			if err := s.Put(ctx, key, strings.NewReader("x"), 1, "text/plain"); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Put(%q): err = %v, want ErrInvalidKey", key, err)
			}
			if _, _, err := s.Open(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Open(%q): err = %v, want ErrInvalidKey", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Delete(%q): err = %v, want ErrInvalidKey", key, err)
			}
			if _, err := s.URL(ctx, key, time.Minute, ""); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("URL(%q): err = %v, want ErrInvalidKey", key, err)
			}
		}
	})

	t.Run("url serves object", func(t *testing.T) {
		content := bytes.Repeat([]byte{0xff, 0xd8, 0x00, 0x42}, 300)
		put(t, s, "avatars/u1.jpg", content, "image/jpeg")
		u, err := s.URL(ctx, "avatars/u1.jpg", 5*time.Minute, "")
		if err != nil {
			t.Fatalf("URL: %v", err)
		}
		if !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Errorf("URL %q is not absolute", u)
		}
		resp, body := fetch(t, u)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET status = %d, body %q", resp.StatusCode, body)
		}
		if !bytes.Equal(body, content) {
			t.Errorf("body differs: got %d bytes, want %d", len(body), len(content))
		}
		if ct := resp.Header.Get("Content-Type"); ct != "image/jpeg" {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd := resp.Header.Get("Content-Disposition"); cd != "" && !strings.HasPrefix(cd, "inline") {
			t.Errorf("Content-Disposition = %q, want none or inline", cd)
		}
	})

	t.Run("url with download name", func(t *testing.T) {
		put(t, s, "files/f1", []byte("%PDF-1.7"), "application/pdf")
		for _, name := range []string{"Q3 report.pdf", `say "hi"; filename=evil.exe`, "résumé.pdf"} {
			u, err := s.URL(ctx, "files/f1", time.Minute, name)
			if err != nil {
				t.Fatalf("URL: %v", err)
			}
			resp, body := fetch(t, u)
			if resp.StatusCode != http.StatusOK || string(body) != "%PDF-1.7" {
				t.Fatalf("GET %q: status %d body %q", name, resp.StatusCode, body)
			}
			cd := resp.Header.Get("Content-Disposition")
			disp, params, err := mime.ParseMediaType(cd)
			if err != nil || disp != "attachment" || params["filename"] != name {
				t.Errorf("Content-Disposition %q parses to %q %q (%v), want attachment with filename %q",
					cd, disp, params, err, name)
			}
		}
	})

	t.Run("url of missing object is 404", func(t *testing.T) {
		put(t, s, "gone.txt", []byte("x"), "text/plain")
		u, err := s.URL(ctx, "gone.txt", time.Minute, "")
		if err != nil {
			t.Fatalf("URL: %v", err)
		}
		if err := s.Delete(ctx, "gone.txt"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if resp, body := fetch(t, u); resp.StatusCode != http.StatusNotFound {
			t.Errorf("status = %d, want 404 (body %q)", resp.StatusCode, body)
		}
	})

	t.Run("url needs positive ttl", func(t *testing.T) {
		for _, ttl := range []time.Duration{0, -time.Second} {
			if _, err := s.URL(ctx, "gone.txt", ttl, ""); err == nil {
				t.Errorf("URL with ttl %v succeeded", ttl)
			}
		}
	})
}

// badKeys must be rejected by every Store.
var badKeys = []string{
	"",
	"/etc/passwd",
	"../secret",
	"avatars/../../secret",
	"..",
	".",
	"a/./b",
	".meta/x",
	"a//b",
	"avatars/",
	`a\b`,
	"a b.png",
	"a|b",
	"a?b",
	"a%2e%2e",
	"ümlaut.png",
	"nul\x00.png",
	strings.Repeat("k", maxKeyLen+1),
}

func put(t *testing.T, s Store, key string, content []byte, contentType string) {
	t.Helper()
	if err := s.Put(t.Context(), key, bytes.NewReader(content), int64(len(content)), contentType); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func open(t *testing.T, s Store, key string) ([]byte, Info) {
	t.Helper()
	rc, info, err := s.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return got, info
}

func fetch(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodGet, u, nil)
}

func do(t *testing.T, method, u string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, body
}

func TestValidateKey(t *testing.T) {
	t.Parallel()
	good := []string{
		"a",
		"avatars/0b6e1c7a-3f5e-4d2a-9c1b-8e7f6a5d4c3b.png",
		"logos/team_42/v2.final.JPG",
		"x..y", // dots inside a segment are harmless
		strings.Repeat("k", maxKeyLen),
	}
	for _, key := range good {
		if err := ValidateKey(key); err != nil {
			t.Errorf("ValidateKey(%q) = %v, want nil", key, err)
		}
	}
	for _, key := range badKeys {
		if err := ValidateKey(key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("ValidateKey(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, want string }{
		{"", "inline"},
		{"report.pdf", "attachment; filename=report.pdf"},
		{"Q3 report.pdf", `attachment; filename="Q3 report.pdf"`},
		{`a"b.txt`, `attachment; filename="a\"b.txt"`},
		{"résumé.pdf", "attachment; filename*=utf-8''r%C3%A9sum%C3%A9.pdf"},
		{"bad\xffutf8", "attachment; filename*=utf-8''bad%EF%BF%BDutf8"},
		{"line\r\nX-Evil: 1", "attachment; filename*=utf-8''line%0D%0AX-Evil%3A%201"},
	}
	for _, tt := range tests {
		if got := contentDisposition(tt.name); got != tt.want {
			t.Errorf("contentDisposition(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
