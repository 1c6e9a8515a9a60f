package handlers_test

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// pwFormValues reads the hidden inputs (but the CSRF token) of the first form matching sel.
func pwFormValues(p page, sel string) url.Values {
	v := url.Values{}
	p.doc.Find(sel).First().Find(`input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
		if name := s.AttrOr("name", ""); name != "_csrf" {
			v.Add(name, s.AttrOr("value", ""))
		}
	})
	return v
}

func TestWorkflowPage_Labels(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Ada Admin", "ada@example.com", "Flow Co")
	p := owner.get("/settings/workflow")
	if p.status != 200 || !p.has("label-create-form") || !p.has("status-create-form") || p.count("builtin-status") != 4 || p.count("empty-state") != 2 {
		t.Fatalf("workflow page: %d builtins %d", p.status, p.count("builtin-status"))
	}
	checkPage(t, "workflow", p)

	blank := owner.htmx("/settings/workflow/labels", url.Values{"name": {""}, "color": {"#ef4444"}})
	if blank.status != 422 || strings.Contains(blank.body, "<html") || !strings.Contains(blank.text("field-error"), "Name is required.") ||
		blank.doc.Find(`#label-new-name`).AttrOr("aria-invalid", "") != "true" {
		t.Fatalf("blank label: %d %q", blank.status, blank.text("field-error"))
	}
	made := owner.htmx("/settings/workflow/labels", url.Values{"name": {"Bug"}, "color": {"#ef4444"}})
	if made.status != 200 || made.count("label-row") != 1 || !strings.Contains(made.body, "Label “Bug” created.") || !made.has("flash") {
		t.Fatalf("create label: %d %s", made.status, made.body)
	}
	if made.doc.Find(`#label-new-name`).AttrOr("value", "") != "" {
		t.Fatal("create form not reset")
	}
	if dup := owner.htmx("/settings/workflow/labels", url.Values{"name": {"bug"}, "color": {"#000000"}}); dup.status != 422 || !strings.Contains(dup.text("field-error"), "already exists") {
		t.Fatalf("duplicate label: %d %q", dup.status, dup.text("field-error"))
	}
	id := e.id(`SELECT id FROM labels WHERE name = $1`, "Bug")

	// Inline rename and recolor: htmx gets the list back with the row marked saved; a plain form goes back to the
	// page.
	ren := owner.htmx("/settings/workflow/labels/"+id, url.Values{"name": {"Defect"}, "color": {"#00AA00"}})
	if ren.status != 200 || !ren.doc.Find(`[data-testid="label-row"]`).HasClass("is-saved") {
		t.Fatalf("rename: %d", ren.status)
	}
	var l struct {
		Name  string `db:"name"`
		Color string `db:"color"`
	}
	e.db.Get(&l, `SELECT name, color FROM labels WHERE id = $1`, id)
	if l.Name != "Defect" || l.Color != "#00aa00" {
		t.Fatalf("label: %+v", l)
	}
	if p := owner.post("/settings/workflow/labels/"+id, url.Values{"name": {"Defect"}, "color": {"#00aa00"}}); p.status != http.StatusSeeOther || p.location != "/settings/workflow#labels" {
		t.Fatalf("plain save: %d %q", p.status, p.location)
	}
	owner.get("/settings/workflow")
	bad := owner.post("/settings/workflow/labels/"+id, url.Values{"name": {" "}, "color": {"#00aa00"}})
	if bad.status != 422 || !bad.has("label-row-error") || !bad.has("sidebar") {
		t.Fatalf("blank rename: %d", bad.status)
	}
	if got := bad.doc.Find(`[data-testid="label-row"] .label-chip__name`).AttrOr("aria-invalid", ""); got != "true" {
		t.Fatalf("row input not marked invalid")
	}

	// Another organization's label is not found; members may not change labels.
	stranger := e.withOrg("Stan", "stan@example.com", "Stranger Co")
	stranger.get("/settings/workflow")
	for _, path := range []string{"/settings/workflow/labels/" + id, "/settings/workflow/labels/" + id + "/delete"} {
		stranger.visit(visit{name: "stranger", method: http.MethodPost, path: path, form: url.Values{"name": {"Mine"}, "color": {"#000000"}}, status: 404})
	}
	mo := e.join(owner, "Mo Member", "mo@example.com", "member")
	mo.get("/settings/workflow")
	mo.visit(visit{name: "member delete", method: http.MethodPost, path: "/settings/workflow/labels/" + id + "/delete", status: 403})

	owner.get("/settings/workflow")
	del := owner.htmx("/settings/workflow/labels/"+id+"/delete", nil)
	if del.status != 200 || del.count("label-row") != 0 || !del.has("empty-state") {
		t.Fatalf("delete: %d", del.status)
	}
}

func TestWorkflowPage_Statuses(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Ada Admin", "ada@example.com", "Flow Co")
	owner.get("/settings/workflow")
	add := func(label, code string, extra url.Values) page {
		v := url.Values{"label": {label}, "code": {code}, "color": {"#f59e0b"}, "on_complete": {"none"}}
		for k, vs := range extra {
			v[k] = vs
		}
		return owner.htmx("/settings/workflow/statuses", v)
	}
	if p := add("In review", "in_review", nil); p.status != 200 || p.count("status-row") != 1 || strings.Contains(p.body, "<html") {
		t.Fatalf("create: %d %s", p.status, p.body)
	}
	if p := add("Blocked", "blocked", url.Values{"is_terminal": {"true"}}); p.status != 200 || p.count("status-row") != 2 {
		t.Fatalf("create second: %d", p.status)
	}
	for code, want := range map[string]string{
		"in_review": "A status with this code already exists.",
		"done":      "This code belongs to a built-in status.",
		"Bad Code":  "Code must be 2 to 50 lowercase letters",
	} {
		p := add("Another", code, nil)
		if p.status != 422 || !strings.Contains(p.text("field-error"), want) {
			t.Fatalf("code %q: %d %q", code, p.status, p.text("field-error"))
		}
		if p.doc.Find(`#status-new-label`).AttrOr("value", "") != "Another" {
			t.Fatalf("create form lost its input")
		}
	}
	review, blocked := e.id(`SELECT id FROM task_statuses WHERE code = $1`, "in_review"), e.id(`SELECT id FROM task_statuses WHERE code = $1`, "blocked")

	// Edit: progress with auto-advance to Done.
	upd := owner.htmx("/settings/workflow/statuses/"+review, url.Values{
		"label": {"In review"}, "color": {"custom"}, "color_custom": {"#0ea5e9"}, "supports_progress": {"true"},
		"progress_editable": {"true"}, "on_complete": {"auto_advance"}, "next_status_code": {"done"},
	})
	if upd.status != 200 || !strings.Contains(upd.text("status-advance"), "Done") {
		t.Fatalf("update: %d %s", upd.status, upd.body)
	}
	var st struct {
		Color      string         `db:"color"`
		Progress   bool           `db:"supports_progress"`
		Editable   bool           `db:"progress_editable"`
		OnComplete string         `db:"on_complete"`
		Next       sql.NullString `db:"next_status_code"`
		Terminal   bool           `db:"is_terminal"`
		Position   int            `db:"position"`
	}
	e.db.Get(&st, `SELECT color, supports_progress, progress_editable, on_complete, next_status_code, is_terminal, position FROM task_statuses WHERE id = $1`, review)
	if st.Color != "#0ea5e9" || !st.Progress || !st.Editable || st.OnComplete != "auto_advance" || st.Next.String != "done" || st.Terminal {
		t.Fatalf("updated status: %+v", st)
	}
	// A status cannot advance to itself: the row opens with the message.
	self := owner.htmx("/settings/workflow/statuses/"+review, url.Values{"label": {"In review"}, "color": {"#0ea5e9"}, "on_complete": {"auto_advance"}, "next_status_code": {"in_review"}})
	row := self.doc.Find(`#status-` + review)
	if self.status != 422 || row.Find("details[open]").Length() != 1 || !strings.Contains(row.Find(`[data-testid="field-error"]`).Text(), "Next status must differ") {
		t.Fatalf("self advance: %d %s", self.status, row.Text())
	}

	// Reorder with the "move down" form of the first row, as rendered.
	page := owner.get("/settings/workflow")
	checkPage(t, "workflow with statuses", page)
	order := pwFormValues(page, `#status-`+review+` [data-testid="status-move-down-form"]`)
	if strings.Join(order["order"], ",") != blocked+","+review {
		t.Fatalf("move-down order %v", order["order"])
	}
	owner.visit(visit{name: "reorder", method: http.MethodPost, htmx: true, path: "/settings/workflow/statuses/reorder", form: order, status: 200})
	e.db.Get(&st.Position, `SELECT position FROM task_statuses WHERE id = $1`, review)
	if st.Position != 1 {
		t.Fatalf("position after move down: %d", st.Position)
	}
	if p := owner.post("/settings/workflow/statuses/reorder", url.Values{"order": {review}}); p.status != 422 || !strings.Contains(p.text("form-error"), "changed while you were reordering") {
		t.Fatalf("stale order: %d", p.status)
	}
	if p := owner.post("/settings/workflow/statuses/reorder", url.Values{"order": {review, blocked}}); p.status != http.StatusSeeOther || p.location != "/settings/workflow#statuses" {
		t.Fatalf("plain reorder: %d %q", p.status, p.location)
	}

	// Members get 403; another organization's statuses are not found.
	mo := e.join(owner, "Mo Member", "mo@example.com", "member")
	mo.get("/settings/workflow")
	mo.visit(visit{name: "member create", method: http.MethodPost, path: "/settings/workflow/statuses", form: url.Values{"label": {"X"}, "code": {"xx"}, "color": {"#000000"}}, status: 403})
	stranger := e.withOrg("Stan", "stan@example.com", "Stranger Co")
	stranger.get("/settings/workflow")
	for _, path := range []string{"/settings/workflow/statuses/" + review, "/settings/workflow/statuses/" + review + "/delete"} {
		stranger.visit(visit{name: "stranger", method: http.MethodPost, path: path, form: url.Values{"label": {"Mine"}, "color": {"#000000"}}, status: 404})
	}

	owner.get("/settings/workflow")
	if !strings.Contains(page.doc.Find(`#status-`+review+` [data-testid="status-delete-form"]`).AttrOr("hx-confirm", ""), "Tasks in this status move to Open") {
		t.Fatal("delete does not warn about the tasks")
	}
	del := owner.htmx("/settings/workflow/statuses/"+blocked+"/delete", nil)
	if del.status != 200 || del.count("status-row") != 1 || !strings.Contains(del.body, "moved to Open") {
		t.Fatalf("delete: %d", del.status)
	}
}

// The page shows each role what the store lets it do: members add labels and see the statuses, and every other
// change is refused with 403, changing nothing.
func TestWorkflowPage_MembersAddLabelsAndSeeTheRestReadOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Ada Admin", "ada@example.com", "Flow Co")
	owner.get("/settings/workflow")
	owner.visit(visit{name: "owner label", method: http.MethodPost, htmx: true, path: "/settings/workflow/labels", form: url.Values{"name": {"Bug"}, "color": {"#ef4444"}}, status: 200})
	owner.visit(visit{name: "owner status", method: http.MethodPost, htmx: true, path: "/settings/workflow/statuses", form: url.Values{"label": {"In review"}, "code": {"in_review"}, "color": {"#f59e0b"}, "on_complete": {"none"}}, status: 200})
	bug, review := e.id(`SELECT id FROM labels WHERE name = $1`, "Bug"), e.id(`SELECT id FROM task_statuses WHERE code = $1`, "in_review")
	if p := owner.get("/settings/workflow"); !p.has("label-edit-form") || !p.has("label-delete-form") || !p.has("status-edit-form") ||
		!p.has("status-create-form") || !p.has("status-delete-form") {
		t.Fatal("the owner lacks the edit controls")
	}

	mo := e.join(owner, "Mo Member", "mo@example.com", "member")
	if nav := mo.get("/"); nav.doc.Find(`nav a[href="/settings/workflow"]`).Length() != 1 {
		t.Error("no navigation link to labels and statuses for a member")
	}
	p := mo.get("/settings/workflow")
	if p.status != 200 || !p.has("label-create-form") || p.count("label-row") != 1 || p.count("status-row") != 1 || p.count("builtin-status") != 4 {
		t.Fatalf("member page: %d labels %d statuses %d", p.status, p.count("label-row"), p.count("status-row"))
	}
	for _, hidden := range []string{"label-edit-form", "label-delete-form", "status-edit-form", "status-delete-form", "status-create-form",
		"status-reorder-form", "status-move-up-form", "status-move-down-form"} {
		if p.has(hidden) {
			t.Errorf("member sees %s", hidden)
		}
	}
	if !strings.Contains(p.text("label-row"), "Bug") || !strings.Contains(p.text("status-row"), "In review") {
		t.Errorf("read-only rows: %q %q", p.text("label-row"), p.text("status-row"))
	}
	checkPage(t, "member workflow", p)

	made := mo.htmx("/settings/workflow/labels", url.Values{"name": {"Design"}, "color": {"#22C55E"}})
	if made.status != 200 || made.count("label-row") != 2 || made.has("label-edit-form") || !strings.Contains(made.body, "Label “Design” created.") {
		t.Fatalf("member creates a label: %d %s", made.status, made.body)
	}
	for i, r := range []page{
		mo.post("/settings/workflow/labels/"+bug, url.Values{"name": {"Renamed"}, "color": {"#000000"}}),
		mo.htmx("/settings/workflow/labels/"+bug, url.Values{"name": {"Renamed"}, "color": {"#000000"}}),
		mo.post("/settings/workflow/labels/"+bug+"/delete", nil),
		mo.post("/settings/workflow/statuses", url.Values{"label": {"X"}, "code": {"xx"}, "color": {"#000000"}}),
		mo.post("/settings/workflow/statuses/"+review, url.Values{"label": {"Renamed"}, "color": {"#000000"}, "on_complete": {"none"}}),
		mo.post("/settings/workflow/statuses/reorder", url.Values{"order": {review}}),
		mo.post("/settings/workflow/statuses/"+review+"/delete", nil),
	} {
		if r.status != 403 {
			t.Errorf("member change %d: %d", i, r.status)
		}
	}
	var labels, statuses int
	e.db.Get(&labels, `SELECT count(*) FROM labels WHERE name IN ('Bug', 'Design')`)
	e.db.Get(&statuses, `SELECT count(*) FROM task_statuses WHERE code = 'in_review' AND label = 'In review'`)
	if labels != 2 || statuses != 1 {
		t.Errorf("member changed data: labels %d statuses %d", labels, statuses)
	}
}
