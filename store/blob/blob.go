// Package blob stores uploaded files (avatars, logos, attachments) behind a
// small interface with two implementations: Local, files on disk served by
// this process with HMAC-signed URLs, and S3, any S3-protocol object store
// with presigned URLs.
//
// Both implementations accept the same keys, so code written against Store
// behaves identically whichever backend the deployment configures.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"
)

// Store is a flat namespace of immutable-ish objects addressed by key.
type Store interface {
	// Put stores the content of r under key, replacing any existing object.
	// size is the exact number of bytes r yields, or -1 when unknown.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Open returns the object's content and metadata; ErrNotFound if missing.
	// The caller must close the reader.
	Open(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Delete removes the object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// URL returns an absolute URL that lets anyone download the object until
	// ttl passes. A non-empty downloadName makes browsers save the object
	// under that name instead of displaying it.
	URL(ctx context.Context, key string, ttl time.Duration, downloadName string) (string, error)
	// Check reports whether the store accepts writes now, for health checks: nil, or the error a Put would
	// meet (a full or read-only disk, an unreachable server).
	Check(ctx context.Context) error
}

// Info describes a stored object.
type Info struct {
	Size        int64
	ContentType string
}

// ErrNotFound is returned by Open when the key holds no object.
var ErrNotFound = errors.New("blob: not found")

// ErrFull is returned (wrapped) by Put when an object server reports that it is out of space. Local returns
// the operating system's error (ENOSPC, EDQUOT) instead.
var ErrFull = errors.New("blob: storage full")

// ErrInvalidKey is returned (wrapped) for keys that fail ValidateKey.
var ErrInvalidKey = errors.New("blob: invalid key")

// maxKeyLen keeps keys well inside both S3's 1024-byte limit and common
// filesystem path limits.
const maxKeyLen = 512

// defaultContentType is used when Put is given no content type, so that
// downloads never go out without one (browsers would otherwise sniff).
const defaultContentType = "application/octet-stream"

// ValidateKey reports whether key is acceptable to every Store: non-empty
// slash-separated segments of [A-Za-z0-9._-], none starting with a dot.
//
// Banning leading dots rejects "." and ".." (path traversal) and also
// reserves dot-names for Local's own bookkeeping (temp files, metadata).
// The narrow alphabet means keys never need escaping in paths or URLs.
func ValidateKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return fmt.Errorf("%w: length %d", ErrInvalidKey, len(key))
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" {
			// Covers absolute paths, trailing slashes and "a//b".
			return fmt.Errorf("%w: %q has an empty path segment", ErrInvalidKey, key)
		}
		if seg[0] == '.' {
			return fmt.Errorf("%w: %q has a segment starting with a dot", ErrInvalidKey, key)
		}
		for i := 0; i < len(seg); i++ {
			if !keyByte(seg[i]) {
				return fmt.Errorf("%w: %q contains %q", ErrInvalidKey, key, seg[i])
			}
		}
	}
	return nil
}

func keyByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case c == '.', c == '_', c == '-':
		return true
	}
	return false
}

// contentDisposition returns the Content-Disposition for a download:
// "inline" without a name, otherwise an attachment whose filename is quoted
// (or RFC 2231-encoded for non-ASCII) by mime.FormatMediaType so that a
// user-supplied name cannot inject header parameters.
func contentDisposition(downloadName string) string {
	if downloadName == "" {
		return "inline"
	}
	// RFC 2231 encoding labels the name utf-8, so make that true.
	name := strings.ToValidUTF8(downloadName, "\uFFFD")
	if v := mime.FormatMediaType("attachment", map[string]string{"filename": name}); v != "" {
		return v
	}
	// Unreachable with a fixed type and parameter name, but should that
	// change, still force a download rather than fail the request.
	return "attachment"
}

// normalizeContentType defaults an empty type and rejects malformed ones,
// which would otherwise be stored and sent as a response header.
func normalizeContentType(contentType string) (string, error) {
	if contentType == "" {
		return defaultContentType, nil
	}
	if _, _, err := mime.ParseMediaType(contentType); err != nil {
		return "", fmt.Errorf("blob: content type %q: %w", contentType, err)
	}
	return contentType, nil
}

func checkTTL(ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("blob: ttl must be positive, got %v", ttl)
	}
	return nil
}
