package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/trcr/trcr/cmd/trcr/app"
	"github.com/trcr/trcr/store"
)

// config is read once from the environment here and passed down; no other package reads the environment.
type config struct {
	Addr                string
	DatabaseURL         string
	BaseURL             string
	DataDir             string
	Secret              string
	SMTPURL             string
	SMTPFrom            string
	S3Endpoint          string
	S3Bucket            string
	S3AccessKey         string
	S3SecretKey         string
	S3Region            string
	S3PublicEndpoint    string
	WebhookAllowPrivate bool
	AuthRateLimit       int
	// DevMailbox serves the email outbox at /dev/mailbox to loopback peers: a development aid that shows every
	// organization's emails (reset links included), so it is opt-in and refused where it could be reached.
	DevMailbox bool
	// TrustedProxies are the peers whose X-Forwarded-For is believed (the load balancer); none by default, so a
	// client cannot choose the address that rate limits and the audit log see.
	TrustedProxies   []netip.Prefix
	OrgEmailsPerHour int
	OrgEmailsPerDay  int
	// MaxFileSize bounds one attachment and OrgStorageQuota the attachments of an organization, in bytes.
	MaxFileSize     int64
	OrgStorageQuota int64

	// RequestTimeout bounds a request's work and each database statement (statement_timeout), so a stalled
	// database cannot hold requests forever.
	RequestTimeout time.Duration
	// ShutdownGrace is how long /healthz answers 503 after SIGTERM before the server stops accepting
	// connections, so that load balancers stop sending requests first.
	ShutdownGrace time.Duration
	// ReadTimeout bounds reading a whole request, body included; UploadTimeout replaces it on upload routes.
	// WriteTimeout bounds a request from its headers to the end of the answer.
	ReadTimeout   time.Duration
	WriteTimeout  time.Duration
	UploadTimeout time.Duration

	// LogLevel is the least level logged; RequestLogLevel the level of the one line per request, so a
	// development run (make run: debug) can keep requests out of a log that shows what else happens.
	LogLevel        slog.Level
	RequestLogLevel slog.Level
}

// Limits without a setting of their own. A body arriving slower than ReadTimeout allows (a slowloris client) is
// cut off; uploads of a 5 MB image get UploadTimeout. An answer may take RequestTimeout plus writeSlack to be
// written, so that even a request cut off by its deadline gets its 503.
const (
	defaultReadTimeout   = 30 * time.Second
	defaultUploadTimeout = 5 * time.Minute
	writeSlack           = app.WriteSlack
)

func loadConfig() (config, error) {
	env := func(k, def string) string {
		if v := strings.TrimSpace(os.Getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := config{
		Addr:             env("TRCR_ADDR", "127.0.0.1:8080"),
		DatabaseURL:      env("DATABASE_URL", ""),
		DataDir:          env("TRCR_DATA_DIR", "./data"),
		Secret:           env("TRCR_SECRET", ""),
		SMTPURL:          env("TRCR_SMTP_URL", ""),
		SMTPFrom:         env("TRCR_SMTP_FROM", "TRCR <no-reply@trcr.local>"),
		S3Endpoint:       env("TRCR_S3_ENDPOINT", ""),
		S3Bucket:         env("TRCR_S3_BUCKET", "trcr"),
		S3AccessKey:      env("TRCR_S3_ACCESS_KEY", ""),
		S3SecretKey:      env("TRCR_S3_SECRET_KEY", ""),
		S3Region:         env("TRCR_S3_REGION", "us-east-1"),
		S3PublicEndpoint: env("TRCR_S3_PUBLIC_ENDPOINT", ""),
	}
	c.BaseURL = strings.TrimRight(env("TRCR_BASE_URL", "http://"+c.Addr), "/")
	var err error
	if c.WebhookAllowPrivate, err = envBool("TRCR_WEBHOOK_ALLOW_PRIVATE"); err != nil {
		return c, err
	}
	if c.DevMailbox, err = envBool("TRCR_DEV_MAILBOX"); err != nil {
		return c, err
	}
	if c.DevMailbox && c.SMTPURL != "" {
		return c, errors.New("TRCR_DEV_MAILBOX=true cannot be combined with TRCR_SMTP_URL: emails go to the SMTP server")
	}
	if c.DevMailbox && !app.IsLoopbackURL(c.BaseURL) {
		return c, fmt.Errorf("TRCR_DEV_MAILBOX=true needs a loopback TRCR_BASE_URL (http://127.0.0.1:…), got %q: the mailbox shows password-reset links", c.BaseURL)
	}
	if c.TrustedProxies, err = parsePrefixes(env("TRCR_TRUSTED_PROXIES", "")); err != nil {
		return c, fmt.Errorf("TRCR_TRUSTED_PROXIES: %w", err)
	}
	c.AuthRateLimit = 30
	if v := env("TRCR_AUTH_RATE_LIMIT", ""); v != "" {
		if c.AuthRateLimit, err = strconv.Atoi(v); err != nil || c.AuthRateLimit < 1 {
			return c, fmt.Errorf("TRCR_AUTH_RATE_LIMIT must be a positive integer, got %q", v)
		}
	}
	if c.OrgEmailsPerHour, err = envPositiveInt("TRCR_ORG_EMAIL_HOURLY", store.DefaultOrgEmailsPerHour); err != nil {
		return c, err
	}
	if c.OrgEmailsPerDay, err = envPositiveInt("TRCR_ORG_EMAIL_DAILY", store.DefaultOrgEmailsPerDay); err != nil {
		return c, err
	}
	if c.MaxFileSize, err = envBytes("TRCR_MAX_FILE_SIZE", store.DefaultMaxFileSize); err != nil {
		return c, err
	}
	if c.OrgStorageQuota, err = envBytes("TRCR_ORG_STORAGE_QUOTA", store.DefaultOrgStorageQuota); err != nil {
		return c, err
	}
	if c.RequestTimeout, err = envDuration("TRCR_REQUEST_TIMEOUT", 30*time.Second); err != nil {
		return c, err
	}
	if c.RequestTimeout <= 0 {
		return c, errors.New("TRCR_REQUEST_TIMEOUT must be positive")
	}
	if c.ShutdownGrace, err = envDuration("TRCR_SHUTDOWN_GRACE", 5*time.Second); err != nil {
		return c, err
	}
	c.ReadTimeout, c.UploadTimeout, c.WriteTimeout = defaultReadTimeout, defaultUploadTimeout, c.RequestTimeout+writeSlack
	if c.LogLevel, err = envLevel("TRCR_LOG_LEVEL"); err != nil {
		return c, err
	}
	if c.RequestLogLevel, err = envLevel("TRCR_REQUEST_LOG_LEVEL"); err != nil {
		return c, err
	}
	if c.DataDir, err = filepath.Abs(c.DataDir); err != nil {
		return c, err
	}
	return c, nil
}

// envLevel reads a log level (debug, info, warn or error); info when unset.
func envLevel(k string) (slog.Level, error) {
	var l slog.Level
	v := strings.TrimSpace(os.Getenv(k))
	if v == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return l, fmt.Errorf("%s must be debug, info, warn or error, got %q", k, v)
	}
	return l, nil
}

// parsePrefixes reads a comma-separated list of CIDRs or single addresses.
func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func envBool(k string) (bool, error) {
	v := strings.TrimSpace(os.Getenv(k))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s must be true or false, got %q", k, v)
	}
	return b, nil
}

func envPositiveInt(k string, def int) (int, error) {
	v := strings.TrimSpace(os.Getenv(k))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s must be a positive integer, got %q", k, v)
	}
	return n, nil
}

// envBytes reads a positive size in bytes, with an optional KB, MB, GB or TB suffix (powers of 1024): 25MB, 5GB.
func envBytes(k string, def int64) (int64, error) {
	v := strings.ToUpper(strings.TrimSpace(os.Getenv(k)))
	if v == "" {
		return def, nil
	}
	unit := int64(1)
	for i, suffix := range []string{"KB", "MB", "GB", "TB"} {
		if n, ok := strings.CutSuffix(v, suffix); ok {
			v, unit = strings.TrimSpace(n), int64(1)<<(10*(i+1))
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(v, "B"), 10, 64)
	if err != nil || n < 1 || n > math.MaxInt64/unit {
		return 0, fmt.Errorf("%s must be a size such as 25MB or 5GB, got %q", k, os.Getenv(k))
	}
	return n * unit, nil
}

// envDuration reads a duration such as "30s" or "1m", def when unset.
func envDuration(k string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(k))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s must be a duration such as 5s or 1m, got %q", k, v)
	}
	return d, nil
}

// secret returns TRCR_SECRET, or the one generated on first start and kept in the data dir.
func (c config) secret() ([]byte, error) {
	if c.Secret != "" {
		if len(c.Secret) < 32 {
			return nil, errors.New("TRCR_SECRET must be at least 32 characters")
		}
		return []byte(c.Secret), nil
	}
	path := filepath.Join(c.DataDir, "secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	s := hex.EncodeToString(buf)
	if err := os.MkdirAll(c.DataDir, 0o755); err != nil {
		return nil, err
	}
	// O_EXCL: if two processes race on first start, the loser reads the winner's secret.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		b, err := os.ReadFile(path)
		return []byte(strings.TrimSpace(string(b))), err
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := f.WriteString(s + "\n"); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// app is the part of the configuration the wiring needs, with the secret resolved.
func (c config) app() (app.Config, error) {
	secret, err := c.secret()
	if err != nil {
		return app.Config{}, err
	}
	return app.Config{
		Store: store.Config{BaseURL: c.BaseURL, Secret: secret, AuthRateLimit: c.AuthRateLimit,
			OrgEmailsPerHour: c.OrgEmailsPerHour, OrgEmailsPerDay: c.OrgEmailsPerDay,
			MaxFileSize: c.MaxFileSize, OrgStorageQuota: c.OrgStorageQuota, WebhookAllowPrivate: c.WebhookAllowPrivate,
			AuthCacheTTL: store.DefaultAuthCacheTTL},
		DataDir: c.DataDir, DatabaseURL: c.DatabaseURL, SMTPURL: c.SMTPURL, SMTPFrom: c.SMTPFrom,
		S3Endpoint: c.S3Endpoint, S3Bucket: c.S3Bucket, S3AccessKey: c.S3AccessKey, S3SecretKey: c.S3SecretKey,
		S3Region: c.S3Region, S3PublicEndpoint: c.S3PublicEndpoint,
		DevMailbox: c.DevMailbox, TrustedProxies: c.TrustedProxies,
		RequestTimeout: c.RequestTimeout, RequestLogLevel: c.RequestLogLevel, UploadTimeout: c.UploadTimeout,
	}, nil
}
