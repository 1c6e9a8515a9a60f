package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// newTaskPage shows the quick-create form: the dialog's content for htmx, a page of its own without JavaScript.
func (h *Handlers) newTaskPage(c echo.Context) error {
	f := views.NewTaskForm{ProjectID: c.QueryParam("project"), Status: c.QueryParam("status")}
	return h.renderNewTask(c, http.StatusOK, f)
}

// newTask creates a task through CreateTask and opens its panel; refused input shows the form again with the
// messages in place (422). A project the actor cannot add tasks to is a message on the project field.
func (h *Handlers) newTask(c echo.Context) error {
	f := views.NewTaskForm{Title: c.FormValue("title"), ProjectID: c.FormValue("project_id"), Status: c.FormValue("status"),
		AssigneeID: c.FormValue("assignee_id"), DueDate: strings.TrimSpace(c.FormValue("due_date"))}
	in := store.TaskInput{ProjectID: f.ProjectID, Title: f.Title, Status: f.Status}
	if f.AssigneeID != "" {
		in.AssigneeID = &f.AssigneeID
	}
	if f.DueDate != "" {
		in.DueDate = &f.DueDate
	}
	t, err := h.store.CreateTask(c.Request().Context(), currentActor(c), in)
	if err == nil {
		h.flash(c, "success", "Task "+t.Reference+" created.")
		return redirect(c, views.TaskDeepLink(t.ID))
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrForbidden) {
		// The store does not say which projects exist elsewhere; the form only offers the actor's own.
		f.Errors = map[string]string{"project_id": "Choose one of the projects you can add tasks to."}
	} else if f.Errors, f.Error, err = formErrors(err, newTaskLabels); err != nil {
		return err
	}
	return h.renderNewTask(c, http.StatusUnprocessableEntity, f)
}

var newTaskLabels = map[string]string{"title": "Title", "project_id": "Project", "status": "Status",
	"assignee_id": "Assignee", "due_date": "Due date"}

func (h *Handlers) renderNewTask(c echo.Context, status int, f views.NewTaskForm) error {
	pg, err := h.store.NewTaskPage(c.Request().Context(), currentActor(c))
	if err != nil {
		return err
	}
	for _, p := range pg.Projects {
		f.Projects = append(f.Projects, views.Option{Value: p.ID, Label: p.Name})
	}
	f.Statuses = statusOptions(pg.Statuses)
	for _, m := range pg.Members {
		if m.UserID != nil {
			f.Members = append(f.Members, views.TaskPerson{ID: *m.UserID, Name: orName(m.Name, m.Email)})
		}
	}
	if isHTMX(c) {
		return render(c, status, views.NewTaskFormFragment(csrfToken(c), f))
	}
	p, err := h.page(c, "New task", views.NavTasks)
	if err != nil {
		return err
	}
	return render(c, status, views.NewTaskPage(p, f))
}
