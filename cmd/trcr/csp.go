package main

import (
	"net/url"
	"strings"
)

// contentSecurityPolicy is the policy of every answer. Images load only from the app itself (its public URL too,
// where local file links point, in case browsers reach the app by another name), data: URLs and, with S3, the
// bucket's public endpoint: an image that Markdown or anything else points at another host is not fetched, so it
// cannot track who reads the page. Frames load only from the app and the bucket (previews of PDF attachments).
func contentSecurityPolicy(cfg config) string {
	img := []string{"'self'", "data:"}
	for _, origin := range []string{httpOrigin(cfg.BaseURL), s3ImageOrigin(cfg)} {
		if origin != "" {
			img = append(img, origin)
		}
	}
	// PDF attachments are previewed in a frame of their (signed) link, which with S3 is on the bucket's host.
	frame := []string{"'self'"}
	if origin := s3ImageOrigin(cfg); origin != "" {
		frame = append(frame, origin)
	}
	return "default-src 'self'; img-src " + strings.Join(img, " ") +
		"; style-src 'self' 'unsafe-inline'; frame-src " + strings.Join(frame, " ") +
		"; object-src 'none'; base-uri 'self'; form-action 'self'"
}

// s3ImageOrigin is the scheme and host browsers fetch files from when they are stored in S3, or "".
func s3ImageOrigin(cfg config) string {
	if cfg.S3Endpoint == "" {
		return ""
	}
	if cfg.S3PublicEndpoint != "" {
		return httpOrigin(cfg.S3PublicEndpoint)
	}
	return httpOrigin(cfg.S3Endpoint)
}

// httpOrigin is scheme://host[:port] of an http(s) URL, or "".
func httpOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
