package main

// Browser test of chat: two people in two browsers on the same channel; what one sends appears for the other
// without a reload, through the live event stream. The team and the channel are made through the JSON API of the
// running server, the emails (verification, invitation) read from its dev mailbox.

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

var tokenInMail = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// mailboxToken returns the token of the newest email to `to` whose subject contains subject, read from the dev
// mailbox over HTTP (this test runs on the server's machine, which the mailbox answers).
func mailboxToken(t *testing.T, base, to, subject string) string {
	t.Helper()
	get := func(path string) *goquery.Document {
		res, err := (&http.Client{Timeout: 30 * time.Second}).Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(body)))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, res.StatusCode, err)
		}
		return doc
	}
	for attempt := 0; attempt < 40; attempt++ {
		href := ""
		get("/dev/mailbox").Find(`[data-testid="mailbox-item"]`).EachWithBreak(func(_ int, a *goquery.Selection) bool {
			if strings.TrimSpace(a.Find(".mail-item__to").Text()) == to && strings.Contains(a.Find(".mail-item__subject").Text(), subject) {
				href = a.AttrOr("href", "")
				return false
			}
			return true
		})
		if href != "" {
			text := get(href).Find(`[data-testid="mailbox-text"]`).Text()
			if m := tokenInMail.FindStringSubmatch(text); m != nil {
				return m[1]
			}
			t.Fatalf("no token in the email to %s: %s", to, text)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("no email to %s with %q in the dev mailbox", to, subject)
	return ""
}

func TestBrowser_ChatMessageAppearsForAnotherPersonWithoutReload(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	timer := newStepTimer(t)
	const password = "correct horse battery staple"

	// Ann owns an organization; Ben joins it through an invitation; Ann opens #launch.
	ann := &boardAPI{t: t, base: srv.BaseURL}
	annEmail, benEmail := uniqueEmail("chat-ann"), uniqueEmail("chat-ben")
	ann.token = ann.call("POST", "/auth/register", map[string]string{"name": "Ann Archer", "email": annEmail, "password": password}, http.StatusCreated)["access_token"].(string)
	ann.call("POST", "/auth/verify-email", map[string]string{"token": mailboxToken(t, srv.BaseURL, annEmail, "Confirm your email")}, http.StatusOK)
	ann.call("POST", "/organizations", map[string]string{"name": "Chat Studio"}, http.StatusCreated)
	ben := &boardAPI{t: t, base: srv.BaseURL}
	ben.token = ben.call("POST", "/auth/register", map[string]string{"name": "Ben Baker", "email": benEmail, "password": password}, http.StatusCreated)["access_token"].(string)
	ann.call("POST", "/members/invite", map[string]string{"email": benEmail, "role": "member"}, http.StatusCreated)
	ben.call("POST", "/invitations/accept", map[string]string{"token": mailboxToken(t, srv.BaseURL, benEmail, "Chat Studio")}, http.StatusOK)
	channel := ann.call("POST", "/chat/channels", map[string]any{"name": "launch", "description": "Go live"}, http.StatusCreated)["id"].(string)
	ann.call("POST", "/chat/channels/"+channel+"/messages", map[string]any{"content": "Morning! Status?"}, http.StatusCreated)
	timer.done("team and channel")

	a := newE2EBrowser(t, srv.BaseURL)
	b := newE2EBrowser(t, srv.BaseURL)
	a.boardLogin(annEmail, password)
	b.boardLogin(benEmail, password)
	path := "/chat/" + channel
	a.open(path, "chat-input")
	b.open(path, "chat-input")
	for _, br := range []*e2eBrowser{a, b} {
		br.waitTrue("the live stream to be open", `document.body.getAttribute("data-live-state") === "open"`)
	}
	b.markPage()
	timer.done("both on the channel")

	// Ann mentions Ben through the completion (Enter picks him) and sends with Enter; the message appears on Ben's
	// page, which was not reloaded.
	a.do("type a mention", chromedp.Click(testid("chat-input")), chromedp.SendKeys(testid("chat-input"), "Shipping today @be"))
	a.waitTrue("the mention completion", `!document.querySelector('[data-testid="chat-mention-pop"]').hidden`)
	a.do("pick Ben and send", chromedp.SendKeys(testid("chat-input"), kb.Enter), chromedp.SendKeys(testid("chat-input"), kb.Enter))
	a.waitTrue("Ann's message in her list", `[...document.querySelectorAll('[data-testid="chat-message-content"]')].some(e => e.textContent.includes("Shipping today"))`)
	if v := a.value(`[data-testid="chat-input"]`); v != "" {
		a.fatalf("the composer keeps %q after sending", v)
	}
	got := b.waitString("Ann's message on Ben's page", `(() => {
		const m = [...document.querySelectorAll('[data-testid="chat-message"]')].find(e => e.textContent.includes("Shipping today"));
		return m ? m.querySelector('[data-testid="chat-message-author"]').textContent + "|" + m.querySelector(".mention").textContent : "";
	})()`)
	if got != "Ann Archer|@benbaker" {
		b.fatalf("Ben sees %q", got)
	}
	if !b.pageIsMarked() {
		b.fatalf("Ben's page was reloaded")
	}
	timer.done("message live")

	// And back: Ben answers, Ann sees it.
	b.do("answer", chromedp.Click(testid("chat-input")), chromedp.SendKeys(testid("chat-input"), "Great, I'll tell the client"+kb.Enter))
	a.waitTrue("Ben's answer on Ann's page", `[...document.querySelectorAll('[data-testid="chat-message-content"]')].some(e => e.textContent.includes("tell the client"))`)
	if n := a.waitString("messages on Ann's page", `String(document.querySelectorAll('[data-testid="chat-message"]').length)`); n != "3" {
		a.fatalf("Ann's page shows %s messages, want 3 (none twice)", n)
	}
	timer.done("answer live")
}
