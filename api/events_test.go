package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// sseEvent is one event read off a stream.
type sseEvent struct {
	ID, Type string
	Data     struct {
		ID      string          `json:"id"`
		Type    string          `json:"type"`
		OrgID   string          `json:"organization_id"`
		ActorID *string         `json:"actor_id"`
		Data    json.RawMessage `json:"data"`
		Changes json.RawMessage `json:"changes"`
	}
}

// stream is an open GET /api/v1/events.
type stream struct {
	events chan sseEvent
	status int
	header http.Header
}

// openStream connects to the live stream over a real HTTP server (a recorder cannot stream).
func (w *world) openStream(t *testing.T, headers map[string]string) *stream {
	t.Helper()
	srv := httptest.NewServer(w.echo)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); srv.Close() })
	r, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/api/v1/events", nil)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	s := &stream{events: make(chan sseEvent, 100), status: res.StatusCode, header: res.Header}
	go func() {
		defer res.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(res.Body)
		var e sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				e.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				e.Type = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &e.Data)
			case line == "" && e.Type != "":
				s.events <- e
				e = sseEvent{}
			}
		}
	}()
	return s
}

// next returns the next event of one of the types, skipping others, or fails after ten seconds.
func (s *stream) next(t *testing.T, types ...string) sseEvent {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				t.Fatal("stream closed")
			}
			for _, typ := range types {
				if e.Type == typ {
					return e
				}
			}
		case <-deadline:
			t.Fatalf("no %v event", types)
		}
	}
}

// none fails if an event of the types arrives within a short wait.
func (s *stream) none(t *testing.T, wait time.Duration, types ...string) {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				return
			}
			for _, typ := range types {
				if e.Type == typ {
					t.Fatalf("unexpected %s event: %+v", e.Type, e.Data)
				}
			}
		case <-deadline:
			return
		}
	}
}

func bearer(u user, org string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + u.token, "X-Organization-ID": org}
}

func TestEvents_EachCallerSeesWhatTheyMaySee(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	w.runHub()
	member := w.openStream(t, bearer(w.member, w.org))
	outsider := w.openStream(t, bearer(w.outsider, w.org))
	stranger := w.openStream(t, bearer(w.stranger, w.otherOrg))
	if member.status != 200 || !strings.HasPrefix(member.header.Get("Content-Type"), "text/event-stream") ||
		member.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("stream answer: %d %v", member.status, member.header)
	}
	task := w.newTask("Live card", map[string]any{"assignee_id": w.member.id})
	id := task.str("id")
	e := member.next(t, "task.created")
	if e.ID == "" || e.Data.ID != e.ID || e.Data.OrgID != w.org || e.Data.ActorID == nil || *e.Data.ActorID != w.owner.id || len(e.Data.Changes) != 0 {
		t.Fatalf("event envelope: %+v", e)
	}
	var obj map[string]any
	if err := json.Unmarshal(e.Data.Data, &obj); err != nil || obj["id"] != id || obj["title"] != "Live card" || obj["project_id"] != w.project {
		t.Fatalf("event data is not the task: %s", e.Data.Data)
	}
	// The assignment notification goes to the member's stream only.
	if n := member.next(t, "notification.created"); !strings.Contains(string(n.Data.Data), "Task assigned: Live card") {
		t.Fatalf("notification event: %s", n.Data.Data)
	}
	w.must(200, req{method: "PUT", path: "/tasks/" + id + "/status", token: w.manager.token, org: w.org, body: map[string]any{"status": "in_progress"}})
	u := member.next(t, "task.updated")
	var ch map[string]struct{ From, To any }
	if err := json.Unmarshal(u.Data.Changes, &ch); err != nil || ch["status"].From != "open" || ch["status"].To != "in_progress" {
		t.Fatalf("changes: %s", u.Data.Changes)
	}
	// A project the outsider is not in, and another organization: nothing.
	outsider.none(t, 500*time.Millisecond, "task.created", "task.updated", "notification.created")
	stranger.none(t, 100*time.Millisecond, "task.created", "task.updated", "notification.created")

	// The member's timer is the member's business.
	w.must(201, req{method: "POST", path: "/time-entries/start", token: w.member.token, org: w.org, body: map[string]any{"description": "focus"}})
	if e := member.next(t, "timer.started"); e.Data.ActorID == nil || *e.Data.ActorID != w.member.id {
		t.Fatalf("timer event: %+v", e)
	}
	outsider.none(t, 500*time.Millisecond, "timer.started")
}

func TestEvents_ReconnectReplaysFromLastEventID(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	w.runHub()
	first := w.openStream(t, bearer(w.member, w.org))
	w.newTask("One", nil)
	seen := first.next(t, "task.created")
	w.newTask("Two", nil)
	w.newTask("Three", nil)
	h := bearer(w.member, w.org)
	h["Last-Event-ID"] = seen.ID
	again := w.openStream(t, h)
	var titles []string
	for i := 0; i < 2; i++ {
		var obj map[string]any
		_ = json.Unmarshal(again.next(t, "task.created").Data.Data, &obj)
		titles = append(titles, obj["title"].(string))
	}
	if strings.Join(titles, ",") != "Two,Three" {
		t.Fatalf("replayed %v", titles)
	}
}

func TestEvents_Refusals(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	w.runHub()
	if s := w.openStream(t, nil); s.status != 401 {
		t.Fatalf("no token: %d", s.status)
	}
	if s := w.openStream(t, map[string]string{"Authorization": "Bearer nonsense"}); s.status != 401 {
		t.Fatalf("bad token: %d", s.status)
	}
	if s := w.openStream(t, bearer(w.member, w.otherOrg)); s.status != 404 {
		t.Fatalf("another organization: %d", s.status)
	}
}
