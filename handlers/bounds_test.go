package handlers_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestPages_PageNumbersPastTheDataShowAnEmptyPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.withOrg("Paula Pager", "paula@example.com", "Pager Co")
	var client string
	if err := e.db.Get(&client, `INSERT INTO clients (organization_id, name) SELECT id, 'Big Client' FROM organizations RETURNING id`); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/tasks", "/members", "/projects", "/clients", "/invoices", "/audit-logs", "/clients/" + client} {
		for _, query := range []string{"?page=922337203685477581", "?page=9223372036854775807&per_page=100", "?page=99999999999999999999999"} {
			b.visit(visit{path: path + query, status: http.StatusOK})
		}
	}
}

func TestReports_LegacyHugeRatesShowTheBoundNotAnError(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	// Written before rates were bounded: 2^63-1 cents an hour, for two hours.
	var legacy string
	if err := r.e.db.Get(&legacy, `INSERT INTO projects (organization_id, name, hourly_rate) VALUES ($1, 'Legacy', 9223372036854775807) RETURNING id`, r.ownerA.OrgID); err != nil {
		t.Fatal(err)
	}
	r.e.db.MustExec(`INSERT INTO time_entries (organization_id, user_id, project_id, started_at, stopped_at, billable)
		VALUES ($1, $2, $3, '2026-03-04T09:00:00Z', '2026-03-04T11:00:00Z', true)`, r.ownerA.OrgID, r.ownerA.UserID, legacy)
	for _, path := range []string{"/reports/profitability?" + march, "/reports/profitability?" + march + "&group_by=client",
		"/reports/profitability.csv?" + march} {
		r.owner.visit(visit{path: path, status: http.StatusOK})
	}
	p := r.owner.get("/reports/profitability?" + march)
	// The legacy row reads at the bound, and adding the other rows to it keeps the total there.
	if _, _, totals := tableSums(t, p); len(totals) < 3 || totals[0] < 9e16 || totals[2] < 9e16 {
		t.Errorf("totals %v, want revenue and profit at the bound", totals)
	}
}

func TestPages_NULInFormsAndQueriesIs400WithTheErrorPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.withOrg("Nora Nul", "nora@example.com", "Nul Co")
	count := func(query string) int {
		var n int
		if err := e.db.Get(&n, query); err != nil {
			t.Fatal(err)
		}
		return n
	}
	b.get("/projects/new")
	for _, name := range []string{"Bad\x00name", "\x00"} {
		if p := b.post("/projects/new", url.Values{"name": {name}, "color": {"#336699"}}); p.status != http.StatusBadRequest || !p.has("error-page") {
			t.Errorf("project name %q: %d", name, p.status)
		}
	}
	b.visit(visit{name: "NUL in a field name", method: http.MethodPost, path: "/projects/new", form: url.Values{"name": {"Fine"}, "color": {"#336699"}, "bad\x00key": {"x"}}, status: http.StatusBadRequest})
	if n := count(`SELECT count(*) FROM projects`); n != 0 {
		t.Errorf("refused forms stored %d projects", n)
	}
	b.get("/profile")
	b.visit(visit{name: "profile", method: http.MethodPost, path: "/profile", form: url.Values{"name": {"Nora\x00"}, "timezone": {"UTC"}}, status: http.StatusBadRequest})
	b.visit(visit{name: "profile over htmx", method: http.MethodPost, htmx: true, path: "/profile", form: url.Values{"name": {"Nora\x00"}, "timezone": {"UTC"}}, status: http.StatusBadRequest})
	if n := count(`SELECT count(*) FROM users WHERE name LIKE 'Nora%' AND name <> 'Nora Nul'`); n != 0 {
		t.Error("refused form changed the profile")
	}
	for _, path := range []string{"/tasks?q=%00", "/clients?q=a%00b", "/time?week=%00", "/members?x%00=1", "/invoices/%00"} {
		if p := b.get(path); p.status != http.StatusBadRequest || !p.has("error-page") {
			t.Errorf("GET %s: %d", path, p.status)
		}
	}
	// Still usable afterwards.
	b.get("/projects/new")
	if p := b.post("/projects/new", url.Values{"name": {"Fine"}, "color": {"#336699"}}); p.status >= 400 {
		t.Errorf("a clean form after refusals: %d", p.status)
	}
}

// grayPNGBomb is a valid, all-black w×h grayscale PNG of 8 or 16 bits, a few hundred KB even at 8000×8000.
func grayPNGBomb(t *testing.T, w, h int, depth byte) []byte {
	t.Helper()
	chunk := func(typ string, data []byte) []byte {
		out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		out = append(append(out, typ...), data...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = depth
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	row := make([]byte, 1+w*int(depth)/8)
	for range h {
		zw.Write(row)
	}
	zw.Close()
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", z.Bytes())...)
	return append(out, chunk("IEND", nil)...)
}

// upload posts one file as htmx does, the CSRF token in its header.
func (b *browser) upload(path, field string, data []byte) page {
	b.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile(field, "image.png")
	if err != nil {
		b.e.t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", b.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", b.csrf)
	return b.read(b.c.Do(req))
}

func TestPages_ImageBombUploadsAreRefusedInTheForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.withOrg("Bea Bomb", "bea@example.com", "Bomb Co")
	bomb := grayPNGBomb(t, 8000, 8000, 16)
	for _, c := range []struct{ page, path, field string }{
		{"/profile", "/profile/avatar", "avatar"},
		{"/settings/organization", "/settings/organization/logo", "logo"},
	} {
		b.get(c.page)
		start := time.Now()
		p := b.upload(c.path, c.field, bomb)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "16 megapixels") {
			t.Errorf("POST %s: %d %s", c.path, p.status, p.body)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("POST %s took %v", c.path, d)
		}
	}
}

func TestInvoicePDFs_EmojiInLineItemsAndClientStillRender(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	id := w.draft(t)
	w.addLine(t, id, "Launch party 🎉 𝐀𝐁 \u202bשלום\u202c", "2", "50")
	w.e.db.MustExec(`UPDATE clients SET name = 'Acme 🚀 Corp' WHERE id = $1`, w.clientID)
	w.e.db.MustExec(`UPDATE invoices SET status = 'sent', sent_at = now() WHERE id = $1`, id)
	public := strings.Replace(strings.TrimPrefix(w.e.store.InvoiceLink(id, 0), "http://trcr.test"), "?sig=", "/pdf?sig=", 1)
	// The owner's download, and the public link's without a session.
	pdfs := []*browser{w.owner, w.e.browser()}
	paths := []string{"/invoices/" + id + "/pdf", public}
	for i, path := range paths {
		res, err := pdfs[i].c.Get(w.e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, 5)
		_, _ = res.Body.Read(head)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || string(head) != "%PDF-" {
			t.Errorf("GET %s: %d %q", path, res.StatusCode, head)
		}
	}
}
