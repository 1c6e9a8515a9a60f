package main

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestSecureCookies(t *testing.T) {
	for url, want := range map[string]bool{
		"https://trcr.example.com":  true,
		"http://127.0.0.1:8080":     true,
		"http://localhost:8080":     true,
		"http://[::1]:8080":         true,
		"http://192.168.1.20:8080":  false,
		"http://trcr.internal:8080": false,
	} {
		if got := secureCookies(url); got != want {
			t.Errorf("secureCookies(%q) = %v, want %v", url, got, want)
		}
	}
}

func TestLoadConfig_DevMailboxIsOptInAndLoopbackOnly(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    bool
		wantErr string
	}{
		{"off by default", nil, false, ""},
		{"on for a loopback base URL", map[string]string{"TRCR_DEV_MAILBOX": "true"}, true, ""},
		{"on for localhost", map[string]string{"TRCR_DEV_MAILBOX": "true", "TRCR_BASE_URL": "http://localhost:8080"}, true, ""},
		{"refused with SMTP", map[string]string{"TRCR_DEV_MAILBOX": "true", "TRCR_SMTP_URL": "smtp://mail.example.com:25"}, false, "TRCR_SMTP_URL"},
		{"refused for a public base URL", map[string]string{"TRCR_DEV_MAILBOX": "true", "TRCR_BASE_URL": "https://trcr.example.com"}, false, "loopback"},
		{"refused when listening everywhere", map[string]string{"TRCR_DEV_MAILBOX": "true", "TRCR_ADDR": "0.0.0.0:8080"}, false, "loopback"},
		{"not a boolean", map[string]string{"TRCR_DEV_MAILBOX": "yes please"}, false, "TRCR_DEV_MAILBOX"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"TRCR_DEV_MAILBOX", "TRCR_SMTP_URL", "TRCR_BASE_URL", "TRCR_ADDR"} {
				t.Setenv(k, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, err := loadConfig()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil || cfg.DevMailbox != tc.want {
				t.Fatalf("DevMailbox = %v, err %v; want %v", cfg.DevMailbox, err, tc.want)
			}
		})
	}
}

func TestLoadConfig_TimeoutsAndShutdownGrace(t *testing.T) {
	t.Setenv("TRCR_DATA_DIR", t.TempDir())
	c, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c.RequestTimeout != 30*time.Second || c.ShutdownGrace != 5*time.Second || c.ReadTimeout != 30*time.Second ||
		c.WriteTimeout != 60*time.Second || c.UploadTimeout != 5*time.Minute {
		t.Errorf("defaults: %+v", c)
	}
	t.Setenv("TRCR_SHUTDOWN_GRACE", "0")
	t.Setenv("TRCR_REQUEST_TIMEOUT", "2m")
	if c, err = loadConfig(); err != nil || c.ShutdownGrace != 0 || c.RequestTimeout != 2*time.Minute || c.WriteTimeout != 2*time.Minute+writeSlack {
		t.Errorf("set: %+v %v", c, err)
	}
	for k, v := range map[string]string{"TRCR_SHUTDOWN_GRACE": "5", "TRCR_REQUEST_TIMEOUT": "0s"} {
		t.Run(k+"="+v, func(t *testing.T) {
			t.Setenv(k, v)
			if _, err := loadConfig(); err == nil {
				t.Errorf("%s=%s accepted", k, v)
			}
		})
	}
}

func TestClientIP_TrustsForwardedForOnlyFromConfiguredProxies(t *testing.T) {
	t.Setenv("TRCR_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7")
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TRCR_TRUSTED_PROXIES", "not-a-cidr")
	if _, err := loadConfig(); err == nil {
		t.Fatal("a bad TRCR_TRUSTED_PROXIES was accepted")
	}
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     string
		want    string
	}{
		{"no proxies: loopback peer's header ignored", nil, "127.0.0.1:1", "198.51.100.9", "127.0.0.1"},
		{"no proxies: private peer's header ignored", nil, "10.1.2.3:1", "198.51.100.9", "10.1.2.3"},
		{"trusted proxy", cfg.TrustedProxies, "10.1.2.3:1", "198.51.100.9", "198.51.100.9"},
		{"trusted single address", cfg.TrustedProxies, "192.0.2.7:1", "198.51.100.9", "198.51.100.9"},
		{"untrusted peer", cfg.TrustedProxies, "203.0.113.5:1", "198.51.100.9", "203.0.113.5"},
		{"loopback is not trusted unless listed", cfg.TrustedProxies, "127.0.0.1:1", "198.51.100.9", "127.0.0.1"},
		{"client-supplied hops left of the proxy are ignored", cfg.TrustedProxies, "10.1.2.3:1", "1.2.3.4, 198.51.100.9", "198.51.100.9"},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = tc.peer
		req.Header.Set("X-Forwarded-For", tc.xff)
		if got := clientIP(tc.trusted)(req); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestLoadConfig_OrganizationEmailQuotas(t *testing.T) {
	t.Setenv("TRCR_DATA_DIR", t.TempDir())
	c, err := loadConfig()
	if err != nil || c.OrgEmailsPerHour != 50 || c.OrgEmailsPerDay != 200 {
		t.Fatalf("defaults: %d/%d %v", c.OrgEmailsPerHour, c.OrgEmailsPerDay, err)
	}
	t.Setenv("TRCR_ORG_EMAIL_HOURLY", "5")
	t.Setenv("TRCR_ORG_EMAIL_DAILY", "12")
	if c, err = loadConfig(); err != nil || c.OrgEmailsPerHour != 5 || c.OrgEmailsPerDay != 12 {
		t.Fatalf("set: %d/%d %v", c.OrgEmailsPerHour, c.OrgEmailsPerDay, err)
	}
	for _, bad := range []string{"0", "-3", "lots"} {
		t.Setenv("TRCR_ORG_EMAIL_DAILY", bad)
		if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "TRCR_ORG_EMAIL_DAILY") {
			t.Errorf("TRCR_ORG_EMAIL_DAILY=%q: %v", bad, err)
		}
	}
}
