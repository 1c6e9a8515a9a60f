package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTimer_StartFromTheHeaderTickAndStop(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	home := tt.owner.get("/")
	if !home.has("timer-start-button") || home.doc.Find(`script[src^="/static/js/timer.js"]`).Length() != 1 {
		t.Fatalf("every page has the stopped timer and its script")
	}

	form := htmxGet(tt.owner, "/timer/form")
	if !form.has("timer-form") || form.doc.Find(`#timer-project option[value="`+tt.project.ID+`"]`).Length() != 1 {
		t.Fatalf("popover form: %s", form.body)
	}
	if form.doc.Find(`#timer-project option[value="`+tt.other.ID+`"]`).Length() != 0 {
		t.Errorf("another organization's project is offered")
	}
	tasks := htmxGet(tt.owner, "/time/tasks?target=timer-task&project_id="+tt.project.ID)
	if got := tasks.doc.Find(`select#timer-task option[value="` + tt.projectTask.ID + `"]`).Text(); got != "Landing page" {
		t.Errorf("tasks of the project: %s", tasks.body)
	}
	tt.owner.visit(visit{name: "a target that is not an id", htmx: true, path: "/time/tasks?target=%3Cscript%3E&project_id=" + tt.project.ID, status: http.StatusBadRequest})

	start := url.Values{"project_id": {tt.project.ID}, "task_id": {tt.projectTask.ID}, "description": {"Wireframes"}, "billable_set": {"1"}}
	p := tt.owner.htmx("/timer/start", start)
	if p.status != http.StatusNoContent {
		t.Fatalf("start: %d %s", p.status, p.body)
	}
	if got := p.header.Get("HX-Trigger"); !strings.Contains(got, "timer-changed") || !strings.Contains(got, "timer-refresh") {
		t.Errorf("start triggers %q", got)
	}
	var billable bool
	tt.e.db.Get(&billable, `SELECT billable FROM time_entries WHERE description = 'Wireframes'`)
	if billable {
		t.Errorf("the popover's unchecked billable switch is kept")
	}

	// Every page now shows the running timer, ticking from its start.
	home = tt.owner.get("/projects")
	if !home.has("timer-running") || home.text("timer-label") != "Wireframes" {
		t.Fatalf("running timer: %s", home.doc.Find("#timer").Text())
	}
	el := home.doc.Find(`[data-testid="timer-elapsed"]`)
	if el.AttrOr("data-started-at", "") == "" || el.AttrOr("role", "") != "timer" || !strings.HasPrefix(el.Text(), "0:00:") {
		t.Errorf("elapsed %q %v", el.Text(), el.Nodes[0].Attr)
	}
	if !strings.Contains(home.doc.Find(`[data-testid="timer-info"]`).AttrOr("title", ""), "Landing page · Website") {
		t.Errorf("the timer names its task and project: %q", home.doc.Find(`[data-testid="timer-info"]`).AttrOr("title", ""))
	}
	if frag := htmxGet(tt.owner, "/timer"); frag.text("timer-label") != "Wireframes" || frag.has("sidebar") {
		t.Errorf("GET /timer answers the fragment: %s", frag.body)
	}

	// A second timer is refused in place.
	p = tt.owner.htmx("/timer/start", url.Values{"description": {"Another"}})
	if p.status != http.StatusConflict || !strings.Contains(p.text("form-error"), "A timer is already running") || !p.has("timer-show-running") {
		t.Errorf("second start: %d %s", p.status, p.body)
	}

	var id string
	tt.e.db.Get(&id, `SELECT id FROM time_entries WHERE description = 'Wireframes'`)
	// Another organization's user cannot stop it.
	tt.otherB.get("/")
	tt.otherB.visit(visit{name: "stop from another organization", method: http.MethodPost, htmx: true, path: "/timer/stop", form: url.Values{"id": {id}}, status: http.StatusNotFound})
	p = tt.owner.htmx("/timer/stop", url.Values{"id": {id}})
	if p.status != http.StatusOK || !p.has("timer-start-button") || p.header.Get("HX-Trigger") != "timer-changed" {
		t.Fatalf("stop: %d %q %s", p.status, p.header.Get("HX-Trigger"), p.body)
	}
	// Stopping again (another tab) just refreshes.
	if p := tt.owner.htmx("/timer/stop", url.Values{"id": {id}}); p.status != http.StatusNoContent || !strings.Contains(p.header.Get("HX-Trigger"), "timer-refresh") {
		t.Errorf("second stop: %d %q", p.status, p.header.Get("HX-Trigger"))
	}
	page := tt.owner.get("/time")
	if got := page.texts("time-entry-description"); len(got) != 1 || got[0] != "Wireframes" {
		t.Errorf("the stopped entry on /time: %q", got)
	}
}

func TestTimer_StartRefusalsShownInPlace(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	tt.owner.get("/")
	p := tt.owner.htmx("/timer/start", url.Values{"project_id": {tt.other.ID}})
	if p.status != http.StatusUnprocessableEntity || p.fieldError("timer-project") != "Choose a project you are a member of." {
		t.Errorf("another organization's project: %d %s", p.status, p.body)
	}
	if p.doc.Find(`[hx-swap-oob="true"]#timer-task-error`).Length() != 1 {
		t.Errorf("the other slots are emptied out of band")
	}
	p = tt.owner.htmx("/timer/start", url.Values{"project_id": {tt.project.ID}, "description": {strings.Repeat("x", 10001)}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.fieldError("timer-description"), "at most 10000") {
		t.Errorf("long description: %d %s", p.status, p.body)
	}
	// Without JavaScript: back where the form was, with a flash.
	p = tt.owner.post("/timer/start", url.Values{"description": {"No JS"}, "return_to": {"/projects"}})
	if p.status != http.StatusSeeOther || p.location != "/projects" {
		t.Errorf("plain start: %d %q", p.status, p.location)
	}
	p = tt.owner.post("/timer/start", url.Values{"description": {"again"}, "return_to": {"https://evil.example/"}})
	if p.status != http.StatusSeeOther || p.location != "/time" {
		t.Errorf("a foreign return_to is ignored: %q", p.location)
	}
	if got := tt.owner.get("/time").text("flashes"); !strings.Contains(got, "already running") {
		t.Errorf("flash: %q", got)
	}
}

func TestTaskTimerButton_StartsAndStopsOnTheTask(t *testing.T) {
	t.Parallel()
	tt := newTimeTeam(t)
	tt.member.get("/")
	path := "/timer/task-button?task_id=" + tt.projectTask.ID + "&project_id=" + tt.project.ID
	b := htmxGet(tt.member, path)
	if !b.has("task-timer-start") || b.doc.Find(`input[name="task_id"][value="`+tt.projectTask.ID+`"]`).Length() != 1 {
		t.Fatalf("button: %s", b.body)
	}
	if !strings.Contains(b.doc.Find(`[data-testid="task-timer"]`).AttrOr("hx-trigger", ""), "timer-changed from:body") {
		t.Errorf("the button follows the timer")
	}
	p := tt.member.htmx("/timer/start", url.Values{"source": {"task"}, "task_id": {tt.projectTask.ID}, "project_id": {tt.project.ID}})
	if p.status != http.StatusNoContent {
		t.Fatalf("start on the task: %d %s", p.status, p.body)
	}
	if b := htmxGet(tt.member, path); !b.has("task-timer-stop") {
		t.Errorf("the button stops the task's timer: %s", b.body)
	}
	// The header names the task (its project is the task's, its billable flag the project's).
	if got := tt.member.get("/").text("timer-label"); got != "Landing page" {
		t.Errorf("timer label %q", got)
	}
	p = tt.member.htmx("/timer/start", url.Values{"source": {"task"}, "task_id": {tt.projectTask.ID}})
	if p.status != http.StatusConflict || !p.has("flash") {
		t.Errorf("a second start from the panel answers a flash: %d %s", p.status, p.body)
	}
	p = tt.member.htmx("/timer/stop", url.Values{"source": {"task"}})
	if p.status != http.StatusNoContent || !strings.Contains(p.header.Get("HX-Trigger"), "timer-changed") {
		t.Fatalf("stop from the panel: %d %s", p.status, p.body)
	}
	if b := htmxGet(tt.member, path); !b.has("task-timer-start") {
		t.Errorf("stopped: %s", b.body)
	}
	var running int
	tt.e.db.Get(&running, `SELECT count(*) FROM time_entries WHERE stopped_at IS NULL`)
	if running != 0 {
		t.Errorf("%d timers still run", running)
	}
}
