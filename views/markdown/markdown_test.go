package markdown

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func parse(t *testing.T, html string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestHTML_RendersCommonMarkdown(t *testing.T) {
	t.Parallel()
	src := "# Plan\n\nSome **bold** and _italic_ text with `code`.\nSecond line.\n\n" +
		"- [x] done\n- [ ] todo\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" +
		"See [the docs](https://example.com/docs) or https://example.org and [home](/projects).\n\n```go\nfmt.Println(\"hi\")\n```\n"
	doc := parse(t, string(HTML(src)))
	for sel, want := range map[string]int{
		"h1": 1, "strong": 1, "em": 1, "code": 2, "ul li": 2, "table td": 2, "pre code": 1, "br": 1,
		`input[type="checkbox"][disabled]`: 2, `input[checked]`: 1,
		`a[href="https://example.com/docs"][target="_blank"]`: 1, `a[href="https://example.org"]`: 1, `a[href="/projects"]`: 1,
	} {
		if got := doc.Find(sel).Length(); got != want {
			t.Errorf("%s: %d elements, want %d", sel, got, want)
		}
	}
	rel := doc.Find(`a[href="https://example.com/docs"]`).AttrOr("rel", "")
	if !strings.Contains(rel, "nofollow") || !strings.Contains(rel, "noreferrer") {
		t.Errorf("external link rel = %q", rel)
	}
	if HTML("   \n") != "" {
		t.Errorf("blank source should render nothing")
	}
}

// TestHTML_NothingDangerousSurvives feeds the renderer what an attacker would write in a comment and checks the
// output structurally: no active elements, no event handlers, no styles, no data-* or htmx attributes, no
// script URLs.
func TestHTML_NothingDangerousSurvives(t *testing.T) {
	t.Parallel()
	attacks := []string{
		`<script>alert(1)</script>`,
		`<img src="x" onerror="alert(1)">`,
		`<a href="/x" hx-post="/tasks/1/delete" hx-trigger="load">click</a>`,
		`<div hx-get="/evil" hx-trigger="load" data-x="1" style="position:fixed;inset:0">overlay</div>`,
		`<p onclick="alert(1)" onmouseover="alert(2)" style="color:red">hi</p>`,
		`<iframe src="https://evil.example"></iframe><object data="x"></object><embed src="x">`,
		`<form action="/logout" method="post"><button>go</button></form>`,
		`<style>body{display:none}</style>`,
		`<svg onload="alert(1)"><script>alert(1)</script></svg>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`[click](javascript:alert(1))`,
		`[click](JaVaScRiPt:alert(1))`,
		`[click](&#106;avascript:alert(1))`,
		`[click](javascript&#58;alert(1))`,
		"[click](\x01javascript:alert(1))",
		`[click](vbscript:msgbox(1))`,
		`[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
		`![img](javascript:alert(1))`,
		`<javascript:alert(1)>`,
		"[ref]\n\n[ref]: javascript:alert(1)",
		`<a href="javascript:alert(1)">x</a>`,
		`<a href=" javascript:alert(1)">x</a>`,
		`[x](https://ok.example "title\" onmouseover=\"alert(1))`,
		"```\n<script>alert(1)</script>\n```",
		`<details open ontoggle="alert(1)"><summary>x</summary></details>`,
		`<input autofocus onfocus="alert(1)">`,
		`<a href="/ok" data-hx-post="/x" hx-on:click="alert(1)" hx-on::after-request="alert(1)">x</a>`,
	}
	for _, src := range attacks {
		out := string(HTML(src))
		doc := parse(t, out)
		if n := doc.Find("script, iframe, object, embed, form, style, svg, math, button, textarea, select, link, meta, base").Length(); n > 0 {
			t.Errorf("%q: active element survived: %s", src, out)
		}
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				k := strings.ToLower(a.Key)
				v := strings.ToLower(strings.TrimSpace(a.Val))
				switch {
				case strings.HasPrefix(k, "on"), k == "style", strings.HasPrefix(k, "data-"), strings.HasPrefix(k, "hx-"),
					strings.HasPrefix(k, "data-hx"), k == "autofocus", k == "formaction":
					t.Errorf("%q: attribute %s survived: %s", src, a.Key, out)
				case (k == "href" || k == "src") && (strings.Contains(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:")):
					t.Errorf("%q: dangerous URL %s=%q survived: %s", src, a.Key, a.Val, out)
				}
				if s.Is("input") && k != "type" && k != "checked" && k != "disabled" {
					t.Errorf("%q: input attribute %s survived: %s", src, a.Key, out)
				}
			}
			if s.Is("input") && s.AttrOr("type", "") != "checkbox" {
				t.Errorf("%q: non-checkbox input survived: %s", src, out)
			}
		})
		if strings.Contains(strings.ToLower(out), "<script") {
			t.Errorf("%q: script text in output: %s", src, out)
		}
	}
}

func TestRender_WritesTheSameHTML(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Render("**hi** <b onclick=x>").Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != string(HTML("**hi** <b onclick=x>")) {
		t.Errorf("Render = %q", buf.String())
	}
	if strings.Contains(buf.String(), "onclick") {
		t.Errorf("onclick survived: %s", buf.String())
	}
}

// An image on another host would be fetched by every reader's browser, telling that host who read the page and
// when (a tracking pixel): it is shown as a link instead. Images of the app itself stay images.
func TestHTML_RemoteImagesBecomeLinks(t *testing.T) {
	t.Parallel()
	for src, link := range map[string]string{
		"![pixel](https://tracker.example/p.gif)":                       "https://tracker.example/p.gif",
		"![](http://tracker.example/p.gif)":                             "http://tracker.example/p.gif",
		"![pixel](HTTPS://tracker.example/p.gif \"title\")":             "https://tracker.example/p.gif",
		"![pixel](//tracker.example/p.gif)":                             "//tracker.example/p.gif",
		"![pixel](/\\tracker.example/p.gif)":                            "",
		"![pixel][ref]\n\n[ref]: https://tracker.example/p.gif":         "https://tracker.example/p.gif",
		"[![badge](https://tracker.example/b.svg)](https://ci.example)": "https://ci.example",
	} {
		doc := parse(t, string(HTML(src)))
		if n := doc.Find("img").Length(); n != 0 {
			t.Errorf("%q: %d images survived: %s", src, n, HTML(src))
		}
		a := doc.Find("a")
		if a.Length() != 1 || (link != "" && a.AttrOr("href", "") != link) || strings.TrimSpace(a.Text()) == "" {
			t.Errorf("%q: want one link to %q with text, got %s", src, link, HTML(src))
		}
	}
	doc := parse(t, string(HTML("![pixel](https://tracker.example/p.gif)")))
	if got := strings.TrimSpace(doc.Find("a").Text()); got != "pixel" {
		t.Errorf("the link reads %q, want the image's alt text", got)
	}
	for _, local := range []string{"![chart](/blobs/org/chart.png)", "![chart](chart.png)"} {
		if n := parse(t, string(HTML(local))).Find("img[src]").Length(); n != 1 {
			t.Errorf("%q: the app's own image was dropped: %s", local, HTML(local))
		}
	}
	// Whatever produced it, the sanitizer lets no remote image source through.
	if out := policy.Sanitize(`<img src="https://tracker.example/p.gif" alt="x"><img src="//tracker.example/q.gif">`); strings.Contains(out, "tracker.example") {
		t.Errorf("the sanitizer kept a remote image: %s", out)
	}
}
