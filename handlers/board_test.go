package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/trcr/trcr/store"
)

func (w *world) boardPath() string { return "/projects/" + w.project.ID + "/board" }

func cardTitles(p page) []string {
	var out []string
	p.doc.Find(`[data-testid="board-card"] .tcard__title`).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Text()))
	})
	return out
}

func TestBoardPage_ColumnsCardsAndDetails(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	ctx := context.Background()
	bug := w.label(t, "bug", "#dc2626")
	late := w.task(t, store.TaskInput{Title: "Fix the login", Priority: "urgent", DueDate: ptr("2020-01-31"),
		AssigneeID: &w.memberA.UserID, LabelIDs: []string{bug.ID}})
	w.task(t, store.TaskInput{Title: "Write docs", GroupID: &w.groups[1].ID})
	for _, it := range []string{"one", "two"} {
		if _, err := w.e.store.AddChecklistItem(ctx, w.ownerA, late.ID, it); err != nil {
			t.Fatal(err)
		}
	}

	p := w.owner.get(w.boardPath())
	if p.status != http.StatusOK || !p.has("board") || !p.has("board-filters") {
		t.Fatalf("board: %d", p.status)
	}
	if n := p.doc.Find(`[data-testid="board-column"]`).Length(); n != 3 {
		t.Fatalf("%d columns", n)
	}
	if got := p.doc.Find(`[data-testid="board-column"] .board-col__title`).First().Text(); got != "To do" {
		t.Fatalf("first column %q", got)
	}
	card := p.doc.Find(`#card-` + late.ID)
	if card.Length() != 1 || !card.HasClass("prio-urgent") {
		t.Fatalf("card %q", card.AttrOr("class", ""))
	}
	if card.Find(`[data-testid="card-label"]`).Text() != "bug" || card.Find(`[data-testid="card-due"].due--overdue`).Length() != 1 ||
		strings.TrimSpace(card.Find(`[data-testid="card-checklist"]`).Text()) != "0/2" || card.Find(`[data-testid="card-assignee"]`).Length() != 1 {
		t.Fatalf("card details: %s", card.Text())
	}
	link := card.Find(`[data-testid="board-card-link"]`)
	// A plain deep link: board.js opens the panel from it on a click (issue 15: no hx-* per card).
	if link.AttrOr("href", "") != "/tasks?task="+late.ID {
		t.Fatalf("card link %v", link.Nodes[0].Attr)
	}
	// The manager may drag, add tasks and columns; the label color reaches the page as a class only.
	if p.doc.Find(`#board[data-sortable="true"]`).Length() != 1 || p.doc.Find(`[data-testid="quick-add-form"]`).Length() != 3 ||
		!p.has("new-column-form") {
		t.Fatal("manager controls missing")
	}
	if !strings.Contains(p.body, ".c-dc2626{--c:#dc2626}") || p.doc.Find(`[data-testid="card-label"].c-dc2626`).Length() != 1 {
		t.Fatal("label color class missing")
	}
	if p.doc.Find(`script[src^="/static/vendor/sortablejs/Sortable.min.js"]`).Length() != 1 || p.doc.Find(`script[src^="/static/js/board.js"]`).Length() != 1 {
		t.Fatal("board scripts not loaded")
	}
	if p.doc.Find(`[style]`).Length() != 0 {
		t.Fatal("inline style attribute on the board")
	}
}

func TestBoardPage_FiltersKeptInTheURL(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	bug := w.label(t, "bug", "#dc2626")
	w.task(t, store.TaskInput{Title: "Urgent crash", Priority: "urgent", LabelIDs: []string{bug.ID}, AssigneeID: &w.memberA.UserID})
	w.task(t, store.TaskInput{Title: "Calm chore", Priority: "low"})
	for _, c := range []struct {
		query string
		want  string
	}{
		{"", "Urgent crash,Calm chore"},
		{"?priority=urgent", "Urgent crash"},
		{"?label=" + bug.ID, "Urgent crash"},
		{"?assignee=none", "Calm chore"},
		{"?q=chor", "Calm chore"},
	} {
		p := w.member.get(w.boardPath() + c.query)
		if got := strings.Join(cardTitles(p), ","); p.status != http.StatusOK || got != c.want {
			t.Errorf("%s: %d %q, want %q", c.query, p.status, got, c.want)
		}
		if c.query != "" && !p.has("board-filter-status") {
			t.Errorf("%s: no filter status", c.query)
		}
	}
	// The member's "me" filter, kept in the select.
	p := w.member.get(w.boardPath() + "?assignee=me")
	if strings.Join(cardTitles(p), ",") != "Urgent crash" || p.doc.Find(`#board-assignee option[value="me"][selected]`).Length() != 1 {
		t.Fatal("assignee=me")
	}
	// A filter the server refuses: the whole board, with a message.
	p = w.member.get(w.boardPath() + "?label=nope")
	if p.status != http.StatusOK || len(cardTitles(p)) != 2 || !strings.Contains(p.text("board"), "not valid") {
		t.Fatalf("bad filter: %d %v", p.status, cardTitles(p))
	}
	// Filtered boards cannot be reordered.
	p = w.owner.get(w.boardPath() + "?priority=low")
	if p.doc.Find(`#board[data-sortable]`).Length() != 0 {
		t.Fatal("a filtered board is sortable")
	}
}

func TestBoardPage_MemberWithoutManageTasks(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	task := w.task(t, store.TaskInput{Title: "Someone else's"})
	p := w.member.get(w.boardPath())
	if p.status != http.StatusOK || len(cardTitles(p)) != 1 {
		t.Fatalf("member board: %d", p.status)
	}
	if p.doc.Find(`#board[data-sortable]`).Length() != 0 || p.has("quick-add-form") || p.has("new-column-form") {
		t.Fatal("member sees manager controls")
	}
	w.member.visit(visit{name: "move by member", method: http.MethodPost, htmx: true, path: "/tasks/" + task.ID + "/move", form: url.Values{"position": {"0"}, "group_id": {w.groups[1].ID}}, status: http.StatusForbidden})
	w.member.visit(visit{name: "quick add by member", method: http.MethodPost, htmx: true, path: w.boardPath() + "/tasks", form: url.Values{"group_id": {w.groups[0].ID}, "title": {"Sneaky"}}, status: http.StatusForbidden})
	w.member.visit(visit{name: "add column by member", method: http.MethodPost, htmx: true, path: w.boardPath() + "/groups", form: url.Values{"name": {"Sneaky"}}, status: http.StatusForbidden})
	// Collapsing is the member's own view: allowed.
	w.member.visit(visit{name: "collapse by member", method: http.MethodPost, htmx: true, path: w.boardPath() + "/groups/" + w.groups[2].ID + "/collapse", form: url.Values{}, status: http.StatusNoContent})
}

func TestBoardPage_AnotherOrganizationsProjectIsNotFound(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	w.owner.visit(visit{name: "other org board", path: "/projects/" + w.other.ID + "/board", status: http.StatusNotFound})
	w.owner.visit(visit{name: "bad id", path: "/projects/not-a-uuid/board", status: http.StatusNotFound})
	w.owner.visit(visit{name: "quick add on another org", method: http.MethodPost, htmx: true, path: "/projects/" + w.other.ID + "/board/tasks", form: url.Values{"title": {"x"}}, status: http.StatusNotFound})
	task := w.task(t, store.TaskInput{Title: "Mine"})
	w.otherB.visit(visit{name: "move another org's task", method: http.MethodPost, htmx: true, path: "/tasks/" + task.ID + "/move", form: url.Values{"position": {"0"}}, status: http.StatusNotFound})
	w.owner.visit(visit{name: "collapse on another org", method: http.MethodPost, htmx: true, path: "/projects/" + w.other.ID + "/board/groups/" + w.groups[0].ID + "/collapse", status: http.StatusNotFound})
}

func TestMoveTask_UsesReorderWithinAndAcrossColumns(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	ctx := context.Background()
	a := w.task(t, store.TaskInput{Title: "A"})
	b := w.task(t, store.TaskInput{Title: "B"})
	w.task(t, store.TaskInput{Title: "C", GroupID: &w.groups[1].ID})
	w.owner.get(w.boardPath())

	// B to the top of its column.
	w.owner.visit(visit{name: "move", method: http.MethodPost, htmx: true, path: "/tasks/" + b.ID + "/move", form: url.Values{"position": {"0"}, "group_id": {w.groups[0].ID}}, status: http.StatusNoContent})
	// A into "Doing", below C.
	w.owner.visit(visit{name: "move across", method: http.MethodPost, htmx: true, path: "/tasks/" + a.ID + "/move", form: url.Values{"position": {"1"}, "group_id": {w.groups[1].ID}}, status: http.StatusNoContent})
	board, err := w.e.store.Board(ctx, w.ownerA, w.project.ID, store.BoardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	got := [][]string{}
	for _, g := range board.Groups {
		col := []string{}
		for _, card := range g.Cards {
			col = append(col, card.Title)
		}
		got = append(got, col)
	}
	if strings.Join(got[0], ",") != "B" || strings.Join(got[1], ",") != "C,A" {
		t.Fatalf("columns %v", got)
	}
	// Refusals come back as a flash message, for board.js to show before it reloads the columns.
	r := w.owner.htmx("/tasks/"+a.ID+"/move", url.Values{"position": {"x"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "position must be a number") || r.header.Get("HX-Reswap") != "none" {
		t.Fatalf("bad position: %d %s", r.status, r.body)
	}
	r = w.owner.htmx("/tasks/"+a.ID+"/move", url.Values{"position": {"0"}, "group_id": {w.other.ID}})
	if r.status != http.StatusUnprocessableEntity || r.doc.Find(`[data-testid="flash"]`).Length() != 1 ||
		!strings.Contains(r.body, "group_id must be a task group of the project") {
		t.Fatalf("foreign group: %d %s", r.status, r.body)
	}
}

func TestBoardQuickAddCollapseAndColumns(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	w.owner.get(w.boardPath())
	// Quick add answers the card for htmx to append.
	r := w.owner.htmx(w.boardPath()+"/tasks", url.Values{"group_id": {w.groups[1].ID}, "title": {"  Ship it  "}})
	if r.status != http.StatusOK || r.text("board-card-link") != "Ship it" {
		t.Fatalf("quick add: %d %s", r.status, r.body)
	}
	// An empty title answers the form, retargeted, with its message.
	r = w.owner.htmx(w.boardPath()+"/tasks", url.Values{"group_id": {w.groups[1].ID}, "title": {" "}})
	if r.status != http.StatusUnprocessableEntity || r.header.Get("HX-Retarget") != "#qa-"+w.groups[1].ID ||
		r.text("field-error") != "Title is required." {
		t.Fatalf("empty quick add: %d %q %s", r.status, r.header.Get("HX-Retarget"), r.body)
	}
	// Without JavaScript: back to the board, or the board with the message.
	w.owner.visit(visit{name: "plain quick add", method: http.MethodPost, path: w.boardPath() + "/tasks", form: url.Values{"group_id": {w.groups[0].ID}, "title": {"Plain"}}, status: http.StatusSeeOther})
	p := w.owner.get(w.boardPath())
	if got := strings.Join(cardTitles(p), ","); got != "Plain,Ship it" {
		t.Fatalf("cards %q", got)
	}
	if r := w.owner.post(w.boardPath()+"/tasks", url.Values{"group_id": {w.groups[0].ID}, "title": {""}}); r.status != http.StatusUnprocessableEntity ||
		r.doc.Find(`#qa-`+w.groups[0].ID+` [data-testid="field-error"]`).Length() != 1 {
		t.Fatalf("plain empty quick add: %d", r.status)
	}

	// Collapse and expand: remembered for the user.
	path := w.boardPath() + "/groups/" + w.groups[2].ID + "/collapse"
	w.owner.visit(visit{name: "collapse", method: http.MethodPost, htmx: true, path: path, form: url.Values{}, status: http.StatusNoContent})
	p = w.owner.get(w.boardPath())
	if !p.doc.Find(`#col-` + w.groups[2].ID).HasClass("is-collapsed") {
		t.Fatal("not collapsed")
	}
	if p.doc.Find(`#col-`+w.groups[2].ID+` [data-testid="board-collapse"]`).AttrOr("aria-expanded", "") != "false" {
		t.Fatal("aria-expanded")
	}
	if r := w.owner.post(path, url.Values{"return": {w.boardPath() + "?priority=low"}}); r.status != http.StatusSeeOther || r.location != w.boardPath()+"?priority=low" {
		t.Fatalf("plain expand: %d %s", r.status, r.location)
	}
	if p = w.owner.get(w.boardPath()); p.doc.Find(`#col-` + w.groups[2].ID).HasClass("is-collapsed") {
		t.Fatal("still collapsed")
	}
	if r := w.owner.post(path, url.Values{"return": {"https://evil.example/"}}); r.location != w.boardPath() {
		t.Fatalf("open redirect: %s", r.location)
	}

	// New column.
	if r := w.owner.htmx(w.boardPath()+"/groups", url.Values{"name": {"Review"}}); r.status != http.StatusNoContent || r.header.Get("HX-Redirect") != w.boardPath() {
		t.Fatalf("add column: %d", r.status)
	}
	if r := w.owner.htmx(w.boardPath()+"/groups", url.Values{"name": {""}}); r.status != http.StatusUnprocessableEntity || !r.has("field-error") {
		t.Fatalf("empty column name: %d %s", r.status, r.body)
	}
	if n := w.owner.get(w.boardPath()).doc.Find(`[data-testid="board-column"]`).Length(); n != 4 {
		t.Fatalf("%d columns", n)
	}
}

// fill appends n tasks "<prefix> 0" … "<prefix> n-1" to the end of a group, every third one urgent.
func (w *world) fill(t *testing.T, group, prefix string, n int) []string {
	t.Helper()
	w.e.db.MustExec(`
		INSERT INTO tasks (organization_id, project_id, group_id, title, priority, position)
		SELECT p.organization_id, p.id, $2, $3 || ' ' || i, CASE WHEN i % 3 = 0 THEN 'urgent' ELSE 'low' END,
			(SELECT count(*) FROM tasks WHERE group_id = $2) + i
		FROM projects p, generate_series(0, $4::int - 1) i WHERE p.id = $1`, w.project.ID, group, prefix, n)
	var ids []string
	if err := w.e.db.Select(&ids, `SELECT id FROM tasks WHERE group_id = $1 ORDER BY position`, group); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestBoardPage_BigColumnsShowAPageAndAShowMoreButton(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	doing := w.groups[1].ID
	ids := w.fill(t, doing, "Card", store.BoardPageSize+20)
	w.task(t, store.TaskInput{Title: "Small"})

	p := w.owner.get(w.boardPath())
	col := p.doc.Find(`#col-` + doing)
	if n := col.Find(`[data-testid="board-card"]`).Length(); n != store.BoardPageSize {
		t.Fatalf("%d cards in the big column", n)
	}
	if got := strings.TrimSpace(col.Find(`[data-testid="board-column-count"]`).Text()); got != fmt.Sprint(store.BoardPageSize+20) {
		t.Fatalf("column count %q, want the column's total", got)
	}
	more := col.Find(`[data-testid="board-show-more"]`)
	if more.Length() != 1 || more.AttrOr("hx-get", "") != w.boardPath()+"/groups/"+doing+"/cards" ||
		more.AttrOr("hx-target", "") != "#cards-"+doing || more.AttrOr("hx-swap", "") != "beforeend" ||
		more.AttrOr("hx-vals", "") != `{"after":"`+ids[store.BoardPageSize-1]+`"}` {
		t.Fatalf("show more button %v", more.Nodes)
	}
	if got := strings.Join(strings.Fields(more.Text()), " "); got != "Show 20 more" {
		t.Fatalf("button text %q", got)
	}
	// The small column has no button.
	if p.doc.Find(`#col-`+w.groups[0].ID+` [data-testid="board-show-more"]`).Length() != 0 {
		t.Fatal("a button on a column without more cards")
	}

	// The next page: the cards after the cursor, and an empty placeholder for the button, out of band.
	r := htmxGet(w.member, w.boardPath()+"/groups/"+doing+"/cards?after="+ids[store.BoardPageSize-1])
	if r.status != http.StatusOK || strings.Join(cardTitles(r), ",") != strings.Join(cardRangeTitles("Card", store.BoardPageSize, store.BoardPageSize+20), ",") {
		t.Fatalf("next page: %d %v", r.status, cardTitles(r))
	}
	if placeholder := r.doc.Find(`#more-` + doing + `[hx-swap-oob="true"]`); placeholder.Length() != 1 || placeholder.Find("button").Length() != 0 {
		t.Fatalf("next button: %s", r.body)
	}
	// With a filter: the filter stays in the button's address, the counts are of matching cards.
	p = w.owner.get(w.boardPath() + "?priority=urgent")
	col = p.doc.Find(`#col-` + doing)
	more = col.Find(`[data-testid="board-show-more"]`)
	if got := strings.Join(strings.Fields(col.Find(`[data-testid="board-column-count"]`).Text()), ""); got != "13/38" ||
		col.Find(`[data-testid="board-card"]`).Length() != 13 || more.Length() != 0 {
		t.Fatalf("filtered column: count %q, %d cards, %d buttons", got, col.Find(`[data-testid="board-card"]`).Length(), more.Length())
	}
	if got := p.text("board-filter-status"); !strings.Contains(got, "Showing 13 of 39 tasks") {
		t.Fatalf("filter status %q", got)
	}
	r = htmxGet(w.owner, w.boardPath()+"/groups/"+doing+"/cards?priority=urgent&after="+ids[30])
	if got := cardTitles(r); r.status != http.StatusOK || strings.Join(got, ",") != "Card 33,Card 36" {
		t.Fatalf("filtered page: %d %v", r.status, got)
	}
	// The first page of a column (a collapsed one, being expanded), with a button carrying the filter.
	w.fill(t, doing, "More", 135) // 173 cards, 13+45 urgent
	r = htmxGet(w.owner, w.boardPath()+"/groups/"+doing+"/cards?priority=urgent")
	more = r.doc.Find(`[data-testid="board-show-more"]`)
	if len(cardTitles(r)) != store.BoardColumnPageSize || more.AttrOr("hx-get", "") != w.boardPath()+"/groups/"+doing+"/cards?priority=urgent" ||
		strings.Join(strings.Fields(more.Text()), " ") != "Show 8 more" {
		t.Fatalf("first page: %d cards, button %s", len(cardTitles(r)), r.body)
	}
	r = htmxGet(w.owner, w.boardPath()+"/groups/"+doing+"/cards")
	if got := strings.Join(strings.Fields(r.doc.Find(`[data-testid="board-show-more"]`).Text()), " "); got != "Show 50 more 123 left" {
		t.Fatalf("unfiltered first page's button %q", got)
	}
}

func cardRangeTitles(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, prefix+" "+strconv.Itoa(i))
	}
	return out
}

func TestBoardColumnCards_Refusals(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	doing := w.groups[1].ID
	ids := w.fill(t, doing, "Card", 3)
	todo := w.task(t, store.TaskInput{Title: "Elsewhere"})
	path := w.boardPath() + "/groups/" + doing + "/cards"
	// A cursor that is not a card of the column (moved meanwhile): a flash asking for a reload, nothing swapped.
	for _, after := range []string{"nope", todo.ID} {
		r := htmxGet(w.owner, path+"?after="+after)
		if r.status != http.StatusUnprocessableEntity || r.header.Get("HX-Reswap") != "none" ||
			r.doc.Find(`[data-testid="flash"]`).Length() != 1 || !strings.Contains(r.body, "after must be a card of this column") ||
			len(cardTitles(r)) != 0 {
			t.Errorf("after=%s: %d %s", after, r.status, r.body)
		}
	}
	if r := htmxGet(w.owner, path+"?priority=soon&after="+ids[0]); r.status != http.StatusUnprocessableEntity || len(cardTitles(r)) != 0 {
		t.Errorf("bad filter: %d", r.status)
	}
	// Another organization's project or group, a group id that is not one: not found.
	for _, p := range []string{
		"/projects/" + w.other.ID + "/board/groups/" + doing + "/cards",
		w.boardPath() + "/groups/" + w.other.ID + "/cards",
		w.boardPath() + "/groups/nope/cards",
	} {
		if r := htmxGet(w.owner, p); r.status != http.StatusNotFound || len(cardTitles(r)) != 0 {
			t.Errorf("%s: %d", p, r.status)
		}
	}
	var otherGroup string
	if err := w.e.db.Get(&otherGroup, `SELECT id FROM task_groups WHERE project_id = $1`, w.other.ID); err != nil {
		t.Fatal(err)
	}
	w.otherB.visit(visit{name: "another organization's card as cursor", htmx: true, path: "/projects/" + w.other.ID + "/board/groups/" + otherGroup + "/cards?after=" + ids[0], status: http.StatusUnprocessableEntity})
	w.owner.visit(visit{name: "another organization's group", htmx: true, path: "/projects/" + w.project.ID + "/board/groups/" + otherGroup + "/cards", status: http.StatusNotFound})
	// A member of the project reads it.
	if r := htmxGet(w.member, path+"?after="+ids[0]); r.status != http.StatusOK || strings.Join(cardTitles(r), ",") != "Card 1,Card 2" {
		t.Errorf("member: %d %v", r.status, cardTitles(r))
	}
}

func TestBoardPage_CollapsedColumnsLoadTheirCardsWhenExpanded(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	done := w.groups[2].ID
	w.task(t, store.TaskInput{Title: "Shipped", GroupID: &done})
	w.owner.visit(visit{name: "collapse", method: http.MethodPost, htmx: true, path: w.boardPath() + "/groups/" + done + "/collapse", form: url.Values{}, status: http.StatusNoContent})
	p := w.owner.get(w.boardPath())
	col := p.doc.Find(`#col-` + done)
	if !col.HasClass("is-collapsed") || !col.HasClass("is-unloaded") || col.Find(`[data-testid="board-card"]`).Length() != 0 ||
		col.Find(`[data-testid="board-show-more"]`).AttrOr("hx-vals", "") != `{"after":""}` ||
		strings.TrimSpace(col.Find(`[data-testid="board-column-count"]`).Text()) != "1" {
		t.Fatalf("collapsed column: %s", goquery.NewDocumentFromNode(col.Nodes[0]).Text())
	}
	if r := htmxGet(w.owner, w.boardPath()+"/groups/"+done+"/cards?after="); strings.Join(cardTitles(r), ",") != "Shipped" {
		t.Fatalf("expanded column's cards: %v", cardTitles(r))
	}
}
