package api_test

import (
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/api"
	"github.com/trcr/trcr/static"
)

// /api/docs renders the document with the vendored Swagger UI: every script comes from /static (the app's
// Content-Security-Policy allows no inline script and no other origin), and the assets it names are embedded.
func TestAPIDocsPageUsesOnlyVendoredScripts(t *testing.T) {
	e := newEnv(t)
	srv := echo.New()
	api.New(e.store, api.Options{}).MountDocs(srv)

	page := getHTML(t, srv, "/api/docs")
	scripts := regexp.MustCompile(`<script([^>]*)>([^<]*)</script>`).FindAllStringSubmatch(page, -1)
	if len(scripts) < 2 {
		t.Fatalf("no renderer scripts: %s", page)
	}
	for _, s := range scripts {
		src := regexp.MustCompile(`src="([^"]+)"`).FindStringSubmatch(s[1])
		if src == nil || strings.TrimSpace(s[2]) != "" {
			t.Errorf("inline script, refused by the CSP: %s", s[0])
			continue
		}
		if !strings.HasPrefix(src[1], "/static/") {
			t.Errorf("script from outside the app: %s", src[1])
		}
	}
	for _, asset := range regexp.MustCompile(`(?:src|href)="/static/([^"?]+)`).FindAllStringSubmatch(page, -1) {
		if _, err := fs.Stat(static.FS, asset[1]); err != nil {
			t.Errorf("%s is not embedded: %v", asset[1], err)
		}
	}
	for _, want := range []string{`data-url="/api/v1/openapi.json"`, `href="/api/docs/integrations"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}

	guide := getHTML(t, srv, "/api/docs/integrations")
	for _, want := range []string{"<h2", "Idempotency-Key", "X-TRCR-Signature", "Last-Event-ID", "trcr_pat_", "<table>"} {
		if !strings.Contains(guide, want) {
			t.Errorf("the integration guide lacks %s", want)
		}
	}
}

func getHTML(t *testing.T, srv *echo.Echo, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Header().Get("Content-Type"))
	}
	return rec.Body.String()
}
