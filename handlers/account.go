package handlers

import (
	"net/http"

	"github.com/a-h/templ"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountAccount(g *router) {
	g.GET("/profile", h.profilePage, h.requireUser)
	g.POST("/profile", h.updateProfile, h.requireUser)
	g.UPLOAD("/profile/avatar", h.uploadAvatar, h.requireUser)
	g.POST("/profile/avatar/remove", h.removeAvatar, h.requireUser)
	g.POST("/profile/password", h.changePassword, h.requireUser)
}

// profileView is the profile page's forms filled from the user.
func profileView(u store.User) views.ProfileView {
	return views.ProfileView{
		Profile:  views.ProfileForm{Name: u.Name, Email: u.Email, Timezone: u.Timezone},
		Avatar:   views.AvatarForm{AvatarURL: deref(u.AvatarURL), Initials: initials(u.Name, u.Email), Name: u.Name},
		Password: views.PasswordForm{},
	}
}

// accountPage is the page chrome for account pages, inside the organization when the user has one.
func (h *Handlers) accountPage(c echo.Context) (views.Page, error) {
	ctx := c.Request().Context()
	if a, err := h.store.ActorFor(ctx, currentUser(c).ID, h.sessions.GetString(ctx, sessOrgID), c.RealIP()); err == nil {
		c.Set(ctxActor, a)
	}
	return h.page(c, "Profile", views.NavProfile)
}

func (h *Handlers) profilePage(c echo.Context) error {
	prefs, err := h.store.NotificationPreferences(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	p, err := h.accountPage(c)
	if err != nil {
		return err
	}
	v := profileView(*currentUser(c))
	v.Notifications.Rows = preferenceRows(prefs)
	return render(c, http.StatusOK, views.ProfilePage(p, v))
}

func (h *Handlers) updateProfile(c echo.Context) error {
	name, tz := c.FormValue("name"), c.FormValue("timezone")
	u, err := h.store.UpdateProfile(c.Request().Context(), currentUser(c).ID, store.ProfileInput{Name: &name, Timezone: &tz})
	v := profileView(*currentUser(c))
	status := http.StatusOK
	if err != nil {
		v.Profile.Name, v.Profile.Timezone = name, tz
		if v.Profile.Errors, v.Profile.Error, err = formErrorsAsIs(err); err != nil {
			return err
		}
		status = http.StatusUnprocessableEntity
	} else {
		v = profileView(u)
		c.Set(ctxUser, &u)
		h.flash(c, views.FlashSuccess, "Profile saved.")
	}
	return h.profileResult(c, status, v, views.ProfileFormFragment(csrfToken(c), v.Profile))
}

// profileResult answers a profile form: htmx gets the fragment (and, on success, the flash out of band);
// plain forms get the page again.
func (h *Handlers) profileResult(c echo.Context, status int, v views.ProfileView, fragment templ.Component) error {
	p, err := h.accountPage(c)
	if err != nil {
		return err
	}
	return formResult(c, status, p, views.ProfilePage(p, v), fragment)
}

func (h *Handlers) uploadAvatar(c echo.Context) error {
	v := profileView(*currentUser(c))
	status := http.StatusOK
	file, err := formFile(c, "avatar")
	if err == nil {
		var u store.User
		u, err = h.store.SetAvatar(c.Request().Context(), currentUser(c).ID, file)
		if err == nil {
			v = profileView(u)
			c.Set(ctxUser, &u)
			h.flash(c, views.FlashSuccess, "Photo updated.")
		}
	}
	if err != nil {
		if v.Avatar.Errors, v.Avatar.Error, err = formErrorsAsIs(err); err != nil {
			return err
		}
		if v.Avatar.Errors != nil {
			v.Avatar.Errors = map[string]string{"avatar": v.Avatar.Errors["file"]}
		}
		status = http.StatusUnprocessableEntity
	}
	return h.profileResult(c, status, v, views.AvatarFormFragment(csrfToken(c), v.Avatar))
}

func (h *Handlers) removeAvatar(c echo.Context) error {
	u, err := h.store.RemoveAvatar(c.Request().Context(), currentUser(c).ID)
	if err != nil {
		return err
	}
	c.Set(ctxUser, &u)
	h.flash(c, views.FlashSuccess, "Photo removed.")
	v := profileView(u)
	return h.profileResult(c, http.StatusOK, v, views.AvatarFormFragment(csrfToken(c), v.Avatar))
}

func (h *Handlers) changePassword(c echo.Context) error {
	v := profileView(*currentUser(c))
	status := http.StatusOK
	u, err := h.store.ChangePassword(c.Request().Context(), currentUser(c).ID, c.FormValue("current_password"), c.FormValue("new_password"))
	if err == nil {
		// Every other session of the user ends with the old session version; this one carries on under a new id.
		err = h.renewSession(c, u)
	}
	if err != nil {
		if v.Password.Errors, v.Password.Error, err = formErrorsAsIs(err); err != nil {
			return err
		}
		status = http.StatusUnprocessableEntity
	} else {
		h.flash(c, views.FlashSuccess, "Password changed. Other devices were signed out.")
	}
	return h.profileResult(c, status, v, views.PasswordFormFragment(csrfToken(c), v.Password))
}
