// Package markdown turns the Markdown people write in task descriptions and comments into HTML that is safe to
// put in a page: goldmark renders it (raw HTML in the source is dropped), then bluemonday's UGC policy keeps only
// harmless elements and attributes, so no script, event handler, style, data-* or hx-* attribute, and no
// javascript: URL can reach the page, whatever the renderer produced. Images load only from the app itself:
// an image on another host is shown as a link to it, since loading it would tell that host who reads the page.
package markdown

import (
	"bytes"
	"context"
	"html/template"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/a-h/templ"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

var (
	md = goldmark.New(
		// GitHub's flavor: tables, strikethrough, autolinks and task lists, as people expect from issue trackers.
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(remoteImagesAsLinks{}, 1000))),
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
	// Should an image on another host get past the renderer, it loads nothing.
	p.RewriteSrc(func(u *url.URL) {
		if isRemote(u.String()) {
			*u = url.URL{}
		}
	})
	return p
}

// remoteImagesAsLinks turns every image whose source is on another host into a link to it, labelled with the
// image's alt text (or its address); inside a link, the alt text alone stays. Raw HTML is dropped by the renderer,
// so Markdown images are the only ones.
type remoteImagesAsLinks struct{}

func (remoteImagesAsLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var remote []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering && isRemote(string(img.Destination)) {
			remote = append(remote, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range remote {
		parent := img.Parent()
		if !img.HasChildren() {
			img.AppendChild(img, ast.NewString(img.Destination))
		}
		if insideLink(img) {
			for c := img.FirstChild(); c != nil; c = img.FirstChild() {
				parent.InsertBefore(parent, img, c)
			}
			parent.RemoveChild(parent, img)
			continue
		}
		link := ast.NewLink()
		link.Destination, link.Title = img.Destination, img.Title
		for c := img.FirstChild(); c != nil; c = img.FirstChild() {
			link.AppendChild(link, c)
		}
		parent.ReplaceChild(parent, img, link)
	}
}

func insideLink(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.Link); ok {
			return true
		}
	}
	return false
}

// isRemote reports whether an image source would be fetched from anywhere but the app: anything but a path on
// the app's own origin or a data: URL. Backslashes count as slashes, as browsers read them.
func isRemote(src string) bool {
	src = strings.ReplaceAll(strings.TrimSpace(src), `\`, "/")
	u, err := url.Parse(src)
	if err != nil {
		return true
	}
	if strings.EqualFold(u.Scheme, "data") {
		return false
	}
	return u.Scheme != "" || u.Host != "" || strings.HasPrefix(src, "//")
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
