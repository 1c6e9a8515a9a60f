package main

import (
	"strings"
	"testing"
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
