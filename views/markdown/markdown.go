// Package markdown turns the Markdown people write in task descriptions and comments into HTML that is safe to
// put in a page: goldmark renders it (raw HTML in the source is dropped), then bluemonday's UGC policy keeps only
// harmless elements and attributes, so no script, event handler, style, data-* or hx-* attribute, and no
// javascript: URL can reach the page, whatever the renderer produced.
package markdown

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"regexp"
	"strings"

	"github.com/a-h/templ"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

var (
	md = goldmark.New(
		// GitHub's flavor: tables, strikethrough, autolinks and task lists, as people expect from issue trackers.
		goldmark.WithExtensions(extension.GFM),
		// Hard wraps: a single newline in a comment is a line break, as people typing in a textarea mean it.
		goldmark.WithRendererOptions(html.WithHardWraps()),
	)
	policy = newPolicy()
)

// checkbox attributes GFM task lists render; the UGC policy has no input element.
var checkboxType = regexp.MustCompile(`^checkbox$`)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// Task list items: a disabled checkbox, nothing else of <input>.
	p.AllowAttrs("type").Matching(checkboxType).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	// Links leave the app in a new tab and pass no referrer or ranking.
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// HTML renders Markdown to sanitized HTML.
func HTML(src string) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark only fails on writer errors, which a buffer never returns; show the text rather than nothing.
		return template.HTML(template.HTMLEscapeString(src)) //nolint:gosec // escaped just above
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitized by the UGC policy
}

// Render is HTML as a templ component.
func Render(src string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, string(HTML(src)))
		return err
	})
}
