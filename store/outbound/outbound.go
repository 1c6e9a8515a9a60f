// Package outbound makes HTTP requests to addresses that integrators choose (webhook URLs), without letting them
// reach what only the server can reach: the address is checked when the connection is dialed, after the name is
// resolved, so a name that resolves to a private address, or changes to one between a check and the request (DNS
// rebinding), is refused as well as a literal one. Loopback, private, link-local (cloud metadata at
// 169.254.169.254 among them), shared, unspecified, multicast and reserved addresses are refused unless the client
// allows private addresses (TRCR_WEBHOOK_ALLOW_PRIVATE, for installations whose receivers are on their own network,
// and for tests). Redirects are never followed, no proxy from the environment is used (it would do the dialing),
// and every request has bounded time and a bounded read of the answer.
package outbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Limits of one request.
const (
	ConnectTimeout = 5 * time.Second
	TotalTimeout   = 10 * time.Second
	// MaxAnswerRead is how much of an answer's body is read (and dropped) before the connection is closed.
	MaxAnswerRead = 64 << 10
)

// UserAgent names TRCR to receivers.
const UserAgent = "TRCR-Webhook/1"

// ErrForbiddenAddress is the refusal of a destination on a private or otherwise internal address.
var ErrForbiddenAddress = errors.New("destination address is not allowed")

// Client posts to integrators' URLs.
type Client struct {
	http *http.Client
	// timeout bounds a whole request, answer read included (TotalTimeout; shorter in tests).
	timeout time.Duration
}

// New builds a client; allowPrivate lets it reach loopback and private addresses.
func New(allowPrivate bool) *Client {
	dialer := &net.Dialer{Timeout: ConnectTimeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = refusePrivate
	}
	transport := &http.Transport{
		Proxy:             nil,
		DialContext:       dialer.DialContext,
		ForceAttemptHTTP2: true,
		MaxIdleConns:      256,
		// Several webhooks often share a receiver (one integrator's host); each is sent on its own connection, kept
		// for its next request: an organization has at most 50 webhooks, all of which may be sent side by side.
		MaxIdleConnsPerHost:    64,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    ConnectTimeout,
		ResponseHeaderTimeout:  TotalTimeout,
		MaxResponseHeaderBytes: 16 << 10,
	}
	// No http.Client.Timeout: Post's context bounds the whole request, and the client's own timeout would add a
	// timer, a context and a goroutine to every request.
	return &Client{timeout: TotalTimeout, http: &http.Client{
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// Answer is what the receiver answered.
type Answer struct {
	Status   int
	Duration time.Duration
}

// Post sends body to rawURL with the headers given and Content-Type application/json. A 3xx answer is returned as
// it is (not followed). The error says why no answer came: a refused address (ErrForbiddenAddress), a timeout, a
// refused connection.
func (c *Client) Post(ctx context.Context, rawURL string, header http.Header, body []byte) (Answer, error) {
	if err := CheckURL(rawURL); err != nil {
		return Answer{}, err
	}
	// The deadline covers the connection, the request, the answer's headers and the read of its body below.
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return Answer{}, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	began := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return Answer{Duration: time.Since(began)}, describe(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxAnswerRead))
	resp.Body.Close()
	return Answer{Status: resp.StatusCode, Duration: time.Since(began)}, nil
}

// describe keeps the reason of a failed request without the URL, which the caller knows.
func describe(err error) error {
	if errors.Is(err, ErrForbiddenAddress) {
		return ErrForbiddenAddress
	}
	var uerr *url.Error
	if errors.As(err, &uerr) {
		if uerr.Timeout() {
			return errors.New("timed out")
		}
		return uerr.Err
	}
	return err
}

// CheckURL accepts absolute http and https URLs with a host and no credentials in them.
func CheckURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return errors.New("url must be an absolute http or https URL")
	}
	if u.User != nil {
		return errors.New("url must not contain a user name or password")
	}
	return nil
}

// refusePrivate is the dialer's Control: it sees the resolved address of every connection attempt.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	if !PublicAddress(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, ap.Addr())
	}
	return nil
}

// Ranges refused besides what netip classifies: shared address space (carrier-grade NAT, and some clouds' metadata
// at 100.100.100.200), IETF protocol assignments, benchmarking, documentation and the reserved 240/4, and the
// IPv6 discard, documentation and ORCHID ranges.
var internalRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2001:10::/28"),
}

// nat64 is the well-known NAT64 prefix, whose addresses carry an IPv4 address in their last 32 bits.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// PublicAddress reports whether ip is an address on the public internet.
func PublicAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.Is6() && nat64.Contains(ip) {
		b := ip.As16()
		return PublicAddress(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	}
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	if ip.Is4() && ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
		return false
	}
	for _, p := range internalRanges {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
