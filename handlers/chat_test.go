package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/trcr/trcr/store"
)

// chatTeam is the work team (an owner, a member, another organization) with chat helpers.
type chatTeam struct {
	*workTeam
	t *testing.T
}

func newChatTeam(t *testing.T) *chatTeam {
	t.Helper()
	return &chatTeam{workTeam: newWorkTeam(t), t: t}
}

func (w *chatTeam) channel(a store.Actor, name string, private bool, members ...string) store.ChatChannel {
	w.t.Helper()
	in := store.ChannelInput{Name: &name, IsPrivate: &private}
	if private {
		in.MemberIDs = &members
	}
	c, err := w.e.store.CreateChatChannel(context.Background(), a, in)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *chatTeam) say(a store.Actor, channel, content string) store.ChatMessage {
	w.t.Helper()
	m, err := w.e.store.PostChatMessage(context.Background(), a, channel, store.MessageInput{Content: content})
	if err != nil {
		w.t.Fatal(err)
	}
	return m
}

func texts(s *goquery.Selection) []string {
	var out []string
	s.Each(func(_ int, e *goquery.Selection) { out = append(out, strings.TrimSpace(e.Text())) })
	return out
}

func TestChatPage_ChannelsUnreadBadgesAndMessages(t *testing.T) {
	t.Parallel()
	w := newChatTeam(t)
	general := w.channel(w.ownerA, "general", false)
	random := w.channel(w.ownerA, "random", false)
	private := w.channel(w.ownerA, "leads", true)
	task := w.task(t, store.TaskInput{Title: "Write the launch post"})
	w.say(w.ownerA, general.ID, "Welcome to **general**")
	w.say(w.memberA, general.ID, "Hi @olgaowner, see http://"+strings.TrimPrefix(w.e.srv.URL, "http://")+store.TaskLink(task.ID))
	w.say(w.ownerA, general.ID, "Anyone for lunch?") // after the member's message: unread for them
	w.say(w.ownerA, random.ID, "lunch?")
	w.say(w.ownerA, random.ID, "anyone?")

	// /chat opens #general.
	if p := w.member.get("/chat"); p.status != http.StatusSeeOther || p.location != "/chat/"+general.ID {
		t.Fatalf("/chat: %d %s", p.status, p.location)
	}
	p := w.member.get("/chat/" + general.ID)
	if p.status != 200 || !p.has("chat") || p.text("chat-channel-name") != "general" {
		t.Fatalf("page: %d %s", p.status, p.text("chat-channel-name"))
	}
	if got := strings.Join(texts(p.doc.Find(`[data-testid="chat-channel"] .chan__name`)), ","); got != "general,random" {
		t.Fatalf("member's channels: %s", got)
	}
	badge := p.doc.Find(`[data-testid="chat-channel"][data-channel-id="` + random.ID + `"] [data-testid="chat-unread"]`)
	if strings.TrimSpace(badge.Text()) != "2" || badge.AttrOr("hidden", "none") != "none" {
		t.Fatalf("random's badge: %q hidden=%v", badge.Text(), badge.AttrOr("hidden", "none"))
	}
	msgs := p.doc.Find(`[data-testid="chat-message"]`)
	if msgs.Length() != 3 || strings.TrimSpace(msgs.First().Find(`[data-testid="chat-message-author"]`).Text()) != "Olga Owner" {
		t.Fatalf("messages: %v", texts(msgs))
	}
	if msgs.First().Find(".msg__content strong").Text() != "general" {
		t.Fatal("Markdown is not rendered")
	}
	chip := msgs.Eq(1).Find(`[data-testid="chat-task-chip"]`)
	if chip.Find(".task-chip__title").Text() != "Write the launch post" || chip.AttrOr("hx-get", "") != "/tasks/"+task.ID+"/panel" {
		t.Fatalf("task chip: %s", goquery.NewDocumentFromNode(msgs.Eq(1).Nodes[0]).Text())
	}
	if msgs.Eq(1).Find(".mention").Text() != "@olgaowner" {
		t.Fatal("mention not marked")
	}
	// Unread messages of others follow a "New" line; one's own are read.
	if got := strings.TrimSpace(p.doc.Find(`[data-testid="chat-new-line"] + [data-testid="chat-message"] [data-testid="chat-message-content"]`).Text()); got != "Anyone for lunch?" {
		t.Fatal("no New line before the member's first unread message")
	}
	if w.member.get("/chat/" + general.ID).has("chat-new-line") {
		// The page does not mark read by itself (chat.js does): still there.
	} else {
		t.Fatal("opening the page marked it read without the script")
	}
	w.member.htmx("/chat/"+general.ID+"/read", url.Values{})
	if w.member.get("/chat/" + general.ID).has("chat-new-line") {
		t.Fatal("still unread after marking read")
	}
	// The composer, mention candidates (not oneself) and the nav link.
	if !p.has("chat-composer") || p.doc.Find(`#chat-mentionables li[data-handle="olgaowner"]`).Length() != 1 ||
		p.doc.Find(`#chat-mentionables li[data-handle="milomember"]`).Length() != 0 {
		t.Fatal("composer or mention candidates")
	}
	if p.doc.Find(`[data-testid="nav-chat"][aria-current="page"]`).AttrOr("href", "") != "/chat" {
		t.Fatal("chat is not the current page in the sidebar")
	}
	// The private channel is the owner's only.
	if w.member.get("/chat/"+private.ID).status != http.StatusNotFound {
		t.Fatal("a member opens a private channel they are not in")
	}
	if got := w.owner.get("/chat/" + private.ID); got.status != 200 || got.text("chat-channel-name") != "leads" {
		t.Fatalf("owner's private channel: %d", got.status)
	}
	for _, path := range []string{"/chat/" + general.ID, "/chat/not-a-channel", "/chat/" + general.ID + "/messages/" + w.say(w.ownerA, general.ID, "x").ID} {
		if got := w.otherB.get(path); got.status != http.StatusNotFound {
			t.Fatalf("another organization opens %s: %d", path, got.status)
		}
	}
}

func TestChatPage_EmptyStateAndNewChannel(t *testing.T) {
	t.Parallel()
	w := newChatTeam(t)
	p := w.member.get("/chat")
	if p.status != 200 || !p.has("empty-state") || !p.has("chat-new-channel-form") {
		t.Fatalf("empty chat: %d", p.status)
	}
	// Refused: the form comes back with its messages.
	r := w.member.post("/chat/channels", url.Values{"name": {"  "}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.doc.Find(`#chat-new-channel [data-testid="field-error"]`).Text(), "Name is required") ||
		r.doc.Find("#chat-new-channel").AttrOr("open", "closed") == "closed" {
		t.Fatalf("blank name: %d %s", r.status, r.doc.Find("#chat-new-channel").Text())
	}
	if loc := w.member.post("/chat/channels", url.Values{"name": {"#Launch"}, "description": {"Go live"}}).location; !strings.HasPrefix(loc, "/chat/") {
		t.Fatalf("create: %s", loc)
	}
	r = w.owner.post("/chat/channels", url.Values{"name": {"launch"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("form-error")+r.doc.Find(`[data-testid="field-error"]`).Text(), "already exists") {
		t.Fatalf("duplicate: %d %s", r.status, r.text("form-error"))
	}
	// A private channel with a member chosen.
	loc := w.owner.post("/chat/channels", url.Values{"name": {"leads"}, "is_private": {"true"}, "member_ids": {w.memberA.UserID}}).location
	id := strings.TrimPrefix(loc, "/chat/")
	p = w.member.get(loc)
	if p.status != 200 || p.text("chat-channel-name") != "leads" || !strings.Contains(p.text("chat-channel-members"), "2 members") {
		t.Fatalf("private channel for its member: %d", p.status)
	}
	// Its creator (not the member) may change it; only admins delete it; members may leave.
	if p.has("chat-settings-form") || p.has("chat-delete-channel") || !p.has("chat-leave") {
		t.Fatal("member's settings")
	}
	if op := w.owner.get(loc); !op.has("chat-settings-form") || !op.has("chat-delete-channel") {
		t.Fatal("owner's settings")
	}
	if r := w.member.post(loc+"/settings", url.Values{"name": {"mine"}}); r.status != http.StatusForbidden {
		t.Fatalf("member changes it: %d", r.status)
	}
	if r := w.owner.post(loc+"/settings", url.Values{"name": {"Leads"}, "description": {"Decisions"}, "members": {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("owner saves: %d", r.status)
	}
	if w.member.get(loc).status != http.StatusNotFound {
		t.Fatal("the member taken out of the channel still opens it")
	}
	if r := w.owner.post(loc+"/delete", nil); r.status != http.StatusSeeOther || r.location != "/chat" {
		t.Fatalf("delete: %d %s", r.status, r.location)
	}
	if w.owner.get("/chat/"+id).status != http.StatusNotFound {
		t.Fatal("deleted channel")
	}
}

func TestChatPage_SendEditDeleteAndReact(t *testing.T) {
	t.Parallel()
	w := newChatTeam(t)
	c := w.channel(w.ownerA, "general", false)
	w.member.get("/chat/" + c.ID)
	path := "/chat/" + c.ID + "/messages"

	sent := w.member.htmx(path, url.Values{"content": {"Hello _team_"}})
	msg := sent.doc.Find(`[data-testid="chat-message"]`)
	if sent.status != 200 || msg.Length() != 1 || msg.Find(".msg__content em").Text() != "team" || !msg.HasClass("msg--mine") ||
		msg.Find(`[data-testid="chat-edit"]`).Length() != 1 {
		t.Fatalf("send: %d %s", sent.status, sent.body)
	}
	id := strings.TrimPrefix(msg.AttrOr("id", ""), "msg-")
	blank := w.member.htmx(path, url.Values{"content": {"   "}})
	if blank.status != http.StatusUnprocessableEntity || blank.header.Get("HX-Retarget") != "#chat-composer-error" || !strings.Contains(blank.body, "Message is required") {
		t.Fatalf("blank: %d %v %s", blank.status, blank.header, blank.body)
	}
	if r := w.member.post(path, url.Values{"content": {"without htmx"}}); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/chat/"+c.ID+"#msg-") {
		t.Fatalf("plain form: %d %s", r.status, r.location)
	}
	reply := w.owner.htmx(path, url.Values{"content": {"welcome"}, "reply_to": {id}})
	if q := reply.doc.Find(`[data-testid="chat-message-reply"]`); !strings.Contains(q.Text(), "Milo Member") || !strings.Contains(q.Text(), "Hello team") {
		t.Fatalf("reply quote: %s", q.Text())
	}

	// Only the author edits; the author or an admin deletes.
	mine := path + "/" + id
	if r := htmxGet(w.owner, mine+"/edit"); r.status != http.StatusForbidden {
		t.Fatalf("owner edits the member's message: %d", r.status)
	}
	if r := htmxGet(w.member, mine+"/edit"); r.status != 200 || !r.has("chat-edit-form") || r.doc.Find("textarea").Text() != "Hello _team_" {
		t.Fatalf("edit form: %d", r.status)
	}
	if r := w.member.htmx(mine+"/edit", url.Values{"content": {""}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text("field-error"), "Content is required") {
		t.Fatalf("blank edit: %d %s", r.status, r.text("field-error"))
	}
	r := w.member.htmx(mine+"/edit", url.Values{"content": {"Hello everyone"}})
	if r.status != 200 || strings.Join(strings.Fields(r.text("chat-message-content")), " ") != "Hello everyone (edited)" {
		t.Fatalf("saved edit: %d %q", r.status, r.text("chat-message-content"))
	}
	if own := htmxGet(w.owner, mine); own.doc.Find(`[data-testid="chat-edit"]`).Length() != 0 || own.doc.Find(`[data-testid="chat-delete"]`).Length() != 1 {
		t.Fatal("an admin sees edit on another's message, or no delete")
	}

	// Reactions toggle.
	r = w.owner.htmx(mine+"/reactions", url.Values{"emoji": {"tada"}})
	react := r.doc.Find(`[data-testid="chat-reaction"][data-emoji="tada"]`)
	if r.status != 200 || react.Find(`[data-testid="chat-reaction-count"]`).Text() != "1" || react.AttrOr("aria-pressed", "") != "true" ||
		react.AttrOr("title", "") != "Olga Owner" || !strings.Contains(react.Text(), "🎉") {
		t.Fatalf("react: %d %s", r.status, r.body)
	}
	r = w.member.htmx(mine+"/reactions", url.Values{"emoji": {"tada"}})
	if r.doc.Find(`[data-testid="chat-reaction"][data-emoji="tada"] [data-testid="chat-reaction-count"]`).Text() != "2" {
		t.Fatal("second reaction")
	}
	if r = w.owner.htmx(mine+"/reactions", url.Values{"emoji": {"tada"}}); r.doc.Find(`[data-testid="chat-reaction-count"]`).Text() != "1" {
		t.Fatal("toggle off")
	}
	if r = w.owner.htmx(mine+"/reactions", url.Values{"emoji": {"no way"}}); r.status != http.StatusUnprocessableEntity || !r.has("flash") {
		t.Fatalf("bad emoji: %d", r.status)
	}

	if r := w.member.htmx(path+"/"+strings.TrimPrefix(reply.doc.Find(".msg").AttrOr("id", ""), "msg-")+"/delete", nil); r.status != http.StatusForbidden {
		t.Fatalf("member deletes the owner's message: %d", r.status)
	}
	if r := w.owner.htmx(mine+"/delete", nil); r.status != 200 {
		t.Fatalf("admin deletes: %d", r.status)
	}
	if r := htmxGet(w.member, mine); r.status != http.StatusNotFound {
		t.Fatalf("deleted message: %d", r.status)
	}
}

func TestChatPage_OlderMessagesAndDeepLinks(t *testing.T) {
	t.Parallel()
	w := newChatTeam(t)
	c := w.channel(w.ownerA, "history", false)
	w.e.db.MustExec(`
		INSERT INTO chat_messages (organization_id, channel_id, user_id, content, created_at)
		SELECT $1, $2, $3, 'message ' || i, now() - interval '1 hour' + i * interval '1 second' FROM generate_series(1, 120) i`,
		w.ownerA.OrgID, c.ID, w.ownerA.UserID)
	p := w.member.get("/chat/" + c.ID)
	older := p.doc.Find(`[data-testid="chat-load-older"]`)
	msgs := texts(p.doc.Find(`[data-testid="chat-message-content"]`))
	if len(msgs) != 50 || msgs[0] != "message 71" || msgs[49] != "message 120" || older.Length() != 1 || p.has("chat-load-newer") {
		t.Fatalf("first page: %d messages, loader %d", len(msgs), older.Length())
	}
	var first string
	_ = w.e.db.Get(&first, `SELECT id FROM chat_messages WHERE content = 'message 71'`)
	if older.AttrOr("hx-get", "") != "/chat/"+c.ID+"/messages?before="+first || older.AttrOr("hx-trigger", "") != "intersect once, click" {
		t.Fatalf("loader: %s", older.AttrOr("hx-get", ""))
	}
	more := htmxGet(w.member, older.AttrOr("hx-get", ""))
	if got := texts(more.doc.Find(`[data-testid="chat-message-content"]`)); len(got) != 50 || got[0] != "message 21" || !more.has("chat-load-older") {
		t.Fatalf("older page: %v", got)
	}
	last := htmxGet(w.member, more.doc.Find(`[data-testid="chat-load-older"]`).AttrOr("hx-get", ""))
	if got := texts(last.doc.Find(`[data-testid="chat-message-content"]`)); len(got) != 20 || last.has("chat-load-older") {
		t.Fatalf("oldest page: %d, loader %v", len(got), last.has("chat-load-older"))
	}
	if r := htmxGet(w.member, "/chat/"+c.ID+"/messages?before=nope"); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad cursor: %d", r.status)
	}

	// A deep link opens around the message, highlighted, with newer ones to load.
	var tenth string
	_ = w.e.db.Get(&tenth, `SELECT id FROM chat_messages WHERE content = 'message 40'`)
	d := w.member.get("/chat/" + c.ID + "?message=" + tenth)
	focus := d.doc.Find(`[data-testid="chat-message"].is-focus`)
	if d.status != 200 || focus.AttrOr("id", "") != "msg-"+tenth || !d.has("chat-load-newer") || !d.has("chat-load-older") ||
		d.doc.Find("#chat").AttrOr("data-focus-message", "") != tenth {
		t.Fatalf("deep link: %d focus %q newer %v older %v data %q", d.status, focus.AttrOr("id", ""), d.has("chat-load-newer"), d.has("chat-load-older"), d.doc.Find("#chat").AttrOr("data-focus-message", ""))
	}
	newer := htmxGet(w.member, d.doc.Find(`[data-testid="chat-load-newer"]`).AttrOr("hx-get", ""))
	if got := texts(d.doc.Find(`[data-testid="chat-message-content"]`)); len(got) != 50 || got[0] != "message 16" || got[49] != "message 65" {
		t.Fatalf("around: %d, %s … %s", len(got), got[0], got[len(got)-1])
	}
	if got := texts(newer.doc.Find(`[data-testid="chat-message-content"]`)); len(got) != 50 || got[0] != "message 66" {
		t.Fatalf("newer page: %v", got[:min(3, len(got))])
	}
	w.e.db.MustExec(`DELETE FROM chat_messages WHERE id = $1`, tenth)
	if g := w.member.get("/chat/" + c.ID + "?message=" + tenth); g.status != 200 || !g.has("chat-notice") ||
		texts(g.doc.Find(`[data-testid="chat-message-content"]`))[49] != "message 120" {
		t.Fatalf("deep link to a deleted message: %d", g.status)
	}
}

func TestChatPage_ChannelListFragment(t *testing.T) {
	t.Parallel()
	w := newChatTeam(t)
	a := w.channel(w.ownerA, "alpha", false)
	w.channel(w.ownerA, "beta", false)
	w.say(w.ownerA, a.ID, "one")
	p := htmxGet(w.member, "/chat/channels/list?current="+a.ID)
	if p.status != 200 || p.doc.Find(`[data-testid="chat-channel"]`).Length() != 2 ||
		p.doc.Find(`[data-testid="chat-channel"].is-active`).AttrOr("data-channel-id", "") != a.ID ||
		p.doc.Find(`[data-channel-id="`+a.ID+`"]`).AttrOr("data-unread", "") != "1" {
		t.Fatalf("list: %d %s", p.status, p.body)
	}
}
