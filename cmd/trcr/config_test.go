package main

import (
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
