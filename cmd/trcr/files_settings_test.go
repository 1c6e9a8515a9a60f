package main

import (
	"strings"
	"testing"
)

func TestLoadConfig_FileLimits(t *testing.T) {
	t.Setenv("TRCR_DATA_DIR", t.TempDir())
	c, err := loadConfig()
	if err != nil || c.MaxFileSize != 25<<20 || c.OrgStorageQuota != 5<<30 {
		t.Fatalf("defaults: %d/%d %v", c.MaxFileSize, c.OrgStorageQuota, err)
	}
	for v, want := range map[string]int64{"1048576": 1 << 20, "50MB": 50 << 20, "512 kb": 512 << 10, "2GB": 2 << 30, "1TB": 1 << 40} {
		t.Setenv("TRCR_MAX_FILE_SIZE", v)
		if c, err = loadConfig(); err != nil || c.MaxFileSize != want {
			t.Errorf("TRCR_MAX_FILE_SIZE=%q: %d %v", v, c.MaxFileSize, err)
		}
	}
	for _, bad := range []string{"0", "-3MB", "lots", "5 PB", "9999999999TB"} {
		t.Setenv("TRCR_ORG_STORAGE_QUOTA", bad)
		if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "TRCR_ORG_STORAGE_QUOTA") {
			t.Errorf("TRCR_ORG_STORAGE_QUOTA=%q: %v", bad, err)
		}
	}
}

// The limits read from the environment reach the store through the app's wiring: a setting that config.go reads
// and app() drops would silently keep its default.
func TestConfigApp_CarriesTheStoreSettings(t *testing.T) {
	t.Setenv("TRCR_DATA_DIR", t.TempDir())
	t.Setenv("TRCR_MAX_FILE_SIZE", "3MB")
	t.Setenv("TRCR_ORG_STORAGE_QUOTA", "1GB")
	t.Setenv("TRCR_WEBHOOK_ALLOW_PRIVATE", "true")
	t.Setenv("TRCR_ORG_EMAIL_HOURLY", "7")
	c, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.app()
	if err != nil {
		t.Fatal(err)
	}
	if s := a.Store; s.MaxFileSize != 3<<20 || s.OrgStorageQuota != 1<<30 || !s.WebhookAllowPrivate || s.OrgEmailsPerHour != 7 {
		t.Fatalf("store settings: %+v", s)
	}
}
