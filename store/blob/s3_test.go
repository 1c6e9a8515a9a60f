package blob

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// newFakeS3 serves an in-memory S3 implementation on loopback, so the S3
// store is exercised over real HTTP with real request signing.
func newFakeS3(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	return srv
}

func newTestS3(t *testing.T, endpoint string) *S3 {
	t.Helper()
	s, err := NewS3(t.Context(), S3Config{
		Endpoint:  endpoint,
		Bucket:    "trcr-test",
		AccessKey: "test-access",
		SecretKey: "test-secret",
	})
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	return s
}

func TestS3Store(t *testing.T) {
	t.Parallel()
	srv := newFakeS3(t)
	testStore(t, newTestS3(t, srv.URL))
}

func TestS3EndpointForms(t *testing.T) {
	t.Parallel()
	srv := newFakeS3(t)
	hostPort := strings.TrimPrefix(srv.URL, "http://")

	// The second and third NewS3 find the bucket already there.
	for _, endpoint := range []string{srv.URL, srv.URL + "/", hostPort} {
		s := newTestS3(t, endpoint)
		put(t, s, "k.txt", []byte(endpoint), "text/plain")
		if got, _ := open(t, s, "k.txt"); string(got) != endpoint {
			t.Errorf("endpoint %q: read back %q", endpoint, got)
		}
	}
}

func TestS3PresignedURL(t *testing.T) {
	t.Parallel()
	srv := newFakeS3(t)
	s := newTestS3(t, srv.URL)
	put(t, s, "avatars/a.png", []byte("png bytes"), "image/png")

	u, err := s.URL(t.Context(), "avatars/a.png", 15*time.Minute, "")
	if err != nil {
		t.Fatal(err)
	}
	// Path-style addressing: the bucket is in the path, not the host.
	if !strings.HasPrefix(u, srv.URL+"/trcr-test/avatars/a.png?") {
		t.Errorf("URL = %q, want path-style under %s", u, srv.URL)
	}
	for _, param := range []string{"X-Amz-Signature=", "X-Amz-Expires=900", "X-Amz-Credential=test-access"} {
		if !strings.Contains(u, param) {
			t.Errorf("URL %q lacks %s", u, param)
		}
	}
	resp, body := fetch(t, u)
	if resp.StatusCode != http.StatusOK || string(body) != "png bytes" {
		t.Errorf("GET presigned: status %d body %q", resp.StatusCode, body)
	}

	u, err = s.URL(t.Context(), "avatars/a.png", time.Minute, "me.png")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, "response-content-disposition=attachment") {
		t.Errorf("URL %q does not request a Content-Disposition", u)
	}

	// S3 limits presigned URLs to seven days.
	if _, err := s.URL(t.Context(), "avatars/a.png", 8*24*time.Hour, ""); err == nil {
		t.Error("URL with ttl over seven days succeeded")
	}
}

func TestS3PresignedURL_UsesPublicEndpoint(t *testing.T) {
	t.Parallel()
	srv := newFakeS3(t)
	// Browsers reach the bucket through a proxy on another host than the one the server uses.
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	t.Cleanup(proxy.Close)
	s, err := NewS3(t.Context(), S3Config{Endpoint: srv.URL, PublicEndpoint: proxy.URL, Bucket: "trcr-test",
		AccessKey: "test-access", SecretKey: "test-secret"})
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, "files/report.pdf", []byte("%PDF-1.4"), "application/pdf")
	u, err := s.URL(t.Context(), "files/report.pdf", time.Minute, "report.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, proxy.URL+"/trcr-test/files/report.pdf?") {
		t.Fatalf("URL = %q, want it under the public endpoint %s", u, proxy.URL)
	}
	resp, body := fetch(t, u)
	if resp.StatusCode != http.StatusOK || string(body) != "%PDF-1.4" {
		t.Errorf("GET through the public endpoint: status %d body %q", resp.StatusCode, body)
	}
	if _, err := NewS3(t.Context(), S3Config{Endpoint: srv.URL, PublicEndpoint: "ftp://x", Bucket: "b"}); err == nil {
		t.Error("a public endpoint with another scheme than http or https was accepted")
	}
}

func TestS3LargeStreamOfUnknownSize(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("uploads 17 MiB")
	}
	srv := newFakeS3(t)
	s := newTestS3(t, srv.URL)
	content := bytes.Repeat([]byte("0123456789abcdef"), (s3PartSize+1<<20)/16)
	// Hide the length so the upload has to go multipart.
	r := struct{ io.Reader }{bytes.NewReader(content)}
	if err := s.Put(t.Context(), "big.bin", r, -1, "application/octet-stream"); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, info := open(t, s, "big.bin")
	if info.Size != int64(len(content)) || !bytes.Equal(got, content) {
		t.Errorf("read back %d bytes (info %+v), want %d identical bytes", len(got), info, len(content))
	}
}

func TestBufferSmall(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 9, 10, 11, 25} {
		content := strings.Repeat("x", n)
		r, size, err := bufferSmall(strings.NewReader(content), 10)
		if err != nil {
			t.Fatal(err)
		}
		wantSize := int64(n)
		if n > 10 {
			wantSize = -1
		}
		got, _ := io.ReadAll(r)
		if size != wantSize || string(got) != content {
			t.Errorf("n=%d: size %d, %d bytes; want size %d, %d bytes", n, size, len(got), wantSize, n)
		}
	}
}

func TestNewS3Validation(t *testing.T) {
	t.Parallel()
	if _, err := NewS3(t.Context(), S3Config{Endpoint: "127.0.0.1:9000"}); err == nil {
		t.Error("NewS3 without bucket succeeded")
	}
	if _, err := NewS3(t.Context(), S3Config{Endpoint: "ftp://127.0.0.1:9000", Bucket: "b"}); err == nil {
		t.Error("NewS3 with ftp endpoint succeeded")
	}
}

func TestParseEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		endpoint   string
		useSSL     bool
		wantHost   string
		wantSecure bool
		wantErr    bool
	}{
		{endpoint: "minio:9000", wantHost: "minio:9000"},
		{endpoint: "minio:9000", useSSL: true, wantHost: "minio:9000", wantSecure: true},
		{endpoint: "http://minio:9000", useSSL: true, wantHost: "minio:9000"},
		{endpoint: "https://s3.example.com", wantHost: "s3.example.com", wantSecure: true},
		{endpoint: "https://s3.example.com:8443/", wantHost: "s3.example.com:8443", wantSecure: true},
		{endpoint: "http://[::1]:9000", wantHost: "[::1]:9000"},
		{endpoint: "", wantErr: true},
		{endpoint: "ftp://minio:9000", wantErr: true},
		{endpoint: "http://", wantErr: true},
		{endpoint: "http://minio:9000/prefix", wantErr: true},
		{endpoint: "http://minio:9000?x=1", wantErr: true},
		{endpoint: "http://user:pw@minio:9000", wantErr: true},
		{endpoint: "minio:9000/prefix", wantErr: true},
	}
	for _, tt := range tests {
		host, secure, err := parseEndpoint(tt.endpoint, tt.useSSL)
		if tt.wantErr {
			if err == nil {
				t.Errorf("parseEndpoint(%q) = %q, %v; want error", tt.endpoint, host, secure)
			}
			continue
		}
		if err != nil || host != tt.wantHost || secure != tt.wantSecure {
			t.Errorf("parseEndpoint(%q, %v) = %q, %v, %v; want %q, %v",
				tt.endpoint, tt.useSSL, host, secure, err, tt.wantHost, tt.wantSecure)
		}
	}
}
