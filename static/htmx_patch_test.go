package static

import (
	"io/fs"
	"strings"
	"testing"
)

// Our copy of htmx skips its hx-on scan when htmx.config.processHxOn is false (vendor/htmx/PATCHES.md): an
// upgrade that drops the guard fails here.
func TestHTMX_PatchedToSkipTheHxOnScan(t *testing.T) {
	t.Parallel()
	b, err := fs.ReadFile(FS, "vendor/htmx/htmx.min.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	if !strings.Contains(src, `if(Y.config.processHxOn===false){return t}`) || !strings.Contains(src, "TRCR patch") {
		t.Fatal("htmx.min.js lacks the processHxOn guard of vendor/htmx/PATCHES.md")
	}
}
