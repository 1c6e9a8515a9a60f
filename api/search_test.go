package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// searchWorld is the task world (owner, manager and member of the project Website, an outsider of it, a stranger
// in another organization) with search helpers.
type searchWorld struct {
	*taskWorld
}

func newSearchWorld(t *testing.T) *searchWorld {
	t.Helper()
	return &searchWorld{taskWorld: newTaskWorld(t)}
}

// search calls GET /search as u in the world's organization with the given query parameters.
func (w *searchWorld) search(u user, params ...string) resp {
	w.t.Helper()
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	return w.do(req{method: "GET", path: "/search?" + q.Encode(), token: u.token, org: w.org})
}

// found searches q as u, checks the status is 200, and returns "type:title" of each result in order.
func (w *searchWorld) found(u user, params ...string) []string {
	w.t.Helper()
	r := w.search(u, params...)
	if r.status != 200 {
		w.t.Fatalf("search %v: status %d %s", params, r.status, r.raw)
	}
	var out []string
	for _, d := range r.data() {
		out = append(out, fmt.Sprint(d["type"], ":", d["title"]))
	}
	return out
}

func (w *searchWorld) call(want int, u user, method, path string, body any) resp {
	w.t.Helper()
	return w.must(want, req{method: method, path: path, token: u.token, org: w.org, body: body})
}

func resultOf(r resp, typ string) map[string]any {
	for _, d := range r.data() {
		if d["type"] == typ {
			return d
		}
	}
	return nil
}

func TestSearch_FindsEveryTypeByPrefixWithSafeSnippetsAndLinks(t *testing.T) {
	w := newSearchWorld(t)
	task := w.newTask("Design the landing page", map[string]any{"description": "Hero banner and the pricing table."}).str("id")
	comment := w.call(201, w.member, "POST", "/tasks/"+task+"/comments", map[string]string{"body": `The designer says 1 < 2 && "quotes" <img src=x onerror=alert(1)>`}).str("id")
	general := w.call(201, w.owner, "POST", "/chat/channels", map[string]any{"name": "general"}).str("id")
	message := w.call(201, w.member, "POST", "/chat/channels/"+general+"/messages", map[string]any{"content": "Designs are in the shared drive"}).str("id")
	project := w.call(201, w.owner, "POST", "/projects", map[string]any{"name": "Design system", "description": "Tokens and components"}).str("id")
	client := w.call(201, w.owner, "POST", "/clients", map[string]any{"name": "Designworks Ltd", "email": "hello@designworks.example"}).str("id")
	invoice := w.call(201, w.owner, "POST", "/invoices", map[string]any{"client_id": client, "due_date": "2099-01-01", "notes": "Thanks for the work"}).str("id")
	entry := w.call(201, w.member, "POST", "/time-entries", map[string]any{"project_id": w.project, "description": "Design review with the client",
		"started_at": "2026-03-03T09:00:00Z", "stopped_at": "2026-03-03T10:00:00Z"}).str("id")

	r := w.search(w.owner, "q", "desi")
	if r.status != 200 {
		t.Fatalf("status %d %s", r.status, r.raw)
	}
	want := map[string]struct{ id, title, url string }{
		"task":         {task, "Design the landing page", "/tasks?task=" + task},
		"comment":      {comment, "Design the landing page", "/tasks?task=" + task},
		"chat_message": {message, "#general", "/chat/" + general + "?message=" + message},
		"project":      {project, "Design system", "/projects/" + project + "/board"},
		"client":       {client, "Designworks Ltd", "/clients/" + client},
		"invoice":      {invoice, "INV-", "/invoices/" + invoice},
		"time_entry":   {entry, "Design review with the client", "/time?start=2026-03-03&user=" + w.member.id},
	}
	for typ, x := range want {
		got := resultOf(r, typ)
		if got == nil {
			t.Errorf("no %s among %s", typ, r.raw)
			continue
		}
		if got["id"] != x.id || !strings.HasPrefix(got["title"].(string), x.title) || got["url"] != x.url {
			t.Errorf("%s: %v, want id %s title %q url %s", typ, got, x.id, x.title, x.url)
		}
		for _, k := range []string{"type", "id", "title", "snippet", "url"} {
			if _, ok := got[k]; !ok {
				t.Errorf("%s has no %s: %v", typ, k, got)
			}
		}
	}
	// The snippet is HTML: matches in <mark>, everything else escaped, whatever the content held.
	if s := resultOf(r, "comment")["snippet"].(string); !strings.Contains(s, "<mark>designer</mark>") ||
		!strings.Contains(s, "1 &lt; 2 &amp;&amp; &#34;quotes&#34; &lt;img src=x") || strings.Contains(s, "<img") {
		t.Errorf("comment snippet %q", s)
	}
	if s := resultOf(r, "chat_message")["snippet"].(string); s != "<mark>Designs</mark> are in the shared drive" {
		t.Errorf("message snippet %q", s)
	}
	// The title is plain text.
	if title := resultOf(r, "task")["title"]; title != "Design the landing page" {
		t.Errorf("task title %q", title)
	}
	// An invoice is found by its client's name and by its number.
	number := w.call(200, w.owner, "GET", "/invoices/"+invoice, nil).str("number")
	if got := w.found(w.owner, "q", number); !slices.Contains(got, "invoice:"+number) {
		t.Errorf("by number %s: %v", number, got)
	}
}

func TestSearch_EveryWordIsAPrefixAndAllMustMatch(t *testing.T) {
	w := newSearchWorld(t)
	w.newTask("Migrate the billing database", nil)
	w.newTask("Migrate the chat service", nil)
	if got := w.found(w.owner, "q", "migr datab"); !slices.Equal(got, []string{"task:Migrate the billing database"}) {
		t.Fatalf("migr datab: %v", got)
	}
	if got := w.found(w.owner, "q", "MIGRATE"); len(got) != 2 {
		t.Fatalf("any case: %v", got)
	}
	if got := w.found(w.owner, "q", "gra"); len(got) != 0 {
		t.Fatalf("infix is not a prefix: %v", got)
	}
	// Punctuation is not query syntax.
	if got := w.found(w.owner, "q", "migr & !datab | (chat"); len(got) != 0 {
		t.Fatalf("operators: %v", got)
	}
	if got := w.found(w.owner, "q", "!!!"); len(got) != 0 {
		t.Fatalf("nothing searchable: %v", got)
	}
}

func TestSearch_RanksTitleMatchesFirst(t *testing.T) {
	w := newSearchWorld(t)
	w.newTask("Weekly sync notes", map[string]any{"description": "Talk about the roadmap and the roadmap review."})
	w.newTask("Roadmap", nil)
	general := w.call(201, w.owner, "POST", "/chat/channels", map[string]any{"name": "general"}).str("id")
	w.call(201, w.member, "POST", "/chat/channels/"+general+"/messages", map[string]any{"content": "roadmap roadmap roadmap"})
	got := w.found(w.owner, "q", "roadmap")
	if len(got) != 3 || got[0] != "task:Roadmap" {
		t.Fatalf("roadmap: %v", got)
	}
}

func TestSearch_TypeFilterAndLimit(t *testing.T) {
	w := newSearchWorld(t)
	w.db.MustExec(`INSERT INTO tasks (organization_id, project_id, group_id, title, position)
		SELECT $1, $2, $3, 'Invoice reminder ' || i, i FROM generate_series(1, 60) i`, w.org, w.project, w.group)
	w.call(201, w.owner, "POST", "/projects", map[string]any{"name": "Invoice automation"})
	if got := w.found(w.owner, "q", "invoice", "type", "project"); !slices.Equal(got, []string{"project:Invoice automation"}) {
		t.Fatalf("type=project: %v", got)
	}
	for _, c := range []struct {
		limit string
		want  int
	}{{"", 20}, {"5", 5}, {"50", 50}, {"51", 50}, {"100000000000000000000", 50}} {
		got := w.found(w.owner, "q", "invoice", "type", "task", "limit", c.limit)
		if len(got) != c.want {
			t.Errorf("limit %q: %d results, want %d", c.limit, len(got), c.want)
		}
		for _, g := range got {
			if !strings.HasPrefix(g, "task:") {
				t.Errorf("limit %q: %s with type=task", c.limit, g)
			}
		}
	}
}

func TestSearch_RefusesBadInput(t *testing.T) {
	w := newSearchWorld(t)
	for _, c := range []struct {
		name   string
		params []string
		field  string
	}{
		{"no q", nil, "q"},
		{"blank q", []string{"q", "   "}, "q"},
		{"q too long", []string{"q", strings.Repeat("a", 201)}, "q"},
		{"q not UTF-8", []string{"q", "caf\xe9"}, "q"},
		{"unknown type", []string{"q", "x", "type", "user"}, "type"},
		{"limit zero", []string{"q", "x", "limit", "0"}, "limit"},
		{"limit negative", []string{"q", "x", "limit", "-3"}, "limit"},
		{"limit not a number", []string{"q", "x", "limit", "ten"}, "limit"},
	} {
		r := w.search(w.owner, c.params...)
		if r.status != 400 || r.errCode() != "validation_failed" {
			t.Errorf("%s: %d %s", c.name, r.status, r.raw)
			continue
		}
		if fields, _ := r.json["error"].(map[string]any)["fields"].(map[string]any); fields[c.field] == nil {
			t.Errorf("%s: no message for %s: %s", c.name, c.field, r.raw)
		}
	}
	// 200 characters is the limit, not beyond it.
	if r := w.search(w.owner, "q", strings.Repeat("a", 200)); r.status != 200 {
		t.Errorf("200 characters: %d %s", r.status, r.raw)
	}
	if r := w.do(req{method: "GET", path: "/search?q=a%00b", token: w.owner.token, org: w.org}); r.status != 400 {
		t.Errorf("NUL: %d %s", r.status, r.raw)
	}
	if r := w.do(req{method: "GET", path: "/search?q=design"}); r.status != 401 {
		t.Errorf("no token: %d %s", r.status, r.raw)
	}
	if r := w.do(req{method: "GET", path: "/search?q=design", token: "not-a-token"}); r.status != 401 {
		t.Errorf("bad token: %d %s", r.status, r.raw)
	}
}

// A member finds only what they may see, in every type: tasks, comments and projects of their projects, public
// channels and private ones they are in, clients, their own time; never invoices. Owners do not see private
// channels they are not in either.
func TestSearch_MemberSeesOnlyWhatTheyMay(t *testing.T) {
	w := newSearchWorld(t)
	// Visible to the member: the project Website and what is in it.
	mine := w.newTask("Falcon launch checklist", nil).str("id")
	w.call(201, w.owner, "POST", "/tasks/"+mine+"/comments", map[string]string{"body": "falcon copy is ready"})
	// Not visible: a project the member is not on, with a task and a comment.
	secret := w.call(201, w.owner, "POST", "/projects", map[string]any{"name": "Falcon acquisition"}).str("id")
	hidden := w.call(201, w.owner, "POST", "/tasks", map[string]any{"title": "Falcon due diligence", "project_id": secret}).str("id")
	w.call(201, w.owner, "POST", "/tasks/"+hidden+"/comments", map[string]string{"body": "falcon numbers attached"})
	// Chat: a public channel, a private one the member is in, a private one they are not in (the owner neither).
	public := w.call(201, w.owner, "POST", "/chat/channels", map[string]any{"name": "general"}).str("id")
	w.call(201, w.owner, "POST", "/chat/channels/"+public+"/messages", map[string]any{"content": "falcon standup at ten"})
	theirs := w.call(201, w.manager, "POST", "/chat/channels", map[string]any{"name": "managers", "is_private": true}).str("id")
	w.call(201, w.manager, "POST", "/chat/channels/"+theirs+"/messages", map[string]any{"content": "falcon budget talk"})
	ours := w.call(201, w.manager, "POST", "/chat/channels", map[string]any{"name": "crew", "is_private": true, "member_ids": []string{w.member.id}}).str("id")
	w.call(201, w.manager, "POST", "/chat/channels/"+ours+"/messages", map[string]any{"content": "falcon crew lunch"})
	// Clients are every member's; invoices only for those who manage billing.
	client := w.call(201, w.owner, "POST", "/clients", map[string]any{"name": "Falcon Freight"}).str("id")
	w.call(201, w.owner, "POST", "/invoices", map[string]any{"client_id": client, "due_date": "2099-01-01"})
	// Time: one's own.
	for _, u := range []user{w.owner, w.member} {
		w.call(201, u, "POST", "/time-entries", map[string]any{"project_id": w.project, "description": "falcon work of " + u.name,
			"started_at": "2026-03-03T09:00:00Z", "stopped_at": "2026-03-03T10:00:00Z"})
	}
	// Another organization's falcon.
	w.must(201, req{method: "POST", path: "/tasks", token: w.stranger.token, org: w.otherOrg, body: map[string]any{"title": "Falcon elsewhere", "project_id": w.theirs}})

	sorted := func(u user, params ...string) []string {
		got := w.found(u, params...)
		slices.Sort(got)
		return got
	}
	member := sorted(w.member, "q", "falcon", "limit", "50")
	wantMember := []string{"chat_message:#crew", "chat_message:#general", "client:Falcon Freight",
		"comment:Falcon launch checklist", "task:Falcon launch checklist", "time_entry:falcon work of Mick Member"}
	if !slices.Equal(member, wantMember) {
		t.Errorf("member:\n got %v\nwant %v", member, wantMember)
	}
	owner := sorted(w.owner, "q", "falcon", "limit", "50")
	wantOwner := []string{"chat_message:#general", "client:Falcon Freight", "comment:Falcon due diligence",
		"comment:Falcon launch checklist", "invoice:", "project:Falcon acquisition", "task:Falcon due diligence",
		"task:Falcon launch checklist", "time_entry:falcon work of Mick Member", "time_entry:falcon work of Tara Owner"}
	for i, g := range owner {
		if strings.HasPrefix(g, "invoice:") {
			owner[i] = "invoice:"
		}
	}
	if !slices.Equal(owner, wantOwner) {
		t.Errorf("owner:\n got %v\nwant %v", owner, wantOwner)
	}
	// Asking for a type one may not see answers nothing rather than an error.
	if got := w.found(w.member, "q", "falcon", "type", "invoice"); len(got) != 0 {
		t.Errorf("member, type=invoice: %v", got)
	}
	// Another organization finds its own falcon only.
	r := w.do(req{method: "GET", path: "/search?q=falcon", token: w.stranger.token, org: w.otherOrg})
	if r.status != 200 || len(r.data()) != 1 || r.data()[0]["title"] != "Falcon elsewhere" {
		t.Errorf("stranger in their organization: %d %s", r.status, r.raw)
	}
}

func TestSearch_OtherOrganizationIsNotFound(t *testing.T) {
	w := newSearchWorld(t)
	if r := w.do(req{method: "GET", path: "/search?q=falcon", token: w.stranger.token, org: w.org}); r.status != 404 {
		t.Fatalf("stranger naming our organization: %d %s", r.status, r.raw)
	}
}

// The index follows every change in the same transaction: renames, edits, moves between projects, deletions,
// a client's new name on its invoices, and membership of private channels (read when searching).
func TestSearch_FollowsChanges(t *testing.T) {
	w := newSearchWorld(t)
	task := w.newTask("Osprey rollout", nil).str("id")
	comment := w.call(201, w.owner, "POST", "/tasks/"+task+"/comments", map[string]string{"body": "osprey metrics look fine"}).str("id")
	w.call(200, w.owner, "PUT", "/tasks/"+task, map[string]any{"title": "Kestrel rollout"})
	if got := w.found(w.owner, "q", "kestrel"); !slices.Equal(got, []string{"task:Kestrel rollout"}) {
		t.Errorf("after rename: %v", got)
	}
	if got := w.found(w.owner, "q", "osprey"); !slices.Equal(got, []string{"comment:Kestrel rollout"}) {
		t.Errorf("old title after rename: %v", got)
	}
	w.db.MustExec(`UPDATE task_comments SET body = 'kestrel metrics look fine', updated_at = now() WHERE id = $1`, comment)
	if got := w.found(w.owner, "q", "osprey"); len(got) != 0 {
		t.Errorf("after editing the comment: %v", got)
	}
	// Moved to a project the member is not on: the task and its comment leave the member's results.
	if got := w.found(w.member, "q", "kestrel"); len(got) != 2 {
		t.Errorf("member before the move: %v", got)
	}
	other, _ := w.sqlProject(w.org, "Elsewhere", map[string]string{w.manager.id: "manager"})
	w.db.MustExec(`UPDATE tasks SET project_id = $2, group_id = (SELECT id FROM task_groups WHERE project_id = $2) WHERE id = $1`, task, other)
	if got := w.found(w.member, "q", "kestrel"); len(got) != 0 {
		t.Errorf("member after the move: %v", got)
	}
	if got := w.found(w.manager, "q", "kestrel"); len(got) != 2 {
		t.Errorf("manager of the new project after the move: %v", got)
	}
	w.call(204, w.owner, "DELETE", "/tasks/"+task, nil)
	if got := w.found(w.owner, "q", "kestrel"); len(got) != 0 {
		t.Errorf("after delete: %v", got)
	}

	// Chat: an edit, a deletion, and leaving a private channel.
	crew := w.call(201, w.manager, "POST", "/chat/channels", map[string]any{"name": "crew", "is_private": true, "member_ids": []string{w.member.id}}).str("id")
	msg := w.call(201, w.manager, "POST", "/chat/channels/"+crew+"/messages", map[string]any{"content": "heron plans"}).str("id")
	w.call(200, w.manager, "PUT", "/chat/channels/"+crew+"/messages/"+msg, map[string]any{"content": "egret plans"})
	if got := w.found(w.member, "q", "egret"); !slices.Equal(got, []string{"chat_message:#crew"}) {
		t.Errorf("edited message: %v", got)
	}
	if got := w.found(w.member, "q", "heron"); len(got) != 0 {
		t.Errorf("word edited away: %v", got)
	}
	w.call(204, w.member, "DELETE", "/chat/channels/"+crew+"/members/me", nil)
	if got := w.found(w.member, "q", "egret"); len(got) != 0 {
		t.Errorf("after leaving the channel: %v", got)
	}
	w.call(204, w.manager, "DELETE", "/chat/channels/"+crew+"/messages/"+msg, nil)
	if got := w.found(w.manager, "q", "egret"); len(got) != 0 {
		t.Errorf("deleted message: %v", got)
	}

	// A client's new name finds its invoices.
	client := w.call(201, w.owner, "POST", "/clients", map[string]any{"name": "Plover Ltd"}).str("id")
	w.call(201, w.owner, "POST", "/invoices", map[string]any{"client_id": client, "due_date": "2099-01-01"})
	w.call(200, w.owner, "PUT", "/clients/"+client, map[string]any{"name": "Sandpiper Ltd"})
	got := w.found(w.owner, "q", "sandpiper", "type", "invoice")
	if len(got) != 1 {
		t.Errorf("invoice by the client's new name: %v", got)
	}
	if got := w.found(w.owner, "q", "plover"); len(got) != 0 {
		t.Errorf("the client's old name: %v", got)
	}
}

// A short query with a typo finds titles spelled like it, after the exact matches.
func TestSearch_ToleratesTyposInShortQueries(t *testing.T) {
	w := newSearchWorld(t)
	w.call(201, w.owner, "POST", "/projects", map[string]any{"name": "Warehouse migration"})
	w.newTask("Warehouse inventory sync", nil)
	got := w.found(w.owner, "q", "warehuose")
	if len(got) != 2 {
		t.Fatalf("warehuose: %v", got)
	}
	if got := w.found(w.member, "q", "warehuose"); !slices.Equal(got, []string{"task:Warehouse inventory sync"}) {
		t.Fatalf("member sees only the task: %v", got)
	}
	if got := w.found(w.owner, "q", "zzqx"); len(got) != 0 {
		t.Fatalf("nothing alike: %v", got)
	}
}
