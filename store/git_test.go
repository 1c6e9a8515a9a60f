package store_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

// gitStore is a store whose webhooks may reach loopback receivers, with an owner, two projects keyed ONE and TWO
// and a task in each (ONE-1, TWO-1).
type gitStore struct {
	s          *store.Store
	db         *sqlx.DB
	owner      store.Actor
	one, two   string // project ids
	task1      string // ONE-1
	repo, hook string // a GitHub repository and its secret
}

func newGitStore(t *testing.T) *gitStore {
	t.Helper()
	db, err := sqlx.Open("postgres", storetest.New(t, migrations.Checksum(), migrations.Up))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	g := &gitStore{db: db, s: store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32)),
		WebhookAllowPrivate: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))}
	ctx := context.Background()
	g.owner = projectOwner(t, g.s)
	for i, key := range []string{"ONE", "TWO"} {
		name := "Project " + key
		p, err := g.s.CreateProject(ctx, g.owner, store.ProjectInput{Name: &name, Key: &key})
		if err != nil {
			t.Fatal(err)
		}
		task, err := g.s.CreateTask(ctx, g.owner, store.TaskInput{ProjectID: p.ID, Title: "Task of " + key})
		if err != nil || task.Reference != key+"-1" {
			t.Fatalf("task %+v: %v", task, err)
		}
		if i == 0 {
			g.one, g.task1 = p.ID, task.ID
		} else {
			g.two = p.ID
		}
	}
	provider, url := "github", "https://github.com/acme/app"
	r, err := g.s.ConnectGitRepository(ctx, g.owner, store.GitRepositoryInput{Provider: &provider, RepoURL: &url})
	if err != nil {
		t.Fatal(err)
	}
	g.repo, g.hook = r.ID, r.HookSecret
	return g
}

// push sends a signed GitHub push of one commit with message to the repository's hook.
func (g *gitStore) push(t *testing.T, delivery, message string) store.GitHookResult {
	t.Helper()
	body := []byte(`{"ref":"refs/heads/main","commits":[{"id":"c0ffee","message":"` + message + `","url":"https://github.com/acme/app/commit/c0ffee","author":{"name":"Mona"}}],"sender":{"login":"mona"}}`)
	mac := hmac.New(sha256.New, []byte(g.hook))
	mac.Write(body)
	headers := map[string]string{"X-GitHub-Event": "push", "X-GitHub-Delivery": delivery,
		"X-Hub-Signature-256": "sha256=" + hex.EncodeToString(mac.Sum(nil))}
	res, err := g.s.ReceiveGitHook(context.Background(), store.GitHook{RepositoryID: g.repo, Body: body,
		Header: func(name string) string { return headers[name] }})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A webhook request waits on another server: it is made with no transaction open, since any open transaction
// holding an id keeps every live stream from reading events committed after it began.
func TestGitWebhooks_DeliveredWithNoTransactionOpen(t *testing.T) {
	g := newGitStore(t)
	ctx := context.Background()
	var open atomic.Int64
	open.Store(-1)
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int64
		if err := g.db.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`); err != nil {
			t.Error(err)
		}
		open.Store(n)
	}))
	defer rc.Close()
	if _, err := g.s.CreateGitWebhook(ctx, g.owner, store.GitWebhookInput{RepositoryID: g.repo, URL: rc.URL, Events: []string{"push"}}); err != nil {
		t.Fatal(err)
	}
	g.push(t, "d-1", "ONE-1 work")
	if _, err := g.s.ProcessEventJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if n := open.Load(); n != 0 {
		t.Fatalf("the receiver was called with %d transactions open (-1: not called)", n)
	}
}

// An event about tasks of two projects reaches the members of each (each copy with its own project's tasks), and
// is delivered to webhooks once.
func TestGitEvent_OneCopyPerProjectOneDelivery(t *testing.T) {
	g := newGitStore(t)
	ctx := context.Background()
	var calls atomic.Int64
	rc := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { calls.Add(1) }))
	defer rc.Close()
	if _, err := g.s.CreateGitWebhook(ctx, g.owner, store.GitWebhookInput{RepositoryID: g.repo, URL: rc.URL, Events: []string{"push"}}); err != nil {
		t.Fatal(err)
	}
	res := g.push(t, "d-2", "ONE-1 and two-1")
	if strings.Join(res.Tasks, ",") != "ONE-1,TWO-1" {
		t.Fatalf("tasks %v", res.Tasks)
	}
	var copies []struct {
		AudienceID string `db:"audience_id"`
		Tasks      string `db:"tasks"`
	}
	if err := g.db.Select(&copies, `SELECT audience_id, (SELECT string_agg(t->>'reference', ',') FROM jsonb_array_elements(data->'tasks') t) AS tasks
		FROM events WHERE type = 'git.event' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(copies) != 2 || copies[0].AudienceID != g.one || copies[0].Tasks != "ONE-1" || copies[1].AudienceID != g.two || copies[1].Tasks != "TWO-1" {
		t.Fatalf("copies %+v", copies)
	}
	if _, err := g.s.ProcessEventJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Fatalf("%d deliveries", calls.Load())
	}
	// Without tasks, the event goes to owners and admins.
	g.push(t, "d-3", "no reference here")
	var audience string
	if err := g.db.Get(&audience, `SELECT audience FROM events WHERE type = 'git.event' ORDER BY id DESC LIMIT 1`); err != nil || audience != "admins" {
		t.Fatalf("audience %q %v", audience, err)
	}
}

// The task panel's Development section keeps the latest state of each pull request, the branches whose name names
// the task, and the commits whose message names it.
func TestTaskDetail_DevelopmentSection(t *testing.T) {
	g := newGitStore(t)
	ctx := context.Background()
	g.push(t, "d-4", "ONE-1 first")
	g.push(t, "d-5", "unrelated")
	d, err := g.s.TaskDetail(ctx, g.owner, g.task1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Development.Commits) != 1 || d.Development.Commits[0].Message != "ONE-1 first" || len(d.Development.Branches) != 0 ||
		d.Development.Commits[0].Repository != "acme/app" {
		t.Fatalf("development %+v", d.Development)
	}
}

// The event worker delivers webhooks in a loop of their own, woken with the others, and stops with its context.
func TestRunEventJobs_DeliversWebhooksAndStops(t *testing.T) {
	g := newGitStore(t)
	got := make(chan struct{}, 1)
	rc := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { got <- struct{}{} }))
	defer rc.Close()
	if _, err := g.s.CreateGitWebhook(context.Background(), g.owner, store.GitWebhookInput{RepositoryID: g.repo, URL: rc.URL, Events: []string{"push"}}); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	wake := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() { defer close(done); g.s.RunEventJobs(ctx, wake, time.Hour) }()
	g.push(t, "loop-1", "ONE-1")
	wake <- struct{}{}
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the webhook was not delivered")
	}
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("RunEventJobs did not stop")
	}
}
