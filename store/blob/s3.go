package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// DefaultS3Region is used when S3Config.Region is empty. Setting a region
// up front spares a bucket-location lookup before every presign, and it is
// what MinIO and most S3-compatible servers expect by default.
const DefaultS3Region = "us-east-1"

// S3Config locates an S3-protocol bucket (AWS S3, MinIO, Garage, R2, ...).
type S3Config struct {
	// Endpoint is "host:port", "http://host:port" or "https://host:port".
	// When a scheme is given it decides TLS and UseSSL is ignored.
	Endpoint  string
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string // DefaultS3Region when empty
	UseSSL    bool   // used only when Endpoint has no scheme
	// PublicEndpoint is where browsers reach the bucket when that differs from Endpoint (the server may talk to
	// the store on a private address, browsers through a proxy or CDN host). Presigned URLs are signed for it, as
	// the host is part of the signature. Empty: Endpoint.
	PublicEndpoint string
}

// S3 stores objects in one bucket using path-style addressing, which works
// with every S3-compatible server and needs no wildcard DNS.
type S3 struct {
	client    *minio.Client
	presigner *minio.Client // client for PublicEndpoint; it only signs, never connects
	bucket    string
}

var _ Store = (*S3)(nil)

// NewS3 connects to the bucket described by cfg and creates the bucket if
// it does not exist yet.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("blob: S3 bucket is empty")
	}
	host, secure, err := parseEndpoint(cfg.Endpoint, cfg.UseSSL)
	if err != nil {
		return nil, err
	}
	region := cfg.Region
	if region == "" {
		region = DefaultS3Region
	}
	newClient := func(host string, secure bool) (*minio.Client, error) {
		return minio.New(host, &minio.Options{
			Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
			Secure:       secure,
			Region:       region,
			BucketLookup: minio.BucketLookupPath,
		})
	}
	client, err := newClient(host, secure)
	if err != nil {
		return nil, fmt.Errorf("blob: S3 client: %w", err)
	}
	s := &S3{client: client, presigner: client, bucket: cfg.Bucket}
	if cfg.PublicEndpoint != "" {
		publicHost, publicSecure, err := parseEndpoint(cfg.PublicEndpoint, secure)
		if err != nil {
			return nil, fmt.Errorf("blob: S3 public endpoint: %w", err)
		}
		if s.presigner, err = newClient(publicHost, publicSecure); err != nil {
			return nil, fmt.Errorf("blob: S3 public client: %w", err)
		}
	}
	if err := s.ensureBucket(ctx, region); err != nil {
		return nil, err
	}
	return s, nil
}

// parseEndpoint splits an endpoint into the host:port minio-go wants and
// whether to use TLS.
func parseEndpoint(endpoint string, useSSL bool) (host string, secure bool, err error) {
	if endpoint == "" {
		return "", false, errors.New("blob: S3 endpoint is empty")
	}
	if !strings.Contains(endpoint, "://") {
		if strings.ContainsAny(endpoint, "/?#") {
			return "", false, fmt.Errorf("blob: S3 endpoint %q must be host[:port]", endpoint)
		}
		return endpoint, useSSL, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", false, fmt.Errorf("blob: S3 endpoint: %w", err)
	}
	switch u.Scheme {
	case "http":
		secure = false
	case "https":
		secure = true
	default:
		return "", false, fmt.Errorf("blob: S3 endpoint %q: scheme must be http or https", endpoint)
	}
	// minio-go cannot address a server below a path prefix.
	if u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", false, fmt.Errorf("blob: S3 endpoint %q must be scheme://host[:port]", endpoint)
	}
	return u.Host, secure, nil
}

func (s *S3) ensureBucket(ctx context.Context, region string) error {
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("blob: check bucket %q: %w", s.bucket, err)
	}
	if exists {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region})
	// Another replica starting at the same time may have won the race.
	switch minio.ToErrorResponse(err).Code {
	case "BucketAlreadyOwnedByYou", "BucketAlreadyExists":
		return nil
	}
	if err != nil {
		return fmt.Errorf("blob: create bucket %q: %w", s.bucket, err)
	}
	return nil
}

// s3PartSize bounds the memory an upload takes. Left to choose, minio-go
// buffers a ~537 MiB part for every upload of unknown size.
const s3PartSize = 16 << 20

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	contentType, err := normalizeContentType(contentType)
	if err != nil {
		return err
	}
	if size < 0 {
		var err error
		if r, size, err = bufferSmall(r, s3PartSize); err != nil {
			return fmt.Errorf("blob: put %q: %w", key, err)
		}
	}
	opts := minio.PutObjectOptions{ContentType: contentType, PartSize: s3PartSize}
	switch {
	case size == 0:
		// Over plain HTTP minio-go stream-signs payloads, and for an empty
		// one it sends a chunked body without Content-Length, which servers
		// reject (MissingContentLength). An empty payload needs no signing.
		opts.DisableContentSha256 = true
	case size < 0:
		// Multipart upload of a large stream. Stream-signed (aws-chunked)
		// part bodies are not decoded by every S3-compatible server, so
		// send plain parts and keep integrity through Content-MD5 instead.
		// Over TLS minio-go never stream-signs, so only MD5 is added there.
		opts.DisableContentSha256 = true
		opts.SendContentMd5 = true
	}
	if _, err := s.client.PutObject(ctx, s.bucket, key, r, size, opts); err != nil {
		if full(err) {
			return fmt.Errorf("blob: put %q: %w: %w", key, ErrFull, err)
		}
		return fmt.Errorf("blob: put %q: %w", key, err)
	}
	return nil
}

// full reports an object server's "out of space" answers: MinIO's error codes, and 507 from others.
func full(err error) bool {
	resp := minio.ToErrorResponse(err)
	return resp.Code == "XMinioStorageFull" || resp.Code == "XMinioAdminBucketQuotaExceeded" || resp.StatusCode == 507
}

// Check implements Store by asking whether the bucket exists, which needs a working server and credentials.
func (s *S3) Check(ctx context.Context) error {
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("blob: check bucket %q: %w", s.bucket, err)
	}
	if !exists {
		return fmt.Errorf("blob: bucket %q is gone", s.bucket)
	}
	return nil
}

// bufferSmall reads up to limit bytes of a stream of unknown size. When the
// stream ends within limit it returns the content and its size, so that the
// object goes up in one request instead of a three-request multipart
// upload; otherwise it returns a reader that replays what was read before
// the rest of r, with size -1.
func bufferSmall(r io.Reader, limit int64) (io.Reader, int64, error) {
	buf, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, 0, err
	}
	if int64(len(buf)) <= limit {
		return bytes.NewReader(buf), int64(len(buf)), nil
	}
	return io.MultiReader(bytes.NewReader(buf), r), -1, nil
}

// Open implements Store. It stats eagerly so that a missing key fails here
// with ErrNotFound rather than on the caller's first Read.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Info{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, s.mapErr("open", key, err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, Info{}, s.mapErr("open", key, err)
	}
	return obj, Info{Size: st.Size, ContentType: st.ContentType}, nil
}

// Delete implements Store. S3 already treats deleting a missing object as
// success; NoSuchKey is tolerated too for servers that report it anyway.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err := s.mapErr("delete", key, err); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

// URL implements Store with a presigned GET. S3 caps presigned URLs at
// seven days; minio-go rejects longer ttls. The presigned request asks the
// server to send Content-Disposition, so the name is covered by the
// signature just like Local's.
func (s *S3) URL(ctx context.Context, key string, ttl time.Duration, downloadName string) (string, error) {
	if err := ValidateKey(key); err != nil {
		return "", err
	}
	if err := checkTTL(ttl); err != nil {
		return "", err
	}
	params := url.Values{}
	if downloadName != "" {
		params.Set("response-content-disposition", contentDisposition(downloadName))
	}
	u, err := s.presigner.PresignedGetObject(ctx, s.bucket, key, ttl, params)
	if err != nil {
		return "", fmt.Errorf("blob: presign %q: %w", key, err)
	}
	return u.String(), nil
}

func (s *S3) mapErr(op, key string, err error) error {
	if err == nil {
		return nil
	}
	if minio.ToErrorResponse(err).Code == "NoSuchKey" {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return fmt.Errorf("blob: %s %q: %w", op, key, err)
}
