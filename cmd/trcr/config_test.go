package main

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

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

func TestLoadConfig_TrustedProxies(t *testing.T) {
	t.Setenv("TRCR_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7")
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	// app's TestClientIP_TrustsForwardedForOnlyFromConfiguredProxies trusts exactly these.
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}
	if !slices.Equal(cfg.TrustedProxies, want) {
		t.Fatalf("trusted proxies %v, want %v", cfg.TrustedProxies, want)
	}
	t.Setenv("TRCR_TRUSTED_PROXIES", "not-a-cidr")
	if _, err := loadConfig(); err == nil {
		t.Fatal("a bad TRCR_TRUSTED_PROXIES was accepted")
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
