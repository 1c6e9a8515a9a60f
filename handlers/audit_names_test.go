package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/trcr/trcr/store"
)

var uuidText = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// TestAuditLog_NamesInsteadOfIDsAndTheEntityPicker: the audit log names actors, entities and the ids in changes
// (a deleted task reads as deleted), filters by entity type then entity, and never shows another organization's.
func TestAuditLog_NamesInsteadOfIDsAndTheEntityPicker(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t).ownedBy("Ada Admin", "ada@example.com", "Names Co").withMember("Mo Member", "mo@example.com").
		withProject(store.ProjectInput{Name: ptr("Website relaunch")}).
		withStranger("Otto Other", "otto@example.com", "Other Co")
	s := w.e.store
	client, err := s.CreateClient(ctx, w.ownerA, store.ClientInput{Name: ptr("Acme Corp")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateProject(ctx, w.ownerA, w.project.ID, store.ProjectInput{ClientID: &client.ID}); err != nil {
		t.Fatal(err)
	}
	kept, err := s.CreateTask(ctx, w.ownerA, store.TaskInput{ProjectID: w.project.ID, Title: "Write the launch post"})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := s.CreateTask(ctx, w.ownerA, store.TaskInput{ProjectID: w.project.ID, Title: "Scrap the old banner"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTask(ctx, w.ownerA, gone.ID); err != nil {
		t.Fatal(err)
	}
	// The actor renamed since: the log shows the current name.
	w.e.exec(`UPDATE users SET name = 'Ada Lovelace' WHERE email = 'ada@example.com'`)
	secret, err := s.CreateProject(ctx, w.otherA, store.ProjectInput{Name: ptr("Secret project")})
	if err != nil {
		t.Fatal(err)
	}

	p := w.owner.get("/audit-logs")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	checkPage(t, "audit log", p)
	entities := strings.Join(p.texts("audit-entity"), " | ")
	for _, name := range []string{"Website relaunch", "Acme Corp", "Write the launch post", "Scrap the old banner (deleted)", "Names Co"} {
		if !strings.Contains(entities, name) {
			t.Errorf("entities %q: want %q", entities, name)
		}
	}
	if who := strings.Join(p.texts("audit-who"), " "); !strings.Contains(who, "Ada Lovelace") {
		t.Errorf("actors %q: want the current name", who)
	}
	// The task's changes name its project and column; the project's update names its client.
	changes := p.doc.Find(`[data-testid="audit-changes"]`).Text()
	if !strings.Contains(changes, "Website relaunch") || !strings.Contains(changes, "Acme Corp") {
		t.Errorf("changes do not name the project and the client: %q", changes)
	}
	if ids := uuidText.FindAllString(p.doc.Find(`[data-testid="audit-results"]`).Text(), -1); len(ids) > 0 {
		t.Errorf("ids shown as text: %v", ids)
	}
	if strings.Contains(p.body, "Secret project") || strings.Contains(p.body, secret.ID) {
		t.Error("another organization's project shows")
	}

	// The picker: a type, then the entities of that type with entries, the deleted one included.
	p = w.owner.get("/audit-logs?entity_type=task")
	if p.status != http.StatusOK || p.doc.Find(`#audit-entity-id`).Is("[disabled]") {
		t.Fatalf("entity picker for tasks: %d", p.status)
	}
	opts := map[string]string{}
	p.doc.Find(`#audit-entity-id option`).Each(func(_ int, o *goquery.Selection) { opts[o.AttrOr("value", "")] = strings.TrimSpace(o.Text()) })
	if len(opts) != 3 || opts[kept.ID] != "Write the launch post" || opts[gone.ID] != "deleted task" || opts[""] != "Any task" {
		t.Errorf("task options %v", opts)
	}
	q := url.Values{"entity_type": {"task"}, "entity_id": {kept.ID}}
	p = w.owner.get("/audit-logs?" + q.Encode())
	if p.count("audit-row") != 1 || p.find(`[data-testid="audit-entity"]`) != "Write the launch post" ||
		p.doc.Find(`#audit-entity-id option[selected]`).AttrOr("value", "") != kept.ID {
		t.Errorf("filtered to one task: %d rows", p.count("audit-row"))
	}
	// Projects of another organization are never offered, nor can their entries be reached by id.
	p = w.owner.get("/audit-logs?entity_type=project")
	if strings.Contains(p.body, "Secret project") || p.doc.Find(`#audit-entity-id option[value="`+w.project.ID+`"]`).Length() != 1 {
		t.Error("project picker: want our project only")
	}
	q = url.Values{"entity_type": {"project"}, "entity_id": {secret.ID}}
	if p = w.owner.get("/audit-logs?" + q.Encode()); p.count("audit-row") != 0 || strings.Contains(p.body, "Secret project") {
		t.Errorf("another organization's project by id: %d rows", p.count("audit-row"))
	}
	// By actor: the member did nothing.
	if p = w.owner.get("/audit-logs?user=" + w.memberA.UserID); p.count("audit-row") != 0 {
		t.Errorf("the member's entries: %d", p.count("audit-row"))
	}
	// Members may not read the log.
	w.member.visit(visit{name: "member", path: "/audit-logs", status: http.StatusForbidden})
}
