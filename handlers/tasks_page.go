package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountTasksPage(g *router) {
	g.GET("/tasks", h.tasksPage, h.requireOrg)
	g.GET("/tasks/new", h.newTaskPage, h.requireOrg)
	g.POST("/tasks/new", h.newTask, h.requireOrg)
}

func tasksFilterFrom(c echo.Context) views.TasksFilter {
	return views.TasksFilter{
		Project: c.QueryParam("project"), Assignee: c.QueryParam("assignee"), Status: c.QueryParam("status"),
		Priority: c.QueryParam("priority"), Label: c.QueryParam("label"), Q: c.QueryParam("q"), Sort: c.QueryParam("sort"),
	}
}

// tasksView reads the tasks page (with the panel of the task asked for, if any) and turns its list into the view
// model. A filter the store refuses shows the unfiltered list with the message.
func (h *Handlers) tasksView(c echo.Context, q store.TasksPageQuery) (store.TasksPage, views.TasksPageView, error) {
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
	q.Filter = filter(f)
	tp, err := h.store.TasksPage(ctx, a, q)
	if invalid, ok := store.AsKind(err, store.ErrInvalid); ok {
		v.FilterError = "Some filters were not valid and were ignored: " + invalid.Message + "."
		v.Filter = views.TasksFilter{}
		q.Filter = filter(v.Filter)
		tp, err = h.store.TasksPage(ctx, a, q)
	}
	if err != nil {
		return tp, v, err
	}
	v.Statuses = statusOptions(tp.Statuses)
	type projectInfo struct{ name, color string }
	projectByID := map[string]projectInfo{}
	for _, p := range tp.Projects {
		projectByID[p.ID] = projectInfo{p.Name, p.Color}
		v.Projects = append(v.Projects, views.Option{Value: p.ID, Label: p.Name})
	}
	people := map[string]views.TaskPerson{}
	for _, m := range tp.Members {
		if m.UserID == nil {
			continue
		}
		p := views.TaskPerson{ID: *m.UserID, Name: orName(m.Name, m.Email), AvatarURL: deref(m.AvatarURL), Initials: initials(m.Name, m.Email)}
		people[p.ID] = p
		v.Members = append(v.Members, p)
	}
	labelByID := map[string]views.TaskLabel{}
	for _, l := range tp.Labels {
		tl := views.TaskLabel{ID: l.ID, Name: l.Name, Color: l.Color}
		labelByID[l.ID] = tl
		v.Labels = append(v.Labels, tl)
	}
	today := h.today(c)
	list := tp.Tasks
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
	return tp, v, nil
}

// tasksPage renders GET /tasks; ?task={id} opens that task's panel (the link notifications carry), ?edit=description
// opens its description editor and ?depq=&dept= shows dependency search results, for browsers without
// JavaScript.
func (h *Handlers) tasksPage(c echo.Context) error {
	id := c.QueryParam("task")
	q := store.TasksPageQuery{TaskID: id}
	if id != "" {
		q.DependencySearch = strings.TrimSpace(c.QueryParam("depq"))
	}
	tp, v, err := h.tasksView(c, q)
	if err != nil {
		return err
	}
	status := http.StatusOK
	missing := false
	switch {
	case tp.Panel != nil:
		d := *tp.Panel
		pv := h.panelView(c, d)
		pv.EditDescription = c.QueryParam("edit") == "description" && d.CanManage
		if dq := c.QueryParam("depq"); dq != "" && d.CanManage {
			s := dependencySearchView(c, id, dq, c.QueryParam("dept"), tp.DependencyCandidates)
			pv.DependencySearch = &s
		}
		v.Panel = &pv
	case tp.TaskMissing:
		// A link to a task that is gone or not visible: the list, with a word about it.
		status, missing = http.StatusNotFound, true
	}
	return h.renderTasksPage(c, status, v, missing)
}

// renderTasksPage renders the tasks page read by tasksView, with its panel (v.Panel) open when there is one;
// missing says the task asked for is not there.
func (h *Handlers) renderTasksPage(c echo.Context, status int, v views.TasksPageView, missing bool) error {
	if v.Panel != nil {
		q := v.Filter.Query()
		if pg := c.QueryParam("page"); pg != "" && pg != "1" {
			q.Set("page", pg)
		}
		v.Panel.CloseURL = "/tasks"
		if enc := q.Encode(); enc != "" {
			v.Panel.CloseURL += "?" + enc
		}
	}
	p, err := h.page(c, "Tasks", views.NavTasks)
	if err != nil {
		return err
	}
	if missing {
		p.Flashes = append(p.Flashes, views.Flash{Kind: views.FlashError, Text: "That task doesn't exist anymore, or you don't have access to it."})
	}
	return render(c, status, views.TasksPage(p, v))
}
