package handlers_test

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/trcr/trcr/static"
	"github.com/trcr/trcr/store"
)

// htmxTarget loads a page the way htmx does for a swap into the element with the given id.
func htmxTarget(b *browser, path, target string) page {
	b.e.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	return b.read(b.c.Do(req))
}

// speedBoard is a board of 60 cards with everything a card can show (labels, a due date, a checklist, a comment,
// an assignee), over the three columns of workTeam.
func speedBoard(t *testing.T) *workTeam {
	t.Helper()
	w := newWorkTeam(t)
	bug := w.label(t, "Bug", "#ef4444")
	due := "2026-03-20"
	for i := range 60 {
		task := w.task(t, store.TaskInput{Title: fmt.Sprint("Card ", i), GroupID: &w.groups[i%3].ID, DueDate: &due,
			AssigneeID: &w.memberA.UserID, LabelIDs: []string{bug.ID}, Priority: "high"})
		if _, err := w.e.store.AddChecklistItem(context.Background(), w.ownerA, task.ID, "step"); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

var iconDrawing = regexp.MustCompile(`<(path|circle|rect|line|polyline|polygon)\b`)

// Icons come from one sprite fetched once (<use>), not drawn again on every card: the board's HTML per card
// shrinks by the drawings of its icons.
func TestBoard_IconsFromTheSprite(t *testing.T) {
	w := speedBoard(t)
	p := w.owner.get(w.boardPath())
	if p.status != http.StatusOK || p.doc.Find(`[data-testid="board-card"]`).Length() != 3*store.BoardPageSize {
		t.Fatalf("board: %d", p.status)
	}
	cards := p.doc.Find(`[data-testid="board-cards"]`)
	html, _ := cards.Html()
	if m := iconDrawing.FindString(html); m != "" {
		t.Fatalf("a card draws an icon inline (%s)", m)
	}
	uses := regexp.MustCompile(`<use href="(/static/img/icons\.svg\?v=[0-9a-f]+)#([a-z0-9-]+)"`).FindAllStringSubmatch(p.body, -1)
	if len(uses) < 3*store.BoardPageSize*3 {
		t.Fatalf("%d icons from the sprite", len(uses))
	}
	if perCard := len(html) / store.BoardPageSize; perCard > 2500 {
		t.Errorf("%d bytes of HTML per card", perCard)
	}
	sprite, err := fs.ReadFile(static.FS, "img/icons.svg")
	if uses[0][1] != static.Path("img/icons.svg") || err != nil || !strings.Contains(string(sprite), `<symbol id="`+uses[0][2]+`"`) {
		t.Fatalf("sprite %s: %v", uses[0][1], err)
	}
}

// A search or filter from the board's form (htmx, aimed at #board) answers the board alone, without the page
// around it; a reload of one column (after a refused move, an edit in the task panel, someone else's change)
// answers that column alone. A plain request still gets the whole page.
func TestBoard_SwapsAnswerTheirFragmentAlone(t *testing.T) {
	w := speedBoard(t)
	path := w.boardPath() + "?q=Card+1"
	full := w.owner.get(path)
	if !full.has("board") || !full.has("board-filters") || full.doc.Find("nav").Length() == 0 {
		t.Fatalf("plain request: not the page")
	}
	b := htmxTarget(w.owner, path, "board")
	if b.status != http.StatusOK || !b.has("board") || b.has("board-filters") || b.doc.Find("nav, header.app-header, html head title").Length() > 0 ||
		strings.Contains(b.body, "<html") {
		t.Fatalf("board fragment: %d %.300s", b.status, b.body)
	}
	if n := b.doc.Find(`[data-testid="board-card"]`).Length(); n != 11 { // Card 1, Card 10–19
		t.Fatalf("%d matching cards", n)
	}
	if len(b.body) > len(full.body)*4/5 {
		t.Errorf("fragment %d bytes, page %d", len(b.body), len(full.body))
	}
	col := htmxTarget(w.owner, w.boardPath(), "col-"+w.groups[1].ID)
	sections := col.doc.Find(`section.board-col`)
	if col.status != http.StatusOK || sections.Length() != 1 || sections.AttrOr("id", "") != "col-"+w.groups[1].ID ||
		col.has("board") || col.doc.Find(`[data-testid="board-card"]`).Length() != store.BoardPageSize {
		t.Fatalf("column fragment: %d, %d columns", col.status, sections.Length())
	}
	if v := col.header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "HX-Target") {
		t.Fatalf("Vary %v", v)
	}
}

// htmxFrom loads a page the way htmx does for a request of the element trigger (HX-Trigger: its id) aimed at the
// element with the id target.
func htmxFrom(b *browser, path, target, trigger string) page {
	b.e.t.Helper()
	req, _ := http.NewRequest("GET", b.e.srv.URL+path, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", target)
	req.Header.Set("HX-Trigger", trigger)
	return b.read(b.c.Do(req))
}

// The board's filter form (a search as one types) gets the board's results alone: each column's count and body
// (its cards, "show more" and empty text) and the notes above the columns, each swapped out of band in place of
// its old self, without the columns' headers, menus and forms or the board around them (issue 15). The notes say
// whether the cards can be dragged and which columns the answer holds. Without JavaScript the form still loads
// the page.
func TestBoard_SearchAnswersTheCardListsAlone(t *testing.T) {
	w := speedBoard(t)
	path := w.boardPath() + "?q=Card+1"
	whole := htmxTarget(w.owner, path, "board")
	r := htmxFrom(w.owner, path, "board", "board-filters")
	if r.status != http.StatusOK || r.has("board") || r.doc.Find(`section.board-col, .board-col__title, form, nav`).Length() > 0 {
		t.Fatalf("results: %d %.400s", r.status, r.body)
	}
	if v := r.header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "HX-Trigger") {
		t.Fatalf("Vary %v", v)
	}
	var ids []string
	for _, g := range w.groups {
		ids = append(ids, g.ID)
		body := r.doc.Find(`#body-` + g.ID + `[hx-swap-oob="true"]`)
		count := r.doc.Find(`#count-` + g.ID + `[hx-swap-oob="true"]`)
		if body.Length() != 1 || body.Find(`#cards-`+g.ID+`[data-testid="board-cards"]`).Length() != 1 || count.Length() != 1 {
			t.Fatalf("column %s: %d bodies, %d counts", g.Name, body.Length(), count.Length())
		}
		if got, want := strings.Join(strings.Fields(count.Text()), ""), strings.Join(strings.Fields(whole.doc.Find(`#col-`+g.ID+` [data-testid="board-column-count"]`).Text()), ""); got != want {
			t.Errorf("column %s: count %q, the board shows %q", g.Name, got, want)
		}
	}
	if n := r.doc.Find(`[data-testid="board-card"]`).Length(); n != 11 { // Card 1, Card 10–19
		t.Fatalf("%d matching cards", n)
	}
	notes := r.doc.Find(`#board-notes[hx-swap-oob="true"]`)
	if notes.Length() != 1 || notes.Find(`[data-testid="board-filter-status"][role="status"]`).Length() != 1 ||
		notes.AttrOr("data-sortable", "") != "false" || notes.AttrOr("data-columns", "") != strings.Join(ids, " ") {
		t.Fatalf("notes: %d %v", notes.Length(), notes.Nodes)
	}
	if slot := r.doc.Find(`#board-newcol-slot[hx-swap-oob="true"]`); slot.Length() != 1 || slot.Children().Length() != 0 {
		t.Fatalf("new column slot under a search: %d", slot.Length())
	}
	if len(r.body) > len(whole.body)*3/4 {
		t.Errorf("results %d bytes, the board %d", len(r.body), len(whole.body))
	}

	// Clearing the search from the form: the cards can be dragged again, and a column added.
	r = htmxFrom(w.owner, w.boardPath()+"?q=", "board", "board-filters")
	notes = r.doc.Find(`#board-notes`)
	if notes.AttrOr("data-sortable", "") != "true" || r.has("board-filter-status") || !r.has("new-column-form") ||
		r.doc.Find(`[data-testid="board-card"]`).Length() != 3*store.BoardPageSize {
		t.Fatalf("unfiltered results: sortable %q, %d cards", notes.AttrOr("data-sortable", ""), r.doc.Find(`[data-testid="board-card"]`).Length())
	}

	// The page: the same parts in place, and the form works without JavaScript.
	p := w.owner.get(path)
	form := p.doc.Find(`form[data-testid="board-filters"]`)
	if form.AttrOr("method", "") != "get" || form.AttrOr("action", "") != w.boardPath() || form.AttrOr("id", "") != "board-filters" {
		t.Fatalf("filter form %v", form.Nodes)
	}
	for _, g := range w.groups {
		if p.doc.Find(`#col-`+g.ID+` #body-`+g.ID+` #cards-`+g.ID).Length() != 1 || p.doc.Find(`#col-`+g.ID+` #count-`+g.ID).Length() != 1 {
			t.Fatalf("column %s: no body or count to swap", g.Name)
		}
	}
	if p.doc.Find(`#board #board-notes [data-testid="board-filter-status"]`).Length() != 1 {
		t.Fatal("page: no filter status in the notes")
	}
}

// A search's answer paints the first 8 cards of each column, not the first page of 18 (issue 15: most of a
// search's 87 cards were parsed, inserted and styled below the columns' own scroll). A column cut short keeps its
// "show more" after its 8th card, for the rest of its matching cards, and loads it as soon as it comes into view
// as well as when pressed. The page of the same search, without JavaScript, still paints 18 per column.
func TestBoard_SearchAnswersAFirstSliceOfEachColumn(t *testing.T) {
	w := speedBoard(t) // 20 cards a column, each named "Card N"
	path := w.boardPath() + "?q=Card"
	r := htmxFrom(w.owner, path, "board", "board-filters")
	if r.status != http.StatusOK {
		t.Fatalf("results: %d %.300s", r.status, r.body)
	}
	for _, g := range w.groups {
		cards := r.doc.Find(`#cards-` + g.ID + ` > [data-testid="board-card"]`)
		if cards.Length() != 8 {
			t.Fatalf("column %s: %d cards in the answer, want 8", g.Name, cards.Length())
		}
		btn := r.doc.Find(`#more-` + g.ID + ` [data-testid="board-show-more"]`)
		if btn.Length() != 1 || btn.AttrOr("hx-trigger", "") != "click, intersect once" {
			t.Fatalf("column %s: show more %v", g.Name, btn.Nodes)
		}
		if label := strings.Join(strings.Fields(btn.Text()), " "); label != "Show 12 more" {
			t.Errorf("column %s: button %q", g.Name, label)
		}
		if last := cards.Last().AttrOr("data-task-id", ""); !strings.Contains(btn.AttrOr("hx-vals", ""), last) {
			t.Errorf("column %s: the button's cursor %s is not the last card shown %s", g.Name, btn.AttrOr("hx-vals", ""), last)
		}
		if got := strings.Join(strings.Fields(r.doc.Find(`#count-`+g.ID).Text()), ""); got != "20/20" {
			t.Errorf("column %s: count %q", g.Name, got)
		}
	}

	p := w.owner.get(path)
	if n := p.doc.Find(`[data-testid="board-card"]`).Length(); n != 3*store.BoardPageSize {
		t.Fatalf("page of the search: %d cards, want %d", n, 3*store.BoardPageSize)
	}
	if p.doc.Find(`[data-testid="board-show-more"][hx-trigger]`).Length() != 0 {
		t.Fatal("the page's buttons load on their own")
	}
}
