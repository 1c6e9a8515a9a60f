package api_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/trcr/trcr/store"
)

// gitFixture is the projects fixture plus a project keyed TRC with three tasks, TRC-1 (assigned to the member),
// TRC-2 and TRC-3.
type gitFixture struct {
	*projectsFixture
	tracker string
	tasks   [3]string
}

func withWebhooksToPrivate() envOption { return func(c *store.Config) { c.WebhookAllowPrivate = true } }

func newGitFixture(t *testing.T, opts ...envOption) *gitFixture {
	t.Helper()
	f := &gitFixture{projectsFixture: newProjectsFixture(t, opts...)}
	p := f.call(201, f.owner, "POST", "/projects", map[string]any{"name": "Tracker", "key": " trc "})
	if p.str("key") != "TRC" {
		t.Fatalf("project key: %s", p.raw)
	}
	f.tracker = p.str("id")
	f.addMember(f.tracker, f.member, "member")
	for i := range f.tasks {
		body := map[string]any{"project_id": f.tracker, "title": []string{"Login form", "Email validation", "Dark theme"}[i]}
		if i == 0 {
			body["assignee_id"] = f.member.id
		}
		r := f.call(201, f.owner, "POST", "/tasks", body)
		if r.json["number"] != float64(i+1) || r.str("reference") != "TRC-"+string(rune('1'+i)) {
			t.Fatalf("task %d: %s", i, r.raw)
		}
		f.tasks[i] = r.str("id")
	}
	return f
}

// connect connects a repository as the owner and returns its id and hook secret.
func (f *gitFixture) connect(provider, repoURL string, extra map[string]any) (id, secret string) {
	f.t.Helper()
	body := map[string]any{"provider": provider, "repo_url": repoURL}
	for k, v := range extra {
		body[k] = v
	}
	r := f.call(201, f.owner, "POST", "/git/repositories", body)
	return r.str("id"), r.str("hook_secret")
}

// fixture reads a payload of api/testdata/git.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/git/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hubSignature(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// signed is a provider's request headers for a body: GitHub's and Gitea's HMAC signatures, GitLab's token.
func signed(provider, event, delivery, secret string, body []byte) map[string]string {
	switch provider {
	case "github":
		return map[string]string{"X-GitHub-Event": event, "X-GitHub-Delivery": delivery,
			"X-Hub-Signature-256": "sha256=" + hubSignature(secret, body)}
	case "gitlab":
		return map[string]string{"X-Gitlab-Event": event, "X-Gitlab-Event-UUID": delivery, "X-Gitlab-Token": secret}
	}
	return map[string]string{"X-Gitea-Event": event, "X-Gitea-Delivery": delivery, "X-Gitea-Signature": hubSignature(secret, body)}
}

func (f *gitFixture) hook(repoID string, headers map[string]string, body []byte) resp {
	f.t.Helper()
	return f.do(req{method: "POST", path: "/git/hooks/" + repoID, headers: headers, body: body})
}

func (f *gitFixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.Get(&n, sql, args...); err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *gitFixture) taskStatus(id string) string {
	f.t.Helper()
	return f.call(200, f.owner, "GET", "/tasks/"+id, nil).str("status")
}

func strs(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestGitRepositories_ConnectListUpdateDisconnect(t *testing.T) {
	f := newGitFixture(t)
	r := f.call(201, f.owner, "POST", "/git/repositories", map[string]any{
		"provider": "github", "repo_url": "https://GitHub.com/acme/app.git/", "project_id": f.tracker,
	})
	id, secret := r.str("id"), r.str("hook_secret")
	if r.str("repo_url") != "https://github.com/acme/app" || r.str("full_name") != "acme/app" || r.str("provider") != "github" ||
		r.str("project_id") != f.tracker || r.json["close_tasks_on_merge"] != true || r.str("organization_id") != f.org ||
		r.str("hook_url") != "http://trcr.test/api/v1/git/hooks/"+id || len(secret) != 64 || r.json["created_at"] == nil {
		t.Fatalf("connect: %s", r.raw)
	}
	f.call(201, f.admin, "POST", "/git/repositories", map[string]any{"provider": "gitlab", "repo_url": "git@gitlab.com:acme/platform/app.git"})
	list := f.call(200, f.admin, "GET", "/git/repositories", nil)
	if len(list.data()) != 2 || strings.Contains(string(list.raw), secret) || strings.Contains(string(list.raw), "hook_secret") {
		t.Fatalf("list shows secrets or misses repositories: %s", list.raw)
	}
	if got := list.data()[1]; got["full_name"] != "acme/platform/app" || got["repo_url"] != "https://gitlab.com/acme/platform/app" ||
		got["hook_url"] == "" || got["project_id"] != nil {
		t.Fatalf("second repository: %v", got)
	}
	u := f.call(200, f.admin, "PUT", "/git/repositories/"+id, map[string]any{"close_tasks_on_merge": false, "project_id": nil})
	if u.json["close_tasks_on_merge"] != false || u.json["project_id"] != nil || strings.Contains(string(u.raw), secret) {
		t.Fatalf("update: %s", u.raw)
	}
	if n := f.auditCount("git_repository", "created"); n != 2 {
		t.Fatalf("audit created: %d", n)
	}
	if n := f.auditCount("git_repository", "updated"); n != 1 {
		t.Fatalf("audit updated: %d", n)
	}
	f.call(204, f.owner, "DELETE", "/git/repositories/"+id, nil)
	f.call(404, f.owner, "DELETE", "/git/repositories/"+id, nil)
	body := fixture(t, "github_push.json")
	f.hook(id, signed("github", "push", "d-1", secret, body), body).mustStatus(t, 404)
	if n := f.auditCount("git_repository", "deleted"); n != 1 {
		t.Fatalf("audit deleted: %d", n)
	}
}

func (r resp) mustStatus(t *testing.T, want int) resp {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.raw)
	}
	return r
}

func TestGitRepositories_Refusals(t *testing.T) {
	f := newGitFixture(t)
	id, _ := f.connect("github", "https://github.com/acme/app", nil)
	theirs := f.must(201, req{method: "POST", path: "/git/repositories", token: f.stranger.token, org: f.strangerOrg,
		body: map[string]any{"provider": "github", "repo_url": "https://github.com/them/app"}}).str("id")
	bad := func(body map[string]any, field, msg string) {
		t.Helper()
		r := f.call(400, f.owner, "POST", "/git/repositories", body)
		if r.errCode() != "validation_failed" || r.json["error"].(map[string]any)["fields"].(map[string]any)[field] != msg {
			t.Fatalf("%v: %s", body, r.raw)
		}
	}
	bad(map[string]any{"repo_url": "https://github.com/acme/x"}, "provider", "provider is required")
	bad(map[string]any{"provider": "bitbucket", "repo_url": "https://bitbucket.org/acme/x"}, "provider", "provider must be github, gitlab or gitea")
	bad(map[string]any{"provider": "github"}, "repo_url", "repo_url is required")
	bad(map[string]any{"provider": "github", "repo_url": "ftp://github.com/acme/x"}, "repo_url",
		"repo_url must be the repository's web address, such as https://github.com/acme/app")
	bad(map[string]any{"provider": "github", "repo_url": "https://github.com/acme"}, "repo_url", "repo_url must name a repository: https://host/owner/name")
	bad(map[string]any{"provider": "github", "repo_url": "https://github.com/a/b/c"}, "repo_url", "repo_url must name a repository: https://host/owner/name")
	bad(map[string]any{"provider": "gitlab", "repo_url": "https://github.com/acme/x"}, "provider", "provider must be github for a repository on github.com")
	bad(map[string]any{"provider": "github", "repo_url": "https://github.com/acme/x", "project_id": f.strangerProject}, "project_id", "project_id must be a project you can see")
	bad(map[string]any{"provider": "github", "repo_url": "https://github.com/acme/x", "project_id": "prj_abc"}, "project_id", "project_id must be a project you can see")
	f.call(400, f.owner, "POST", "/git/repositories", `{"provider": 5}`)
	expectError(t, f.call(409, f.owner, "POST", "/git/repositories", map[string]any{"provider": "github", "repo_url": "https://github.com/ACME/app/"}),
		"conflict", "")
	// Members may not see or change git integration; strangers' and malformed ids are not found.
	for _, c := range []struct{ method, path string }{
		{"GET", "/git/repositories"}, {"POST", "/git/repositories"}, {"PUT", "/git/repositories/" + id},
		{"DELETE", "/git/repositories/" + id}, {"GET", "/git/webhooks"}, {"POST", "/git/webhooks"},
		{"DELETE", "/git/webhooks/" + id},
	} {
		expectError(t, f.call(403, f.member, c.method, c.path, map[string]any{}), "forbidden", "only owners and admins can manage git integration")
		f.must(401, req{method: c.method, path: c.path, org: f.org})
	}
	for _, path := range []string{"/git/repositories/" + theirs, "/git/repositories/repo_abc123"} {
		f.call(404, f.owner, "PUT", path, map[string]any{"close_tasks_on_merge": false})
		f.call(404, f.owner, "DELETE", path, nil)
	}
	f.call(400, f.owner, "PUT", "/git/repositories/"+id, map[string]any{"project_id": f.strangerProject})
	if n := f.count(`SELECT count(*) FROM git_repositories WHERE organization_id = $1`, f.org); n != 1 {
		t.Fatalf("refused requests connected repositories: %d", n)
	}
}

func TestProjects_KeysAndTaskReferences(t *testing.T) {
	f := newGitFixture(t)
	if k := f.call(201, f.owner, "POST", "/projects", map[string]any{"name": "Tracker Web"}).str("key"); k != "TW" {
		t.Fatalf("derived key %q", k)
	}
	if k := f.call(201, f.owner, "POST", "/projects", map[string]any{"name": "Tiny Widgets"}).str("key"); k != "TWA" {
		t.Fatalf("derived key when taken: %q", k)
	}
	expectError(t, f.call(409, f.owner, "POST", "/projects", map[string]any{"name": "Other", "key": "trc"}), "conflict", "a project with this key already exists")
	for _, k := range []string{"T", "TR1", "ABCDEFGHIJK", "TR-C", "ÉTÉ"} {
		expectError(t, f.call(400, f.owner, "POST", "/projects", map[string]any{"name": "Other", "key": k}), "validation_failed", "key must be 2 to 10 letters (A-Z)")
	}
	// Another organization may use the same key.
	f.must(201, req{method: "POST", path: "/projects", token: f.stranger.token, org: f.strangerOrg, body: map[string]any{"name": "X", "key": "TRC"}})
	r := f.call(200, f.manager, "PUT", "/projects/"+f.project, map[string]any{"key": "web"})
	if r.str("key") != "WEB" {
		t.Fatalf("rename key: %s", r.raw)
	}
	f.call(409, f.owner, "PUT", "/projects/"+f.project, map[string]any{"key": "TRC"})
	task := f.call(201, f.owner, "POST", "/tasks", map[string]any{"project_id": f.project, "title": "First"})
	if task.str("reference") != "WEB-1" {
		t.Fatalf("task reference: %s", task.raw)
	}
	list := f.call(200, f.member, "GET", "/tasks?project_id="+f.tracker+"&sort=position", nil)
	var refs []string
	for _, t := range list.data() {
		refs = append(refs, t["reference"].(string))
	}
	if strings.Join(refs, ",") != "TRC-1,TRC-2,TRC-3" {
		t.Fatalf("list references: %v", refs)
	}
}

// Concurrent creates in one project get distinct numbers, one after the other.
func TestTasks_ConcurrentCreatesGetDistinctNumbers(t *testing.T) {
	f := newGitFixture(t)
	var wg sync.WaitGroup
	numbers := make(chan float64, 12)
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := f.do(req{method: "POST", path: "/tasks", token: f.owner.token, org: f.org,
				body: map[string]any{"project_id": f.tracker, "title": "Parallel " + string(rune('a'+i))}})
			if r.status == 201 {
				numbers <- r.json["number"].(float64)
			}
		}()
	}
	wg.Wait()
	close(numbers)
	seen := map[float64]bool{}
	for n := range numbers {
		if seen[n] || n < 4 || n > 15 {
			t.Fatalf("number %v repeated or out of range", n)
		}
		seen[n] = true
	}
	if len(seen) != 12 {
		t.Fatalf("%d tasks created", len(seen))
	}
}

// Every provider's events are verified by their signature (GitLab: its token) and answered once per delivery id:
// valid, tampered, unsigned, signed with another secret, and replayed.
func TestGitHook_VerifiesSignaturesAndRefusesReplays(t *testing.T) {
	f := newGitFixture(t)
	for _, c := range []struct {
		provider, url, event, file string
		tasks                      []string
	}{
		{"github", "https://github.com/acme/app", "push", "github_push.json", []string{"TRC-1", "TRC-2"}},
		{"gitlab", "https://gitlab.com/acme/platform/app", "Push Hook", "gitlab_push.json", []string{"TRC-2"}},
		{"gitea", "https://git.acme.test/acme/app", "push", "gitea_push.json", []string{"TRC-3"}},
	} {
		t.Run(c.provider, func(t *testing.T) {
			id, secret := f.connect(c.provider, c.url, nil)
			body := []byte(strings.ReplaceAll(string(fixture(t, c.file)), "TASK_ID", f.tasks[2]))
			tampered := []byte(strings.Replace(string(body), "acme", "evil", 1))
			refused := map[string]resp{
				"unsigned":     f.hook(id, map[string]string{"X-GitHub-Event": c.event, "X-Gitlab-Event": c.event, "X-Gitea-Event": c.event}, body),
				"other secret": f.hook(id, signed(c.provider, c.event, "t-2", strings.Repeat("0", 64), body), body),
			}
			if c.provider != "gitlab" { // GitLab sends its token, not a signature of the body
				refused["tampered"] = f.hook(id, signed(c.provider, c.event, "t-1", secret, body), tampered)
			}
			for name, r := range refused {
				if r.status != 401 || r.errCode() != "unauthorized" {
					t.Fatalf("%s: %d %s", name, r.status, r.raw)
				}
			}
			if n := f.count(`SELECT count(*) FROM git_events WHERE repository_id = $1`, id); n != 0 {
				t.Fatalf("refused requests stored %d events", n)
			}
			r := f.hook(id, signed(c.provider, c.event, "d-1", secret, body), body).mustStatus(t, 200)
			if r.str("status") != "accepted" || strings.Join(strs(r.json["tasks"]), ",") != strings.Join(c.tasks, ",") {
				t.Fatalf("accepted: %s", r.raw)
			}
			again := f.hook(id, signed(c.provider, c.event, "d-1", secret, body), body).mustStatus(t, 200)
			if again.str("status") != "duplicate" || len(strs(again.json["tasks"])) != 0 {
				t.Fatalf("replay: %s", again.raw)
			}
			if n := f.count(`SELECT count(*) FROM git_events WHERE repository_id = $1`, id); n != 1 {
				t.Fatalf("%d events stored", n)
			}
			var statuses string
			if err := f.db.Get(&statuses, `SELECT string_agg(status, ',' ORDER BY id) FROM git_hook_deliveries WHERE repository_id = $1`, id); err != nil {
				t.Fatal(err)
			}
			if statuses != strings.Repeat("rejected,", len(refused))+"accepted,duplicate" {
				t.Fatalf("deliveries: %s", statuses)
			}
		})
	}
}

func TestGitHook_AnswersForOtherRequests(t *testing.T) {
	f := newGitFixture(t)
	id, secret := f.connect("github", "https://github.com/acme/app", nil)
	ping := fixture(t, "github_ping.json")
	if r := f.hook(id, signed("github", "ping", "p-1", secret, ping), ping).mustStatus(t, 200); r.str("status") != "ignored" {
		t.Fatalf("ping: %s", r.raw)
	}
	push := fixture(t, "github_push.json")
	f.hook("00000000-0000-4000-8000-000000000000", signed("github", "push", "x", secret, push), push).mustStatus(t, 404)
	f.hook("repo_abc123", signed("github", "push", "x", secret, push), push).mustStatus(t, 404)
	notJSON := []byte(`{"ref": "refs/heads/main", "commits": "many"}`)
	if r := f.hook(id, signed("github", "push", "bad", secret, notJSON), notJSON).mustStatus(t, 400); r.errCode() != "validation_failed" {
		t.Fatalf("malformed: %s", r.raw)
	}
	big := make([]byte, store.MaxGitHookBody+1)
	f.hook(id, signed("github", "push", "big", secret, big), big).mustStatus(t, 413)
	// A delivery without an id is known by its body: the same body again is a duplicate.
	h := signed("github", "push", "", secret, push)
	delete(h, "X-GitHub-Delivery")
	f.hook(id, h, push).mustStatus(t, 200)
	if r := f.hook(id, h, push).mustStatus(t, 200); r.str("status") != "duplicate" {
		t.Fatalf("no delivery id, same body: %s", r.raw)
	}
}

// A merged pull request that says "Fixes TRC-1" moves TRC-1 to done as the task use case does (audit entry,
// notification of the assignee), leaves TRC-2 (named without a closing word) alone, and does nothing when the
// repository does not close tasks.
func TestGitHook_MergedPullRequestClosesFixedTasks(t *testing.T) {
	f := newGitFixture(t)
	id, secret := f.connect("github", "https://github.com/acme/app", nil)
	body := fixture(t, "github_pull_request_merged.json")
	r := f.hook(id, signed("github", "pull_request", "pr-1", secret, body), body).mustStatus(t, 200)
	if strings.Join(strs(r.json["tasks"]), ",") != "TRC-1" || strings.Join(strs(r.json["closed"]), ",") != "TRC-1" {
		t.Fatalf("merged: %s", r.raw)
	}
	if f.taskStatus(f.tasks[0]) != "done" || f.taskStatus(f.tasks[1]) != "open" {
		t.Fatalf("statuses: %s, %s", f.taskStatus(f.tasks[0]), f.taskStatus(f.tasks[1]))
	}
	var who string
	if err := f.db.Get(&who, `SELECT user_name FROM audit_logs WHERE entity_id = $1 AND action = 'updated'`, f.tasks[0]); err != nil || who != "GitHub · acme/app" {
		t.Fatalf("audit of the close: %q %v", who, err)
	}
	n := f.call(200, f.member, "GET", "/notifications?type=task_status_changed", nil)
	if len(n.data()) != 1 {
		t.Fatalf("the assignee was not told: %s", n.raw)
	}

	gl, glSecret := f.connect("gitlab", "https://gitlab.com/acme/platform/app", map[string]any{"close_tasks_on_merge": false})
	mr := fixture(t, "gitlab_merge_request_merged.json")
	r = f.hook(gl, signed("gitlab", "Merge Request Hook", "mr-1", glSecret, mr), mr).mustStatus(t, 200)
	if strings.Join(strs(r.json["tasks"]), ",") != "TRC-2" || len(strs(r.json["closed"])) != 0 || f.taskStatus(f.tasks[1]) != "open" {
		t.Fatalf("a repository that does not close tasks closed one: %s", r.raw)
	}
	f.call(200, f.owner, "PUT", "/git/repositories/"+gl, map[string]any{"close_tasks_on_merge": true})
	r = f.hook(gl, signed("gitlab", "Merge Request Hook", "mr-2", glSecret, mr), mr).mustStatus(t, 200)
	if strings.Join(strs(r.json["closed"]), ",") != "TRC-2" || f.taskStatus(f.tasks[1]) != "done" {
		t.Fatalf("closing turned on: %s", r.raw)
	}
}

// receiver records the requests it gets and answers the statuses it is given, then 200.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []*http.Request
	bodies   [][]byte
	srv      *httptest.Server
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	rc := &receiver{statuses: statuses}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.got, rc.bodies = append(rc.got, r), append(rc.bodies, body)
		status := http.StatusOK
		if len(rc.statuses) > 0 {
			status, rc.statuses = rc.statuses[0], rc.statuses[1:]
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.got)
}

func TestGitWebhooks_CreateListDeleteAndRefusals(t *testing.T) {
	f := newGitFixture(t)
	repo, _ := f.connect("github", "https://github.com/acme/app", nil)
	theirRepo := f.must(201, req{method: "POST", path: "/git/repositories", token: f.stranger.token, org: f.strangerOrg,
		body: map[string]any{"provider": "github", "repo_url": "https://github.com/them/app"}}).str("id")
	r := f.call(201, f.owner, "POST", "/git/webhooks", map[string]any{
		"repository_id": repo, "events": []string{"push", "pull_request", "push"}, "url": "https://hooks.example.com/git",
	})
	made := r.str("secret")
	if len(made) != 64 || r.str("repository_id") != repo || strings.Join(strs(r.json["events"]), ",") != "push,pull_request" ||
		r.json["active"] != true || r.json["last_delivery"] != nil {
		t.Fatalf("create: %s", r.raw)
	}
	given := f.call(201, f.admin, "POST", "/git/webhooks", map[string]any{
		"repository_id": repo, "events": []string{"branch_created"}, "url": "https://hooks.example.com/b",
		"secret": "a-secret-of-our-own", "active": false,
	})
	if _, shown := given.json["secret"]; shown || given.json["active"] != false {
		t.Fatalf("a secret the caller chose is shown back: %s", given.raw)
	}
	list := f.call(200, f.admin, "GET", "/git/webhooks?repository_id="+repo, nil)
	if len(list.data()) != 2 || strings.Contains(string(list.raw), made) || strings.Contains(string(list.raw), "a-secret-of-our-own") {
		t.Fatalf("list: %s", list.raw)
	}
	bad := func(body map[string]any, field, msg string) {
		t.Helper()
		r := f.call(400, f.owner, "POST", "/git/webhooks", body)
		if r.json["error"].(map[string]any)["fields"].(map[string]any)[field] != msg {
			t.Fatalf("%v: %s", body, r.raw)
		}
	}
	ok := map[string]any{"repository_id": repo, "events": []string{"push"}, "url": "https://hooks.example.com/x"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range ok {
			m[a] = b
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	bad(with("repository_id", nil), "repository_id", "repository_id is required")
	bad(with("repository_id", theirRepo), "repository_id", "repository_id must be a repository of this organization")
	bad(with("repository_id", "repo_abc"), "repository_id", "repository_id must be a repository of this organization")
	bad(with("events", nil), "events", "events is required: one or more of push, pull_request, branch_created, branch_deleted")
	bad(with("events", []string{"issues"}), "events", "events must be push, pull_request, branch_created or branch_deleted")
	bad(with("url", nil), "url", "url is required")
	bad(with("url", "ftp://hooks.example.com/"), "url", "url must be an absolute http or https URL")
	bad(with("url", "https://user:pw@hooks.example.com/"), "url", "url must not contain a user name or password")
	for _, u := range []string{"http://127.0.0.1:8080/", "http://localhost/", "http://10.0.0.7/", "http://169.254.169.254/", "http://[::1]/"} {
		bad(with("url", u), "url", "url must not point to a loopback, private or link-local address")
	}
	bad(with("secret", "short"), "secret", "secret must be 16 to 255 characters")
	f.call(400, f.owner, "POST", "/git/webhooks", `{"events": "push"}`)
	f.call(400, f.owner, "GET", "/git/webhooks?repository_id=nope", nil)
	theirHook := f.must(201, req{method: "POST", path: "/git/webhooks", token: f.stranger.token, org: f.strangerOrg,
		body: map[string]any{"repository_id": theirRepo, "events": []string{"push"}, "url": "https://hooks.example.com/t"}}).str("id")
	f.call(404, f.owner, "DELETE", "/git/webhooks/"+theirHook, nil)
	f.call(404, f.owner, "DELETE", "/git/webhooks/hook_abc", nil)
	f.call(204, f.owner, "DELETE", "/git/webhooks/"+r.str("id"), nil)
	if n := len(f.call(200, f.owner, "GET", "/git/webhooks", nil).data()); n != 1 {
		t.Fatalf("after delete: %d webhooks", n)
	}
	if f.auditCount("git_webhook", "created") != 2 || f.auditCount("git_webhook", "deleted") != 1 {
		t.Fatal("webhook audit entries missing")
	}
}

// Matching events are POSTed signed with the webhook's secret; a failed delivery is recorded and retried with the
// same delivery id, and a webhook that had the event is not sent it again.
func TestGitWebhooks_DeliverSignedEventsAndRetry(t *testing.T) {
	f := newGitFixture(t, withWebhooksToPrivate())
	repo, secret := f.connect("github", "https://github.com/acme/app", nil)
	flaky, steady, prOnly := newReceiver(t, 500), newReceiver(t), newReceiver(t)
	hook := func(url string, events ...string) (id, secret string) {
		r := f.call(201, f.owner, "POST", "/git/webhooks", map[string]any{"repository_id": repo, "events": events, "url": url})
		return r.str("id"), r.str("secret")
	}
	flakyID, flakySecret := hook(flaky.srv.URL+"/hook", "push")
	hook(steady.srv.URL, "push", "pull_request")
	hook(prOnly.srv.URL, "pull_request")

	body := fixture(t, "github_push.json")
	f.hook(repo, signed("github", "push", "w-1", secret, body), body).mustStatus(t, 200)
	if flaky.count() != 1 || steady.count() != 1 || prOnly.count() != 0 {
		t.Fatalf("deliveries: flaky %d, steady %d, pr-only %d", flaky.count(), steady.count(), prOnly.count())
	}
	first := flaky.got[0]
	if first.Header.Get("X-TRCR-Event") != "push" || first.Header.Get("X-TRCR-Signature") != "sha256="+hubSignature(flakySecret, flaky.bodies[0]) ||
		first.Header.Get("Content-Type") != "application/json" || first.Header.Get("X-TRCR-Delivery") == "" {
		t.Fatalf("headers: %v", first.Header)
	}
	var ev struct {
		Kind, Branch, Repository string
		Commits                  []struct{ SHA, Message string }
		Tasks                    []struct{ Reference string }
	}
	if err := json.Unmarshal(flaky.bodies[0], &ev); err != nil || ev.Kind != "push" || ev.Branch != "feature/TRC-1-login" ||
		ev.Repository != "acme/app" || len(ev.Commits) != 2 || len(ev.Tasks) != 2 || ev.Tasks[0].Reference != "TRC-1" {
		t.Fatalf("body %s (%v)", flaky.bodies[0], err)
	}
	list := f.call(200, f.owner, "GET", "/git/webhooks?repository_id="+repo, nil)
	last := list.data()[0]["last_delivery"].(map[string]any)
	if last["status"] != "failed" || last["response_code"] != float64(500) || last["error"] != "the receiver answered 500" {
		t.Fatalf("failed delivery: %v", last)
	}
	// The retry is due after its backoff; make it due now.
	if _, err := f.db.Exec(`UPDATE event_jobs SET next_attempt_at = now() WHERE subscriber = 'git_webhooks'`); err != nil {
		t.Fatal(err)
	}
	f.call(200, f.owner, "GET", "/git/repositories", nil) // a request, after which the env runs the event jobs
	if flaky.count() != 2 || steady.count() != 1 {
		t.Fatalf("after the retry: flaky %d, steady %d", flaky.count(), steady.count())
	}
	if flaky.got[1].Header.Get("X-TRCR-Delivery") != first.Header.Get("X-TRCR-Delivery") {
		t.Fatal("the retry has another delivery id")
	}
	if n := f.count(`SELECT count(*) FROM event_jobs WHERE subscriber = 'git_webhooks'`); n != 0 {
		t.Fatalf("%d webhook jobs left", n)
	}
	var statuses string
	if err := f.db.Get(&statuses, `SELECT string_agg(status || ':' || coalesce(response_code, 0), ',' ORDER BY id)
		FROM git_webhook_deliveries WHERE webhook_id = $1`, flakyID); err != nil || statuses != "failed:500,delivered:200" {
		t.Fatalf("recorded deliveries: %q %v", statuses, err)
	}
}

// With private addresses not allowed, a webhook whose address is loopback (written before the rule, or a name that
// resolves there) is refused when dialing: nothing reaches it and the failure is recorded.
func TestGitWebhooks_RefusedAtDialWithoutAllowPrivate(t *testing.T) {
	f := newGitFixture(t)
	repo, secret := f.connect("github", "https://github.com/acme/app", nil)
	rc := newReceiver(t)
	var hookID string
	if err := f.db.Get(&hookID, `INSERT INTO git_webhooks (organization_id, repository_id, url, events, secret)
		VALUES ($1, $2, $3, '{push}', 'a-secret-for-the-test') RETURNING id`, f.org, repo, rc.srv.URL); err != nil {
		t.Fatal(err)
	}
	body := fixture(t, "github_push.json")
	f.hook(repo, signed("github", "push", "dial-1", secret, body), body).mustStatus(t, 200)
	if rc.count() != 0 {
		t.Fatal("a loopback receiver was reached")
	}
	var msg string
	if err := f.db.Get(&msg, `SELECT error FROM git_webhook_deliveries WHERE webhook_id = $1`, hookID); err != nil ||
		!strings.Contains(msg, "destination address is not allowed") {
		t.Fatalf("recorded error %q %v", msg, err)
	}
}
