package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// The timer of the top bar: its fragment, the start popover's form, start and stop, and the task panel's button.

func (h *Handlers) mountTimer(g *router) {
	g.GET("/timer", h.timerControl, h.requireOrg)
	g.GET("/timer/form", h.timerForm, h.requireOrg)
	g.POST("/timer/start", h.startTimer, h.requireOrg)
	g.POST("/timer/stop", h.stopTimer, h.requireOrg)
	g.GET("/timer/task-button", h.taskTimerButton, h.requireOrg)
}

// timerView is the top bar's timer for a running entry, or the stopped timer for nil.
func (h *Handlers) timerView(t *store.TimeLine, csrf string) views.TimerView {
	v := views.TimerView{CSRFToken: csrf, Now: h.now()}
	if t == nil {
		return v
	}
	v.Running, v.EntryID, v.StartedAt, v.Description = true, t.ID, t.StartedAt, t.Description
	v.ProjectName, v.ProjectColor, v.TaskTitle = deref(t.ProjectName), deref(t.ProjectColor), deref(t.TaskTitle)
	return v
}

// timerControl answers GET /timer: the #timer fragment, for the timer-refresh event.
func (h *Handlers) timerControl(c echo.Context) error {
	t, err := h.store.RunningTimerLine(c.Request().Context(), currentActor(c))
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, "/time")
	}
	return render(c, http.StatusOK, views.TimerControl(h.timerView(t, csrfToken(c))))
}

// startedTimerControl answers the popover's start with the running timer, swapped in place of #timer, rather than
// a 204 after which the top bar would ask for it.
func (h *Handlers) startedTimerControl(c echo.Context) error {
	t, err := h.store.RunningTimerLine(c.Request().Context(), currentActor(c))
	if err != nil {
		return err
	}
	timerTriggers(c, false)
	c.Response().Header().Set("HX-Retarget", "#timer")
	c.Response().Header().Set("HX-Reswap", "outerHTML")
	return render(c, http.StatusOK, views.TimerControl(h.timerView(t, csrfToken(c))))
}

// timerForm answers GET /timer/form: the popover's form with the active projects the user can see.
func (h *Handlers) timerForm(c echo.Context) error {
	projects, err := h.store.TimerProjects(c.Request().Context(), currentActor(c))
	if err != nil {
		return err
	}
	f := views.TimerForm{CSRFToken: csrfToken(c), Billable: true, Projects: timeProjectOptions(projects)}
	return render(c, http.StatusOK, views.TimerStartForm(f))
}

// timerTriggers are the events a started or stopped timer sends: the page's lists reload, and so does the top
// bar's timer unless the answer is that timer itself.
func timerTriggers(c echo.Context, refreshTopBar bool) {
	events := views.EventTimerChanged
	if refreshTopBar {
		events += ", " + views.EventTimerRefresh
	}
	c.Response().Header().Set("HX-Trigger", events)
}

// startTimer answers POST /timer/start from the popover or the task panel. Success is 204 with the events that
// reload the top bar and the lists; a refusal is shown in the popover (409 and 422 are swapped there), or as a
// message for the task panel's button.
func (h *Handlers) startTimer(c echo.Context) error {
	in := store.StartTimerInput{}
	if p := strings.TrimSpace(c.FormValue("project_id")); p != "" {
		in.ProjectID = &p
	}
	if t := strings.TrimSpace(c.FormValue("task_id")); t != "" {
		in.TaskID = &t
	}
	if d := c.FormValue("description"); d != "" {
		in.Description = &d
	}
	if c.FormValue("billable_set") != "" {
		b := c.FormValue("billable") == "true"
		in.Billable = &b
	}
	_, err := h.store.StartTimer(c.Request().Context(), currentActor(c), in)
	if err == nil {
		if !isHTMX(c) {
			return c.Redirect(http.StatusSeeOther, backTo(c, "/time"))
		}
		if c.FormValue("answer") == views.TimerAnswerControl {
			return h.startedTimerControl(c)
		}
		timerTriggers(c, true)
		return c.NoContent(http.StatusNoContent)
	}
	errs, msg, err := formErrorsAsIs(err)
	if err != nil {
		return err
	}
	status := http.StatusUnprocessableEntity
	if msg != "" {
		status = http.StatusConflict
	}
	fields, msg := timeFormMessages(errs, msg, nil)
	if !isHTMX(c) {
		h.flash(c, views.FlashError, firstMessage(fields, msg))
		return c.Redirect(http.StatusSeeOther, backTo(c, "/time"))
	}
	if c.FormValue("source") == "task" {
		// The task panel's button has no message slot: the message shows as a flash (app.js).
		return render(c, status, views.FlashesOOB([]views.Flash{{Kind: views.FlashError, Text: firstMessage(fields, msg)}}))
	}
	if status == http.StatusConflict {
		return render(c, status, views.TimerConflict(msg))
	}
	return render(c, status, views.TimeFormErrors("timer", views.TimerFormFields, fields, msg))
}

// stopTimer answers POST /timer/stop: the entry named by id, or without one (the task panel) the running timer.
// From the top bar it answers the stopped timer, which replaces the running one.
func (h *Handlers) stopTimer(c echo.Context) error {
	ctx, a := c.Request().Context(), currentActor(c)
	var err error
	if id := c.FormValue("id"); id != "" {
		_, err = h.store.StopTimer(ctx, a, id)
	} else {
		_, err = h.store.StopRunningTimer(ctx, a)
	}
	switch {
	case errors.Is(err, store.ErrConflict):
		// Stopped meanwhile (another tab, the API): show what is true now.
		if !isHTMX(c) {
			return c.Redirect(http.StatusSeeOther, backTo(c, "/time"))
		}
		timerTriggers(c, true)
		return c.NoContent(http.StatusNoContent)
	case err != nil:
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, backTo(c, "/time"))
	}
	if c.FormValue("source") == "task" {
		timerTriggers(c, true)
		return c.NoContent(http.StatusNoContent)
	}
	timerTriggers(c, false)
	return render(c, http.StatusOK, views.TimerControl(h.timerView(nil, csrfToken(c))))
}

// taskTimerButton answers GET /timer/task-button?task_id=&project_id=: the task panel's button, running when the
// user's timer tracks that task.
func (h *Handlers) taskTimerButton(c echo.Context) error {
	t, err := h.store.RunningTimer(c.Request().Context(), currentActor(c))
	if err != nil {
		return err
	}
	taskID := c.QueryParam("task_id")
	running := t != nil && t.TaskID != nil && *t.TaskID == taskID
	return render(c, http.StatusOK, views.TaskTimerButton(taskID, c.QueryParam("project_id"), running))
}

// backTo is the local page a form without JavaScript came from (its Referer, when it is this site), else fallback.
func backTo(c echo.Context, fallback string) string {
	if to := safeNext(c.FormValue("return_to")); to != "" {
		return to
	}
	ref, err := url.Parse(c.Request().Referer())
	if err != nil || ref.Host != c.Request().Host || ref.Path == "" {
		return fallback
	}
	if to := safeNext(ref.RequestURI()); to != "" {
		return to
	}
	return fallback
}
