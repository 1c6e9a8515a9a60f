// Package api is TRCR's JSON API under /api/v1 for integrators: Bearer JWT authentication, and for each route
// decode → one store call → encode. The conventions of DECISIONS.md (error body, list envelope, pagination,
// binding, ids) live in this file and errors.go, once.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// maxJSONBody is the largest JSON request body accepted; larger ones answer 413.
const maxJSONBody = 1 << 20

// API serves /api/v1.
type API struct {
	store *store.Store
	log   *slog.Logger
	opts  Options
}

// Options configure the API beyond the store.
type Options struct {
	Logger *slog.Logger
	// Hub delivers the live events of GET /events; without one the route answers 503.
	Hub *store.Hub
	// SessionUser reads the signed-in user and their chosen organization from a page session cookie, so that pages
	// can open GET /events without a Bearer token. ok is false without a valid session.
	SessionUser func(r *http.Request) (userID, orgID string, ok bool)
}

// New builds the API over a store.
func New(s *store.Store, opts Options) *API {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &API{store: s, log: opts.Logger, opts: opts}
}

// Mount registers every route on g, which is mounted at /api/v1.
func (a *API) Mount(group *echo.Group) {
	g := &router{g: group, api: a}
	a.mountAuth(g)
	a.mountUsers(g)
	a.mountOrganizations(g)
	a.mountMembers(g)
	a.mountAuditLogs(g)
	a.mountProjects(g)
	a.mountLabels(g)
	a.mountTaskStatuses(g)
	a.mountTaskGroups(g)
	a.mountTasks(g)
	a.mountTaskDetails(g)
	a.mountMilestones(g)
	a.mountClients(g)
	a.mountTimeEntries(g)
	a.mountReports(g)
	a.mountInvoices(g)
	a.mountPayments(g)
	a.mountEvents(g)
	a.mountAccessTokens(g)
	a.mountNotifications(g)
	a.mountChat(g)
	a.mountFiles(g)
	a.mountGit(g)
	a.mountOpenAPI(g)
	a.mountWebhooks(g)
	a.mountSearch(g)
}

// router registers routes with the middleware every route shares in front. (Group.Use would do it, but it also
// routes every unknown path of the group, which turns 405 answers into 404.)
type router struct {
	g   *echo.Group
	api *API
}

func (r *router) add(method, path string, h echo.HandlerFunc, mw []echo.MiddlewareFunc) {
	chain := append([]echo.MiddlewareFunc{noStore}, mw...)
	if method == http.MethodPost {
		chain = append(chain, r.api.idempotent) // after authentication: keys are per user
	}
	r.g.Add(method, path, h, chain...)
}

func (r *router) GET(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.add(http.MethodGet, path, h, mw)
}

func (r *router) POST(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.add(http.MethodPost, path, h, mw)
}

func (r *router) PUT(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.add(http.MethodPut, path, h, mw)
}

func (r *router) DELETE(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.add(http.MethodDelete, path, h, mw)
}

// noStore keeps answers out of caches: each is one caller's data.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return next(c)
	}
}

// listBody is the list envelope: {"data": [...], "meta": {"page", "per_page", "total"}}.
type listBody[T any] struct {
	Data []T      `json:"data"`
	Meta listMeta `json:"meta"`
}

type listMeta struct {
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
}

func paged[T any](c echo.Context, l store.List[T]) error {
	if l.Items == nil {
		l.Items = []T{}
	}
	return c.JSON(http.StatusOK, listBody[T]{Data: l.Items, Meta: listMeta{Page: l.Page, PerPage: l.PerPage, Total: l.Total}})
}

// pagedJSON writes a page whose items PostgreSQL already wrote as JSON, in paged's envelope, without decoding them
// or copying them into a body of their own.
func pagedJSON[T any](c echo.Context, l store.JSONList[T]) error {
	meta, err := json.Marshal(listMeta{Page: l.Page, PerPage: l.PerPage, Total: l.Total})
	if err != nil {
		return err
	}
	return jsonParts(c, []byte(`{"data":`), l.Data, []byte(`,"meta":`), meta, []byte("}\n"))
}

// objectJSON writes an object PostgreSQL wrote as JSON (store.JSONObject), as c.JSON would write it.
func objectJSON[T any](c echo.Context, o store.JSONObject[T]) error {
	return jsonParts(c, o.Data, []byte("\n"))
}

// jsonParts writes a JSON body made of parts, with its length known in Content-Length so that net/http sends it as
// it is rather than in chunks (the gzip middleware drops the length when it compresses). The response's buffer
// gathers the small parts; a part larger than it goes to the connection as it is.
func jsonParts(c echo.Context, parts ...[]byte) error {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	r := c.Response()
	r.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	r.Header().Set(echo.HeaderContentLength, strconv.Itoa(n))
	r.WriteHeader(http.StatusOK)
	for _, p := range parts {
		if _, err := r.Write(p); err != nil {
			return err
		}
	}
	return nil
}

// dataBody is the envelope of lists that are never paginated.
type dataBody[T any] struct {
	Data []T `json:"data"`
}

func unpaged[T any](c echo.Context, items []T) error {
	if items == nil {
		items = []T{}
	}
	return c.JSON(http.StatusOK, dataBody[T]{Data: items})
}

// page reads page and per_page from the query string.
func page(c echo.Context) (store.Page, error) {
	return store.ParsePage(c.QueryParam("page"), c.QueryParam("per_page"))
}

// errMalformed and errTooLarge are binding failures, mapped to 400 and 413.
var (
	errMalformed = errors.New("request body is not valid JSON")
	errTooLarge  = errors.New("request body is too large")
)

// bindError explains which field had the wrong type.
type bindError struct{ msg, field string }

func (e *bindError) Error() string { return e.msg }

// bind decodes a JSON body into dst. Unknown fields are ignored; malformed JSON or a wrong type is a 400 naming
// the field; a body over 1 MB is a 413. An empty body reads as {}.
func bind(c echo.Context, dst any) error {
	body := http.MaxBytesReader(c.Response(), c.Request().Body, maxJSONBody)
	raw, err := io.ReadAll(body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge
		}
		return errMalformed
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return &bindError{msg: typeErr.Field + " has the wrong type: expected " + typeName(typeErr.Type.String()), field: typeErr.Field}
		}
		return errMalformed
	}
	// A raw NUL byte is already malformed JSON; the escape is valid JSON that PostgreSQL cannot store as text.
	if bytes.Contains(raw, []byte(`\u0000`)) {
		if field, ok := nulField(raw); ok {
			return store.Invalid(field, field+nulMessage)
		}
	}
	return nil
}

const nulMessage = " must not contain NUL characters"

// nulField names the first value (or key) of a JSON document that holds a NUL character: "title",
// "address.street", "label_ids[2]".
func nulField(raw []byte) (string, bool) {
	var doc any
	if json.Unmarshal(raw, &doc) != nil {
		return "", false
	}
	return nulIn(doc, "")
}

func nulIn(v any, path string) (string, bool) {
	switch v := v.(type) {
	case string:
		return fieldName(path), strings.ContainsRune(v, 0)
	case []any:
		for i, x := range v {
			if p, ok := nulIn(x, fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, true
			}
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if strings.ContainsRune(k, 0) {
				return fieldName(path), true
			}
			child := k
			if path != "" {
				child = path + "." + k
			}
			if p, ok := nulIn(v[k], child); ok {
				return p, true
			}
		}
	}
	return "", false
}

func fieldName(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

// nulInURL refuses a NUL character in the path or the query string. requireUser checks it for every route that
// reads either (a middleware on the /api/v1 group would catch every unknown path and turn 405s into 404s).
func nulInURL(c echo.Context) error {
	if strings.ContainsRune(c.Request().URL.Path, 0) {
		return store.Invalid("path", "path"+nulMessage)
	}
	query := c.QueryParams()
	for _, name := range slices.Sorted(maps.Keys(query)) {
		if strings.ContainsRune(name, 0) {
			return store.Invalid("query", "query"+nulMessage)
		}
		for _, v := range query[name] {
			if strings.ContainsRune(v, 0) {
				return store.Invalid(name, name+nulMessage)
			}
		}
	}
	return nil
}

func typeName(goType string) string {
	switch {
	case strings.Contains(goType, "string"):
		if strings.HasPrefix(strings.TrimPrefix(goType, "*"), "[]") {
			return "an array of strings"
		}
		return "a string"
	case strings.Contains(goType, "bool"):
		return "a boolean"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case strings.HasPrefix(goType, "map"):
		return "an object"
	}
	return "another type"
}

// Context keys.
const (
	ctxUserID      = "trcr.user_id"
	ctxCredentials = "trcr.credentials"
	ctxActor       = "trcr.actor"
)

func userID(c echo.Context) string { return c.Get(ctxUserID).(string) }

func actor(c echo.Context) store.Actor { return c.Get(ctxActor).(store.Actor) }

// requireUser authenticates the Bearer access token.
func (a *API) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, err := bearerToken(c)
		if err != nil {
			return err
		}
		creds, err := a.store.AuthenticateBearer(c.Request().Context(), token)
		if err != nil {
			return err
		}
		if err := admit(c, creds); err != nil {
			return err
		}
		return next(c)
	}
}

func bearerToken(c echo.Context) (string, error) {
	token, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
	if !ok || strings.TrimSpace(token) == "" {
		return "", store.ErrUnauthorized
	}
	return strings.TrimSpace(token), nil
}

// admit refuses what valid credentials may still not do here, and keeps them for the handler.
func admit(c echo.Context, creds store.Credentials) error {
	if err := nulInURL(c); err != nil {
		return err
	}
	if m := c.Request().Method; !creds.WriteAllowed && m != http.MethodGet && m != http.MethodHead {
		return errInsufficientScope
	}
	c.Set(ctxUserID, creds.UserID)
	c.Set(ctxCredentials, creds)
	return nil
}

// requireOrg authenticates the Bearer token and resolves the organization of the request from X-Organization-ID
// or the user's default, with one store call.
func (a *API) requireOrg(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token, err := bearerToken(c)
		if err != nil {
			return err
		}
		creds, act, err := a.store.BearerActor(c.Request().Context(), token, c.Request().Header.Get("X-Organization-ID"), c.RealIP())
		if creds.UserID == "" {
			return err
		}
		if err := admit(c, creds); err != nil {
			return err
		}
		if err != nil {
			return err
		}
		c.Set(ctxActor, act)
		return next(c)
	}
}

// orgFromPath resolves the organization named in the path (:id) for /organizations/:id routes.
func (a *API) orgFromPath(next echo.HandlerFunc) echo.HandlerFunc {
	return a.requireUser(func(c echo.Context) error {
		act, err := a.store.ActorFor(c.Request().Context(), userID(c), c.Param("id"), c.RealIP())
		if err != nil {
			return err
		}
		c.Set(ctxActor, act)
		return next(c)
	})
}
