package handlers_test

import (
	"bytes"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
)

// uploadFile posts a file the way attachments.js does: multipart, the CSRF token in its header, as htmx.
func uploadFile(b *browser, taskID, name, declared string, data []byte) page {
	b.e.t.Helper()
	body, ct := fileForm(b.e.t, name, declared, data)
	req, _ := http.NewRequest("POST", b.e.srv.URL+"/tasks/"+taskID+"/attachments", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("X-CSRF-Token", b.csrf)
	return b.read(b.c.Do(req))
}

func fileForm(t *testing.T, name, declared string, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreatePart(map[string][]string{
		"Content-Disposition": {`form-data; name="file"; filename="` + name + `"`},
		"Content-Type":        {declared},
	})
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	return buf.Bytes(), w.FormDataContentType()
}

func smallPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 640, 480))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTaskPanel_AttachmentsUploadPreviewAndDelete(t *testing.T) {
	w := newWorkTeam(t)
	task := w.task(t, store.TaskInput{Title: "Mock-ups"})

	// No files yet: the section says so and offers the drop zone and picker.
	p := htmxGet(w.member, "/tasks/"+task.ID+"/panel")
	if !p.has("tp-att-empty") || !p.has("tp-att-drop") || !p.has("tp-att-input") {
		t.Fatalf("empty section: %s", p.doc.Find("#tp-attachments").Text())
	}
	if got := p.doc.Find("#tp-attachments").AttrOr("data-max-size-label", ""); got != "25 MB" {
		t.Fatalf("max size label %q", got)
	}

	// The member uploads an image and a text file; each answer is the section with the list.
	r := uploadFile(w.member, task.ID, "screen.png", "image/png", smallPNG(t))
	if r.status != http.StatusOK || r.doc.Find(`#tp-att-list [data-testid="tp-attachment"]`).Length() != 1 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	img := r.doc.Find(`[data-testid="tp-att-open"]`).First()
	if img.Text() != "screen.png" || img.AttrOr("data-att-kind", "") != "image" || !r.has("tp-att-thumb") {
		t.Fatalf("image row: %s", r.doc.Find("#tp-att-list").Text())
	}
	r = uploadFile(w.member, task.ID, "notes.txt", "text/plain", []byte("Decisions:\n<b>not bold</b> & done\n"))
	if r.status != http.StatusOK {
		t.Fatalf("text upload: %d %s", r.status, r.body)
	}
	text := r.doc.Find(`[data-att-kind="text"]`)
	preview := text.AttrOr("data-att-preview", "")
	if text.Length() != 1 || preview == "" {
		t.Fatalf("text row: %s", r.doc.Find("#tp-att-list").Text())
	}
	// The text preview shows the file as text: markup in it is escaped, not rendered.
	pv := htmxGet(w.owner, preview)
	if pv.status != http.StatusOK || pv.text("tp-att-text") != "Decisions:\n<b>not bold</b> & done" || pv.doc.Find("pre b").Length() != 0 {
		t.Fatalf("preview: %d %s", pv.status, pv.body)
	}
	// An image has no text preview.
	imgID := strings.TrimPrefix(r.doc.Find(`[data-testid="tp-attachment"]`).First().AttrOr("id", ""), "att-")
	if r := htmxGet(w.owner, "/tasks/"+task.ID+"/attachments/"+imgID+"/preview"); r.status != http.StatusBadRequest {
		t.Fatalf("image preview: %d", r.status)
	}

	// The owner uploads one too. The member may delete their own files only; the owner, any.
	uploadFile(w.owner, task.ID, "brief.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"))
	p = htmxGet(w.member, "/tasks/"+task.ID+"/panel")
	if n := p.doc.Find(`[data-testid="tp-attachment"]`).Length(); n != 3 {
		t.Fatalf("%d files listed", n)
	}
	if n := p.doc.Find(`[data-testid="tp-att-delete"]`).Length(); n != 2 {
		t.Fatalf("the member may delete %d files, want their 2", n)
	}
	pdfRow := p.doc.Find(`.att-item--pdf`)
	pdfID := strings.TrimPrefix(pdfRow.AttrOr("id", ""), "att-")
	if pdfRow.Find(`[data-testid="tp-att-download"]`).AttrOr("href", "") == "" {
		t.Fatal("no download link")
	}
	if r := w.member.htmx("/tasks/"+task.ID+"/attachments/"+pdfID+"/delete", url.Values{}); r.status != http.StatusForbidden {
		t.Fatalf("member deletes the owner's file: %d", r.status)
	}
	if r := w.member.htmx("/tasks/"+task.ID+"/attachments/"+imgID+"/delete", url.Values{}); r.status != http.StatusOK ||
		r.doc.Find(`[data-testid="tp-attachment"]`).Length() != 2 {
		t.Fatalf("member deletes their own: %d", r.status)
	}
	if r := w.owner.htmx("/tasks/"+task.ID+"/attachments/"+pdfID+"/delete", url.Values{}); r.status != http.StatusOK {
		t.Fatalf("owner deletes: %d", r.status)
	}

	// Another organization sees nothing of it.
	if r := uploadFile(w.otherB, task.ID, "x.txt", "text/plain", []byte("x")); r.status != http.StatusNotFound {
		t.Fatalf("other org upload: %d", r.status)
	}
	if r := htmxGet(w.otherB, preview); r.status != http.StatusNotFound {
		t.Fatalf("other org preview: %d", r.status)
	}
}

// A refused file answers its status with the reason as plain text, which attachments.js shows on the file's row.
func TestTaskPanel_AttachmentRefusalsAnswerTheirReason(t *testing.T) {
	w := newWorkTeam(t)
	task := w.task(t, store.TaskInput{Title: "Mock-ups"})
	w.member.get("/tasks?task=" + task.ID)

	r := uploadFile(w.member, task.ID, "fake.pdf", "application/pdf", smallPNG(t))
	if r.status != http.StatusUnsupportedMediaType || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") ||
		!strings.Contains(r.body, "declared application/pdf, content is image/png") {
		t.Fatalf("mismatch: %d %q", r.status, r.body)
	}
	if r := uploadFile(w.member, task.ID, "page.html", "text/html", []byte("<html></html>")); r.status != http.StatusUnsupportedMediaType {
		t.Fatalf("html: %d %s", r.status, r.body)
	}
	if r := uploadFile(w.member, task.ID, "empty.txt", "text/plain", nil); r.status != http.StatusUnprocessableEntity || r.body != "File is empty." {
		t.Fatalf("empty: %d %q", r.status, r.body)
	}
	// Without the CSRF header, nothing is read.
	body, ct := fileForm(t, "a.txt", "text/plain", []byte("a"))
	req, _ := http.NewRequest("POST", w.e.srv.URL+"/tasks/"+task.ID+"/attachments", bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	if r := w.member.read(w.member.c.Do(req)); r.status != http.StatusForbidden {
		t.Fatalf("no CSRF: %d", r.status)
	}
	// A body announcing more than the limit is refused before it is read.
	hr := httptest.NewRequest("POST", "/tasks/"+task.ID+"/attachments", bytes.NewReader(body))
	hr.Header.Set("Content-Type", ct)
	hr.ContentLength = 26 << 20
	rec := httptest.NewRecorder()
	w.e.echo.ServeHTTP(rec, hr)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", rec.Code)
	}
	var n int
	w.e.db.Get(&n, `SELECT count(*) FROM attachments`)
	if n != 0 {
		t.Fatalf("%d files stored by refused uploads", n)
	}
}
