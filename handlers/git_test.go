package handlers_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/trcr/trcr/store"
)

// gitHook sends a GitHub event signed with secret to a repository's hook, as GitHub would.
func (w *workTeam) gitHook(t *testing.T, repo, secret, event, delivery, body string) store.GitHookResult {
	t.Helper()
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	headers := map[string]string{"X-GitHub-Event": event, "X-GitHub-Delivery": delivery,
		"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(mac.Sum(nil))}
	res, err := w.e.store.ReceiveGitHook(context.Background(), store.GitHook{RepositoryID: repo, Body: []byte(body),
		Header: func(name string) string { return headers[name] }})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestGitSettings_ConnectShowsTheSecretOnceWithSetupAndDeliveries(t *testing.T) {
	w := newWorkTeam(t)
	p := w.owner.get("/settings/git")
	if p.status != http.StatusOK || !p.has("git-connect-form") || !p.has("empty-state") || !p.has("nav-git") {
		t.Fatalf("empty page: %d", p.status)
	}
	if strings.TrimSpace(p.doc.Find(`#git-project option[value="`+w.project.ID+`"]`).Text()) != "Website (WEB)" {
		t.Fatal("the project choice does not show the project's key")
	}
	if r := w.member.get("/settings/git"); r.status != http.StatusForbidden {
		t.Fatalf("member: %d", r.status)
	}
	if w.member.get("/").has("nav-git") {
		t.Fatal("a member is offered the git settings")
	}

	bad := w.owner.post("/settings/git/repositories", url.Values{"provider": {"github"}, "repo_url": {"nope"}})
	if bad.status != http.StatusUnprocessableEntity || bad.doc.Find(`#git-repo-url`).AttrOr("value", "") != "nope" ||
		!strings.Contains(bad.doc.Find(`#git-repo-url-error`).Text(), "Repository URL must be the repository's web address") {
		t.Fatalf("refused form: %d %s", bad.status, bad.doc.Find(".field__error").Text())
	}

	r := w.owner.post("/settings/git/repositories", url.Values{"provider": {"github"}, "repo_url": {"https://github.com/acme/app"},
		"project_id": {w.project.ID}, "close_tasks_on_merge": {"true"}})
	var id, secret string
	if err := w.e.db.QueryRow(`SELECT id, hook_secret FROM git_repositories`).Scan(&id, &secret); err != nil {
		t.Fatal(err)
	}
	if r.status != http.StatusSeeOther || r.location != "/settings/git#repo-"+id {
		t.Fatalf("connect: %d %s", r.status, r.location)
	}
	p = w.owner.get("/settings/git")
	if p.doc.Find(`[data-testid="git-shown-secret"]`).AttrOr("value", "") != secret ||
		p.doc.Find(`[data-testid="git-shown-hook-url"]`).AttrOr("value", "") != "http://trcr.test/api/v1/git/hooks/"+id {
		t.Fatal("the secret and hook URL are not shown after connecting")
	}
	if p.text("git-repo-name") != "acme/app" || !strings.Contains(p.text("git-setup"), "Payload URL") ||
		!strings.Contains(p.text("git-setup"), "WEB-12") || !p.has("git-no-deliveries") {
		t.Fatalf("repository card: %s", p.text("git-repository"))
	}
	p = w.owner.get("/settings/git")
	if p.has("git-secret-shown") || strings.Contains(p.body, secret) {
		t.Fatal("the secret is shown a second time")
	}

	// The last deliveries received: a ping (ignored) and a request signed with another secret (rejected).
	w.gitHook(t, id, secret, "ping", "ping-1", `{"zen":"Keep it logically awesome."}`)
	if _, err := w.e.store.ReceiveGitHook(context.Background(), store.GitHook{RepositoryID: id, Body: []byte(`{}`),
		Header: func(string) string { return "" }}); err == nil {
		t.Fatal("an unsigned request was accepted")
	}
	p = w.owner.get("/settings/git")
	var statuses []string
	p.doc.Find(`[data-testid="git-delivery-status"]`).Each(func(_ int, s *goquery.Selection) { statuses = append(statuses, s.Text()) })
	if strings.Join(statuses, ",") != "Rejected,Ignored" || !strings.Contains(p.text("git-delivery-error"), "X-Hub-Signature-256 is missing") {
		t.Fatalf("deliveries %v: %s", statuses, p.text("git-deliveries"))
	}

	// Settings of the repository, a webhook (its secret shown once), and their removal.
	w.owner.post("/settings/git/repositories/"+id, url.Values{"project_id": {""}})
	var closeOnMerge bool
	var project *string
	if err := w.e.db.QueryRow(`SELECT close_tasks_on_merge, project_id FROM git_repositories`).Scan(&closeOnMerge, &project); err != nil || closeOnMerge || project != nil {
		t.Fatalf("settings saved: close %v project %v (%v)", closeOnMerge, project, err)
	}
	bad = w.owner.post("/settings/git/webhooks", url.Values{"repository_id": {id}, "url": {"ftp://hooks.example.com"}})
	card := bad.doc.Find(`#repo-` + id)
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(card.Find(".field__error").Text(), "Webhook URL must be an absolute http or https URL") ||
		!strings.Contains(card.Find(".field__error").Text(), "Events is required") {
		t.Fatalf("refused webhook: %d %s", bad.status, card.Find(".field__error").Text())
	}
	if r := w.owner.post("/settings/git/webhooks", url.Values{"repository_id": {id}, "url": {"https://hooks.example.com/git"},
		"events": {"push", "pull_request"}}); r.status != http.StatusSeeOther {
		t.Fatalf("webhook: %d %s", r.status, r.body)
	}
	p = w.owner.get("/settings/git")
	var hookSecret, hookID string
	if err := w.e.db.QueryRow(`SELECT id, secret FROM git_webhooks`).Scan(&hookID, &hookSecret); err != nil {
		t.Fatal(err)
	}
	if p.doc.Find(`[data-testid="git-shown-secret"]`).AttrOr("value", "") != hookSecret || !strings.Contains(p.text("git-webhook"), "Push, Pull request") {
		t.Fatalf("webhook shown: %s", p.text("git-webhooks"))
	}
	w.otherB.get("/")
	if r := w.otherB.post("/settings/git/webhooks/"+hookID+"/delete", nil); r.status != http.StatusNotFound {
		t.Fatalf("another organization deletes our webhook: %d", r.status)
	}
	if r := w.otherB.post("/settings/git/repositories/"+id+"/delete", nil); r.status != http.StatusNotFound {
		t.Fatalf("another organization disconnects our repository: %d", r.status)
	}
	w.owner.get("/settings/git")
	if r := w.owner.post("/settings/git/webhooks/"+hookID+"/delete", nil); r.status != http.StatusSeeOther {
		t.Fatalf("delete webhook: %d", r.status)
	}
	if r := w.owner.post("/settings/git/repositories/"+id+"/delete", nil); r.status != http.StatusSeeOther {
		t.Fatalf("disconnect: %d", r.status)
	}
	var n int
	if err := w.e.db.Get(&n, `SELECT (SELECT count(*) FROM git_repositories) + (SELECT count(*) FROM git_webhooks)`); err != nil || n != 0 {
		t.Fatalf("left: %d %v", n, err)
	}
}

// The task panel shows the task's reference and its Development section: pull requests in their latest state,
// branches whose name names it and commits whose message does; the board shows the reference on the card.
func TestTaskPanel_DevelopmentSectionAndReferences(t *testing.T) {
	w := newWorkTeam(t)
	ctx := context.Background()
	task := w.task(t, store.TaskInput{Title: "Login form"})
	other := w.task(t, store.TaskInput{Title: "Unrelated"})
	provider, repoURL := "github", "https://github.com/acme/app"
	repo, err := w.e.store.ConnectGitRepository(ctx, w.ownerA, store.GitRepositoryInput{Provider: &provider, RepoURL: &repoURL})
	if err != nil {
		t.Fatal(err)
	}
	w.gitHook(t, repo.ID, repo.HookSecret, "push", "d-1", `{"ref":"refs/heads/feature/web-1-login","commits":[
		{"id":"a10867b14bb761a232cd80139fbd4c0d33264240","message":"WEB-1 Add the form\n\nDetails","url":"https://github.com/acme/app/commit/a10867b","author":{"name":"Mona"}},
		{"id":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","message":"Tidy up","url":"https://github.com/acme/app/commit/0d1a26e","author":{"name":"Mona"}}]}`)
	pr := func(action, state string, merged bool) string {
		m := "false"
		if merged {
			m = "true"
		}
		return `{"action":"` + action + `","number":42,"pull_request":{"number":42,"title":"Login form (WEB-1)","body":"Fixes WEB-1",
			"state":"` + state + `","merged":` + m + `,"html_url":"https://github.com/acme/app/pull/42","head":{"ref":"feature/web-1-login"},"base":{"ref":"main"}}}`
	}
	w.gitHook(t, repo.ID, repo.HookSecret, "pull_request", "d-2", pr("opened", "open", false))
	w.gitHook(t, repo.ID, repo.HookSecret, "pull_request", "d-3", pr("closed", "closed", true))

	p := htmxGet(w.member, "/tasks/"+task.ID+"/panel")
	if p.text("tp-reference") != "WEB-1" {
		t.Fatalf("reference %q", p.text("tp-reference"))
	}
	if p.text("tp-dev-pr-state") != "Merged" || !strings.Contains(p.text("tp-dev-pull-request"), "Login form (WEB-1)") ||
		!strings.Contains(p.text("tp-dev-pull-request"), "acme/app #42") {
		t.Fatalf("pull request: %s", p.text("tp-dev-pull-requests"))
	}
	if p.doc.Find(`[data-testid="tp-dev-branch"] a`).AttrOr("href", "") != "https://github.com/acme/app/tree/feature/web-1-login" {
		t.Fatalf("branch: %s", p.text("tp-dev-branches"))
	}
	commits := p.doc.Find(`[data-testid="tp-dev-commit"]`)
	if commits.Length() != 1 || !strings.Contains(commits.Text(), "a10867b") || !strings.Contains(commits.Text(), "WEB-1 Add the form") ||
		strings.Contains(commits.Text(), "Details") {
		t.Fatalf("commits: %s", p.text("tp-dev-commits"))
	}
	if p.text("tp-status-badge") != "Done" {
		t.Fatalf("the merged pull request did not close the task: %s", p.text("tp-status-badge"))
	}
	// The section alone, as the live update loads it.
	s := htmxGet(w.member, "/tasks/"+task.ID+"/panel?section=development")
	if !s.has("tp-development") || !s.has("tp-dev-pull-request") {
		t.Fatalf("section: %s", s.body)
	}
	empty := htmxGet(w.member, "/tasks/"+other.ID+"/panel")
	if empty.has("tp-dev-pull-request") || !strings.Contains(empty.text("tp-development"), "Mention WEB-2") {
		t.Fatalf("empty section: %s", empty.text("tp-development"))
	}
	board := w.member.get(w.boardPath())
	var refs []string
	board.doc.Find(`[data-testid="card-reference"]`).Each(func(_ int, s *goquery.Selection) { refs = append(refs, s.Text()) })
	if strings.Join(refs, ",") != "WEB-1,WEB-2" {
		t.Fatalf("card references %v", refs)
	}
}

// The project form sets the key (made from the name when left empty, kept when an edit leaves it empty) and shows
// a key that is taken or malformed beside the field.
func TestProjectForm_Key(t *testing.T) {
	w := newWorkTeam(t)
	form := w.owner.get("/projects/new")
	if !form.has("project-key") {
		t.Fatal("no key field")
	}
	w.owner.post("/projects/new", url.Values{"name": {"Operations"}, "key": {"ops"}})
	w.owner.post("/projects/new", url.Values{"name": {"Mobile App"}})
	keys := map[string]string{}
	rows, err := w.e.db.Query(`SELECT name, key FROM projects WHERE organization_id = $1`, w.ownerA.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, key string
		if err := rows.Scan(&name, &key); err != nil {
			t.Fatal(err)
		}
		keys[name] = key
	}
	if keys["Operations"] != "OPS" || keys["Mobile App"] != "MA" || keys["Website"] != "WEB" {
		t.Fatalf("keys %v", keys)
	}
	edit := w.owner.get("/projects/" + w.project.ID + "/edit")
	if edit.doc.Find("#project-key").AttrOr("value", "") != "WEB" {
		t.Fatal("the edit form does not show the key")
	}
	bad := w.owner.post("/projects/"+w.project.ID+"/edit", url.Values{"name": {"Website"}, "status": {"active"}, "key": {"W3"}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.doc.Find("#project-key-error").Text(), "Key must be 2 to 10 letters") {
		t.Fatalf("malformed key: %d %s", bad.status, bad.doc.Find(".field__error").Text())
	}
	taken := w.owner.post("/projects/"+w.project.ID+"/edit", url.Values{"name": {"Website"}, "status": {"active"}, "key": {"OPS"}})
	if taken.status != http.StatusUnprocessableEntity || !strings.Contains(taken.body, "A project with this key already exists") {
		t.Fatalf("taken key: %d", taken.status)
	}
	if r := w.owner.post("/projects/"+w.project.ID+"/edit", url.Values{"name": {"Website"}, "status": {"active"}, "key": {""}}); r.status != http.StatusSeeOther {
		t.Fatalf("edit without a key: %d %s", r.status, r.body)
	}
	var key string
	if err := w.e.db.Get(&key, `SELECT key FROM projects WHERE id = $1`, w.project.ID); err != nil || key != "WEB" {
		t.Fatalf("key after an edit that left it empty: %q %v", key, err)
	}
}
