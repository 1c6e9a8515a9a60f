package main

import (
	"bytes"
	"github.com/trcr/trcr/cmd/trcr/app"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// make run logs requests at debug, so at the default level they stay out of the log; TRCR_LOG_LEVEL=debug
// brings them back.
func TestRequestLog_LevelIsConfigurable(t *testing.T) {
	t.Setenv("TRCR_DATA_DIR", t.TempDir())
	t.Setenv("TRCR_REQUEST_LOG_LEVEL", "debug")
	t.Setenv("TRCR_LOG_LEVEL", "")
	cfg, err := loadConfig()
	if err != nil || cfg.RequestLogLevel != slog.LevelDebug || cfg.LogLevel != slog.LevelInfo {
		t.Fatalf("config: %v %v %v", err, cfg.RequestLogLevel, cfg.LogLevel)
	}
	request := func(level slog.Level) string {
		var buf bytes.Buffer
		e := echo.New()
		e.Use(app.RequestLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: level})), cfg.RequestLogLevel))
		e.GET("/x", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
		return buf.String()
	}
	if got := request(slog.LevelInfo); got != "" {
		t.Errorf("a debug request line shows at info: %q", got)
	}
	if got := request(slog.LevelDebug); !strings.Contains(got, "level=DEBUG msg=request") || !strings.Contains(got, "status=204") {
		t.Errorf("request line at debug: %q", got)
	}
	t.Setenv("TRCR_REQUEST_LOG_LEVEL", "chatty")
	if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "TRCR_REQUEST_LOG_LEVEL") {
		t.Errorf("a bad level: %v", err)
	}
}

// The banner printed last names the URL and, on a development machine, the demo login and the mailbox.
func TestReadyBanner_URLAndDemoLoginInDevelopment(t *testing.T) {
	dev := readyBanner(config{BaseURL: "http://127.0.0.1:8080", DevMailbox: true})
	for _, want := range []string{"TRCR is running at http://127.0.0.1:8080", "Demo login: demo@trcr.local / trcr-demo-2026", "make seed", "/dev/mailbox"} {
		if !strings.Contains(dev, want) {
			t.Errorf("banner lacks %q:\n%s", want, dev)
		}
	}
	if prod := readyBanner(config{BaseURL: "https://trcr.example.com"}); strings.Contains(prod, "trcr-demo-2026") {
		t.Errorf("a production banner shows the demo password:\n%s", prod)
	}
}
