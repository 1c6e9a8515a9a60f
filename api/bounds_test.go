package api_test

import (
	"testing"
	"time"
)

// Hostile input of DECISIONS.md ("Hostile input and failure"): page numbers past the data, NUL characters and
// money past 10^12 cents are answered 200 or 400, never 500.

func TestLists_PageNumbersPastTheDataAnswerAnEmptyPage(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.e
	w.sqlEntry(w.project, "Design", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), time.Hour, 10000)
	project := e.must(201, w.as(w.owner, "POST", "/projects", map[string]any{"name": "Paged"})).str("id")
	e.must(201, w.as(w.owner, "POST", "/tasks", map[string]any{"project_id": project, "title": "One task"}))
	w.invoice(map[string]any{})
	e.must(201, w.as(w.owner, "POST", "/clients/"+w.client+"/activities", map[string]any{"type": "note", "title": "Called"}))
	lists := []string{"/tasks", "/time-entries", "/clients", "/projects", "/invoices", "/members", "/audit-logs",
		"/clients/" + w.client + "/activities"}
	for _, list := range lists {
		for _, query := range []string{"page=922337203685477581", "page=922337203685477581&per_page=100",
			"page=9223372036854775807&per_page=100", "page=99999999999999999999999&per_page=99999999999999999999"} {
			r := e.do(w.as(w.owner, "GET", list+"?"+query, nil))
			if r.status != 200 {
				t.Errorf("GET %s?%s: %d %s", list, query, r.status, r.raw)
				continue
			}
			meta, _ := r.json["meta"].(map[string]any)
			if len(r.data()) != 0 || meta == nil || meta["total"].(float64) < 1 {
				t.Errorf("GET %s?%s: want an empty page of a non-empty list, got %s", list, query, r.raw)
			}
		}
		e.must(400, w.as(w.owner, "GET", list+"?page=-922337203685477581", nil))
	}
}
