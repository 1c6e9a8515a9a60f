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

// PDF attachments are previewed in a frame of their signed link: the app's own with local files, the bucket's with
// S3. Nothing else may be framed.
func TestContentSecurityPolicy_FramesOnlyFromTheAppAndItsStorage(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  config
		want string
	}{
		{"local files", config{BaseURL: "https://trcr.example.com"}, "frame-src 'self';"},
		{"s3 public endpoint", config{BaseURL: "https://trcr.example.com", S3Endpoint: "http://10.0.0.5:9000", S3PublicEndpoint: "https://files.example.com/trcr"},
			"frame-src 'self' https://files.example.com;"},
	} {
		if policy := contentSecurityPolicy(c.cfg); !strings.Contains(policy, c.want) {
			t.Errorf("%s: %q lacks %q", c.name, policy, c.want)
		}
	}
}
