package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// visit is one request of a browser and what its answer must be: the pages' counterpart of the API's scenario.
// Expectations left empty are not checked.
type visit struct {
	name   string // what the request shows, for failure messages
	method string // GET when empty, or POST: a form with the CSRF token of the last page read
	htmx   bool   // sent as htmx sends it: HX-Request set, the CSRF token in a header
	target string // HX-Target of an htmx request
	path   string
	form   url.Values

	status   int
	location string   // the redirect's Location
	has      []string // data-testids the page has
	hasNot   []string // data-testids it has not
	flash    string   // a flash message contains this
	contains []string // the body contains each
}

// send makes the request v describes; get, post and htmx are its shorthands.
func (b *browser) send(v visit) page {
	b.e.t.Helper()
	method := v.method
	if method == "" {
		method = http.MethodGet
	}
	form := url.Values{}
	for k, vs := range v.form {
		form[k] = vs
	}
	var body *strings.Reader
	if method == http.MethodPost {
		if !v.htmx && form.Get("_csrf") == "" {
			form.Set("_csrf", b.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequest(method, b.e.srv.URL+v.path, body)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, err = http.NewRequest(method, b.e.srv.URL+v.path, nil)
	}
	if err != nil {
		b.e.t.Fatal(err)
	}
	if v.htmx {
		req.Header.Set("HX-Request", "true")
		if method != http.MethodGet {
			req.Header.Set("X-CSRF-Token", b.csrf)
		}
		if v.target != "" {
			req.Header.Set("HX-Target", v.target)
		}
	}
	return b.read(b.c.Do(req))
}

// visit sends v and fails the test unless the answer is as v expects; it returns the page.
func (b *browser) visit(v visit) page {
	b.e.t.Helper()
	p := b.send(v)
	if problems := v.check(p); len(problems) > 0 {
		name := v.name
		if name != "" {
			name += ": "
		}
		method := v.method
		if method == "" {
			method = http.MethodGet
		}
		if v.htmx {
			method = "htmx " + method
		}
		b.e.t.Fatalf("%s%s %s: %s", name, method, v.path, strings.Join(problems, "; "))
	}
	return p
}

// visitAll visits in order: a later visit may rely on what an earlier one changed.
func (b *browser) visitAll(visits []visit) {
	b.e.t.Helper()
	for _, v := range visits {
		b.visit(v)
	}
}

func (v visit) check(p page) []string {
	var problems []string
	if v.status != 0 && p.status != v.status {
		problems = append(problems, fmt.Sprintf("status %d, want %d", p.status, v.status))
	}
	if v.location != "" && p.location != v.location {
		problems = append(problems, fmt.Sprintf("location %q, want %q", p.location, v.location))
	}
	for _, id := range v.has {
		if !p.has(id) {
			problems = append(problems, "no "+id)
		}
	}
	for _, id := range v.hasNot {
		if p.has(id) {
			problems = append(problems, "unexpected "+id)
		}
	}
	if v.flash != "" && !strings.Contains(p.text("flash"), v.flash) {
		problems = append(problems, fmt.Sprintf("flash %q, want %q", p.text("flash"), v.flash))
	}
	for _, s := range v.contains {
		if !strings.Contains(p.body, s) {
			problems = append(problems, fmt.Sprintf("no %q in the body", s))
		}
	}
	if len(problems) > 0 && len(p.body) < 2000 {
		problems = append(problems, "body "+p.body)
	}
	return problems
}

// htmxGet loads a page the way htmx does.
func htmxGet(b *browser, path string) page {
	b.e.t.Helper()
	return b.send(visit{htmx: true, path: path})
}

// count is the number of elements with a data-testid.
func (p page) count(testid string) int { return p.doc.Find(`[data-testid="` + testid + `"]`).Length() }

// texts are the texts of the elements with a data-testid, white space collapsed.
func (p page) texts(testid string) []string {
	var out []string
	p.doc.Find(`[data-testid="` + testid + `"]`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.Join(strings.Fields(s.Text()), " "))
	})
	return out
}

// find is the trimmed text of the first element matching a CSS selector.
func (p page) find(sel string) string { return strings.TrimSpace(p.doc.Find(sel).First().Text()) }

// fieldError is the message shown for a form control (named by its id or, failing that, its name), or "".
func (p page) fieldError(control string) string {
	ctl := p.doc.Find(`[id="` + control + `"]`).First()
	if ctl.Length() == 0 {
		ctl = p.doc.Find(`[name="` + control + `"]`).First()
	}
	for _, ref := range strings.Fields(ctl.AttrOr("aria-describedby", "")) {
		if strings.HasSuffix(ref, "-error") {
			return strings.TrimSpace(p.doc.Find(`[id="` + ref + `"]`).Text())
		}
	}
	return strings.TrimSpace(p.doc.Find(`[id="` + control + `-error"]`).Text())
}

// checkPage holds a page to the rules of the views tests: no inline styles or scripts (CSP), every POST form with
// its CSRF field, a data-testid and an hx-post equal to its action, unique ids, labels and descriptions that point
// at something, and a label for every control.
func checkPage(t *testing.T, what string, p page) {
	t.Helper()
	if p.doc.Find(`[style]`).Length() > 0 {
		t.Errorf("%s: inline style attribute", what)
	}
	if p.doc.Find(`script:not([src])`).Length() > 0 {
		t.Errorf("%s: inline script", what)
	}
	ids := map[string]int{}
	p.doc.Find("[id]").Each(func(_ int, s *goquery.Selection) { ids[s.AttrOr("id", "")]++ })
	for id, n := range ids {
		if n > 1 {
			t.Errorf("%s: duplicate id %q", what, id)
		}
	}
	p.doc.Find("label[for]").Each(func(_ int, s *goquery.Selection) {
		if ids[s.AttrOr("for", "")] == 0 {
			t.Errorf("%s: label for=%q has no control", what, s.AttrOr("for", ""))
		}
	})
	p.doc.Find("[aria-describedby]").Each(func(_ int, s *goquery.Selection) {
		for _, ref := range strings.Fields(s.AttrOr("aria-describedby", "")) {
			if ids[ref] == 0 {
				t.Errorf("%s: aria-describedby %q has no target", what, ref)
			}
		}
	})
	p.doc.Find(`form[method="post"]`).Each(func(_ int, f *goquery.Selection) {
		if f.Find(`input[type="hidden"][name="_csrf"]`).Length() != 1 {
			t.Errorf("%s: form %s without CSRF field", what, f.AttrOr("action", "?"))
		}
		if f.AttrOr("data-testid", "") == "" {
			t.Errorf("%s: form %s without data-testid", what, f.AttrOr("action", "?"))
		}
		if hx := f.AttrOr("hx-post", ""); hx != "" && hx != f.AttrOr("action", "") {
			t.Errorf("%s: hx-post %q differs from action %q", what, hx, f.AttrOr("action", ""))
		}
	})
	p.doc.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		if typ := s.AttrOr("type", ""); typ == "hidden" || typ == "submit" {
			return
		}
		id := s.AttrOr("id", "")
		if s.AttrOr("aria-label", "") == "" && (id == "" || p.doc.Find(`label[for="`+id+`"]`).Length() == 0) {
			t.Errorf("%s: control %q has no label", what, s.AttrOr("name", ""))
		}
	})
}
