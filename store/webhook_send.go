package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/trcr/trcr/store/outbound"
)

// What the outgoing webhooks of the organization (webhooks.go) and of Git repositories (git_webhooks.go) share:
// the check of a receiver's URL, the signed POST through the dial-time checked client, the record of one attempt,
// and the backoff between attempts (eventRetryDelay).

// Headers of an outgoing webhook request.
const (
	headerWebhookEvent     = "X-TRCR-Event"
	headerWebhookDelivery  = "X-TRCR-Delivery"
	headerWebhookSignature = "X-TRCR-Signature"
	headerWebhookTimestamp = "X-TRCR-Timestamp"
	// headerWebhookTimestampSignature signs the attempt's timestamp with the body, for receivers that refuse old
	// requests; X-TRCR-Signature stays the HMAC of the body alone, as DECISIONS.md's contract says.
	headerWebhookTimestampSignature = "X-TRCR-Timestamp-Signature"
)

// checkWebhookURL adds the URL's problems to v: required, bounded, absolute http(s) without credentials, and not
// a literal internal address unless allowPrivate. (Names that resolve to one are refused when dialing; this only
// makes the obvious mistake a clear 400.)
func checkWebhookURL(v *validator, rawURL string, allowPrivate bool) {
	switch {
	case rawURL == "":
		v.add("url", "url is required")
	case len(rawURL) > maxWebhookURL || strings.ContainsRune(rawURL, 0):
		v.add("url", fmt.Sprintf("url must be at most %d characters", maxWebhookURL))
	case outbound.CheckURL(rawURL) != nil:
		v.add("url", outbound.CheckURL(rawURL).Error())
	case !allowPrivate && internalHost(rawURL):
		v.add("url", "url must not point to a loopback, private or link-local address")
	}
}

// internalHost reports whether a URL names this machine or an internal address literally.
func internalHost(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && !outbound.PublicAddress(ip)
}

// webhookRequest is one signed POST to a receiver.
type webhookRequest struct {
	URL, Secret string
	EventType   string
	DeliveryID  string
	Body        []byte
	// Timestamp, when not zero, is sent as X-TRCR-Timestamp and signed with the body in
	// X-TRCR-Timestamp-Signature, so a receiver can refuse a captured request replayed later; Git's webhooks send
	// the body's signature alone, as DECISIONS.md "Git" says.
	Timestamp int64
	// signer, when set, is the caller's signer of Secret, kept from request to request.
	signer *webhookSigner
}

// webhookAttempt is the outcome of one request.
type webhookAttempt struct {
	Delivered    bool // the receiver answered 2xx
	ResponseCode *int
	DurationMS   int
	Error        string
}

// sendWebhook makes one attempt. It never fails: a refused address, a timeout or a non-2xx answer is an attempt
// that was not delivered, with the reason in Error (which never holds the URL or the secret).
func (s *Store) sendWebhook(ctx context.Context, r webhookRequest) webhookAttempt {
	header := webhookHeaders(r)
	ans, err := s.outbound.Post(ctx, r.URL, header, r.Body)
	out := webhookAttempt{Delivered: true, DurationMS: int(ans.Duration.Milliseconds())}
	switch {
	case err != nil:
		out.Delivered, out.Error = false, clip(err.Error(), 500)
	case ans.Status < 200 || ans.Status > 299:
		out.Delivered, out.Error = false, fmt.Sprintf("the receiver answered %d", ans.Status)
	}
	if ans.Status != 0 {
		out.ResponseCode = &ans.Status
	}
	return out
}

// webhookHeaders are the headers of a webhook request: those of TRCR's contract, and the Content-Type and
// User-Agent that outbound.Post sends. The keys are canonical already (Header.Set would canonicalize each anew).
func webhookHeaders(r webhookRequest) http.Header {
	sign := r.signer
	if sign == nil || sign.secret != r.Secret {
		sign = &webhookSigner{secret: r.Secret}
	}
	header := http.Header{
		keyWebhookEvent:     {r.EventType},
		keyWebhookDelivery:  {r.DeliveryID},
		keyWebhookSignature: {sign.sign(nil, r.Body)},
		keyContentType:      {"application/json"},
		keyUserAgent:        {outbound.UserAgent},
	}
	if r.Timestamp != 0 {
		ts := strconv.FormatInt(r.Timestamp, 10)
		header[keyWebhookTimestamp] = []string{ts}
		header[keyWebhookTimestampSignature] = []string{sign.sign([]byte(ts+"."), r.Body)}
	}
	return header
}

// Canonical keys of the webhook headers.
var (
	keyWebhookEvent              = http.CanonicalHeaderKey(headerWebhookEvent)
	keyWebhookDelivery           = http.CanonicalHeaderKey(headerWebhookDelivery)
	keyWebhookSignature          = http.CanonicalHeaderKey(headerWebhookSignature)
	keyWebhookTimestamp          = http.CanonicalHeaderKey(headerWebhookTimestamp)
	keyWebhookTimestampSignature = http.CanonicalHeaderKey(headerWebhookTimestampSignature)
	keyContentType               = http.CanonicalHeaderKey("Content-Type")
	keyUserAgent                 = http.CanonicalHeaderKey("User-Agent")
)

// webhookSigner signs a webhook's requests with its secret. A lane keeps one for its webhook: the HMAC keyed once
// is reset for each signature, rather than keyed anew (hmac.New hashes the key's two pads every time).
type webhookSigner struct {
	secret string
	mac    hash.Hash
}

// sign is "sha256=" and the hex HMAC-SHA256 of prefix and body.
func (s *webhookSigner) sign(prefix, body []byte) string {
	if s.mac == nil {
		s.mac = hmac.New(sha256.New, []byte(s.secret))
	} else {
		s.mac.Reset()
	}
	s.mac.Write(prefix)
	s.mac.Write(body)
	var sum [sha256.Size]byte
	return "sha256=" + hex.EncodeToString(s.mac.Sum(sum[:0]))
}

// SignWebhookBody is the X-TRCR-Signature of a webhook's body: sha256= and the hex HMAC-SHA256 of the body with
// the secret.
func SignWebhookBody(secret string, body []byte) string {
	return (&webhookSigner{secret: secret}).sign(nil, body)
}

// SignWebhook is the X-TRCR-Timestamp-Signature of an organization webhook's request: sha256= and the hex
// HMAC-SHA256, with the webhook's secret, of the X-TRCR-Timestamp value, a full stop, and the body.
func SignWebhook(secret, timestamp string, body []byte) string {
	return (&webhookSigner{secret: secret}).sign([]byte(timestamp+"."), body)
}
