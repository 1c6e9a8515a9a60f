package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/trcr/trcr/store/blob"
	"github.com/trcr/trcr/store/imaging"
)

// fileURLLifetime is how long links to stored images stay valid.
const fileURLLifetime = 12 * time.Hour

// fileURL returns a signed, expiring link to a stored object. Links expire at a whole hour so the same image
// keeps the same URL for an hour and browsers can cache it.
func (s *Store) fileURL(ctx context.Context, key *string) *string {
	if key == nil || s.blobs == nil {
		return nil
	}
	now := s.now()
	expiry := now.Truncate(time.Hour).Add(time.Hour + fileURLLifetime)
	u, err := s.blobs.URL(ctx, *key, expiry.Sub(now), "")
	if err != nil {
		s.log.Error("file url", "key", *key, "err", err)
		return nil
	}
	return &u
}

// putImage checks, resizes and stores an avatar or logo. The type is decided by sniffing the content.
func (s *Store) putImage(ctx context.Context, prefix string, r io.Reader) (string, error) {
	data, contentType, err := imaging.ProcessImage(ctx, r, imageMaxBytes, imageMaxDim)
	switch {
	case errors.Is(err, imaging.ErrTooLarge):
		return "", TooLarge(imageMaxBytes)
	case errors.Is(err, imaging.ErrUnsupportedType):
		return "", unsupportedType("file type is not allowed: upload a PNG, JPEG or WebP image")
	case errors.Is(err, imaging.ErrImageTooLarge):
		return "", Invalid("file", fmt.Sprintf("image is too large: at most %d megapixels (%d pixels a side) and 8 bits per channel",
			imaging.MaxPixels/1_000_000, imaging.MaxSide))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "", err
	case err != nil:
		return "", Invalid("file", "file is not a readable PNG, JPEG or WebP image")
	}
	// Checked after the image, so that bad input is refused as such wherever it is sent.
	if s.blobs == nil {
		return "", errors.New("file storage is not configured")
	}
	ext := ".png"
	if contentType == "image/jpeg" {
		ext = ".jpg"
	}
	key := fmt.Sprintf("%s/%s%s", prefix, uuid.NewString(), ext)
	if err := s.blobs.Put(ctx, key, bytes.NewReader(data), int64(len(data)), contentType); err != nil {
		return "", fmt.Errorf("store image: %w", storageFailure(err))
	}
	return key, nil
}

// storageState names what a file storage error says about the storage: full, read-only, unreachable, or
// nothing in particular ("").
func storageState(err error) string {
	var (
		opErr  *net.OpError
		urlErr *url.Error // how HTTP clients such as minio-go report a server they cannot reach
	)
	switch {
	case err == nil:
		return healthOK
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT), errors.Is(err, blob.ErrFull):
		return healthFull
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return healthReadOnly
	case errors.As(err, &opErr), errors.As(err, &urlErr), errors.Is(err, context.DeadlineExceeded):
		return healthUnavailable
	}
	return ""
}

// storageFailure gives a file storage error its kind: a full or read-only storage is ErrInsufficientStorage
// (507), an unreachable one ErrUnavailable naming file storage (503). Classify cannot tell a storage network
// error from a database one, so it happens here, where the error is known to come from storage.
func storageFailure(err error) error {
	switch storageState(err) {
	case healthFull:
		return insufficientStorage("file storage is full", err)
	case healthReadOnly:
		return insufficientStorage("file storage is read-only", err)
	case healthUnavailable:
		return unavailable("file storage", err)
	}
	return err
}

// deleteBlob removes an object after its row is gone; failures only leave an orphan, so they are logged.
func (s *Store) deleteBlob(key string) {
	if s.blobs == nil || key == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.blobs.Delete(ctx, key); err != nil {
		s.log.Warn("delete blob", "key", key, "err", err)
	}
}
