package main

// Browser test of files in comments: a file chosen with the comment composer's paperclip uploads, waits as a chip
// under the text, and is posted with the comment, which then shows its thumbnail; the task's own Attachments
// section does not list it.

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

func TestBrowser_CommentWithAFileShowsItsThumbnail(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	b := newE2EBrowser(t, srv.BaseURL)
	timer := newStepTimer(t)
	shot := filepath.Join(t.TempDir(), "screenshot.png")
	if err := os.WriteFile(shot, noisyPNG(t, 200, 120), 0o644); err != nil {
		t.Fatal(err)
	}

	b.boardLogin(f.email, f.password)
	b.open("/tasks?task="+f.other, "tp-comment-form")
	timer.done("open the panel")

	b.do("choose the screenshot", chromedp.SetUploadFiles(chromedp.CSS("#tp-comment-files"), []string{shot}))
	b.waitTrue("the file waiting as a chip", `(() => { const c = document.querySelector('[data-testid="tp-comment-form"] [data-testid="composer-file"]');
		return !!c && c.textContent.includes("screenshot.png") && !!c.querySelector('input[name="attachment_ids"]').value; })()`)
	timer.done("upload into the composer")

	b.fill("#tp-comment-body", "The header overlaps on small screens")
	b.do("send the comment", chromedp.Click(chromedp.CSS(`[data-testid="tp-comment-submit"]`)))
	b.waitTrue("the comment with its thumbnail", `(() => { const i = document.querySelector('[data-testid="tp-comment"] [data-testid="post-file-thumb"]');
		return !!i && i.alt === "screenshot.png" && i.complete && i.naturalWidth > 0; })()`)
	b.waitTrue("the composer emptied", `!document.querySelector('[data-testid="tp-comment-form"] [data-testid="composer-file"]')`)
	if got := b.text(`[data-testid="tp-comment-body"]`); got != "The header overlaps on small screens" {
		b.fatalf("comment text %q", got)
	}
	b.waitTrue("not in the task's own files", `!document.querySelector('[data-testid="tp-attachment"]')`)
	timer.done("post the comment")
}

// A chat message may be a file alone: with the text box empty, Enter sends the chip's file, and the message shows
// its thumbnail.
func TestBrowser_ChatMessageOfAFileAloneSentWithEnter(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	channel := f.api.call("POST", "/chat/channels", map[string]any{"name": "design"}, http.StatusCreated)["id"].(string)
	b := newE2EBrowser(t, srv.BaseURL)
	shot := filepath.Join(t.TempDir(), "mockup.png")
	if err := os.WriteFile(shot, noisyPNG(t, 160, 100), 0o644); err != nil {
		t.Fatal(err)
	}

	b.boardLogin(f.email, f.password)
	b.open("/chat/"+channel, "chat-input")
	b.do("choose the mockup", chromedp.SetUploadFiles(chromedp.CSS("#chat-files"), []string{shot}))
	b.waitTrue("the file waiting as a chip", `(() => { const c = document.querySelector('[data-testid="chat-composer"] [data-testid="composer-file"]');
		return !!c && c.textContent.includes("mockup.png") && !!c.querySelector('input[name="attachment_ids"]').value; })()`)
	b.do("send with Enter and no text", chromedp.Click(testid("chat-input")), chromedp.SendKeys(testid("chat-input"), kb.Enter))
	b.waitTrue("the message with its thumbnail", `(() => { const i = document.querySelector('[data-testid="chat-message"] [data-testid="post-file-thumb"]');
		return !!i && i.alt === "mockup.png" && i.complete && i.naturalWidth > 0; })()`)
	b.waitTrue("the composer emptied", `!document.querySelector('[data-testid="chat-composer"] [data-testid="composer-file"]')`)
}
