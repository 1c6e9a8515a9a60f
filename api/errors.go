package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// errorBody is {"error": {"code", "message", "fields"}}.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// HandleError maps an error to its status and JSON body, once for every route. Unknown errors are logged with the
// request id and answered 500 without internals.
func (a *API) HandleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	err = store.Classify(err)
	status, body := a.classify(err, c)
	if status >= 500 {
		a.log.Error("request failed", "request_id", c.Response().Header().Get(echo.HeaderXRequestID),
			"method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, body)
}

func (a *API) classify(err error, c echo.Context) (int, errorBody) {
	e := func(status int, code, msg string) (int, errorBody) {
		return status, errorBody{errorDetail{Code: code, Message: msg}}
	}
	var (
		verr     *store.ValidationError
		conflict *store.ConflictError
		forbid   *store.ForbiddenError
		limited  *store.RateLimitError
		tooLarge *store.TooLargeError
		badType  *store.UnsupportedTypeError
		bindErr  *bindError
		httpErr  *echo.HTTPError
		down     *store.UnavailableError
		storage  *store.StorageError
	)
	switch {
	case errors.As(err, &down):
		c.Response().Header().Set("Retry-After", strconv.Itoa(down.RetryAfterSeconds()))
		return e(http.StatusServiceUnavailable, "unavailable", down.Message())
	case errors.As(err, &storage):
		return e(http.StatusInsufficientStorage, "insufficient_storage", storage.Message)
	case errors.As(err, &verr):
		return http.StatusBadRequest, errorBody{errorDetail{Code: "validation_failed", Message: verr.Message, Fields: verr.Fields}}
	case errors.As(err, &bindErr):
		return http.StatusBadRequest, errorBody{errorDetail{Code: "invalid_body", Message: bindErr.msg, Fields: map[string]string{bindErr.field: bindErr.msg}}}
	case errors.Is(err, errMalformed):
		return e(http.StatusBadRequest, "invalid_body", err.Error())
	case errors.Is(err, errTooLarge):
		return e(http.StatusRequestEntityTooLarge, "payload_too_large", err.Error())
	case errors.Is(err, store.ErrNoOrganization):
		return e(http.StatusBadRequest, "no_organization", "no organization: create one or send X-Organization-ID")
	case errors.Is(err, store.ErrUnauthorized):
		msg := "missing or invalid credentials"
		var ue *store.UnauthorizedError
		if errors.As(err, &ue) {
			msg = ue.Message
		}
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="trcr"`)
		return e(http.StatusUnauthorized, "unauthorized", msg)
	case errors.As(err, &forbid):
		return e(http.StatusForbidden, "forbidden", forbid.Message)
	case errors.Is(err, store.ErrForbidden):
		return e(http.StatusForbidden, "forbidden", "you do not have permission to do this")
	case errors.Is(err, store.ErrNotFound):
		return e(http.StatusNotFound, "not_found", "not found")
	case errors.As(err, &conflict):
		return e(http.StatusConflict, "conflict", conflict.Message)
	case errors.Is(err, store.ErrConflict):
		return e(http.StatusConflict, "conflict", "conflict")
	case errors.As(err, &limited):
		c.Response().Header().Set("Retry-After", strconv.Itoa(limited.RetryAfterSeconds()))
		return e(http.StatusTooManyRequests, "rate_limited", limited.Error())
	case errors.As(err, &tooLarge):
		return e(http.StatusRequestEntityTooLarge, "payload_too_large", tooLarge.Error())
	case errors.As(err, &badType):
		return e(http.StatusUnsupportedMediaType, "unsupported_media_type", badType.Error())
	case errors.As(err, &httpErr):
		return a.classifyHTTP(httpErr)
	}
	return e(http.StatusInternalServerError, "internal_error", "internal server error")
}

// classifyHTTP maps Echo's own errors (unknown route, wrong method, middleware failures) to the same body.
func (a *API) classifyHTTP(he *echo.HTTPError) (int, errorBody) {
	code := map[int]string{
		http.StatusNotFound:              "not_found",
		http.StatusMethodNotAllowed:      "method_not_allowed",
		http.StatusRequestEntityTooLarge: "payload_too_large",
		http.StatusUnsupportedMediaType:  "unsupported_media_type",
		http.StatusTooManyRequests:       "rate_limited",
		http.StatusUnauthorized:          "unauthorized",
		http.StatusForbidden:             "forbidden",
		http.StatusBadRequest:            "bad_request",
	}[he.Code]
	if code == "" {
		if he.Code >= 500 {
			return http.StatusInternalServerError, errorBody{errorDetail{Code: "internal_error", Message: "internal server error"}}
		}
		code = "error"
	}
	msg := http.StatusText(he.Code)
	if s, ok := he.Message.(string); ok && he.Code < 500 {
		msg = s
	}
	return he.Code, errorBody{errorDetail{Code: code, Message: msg}}
}
