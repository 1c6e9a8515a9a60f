package views

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// An icon is the <use> of its symbol and nothing else: the drawing's viewBox, stroke and fill are on the symbol,
// which every <use> inherits, so that a page of many icons (a board has a thousand) does not repeat them.
func TestIcon_DrawsFromItsSymbol(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	if err := Icon("calendar").Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	want := `<svg class="icon" width="16" height="16" aria-hidden="true"><use href="` + iconHref("calendar") + `"></use></svg>`
	if b.String() != want {
		t.Fatalf("icon:\n got %s\nwant %s", b.String(), want)
	}
	symbols := regexp.MustCompile(`<symbol [^>]*>`).FindAllString(string(IconSprite()), -1)
	if len(symbols) != len(iconPaths) {
		t.Fatalf("%d symbols for %d icons", len(symbols), len(iconPaths))
	}
	for _, s := range symbols {
		if !strings.Contains(s, iconDrawing) {
			t.Fatalf("symbol without the drawing attributes: %s", s)
		}
	}
}
