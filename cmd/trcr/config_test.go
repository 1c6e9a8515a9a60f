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
