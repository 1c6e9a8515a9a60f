package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

// chatWorld is the task world (an owner, three plain members, another organization) with chat helpers. The owner
// is the only admin; the manager, member and outsider are plain members of the organization.
type chatWorld struct {
	*taskWorld
}

func newChatWorld(t *testing.T) *chatWorld {
	t.Helper()
	return &chatWorld{taskWorld: newTaskWorld(t)}
}

// call runs a request as u in the world's organization and checks the status.
func (w *chatWorld) call(want int, u user, method, path string, body any) resp {
	w.t.Helper()
	return w.must(want, req{method: method, path: path, token: u.token, org: w.org, body: body})
}

func (w *chatWorld) channel(u user, body map[string]any) string {
	w.t.Helper()
	return w.call(201, u, "POST", "/chat/channels", body).str("id")
}

func (w *chatWorld) post(u user, channel, content string) string {
	w.t.Helper()
	return w.call(201, u, "POST", "/chat/channels/"+channel+"/messages", map[string]any{"content": content}).str("id")
}

// sqlMessages writes n messages "message 1" … "message n" by u into a channel, oldest first, a second apart.
func (w *chatWorld) sqlMessages(channel string, u user, n int) {
	w.t.Helper()
	w.db.MustExec(`
		INSERT INTO chat_messages (organization_id, channel_id, user_id, content, created_at)
		SELECT $1, $2, $3, 'message ' || i, now() - interval '1 hour' + i * interval '1 second' FROM generate_series(1, $4) i`,
		w.org, channel, u.id, n)
}

func contents(r resp) string {
	var out []string
	for _, m := range r.data() {
		out = append(out, m["content"].(string))
	}
	return strings.Join(out, ",")
}

func (w *chatWorld) auditCount(entityType, action string) int {
	w.t.Helper()
	var n int
	if err := w.db.Get(&n, `SELECT count(*) FROM audit_logs WHERE organization_id = $1 AND entity_type = $2 AND action = $3`,
		w.org, entityType, action); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func channelNamed(r resp, name string) map[string]any {
	for _, c := range r.data() {
		if c["name"] == name {
			return c
		}
	}
	return nil
}

func TestChatChannels_CreateListUpdateDelete(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	r := w.call(201, w.member, "POST", "/chat/channels", map[string]any{"name": " #Engineering ", "description": " Builds "})
	c := r.json
	if c["name"] != "Engineering" || c["description"] != "Builds" || c["is_private"] != false || c["created_by"] != w.member.id ||
		c["organization_id"] != w.org || c["unread_count"] != float64(0) || c["last_message_at"] != nil ||
		len(c["member_ids"].([]any)) != 0 || c["created_at"] == nil || c["updated_at"] == nil {
		t.Fatalf("create: %s", r.raw)
	}
	id := r.str("id")
	w.channel(w.owner, map[string]any{"name": "announcements"})
	private := w.call(201, w.manager, "POST", "/chat/channels", map[string]any{"name": "Leads", "is_private": true,
		"member_ids": []string{w.member.id, w.member.id}})
	if ids := fmt.Sprint(private.json["member_ids"]); !strings.Contains(ids, w.member.id) || !strings.Contains(ids, w.manager.id) ||
		len(private.json["member_ids"].([]any)) != 2 {
		t.Fatalf("private members (creator added, duplicates once): %s", private.raw)
	}

	// Listed by name for everyone who may see them; the private one only for its members.
	names := func(u user) string {
		var out []string
		for _, c := range w.call(200, u, "GET", "/chat/channels", nil).data() {
			out = append(out, c["name"].(string))
		}
		return strings.Join(out, ",")
	}
	if got := names(w.member); got != "announcements,Engineering,Leads" {
		t.Fatalf("member's channels: %s", got)
	}
	if got := names(w.outsider); got != "announcements,Engineering" {
		t.Fatalf("outsider's channels: %s", got)
	}
	if got := names(w.owner); got != "announcements,Engineering" {
		t.Fatalf("an admin sees a private channel it is not in: %s", got)
	}
	if theirs := w.must(200, req{method: "GET", path: "/chat/channels", token: w.stranger.token, org: w.otherOrg}).data(); len(theirs) != 0 {
		t.Fatalf("another organization sees our channels: %v", theirs)
	}
	if got := w.call(200, w.outsider, "GET", "/chat/channels/"+id, nil); got.str("name") != "Engineering" {
		t.Fatalf("get: %s", got.raw)
	}

	// The creator and admins change a channel; an update that changes nothing writes nothing.
	if u := w.call(200, w.member, "PUT", "/chat/channels/"+id, map[string]any{"description": "Builds and deploys"}); u.str("description") != "Builds and deploys" || u.str("name") != "Engineering" {
		t.Fatalf("update: %s", u.raw)
	}
	w.call(200, w.owner, "PUT", "/chat/channels/"+id, map[string]any{"name": "eng"})
	w.call(200, w.owner, "PUT", "/chat/channels/"+id, map[string]any{"name": "eng"})
	if n := w.auditCount("chat_channel", "updated"); n != 2 {
		t.Fatalf("update audit entries: %d", n)
	}
	w.call(204, w.owner, "DELETE", "/chat/channels/"+id, nil)
	w.call(404, w.owner, "GET", "/chat/channels/"+id, nil)
	if names(w.member) != "announcements,Leads" || w.auditCount("chat_channel", "created") != 3 || w.auditCount("chat_channel", "deleted") != 1 {
		t.Fatalf("after delete: %s", names(w.member))
	}
}

func TestChatChannels_Refusals(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	id := w.channel(w.member, map[string]any{"name": "general"})
	theirs := w.must(201, req{method: "POST", path: "/chat/channels", token: w.stranger.token, org: w.otherOrg,
		body: map[string]any{"name": "theirs"}}).str("id")
	cases := []struct {
		name    string
		body    any
		message string
	}{
		{"no name", map[string]any{}, "name is required"},
		{"blank name", map[string]any{"name": "  # "}, "name is required"},
		{"long name", map[string]any{"name": strings.Repeat("n", 81)}, "name must be at most 80 characters"},
		{"two lines", map[string]any{"name": "a\nb"}, "name must be one line of text"},
		{"long description", map[string]any{"name": "x", "description": strings.Repeat("d", 1001)}, "description must be at most 1000 characters"},
		{"stranger member", map[string]any{"name": "x", "is_private": true, "member_ids": []string{w.stranger.id}}, "member_ids must be members of this organization"},
		{"not an id", map[string]any{"name": "x", "is_private": true, "member_ids": []string{"usr_1"}}, "member_ids must be members of this organization"},
		{"name has a wrong type", `{"name": 5}`, ""},
		{"is_private has a wrong type", `{"name": "x", "is_private": "yes"}`, ""},
		{"NUL", `{"name": "a\u0000b"}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.call(400, w.member, "POST", "/chat/channels", c.body)
			if c.message != "" {
				expectError(t, r, "validation_failed", c.message)
			}
		})
	}
	expectError(t, w.call(409, w.outsider, "POST", "/chat/channels", map[string]any{"name": "#GENERAL"}), "conflict", "a channel with this name already exists")
	w.channel(w.member, map[string]any{"name": "random"})
	expectError(t, w.call(409, w.member, "PUT", "/chat/channels/"+id, map[string]any{"name": "Random"}), "conflict", "a channel with this name already exists")
	expectError(t, w.call(400, w.member, "PUT", "/chat/channels/"+id, map[string]any{"member_ids": []string{w.outsider.id}}),
		"validation_failed", "member_ids apply to private channels only: every member sees a public channel")
	expectError(t, w.call(403, w.outsider, "PUT", "/chat/channels/"+id, map[string]any{"name": "mine"}), "forbidden",
		"only the channel's creator or an admin may change it")
	expectError(t, w.call(403, w.member, "DELETE", "/chat/channels/"+id, nil), "forbidden", "only owners and admins can delete channels")
	for _, path := range []string{"/chat/channels/" + theirs, "/chat/channels/ch_abc123", "/chat/channels/" + otherOrgID} {
		w.call(404, w.owner, "GET", path, nil)
		w.call(404, w.owner, "PUT", path, map[string]any{"name": "ours"})
		w.call(404, w.owner, "DELETE", path, nil)
		w.call(404, w.owner, "GET", path+"/messages", nil)
		w.call(404, w.owner, "POST", path+"/messages", map[string]any{"content": "hi"})
		w.call(404, w.owner, "POST", path+"/read", nil)
	}
	w.must(401, req{method: "GET", path: "/chat/channels"})
	w.must(401, req{method: "POST", path: "/chat/channels", org: w.org, body: map[string]any{"name": "x"}})
	w.must(401, req{method: "DELETE", path: "/chat/channels/" + id})
	w.must(404, req{method: "GET", path: "/chat/channels", token: w.member.token, org: w.otherOrg})
	if got := w.call(200, w.owner, "GET", "/chat/channels", nil).data(); len(got) != 2 || got[0]["name"] != "general" {
		t.Fatalf("refused requests changed channels: %v", got)
	}
	if r := w.must(200, req{method: "GET", path: "/chat/channels/" + theirs, token: w.stranger.token, org: w.otherOrg}); r.str("name") != "theirs" {
		t.Fatalf("their channel: %s", r.raw)
	}
}

func TestChatPrivateChannels_AreTheirMembersOnly(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	id := w.channel(w.manager, map[string]any{"name": "leads", "is_private": true, "member_ids": []string{w.member.id}})
	msg := w.post(w.member, id, "for leads only")
	path := "/chat/channels/" + id
	// To the outsider and to an admin who is not a member, it does not exist.
	for _, u := range []user{w.outsider, w.owner} {
		w.call(404, u, "GET", path, nil)
		w.call(404, u, "GET", path+"/messages", nil)
		w.call(404, u, "POST", path+"/messages", map[string]any{"content": "let me in"})
		w.call(404, u, "PUT", path+"/messages/"+msg, map[string]any{"content": "x"})
		w.call(404, u, "DELETE", path+"/messages/"+msg, nil)
		w.call(404, u, "POST", "/chat/messages/"+msg+"/reactions", map[string]any{"emoji": "eyes"})
		w.call(404, u, "DELETE", "/chat/messages/"+msg+"/reactions/eyes", nil)
		w.call(404, u, "PUT", path, map[string]any{"name": "mine"})
		w.call(404, u, "DELETE", path, nil)
		w.call(404, u, "POST", path+"/read", nil)
		w.call(404, u, "DELETE", path+"/members/me", nil)
	}
	if got := contents(w.call(200, w.member, "GET", path+"/messages", nil)); got != "for leads only" {
		t.Fatalf("member reads: %s", got)
	}
	// A member who did not create it cannot choose its members; its creator can, and stays in it.
	w.call(403, w.member, "PUT", path, map[string]any{"member_ids": []string{w.outsider.id}})
	r := w.call(200, w.manager, "PUT", path, map[string]any{"member_ids": []string{w.outsider.id}})
	if ids := fmt.Sprint(r.json["member_ids"]); len(r.json["member_ids"].([]any)) != 2 || !strings.Contains(ids, w.outsider.id) || !strings.Contains(ids, w.manager.id) {
		t.Fatalf("replace members: %s", r.raw)
	}
	w.call(404, w.member, "GET", path, nil)
	w.call(200, w.outsider, "GET", path+"/messages", nil)
	// Members leave by themselves; the creator removes others; the last one out deletes it.
	w.call(403, w.outsider, "DELETE", path+"/members/"+w.manager.id, nil)
	w.call(404, w.manager, "DELETE", path+"/members/"+w.member.id, nil) // not a member any more
	w.call(204, w.outsider, "DELETE", path+"/members/me", nil)
	w.call(404, w.outsider, "GET", path, nil)
	w.call(204, w.manager, "DELETE", path+"/members/"+w.manager.id, nil)
	var left int
	_ = w.db.Get(&left, `SELECT count(*) FROM chat_channels WHERE id = $1`, id)
	if left != 0 {
		t.Fatal("a private channel without members was kept")
	}
	// A public channel has no members to remove.
	pub := w.channel(w.owner, map[string]any{"name": "general"})
	w.call(400, w.member, "DELETE", "/chat/channels/"+pub+"/members/me", nil)
}

func TestChatMessages_PageBackwardsWithBefore(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	id := w.channel(w.owner, map[string]any{"name": "history"})
	other := w.channel(w.owner, map[string]any{"name": "elsewhere"})
	w.sqlMessages(id, w.member, 120)
	path := "/chat/channels/" + id + "/messages"

	first := w.call(200, w.outsider, "GET", path, nil)
	msgs := first.data()
	if len(msgs) != 50 || msgs[0]["content"] != "message 71" || msgs[49]["content"] != "message 120" || first.json["meta"].(map[string]any)["has_more"] != true {
		t.Fatalf("newest page: %d messages, %v … %v, meta %v", len(msgs), msgs[0]["content"], msgs[49]["content"], first.json["meta"])
	}
	m := msgs[0]
	if m["channel_id"] != id || m["user_id"] != w.member.id || m["user_name"] != "Mick Member" || m["reply_to"] != nil ||
		m["edited_at"] != nil || m["created_at"] == nil || len(m["reactions"].([]any)) != 0 {
		t.Fatalf("message shape: %v", m)
	}
	second := w.call(200, w.outsider, "GET", path+"?before="+msgs[0]["id"].(string), nil)
	if d := second.data(); len(d) != 50 || d[0]["content"] != "message 21" || d[49]["content"] != "message 70" || second.json["meta"].(map[string]any)["has_more"] != true {
		t.Fatalf("second page: %s", contents(second))
	}
	last := w.call(200, w.outsider, "GET", path+"?limit=50&before="+second.data()[0]["id"].(string), nil)
	if d := last.data(); len(d) != 20 || d[0]["content"] != "message 1" || last.json["meta"].(map[string]any)["has_more"] != false {
		t.Fatalf("last page: %s %v", contents(last), last.json["meta"])
	}
	if d := w.call(200, w.outsider, "GET", path+"?limit=3", nil); contents(d) != "message 118,message 119,message 120" {
		t.Fatalf("limit 3: %s", contents(d))
	}
	if d := w.call(200, w.outsider, "GET", path+"?limit=1000", nil).data(); len(d) != 100 {
		t.Fatalf("limit is capped at 100: %d", len(d))
	}
	after := w.call(200, w.outsider, "GET", path+"?limit=2&after="+msgs[0]["id"].(string), nil)
	if contents(after) != "message 72,message 73" || after.json["meta"].(map[string]any)["has_newer"] != true {
		t.Fatalf("after: %s", after.raw)
	}
	elsewhere := w.post(w.owner, other, "not here")
	for _, q := range []struct{ query, message string }{
		{"limit=0", "limit must be a positive integer"},
		{"limit=-1", "limit must be a positive integer"},
		{"limit=ten", "limit must be a positive integer"},
		{"before=msg_001", "before must be a message of this channel"},
		{"before=" + elsewhere, "before must be a message of this channel"},
		{"before=" + otherOrgID, "before must be a message of this channel"},
		{"before=" + elsewhere[:8] + "&after=" + elsewhere, "give only one of before, after and around"},
	} {
		expectError(t, w.call(400, w.outsider, "GET", path+"?"+q.query, nil), "validation_failed", q.message)
	}
	if d := w.call(200, w.member, "GET", "/chat/channels/"+other+"/messages", nil); contents(d) != "not here" {
		t.Fatalf("other channel: %s", contents(d))
	}
}

func TestChatMessages_PostReplyEditDelete(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	id := w.channel(w.owner, map[string]any{"name": "general"})
	other := w.channel(w.owner, map[string]any{"name": "random"})
	path := "/chat/channels/" + id + "/messages"
	first := w.call(201, w.member, "POST", path, map[string]any{"content": "Deployment complete!"})
	if first.str("content") != "Deployment complete!" || first.str("user_id") != w.member.id || first.str("channel_id") != id ||
		first.json["reply_to"] != nil || first.json["reactions"] == nil {
		t.Fatalf("post: %s", first.raw)
	}
	reply := w.call(201, w.outsider, "POST", path, map[string]any{"content": "**Nice**", "reply_to": first.str("id")})
	if reply.str("reply_to") != first.str("id") {
		t.Fatalf("reply: %s", reply.raw)
	}
	elsewhere := w.post(w.owner, other, "elsewhere")
	for _, c := range []struct {
		body    any
		message string
	}{
		{map[string]any{}, "content is required"},
		{map[string]any{"content": " \n "}, "content is required"},
		{map[string]any{"content": strings.Repeat("é", 10001)}, "content must be at most 10000 characters"},
		{map[string]any{"content": "hi", "reply_to": elsewhere}, "reply_to must be a message of this channel"},
		{map[string]any{"content": "hi", "reply_to": "msg_001"}, "reply_to must be a message of this channel"},
		{`{"content": ["hi"]}`, ""},
		{`{"content": "a\u0000b"}`, ""},
	} {
		r := w.call(400, w.member, "POST", path, c.body)
		if c.message != "" {
			expectError(t, r, "validation_failed", c.message)
		}
	}
	w.call(201, w.member, "POST", path, map[string]any{"content": strings.Repeat("é", 10000)})

	// Only the author edits; the author or an admin deletes.
	mine := path + "/" + first.str("id")
	expectError(t, w.call(403, w.outsider, "PUT", mine, map[string]any{"content": "hijacked"}), "forbidden", "only the author of a message may edit it")
	w.call(403, w.owner, "PUT", mine, map[string]any{"content": "hijacked"})
	w.call(400, w.member, "PUT", mine, map[string]any{"content": ""})
	edited := w.call(200, w.member, "PUT", mine, map[string]any{"content": "Deployment complete (v2)"})
	if edited.str("content") != "Deployment complete (v2)" || edited.json["edited_at"] == nil {
		t.Fatalf("edit: %s", edited.raw)
	}
	expectError(t, w.call(403, w.outsider, "DELETE", mine, nil), "forbidden", "only the author of a message or an admin may delete it")
	w.call(404, w.member, "DELETE", "/chat/channels/"+other+"/messages/"+first.str("id"), nil) // another channel's path
	w.call(404, w.member, "DELETE", path+"/msg_001", nil)
	w.call(204, w.owner, "DELETE", mine, nil) // an admin removes anyone's
	w.call(404, w.member, "DELETE", mine, nil)
	w.call(204, w.outsider, "DELETE", path+"/"+reply.str("id"), nil)
	if got := w.call(200, w.member, "GET", path, nil).data(); len(got) != 1 {
		t.Fatalf("left: %d", len(got))
	}
	if w.auditCount("chat_message", "created") != 4 || w.auditCount("chat_message", "updated") != 1 || w.auditCount("chat_message", "deleted") != 2 {
		t.Fatal("message audit entries")
	}
	theirChannel := w.must(201, req{method: "POST", path: "/chat/channels", token: w.stranger.token, org: w.otherOrg, body: map[string]any{"name": "x"}}).str("id")
	theirs := w.must(201, req{method: "POST", path: "/chat/channels/" + theirChannel + "/messages", token: w.stranger.token, org: w.otherOrg,
		body: map[string]any{"content": "ours"}}).str("id")
	w.call(404, w.owner, "DELETE", "/chat/channels/"+theirChannel+"/messages/"+theirs, nil)
	w.call(404, w.owner, "DELETE", path+"/"+theirs, nil)
	w.call(404, w.owner, "POST", "/chat/messages/"+theirs+"/reactions", map[string]any{"emoji": "eyes"})
}

func TestChatMessages_RateLimitedPerPerson(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	start := time.Now().Truncate(time.Minute).Add(5 * time.Second)
	w.store.SetClock(func() time.Time { return start })
	id := w.channel(w.owner, map[string]any{"name": "busy"})
	path := "/chat/channels/" + id + "/messages"
	for i := 0; i < 60; i++ {
		w.call(201, w.member, "POST", path, map[string]any{"content": fmt.Sprint("ping ", i)})
	}
	r := w.call(429, w.member, "POST", path, map[string]any{"content": "one too many"})
	if r.header.Get("Retry-After") != "55" || r.errMessage() != "you can send at most 60 messages a minute; wait a moment, retry in 55 seconds" {
		t.Fatalf("429: %v %s", r.header, r.raw)
	}
	w.call(201, w.outsider, "POST", path, map[string]any{"content": "someone else may"})
	w.store.SetClock(func() time.Time { return start.Add(time.Minute) })
	w.call(201, w.member, "POST", path, map[string]any{"content": "a minute later"})
	var n int
	_ = w.db.Get(&n, `SELECT count(*) FROM chat_messages WHERE content = 'one too many'`)
	if n != 0 {
		t.Fatal("a refused message was stored")
	}
}

func TestChatReactions_CountsAndUsers(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	id := w.channel(w.owner, map[string]any{"name": "general"})
	msg := w.post(w.owner, id, "Ship it?")
	path := "/chat/messages/" + msg + "/reactions"
	w.call(201, w.member, "POST", path, map[string]any{"emoji": "thumbsup"})
	w.call(201, w.outsider, "POST", path, map[string]any{"emoji": "tada"})
	r := w.call(201, w.outsider, "POST", path, map[string]any{"emoji": "thumbsup"})
	reactions := r.json["reactions"].([]any)
	thumbs, tada := reactions[0].(map[string]any), reactions[1].(map[string]any)
	if len(reactions) != 2 || thumbs["emoji"] != "thumbsup" || thumbs["count"] != float64(2) ||
		fmt.Sprint(thumbs["user_ids"]) != fmt.Sprint([]any{w.member.id, w.outsider.id}) || tada["count"] != float64(1) {
		t.Fatalf("reactions: %s", r.raw)
	}
	w.call(201, w.member, "POST", path, map[string]any{"emoji": "👍🏽"})
	w.call(201, w.member, "POST", path, map[string]any{"emoji": "🇫🇷"})
	expectError(t, w.call(409, w.member, "POST", path, map[string]any{"emoji": "thumbsup"}), "conflict", "you already reacted with thumbsup")
	for _, bad := range []string{"", "Thumbs Up", strings.Repeat("a", 33), "<b>", "👍👍", "a👍", ":)"} {
		w.call(400, w.member, "POST", path, map[string]any{"emoji": bad})
	}
	w.call(204, w.member, "DELETE", path+"/"+url.PathEscape("👍🏽"), nil)
	w.call(204, w.outsider, "DELETE", path+"/thumbsup", nil)
	w.call(404, w.outsider, "DELETE", path+"/thumbsup", nil)
	w.call(404, w.outsider, "DELETE", path+"/rocket", nil)
	w.call(404, w.member, "POST", "/chat/messages/msg_001/reactions", map[string]any{"emoji": "eyes"})
	got := w.call(200, w.member, "GET", "/chat/channels/"+id+"/messages", nil).data()[0]["reactions"].([]any)
	if len(got) != 3 || got[0].(map[string]any)["count"] != float64(1) || fmt.Sprint(got[0].(map[string]any)["user_ids"]) != "["+w.member.id+"]" {
		t.Fatalf("after removals: %v", got)
	}
	// At most twenty different emoji on one message; more of an existing one is fine.
	for i := 0; len(got) < 20; i++ {
		w.call(201, w.member, "POST", path, map[string]any{"emoji": fmt.Sprint("e", i)})
		got = append(got, nil)
	}
	expectError(t, w.call(409, w.outsider, "POST", path, map[string]any{"emoji": "rocket"}), "conflict", "a message can have at most 20 different reactions")
	w.call(201, w.outsider, "POST", path, map[string]any{"emoji": "e0"})
	w.must(401, req{method: "POST", path: path, body: map[string]any{"emoji": "eyes"}})
	if w.auditCount("chat_reaction", "created") != 23 || w.auditCount("chat_reaction", "deleted") != 2 {
		t.Fatalf("reaction audit: %d created, %d deleted", w.auditCount("chat_reaction", "created"), w.auditCount("chat_reaction", "deleted"))
	}
}

func TestChatUnreadCounts_FollowReadMarkers(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	id := w.channel(w.owner, map[string]any{"name": "general"})
	quiet := w.channel(w.owner, map[string]any{"name": "quiet"})
	unread := func(u user, name string) map[string]any {
		t.Helper()
		return channelNamed(w.call(200, u, "GET", "/chat/channels", nil), name)
	}
	w.post(w.owner, id, "one")
	w.post(w.owner, id, "two")
	w.post(w.member, id, "mine")
	if c := unread(w.member, "general"); c["unread_count"] != float64(0) || c["last_message_at"] == nil {
		t.Fatalf("posting marks what came before read: %v", c)
	}
	if c := unread(w.outsider, "general"); c["unread_count"] != float64(3) {
		t.Fatalf("outsider: %v", c)
	}
	if c := unread(w.outsider, "quiet"); c["unread_count"] != float64(0) || c["last_message_at"] != nil {
		t.Fatalf("quiet: %v", c)
	}
	three := w.post(w.owner, id, "three")
	if c := unread(w.member, "general"); c["unread_count"] != float64(1) {
		t.Fatalf("member after another's message: %v", c)
	}
	r := w.call(200, w.outsider, "POST", "/chat/channels/"+id+"/read", map[string]any{"message_id": three})
	if r.str("channel_id") != id || r.json["unread_count"] != float64(0) {
		t.Fatalf("read: %s", r.raw)
	}
	w.post(w.owner, id, "four")
	w.call(200, w.member, "POST", "/chat/channels/"+id+"/read", nil)
	if unread(w.member, "general")["unread_count"] != float64(0) || unread(w.outsider, "general")["unread_count"] != float64(1) {
		t.Fatal("read markers")
	}
	// Markers never move back.
	w.call(200, w.outsider, "POST", "/chat/channels/"+id+"/read", map[string]any{"message_id": three})
	w.call(200, w.member, "POST", "/chat/channels/"+id+"/read", map[string]any{"message_id": three})
	if unread(w.member, "general")["unread_count"] != float64(0) {
		t.Fatal("a marker moved back")
	}
	expectError(t, w.call(400, w.member, "POST", "/chat/channels/"+quiet+"/read", map[string]any{"message_id": three}),
		"validation_failed", "message_id must be a message of this channel")
	// Counts stop at 100, so that a reader far behind costs no more than one who is not.
	w.sqlMessages(id, w.owner, 150)
	if c := unread(w.member, "general"); c["unread_count"] != float64(100) {
		t.Fatalf("capped count: %v", c)
	}
}

func TestChatMentions_NotifyMembersWhoCanSeeTheChannel(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	general := w.channel(w.owner, map[string]any{"name": "general"})
	msg := w.post(w.owner, general, "@MonaManager and @mick.member, see `@otto.outsider` and mail tara.owner@example.com. Thanks @otto.outsider.")
	byType := func(u user) []map[string]any {
		t.Helper()
		return w.call(200, u, "GET", "/notifications?type=chat_mentioned", nil).data()
	}
	for _, u := range []user{w.manager, w.member, w.outsider} {
		n := byType(u)
		if len(n) != 1 || n[0]["title"] != "Tara Owner mentioned you in #general" || !strings.HasPrefix(n[0]["body"].(string), "@MonaManager and") {
			t.Fatalf("%s: %v", u.name, n)
		}
		data := n[0]["data"].(map[string]any)
		if data["link"] != "/chat/"+general+"?message="+msg || data["channel_id"] != general || data["message_id"] != msg {
			t.Fatalf("%s: data %v", u.name, data)
		}
	}
	if n := byType(w.owner); len(n) != 0 {
		t.Fatalf("the author is notified of their own mention: %v", n)
	}
	// A private channel: mentioning someone outside it tells them nothing.
	private := w.channel(w.manager, map[string]any{"name": "leads", "is_private": true, "member_ids": []string{w.member.id}})
	w.post(w.manager, private, "@mickmember @ottooutsider @taraowner what do you think?")
	if n := byType(w.member); len(n) != 2 || n[0]["title"] != "Mona Manager mentioned you in #leads" {
		t.Fatalf("member of the private channel: %v", n)
	}
	for _, u := range []user{w.outsider, w.owner} {
		if n := byType(u); len(n) != (map[string]int{w.outsider.id: 1, w.owner.id: 0})[u.id] {
			t.Fatalf("%s was told of a private channel: %v", u.name, n)
		}
	}
	// The emails go out as the preferences say, linking to the message.
	emails, err := w.store.OutboxEmails(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	mentions := map[string]int{}
	for _, m := range emails {
		if strings.Contains(m.Subject, "mentioned you in #") && strings.Contains(m.Text, "http://trcr.test/chat/") {
			mentions[m.To[0]]++
		}
	}
	if mentions[w.member.email] != 2 || mentions[w.outsider.email] != 1 || mentions[w.owner.email] != 0 {
		t.Fatalf("mention emails: %v", mentions)
	}
}

func TestChatEvents_PrivateChannelReachesOnlyItsMembers(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	w.runHub()
	member := w.openStream(t, bearer(w.member, w.org))
	outsider := w.openStream(t, bearer(w.outsider, w.org))
	admin := w.openStream(t, bearer(w.owner, w.org))
	stranger := w.openStream(t, bearer(w.stranger, w.otherOrg))

	public := w.channel(w.owner, map[string]any{"name": "general"})
	for _, s := range []*stream{member, outsider, admin} {
		s.next(t, "chat.channel.created")
	}
	msg := w.post(w.member, public, "hello all")
	if e := outsider.next(t, "chat.message.created"); !strings.Contains(string(e.Data.Data), `"content":"hello all"`) {
		t.Fatalf("public message: %s", e.Data.Data)
	}
	w.call(201, w.outsider, "POST", "/chat/messages/"+msg+"/reactions", map[string]any{"emoji": "wave"})
	var reaction struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
		Reactions []struct {
			Count int `json:"count"`
		} `json:"reactions"`
	}
	if err := json.Unmarshal(member.next(t, "chat.reaction.added").Data.Data, &reaction); err != nil || reaction.MessageID != msg ||
		reaction.Emoji != "wave" || len(reaction.Reactions) != 1 || reaction.Reactions[0].Count != 1 {
		t.Fatalf("reaction event: %+v %v", reaction, err)
	}
	outsider.next(t, "chat.reaction.added")
	admin.next(t, "chat.reaction.added")

	private := w.channel(w.manager, map[string]any{"name": "leads", "is_private": true, "member_ids": []string{w.member.id}})
	member.next(t, "chat.channel.created")
	secret := w.post(w.manager, private, "for leads only")
	if e := member.next(t, "chat.message.created"); !strings.Contains(string(e.Data.Data), secret) {
		t.Fatalf("member: %s", e.Data.Data)
	}
	w.call(200, w.manager, "PUT", "/chat/channels/"+private+"/messages/"+secret, map[string]any{"content": "for leads only!"})
	member.next(t, "chat.message.updated")
	w.call(201, w.member, "POST", "/chat/messages/"+secret+"/reactions", map[string]any{"emoji": "eyes"})
	member.next(t, "chat.reaction.added")
	w.call(200, w.member, "POST", "/chat/channels/"+private+"/read", nil)
	if e := member.next(t, "chat.channel.read"); !strings.Contains(string(e.Data.Data), `"unread_count":0`) {
		t.Fatalf("read event: %s", e.Data.Data)
	}
	// Taken out of the channel, the member hears of it once and of nothing after.
	w.call(200, w.manager, "PUT", "/chat/channels/"+private, map[string]any{"member_ids": []string{}})
	if e := member.next(t, "chat.channel.updated"); !strings.Contains(string(e.Data.Data), `"member_ids":["`+w.manager.id+`"]`) {
		t.Fatalf("removal: %s", e.Data.Data)
	}
	w.post(w.manager, private, "after you left")
	member.none(t, 500*time.Millisecond, "chat.message.created")
	w.call(200, w.manager, "PUT", "/chat/channels/"+private, map[string]any{"member_ids": []string{w.member.id}})
	member.next(t, "chat.channel.updated")
	w.call(204, w.manager, "DELETE", "/chat/channels/"+private+"/messages/"+secret, nil)
	member.next(t, "chat.message.deleted")
	w.call(204, w.manager, "DELETE", "/chat/channels/"+private+"/members/"+w.member.id, nil)
	member.next(t, "chat.channel.updated")
	w.call(204, w.manager, "DELETE", "/chat/channels/"+private+"/members/me", nil) // the last one out deletes it

	// Nothing of the private channel reached the others.
	for _, s := range []*stream{outsider, admin, stranger} {
		s.none(t, 300*time.Millisecond, "chat.channel.created", "chat.channel.updated", "chat.channel.deleted", "chat.message.created",
			"chat.message.updated", "chat.message.deleted", "chat.reaction.added", "chat.channel.read")
	}
	// A deleted private channel is announced to its members.
	again := w.channel(w.owner, map[string]any{"name": "admins", "is_private": true, "member_ids": []string{w.member.id}})
	member.next(t, "chat.channel.created")
	w.call(204, w.owner, "DELETE", "/chat/channels/"+again, nil)
	if e := member.next(t, "chat.channel.deleted"); !strings.Contains(string(e.Data.Data), again) {
		t.Fatalf("deleted: %s", e.Data.Data)
	}
	outsider.none(t, 300*time.Millisecond, "chat.channel.created", "chat.channel.deleted")
}

func TestChatPrivateChannels_ListOnlyMembersStillInTheOrganization(t *testing.T) {
	t.Parallel()
	w := newChatWorld(t)
	id := w.channel(w.manager, map[string]any{"name": "leads", "is_private": true, "member_ids": []string{w.member.id, w.outsider.id}})
	var memberID string
	if err := w.db.Get(&memberID, `SELECT id FROM members WHERE user_id = $1 AND organization_id = $2`, w.outsider.id, w.org); err != nil {
		t.Fatal(err)
	}
	w.call(204, w.owner, "DELETE", "/members/"+memberID, nil)
	ids := w.call(200, w.manager, "GET", "/chat/channels/"+id, nil).json["member_ids"].([]any)
	if len(ids) != 2 || strings.Contains(fmt.Sprint(ids), w.outsider.id) {
		t.Fatalf("member_ids after the outsider left the organization: %v", ids)
	}
	// Mentioning them tells them nothing either.
	w.post(w.manager, id, "@ottooutsider are you there?")
	var n int
	_ = w.db.Get(&n, `SELECT count(*) FROM notifications WHERE user_id = $1`, w.outsider.id)
	if n != 0 {
		t.Fatalf("a former member was notified %d times", n)
	}
}
