package api_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"
	"time"
)

// Hostile input of DECISIONS.md ("Hostile input and failure"): page numbers past the data, NUL characters and
// money past 10^12 cents are answered 200 or 400, never 500.

func TestLists_PageNumbersPastTheDataAnswerAnEmptyPage(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env
	w.sqlEntry(w.project, "Design", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Hour, 10000)
	project := e.must(201, w.as(w.owner, "POST", "/projects", map[string]any{"name": "Paged"})).str("id")
	e.must(201, w.as(w.owner, "POST", "/tasks", map[string]any{"project_id": project, "title": "One task"}))
	w.createInvoice(map[string]any{})
	e.must(201, w.as(w.owner, "POST", "/clients/"+w.client+"/activities", map[string]any{"type": "note", "title": "Called"}))
	lists := []string{"/tasks", "/time-entries", "/clients", "/projects", "/invoices", "/members", "/audit-logs",
		"/clients/" + w.client + "/activities"}
	for _, list := range lists {
		for _, query := range []string{"page=922337203685477581", "page=922337203685477581&per_page=100",
			"page=9223372036854775807&per_page=100", "page=99999999999999999999999&per_page=99999999999999999999"} {
			r := e.do(w.as(w.owner, "GET", list+"?"+query, nil))
			if r.status != 200 {
				t.Errorf("GET %s?%s: %d %s", list, query, r.status, r.raw)
				continue
			}
			meta, _ := r.json["meta"].(map[string]any)
			if len(r.data()) != 0 || meta == nil || meta["total"].(float64) < 1 {
				t.Errorf("GET %s?%s: want an empty page of a non-empty list, got %s", list, query, r.raw)
			}
		}
		e.must(400, w.as(w.owner, "GET", list+"?page=-922337203685477581", nil))
	}
}

func TestMoneyFields_AboveTenToTheTwelveCentsAre400(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env
	const bound = 1_000_000_000_000
	memberID := w.sqlID(`SELECT id FROM members WHERE user_id = $1`, w.member.id)
	entry := e.must(201, w.as(w.owner, "POST", "/time-entries", map[string]any{
		"project_id": w.project, "started_at": "2026-03-02T09:00:00Z", "stopped_at": "2026-03-02T10:00:00Z"})).str("id")
	inv := w.createInvoice(map[string]any{}).str("id")
	item := e.must(201, w.as(w.owner, "POST", "/invoices/"+inv+"/line-items",
		map[string]any{"description": "Retainer", "quantity": 1, "unit_price": 100})).json
	// A sent invoice whose balance takes a payment at the bound.
	sent := w.createInvoice(map[string]any{}).str("id")
	e.must(201, w.as(w.owner, "POST", "/invoices/"+sent+"/line-items", map[string]any{"description": "Retainer", "quantity": 2, "unit_price": bound}))
	w.db.MustExec(`UPDATE invoices SET status = 'sent' WHERE id = $1`, sent)

	cases := []struct {
		method, path string
		body         map[string]any // field is set to the amount
		field        string
		okStatus     int
	}{
		{"POST", "/clients", map[string]any{"name": "Rich client"}, "hourly_rate", 201},
		{"PUT", "/clients/" + w.client, map[string]any{}, "hourly_rate", 200},
		{"POST", "/projects", map[string]any{"name": "Rich project"}, "hourly_rate", 201},
		{"PUT", "/projects/" + w.project, map[string]any{}, "hourly_rate", 200},
		{"PUT", "/members/" + memberID, map[string]any{}, "cost_rate", 200},
		{"POST", "/time-entries", map[string]any{"project_id": w.project, "started_at": "2026-03-03T09:00:00Z",
			"stopped_at": "2026-03-03T10:00:00Z"}, "hourly_rate", 201},
		{"PUT", "/time-entries/" + entry, map[string]any{}, "hourly_rate", 200},
		{"POST", "/invoices/" + inv + "/line-items", map[string]any{"description": "More", "quantity": 1}, "unit_price", 201},
		{"PUT", "/invoices/" + inv + "/line-items/" + item["id"].(string), map[string]any{}, "unit_price", 200},
		{"POST", "/payments", map[string]any{"invoice_id": sent}, "amount", 201},
	}
	for _, c := range cases {
		body := func(amount int64) map[string]any {
			b := map[string]any{c.field: amount}
			for k, v := range c.body {
				b[k] = v
			}
			return b
		}
		for _, over := range []int64{bound + 1, 9223372036854775807} {
			r := e.do(w.as(w.owner, c.method, c.path, body(over)))
			if msg := r.fieldMessage(c.field); r.status != 400 || msg != c.field+" must be at most 1000000000000 (cents)" {
				t.Errorf("%s %s with %s %d: %d %s", c.method, c.path, c.field, over, r.status, r.raw)
			}
		}
		if r := e.do(w.as(w.owner, c.method, c.path, body(bound))); r.status != c.okStatus {
			t.Errorf("%s %s with %s at the bound: %d %s", c.method, c.path, c.field, r.status, r.raw)
		}
	}
	// Nothing over the bound was stored.
	if n := w.count(`SELECT (SELECT count(*) FROM clients WHERE hourly_rate > $1) + (SELECT count(*) FROM projects WHERE hourly_rate > $1)
		+ (SELECT count(*) FROM members WHERE cost_rate > $1) + (SELECT count(*) FROM time_entries WHERE hourly_rate > $1)
		+ (SELECT count(*) FROM invoice_line_items WHERE unit_price > $1) + (SELECT count(*) FROM payments WHERE amount > $1)`, bound); n != 0 {
		t.Errorf("%d amounts over the bound stored", n)
	}
	// The invoice discount is a percentage: at most 100.
	e.must(400, w.as(w.owner, "PUT", "/invoices/"+inv, map[string]any{"discount": 100.0001}))
	e.must(200, w.as(w.owner, "PUT", "/invoices/"+inv, map[string]any{"discount": 100}))
}

func TestProfitabilityReport_LegacyHugeRatesAnswer200(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env
	// Rates stored before the bound existed.
	w.db.MustExec(`UPDATE members SET cost_rate = 9223372036854775807 WHERE organization_id = $1`, w.org)
	w.sqlEntry(w.project, "Legacy", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 3*time.Hour, 9223372036854775807)
	w.sqlEntry(w.secondProject, "Normal", time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), time.Hour, 10000)
	for _, group := range []string{"project", "client"} {
		r := e.must(200, w.as(w.owner, "GET", "/reports/profitability?from=2026-03-01&to=2026-03-31&group_by="+group, nil))
		if len(r.data()) != 2 {
			t.Errorf("by %s: %s", group, r.raw)
		}
	}
}

func TestNUL_InBodiesQueriesAndPathsIs400(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env
	project := e.must(201, w.as(w.owner, "POST", "/projects", map[string]any{"name": "NUL"})).str("id")
	tasks := func() int { return w.count(`SELECT count(*) FROM tasks`) }
	before := tasks()

	for _, c := range []struct {
		name, path, body, field string
	}{
		{"escape in a title", "/tasks", `{"project_id": "` + project + `", "title": "a\u0000b"}`, "title"},
		{"escape alone", "/tasks", `{"project_id": "` + project + `", "title": "\u0000"}`, "title"},
		{"escape in an array", "/tasks", `{"project_id": "` + project + `", "title": "ok", "label_ids": ["x\u0000"]}`, "label_ids[0]"},
		{"escape in an ignored field", "/tasks", `{"project_id": "` + project + `", "title": "ok", "extra": "\u0000"}`, "extra"},
		{"escape in a key", "/tasks", `{"project_id": "` + project + `", "title": "ok", "a\u0000": 1}`, "body"},
		{"escape in a nested object", "/clients", `{"name": "Nul Co", "address": {"street": "Main\u0000Street"}}`, "address.street"},
	} {
		r := e.do(req{method: "POST", path: c.path, token: w.owner.token, org: w.org, body: c.body})
		if r.status != 400 || r.fieldMessage(c.field) != c.field+" must not contain NUL characters" {
			t.Errorf("%s: %d %s", c.name, r.status, r.raw)
		}
	}
	// A raw NUL byte is not JSON at all.
	e.must(400, req{method: "POST", path: "/tasks", token: w.owner.token, org: w.org, body: "{\"project_id\": \"" + project + "\", \"title\": \"a\x00b\"}"})
	if n := tasks(); n != before {
		t.Fatalf("refused bodies stored %d tasks", n-before)
	}
	if n := w.count(`SELECT count(*) FROM clients WHERE name = 'Nul Co'`); n != 0 {
		t.Fatal("refused body stored a client")
	}
	// An escaped backslash before u0000 is the six characters \u0000, not a NUL.
	r := e.must(201, req{method: "POST", path: "/tasks", token: w.owner.token, org: w.org, body: `{"project_id": "` + project + `", "title": "\\u0000"}`})
	if r.str("title") != `\u0000` {
		t.Errorf("title %q", r.str("title"))
	}

	for _, path := range []string{"/tasks?search=%00", "/tasks?search=a%00b&page=1", "/time-entries?description=%00", "/clients?search=x%00",
		"/tasks?a%00=1", "/tasks/%00", "/clients/" + w.client + "%00", "/reports/timesheet?from=2026-03-01&to=2026-03-31&description=%00"} {
		if r := e.do(w.as(w.owner, "GET", path, nil)); r.status != 400 || r.errCode() != "validation_failed" {
			t.Errorf("GET %s: %d %s", path, r.status, r.raw)
		}
	}
	// Unauthenticated routes too.
	e.must(400, req{method: "POST", path: "/auth/login", body: `{"email": "a\u0000@example.com", "password": "x"}`})
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

func TestImageUploads_DecompressionBombsAre400Fast(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Bomb Thrower")
	org := e.org(u, "Bomb Co")
	bombs := map[string][]byte{
		"8000x8000 16-bit": grayPNGBomb(t, 8000, 8000, 16),
		"5000x5000 8-bit":  grayPNGBomb(t, 5000, 5000, 8),
		"64x64 16-bit":     grayPNGBomb(t, 64, 64, 16),
	}
	for name, bomb := range bombs {
		ct, body := multipartBody(t, "file", "bomb.png", "image/png", bomb)
		for _, path := range []string{"/users/me/avatar/upload", "/organizations/" + org + "/logo/upload"} {
			start := time.Now()
			r := e.do(req{method: "POST", path: path, token: u.token, body: body, contentType: ct})
			if r.status != 400 || !strings.Contains(r.fieldMessage("file"), "at most 16 megapixels") {
				t.Errorf("%s to %s: %d %s", name, path, r.status, r.raw)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("%s to %s took %v", name, path, d)
			}
		}
	}
	if r := e.must(200, req{method: "GET", path: "/users/me", token: u.token}); r.json["avatar_url"] != nil {
		t.Error("a refused upload set the avatar")
	}
}

func TestInvoicePDF_EmojiAndAstralTextArePrintedAsReplacements(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env
	const party = "🎉 𝐏𝐚𝐫𝐭𝐲 \u202bשלום\u202c"
	w.db.MustExec(`UPDATE clients SET name = $2, address = jsonb_build_object('street', $3::text) WHERE id = $1`, w.client,
		"Zoë "+party, "Street 👍🏽")
	e.must(200, w.as(w.owner, "PUT", "/organizations/"+w.org, map[string]any{"name": "Acme 🚀",
		"settings": map[string]any{"address": "1 Main 🏠 Street", "tax_id": "DE 𝟏𝟐𝟑"}}))
	w.sqlEntry(w.project, "Design "+party, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Hour, 10000)
	id := w.createInvoice(map[string]any{"project_id": w.project, "issue_date": "2026-03-01", "notes": "Thanks 🙏\nLine two \x01"}).str("id")
	e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/generate", map[string]any{"from": "2026-03-01", "to": "2026-03-31"}))
	e.must(201, w.as(w.owner, "POST", "/invoices/"+id+"/line-items", map[string]any{"description": "Extra 😀 e\u0301", "quantity": 1, "unit_price": 500}))

	r := e.must(200, w.as(w.owner, "GET", "/invoices/"+id+"/pdf", nil))
	text := apiPDFText(t, r.raw)
	for _, want := range []string{"Acme ?", "1 Main ? Street", "DE 123", "Zoë ? Party ????", "Design ? Party ????", "Extra ? é",
		"Street ??", "Thanks ?", "Line two", "105.00 EUR"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q:\n%s", want, text)
		}
	}
}
