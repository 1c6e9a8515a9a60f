package api

import (
	"errors"
	"fmt"
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
	switch {
	case errors.Is(err, errInsufficientScope):
		return errorAnswer(http.StatusForbidden, "insufficient_scope", "this token is read-only: it may only read (GET)")
	case store.IsIdempotencyKeyReused(err):
		return errorAnswer(http.StatusUnprocessableEntity, "idempotency_key_reused", "this Idempotency-Key was used with another request")
	case store.IsIdempotencyKeyInUse(err):
		return errorAnswer(http.StatusConflict, "idempotency_key_in_use", "a request with this Idempotency-Key is still running")
	}
	if se := store.ErrorOf(err); se != nil {
		return classifyStore(se, c)
	}
	var (
		bindErr *bindError
		httpErr *echo.HTTPError
	)
	switch {
	case errors.As(err, &bindErr):
		return http.StatusBadRequest, errorBody{errorDetail{Code: "invalid_body", Message: bindErr.msg, Fields: map[string]string{bindErr.field: bindErr.msg}}}
	case errors.Is(err, errMalformed):
		return errorAnswer(http.StatusBadRequest, "invalid_body", err.Error())
	case errors.Is(err, errTooLarge):
		return errorAnswer(http.StatusRequestEntityTooLarge, "payload_too_large", err.Error())
	case errors.As(err, &httpErr):
		return a.classifyHTTP(httpErr)
	}
	return errorAnswer(http.StatusInternalServerError, "internal_error", "internal server error")
}

// classifyStore maps each kind of store error to its status, code and headers. A kind without a message (a
// bare sentinel) gets the kind's general words.
func classifyStore(se *store.Error, c echo.Context) (int, errorBody) {
	msg := func(general string) string {
		if se.Message == "" {
			return general
		}
		return se.Message
	}
	switch se.Kind {
	case store.ErrUnavailable:
		c.Response().Header().Set("Retry-After", strconv.Itoa(se.RetryAfterSeconds()))
		return errorAnswer(http.StatusServiceUnavailable, "unavailable", msg("the service is temporarily unavailable"))
	case store.ErrInsufficientStorage:
		return errorAnswer(http.StatusInsufficientStorage, "insufficient_storage", msg("file storage is unavailable"))
	case store.ErrInvalid:
		return http.StatusBadRequest, errorBody{errorDetail{Code: "validation_failed", Message: msg("invalid input"), Fields: se.Fields}}
	case store.ErrNoOrganization:
		return errorAnswer(http.StatusBadRequest, "no_organization", "no organization: create one or send X-Organization-ID")
	case store.ErrUnauthorized:
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="trcr"`)
		return errorAnswer(http.StatusUnauthorized, "unauthorized", msg("missing or invalid credentials"))
	case store.ErrForbidden:
		return errorAnswer(http.StatusForbidden, "forbidden", msg("you do not have permission to do this"))
	case store.ErrNotFound:
		return errorAnswer(http.StatusNotFound, "not_found", "not found")
	case store.ErrConflict:
		return errorAnswer(http.StatusConflict, "conflict", msg("conflict"))
	case store.ErrRateLimited:
		c.Response().Header().Set("Retry-After", strconv.Itoa(se.RetryAfterSeconds()))
		return errorAnswer(http.StatusTooManyRequests, "rate_limited",
			fmt.Sprintf("%s, retry in %d seconds", msg("too many requests"), se.RetryAfterSeconds()))
	case store.ErrTooLarge:
		return errorAnswer(http.StatusRequestEntityTooLarge, "payload_too_large", msg("payload too large"))
	case store.ErrUnsupportedType:
		return errorAnswer(http.StatusUnsupportedMediaType, "unsupported_media_type", msg("unsupported media type"))
	}
	return errorAnswer(http.StatusInternalServerError, "internal_error", "internal server error")
}

func errorAnswer(status int, code, msg string) (int, errorBody) {
	return status, errorBody{errorDetail{Code: code, Message: msg}}
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
