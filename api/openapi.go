package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// The OpenAPI 3.1 document of /api/v1 (DECISIONS.md "Beyond the reference"). It is built from mountedRoutes, which
// a test generates from this package's source (api/openapi_gen_test.go): the routes Mount registers, the query
// parameters and headers each handler reads, the Go type its body is bound to and the Go types of the answers it
// writes, reflected into JSON Schema. Nothing here is written by hand per route but the prose of a few; a route or
// an answer cannot drift from the code, and api/openapi_check_test.go validates every answer the API test suite
// gets against the document.

// mountedRoute is one route as the generator read it.
type mountedRoute struct {
	method, path, handler, file string
	middleware                  []string
	query, headers              []string
	bodyKind                    string // "json", "multipart", "raw" or ""
	body                        reflect.Type
	responses                   []mountedResponse
}

// mountedResponse is an answer a handler writes. kind: "json" (typ), "paged" and "list" (envelopes of typ), "null",
// "any" (JSON of no fixed shape), "blob" (contentType), "empty", "redirect", "stream".
type mountedResponse struct {
	status      int
	kind        string
	typ         reflect.Type
	contentType string
}

func (a *API) mountOpenAPI(g *router) {
	g.GET("/openapi.json", a.openAPIDocument)
}

// openAPIDocument serves the document; no authentication, as the reference's own text is public.
func (a *API) openAPIDocument(c echo.Context) error {
	doc, err := OpenAPIDocument()
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, doc)
}

var openAPIOnce = sync.OnceValues(func() ([]byte, error) { return json.MarshalIndent(buildOpenAPI(), "", "  ") })

// OpenAPIDocument is the OpenAPI 3.1 document of /api/v1 as JSON.
func OpenAPIDocument() ([]byte, error) { return openAPIOnce() }

func buildOpenAPI() map[string]any {
	s := newSchemas()
	paths := map[string]map[string]any{}
	for _, r := range mountedRoutes {
		p := openAPIPath(r.path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.method)] = operation(s, r)
	}
	s.defs["LiveEvent"] = s.of(reflect.TypeFor[store.WireEvent]())
	return map[string]any{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info": map[string]any{
			"title":       "TRCR API",
			"version":     "1",
			"description": apiDescription,
		},
		"servers":  []any{map[string]any{"url": "/api/v1"}},
		"security": bearer(),
		"tags":     tags(),
		"paths":    paths,
		"components": map[string]any{
			"schemas":         s.defs,
			"responses":       errorResponses(s),
			"securitySchemes": securitySchemes,
		},
	}
}

const apiDescription = `The JSON API of TRCR: projects, tasks, time, invoices, chat and files of an organization.

Read the [integration guide](/api/docs/integrations) first: authenticating with a personal access token, paging
through lists, errors, retrying a POST safely with an Idempotency-Key, the live event stream and webhooks.

Conventions: JSON in and out; ids are UUIDs (an id that is not one answers 404); timestamps RFC 3339 in UTC, dates
YYYY-MM-DD; money is an integer number of cents. Lists answer {"data": [...], "meta": {"page", "per_page",
"total"}} (per_page defaults to 25, at most 100). Errors answer {"error": {"code", "message", "fields"}}. The
organization of a request is the X-Organization-ID header, else the caller's default organization.`

func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}

func operation(s *schemas, r mountedRoute) map[string]any {
	op := map[string]any{
		"operationId": r.handler,
		"summary":     summary(r.handler),
		"tags":        []any{tag(r.file)},
		"parameters":  parameters(r),
		"responses":   responses(s, r),
	}
	if d := routeNotes[r.method+" "+r.path]; d != "" {
		op["description"] = d
	}
	if sec := security(r); sec != nil {
		op["security"] = sec
	}
	switch r.bodyKind {
	case "json":
		if r.body != nil {
			op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": s.of(r.body)}}}
		}
	case "multipart":
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{
			"schema": map[string]any{"type": "object", "required": []any{"file"}, "properties": map[string]any{
				"file": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"},
			}},
		}}}
	case "raw":
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{}}}}
	}
	return op
}

// auth names the middleware that authenticate a route, and what each accepts.
var (
	userAuth   = []string{"requireUser", "requireOrg", "orgFromPath", "orgIDFromPath"}
	streamAuth = "requireStreamActor"
	orgHeader  = []string{"requireOrg", "requireStreamActor"}
)

func authenticated(r mountedRoute) bool {
	for _, m := range r.middleware {
		if slices.Contains(userAuth, m) || m == streamAuth {
			return true
		}
	}
	return false
}

func security(r mountedRoute) []any {
	switch {
	case slices.Contains(r.middleware, streamAuth):
		return append(bearer(), map[string]any{"sessionCookie": []any{}})
	case authenticated(r):
		return nil // the document's default
	case slices.Contains(r.query, "token") || slices.Contains(r.query, "ticket"):
		return append(bearer(), map[string]any{}) // or the credentials in the query string
	}
	return []any{} // public
}

func bearer() []any {
	return []any{map[string]any{"bearerAuth": []any{}}, map[string]any{"personalAccessToken": []any{}}}
}

var securitySchemes = map[string]any{
	"bearerAuth": map[string]any{
		"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
		"description": "The access_token of POST /auth/login or /auth/refresh, valid 15 minutes.",
	},
	"personalAccessToken": map[string]any{
		"type": "http", "scheme": "bearer",
		"description": "A personal access token (trcr_pat_…) made with POST /users/me/tokens. A token with only the read scope gets 403 insufficient_scope on anything but GET.",
	},
	"sessionCookie": map[string]any{
		"type": "apiKey", "in": "cookie", "name": "trcr_session",
		"description": "The signed-in session of the web pages; accepted only by the live event stream.",
	},
}

func parameters(r mountedRoute) []any {
	out := []any{}
	for _, seg := range strings.Split(r.path, "/") {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			out = append(out, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
	}
	for _, q := range r.query {
		p := map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}}
		if d, ok := queryNotes[q]; ok {
			p["description"] = d.text
			p["schema"] = d.schema
		}
		out = append(out, p)
	}
	if slices.ContainsFunc(r.middleware, func(m string) bool { return slices.Contains(orgHeader, m) }) {
		out = append(out, map[string]any{"name": "X-Organization-ID", "in": "header", "schema": map[string]any{"type": "string"},
			"description": "The organization of the request; without it, the caller's default organization."})
	}
	if r.method == http.MethodPost && authenticated(r) {
		out = append(out, map[string]any{"name": "Idempotency-Key", "in": "header", "schema": map[string]any{"type": "string", "minLength": 1, "maxLength": 255},
			"description": "Makes the request safe to retry: the first completed answer for this key is kept 24 hours and replayed (with Idempotent-Replayed: true) to the same request; another body with the same key answers 422 idempotency_key_reused, and while the first is still running 409 idempotency_key_in_use."})
	}
	for _, h := range r.headers {
		if h == echo.HeaderAuthorization {
			continue
		}
		p := map[string]any{"name": h, "in": "header", "schema": map[string]any{"type": "string"}}
		if d := headerNotes[h]; d != "" {
			p["description"] = d
		}
		out = append(out, p)
	}
	return out
}

type paramNote struct {
	text   string
	schema map[string]any
}

var queryNotes = map[string]paramNote{
	"page":          {"Page number, from 1. A page past the data is empty.", map[string]any{"type": "integer", "minimum": 1, "default": 1}},
	"per_page":      {"Items per page.", map[string]any{"type": "integer", "minimum": 1, "maximum": 100, "default": 25}},
	"from":          {"First day included (YYYY-MM-DD, in the caller's timezone) or an RFC 3339 time.", map[string]any{"type": "string"}},
	"to":            {"Last day included (YYYY-MM-DD, in the caller's timezone) or an RFC 3339 time.", map[string]any{"type": "string"}},
	"search":        {"Words to match (full-text, with prefix matching).", map[string]any{"type": "string"}},
	"token":         {"An access token or personal access token, for links that cannot send headers (<img src>).", map[string]any{"type": "string"}},
	"ticket":        {"A view ticket from POST /files/view-ticket.", map[string]any{"type": "string"}},
	"last_event_id": {"The id of the last event received, for clients that cannot send Last-Event-ID.", map[string]any{"type": "string"}},
	"limit":         {"Messages per page.", map[string]any{"type": "integer", "minimum": 1}},
	"before":        {"A message id: the page of messages just older than it.", map[string]any{"type": "string"}},
	"after":         {"A message id: the page of messages just newer than it.", map[string]any{"type": "string"}},
	"unread":        {"true: only unread notifications; false: only read ones.", map[string]any{"type": "boolean"}},
	"billable":      {"true or false: only billable, or only non-billable entries.", map[string]any{"type": "boolean"}},
	"running":       {"true: only running timers; false: only stopped entries.", map[string]any{"type": "boolean"}},
	"label_ids":     {"Comma-separated label ids: tasks carrying any of them.", map[string]any{"type": "string"}},
	"order":         {"Sort direction.", map[string]any{"type": "string", "enum": []any{"asc", "desc"}}},
}

var headerNotes = map[string]string{
	"Last-Event-ID": "The id of the last event received: the events since then (at least the last 24 hours) are replayed first.",
}

var routeNotes = map[string]string{
	"GET /events": "A text/event-stream of what happens in the organization that the caller may see. Each event is " +
		"`id: <id>`, `event: <type>` and `data: <LiveEvent JSON>`; a comment line every 25 s keeps proxies from closing " +
		"the stream. Reconnect with Last-Event-ID to replay what was missed.",
	"POST /git/hooks/:repository_id": "The inbound hook of a connected repository, called by GitHub " +
		"(X-Hub-Signature-256: sha256=<HMAC of the body with the hook secret>, X-GitHub-Event) or GitLab " +
		"(X-Gitlab-Token, X-Gitlab-Event). Unsigned or wrongly signed deliveries answer 401.",
	"GET /files/:id/content": "Answers 307 with a short-lived Location of the file. Accepts the Bearer header, ?ticket= or ?token=.",
	"GET /openapi.json":      "This document.",
}

func responses(s *schemas, r mountedRoute) map[string]any {
	out := map[string]any{}
	byStatus := map[int][]mountedResponse{}
	for _, res := range r.responses {
		byStatus[res.status] = append(byStatus[res.status], res)
	}
	for status, list := range byStatus {
		out[fmt.Sprint(status)] = response(s, status, list)
	}
	for _, status := range errorStatuses(r) {
		out[fmt.Sprint(status)] = map[string]any{"$ref": "#/components/responses/" + errorResponseName(status)}
	}
	return out
}

func response(s *schemas, status int, list []mountedResponse) map[string]any {
	res := map[string]any{"description": http.StatusText(status)}
	var jsons []any
	for _, m := range list {
		switch m.kind {
		case "json":
			jsons = append(jsons, s.of(m.typ))
		case "null":
			jsons = append(jsons, map[string]any{"type": "null"})
		case "any":
			jsons = append(jsons, map[string]any{"type": "object"})
		case "paged":
			jsons = append(jsons, envelope(s, m.typ, true))
		case "list":
			jsons = append(jsons, envelope(s, m.typ, false))
		case "blob":
			res["content"] = map[string]any{m.contentType: map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": m.contentType}}}
		case "redirect":
			res["headers"] = map[string]any{"Location": map[string]any{"schema": map[string]any{"type": "string", "format": "uri"}}}
		case "stream":
			res["content"] = map[string]any{"text/event-stream": map[string]any{"schema": map[string]any{"type": "string"},
				"x-event-data": map[string]any{"$ref": "#/components/schemas/LiveEvent"}}}
		}
	}
	switch len(jsons) {
	case 0:
	case 1:
		res["content"] = map[string]any{"application/json": map[string]any{"schema": jsons[0]}}
	default:
		res["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"anyOf": jsons}}}
	}
	return res
}

// envelope is {"data": [...]} of lists, with "meta" when paginated.
func envelope(s *schemas, item reflect.Type, paged bool) map[string]any {
	props := map[string]any{"data": map[string]any{"type": "array", "items": s.of(item)}}
	required := []any{"data"}
	if paged {
		props["meta"] = s.of(reflect.TypeFor[listMeta]())
		required = append(required, "meta")
	}
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
}

// errorStatuses are the client errors (and 503) a route may answer besides what its handler writes itself.
func errorStatuses(r mountedRoute) []int {
	// Public routes answer 401 too: a wrong password, refresh token or hook signature.
	out := []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound, http.StatusTooManyRequests, http.StatusServiceUnavailable}
	if authenticated(r) || slices.Contains(r.query, "token") {
		out = append(out, http.StatusForbidden)
	}
	if r.method != http.MethodGet {
		out = append(out, http.StatusConflict)
	}
	if r.bodyKind != "" {
		out = append(out, http.StatusRequestEntityTooLarge)
	}
	if r.bodyKind == "multipart" {
		out = append(out, http.StatusUnsupportedMediaType, http.StatusInsufficientStorage)
	}
	if r.method == http.MethodPost {
		out = append(out, http.StatusUnprocessableEntity)
	}
	slices.Sort(out)
	return out
}

var errorNames = map[int]string{
	http.StatusBadRequest:            "BadRequest",
	http.StatusUnauthorized:          "Unauthorized",
	http.StatusForbidden:             "Forbidden",
	http.StatusNotFound:              "NotFound",
	http.StatusConflict:              "Conflict",
	http.StatusRequestEntityTooLarge: "TooLarge",
	http.StatusUnsupportedMediaType:  "UnsupportedMediaType",
	http.StatusUnprocessableEntity:   "IdempotencyKeyReused",
	http.StatusTooManyRequests:       "RateLimited",
	http.StatusServiceUnavailable:    "Unavailable",
	http.StatusInsufficientStorage:   "StorageFull",
}

var errorNotes = map[int]string{
	http.StatusBadRequest:            "Invalid input: malformed JSON, a wrong type, or a value the rules refuse (fields names each).",
	http.StatusUnauthorized:          "No credentials, or expired, revoked or wrong ones.",
	http.StatusForbidden:             "The caller may see this but lacks the permission, or a read-only token tried to write (insufficient_scope).",
	http.StatusNotFound:              "Absent, in another organization, or not visible to the caller; an id that is not a UUID.",
	http.StatusConflict:              "A conflict with the current state (e.g. email taken, a timer already running), or the Idempotency-Key is still in use.",
	http.StatusRequestEntityTooLarge: "The body is too large.",
	http.StatusUnsupportedMediaType:  "The file's content does not match an allowed type.",
	http.StatusUnprocessableEntity:   "The Idempotency-Key was used with another request (idempotency_key_reused).",
	http.StatusTooManyRequests:       "Rate limited: wait Retry-After seconds.",
	http.StatusServiceUnavailable:    "The database (or the event hub) is unreachable: retry after Retry-After seconds.",
	http.StatusInsufficientStorage:   "The organization's file storage is full: delete files to make room.",
}

func errorResponseName(status int) string { return errorNames[status] }

func errorResponses(s *schemas) map[string]any {
	schema := s.of(reflect.TypeFor[errorBody]())
	out := map[string]any{}
	for status, name := range errorNames {
		res := map[string]any{"description": errorNotes[status], "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
		if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
			res["headers"] = map[string]any{"Retry-After": map[string]any{"schema": map[string]any{"type": "integer"}, "description": "Seconds to wait."}}
		}
		out[name] = res
	}
	return out
}

// summary is the handler's name in words: listTasks → "List tasks".
func summary(handler string) string {
	var b strings.Builder
	for i, r := range handler {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte(' ')
			}
			r = unicode.ToLower(r)
		}
		if i == 0 {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
	}
	return strings.NewReplacer(" p d f", " PDF", " u r l", " URL").Replace(b.String())
}

// tag is the area of a route, from the file that mounts it: task_details.go → "Task details".
func tag(file string) string {
	name := strings.ReplaceAll(strings.TrimSuffix(file, ".go"), "_", " ")
	switch name {
	case "openapi":
		return "OpenAPI"
	case "git":
		return "Git"
	}
	return capitalize(name)
}

func tags() []any {
	seen := map[string]bool{}
	var out []any
	for _, r := range mountedRoutes {
		if t := tag(r.file); !seen[t] {
			seen[t] = true
			out = append(out, map[string]any{"name": t})
		}
	}
	return out
}
