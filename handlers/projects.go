package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// pwProjectsPerPage fits a grid of three columns.
const pwProjectsPerPage = 24

func (h *Handlers) mountProjects(g *router) {
	g.GET("/projects", h.projectsPage, h.requireOrg)
	g.GET("/projects/new", h.newProjectPage, h.requireOrg)
	g.POST("/projects/new", h.createProject, h.requireOrg)
	g.GET("/projects/:id/edit", h.editProjectPage, h.requireOrg)
	g.POST("/projects/:id/edit", h.updateProject, h.requireOrg)
	g.POST("/projects/:id/delete", h.deleteProject, h.requireOrg)
	g.GET("/projects/:id/members", h.projectMembersPage, h.requireOrg)
	g.POST("/projects/:id/members", h.addProjectMember, h.requireOrg)
	g.POST("/projects/:id/members/:user_id/remove", h.removeProjectMember, h.requireOrg)
}

// --- list ---

func (h *Handlers) projectsPage(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	f := projectListFilter(c)
	status := f.Status
	if status == views.ProjectStatusAll {
		status = ""
	}
	pg, err := store.ParsePage(c.QueryParam("page"), "")
	if err != nil {
		pg = store.Page{}
	}
	pg.Per = pwProjectsPerPage
	pp, err := h.store.ProjectsPage(ctx, a, store.ProjectsPageFilter{Status: status, Search: f.Q, Sort: f.Sort,
		Reverse: f.Desc != f.DescByDefault, GroupByClient: f.Group == views.ProjectGroupClient, Page: pg})
	if err != nil {
		return err
	}
	l := pp.Projects
	can := a.Permissions()
	v := views.ProjectsView{
		Filter: f, CanCreate: can.CreateProjects,
		Pagination: views.Pagination{Page: l.Page, PerPage: l.PerPage, Total: l.Total, Path: "/projects",
			Query: pwProjectListQuery(f), Target: "#projects-results"},
	}
	loc := location(currentUser(c).Timezone)
	for _, p := range l.Items {
		card := views.ProjectCard{
			ID: p.ID, Name: p.Name, Description: p.Description, Color: p.Color, Status: p.Status,
			Billable: p.Billable, Currency: pp.Currency, CanEdit: can.ManageAllProjects,
			TasksTotal: p.TasksTotal, TasksDone: p.TasksDone, TrackedSeconds: p.TrackedSeconds,
			LastActivityISO: p.LastActivity.In(loc).Format(time.DateOnly),
		}
		card.LastActivity = views.FormatDate(card.LastActivityISO)
		if p.ClientID != nil {
			card.ClientID = *p.ClientID
		}
		if p.ClientName != nil {
			card.ClientName = *p.ClientName
		}
		if p.HourlyRate != nil {
			card.HasRate, card.RateCents = true, *p.HourlyRate
		}
		v.Projects = append(v.Projects, card)
	}
	v.Groups = projectGroups(v.Projects, f.Group == views.ProjectGroupClient)
	if isHTMX(c) {
		return render(c, http.StatusOK, views.ProjectsResults(v))
	}
	p, err := h.page(c, "Projects", views.NavProjects)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ProjectsPage(p, v))
}

// projectListFilter reads the list's query string; anything unknown falls back to the default, as a link might
// be old or hand-edited.
func projectListFilter(c echo.Context) views.ProjectFilter {
	f := views.ProjectFilter{Status: c.QueryParam("status"), Q: strings.TrimSpace(c.QueryParam("q")), Sort: store.ProjectSortName}
	if f.Status != views.ProjectStatusArchived && f.Status != views.ProjectStatusAll {
		f.Status = views.ProjectStatusActive
	}
	for _, o := range views.ProjectSortChoices {
		if c.QueryParam("sort") == o.Value {
			f.Sort = o.Value
		}
	}
	f.DescByDefault = store.ProjectSortDescending(f.Sort)
	switch c.QueryParam("dir") {
	case "asc":
		f.Desc = false
	case "desc":
		f.Desc = true
	default:
		f.Desc = f.DescByDefault
	}
	if c.QueryParam("group") == views.ProjectGroupClient {
		f.Group = views.ProjectGroupClient
	}
	if c.QueryParam("view") == views.ProjectViewTable {
		f.View = views.ProjectViewTable
	}
	return f
}

// projectGroups splits the listed projects client by client (they come ordered by client when grouped).
func projectGroups(cards []views.ProjectCard, byClient bool) []views.ProjectGroup {
	if !byClient {
		return []views.ProjectGroup{{Projects: cards}}
	}
	var groups []views.ProjectGroup
	for _, c := range cards {
		if n := len(groups); n == 0 || groups[n-1].ClientID != c.ClientID {
			groups = append(groups, views.ProjectGroup{Grouped: true, ClientID: c.ClientID, ClientName: c.ClientName})
		}
		groups[len(groups)-1].Projects = append(groups[len(groups)-1].Projects, c)
	}
	return groups
}

// pwProjectListQuery keeps only the filters that differ from the defaults in pagination links.
func pwProjectListQuery(f views.ProjectFilter) url.Values { return f.Query() }

// --- create and edit ---

// pwProjectInput reads the project form. The rate is typed in major units of the organization's currency, which
// the store reads once it has checked the caller may make the change.
func pwProjectInput(c echo.Context, currency string, withStatus bool) (store.ProjectInput, views.ProjectForm) {
	f := views.ProjectForm{
		Name: c.FormValue("name"), Description: c.FormValue("description"), Color: pwFormColor(c),
		Billable: c.FormValue("billable") == "true", HourlyRate: strings.TrimSpace(c.FormValue("hourly_rate")),
		Currency: currency,
	}
	in := store.ProjectInput{Name: &f.Name, Description: &f.Description, Billable: &f.Billable, HourlyRateText: &f.HourlyRate,
		BoardColumns: !withStatus} // a project made in the browser starts with a board bound to statuses
	if _, sent := c.Request().Form["client_id"]; sent { // a form without the select leaves the client alone
		f.ClientID = strings.TrimSpace(c.FormValue("client_id"))
		in.ClientID, in.ClearClientID = &f.ClientID, f.ClientID == ""
	}
	if f.Key = strings.TrimSpace(c.FormValue("key")); f.Key != "" { // empty: derived on create, kept on edit
		in.Key = &f.Key
	}
	if f.Color != "" {
		in.Color = &f.Color
	}
	if withStatus {
		f.Status = c.FormValue("status")
		in.Status = &f.Status
	}
	return in, f
}

// pwFormColor reads a color field (views pwColorField): a preset, or the custom color when it was chosen or
// changed. A plain <input type="color" name="color"> reads as itself.
func pwFormColor(c echo.Context) string {
	color, custom := strings.TrimSpace(c.FormValue("color")), strings.TrimSpace(c.FormValue("color_custom"))
	if color == "custom" || (custom != "" && custom != c.FormValue("color_custom_was")) {
		return custom
	}
	return color
}

var pwProjectFields = map[string]string{
	"name": "Name", "key": "Key", "description": "Description", "color": "Color", "status": "Status", "billable": "Billable",
	"hourly_rate": "Hourly rate", "client_id": "Client", "user_id": "Person", "role": "Role",
}

func (h *Handlers) newProjectPage(c echo.Context) error {
	d, err := h.store.ProjectForm(c.Request().Context(), currentActor(c), "")
	if err != nil {
		return err
	}
	p, err := h.page(c, "New project", views.NavProjects)
	if err != nil {
		return err
	}
	f := views.ProjectForm{Color: views.ProjectDefaultColor, Billable: true, Currency: d.OrgCurrency,
		ClientID: c.QueryParam("client_id"), Clients: pwClientOptions(d.Clients)}
	return render(c, http.StatusOK, views.NewProjectPage(p, f))
}

func (h *Handlers) createProject(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	in, f := pwProjectInput(c, "", false)
	pr, err := h.store.CreateProject(ctx, a, in)
	if err == nil {
		h.flash(c, views.FlashSuccess, pr.Name+" is ready. Add tasks to get started.")
		return redirect(c, "/projects/"+pr.ID+"/board")
	}
	if f.Errors, f.Error, err = formErrors(err, pwProjectFields); err != nil {
		return err
	}
	d, err := h.store.ProjectForm(ctx, a, "")
	if err != nil {
		return err
	}
	f.Currency, f.Clients = d.OrgCurrency, pwClientOptions(d.Clients)
	p, err := h.page(c, "New project", views.NavProjects)
	if err != nil {
		return err
	}
	return renderForm(c, http.StatusUnprocessableEntity, views.NewProjectPage(p, f), views.ProjectFormFragment(p.CSRFToken, f))
}

// pwProjectHeader is the header a project's pages share; the store says whether the actor manages the project.
func pwProjectHeader(pa store.ProjectAccess, tab string) views.ProjectHeader {
	return views.ProjectHeader{ID: pa.ID, Name: pa.Name, Color: pa.Color, Status: pa.Status, Tab: tab, CanManage: pa.CanManage}
}

// pwClientOptions are the choices of the project form's Client select.
func pwClientOptions(clients []store.ClientChoice) []views.Option {
	out := make([]views.Option, 0, len(clients))
	for _, cl := range clients {
		out = append(out, views.Option{Value: cl.ID, Label: cl.Name})
	}
	return out
}

func pwProjectForm(pr store.Project, currency string, clients []store.ClientChoice) views.ProjectForm {
	f := views.ProjectForm{
		ID: pr.ID, Name: pr.Name, Key: pr.Key, Description: pr.Description, Color: pr.Color, Status: pr.Status,
		Billable: pr.Billable, Currency: currency, ClientID: deref(pr.ClientID), Clients: pwClientOptions(clients),
	}
	if pr.HourlyRate != nil {
		f.HourlyRate = views.MajorUnits(*pr.HourlyRate, currency)
	}
	return f
}

// pwProjectEditView loads the settings page of a project; the store refuses those who may not change it.
func (h *Handlers) pwProjectEditView(c echo.Context) (views.ProjectEditView, error) {
	d, err := h.store.ProjectForm(c.Request().Context(), currentActor(c), c.Param("id"))
	if err != nil {
		return views.ProjectEditView{}, err
	}
	return views.ProjectEditView{
		Project:   pwProjectHeader(d.ProjectAccess, views.ProjectTabSettings),
		Form:      pwProjectForm(d.Project, d.OrgCurrency, d.Clients),
		Delete:    views.ProjectDeleteForm{ProjectID: d.ID, ProjectName: d.Name},
		CanDelete: d.CanDelete,
	}, nil
}

func (h *Handlers) editProjectPage(c echo.Context) error {
	v, err := h.pwProjectEditView(c)
	if err != nil {
		return err
	}
	p, err := h.page(c, v.Project.Name, views.NavProjects)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ProjectEditPage(p, v))
}

func (h *Handlers) updateProject(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := h.pwProjectEditView(c)
	if err != nil {
		return err
	}
	in, f := pwProjectInput(c, v.Form.Currency, true)
	f.ID, f.Clients = v.Form.ID, v.Form.Clients
	if _, err = h.store.UpdateProject(ctx, currentActor(c), v.Form.ID, in); err == nil {
		h.flash(c, views.FlashSuccess, "Project saved.")
		return redirect(c, "/projects/"+v.Form.ID+"/edit")
	}
	if f.Errors, f.Error, err = formErrors(err, pwProjectFields); err != nil {
		return err
	}
	v.Form = f
	p, err := h.page(c, v.Project.Name, views.NavProjects)
	if err != nil {
		return err
	}
	return renderForm(c, http.StatusUnprocessableEntity, views.ProjectEditPage(p, v), views.ProjectFormFragment(p.CSRFToken, f))
}

func (h *Handlers) deleteProject(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := h.pwProjectEditView(c)
	if err != nil {
		return err
	}
	confirm := c.FormValue("confirm_name")
	if strings.TrimSpace(confirm) != v.Delete.ProjectName {
		v.Delete.ConfirmName = confirm
		v.Delete.Errors = map[string]string{"confirm_name": "Type the project's name exactly to confirm."}
	} else if err := h.store.DeleteProject(ctx, currentActor(c), v.Form.ID); err != nil {
		if _, v.Delete.Error, err = formErrors(err, nil); err != nil {
			return err
		}
	} else {
		h.flash(c, views.FlashSuccess, v.Delete.ProjectName+" was deleted.")
		return redirect(c, "/projects")
	}
	p, err := h.page(c, v.Project.Name, views.NavProjects)
	if err != nil {
		return err
	}
	return renderForm(c, http.StatusUnprocessableEntity, views.ProjectEditPage(p, v), views.ProjectDeleteFormFragment(p.CSRFToken, v.Delete))
}

// --- members ---

func (h *Handlers) pwProjectMembersView(c echo.Context) (views.ProjectMembersView, error) {
	a := currentActor(c)
	pm, err := h.store.ProjectMembersPage(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return views.ProjectMembersView{}, err
	}
	pa := pm.Project
	hd := pwProjectHeader(pa, views.ProjectTabMembers)
	v := views.ProjectMembersView{
		Project: hd, CanManage: pa.CanManage, CanInvite: a.Permissions().ManageMembers,
		Add: views.ProjectMemberForm{ProjectID: pa.ID, Role: store.ProjectMember},
	}
	for _, m := range pm.Members {
		v.Members = append(v.Members, views.ProjectMemberRow{
			UserID: m.UserID, Name: m.Name, Email: m.Email, AvatarURL: deref(m.AvatarURL),
			Initials: initials(m.Name, m.Email), Role: m.Role, IsSelf: m.UserID == a.UserID,
		})
	}
	for _, m := range pm.Candidates {
		label := m.Email
		if m.Name != "" {
			label = m.Name + " (" + m.Email + ")"
		}
		v.Add.Candidates = append(v.Add.Candidates, views.Option{Value: *m.UserID, Label: label})
	}
	return v, nil
}

func (h *Handlers) projectMembersPage(c echo.Context) error {
	v, err := h.pwProjectMembersView(c)
	if err != nil {
		return err
	}
	p, err := h.page(c, v.Project.Name, views.NavProjects)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ProjectMembersPage(p, v))
}

// pwProjectMembersResult answers an add or remove: htmx gets the members section (with the flash out of band), a
// plain form the page after a redirect, or the page with the messages when the change was refused.
func (h *Handlers) pwProjectMembersResult(c echo.Context, add views.ProjectMemberForm, failed bool) error {
	v, err := h.pwProjectMembersView(c)
	if err != nil {
		return err
	}
	return h.pwProjectMembersAnswer(c, v, add, failed)
}

// pwProjectMembersAnswer answers an add or remove from the members page read after it (v).
func (h *Handlers) pwProjectMembersAnswer(c echo.Context, v views.ProjectMembersView, add views.ProjectMemberForm, failed bool) error {
	if !failed && !isHTMX(c) {
		return redirect(c, "/projects/"+v.Project.ID+"/members")
	}
	status := http.StatusOK
	if failed {
		status = http.StatusUnprocessableEntity
		add.ProjectID, add.Candidates = v.Add.ProjectID, v.Add.Candidates
		v.Add = add
	}
	p, err := h.page(c, v.Project.Name, views.NavProjects)
	if err != nil {
		return err
	}
	return formResult(c, status, p, views.ProjectMembersPage(p, v), views.ProjectMembersSection(p.CSRFToken, v))
}

func (h *Handlers) addProjectMember(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	f := views.ProjectMemberForm{UserID: c.FormValue("user_id"), Role: c.FormValue("role")}
	m, err := h.store.AddProjectMember(ctx, a, c.Param("id"), store.ProjectMemberInput{UserID: f.UserID, Role: f.Role})
	if err == nil {
		h.flash(c, views.FlashSuccess, orDefault(m.Name, m.Email)+" was added to the project.")
		return h.pwProjectMembersResult(c, views.ProjectMemberForm{}, false)
	}
	if f.Errors, f.Error, err = formErrors(err, pwProjectFields); err != nil {
		return err
	}
	if strings.TrimSpace(f.UserID) == "" {
		f.Errors = map[string]string{"user_id": "Choose a person to add."}
	} else if f.Errors["user_id"] != "" {
		f.Errors["user_id"] = "Choose an active member of the organization."
	}
	return h.pwProjectMembersResult(c, f, true)
}

func (h *Handlers) removeProjectMember(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	if err := h.store.RemoveProjectMember(ctx, a, c.Param("id"), c.Param("user_id")); err != nil {
		return err
	}
	v, err := h.pwProjectMembersView(c)
	if errors.Is(err, store.ErrNotFound) && c.Param("user_id") == a.UserID {
		// Leaving a project may end access to it.
		h.flash(c, views.FlashSuccess, "You left the project.")
		return redirect(c, "/projects")
	}
	if err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Removed from the project.")
	return h.pwProjectMembersAnswer(c, v, views.ProjectMemberForm{}, false)
}
