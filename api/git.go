package api

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// Git integration (the reference's "Git Integration", DECISIONS.md "Git"): repositories and webhooks for owners
// and admins, and each repository's inbound hook, which the provider calls without a token and which is verified by
// its signature instead. PUT /git/repositories/:id, GET /git/webhooks and DELETE /git/webhooks/:id go beyond the
// reference, so that everything the settings page does can be done here too.
func (a *API) mountGit(g *router) {
	g.GET("/git/repositories", a.listGitRepositories, a.requireOrg)
	g.POST("/git/repositories", a.connectGitRepository, a.requireOrg)
	g.PUT("/git/repositories/:id", a.updateGitRepository, a.requireOrg)
	g.DELETE("/git/repositories/:id", a.disconnectGitRepository, a.requireOrg)
	g.GET("/git/webhooks", a.listGitWebhooks, a.requireOrg)
	g.POST("/git/webhooks", a.createGitWebhook, a.requireOrg)
	g.DELETE("/git/webhooks/:id", a.deleteGitWebhook, a.requireOrg)
	g.POST("/git/hooks/:repository_id", a.receiveGitHook)
}

// gitRepositoryInput is the body of connect and update; project_id accepts null to unlink the project.
type gitRepositoryInput struct {
	Provider          *string          `json:"provider"`
	RepoURL           *string          `json:"repo_url"`
	ProjectID         Optional[string] `json:"project_id"`
	CloseTasksOnMerge *bool            `json:"close_tasks_on_merge"`
}

func (in gitRepositoryInput) store() store.GitRepositoryInput {
	return store.GitRepositoryInput{Provider: in.Provider, RepoURL: in.RepoURL, ProjectID: in.ProjectID.Ptr(),
		ClearProjectID: in.ProjectID.Cleared(), CloseTasksOnMerge: in.CloseTasksOnMerge}
}

func (a *API) listGitRepositories(c echo.Context) error {
	repos, err := a.store.GitRepositories(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return unpaged(c, repos)
}

func (a *API) connectGitRepository(c echo.Context) error {
	var in gitRepositoryInput
	if err := bind(c, &in); err != nil {
		return err
	}
	r, err := a.store.ConnectGitRepository(c.Request().Context(), actor(c), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

func (a *API) updateGitRepository(c echo.Context) error {
	var in gitRepositoryInput
	if err := bind(c, &in); err != nil {
		return err
	}
	r, err := a.store.UpdateGitRepository(c.Request().Context(), actor(c), c.Param("id"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (a *API) disconnectGitRepository(c echo.Context) error {
	if err := a.store.DisconnectGitRepository(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type gitWebhookInput struct {
	RepositoryID string   `json:"repository_id"`
	URL          string   `json:"url"`
	Events       []string `json:"events"`
	Secret       *string  `json:"secret"`
	Active       *bool    `json:"active"`
}

func (a *API) listGitWebhooks(c echo.Context) error {
	hooks, err := a.store.GitWebhooks(c.Request().Context(), actor(c), c.QueryParam("repository_id"))
	if err != nil {
		return err
	}
	return unpaged(c, hooks)
}

func (a *API) createGitWebhook(c echo.Context) error {
	var in gitWebhookInput
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := a.store.CreateGitWebhook(c.Request().Context(), actor(c), store.GitWebhookInput{
		RepositoryID: in.RepositoryID, URL: in.URL, Events: in.Events, Secret: in.Secret, Active: in.Active,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, w)
}

func (a *API) deleteGitWebhook(c echo.Context) error {
	if err := a.store.DeleteGitWebhook(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// receiveGitHook is a repository's inbound hook: no token, the provider's signature (or GitLab's token) instead.
// It answers 200 with what became of the event (accepted, ignored, or duplicate for a delivery id seen before), 401
// for a missing or wrong signature, 404 for an unknown repository, 400 for a verified body that is not its event's
// JSON, and 413 for a body over 5 MB.
func (a *API) receiveGitHook(c echo.Context) error {
	if err := nulInURL(c); err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, store.MaxGitHookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge
		}
		return errMalformed
	}
	res, err := a.store.ReceiveGitHook(c.Request().Context(), store.GitHook{
		RepositoryID: c.Param("repository_id"), Header: c.Request().Header.Get, Body: body,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}
