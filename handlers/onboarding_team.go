package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
	"github.com/trcr/trcr/views"
)

// The onboarding's last step: after creating the organization its owner may invite teammates, or skip.

func (h *Handlers) mountOnboardingTeam(g *router) {
	g.GET("/onboarding/team", h.onboardingTeamPage, h.requireOrg)
	g.POST("/onboarding/team", h.onboardingInvite, h.requireOrg)
}

func (h *Handlers) onboardingTeamPage(c echo.Context) error {
	a := currentActor(c)
	if !a.Permissions().ManageMembers {
		return redirect(c, "/")
	}
	p, err := h.page(c, "Invite your team", "")
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.OnboardingTeamPage(p, h.onboardingTeamView(c, views.InviteForm{}, c.QueryParam("sent") != "")))
}

func (h *Handlers) onboardingTeamView(c echo.Context, f views.InviteForm, sent bool) views.OnboardingTeamView {
	f.AllowOwner = currentActor(c).Permissions().ManageOwners
	if f.Role == "" {
		f.Role = vocab.RoleMember
	}
	return views.OnboardingTeamView{Invite: f, Verified: currentUser(c).EmailVerified, Sent: sent}
}

// onboardingInvite sends one invitation and comes back to the step for the next one.
func (h *Handlers) onboardingInvite(c echo.Context) error {
	a := currentActor(c)
	f := views.InviteForm{Email: c.FormValue("email"), Role: c.FormValue("role")}
	m, err := h.store.Invite(c.Request().Context(), a, store.InviteInput{Email: f.Email, Role: f.Role})
	if err == nil {
		h.flash(c, views.FlashSuccess, "Invitation sent to "+m.Email+". Invite someone else, or continue.")
		return redirect(c, "/onboarding/team?sent=1")
	}
	if errors.Is(err, store.ErrEmailNotVerified) {
		f.Error = store.ErrEmailNotVerified.Message
	} else if f.Errors, f.Error, err = formErrorsAsIs(err); err != nil {
		return err
	}
	p, err := h.page(c, "Invite your team", "")
	if err != nil {
		return err
	}
	v := h.onboardingTeamView(c, f, c.QueryParam("sent") != "")
	return renderForm(c, http.StatusUnprocessableEntity, views.OnboardingTeamPage(p, v), views.OnboardingInviteForm(p.CSRFToken, v.Invite))
}
