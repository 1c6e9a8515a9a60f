package static

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"
)

// No style sheet of ours blurs or filters what is behind an element: without a GPU (the page benchmark's headless
// Chromium, many a virtual desktop) the browser recomputes a backdrop-filter on the CPU in every frame that changes
// anything on the page. The top bar's blur cost ~20-30 ms a frame, a core's worth during a card click or a timer
// start (issue 15, docs/PERFORMANCE.md "Interactions, session 22").
func TestCSS_NoBackdropFilter(t *testing.T) {
	t.Parallel()
	comment := regexp.MustCompile(`(?s)/\*.*?\*/`)
	n := 0
	err := fs.WalkDir(FS, "css", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(name) != ".css" {
			return err
		}
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			return err
		}
		n++
		// Comments are blanked out line for line, so that the line numbers stay the file's.
		css := comment.ReplaceAllStringFunc(string(b), func(c string) string { return strings.Repeat("\n", strings.Count(c, "\n")) })
		for i, line := range strings.Split(css, "\n") {
			if strings.Contains(line, "backdrop-filter") {
				t.Errorf("%s:%d: %s", name, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no style sheets found under css/")
	}
}
