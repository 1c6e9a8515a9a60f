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
