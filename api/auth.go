package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountAuth(g *router) {
	g.POST("/auth/register", a.register)
	g.POST("/auth/login", a.login)
	g.POST("/auth/refresh", a.refresh)
	g.POST("/auth/logout", a.logout, a.requireUser)
	g.POST("/auth/forgot-password", a.forgotPassword)
	g.POST("/auth/reset-password", a.resetPassword)
	g.POST("/auth/verify-email", a.verifyEmail)
	g.POST("/invitations/accept", a.acceptInvitation, a.requireUser)
}

// authBody is the answer of register, login and refresh.
type authBody struct {
	*store.Tokens
	User store.User `json:"user"`
}

func (a *API) register(c echo.Context) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		Name     string `json:"name"`
		Timezone string `json:"timezone"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	s, err := a.store.Register(c.Request().Context(), store.RegisterInput{
		Email: in.Email, Password: in.Password, Name: in.Name, Timezone: in.Timezone, IP: c.RealIP(), WithTokens: true,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, authBody{Tokens: s.Tokens, User: s.User})
}

func (a *API) login(c echo.Context) error {
	var in struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	s, err := a.store.Login(c.Request().Context(), store.LoginInput{Email: in.Email, Password: in.Password, IP: c.RealIP(), WithTokens: true})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, authBody{Tokens: s.Tokens, User: s.User})
}

type refreshInput struct {
	RefreshToken string `json:"refresh_token"`
}

func (a *API) refresh(c echo.Context) error {
	var in refreshInput
	if err := bind(c, &in); err != nil {
		return err
	}
	s, err := a.store.Refresh(c.Request().Context(), in.RefreshToken)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, authBody{Tokens: s.Tokens, User: s.User})
}

func (a *API) logout(c echo.Context) error {
	var in refreshInput
	if err := bind(c, &in); err != nil {
		return err
	}
	if err := a.store.Logout(c.Request().Context(), userID(c), in.RefreshToken); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// messageBody is the answer of actions that have no resource to return.
type messageBody struct {
	Message string `json:"message"`
}

func (a *API) forgotPassword(c echo.Context) error {
	var in struct {
		Email string `json:"email"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	if err := a.store.ForgotPassword(c.Request().Context(), in.Email, c.RealIP()); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, messageBody{"If an account exists for that email, a password reset link has been sent."})
}

func (a *API) resetPassword(c echo.Context) error {
	var in struct {
		Token    string `json:"token"`
		Password string `json:"password"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	if _, err := a.store.ResetPassword(c.Request().Context(), in.Token, in.Password); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, messageBody{"Your password has been reset. Log in with the new password."})
}

func (a *API) verifyEmail(c echo.Context) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	u, err := a.store.VerifyEmail(c.Request().Context(), in.Token)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, u)
}

func (a *API) acceptInvitation(c echo.Context) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := a.store.AcceptInvitation(c.Request().Context(), userID(c), c.RealIP(), in.Token)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}
