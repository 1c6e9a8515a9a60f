package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
)

// searchTeam is the work team with "falcon" in a task of Website (the member's project), in a task of a project
// the member is not on, and in a client.
func searchTeam(t *testing.T) (w *workTeam, visible, hidden store.Task) {
	t.Helper()
	w = newWorkTeam(t)
	desc := `Wire the <b>falcon</b> tracker & "friends"`
	visible = w.task(t, store.TaskInput{Title: "Falcon launch checklist", Description: desc})
	name := "Secret plans"
	secret, err := w.e.store.CreateProject(t.Context(), w.ownerA, store.ProjectInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	title := "Falcon acquisition"
	if hidden, err = w.e.store.CreateTask(t.Context(), w.ownerA, store.TaskInput{Title: title, ProjectID: secret.ID}); err != nil {
		t.Fatal(err)
	}
	client := "Falcon Freight"
	if _, err := w.e.store.CreateClient(t.Context(), w.ownerA, store.ClientInput{Name: &client}); err != nil {
		t.Fatal(err)
	}
	return w, visible, hidden
}

func searchQuery(q string, more ...string) string {
	v := url.Values{"q": {q}}
	for i := 0; i+1 < len(more); i += 2 {
		v.Set(more[i], more[i+1])
	}
	return v.Encode()
}

func TestSearchPage_ShowsTabsAndMarkedResultsWithTheTextEscaped(t *testing.T) {
	t.Parallel()
	w, visible, hidden := searchTeam(t)
	p := w.owner.get("/search?" + searchQuery("falc"))
	if p.status != http.StatusOK || !p.has("search-results") {
		t.Fatalf("search page: %d %s", p.status, p.body)
	}
	results := p.doc.Find(`[data-testid="search-result"]`)
	if results.Length() != 3 {
		t.Fatalf("%d results: %s", results.Length(), results.Text())
	}
	task := p.doc.Find(`[data-testid="search-result"][data-type="task"] a[href="/tasks?task=` + visible.ID + `"]`)
	if task.Length() != 1 || task.Find("mark").First().Text() != "Falcon" {
		t.Fatalf("the task's link and its marked title: %s", p.body)
	}
	if p.doc.Find(`a[href="/tasks?task=`+hidden.ID+`"]`).Length() != 1 {
		t.Fatal("the owner does not find the task of the project they are not on")
	}
	// The description's markup is text: the match is marked, nothing else becomes an element.
	snippet := p.doc.Find(`[data-testid="search-result"][data-type="task"] [data-testid="search-result-snippet"]`).First()
	if snippet.Find("b").Length() != 0 || snippet.Find("mark").Text() != "falcon" || !strings.Contains(snippet.Text(), `<b>falcon</b> tracker & "friends`) {
		t.Fatalf("snippet %q", snippet.Text())
	}
	// Tabs: all, then each type the owner may search, with counts; invoices among them.
	tabs := p.doc.Find(`[data-testid="search-tab"]`)
	if tabs.First().Text() == "" || tabs.Filter(`[data-type="task"]`).Find(`[data-testid="search-tab-count"]`).Text() != "2" ||
		tabs.Filter(`[data-type="invoice"]`).Length() != 1 || !tabs.First().HasClass("is-active") {
		t.Fatalf("tabs: %s", tabs.Text())
	}
	// A tab shows its type only.
	p = w.owner.get("/search?" + searchQuery("falc", "type", "client"))
	if n := p.doc.Find(`[data-testid="search-result"]`).Length(); n != 1 || p.doc.Find(`[data-testid="search-result"][data-type="client"]`).Length() != 1 {
		t.Fatalf("client tab: %d results", n)
	}
	if !p.doc.Find(`[data-testid="search-tab"][data-type="client"]`).HasClass("is-active") {
		t.Fatal("the client tab is not the active one")
	}
}

func TestSearchPage_EmptyNoResultAndRefusedQueries(t *testing.T) {
	t.Parallel()
	w, _, _ := searchTeam(t)
	if p := w.owner.get("/search"); p.status != http.StatusOK || !strings.Contains(p.body, "Search everything") || p.has("search-results") {
		t.Fatalf("no query: %d", p.status)
	}
	if p := w.owner.get("/search?" + searchQuery("zebra")); p.status != http.StatusOK || !strings.Contains(p.body, "Nothing found") {
		t.Fatalf("no result: %d %s", p.status, p.body)
	}
	for _, q := range []string{searchQuery(strings.Repeat("a", 201)), searchQuery("falcon", "type", "user")} {
		p := w.owner.get("/search?" + q)
		if p.status != http.StatusUnprocessableEntity || !p.has("search-page-error") || p.has("search-results") {
			t.Errorf("%s: %d %s", q, p.status, p.text("search-page-error"))
		}
	}
	if p := w.otherB.get("/search?" + searchQuery("falc")); p.status != http.StatusOK || !strings.Contains(p.body, "Nothing found") {
		t.Fatalf("another organization: %d", p.status)
	}
	if p := w.e.browser().get("/search?" + searchQuery("falc")); p.status != http.StatusSeeOther {
		t.Fatalf("signed out: %d", p.status)
	}
}

// A member finds neither the tasks of a project they are not on nor invoices, on the page and in the palette.
func TestSearch_MemberFindsOnlyTheirProjectsOnPageAndPalette(t *testing.T) {
	t.Parallel()
	w, visible, hidden := searchTeam(t)
	p := w.member.get("/search?" + searchQuery("falcon"))
	if p.doc.Find(`a[href="/tasks?task=`+visible.ID+`"]`).Length() != 1 || strings.Contains(p.body, hidden.ID) ||
		strings.Contains(p.body, "Falcon acquisition") {
		t.Fatalf("member's results: %s", p.doc.Find(`[data-testid="search-results"]`).Text())
	}
	if p.doc.Find(`[data-testid="search-tab"][data-type="invoice"]`).Length() != 0 {
		t.Fatal("a member has an invoice tab")
	}
	f := w.member.get("/search/palette?" + searchQuery("falc"))
	if f.status != http.StatusOK || f.doc.Find(`[data-testid="palette-option"]`).Length() != 2 || strings.Contains(f.body, hidden.ID) {
		t.Fatalf("member's palette: %d %s", f.status, f.body)
	}
}

func TestPalette_IsOnEveryPageAndListsResultsAndActions(t *testing.T) {
	t.Parallel()
	w, visible, _ := searchTeam(t)
	for _, path := range []string{"/", "/projects", w.boardPath(), "/time"} {
		if p := w.member.get(path); !p.has("palette") || !p.has("palette-open") {
			t.Errorf("%s has no palette", path)
		}
	}
	if p := w.e.browser().get("/login"); p.has("palette") {
		t.Error("the sign-in page has a palette")
	}
	// Nothing typed: the actions only.
	f := w.owner.get("/search/palette?q=")
	if f.status != http.StatusOK || f.doc.Find(`[data-testid="palette-option"]`).Length() != 0 || !f.has("palette-action-new-task") || !f.has("palette-action-start-timer") {
		t.Fatalf("empty palette: %d %s", f.status, f.body)
	}
	f = w.owner.get("/search/palette?" + searchQuery("zebra"))
	if f.doc.Find(`[data-testid="palette-option"]`).Length() != 0 || !f.has("palette-empty") {
		t.Fatalf("no match: %d options", f.doc.Find(`[data-testid="palette-option"]`).Length())
	}
	f = w.owner.get("/search/palette?" + searchQuery("launch"))
	if f.doc.Find(`[data-testid="palette-option"][href="/tasks?task=`+visible.ID+`"]`).Length() != 1 || !f.has("palette-see-all") {
		t.Fatalf("launch: %s", f.body)
	}
	// A project found is also offered as "New task in …".
	f = w.owner.get("/search/palette?" + searchQuery("websi"))
	if a := f.doc.Find(`[data-testid="palette-action-new-task-in"]`); a.AttrOr("href", "") != w.boardPath()+"#new-task" {
		t.Fatalf("new task in the project: %s", f.body)
	}
	// A refused query answers 422 with its message, swapped in like a form's.
	f = w.owner.get("/search/palette?" + searchQuery(strings.Repeat("x", 201)))
	if f.status != http.StatusUnprocessableEntity || !strings.Contains(f.text("palette-refused"), "200") {
		t.Fatalf("too long: %d %s", f.status, f.body)
	}
}
