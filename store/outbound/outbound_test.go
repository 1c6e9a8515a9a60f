package outbound_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trcr/trcr/store/outbound"
)

func TestPost_RefusesInternalAddressesWhenDialing(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c := outbound.New(false)
	for _, u := range []string{
		srv.URL + "/hook", // 127.0.0.1, a server that would answer
		"http://localhost:" + strconv.Itoa(int(netip.MustParseAddrPort(srv.Listener.Addr().String()).Port())) + "/",
		"http://10.1.2.3:8080/hook",
		"http://169.254.169.254/latest/meta-data/",
		"http://[::1]:9/",
		"http://[::ffff:127.0.0.1]:9/",
		"http://192.168.1.1/",
		"http://100.100.100.200/",
		"http://0.0.0.0:9/",
	} {
		_, err := c.Post(context.Background(), u, nil, []byte(`{}`))
		if !errors.Is(err, outbound.ErrForbiddenAddress) {
			t.Errorf("%s: err %v, want ErrForbiddenAddress", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the loopback server was reached %d times", n)
	}
}

func TestPost_AllowPrivateReachesLoopbackWithHeadersAndBody(t *testing.T) {
	t.Parallel()
	var got struct {
		body   string
		header http.Header
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.body, got.header = string(b), r.Header.Clone()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	ans, err := outbound.New(true).Post(context.Background(), srv.URL, http.Header{"X-Trcr-Event": {"push"}}, []byte(`{"a":1}`))
	if err != nil || ans.Status != http.StatusAccepted {
		t.Fatalf("answer %+v, err %v", ans, err)
	}
	if got.body != `{"a":1}` || got.header.Get("X-TRCR-Event") != "push" || got.header.Get("Content-Type") != "application/json" {
		t.Fatalf("received %q with %v", got.body, got.header)
	}
}

func TestPost_DoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	var reached atomic.Bool
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Store(true) }))
	defer target.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	ans, err := outbound.New(true).Post(context.Background(), redirect.URL, nil, []byte(`{}`))
	if err != nil || ans.Status != http.StatusTemporaryRedirect || reached.Load() {
		t.Fatalf("answer %+v, err %v, redirect followed: %v", ans, err, reached.Load())
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	for u, ok := range map[string]bool{
		"https://hooks.example.com/x": true, "http://example.com": true,
		"ftp://example.com/": false, "/relative": false, "https://": false, "https://user:pw@example.com/": false,
		"javascript:alert(1)": false,
	} {
		if err := outbound.CheckURL(u); (err == nil) != ok {
			t.Errorf("%s: err %v", u, err)
		}
	}
}

func TestPublicAddress(t *testing.T) {
	t.Parallel()
	for addr, public := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1:248:1893:25c8:1946": true, "8.8.8.8": true,
		"127.0.0.1": false, "10.0.0.1": false, "172.16.5.4": false, "192.168.0.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "255.255.255.255": false, "224.0.0.1": false, "240.0.0.1": false,
		"::1": false, "::": false, "fe80::1": false, "fd00:ec2::254": false, "::ffff:10.0.0.1": false,
		"64:ff9b::a00:1": false, "64:ff9b::808:808": true, "2001:db8::1": false,
	} {
		if got := outbound.PublicAddress(netip.MustParseAddr(addr)); got != public {
			t.Errorf("%s: public %v, want %v", addr, got, public)
		}
	}
}

// A receiver that does not answer in time is given up at the deadline, with "timed out"; one that answers and then
// holds its body back is not waited for past it either (its status counts).
func TestPost_GivesUpAtTheDeadline(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			w.WriteHeader(http.StatusAccepted)
			w.(http.Flusher).Flush()
		}
		<-release
	}))
	defer srv.Close()
	defer close(release)
	c := outbound.New(true)
	c.SetTimeout(300 * time.Millisecond)
	began := time.Now()
	if _, err := c.Post(context.Background(), srv.URL+"/headers", nil, []byte(`{}`)); err == nil || err.Error() != "timed out" ||
		time.Since(began) > 3*time.Second {
		t.Errorf("no answer: err %v after %s, want timed out at the deadline", err, time.Since(began))
	}
	began = time.Now()
	if ans, err := c.Post(context.Background(), srv.URL+"/body", nil, []byte(`{}`)); err != nil || ans.Status != http.StatusAccepted ||
		time.Since(began) > 3*time.Second {
		t.Errorf("a body held back: %+v %v after %s, want 202 at the deadline", ans, err, time.Since(began))
	}
}
