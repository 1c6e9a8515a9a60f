package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// The milestones of a project's timeline: the list under the chart adds, edits and deletes them; gantt.js moves
// one by dragging its flag (POST /gantt/milestones/:id/date, like the bars).
func (h *Handlers) mountMilestones(g *router) {
	g.POST("/projects/:id/milestones", h.createMilestone, h.requireOrg)
	g.POST("/milestones/:id", h.updateMilestone, h.requireOrg)
	g.POST("/milestones/:id/delete", h.deleteMilestone, h.requireOrg)
	g.POST("/gantt/milestones/:id/date", h.ganttMoveMilestone, h.requireOrg)
}

var milestoneLabels = map[string]string{"title": "Name", "target_date": "Date", "color": "Color", "description": "Description"}

// milestoneForm reads the form; every field is sent, so an emptied description clears it.
func milestoneForm(c echo.Context) (views.MilestoneForm, store.MilestoneInput) {
	f := views.MilestoneForm{Title: c.FormValue("title"), Date: c.FormValue("target_date"),
		Color: c.FormValue("color"), Description: c.FormValue("description")}
	in := store.MilestoneInput{Title: &f.Title, TargetDate: &f.Date, Description: &f.Description, SetDescription: true}
	if f.Color != "" {
		in.Color = &f.Color
	}
	return f, in
}

func (h *Handlers) createMilestone(c echo.Context) error {
	projectID := c.Param("id")
	f, in := milestoneForm(c)
	f.ProjectID = projectID
	_, err := h.store.CreateMilestone(c.Request().Context(), currentActor(c), projectID, in)
	return h.milestoneResult(c, projectID, f, err)
}

// updateMilestone saves the edit form. The form names the project to go back to (project_id), so that a refused
// edit needs no read of the milestone; the page shown is the store's answer for that project, whatever is sent.
func (h *Handlers) updateMilestone(c echo.Context) error {
	f, in := milestoneForm(c)
	f.ID, f.ProjectID = c.Param("id"), c.FormValue("project_id")
	_, err := h.store.UpdateMilestone(c.Request().Context(), currentActor(c), f.ID, in)
	return h.milestoneResult(c, f.ProjectID, f, err)
}

func (h *Handlers) deleteMilestone(c echo.Context) error {
	if err := h.store.DeleteMilestone(c.Request().Context(), currentActor(c), c.Param("id")); err != nil {
		return err
	}
	return redirect(c, timelinePath(c.FormValue("project_id")))
}

// timelinePath is the milestones of a project's timeline; an id that is no project's gets a 404 there.
func timelinePath(projectID string) string {
	return "/projects/" + url.PathEscape(projectID) + "/gantt#milestones"
}

// milestoneResult answers a milestone form: back to the timeline, or the form again with its errors (422); a
// refused form sent without htmx gets the page with the form open.
func (h *Handlers) milestoneResult(c echo.Context, projectID string, f views.MilestoneForm, err error) error {
	if err == nil {
		return redirect(c, timelinePath(projectID))
	}
	fields, msg, err := formErrors(err, milestoneLabels)
	if err != nil {
		return err
	}
	f.Errors, f.Error = fields, msg
	if f.Errors == nil {
		f.Errors = map[string]string{}
	}
	if isHTMX(c) {
		return render(c, http.StatusUnprocessableEntity, views.MilestoneFormFragment(csrfToken(c), f))
	}
	g, err := h.store.GanttPage(c.Request().Context(), currentActor(c), projectID, 0)
	if err != nil {
		return err
	}
	v := views.BuildGantt(ganttPageInput(g, projectID, views.GanttZoomWeek))
	p, err := h.page(c, v.ProjectName+" · Milestones", views.NavProjects)
	if err != nil {
		return err
	}
	return render(c, http.StatusUnprocessableEntity, views.GanttMilestonePage(p, v, f))
}

// ganttMoveMilestone changes a milestone's date from its dragged flag (gantt.js), through UpdateMilestone. It
// answers JSON like ganttMoveTask: the new date, or 422/403/404 with a message shown as the flag snaps back.
func (h *Handlers) ganttMoveMilestone(c echo.Context) error {
	date := c.FormValue("target_date")
	if date == "" {
		return c.JSON(http.StatusUnprocessableEntity, ganttMilestoneDate{Error: "Nothing to change: send target_date."})
	}
	m, err := h.store.UpdateMilestone(c.Request().Context(), currentActor(c), c.Param("id"), store.MilestoneInput{TargetDate: &date})
	if err != nil {
		se := store.ErrorOf(err)
		switch {
		case se == nil:
		case se.Kind == store.ErrInvalid:
			return c.JSON(http.StatusUnprocessableEntity, ganttMilestoneDate{Error: formSentence(se.Message, milestoneLabels), Fields: se.Fields})
		case se.Kind == store.ErrForbidden && se.Message != "":
			return c.JSON(http.StatusForbidden, ganttMilestoneDate{Error: "You can't move this milestone: " + se.Message + "."})
		case se.Kind == store.ErrNotFound:
			return c.JSON(http.StatusNotFound, ganttMilestoneDate{Error: "This milestone no longer exists. Reload the page to see the latest plan."})
		}
		return err
	}
	return c.JSON(http.StatusOK, ganttMilestoneDate{ID: m.ID, TargetDate: m.TargetDate})
}

type ganttMilestoneDate struct {
	ID         string            `json:"id,omitempty"`
	TargetDate string            `json:"target_date,omitempty"`
	Error      string            `json:"error,omitempty"`
	Fields     map[string]string `json:"fields,omitempty"`
}
