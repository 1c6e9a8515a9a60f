package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
)

// fullBoard is a board of 5 columns × 50 cards, each card with all it can show (a label, a due date, an assignee, a
// checklist), made through the store as users make them.
func fullBoard(t *testing.T) *workTeam {
	t.Helper()
	w := newWorkTeam(t)
	w.group("Review")
	w.group("Done soon")
	groups, err := w.e.store.TaskGroups(context.Background(), w.ownerA, w.project.ID)
	if err != nil || len(groups) != 5 {
		t.Fatalf("%d groups: %v", len(groups), err)
	}
	w.groups = groups
	bug := w.label(t, "Bug", "#ef4444")
	due := "2026-03-20"
	for i := range 250 {
		task := w.task(t, store.TaskInput{Title: fmt.Sprint("Card ", i), GroupID: &groups[i%5].ID, DueDate: &due,
			AssigneeID: &w.memberA.UserID, LabelIDs: []string{bug.ID}, Priority: "high"})
		if _, err := w.e.store.AddChecklistItem(context.Background(), w.ownerA, task.ID, "step"); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// The board of 5 columns × 50 full cards is under 200 KB of HTML (issue 15: it was 425 KB): each column paints its
// first store.BoardPageSize cards with its true count, and a "show more" button loads the rest in one page.
func TestBoard_FirstPaintOfFiveColumnsOfFifty(t *testing.T) {
	t.Parallel()
	w := fullBoard(t)
	p := w.owner.get(w.boardPath())
	t.Logf("board of 5 × 50 cards: %d bytes of HTML", len(p.body))
	if p.status != http.StatusOK || len(p.body) >= 200_000 {
		t.Fatalf("board: %d, %d bytes of HTML, want under 200,000", p.status, len(p.body))
	}
	if n := p.doc.Find(`[data-testid="board-card"]`).Length(); n != 5*store.BoardPageSize {
		t.Fatalf("%d cards painted", n)
	}
	// A card's link is the plain deep link; board.js opens the panel from it.
	link := p.doc.Find(`[data-testid="board-card-link"]`).First()
	if _, ok := link.Attr("hx-get"); ok || !strings.HasPrefix(link.AttrOr("href", ""), "/tasks?task=") {
		t.Fatalf("card link %v", link.Nodes[0].Attr)
	}
	for _, g := range w.groups {
		col := p.doc.Find(`#col-` + g.ID)
		if got := strings.TrimSpace(col.Find(`[data-testid="board-column-count"]`).Text()); got != "50" {
			t.Fatalf("column %s counts %q", g.Name, got)
		}
		more := col.Find(`[data-testid="board-show-more"]`)
		if got := strings.Join(strings.Fields(more.Text()), " "); more.Length() != 1 || got != fmt.Sprintf("Show %d more", 50-store.BoardPageSize) {
			t.Fatalf("column %s: button %q", g.Name, got)
		}
	}
	// The button's fragment is the rest of the column.
	doing := w.groups[1].ID
	cards := p.doc.Find(`#cards-` + doing + ` [data-testid="board-card"]`)
	last := cards.Last().AttrOr("data-task-id", "")
	r := htmxGet(w.member, w.boardPath()+"/groups/"+doing+"/cards?after="+last)
	var want []string
	for i := store.BoardPageSize; i < 50; i++ {
		want = append(want, fmt.Sprint("Card ", 5*i+1))
	}
	if r.status != http.StatusOK || strings.Join(cardTitles(r), ",") != strings.Join(want, ",") {
		t.Fatalf("the rest: %d %v", r.status, cardTitles(r))
	}
	if placeholder := r.doc.Find(`#more-` + doing + `[hx-swap-oob="true"]`); placeholder.Length() != 1 || placeholder.Find("button").Length() != 0 {
		t.Fatalf("a button after the rest: %s", r.body)
	}
}
