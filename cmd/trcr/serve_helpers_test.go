package main

// Helpers of the tests of serve's failure behaviour (serve_failure_test.go): `serve` itself running in this
// process with the test's configuration, a client for its API and pages, and a TCP proxy that can stall.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store/storetest"
)

// testConfig is the configuration of a test server over dbURL (a fresh test database when empty), with the
// production defaults but no shutdown grace.
func testConfig(t *testing.T, dbURL string) config {
	t.Helper()
	if dbURL == "" {
		dbURL = storetest.New(t, migrations.Checksum(), migrations.Up)
	}
	return config{
		DatabaseURL: dbURL, DataDir: t.TempDir(), Secret: strings.Repeat("s", 32),
		SMTPFrom: "TRCR <no-reply@trcr.test>", AuthRateLimit: 1000,
		RequestTimeout: 30 * time.Second, ReadTimeout: defaultReadTimeout, WriteTimeout: 30*time.Second + writeSlack,
		UploadTimeout: defaultUploadTimeout,
	}
}

// testServer is `serve` running in this process on a free loopback port.
type testServer struct {
	URL  string
	log  *syncBuffer
	stop context.CancelFunc
	done chan error
}

// startServe runs serve(cfg) until the test ends and waits until it answers.
func startServe(t *testing.T, cfg config) *testServer {
	t.Helper()
	addr, err := freeLoopbackAddr()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr, cfg.BaseURL = addr, "http://"+addr
	ctx, stop := context.WithCancel(context.Background())
	s := &testServer{URL: cfg.BaseURL, log: &syncBuffer{}, stop: stop, done: make(chan error, 1)}
	go func() { s.done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(s.log, nil))) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-s.done:
		case <-time.After(60 * time.Second):
			t.Error("serve did not return within 60 s of its context ending")
		}
		if t.Failed() {
			t.Logf("--- server log ---\n%s", s.log.String())
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(s.URL + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case err := <-s.done:
			t.Fatalf("serve returned before answering: %v\n%s", err, s.log.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer /healthz within 60 s\n%s", s.log.String())
		}
	}
}

// shutdown ends serve's context and returns how long serve took to return.
func (s *testServer) shutdown(t *testing.T, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	s.stop()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(limit):
		t.Fatalf("serve did not return within %v of SIGTERM", limit)
	}
	return time.Since(start)
}

// client talks to a test server as a browser (cookies, CSRF token, no redirects followed) and as an API client.
type client struct {
	t     *testing.T
	base  string
	http  *http.Client
	csrf  string
	token string // Bearer token for /api/v1
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// answer is a response with its body read.
type answer struct {
	status int
	header http.Header
	body   string
	took   time.Duration
}

// code is error.code of a JSON error answer.
func (a answer) code() string {
	var v struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	_ = json.Unmarshal([]byte(a.body), &v)
	return v.Error.Code
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (c *client) do(method, path string, body io.Reader, header map[string]string) answer {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if c.token != "" && strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(raw); m != nil {
		c.csrf = string(m[1])
	}
	return answer{status: res.StatusCode, header: res.Header, body: string(raw), took: time.Since(start)}
}

func (c *client) get(path string) answer { return c.do(http.MethodGet, path, nil, nil) }

func (c *client) postJSON(path string, v any) answer {
	raw, _ := json.Marshal(v)
	return c.do(http.MethodPost, path, bytes.NewReader(raw), map[string]string{"Content-Type": "application/json"})
}

// signUp registers through the API, keeps the access token, and signs in on the pages too.
func (c *client) signUp(email string) {
	c.t.Helper()
	a := c.postJSON("/api/v1/auth/register", map[string]string{"email": email, "password": "secret123!", "name": "Test User"})
	if a.status != http.StatusCreated {
		c.t.Fatalf("register: %d %s", a.status, a.body)
	}
	var v struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal([]byte(a.body), &v)
	c.token = v.AccessToken
	c.get("/login")
	form := url.Values{"email": {email}, "password": {"secret123!"}, "_csrf": {c.csrf}}
	if a := c.do(http.MethodPost, "/login", strings.NewReader(form.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"}); a.status != http.StatusSeeOther {
		c.t.Fatalf("login: %d %s", a.status, a.body)
	}
}

// stallProxy forwards TCP connections to target until stalled; then it holds every byte and every new
// connection without an answer, as a frozen database host or a broken network does, until resumed.
type stallProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	open   chan struct{} // closed while traffic flows
}

func startStallProxy(t *testing.T, target string) *stallProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallProxy{ln: ln, target: target, open: make(chan struct{})}
	close(p.open)
	t.Cleanup(func() { p.resume(); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.relay(c)
		}
	}()
	return p
}

func (p *stallProxy) addr() string { return p.ln.Addr().String() }

func (p *stallProxy) wait() {
	p.mu.Lock()
	open := p.open
	p.mu.Unlock()
	<-open
}

func (p *stallProxy) stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.open = make(chan struct{})
}

func (p *stallProxy) resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.open:
	default:
		close(p.open)
	}
}

func (p *stallProxy) relay(client net.Conn) {
	defer client.Close()
	p.wait()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				p.wait()
				if _, werr := dst.Write(buf[:n]); werr != nil {
					break
				}
			}
			if err != nil {
				break
			}
		}
		done <- struct{}{}
	}
	go pipe(server, client)
	go pipe(client, server)
	<-done
}
