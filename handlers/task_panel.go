package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
	"github.com/trcr/trcr/views"
	"github.com/trcr/trcr/views/markdown"
)

// The task panel: a drawer showing one task, opened with htmx into #task-panel from any page, or rendered open by
// the tasks page for /tasks?task={id}. Each form in it makes one store call and answers with its section of the
// panel re-rendered (plain forms get redirected back to the deep link, or the page with the messages).

func (h *Handlers) mountTaskPanel(g *router) {
	g.GET("/tasks/:id/panel", h.taskPanel, h.requireOrg)
	g.POST("/tasks/:id/update", h.updateTaskField, h.requireOrg)
	g.POST("/tasks/:id/description/preview", h.previewDescription, h.requireOrg)
	g.POST("/tasks/:id/labels/:label/toggle", h.toggleTaskLabel, h.requireOrg)
	g.POST("/tasks/:id/comments", h.addComment, h.requireOrg)
	g.POST("/tasks/:id/comments/:comment/delete", h.deleteComment, h.requireOrg)
	g.POST("/tasks/:id/checklist", h.addChecklistItem, h.requireOrg)
	g.POST("/tasks/:id/checklist/:item/toggle", h.toggleChecklistItem, h.requireOrg)
	g.POST("/tasks/:id/checklist/:item/delete", h.deleteChecklistItem, h.requireOrg)
	g.GET("/tasks/:id/dependencies/search", h.searchDependencies, h.requireOrg)
	g.POST("/tasks/:id/dependencies", h.addDependency, h.requireOrg)
	g.POST("/tasks/:id/dependencies/:dep/delete", h.deleteDependency, h.requireOrg)
	g.POST("/tasks/:id/recurrence", h.saveRecurrence, h.requireOrg)
	g.POST("/tasks/:id/recurrence/delete", h.deleteRecurrence, h.requireOrg)
	g.POST("/tasks/:id/delete", h.deleteTask, h.requireOrg)
}

// panelView turns the store's task detail into the panel's view model.
func (h *Handlers) panelView(c echo.Context, d store.TaskDetail) views.TaskPanelView {
	t := d.Task
	completed := t.CompletedAt != nil
	v := views.TaskPanelView{
		CSRFToken: csrfToken(c), ID: t.ID, Reference: t.Reference, Title: t.Title, Description: t.Description,
		ProjectID: d.Project.ID, ProjectName: d.Project.Name, ProjectColor: d.Project.Color,
		Status: t.Status, Statuses: statusOptions(d.Statuses), Completed: completed, Priority: t.Priority,
		AssigneeID: deref(t.AssigneeID), StartDate: dateString(t.StartDate), DueDate: dateString(t.DueDate),
		Due: views.MakeDue(dateString(t.DueDate), h.today(c), completed), Progress: t.Progress, GroupID: t.GroupID,
		ReporterName: d.ReporterName, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
		CanManage: d.CanManage, CanWorkflow: d.CanChangeWorkflow(), CloseURL: "/tasks", Now: h.now(),
		TimerRunning: d.TimerRunning, LazyOptions: isHTMX(c),
	}
	v.Development = developmentView(t.Reference, d.Development)
	if t.EstimatedHours != nil {
		v.Estimate = strconv.FormatFloat(*t.EstimatedHours, 'f', -1, 64)
	}
	if t.Complexity != nil {
		v.Complexity = strconv.Itoa(*t.Complexity)
	}
	people := map[string]views.TaskPerson{}
	for _, m := range d.Members {
		p := personView(m)
		people[p.ID] = p
		v.Members = append(v.Members, p)
	}
	if t.AssigneeID != nil {
		if _, ok := people[*t.AssigneeID]; !ok {
			// A former member still assigned: keep them selectable so saving another field does not unassign.
			v.Members = append(v.Members, views.TaskPerson{ID: *t.AssigneeID, Name: "Former member"})
		}
	}
	for _, g := range d.Groups {
		v.Groups = append(v.Groups, views.Option{Value: g.ID, Label: g.Name})
	}
	on := map[string]bool{}
	for _, id := range t.LabelIDs {
		on[id] = true
	}
	for _, l := range d.Labels {
		v.Labels = append(v.Labels, views.TaskLabel{ID: l.ID, Name: l.Name, Color: l.Color, On: on[l.ID]})
	}
	for _, cm := range d.Comments {
		author := views.TaskPerson{Name: cm.UserName, Initials: initials(cm.UserName, "")}
		if cm.UserID != nil {
			if p, ok := people[*cm.UserID]; ok {
				author = p
			}
		}
		v.Comments = append(v.Comments, views.CommentView{ID: cm.ID, Author: author, Body: cm.Body, At: cm.CreatedAt,
			CanDelete: d.CanDeleteComment(cm), Files: postFileViews(cm.Attachments)})
	}
	v.Attachments, v.MaxFileSize = attachmentViews(d), d.MaxFileSize
	for _, it := range d.Checklist {
		v.Checklist = append(v.Checklist, views.ChecklistItemView{ID: it.ID, Title: it.Title, Done: it.Completed})
	}
	for _, dep := range d.Dependencies {
		dv := views.DependencyView{ID: dep.ID, TaskID: dep.DependsOn.ID, Title: dep.DependsOn.Title, Status: dep.DependsOn.Status,
			Completed: d.IsCompletedStatus(dep.DependsOn.Status)}
		if dep.DependencyType == store.DependencyBlocks {
			v.Blocks = append(v.Blocks, dv)
		} else {
			v.BlockedBy = append(v.BlockedBy, dv)
		}
	}
	if r := d.Recurrence; r != nil {
		v.Recurrence = &views.RecurrenceView{ID: r.ID, Pattern: r.RecurrencePattern, NextDue: deref(r.NextDueDate)}
		v.PatternDraft = recurrenceChoice(r.RecurrencePattern)
		if v.PatternDraft == "custom" {
			v.CronDraft = r.RecurrencePattern
		}
	}
	return v
}

// localURL is the path and query of a URL of this site (htmx sends the page's address in HX-Current-URL), or "".
func localURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	if u.RawQuery != "" {
		return u.Path + "?" + u.RawQuery
	}
	return u.Path
}

// recurrenceChoice maps a stored pattern to the form's select value: a named pattern, or custom (cron).
func recurrenceChoice(pattern string) string {
	if pattern == "" || vocab.RecurrencePatterns.Has(pattern) {
		return pattern
	}
	return "custom"
}

// panelScriptsHeader is sent by task-panel.js when the page runs the panel's scripts already (issue 15).
const panelScriptsHeader = "TRCR-Panel-Scripts"

func (h *Handlers) taskPanel(c echo.Context) error {
	id := c.Param("id")
	edit := c.QueryParam("edit") == "1"
	if !isHTMX(c) {
		to := views.TaskDeepLink(id)
		if edit {
			to += "&edit=description"
		}
		return c.Redirect(http.StatusSeeOther, to)
	}
	d, err := h.store.TaskDetail(c.Request().Context(), currentActor(c), id)
	if err != nil {
		return err
	}
	v := h.panelView(c, d)
	v.EditDescription = edit && d.CanManage
	v.ReturnURL = localURL(c.Request().Header.Get("HX-Current-URL"))
	v.ScriptsLoaded = c.Request().Header.Get(panelScriptsHeader) == "loaded"
	c.Response().Header().Add("Vary", panelScriptsHeader)
	if section := c.QueryParam("section"); section != "" {
		return render(c, http.StatusOK, views.TaskPanelSection(v, section))
	}
	return render(c, http.StatusOK, views.TaskPanel(v))
}

// panelAnswer answers a panel form after its store call returned werr: with htmx, the section re-rendered from
// the task as it now is (422 with the messages in place when invalid); otherwise a redirect to the task's deep
// link, or the tasks page with the panel open and the messages. keep restores what was typed after an error.
func (h *Handlers) panelAnswer(c echo.Context, taskID, section string, werr error, rename map[string]string, keep func(*views.TaskPanelView)) error {
	status := http.StatusOK
	var fields map[string]string
	var msg string
	if errors.Is(werr, store.ErrForbidden) {
		return werr // the controls were hidden: a 403 (a flash with htmx)
	}
	if werr != nil {
		var err error
		if fields, msg, err = formErrorsAsIs(werr); err != nil {
			return err
		}
		status = http.StatusUnprocessableEntity
		for from, to := range rename {
			if m, ok := fields[from]; ok {
				delete(fields, from)
				fields[to] = m
			}
		}
	} else if !isHTMX(c) {
		return redirect(c, views.TaskDeepLink(taskID))
	}
	// htmx gets the section from the task panel's read; a plain form the tasks page's, with the panel open.
	var d store.TaskDetail
	var tv views.TasksPageView
	if isHTMX(c) {
		var err error
		if d, err = h.store.TaskDetail(c.Request().Context(), currentActor(c), taskID); err != nil {
			return err
		}
	} else {
		tp, v, err := h.tasksView(c, store.TasksPageQuery{TaskID: taskID})
		if err != nil {
			return err
		}
		if tp.Panel == nil {
			return fmt.Errorf("task panel: %w", store.ErrNotFound)
		}
		d, tv = *tp.Panel, v
	}
	v := h.panelView(c, d)
	v.Errors, v.Error, v.ErrorSection = fields, sentence(msg), section
	if werr != nil && keep != nil {
		keep(&v)
	}
	if werr == nil {
		c.Response().Header().Set("HX-Trigger", "trcr:task-changed")
	}
	if isHTMX(c) {
		return render(c, status, views.TaskPanelSection(v, section))
	}
	tv.Panel = &v
	return h.renderTasksPage(c, status, tv, false)
}

// clearable reads an optional form value: empty clears it.
func clearable(v string) store.Clearable[string] {
	if strings.TrimSpace(v) == "" {
		return store.Clearable[string]{Set: true}
	}
	return store.Clearable[string]{Set: true, Value: &v}
}

// updateTaskField saves one field of a task (field=<name>, <name>=<value>) with UpdateTask, or SetTaskStatus for the
// status.
func (h *Handlers) updateTaskField(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	id, field := c.Param("id"), c.FormValue("field")
	val := c.FormValue(field)
	var p store.TaskPatch
	section := "props"
	var parseErr error
	switch field {
	case "title":
		p.Title, section = &val, "head"
	case "description":
		p.Description, section = &val, "description"
	case "status":
	case "priority":
		p.Priority = &val
	case "assignee_id":
		p.AssigneeID = clearable(val)
	case "start_date":
		p.StartDate = clearable(val)
	case "due_date":
		p.DueDate = clearable(val)
	case "group_id":
		p.GroupID = &val
	case "estimated_hours":
		p.EstimatedHours.Set = true
		if s := strings.TrimSpace(val); s != "" {
			n, err := strconv.ParseFloat(s, 64)
			if err != nil {
				parseErr = store.Invalid(field, "estimated_hours must be a number of hours")
			}
			p.EstimatedHours.Value = &n
		}
	case "complexity":
		p.Complexity.Set = true
		if s := strings.TrimSpace(val); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				parseErr = store.Invalid(field, "complexity must be one of 1, 2, 3, 5, 8")
			}
			p.Complexity.Value = &n
		}
	case "progress":
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil {
			parseErr = store.Invalid(field, "progress must be between 0 and 100")
		}
		p.Progress = &n
	default:
		return echo.NewHTTPError(http.StatusBadRequest, "Unknown task field.")
	}
	err := parseErr
	if err == nil {
		if field == "status" {
			_, err = h.store.SetTaskStatus(ctx, a, id, val)
		} else {
			_, err = h.store.UpdateTask(ctx, a, id, p)
		}
	}
	return h.panelAnswer(c, id, section, err, nil, func(v *views.TaskPanelView) {
		switch field {
		case "title":
			v.Title = val
		case "description":
			v.Description, v.EditDescription = val, true
		case "status":
			v.Status = val
		case "priority":
			v.Priority = val
		case "assignee_id":
			v.AssigneeID = val
		case "start_date":
			v.StartDate = val
		case "due_date":
			v.DueDate = val
		case "group_id":
			v.GroupID = val
		case "estimated_hours":
			v.Estimate = val
		case "complexity":
			v.Complexity = val
		}
	})
}

// previewDescription renders the Markdown being edited, exactly as the panel will show it.
func (h *Handlers) previewDescription(c echo.Context) error {
	src := c.FormValue("description")
	if strings.TrimSpace(src) == "" {
		return c.HTML(http.StatusOK, `<p class="tp-sec__empty">Nothing to preview</p>`)
	}
	return c.HTML(http.StatusOK, string(markdown.HTML(src)))
}

func (h *Handlers) toggleTaskLabel(c echo.Context) error {
	ctx := c.Request().Context()
	id, label := c.Param("id"), c.Param("label")
	var err error
	if c.FormValue("on") == "true" {
		_, err = h.store.AddTaskLabel(ctx, currentActor(c), id, label)
		if errors.Is(err, store.ErrConflict) {
			err = nil // already on: the page was stale, the wish is met
		}
	} else {
		err = h.store.RemoveTaskLabel(ctx, currentActor(c), id, label)
	}
	return h.panelAnswer(c, id, "labels", err, nil, nil)
}

func (h *Handlers) addComment(c echo.Context) error {
	id, body := c.Param("id"), c.FormValue("body")
	_, err := h.store.AddComment(c.Request().Context(), currentActor(c), id, body, attachmentIDs(c)...)
	return h.panelAnswer(c, id, "comments", err, nil, func(v *views.TaskPanelView) { v.CommentDraft = body })
}

func (h *Handlers) deleteComment(c echo.Context) error {
	id := c.Param("id")
	err := h.store.DeleteComment(c.Request().Context(), currentActor(c), id, c.Param("comment"))
	return h.panelAnswer(c, id, "comments", err, nil, nil)
}

func (h *Handlers) addChecklistItem(c echo.Context) error {
	id, title := c.Param("id"), c.FormValue("title")
	_, err := h.store.AddChecklistItem(c.Request().Context(), currentActor(c), id, title)
	return h.panelAnswer(c, id, "checklist", err, map[string]string{"title": "checklist_title"},
		func(v *views.TaskPanelView) { v.ChecklistDraft = title })
}

func (h *Handlers) toggleChecklistItem(c echo.Context) error {
	_, err := h.store.ToggleChecklistItem(c.Request().Context(), currentActor(c), c.Param("item"))
	return h.panelAnswer(c, c.Param("id"), "checklist", err, nil, nil)
}

func (h *Handlers) deleteChecklistItem(c echo.Context) error {
	err := h.store.DeleteChecklistItem(c.Request().Context(), currentActor(c), c.Param("item"))
	return h.panelAnswer(c, c.Param("id"), "checklist", err, nil, nil)
}

// dependencySearchView shows the tasks found to link to the task.
func dependencySearchView(c echo.Context, taskID, q, typ string, found []store.DependencyCandidate) views.DependencySearchView {
	if typ != store.DependencyBlocks {
		typ = store.DependencyBlockedBy
	}
	s := views.DependencySearchView{CSRFToken: csrfToken(c), TaskID: taskID, Type: typ, Query: strings.TrimSpace(q)}
	if s.Query == "" {
		return s
	}
	for _, t := range found {
		s.Results = append(s.Results, views.DependencyCandidate{ID: t.ID, Title: t.Title, ProjectName: t.ProjectName, Status: t.Status})
	}
	return s
}

func (h *Handlers) searchDependencies(c echo.Context) error {
	id, q, typ := c.Param("id"), c.QueryParam("q"), c.QueryParam("type")
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, views.TaskDeepLink(id)+"&"+url.Values{"depq": {q}, "dept": {typ}}.Encode())
	}
	var found []store.DependencyCandidate
	if q := strings.TrimSpace(q); q != "" {
		var err error
		if found, err = h.store.DependencyCandidates(c.Request().Context(), currentActor(c), id, q); err != nil {
			return err
		}
	}
	return render(c, http.StatusOK, views.DependencySearchResults(dependencySearchView(c, id, q, typ, found)))
}

func (h *Handlers) addDependency(c echo.Context) error {
	id := c.Param("id")
	_, err := h.store.AddDependency(c.Request().Context(), currentActor(c), id, store.DependencyInput{
		DependsOnID: c.FormValue("depends_on_id"), DependencyType: c.FormValue("dependency_type"),
	})
	if f, ok := store.AsKind(err, store.ErrInvalid); ok && f.Fields["dependency_type"] != "" && f.Fields["depends_on_id"] == "" {
		f.Fields["depends_on_id"] = f.Fields["dependency_type"]
	}
	return h.panelAnswer(c, id, "dependencies", err, nil, nil)
}

func (h *Handlers) deleteDependency(c echo.Context) error {
	id := c.Param("id")
	err := h.store.DeleteDependency(c.Request().Context(), currentActor(c), id, c.Param("dep"))
	return h.panelAnswer(c, id, "dependencies", err, nil, nil)
}

// saveRecurrence sets the task's repeat rule, or changes it when the form names the existing rule. pattern is
// daily, weekly, monthly, or custom with a cron expression in cron.
func (h *Handlers) saveRecurrence(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	id, choice, cron := c.Param("id"), c.FormValue("pattern"), c.FormValue("cron")
	pattern := choice
	if choice == "custom" {
		pattern = cron
	}
	var err error
	if rid := c.FormValue("recurrence_id"); rid != "" {
		_, err = h.store.UpdateRecurrence(ctx, a, rid, &pattern)
	} else {
		_, err = h.store.CreateRecurrence(ctx, a, id, pattern)
	}
	return h.panelAnswer(c, id, "recurrence", err, nil, func(v *views.TaskPanelView) { v.PatternDraft, v.CronDraft = choice, cron })
}

func (h *Handlers) deleteRecurrence(c echo.Context) error {
	id := c.Param("id")
	err := h.store.DeleteRecurrence(c.Request().Context(), currentActor(c), c.FormValue("recurrence_id"))
	return h.panelAnswer(c, id, "recurrence", err, nil, nil)
}

// deleteTask deletes the task; htmx empties the panel (task-panel.js closes it on trcr:task-deleted) and shows a
// flash.
func (h *Handlers) deleteTask(c echo.Context) error {
	if err := h.store.DeleteTask(c.Request().Context(), currentActor(c), c.Param("id")); err != nil {
		if _, msg, ferr := formErrorsAsIs(err); ferr == nil && !errors.Is(err, store.ErrForbidden) {
			return h.flashError(c, http.StatusUnprocessableEntity, sentence(msg))
		}
		return err
	}
	if !isHTMX(c) {
		h.flash(c, views.FlashSuccess, "Task deleted.")
		return redirect(c, "/tasks")
	}
	c.Response().Header().Set("HX-Trigger", `{"trcr:task-changed":null,"trcr:task-deleted":null}`)
	return render(c, http.StatusOK, views.FlashesOOB([]views.Flash{{Kind: views.FlashSuccess, Text: "Task deleted."}}))
}
