package main

// Browser test of the task panel's attachments: a file chosen in the picker uploads with a progress bar (the
// upload is throttled so the bar has something to show), lands in the list with its thumbnail, and opens in the
// lightbox; a text file previews as text; a file whose content is not its declared type shows the server's reason
// on its row.

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// noisyPNG is a PNG that compresses badly, so that it is large enough for its upload to take a while.
func noisyPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{uint8(r.UintN(256)), uint8(r.UintN(256)), uint8(x), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// regexpPartial finds a progress value strictly between 0 and 100 in a JSON array of them.
var regexpPartial = regexp.MustCompile(`[\[,]([1-9][0-9]?)[,\]]`)

// throttleUploads limits what the browser sends to bytesPerSecond (-1: no limit).
func (b *e2eBrowser) throttleUploads(bytesPerSecond float64) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		b.fatalf("enable the network domain: %v", err)
	}
	// Network.emulateNetworkConditions: deprecated in favour of a per-URL variant, which this Chromium refuses.
	type conditions struct {
		Offline            bool    `json:"offline"`
		Latency            float64 `json:"latency"`
		DownloadThroughput float64 `json:"downloadThroughput"`
		UploadThroughput   float64 `json:"uploadThroughput"`
	}
	emulate := cdp.Command[conditions, cdp.Empty]{Method: "Network.emulateNetworkConditions"}
	if _, err := chromedp.Call(ctx, emulate, conditions{DownloadThroughput: -1, UploadThroughput: bytesPerSecond}); err != nil {
		b.fatalf("throttle uploads: %v", err)
	}
}

func TestBrowser_AttachmentUploadsWithProgressAndOpensItsPreview(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	f := newE2EBoard(t, srv.BaseURL)
	b := newE2EBrowser(t, srv.BaseURL)
	timer := newStepTimer(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	photo := noisyPNG(t, 720, 600) // about 1.3 MB
	photoPath := write("photo.png", photo)
	notesPath := write("notes.txt", []byte("Launch notes\n<b>not bold</b> & plain\n"))
	fakePath := write("fake.pdf", noisyPNG(t, 16, 16))

	b.boardLogin(f.email, f.password)
	b.open("/tasks?task="+f.other, "tp-attachments")
	if got := b.text(`[data-testid="tp-att-empty"]`); got != "No files yet" {
		b.fatalf("empty state %q", got)
	}
	timer.done("open the panel")

	// Every value the progress bars take is recorded, as a person watching them would see it.
	b.do("watch the progress bars", chromedp.Evaluate[chromedp.Void](`(() => {
		window.__progress = [];
		new MutationObserver(ms => { for (const m of ms) {
			if (m.target.matches && m.target.matches('[data-testid="tp-att-progress"]')) window.__progress.push(m.target.value);
		} }).observe(document.getElementById("tp-attachments"), {subtree: true, attributes: true, attributeFilter: ["aria-valuetext"]});
	})()`))
	b.throttleUploads(512 << 10)
	b.do("choose the photo", chromedp.SetUploadFiles(chromedp.CSS("#tp-att-input"), []string{photoPath}))
	b.waitTrue("an upload row with its progress bar", `!!document.querySelector('[data-testid="tp-att-upload"] [data-testid="tp-att-progress"]')`)
	b.waitTrue("the photo in the list", `[...document.querySelectorAll('[data-testid="tp-att-open"]')].some(a => a.textContent === "photo.png")`)
	b.throttleUploads(-1)
	progress := b.waitString("the progress seen", `JSON.stringify(window.__progress)`)
	t.Logf("progress bar values: %s", progress)
	if !strings.Contains(progress, "100") || !regexpPartial.MatchString(progress) {
		b.fatalf("progress bar values %s: want some between 0 and 100, then 100", progress)
	}
	b.waitTrue("the upload row to go", `!document.querySelector('[data-testid="tp-att-upload"]')`)
	b.waitTrue("the thumbnail to load", `(() => { const i = document.querySelector('[data-testid="tp-att-thumb"]'); return !!i && i.complete && i.naturalWidth === 320; })()`)
	timer.done("upload with progress")

	// The lightbox shows the whole image; Escape closes it and leaves the panel open.
	b.do("open the photo", chromedp.Click(chromedp.CSS(`[data-testid="tp-att-open"][data-att-kind="image"]`)))
	b.waitTrue("the lightbox with the image", `(() => { const d = document.querySelector('[data-testid="tp-att-viewer"]'); const i = d && d.querySelector('[data-testid="tp-att-viewer-image"]');
		return d.open && !!i && i.complete && i.naturalWidth === 720; })()`)
	if got := b.text("#tp-att-viewer-title"); got != "photo.png" {
		b.fatalf("lightbox title %q", got)
	}
	b.do("press Escape", chromedp.KeyEvent("\x1b"))
	b.waitTrue("the lightbox to close", `!document.querySelector('[data-testid="tp-att-viewer"]').open`)
	b.waitTrue("the panel still open", `!!document.querySelector("#task-panel .tp")`)
	timer.done("lightbox")

	// A text file previews as text: its markup shows as written.
	b.do("choose the notes", chromedp.SetUploadFiles(chromedp.CSS("#tp-att-input"), []string{notesPath}))
	b.waitTrue("the notes in the list", `!!document.querySelector('[data-testid="tp-att-open"][data-att-kind="text"]')`)
	b.do("open the notes", chromedp.Click(chromedp.CSS(`[data-testid="tp-att-open"][data-att-kind="text"]`)))
	text := b.waitString("the text preview", `(() => { const p = document.querySelector('[data-testid="tp-att-viewer"] [data-testid="tp-att-text"]'); return p ? p.textContent : ""; })()`)
	if text != "Launch notes\n<b>not bold</b> & plain\n" {
		b.fatalf("text preview %q", text)
	}
	b.do("close the preview", chromedp.Click(testid("tp-att-viewer-close")))
	b.waitTrue("the preview to close", `!document.querySelector('[data-testid="tp-att-viewer"]').open`)
	timer.done("text preview")

	// A PNG named .pdf is declared a PDF by the browser: refused, the reason on its row.
	b.do("choose the fake PDF", chromedp.SetUploadFiles(chromedp.CSS("#tp-att-input"), []string{fakePath}))
	msg := b.waitString("the refusal on the row", `(() => { const e = document.querySelector('[data-testid="tp-att-upload-error"]'); return e && !e.hidden ? e.textContent : ""; })()`)
	if !strings.Contains(msg, "does not match its declared type") {
		b.fatalf("refusal %q", msg)
	}
	if n := b.waitString("the count", `document.querySelector('[data-testid="tp-att-count"]').textContent`); n != "2" {
		b.fatalf("%s files listed, want 2", n)
	}
	timer.done("refusal")
}
