package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
	"github.com/trcr/trcr/views"
)

// The repositories settings page (Settings → Git, owners and admins): connect a repository and see its hook URL
// and, once, its secret; follow the setup steps of its provider; see the last deliveries its hook received;
// register and delete outgoing webhooks. The store refuses members; the sidebar offers the page to those it allows.
func (h *Handlers) mountGit(g *router) {
	g.GET("/settings/git", h.gitSettingsPage, h.requireOrg)
	g.POST("/settings/git/repositories", h.connectGitRepository, h.requireOrg)
	g.POST("/settings/git/repositories/:id", h.updateGitRepository, h.requireOrg)
	g.POST("/settings/git/repositories/:id/delete", h.disconnectGitRepository, h.requireOrg)
	g.POST("/settings/git/webhooks", h.createGitWebhook, h.requireOrg)
	g.POST("/settings/git/webhooks/:id/delete", h.deleteGitWebhook, h.requireOrg)
}

// sessGitSecret carries a secret just made to the page the form redirects to, which shows it once.
const sessGitSecret = "git_secret_shown"

var gitFormLabels = map[string]string{
	"provider": "Provider", "repo_url": "Repository URL", "project_id": "Project", "url": "Webhook URL", "events": "Events",
	"secret": "Secret", "repository_id": "Repository",
}

func (h *Handlers) gitSettingsPage(c echo.Context) error {
	v, err := h.gitSettingsView(c, views.GitConnectForm{CloseOnMerge: true}, "", views.GitWebhookForm{})
	if err != nil {
		return err
	}
	if raw := h.sessions.PopString(c.Request().Context(), sessGitSecret); raw != "" {
		var shown views.GitSecretShown
		if json.Unmarshal([]byte(raw), &shown) == nil {
			v.Shown = &shown
		}
	}
	return h.renderGitSettings(c, http.StatusOK, v)
}

// gitSettingsView reads the page; the webhook form of repository formRepo shows hookForm (typed values, errors).
func (h *Handlers) gitSettingsView(c echo.Context, connect views.GitConnectForm, formRepo string, hookForm views.GitWebhookForm) (views.GitSettingsView, error) {
	page, err := h.store.GitSettingsPage(c.Request().Context(), currentActor(c))
	if err != nil {
		return views.GitSettingsView{}, err
	}
	v := views.GitSettingsView{Connect: connect, ExampleRef: "TRC-12", Now: h.now()}
	for _, p := range page.Projects {
		v.Projects = append(v.Projects, views.Option{Value: p.ID, Label: p.Name + " (" + p.Key + ")"})
	}
	if len(page.Projects) > 0 {
		v.ExampleRef = page.Projects[0].Key + "-12"
	}
	for _, r := range page.Repositories {
		rv := gitRepositoryView(r)
		if r.ID == formRepo {
			rv.WebhookForm = hookForm
		}
		v.Repositories = append(v.Repositories, rv)
	}
	return v, nil
}

func gitRepositoryView(r store.GitRepositorySettings) views.GitRepositoryView {
	label, _ := vocab.GitProviders.Label(r.Provider)
	rv := views.GitRepositoryView{ID: r.ID, Provider: r.Provider, ProviderLabel: label, FullName: r.FullName, RepoURL: r.RepoURL,
		HookURL: r.HookURL, ProjectID: deref(r.ProjectID), ProjectName: r.ProjectName, CloseOnMerge: r.CloseTasksOnMerge}
	for _, d := range r.Deliveries {
		status, _ := vocab.HookDeliveryStatuses.Label(d.Status)
		rv.Deliveries = append(rv.Deliveries, views.GitDeliveryView{Event: d.Event, DeliveryID: d.DeliveryID, Status: d.Status,
			StatusLabel: status, Error: d.Error, At: d.ReceivedAt})
	}
	for _, w := range r.Webhooks {
		wv := views.GitWebhookView{ID: w.ID, URL: w.URL, Active: w.Active}
		for _, e := range w.Events {
			l, _ := vocab.GitEventKinds.Label(e)
			wv.Events = append(wv.Events, l)
		}
		if d := w.LastDelivery; d != nil {
			wv.LastStatus, wv.LastError, wv.LastAt = d.Status, d.Error, &d.CreatedAt
			if d.ResponseCode != nil {
				wv.LastCode = *d.ResponseCode
			}
		}
		rv.Webhooks = append(rv.Webhooks, wv)
	}
	return rv
}

func (h *Handlers) renderGitSettings(c echo.Context, status int, v views.GitSettingsView) error {
	p, err := h.page(c, "Git", views.NavGit)
	if err != nil {
		return err
	}
	return render(c, status, views.GitSettingsPage(p, v))
}

// showSecretOnce keeps a secret for the next page view only.
func (h *Handlers) showSecretOnce(c echo.Context, shown views.GitSecretShown) error {
	raw, err := json.Marshal(shown)
	if err != nil {
		return err
	}
	h.sessions.Put(c.Request().Context(), sessGitSecret, string(raw))
	return nil
}

func (h *Handlers) connectGitRepository(c echo.Context) error {
	f := views.GitConnectForm{Provider: c.FormValue("provider"), RepoURL: c.FormValue("repo_url"),
		ProjectID: c.FormValue("project_id"), CloseOnMerge: c.FormValue("close_tasks_on_merge") == "true"}
	in := store.GitRepositoryInput{Provider: &f.Provider, RepoURL: &f.RepoURL, CloseTasksOnMerge: &f.CloseOnMerge}
	if f.ProjectID != "" {
		in.ProjectID = &f.ProjectID
	}
	r, err := h.store.ConnectGitRepository(c.Request().Context(), currentActor(c), in)
	if err == nil {
		if err := h.showSecretOnce(c, views.GitSecretShown{RepositoryID: r.ID, Name: r.FullName, HookURL: r.HookURL, Secret: r.HookSecret}); err != nil {
			return err
		}
		return redirect(c, "/settings/git#repo-"+r.ID)
	}
	if errors.Is(err, store.ErrForbidden) {
		return err
	}
	if f.Errors, f.Error, err = formErrors(err, gitFormLabels); err != nil {
		return err
	}
	v, err := h.gitSettingsView(c, f, "", views.GitWebhookForm{})
	if err != nil {
		return err
	}
	return h.renderGitSettings(c, http.StatusUnprocessableEntity, v)
}

func (h *Handlers) updateGitRepository(c echo.Context) error {
	closeOnMerge, project := c.FormValue("close_tasks_on_merge") == "true", c.FormValue("project_id")
	in := store.GitRepositoryInput{CloseTasksOnMerge: &closeOnMerge, ClearProjectID: project == ""}
	if project != "" {
		in.ProjectID = &project
	}
	r, err := h.store.UpdateGitRepository(c.Request().Context(), currentActor(c), c.Param("id"), in)
	if err != nil {
		if _, invalid := store.AsKind(err, store.ErrInvalid); !invalid {
			return err
		}
		h.flash(c, views.FlashError, "The repository was not changed: the project must be one of this organization's.")
		return redirect(c, "/settings/git")
	}
	h.flash(c, views.FlashSuccess, r.FullName+" saved.")
	return redirect(c, "/settings/git#repo-"+r.ID)
}

func (h *Handlers) disconnectGitRepository(c echo.Context) error {
	if err := h.store.DisconnectGitRepository(c.Request().Context(), currentActor(c), c.Param("id")); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Repository disconnected.")
	return redirect(c, "/settings/git")
}

func (h *Handlers) createGitWebhook(c echo.Context) error {
	if err := c.Request().ParseForm(); err != nil {
		return err
	}
	repo := c.FormValue("repository_id")
	f := views.GitWebhookForm{URL: c.FormValue("url"), Events: c.Request().PostForm["events"]}
	w, err := h.store.CreateGitWebhook(c.Request().Context(), currentActor(c), store.GitWebhookInput{
		RepositoryID: repo, URL: f.URL, Events: f.Events,
	})
	if err == nil {
		if err := h.showSecretOnce(c, views.GitSecretShown{Webhook: true, RepositoryID: repo, Name: w.URL, Secret: w.Secret}); err != nil {
			return err
		}
		return redirect(c, "/settings/git#repo-"+repo)
	}
	if errors.Is(err, store.ErrForbidden) {
		return err
	}
	if f.Errors, f.Error, err = formErrors(err, gitFormLabels); err != nil {
		return err
	}
	v, err := h.gitSettingsView(c, views.GitConnectForm{CloseOnMerge: true}, repo, f)
	if err != nil {
		return err
	}
	return h.renderGitSettings(c, http.StatusUnprocessableEntity, v)
}

func (h *Handlers) deleteGitWebhook(c echo.Context) error {
	if err := h.store.DeleteGitWebhook(c.Request().Context(), currentActor(c), c.Param("id")); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Webhook deleted.")
	return redirect(c, "/settings/git")
}

// developmentView is the task panel's Development section.
func developmentView(reference string, d store.TaskDevelopment) views.DevelopmentView {
	v := views.DevelopmentView{Reference: reference}
	for _, pr := range d.PullRequests {
		label, _ := vocab.PullRequestStates.Label(pr.State)
		v.PullRequests = append(v.PullRequests, views.DevPullRequestView{Repository: pr.Repository, Number: pr.Number,
			Title: pr.Title, State: pr.State, StateLabel: label, URL: pr.URL, Source: pr.SourceBranch, Target: pr.TargetBranch,
			At: pr.UpdatedAt})
	}
	for _, b := range d.Branches {
		v.Branches = append(v.Branches, views.DevBranchView{Repository: b.Repository, Name: b.Name, URL: b.URL, Deleted: b.Deleted, At: b.UpdatedAt})
	}
	for _, cm := range d.Commits {
		title, _, _ := strings.Cut(cm.Message, "\n")
		short := cm.SHA
		if len(short) > 7 {
			short = short[:7]
		}
		at := cm.PushedAt
		if cm.Timestamp != nil {
			at = *cm.Timestamp
		}
		v.Commits = append(v.Commits, views.DevCommitView{Repository: cm.Repository, Branch: cm.Branch, SHA: cm.SHA, Short: short,
			Title: title, Author: cm.Author, URL: cm.URL, At: at})
	}
	return v
}
