package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
)

// The forms' project and task selects are marked for the searchable picker, and a task picker's typing is answered
// by the server: the task select of the project, narrowed to the tasks whose title or short reference matches.
func TestPickers_TaskSelectFiltersByTitleOrReference(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	second := tt.task(t, store.TaskInput{Title: "Pricing table"})
	form := htmxGet(tt.owner, "/timer/form")
	for _, sel := range []string{"#timer-project", "#timer-task"} {
		if form.doc.Find(sel+"[data-picker]").Length() != 1 {
			t.Errorf("%s is not marked for the picker", sel)
		}
	}
	src := "/time/tasks?target=timer-task&project_id=" + tt.project.ID
	titles := func(q string) string {
		p := tt.owner.visit(visit{htmx: true, path: src + "&q=" + q, status: http.StatusOK})
		if got := p.doc.Find("select#timer-task").AttrOr("data-picker-src", ""); got != src {
			t.Errorf("the fragment's select asks %q", got)
		}
		var out []string
		for _, o := range p.texts("timer-task") {
			out = append(out, o)
		}
		return strings.Join(out, "|")
	}
	if got := titles(""); !strings.Contains(got, "Landing page") || !strings.Contains(got, "Pricing table") {
		t.Errorf("no query: %q", got)
	}
	if got := titles("pric"); strings.Contains(got, "Landing page") || !strings.Contains(got, "Pricing table") {
		t.Errorf("q=pric: %q", got)
	}
	ref := second.Reference
	if got := titles(strings.ToLower(ref)); strings.Contains(got, "Landing page") || !strings.Contains(got, "Pricing table") {
		t.Errorf("q=%s: %q", ref, got)
	}
	tt.owner.visit(visit{name: "a search too long", htmx: true, path: src + "&q=" + strings.Repeat("a", 201), status: http.StatusBadRequest})
}
