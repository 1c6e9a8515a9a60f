package handlers_test

import (
	"net/http"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/trcr/trcr/store"
)

// A card's icons draw from the sprite's symbols, which carry the viewBox, stroke and fill: an icon is about 100
// bytes of HTML, and a card with all it can show (labels, priority, due date, checklist, assignee) stays under
// 1,700 bytes (2,069 when each icon carried them), on the way to a board of 5 columns × 50 cards in well under half
// a megabyte (issue 15).
func TestBoard_CardHTMLStaysSmall(t *testing.T) {
	t.Parallel()
	w := speedBoard(t)
	p := w.owner.get(w.boardPath())
	cards := p.doc.Find(`[data-testid="board-card"]`)
	if p.status != http.StatusOK || cards.Length() != 3*store.BoardPageSize {
		t.Fatalf("board: %d, %d cards", p.status, cards.Length())
	}
	total := 0
	cards.Each(func(_ int, c *goquery.Selection) {
		html, _ := goquery.OuterHtml(c)
		total += len(html)
	})
	t.Logf("%d bytes per card", total/cards.Length())
	if perCard := total / cards.Length(); perCard > 1700 {
		t.Errorf("%d bytes of HTML per card, want at most 1,700", perCard)
	}
}
