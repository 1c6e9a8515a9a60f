package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountAuth(g *router) {
	g.GET("/login", h.loginPage)
	g.POST("/login", h.login)
	g.GET("/register", h.registerPage)
	g.POST("/register", h.register)
	g.POST("/logout", h.logout)
	g.GET("/forgot-password", h.forgotPage)
	g.POST("/forgot-password", h.forgot)
	g.GET("/reset-password", h.resetPage)
	g.POST("/reset-password", h.reset)
	g.GET("/verify-email", h.verifyEmail)
	g.POST("/verify-email/resend", h.resendVerification, h.requireUser)
	g.GET("/invitations/accept", h.invitationPage)
	g.GET("/invitations/:token", h.invitationPage)
	g.POST("/invitations/:token/accept", h.acceptInvitation, h.requireUser)
}

// signIn starts an authenticated session: the token is renewed at login so a session id planted before it is
// useless (session fixation), and the CSRF token with it.
func (h *Handlers) signIn(c echo.Context, u store.User) error {
	if err := h.renewSession(c, u); err != nil {
		return err
	}
	ctx := c.Request().Context()
	h.sessions.Put(ctx, sessUserID, u.ID)
	h.sessions.Remove(ctx, sessOrgID)
	h.sessions.Put(ctx, sessCSRF, newCSRFToken())
	return nil
}

// renewSession gives the session a new id and the user's current session version, after a sign-in or a password
// change (which ends every other session of the user).
func (h *Handlers) renewSession(c echo.Context, u store.User) error {
	ctx := c.Request().Context()
	if err := h.sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.sessions.Put(ctx, sessVersion, u.SessionVersion)
	return nil
}

// deviceCookie names the browser to the account lock: a browser that signed in before passes it with the right
// password (store.LoginInput.Device).
const (
	deviceCookie   = "trcr_device"
	deviceLifetime = 365 * 24 * 60 * 60 // seconds
)

func (h *Handlers) setDeviceCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{
		Name: deviceCookie, Value: token, Path: "/", MaxAge: deviceLifetime,
		HttpOnly: true, Secure: h.sessions.Cookie.Secure, SameSite: http.SameSiteLaxMode,
	})
}

func deviceToken(c echo.Context) string {
	if ck, err := c.Cookie(deviceCookie); err == nil && len(ck.Value) <= 64 {
		return ck.Value
	}
	return ""
}

func (h *Handlers) loginPage(c echo.Context) error {
	if currentUser(c) != nil {
		return redirect(c, orHome(safeNext(c.QueryParam("next"))))
	}
	p, err := h.page(c, "Sign in", "")
	if err != nil {
		return err
	}
	f := views.LoginForm{Email: c.QueryParam("email"), Next: safeNext(c.QueryParam("next"))}
	return render(c, http.StatusOK, views.LoginPage(p, f))
}

func (h *Handlers) login(c echo.Context) error {
	f := views.LoginForm{Email: c.FormValue("email"), Next: safeNext(c.FormValue("next"))}
	s, err := h.store.Login(c.Request().Context(), store.LoginInput{
		Email: f.Email, Password: c.FormValue("password"), IP: c.RealIP(), Device: deviceToken(c), RememberDevice: true,
	})
	if err != nil {
		if f.Errors, f.Error, err = formErrorsAsIs(err); err != nil {
			return err
		}
		p, perr := h.page(c, "Sign in", "")
		if perr != nil {
			return perr
		}
		return renderForm(c, http.StatusUnprocessableEntity, views.LoginPage(p, f), views.LoginFormFragment(p.CSRFToken, f))
	}
	if err := h.signIn(c, s.User); err != nil {
		return err
	}
	h.setDeviceCookie(c, s.Device)
	return redirect(c, orHome(f.Next))
}

func orHome(next string) string {
	if next == "" {
		return "/"
	}
	return next
}

func (h *Handlers) registerPage(c echo.Context) error {
	if currentUser(c) != nil {
		return redirect(c, "/")
	}
	p, err := h.page(c, "Create your account", "")
	if err != nil {
		return err
	}
	f := views.RegisterForm{Email: c.QueryParam("email"), Next: safeNext(c.QueryParam("next"))}
	return render(c, http.StatusOK, views.RegisterPage(p, f))
}

func (h *Handlers) register(c echo.Context) error {
	f := views.RegisterForm{Name: c.FormValue("name"), Email: c.FormValue("email"), Next: safeNext(c.FormValue("next"))}
	s, err := h.store.Register(c.Request().Context(), store.RegisterInput{
		Name: f.Name, Email: f.Email, Password: c.FormValue("password"), Timezone: c.FormValue("timezone"), IP: c.RealIP(),
	})
	if err != nil {
		if f.Errors, f.Error, err = formErrorsAsIs(err); err != nil {
			return err
		}
		p, perr := h.page(c, "Create your account", "")
		if perr != nil {
			return perr
		}
		return renderForm(c, http.StatusUnprocessableEntity, views.RegisterPage(p, f), views.RegisterFormFragment(p.CSRFToken, f))
	}
	if err := h.signIn(c, s.User); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Welcome to TRCR! We sent a link to "+s.User.Email+" to confirm your address.")
	// Someone who came from an invitation goes back to accept it; everyone else creates an organization.
	return redirect(c, orDefault(f.Next, "/onboarding"))
}

func (h *Handlers) logout(c echo.Context) error {
	ctx := c.Request().Context()
	if err := h.sessions.Destroy(ctx); err != nil {
		return err
	}
	return redirect(c, orDefault(safeNext(c.FormValue("next")), "/login"))
}

func (h *Handlers) forgotPage(c echo.Context) error {
	p, err := h.page(c, "Reset your password", "")
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ForgotPasswordPage(p, views.ForgotPasswordForm{Email: c.QueryParam("email")}))
}

func (h *Handlers) forgot(c echo.Context) error {
	f := views.ForgotPasswordForm{Email: c.FormValue("email")}
	status := http.StatusOK
	err := h.store.ForgotPassword(c.Request().Context(), f.Email, c.RealIP())
	if err != nil {
		if f.Errors, f.Error, err = formErrorsAsIs(err); err != nil {
			return err
		}
		status = http.StatusUnprocessableEntity
	} else {
		f.Sent = true
	}
	p, err := h.page(c, "Reset your password", "")
	if err != nil {
		return err
	}
	return renderForm(c, status, views.ForgotPasswordPage(p, f), views.ForgotPasswordFormFragment(p.CSRFToken, f))
}

func (h *Handlers) resetPage(c echo.Context) error {
	p, err := h.page(c, "Choose a new password", "")
	if err != nil {
		return err
	}
	f := views.ResetPasswordForm{Token: c.QueryParam("token"), TokenInvalid: c.QueryParam("token") == ""}
	return render(c, http.StatusOK, views.ResetPasswordPage(p, f))
}

func (h *Handlers) reset(c echo.Context) error {
	f := views.ResetPasswordForm{Token: c.FormValue("token")}
	var err error
	if confirm := c.FormValue("password_confirm"); confirm != "" && confirm != c.FormValue("password") {
		f.Errors = map[string]string{"password_confirm": "The passwords do not match."}
	} else {
		var u store.User
		u, err = h.store.ResetPassword(c.Request().Context(), f.Token, c.FormValue("password"))
		if err == nil {
			if err := h.signIn(c, u); err != nil {
				return err
			}
			h.flash(c, views.FlashSuccess, "Your password has been changed.")
			return redirect(c, "/")
		}
		if f.Errors, f.Error, err = formErrorsAsIs(err); err != nil {
			return err
		}
		if _, bad := f.Errors["token"]; bad {
			f.TokenInvalid = true
		}
	}
	p, err := h.page(c, "Choose a new password", "")
	if err != nil {
		return err
	}
	return renderForm(c, http.StatusUnprocessableEntity, views.ResetPasswordPage(p, f), views.ResetPasswordFormFragment(p.CSRFToken, f))
}

func (h *Handlers) verifyEmail(c echo.Context) error {
	p, err := h.page(c, "Verify email", "")
	if err != nil {
		return err
	}
	r := views.VerifyEmailResult{ContinueURL: "/"}
	if _, err := h.store.VerifyEmail(c.Request().Context(), c.QueryParam("token")); err != nil {
		if !errors.Is(err, store.ErrInvalid) {
			return err
		}
		r.CanResend = currentUser(c) != nil && !currentUser(c).EmailVerified
		return render(c, http.StatusBadRequest, views.VerifyEmailPage(p, r))
	}
	r.Success = true
	return render(c, http.StatusOK, views.VerifyEmailPage(p, r))
}

func (h *Handlers) resendVerification(c echo.Context) error {
	if err := h.store.ResendVerification(c.Request().Context(), currentUser(c).ID); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "We sent a new verification link to "+currentUser(c).Email+".")
	return redirect(c, "/")
}

func (h *Handlers) invitationPage(c echo.Context) error {
	token := c.Param("token")
	if token == "" {
		token = c.QueryParam("token")
	}
	p, err := h.page(c, "Invitation", "")
	if err != nil {
		return err
	}
	inv, err := h.store.InvitationByToken(c.Request().Context(), token)
	if err != nil {
		if !errors.Is(err, store.ErrInvalid) {
			return err
		}
		return render(c, http.StatusNotFound, views.AcceptInvitationPage(p, views.Invitation{Invalid: true}))
	}
	return render(c, http.StatusOK, views.AcceptInvitationPage(p, views.Invitation{
		Token: token, OrgName: inv.OrganizationName, InviterName: inv.InviterName, Role: inv.Role, Email: inv.Email,
	}))
}

func (h *Handlers) acceptInvitation(c echo.Context) error {
	m, err := h.store.AcceptInvitation(c.Request().Context(), currentUser(c).ID, c.RealIP(), c.Param("token"))
	if err != nil {
		// An invitation for another address is refused on the invitation's own page, which says so.
		var fields map[string]string
		var msg string
		if other, ok := store.AsKind(err, store.ErrForbidden); ok {
			msg = other.Message
		} else if fields, msg, err = formErrorsAsIs(err); err != nil {
			return err
		}
		if msg == "" && fields != nil {
			msg = "This invitation is invalid, was already used or has expired."
		}
		p, perr := h.page(c, "Invitation", "")
		if perr != nil {
			return perr
		}
		return render(c, http.StatusUnprocessableEntity, views.AcceptInvitationPage(p, views.Invitation{Invalid: true, Error: msg}))
	}
	h.sessions.Put(c.Request().Context(), sessOrgID, m.OrganizationID)
	h.flash(c, views.FlashSuccess, "You joined the organization. Welcome aboard!")
	return redirect(c, "/")
}
