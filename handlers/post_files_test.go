package handlers_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// uploadPostFile posts a file the way composer-files.js does and returns the chip's file id.
func uploadPostFile(b *browser, name, declared string, data []byte) (page, string) {
	b.e.t.Helper()
	body, ct := fileForm(b.e.t, name, declared, data)
	req, _ := http.NewRequest("POST", b.e.srv.URL+views.PostFilesUploadPath, bytes.NewReader(body))
	req.Header.Set("Content-Type", ct)
	req.Header.Set("X-CSRF-Token", b.csrf)
	p := b.read(b.c.Do(req))
	return p, p.doc.Find(`[data-testid="composer-file"] input[name="attachment_ids"]`).AttrOr("value", "")
}

func TestPostFiles_CommentAndChatMessageRenderTheirFiles(t *testing.T) {
	t.Parallel()
	w := newChatTeam(t)
	task := w.task(t, store.TaskInput{Title: "Header"})

	// The panel's comment form and the chat composer offer the paperclip.
	panel := htmxGet(w.member, "/tasks/"+task.ID+"/panel")
	if panel.doc.Find(`[data-testid="tp-comment-form"][data-composer-files] [data-testid="composer-attach"]`).Length() != 1 {
		t.Fatal("the comment form has no paperclip")
	}

	chip, shot := uploadPostFile(w.member, "shot.png", "image/png", smallPNG(t))
	if chip.status != http.StatusCreated || shot == "" || chip.text("composer-file") == "" {
		t.Fatalf("upload: %d %s", chip.status, chip.body)
	}
	refused, _ := uploadPostFile(w.member, "x.pdf", "application/pdf", smallPNG(t))
	if refused.status != http.StatusUnsupportedMediaType {
		t.Fatalf("mismatched type: %d %s", refused.status, refused.body)
	}

	r := w.member.htmx("/tasks/"+task.ID+"/comments", url.Values{"body": {"New header"}, "attachment_ids": {shot}})
	comment := r.doc.Find(`[data-testid="tp-comment"]`)
	if r.status != http.StatusOK || comment.Find(`[data-testid="post-file-thumb"]`).Length() != 1 ||
		comment.Find(`[data-testid="post-file-thumb"]`).AttrOr("alt", "") != "shot.png" {
		t.Fatalf("comment: %d %s", r.status, r.doc.Find("#tp-comments").Text())
	}
	// The panel read shows it too, and not in the task's own files.
	panel = htmxGet(w.owner, "/tasks/"+task.ID+"/panel")
	if panel.doc.Find(`[data-testid="tp-comment"] [data-testid="post-file"]`).Length() != 1 || panel.has("tp-attachment") {
		t.Fatalf("panel: %s", panel.doc.Find("#tp-comments").Text())
	}

	c := w.channel(w.ownerA, "general", false)
	w.member.get("/chat/" + c.ID)
	_, doc := uploadPostFile(w.member, "notes.txt", "text/plain", []byte("notes\n"))
	sent := w.member.htmx("/chat/"+c.ID+"/messages", url.Values{"content": {"the notes"}, "attachment_ids": {doc}})
	link := sent.doc.Find(`[data-testid="chat-message"] [data-testid="post-file-link"]`)
	if sent.status != http.StatusOK || link.AttrOr("download", "") != "notes.txt" || link.AttrOr("href", "") == "" {
		t.Fatalf("message: %d %s", sent.status, sent.body)
	}
	page := w.owner.get("/chat/" + c.ID)
	if page.doc.Find(`[data-testid="chat-message"] [data-testid="post-file-link"]`).Length() != 1 ||
		page.doc.Find(`[data-testid="chat-composer"][data-composer-files] [data-testid="composer-attach"]`).Length() != 1 {
		t.Fatalf("chat page: %s", page.doc.Find("#chat-messages").Text())
	}

	// A file already posted cannot go on another message: the composer says why.
	again := w.member.htmx("/chat/"+c.ID+"/messages", url.Values{"content": {"again"}, "attachment_ids": {doc}})
	if again.status != http.StatusUnprocessableEntity || !bytes.Contains([]byte(again.body), []byte("Files must be your own uploads, not yet attached")) {
		t.Fatalf("posting a posted file: %d %s", again.status, again.body)
	}
}
