package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountTasksPage(g *router) {
	g.GET("/tasks", h.tasksPage, h.requireOrg)
}

func tasksFilterFrom(c echo.Context) views.TasksFilter {
	return views.TasksFilter{
		Project: c.QueryParam("project"), Assignee: c.QueryParam("assignee"), Status: c.QueryParam("status"),
		Priority: c.QueryParam("priority"), Label: c.QueryParam("label"), Q: c.QueryParam("q"), Sort: c.QueryParam("sort"),
	}
}

// tasksView reads a page of the tasks the user can see, with what the filters offer. A filter the store refuses
// shows the unfiltered list with the message.
func (h *Handlers) tasksView(c echo.Context) (views.TasksPageView, error) {
	ctx := c.Request().Context()
	a := currentActor(c)
	f := tasksFilterFrom(c)
	pg, err := store.ParsePage(c.QueryParam("page"), "")
	if err != nil {
		pg = store.Page{}
	}
	filter := func(f views.TasksFilter) store.TaskFilter {
		assignee := f.Assignee
		if assignee == store.AssigneeMe {
			assignee = a.UserID
		}
		return store.TaskFilter{ProjectID: f.Project, AssigneeID: assignee, Status: f.Status, Priority: f.Priority,
			LabelIDs: f.Label, Search: f.Q, Sort: f.Sort, Page: pg}
	}
	v := views.TasksPageView{Filter: f}
	list, err := h.store.Tasks(ctx, a, filter(f))
	if invalid, ok := store.AsKind(err, store.ErrInvalid); ok {
		v.FilterError = "Some filters were not valid and were ignored: " + invalid.Message + "."
		v.Filter = views.TasksFilter{}
		list, err = h.store.Tasks(ctx, a, filter(v.Filter))
	}
	if err != nil {
		return v, err
	}
	projects, err := h.store.Projects(ctx, a, store.ProjectFilter{Page: store.Page{None: true}})
	if err != nil {
		return v, err
	}
	members, err := h.store.Members(ctx, a, store.MemberFilter{Status: store.MemberActive, Page: store.Page{None: true}})
	if err != nil {
		return v, err
	}
	labels, err := h.store.Labels(ctx, a)
	if err != nil {
		return v, err
	}
	custom, err := h.store.TaskStatuses(ctx, a)
	if err != nil {
		return v, err
	}
	v.Statuses = statusOptions(custom)
	type projectInfo struct{ name, color string }
	projectByID := map[string]projectInfo{}
	for _, p := range projects.Items {
		projectByID[p.ID] = projectInfo{p.Name, p.Color}
		v.Projects = append(v.Projects, views.Option{Value: p.ID, Label: p.Name})
	}
	people := map[string]views.TaskPerson{}
	for _, m := range members.Items {
		if m.UserID == nil {
			continue
		}
		p := views.TaskPerson{ID: *m.UserID, Name: orName(m.Name, m.Email), AvatarURL: deref(m.AvatarURL), Initials: initials(m.Name, m.Email)}
		people[p.ID] = p
		v.Members = append(v.Members, p)
	}
	labelByID := map[string]views.TaskLabel{}
	for _, l := range labels {
		tl := views.TaskLabel{ID: l.ID, Name: l.Name, Color: l.Color}
		labelByID[l.ID] = tl
		v.Labels = append(v.Labels, tl)
	}
	today := h.today(c)
	for _, t := range list.Items {
		completed := t.CompletedAt != nil
		pr := projectByID[t.ProjectID]
		row := views.TaskRow{
			ID: t.ID, Title: t.Title, ProjectID: t.ProjectID, ProjectName: pr.name, ProjectColor: pr.color,
			Status: t.Status, StatusLabel: views.StatusLabel(t.Status, v.Statuses), StatusColor: views.StatusColor(t.Status, v.Statuses),
			Completed: completed, Priority: t.Priority, Due: views.MakeDue(dateString(t.DueDate), today, completed),
		}
		if t.AssigneeID != nil {
			p, ok := people[*t.AssigneeID]
			if !ok {
				p = views.TaskPerson{ID: *t.AssigneeID, Name: "Former member", Initials: "?"}
			}
			row.Assignee = &p
		}
		for _, id := range t.LabelIDs {
			if l, ok := labelByID[id]; ok {
				row.Labels = append(row.Labels, l)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	query := v.Filter.Query()
	v.Pagination = views.Pagination{Page: list.Page, PerPage: list.PerPage, Total: list.Total, Path: "/tasks", Query: query, Target: "#tasks-results"}
	return v, nil
}

// tasksPage renders GET /tasks; ?task={id} opens that task's panel (the link notifications carry), ?edit=description
// opens its description editor and ?depq=&dept= shows dependency search results, for browsers without
// JavaScript.
func (h *Handlers) tasksPage(c echo.Context) error {
	var panel *views.TaskPanelView
	status := http.StatusOK
	if id := c.QueryParam("task"); id != "" {
		d, err := h.store.TaskDetail(c.Request().Context(), currentActor(c), id)
		switch {
		case err == nil:
			v := h.panelView(c, d)
			v.EditDescription = c.QueryParam("edit") == "description" && d.CanManage
			if q := c.QueryParam("depq"); q != "" && d.CanManage {
				s, err := h.dependencySearch(c, id, q, c.QueryParam("dept"))
				if err != nil {
					return err
				}
				v.DependencySearch = &s
			}
			panel = &v
		case errors.Is(err, store.ErrNotFound):
			// A link to a task that is gone or not visible: the list, with a word about it.
			status = http.StatusNotFound
			c.Set(ctxTaskMissing, true)
		default:
			return err
		}
	}
	return h.renderTasksPage(c, status, panel)
}

const ctxTaskMissing = "trcr.page.task_missing"

// renderTasksPage renders the tasks page for the request's filters, with panel open when given.
func (h *Handlers) renderTasksPage(c echo.Context, status int, panel *views.TaskPanelView) error {
	v, err := h.tasksView(c)
	if err != nil {
		return err
	}
	if panel != nil {
		q := v.Filter.Query()
		if pg := c.QueryParam("page"); pg != "" && pg != "1" {
			q.Set("page", pg)
		}
		panel.CloseURL = "/tasks"
		if enc := q.Encode(); enc != "" {
			panel.CloseURL += "?" + enc
		}
		v.Panel = panel
	}
	p, err := h.page(c, "Tasks", views.NavTasks)
	if err != nil {
		return err
	}
	if missing, _ := c.Get(ctxTaskMissing).(bool); missing {
		p.Flashes = append(p.Flashes, views.Flash{Kind: views.FlashError, Text: "That task doesn't exist anymore, or you don't have access to it."})
	}
	return render(c, status, views.TasksPage(p, v))
}
