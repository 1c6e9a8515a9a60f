package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountGantt(g *router) {
	g.GET("/gantt", h.ganttPage, h.requireOrg)
	g.GET("/projects/:id/gantt", h.ganttPage, h.requireOrg)
	g.POST("/gantt/tasks/:id/dates", h.ganttMoveTask, h.requireOrg)
}

// ganttPage serves the timeline of every project (/gantt) or of one (/projects/:id/gantt). The zoom control
// swaps the chart with htmx, which gets only the chart.
func (h *Handlers) ganttPage(c echo.Context) error {
	ctx := c.Request().Context()
	projectID := c.Param("id")
	rows, _ := strconv.Atoi(c.QueryParam("rows")) // anything else: the first rows, as an unknown zoom is the week
	g, err := h.store.GanttPage(ctx, currentActor(c), projectID, rows)
	if err != nil {
		return err
	}
	in := ganttPageInput(g, projectID, views.GanttZoom(c.QueryParam("zoom")))
	// The date window, as gantt.js asks for it; a date that does not parse is the default window, like the zoom.
	in.From, in.To, in.At = ganttDay(c.QueryParam("from")), ganttDay(c.QueryParam("to")), ganttDay(c.QueryParam("at"))
	v := views.BuildGantt(in)
	if isHTMX(c) {
		return render(c, http.StatusOK, views.GanttChart(v))
	}
	title, nav := "Timeline", views.NavGantt
	if projectID != "" {
		title, nav = v.ProjectName+" · Timeline", views.NavProjects
	}
	p, err := h.page(c, title, nav)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.GanttPage(p, v))
}

// ganttPageInput translates the store's window of the timeline into the view's input, with its totals.
func ganttPageInput(g store.GanttPage, projectID, zoom string) views.GanttInput {
	in := ganttInput(g.Gantt, projectID, zoom)
	in.RowStart = g.RowStart
	in.Totals = &views.GanttTotals{Scheduled: g.Scheduled, SectionTasks: g.SectionTasks, Unscheduled: g.Unscheduled}
	return in
}

// ganttInput translates the store's timeline into the view's plain input.
func ganttInput(g store.Gantt, projectID, zoom string) views.GanttInput {
	in := views.GanttInput{ProjectID: projectID, Zoom: zoom, Today: g.Today.Time}
	for _, p := range g.Projects {
		in.Projects = append(in.Projects, views.GanttProjectInput{ID: p.ID, Name: p.Name, Color: p.Color, CanManage: p.CanManage})
		if p.ID == projectID {
			in.ProjectName = p.Name
		}
	}
	for _, gr := range g.Groups {
		in.Groups = append(in.Groups, views.GanttGroupInput{ID: gr.ID, ProjectID: gr.ProjectID, Name: gr.Name})
	}
	day := func(d *store.Date) *time.Time {
		if d == nil {
			return nil
		}
		t := d.Time
		return &t
	}
	for _, t := range g.Tasks {
		in.Tasks = append(in.Tasks, views.GanttTaskInput{ID: t.ID, ProjectID: t.ProjectID, GroupID: t.GroupID, Title: t.Title,
			Status: t.Status, AssigneeName: deref(t.AssigneeName), Start: day(t.StartDate), Due: day(t.DueDate),
			Progress: t.Progress, Completed: t.Completed})
	}
	for _, m := range g.Milestones {
		d, err := store.ParseDate(m.TargetDate)
		if err != nil {
			continue
		}
		in.Milestones = append(in.Milestones, views.GanttMilestoneInput{ID: m.ID, ProjectID: m.ProjectID, Title: m.Title,
			Color: m.Color, Description: deref(m.Description), Date: d.Time})
	}
	for _, d := range g.Dependencies {
		// Stored canonically as "task_id is blocked by depends_on_id": the arrow runs from the blocker.
		in.Links = append(in.Links, views.GanttLinkInput{From: d.DependsOnID, To: d.TaskID})
	}
	return in
}

// ganttDates is the answer to a drop: the task's dates after the change, or why it was refused.
type ganttDates struct {
	ID        string            `json:"id,omitempty"`
	StartDate *string           `json:"start_date"`
	DueDate   *string           `json:"due_date"`
	Error     string            `json:"error,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"`
}

// ganttMoveTask changes a task's dates from a dragged bar (gantt.js): start_date and/or due_date, each only
// when sent, through the same UpdateTask as every other edit. It answers JSON: the new dates, or 422/403/404
// with a message gantt.js shows beside the bar as it snaps back.
func (h *Handlers) ganttMoveTask(c echo.Context) error {
	var patch store.TaskPatch
	form, err := c.FormParams()
	if err != nil {
		return c.JSON(http.StatusBadRequest, ganttDates{Error: "The change could not be read. Reload the page and try again."})
	}
	for field, dst := range map[string]*store.Clearable[string]{"start_date": &patch.StartDate, "due_date": &patch.DueDate} {
		if v, ok := form[field]; ok && len(v) > 0 && v[0] != "" {
			val := v[0]
			*dst = store.Clearable[string]{Set: true, Value: &val}
		}
	}
	if !patch.StartDate.Set && !patch.DueDate.Set {
		return c.JSON(http.StatusUnprocessableEntity, ganttDates{Error: "Nothing to change: send start_date or due_date."})
	}
	t, err := h.store.UpdateTask(c.Request().Context(), currentActor(c), c.Param("id"), patch)
	if err != nil {
		se := store.ErrorOf(err)
		switch {
		case se == nil:
		case se.Kind == store.ErrInvalid:
			return c.JSON(http.StatusUnprocessableEntity, ganttDates{Error: ganttMessage(se.Message), Fields: se.Fields})
		case se.Kind == store.ErrForbidden && se.Message != "":
			return c.JSON(http.StatusForbidden, ganttDates{Error: "You can't reschedule this task: " + se.Message + "."})
		case se.Kind == store.ErrNotFound:
			return c.JSON(http.StatusNotFound, ganttDates{Error: "This task no longer exists. Reload the page to see the latest plan."})
		}
		return err
	}
	out := ganttDates{ID: t.ID}
	if t.StartDate != nil {
		s := t.StartDate.String()
		out.StartDate = &s
	}
	if t.DueDate != nil {
		s := t.DueDate.String()
		out.DueDate = &s
	}
	return c.JSON(http.StatusOK, out)
}

// ganttMessage words a validation message of the dates for people: "start_date must be on or before due_date"
// reads "The start date must be on or before the due date."
func ganttMessage(msg string) string {
	msg = strings.NewReplacer("start_date", "the start date", "due_date", "the due date").Replace(msg)
	return sentence(msg)
}

// ganttDay reads a date URL parameter of the timeline; the zero time when it is missing or not a date.
func ganttDay(s string) time.Time {
	d, err := store.ParseDate(s)
	if err != nil {
		return time.Time{}
	}
	return d.Time
}
