package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountTokens(g *router) {
	g.GET("/profile/tokens", h.tokensPage, h.requireUser)
	g.POST("/profile/tokens", h.createToken, h.requireUser)
	g.POST("/profile/tokens/:id/revoke", h.revokeToken, h.requireUser)
}

// sessionCredentials are a signed-in page's: the person themself, never a personal access token.
func sessionCredentials(c echo.Context) store.Credentials {
	return store.Credentials{UserID: currentUser(c).ID, WriteAllowed: true}
}

func (h *Handlers) tokensPage(c echo.Context) error {
	return h.renderTokens(c, http.StatusOK, views.AccessTokensView{Form: views.AccessTokenForm{Scope: "read", Expires: "90"}})
}

// renderTokens reads the tokens (the page's one read) and renders the page with v's form and new token.
func (h *Handlers) renderTokens(c echo.Context, status int, v views.AccessTokensView) error {
	tokens, err := h.store.PersonalTokens(c.Request().Context(), sessionCredentials(c))
	if err != nil {
		return err
	}
	v.Now = h.now()
	for _, t := range tokens {
		row := views.AccessTokenRow{ID: t.ID, Name: t.Name, Prefix: t.Prefix, LastUsedAt: t.LastUsedAt, Expires: "Never"}
		for _, sc := range t.Scopes {
			row.Write = row.Write || sc == store.ScopeWrite
		}
		if t.ExpiresAt != nil {
			row.Expires = views.FormatDate(t.ExpiresAt.Format(time.DateOnly))
		}
		v.Tokens = append(v.Tokens, row)
	}
	p, err := h.accountPage(c)
	if err != nil {
		return err
	}
	return render(c, status, views.AccessTokensPage(p, v))
}

func (h *Handlers) createToken(c echo.Context) error {
	f := views.AccessTokenForm{Name: c.FormValue("name"), Scope: c.FormValue("scope"), Expires: c.FormValue("expires")}
	in := store.PersonalTokenInput{Name: f.Name, Scopes: []string{store.ScopeRead}}
	if f.Scope == "write" {
		in.Scopes = append(in.Scopes, store.ScopeWrite)
	}
	if days, err := strconv.Atoi(f.Expires); err == nil && days > 0 && days <= 365 {
		at := h.now().AddDate(0, 0, days).UTC().Format(time.RFC3339)
		in.ExpiresAt = &at
	}
	t, err := h.store.CreatePersonalToken(c.Request().Context(), sessionCredentials(c), in)
	if err != nil {
		if f.Errors, f.Error, err = formErrors(err, map[string]string{"name": "Name", "expires_at": "Expiry", "scopes": "Access"}); err != nil {
			return err
		}
		return h.renderTokens(c, http.StatusUnprocessableEntity, views.AccessTokensView{Form: f})
	}
	// The secret is shown in this answer only; a reload of the page does not show it again.
	return h.renderTokens(c, http.StatusCreated, views.AccessTokensView{Created: &views.NewAccessToken{Token: t.Token},
		Form: views.AccessTokenForm{Scope: "read", Expires: "90"}})
}

func (h *Handlers) revokeToken(c echo.Context) error {
	if err := h.store.RevokePersonalToken(c.Request().Context(), sessionCredentials(c), c.Param("id")); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Token revoked.")
	return redirect(c, "/profile/tokens")
}
