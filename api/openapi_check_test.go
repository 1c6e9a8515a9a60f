package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/trcr/trcr/api"
)

// The OpenAPI document must cover every route the router mounts, and every answer the API tests get must be one
// the document describes: its status listed for the route, its body valid against the schema of that status.
// env.do calls checkOpenAPI after every request, so the whole suite is the check.

const docURL = "https://trcr.invalid/openapi.json"

// openAPI is the document parsed once, with its schemas compiled on first use.
var openAPI struct {
	once     sync.Once
	err      error
	doc      map[string]any
	mu       sync.Mutex
	compiler *jsonschema.Compiler
	compiled map[string]*jsonschema.Schema
}

func loadOpenAPI() (map[string]any, error) {
	openAPI.once.Do(func() {
		raw, err := api.OpenAPIDocument()
		if err != nil {
			openAPI.err = err
			return
		}
		if openAPI.err = json.Unmarshal(raw, &openAPI.doc); openAPI.err != nil {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			openAPI.err = err
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		if openAPI.err = c.AddResource(docURL, doc); openAPI.err != nil {
			return
		}
		openAPI.compiler, openAPI.compiled = c, map[string]*jsonschema.Schema{}
	})
	return openAPI.doc, openAPI.err
}

// schemaAt compiles the schema at a JSON pointer of the document.
func schemaAt(pointer string) (*jsonschema.Schema, error) {
	openAPI.mu.Lock()
	defer openAPI.mu.Unlock()
	if s, ok := openAPI.compiled[pointer]; ok {
		return s, nil
	}
	s, err := openAPI.compiler.Compile(docURL + "#" + pointer)
	if err != nil {
		return nil, err
	}
	openAPI.compiled[pointer] = s
	return s, nil
}

// operationOf is the documented operation of the route that serves r, its path in the document, or nil for
// requests that reach no /api/v1 route (unknown paths, wrong methods).
func (e *env) operationOf(r *http.Request) (map[string]any, string) {
	ctx := e.echo.NewContext(r, nil)
	e.echo.Router().Find(r.Method, r.URL.Path, ctx)
	route, ok := strings.CutPrefix(ctx.Path(), "/api/v1")
	if !ok || route == "" {
		return nil, ""
	}
	doc, _ := loadOpenAPI()
	path := openAPIPath(route)
	op, _ := dig(doc, "paths", path, strings.ToLower(r.Method)).(map[string]any)
	return op, "/paths/" + escapePointer(path) + "/" + strings.ToLower(r.Method)
}

// checkOpenAPI fails the test when the answer to r is not one the document describes.
func (e *env) checkOpenAPI(r *http.Request, code int, header http.Header, body []byte) {
	e.t.Helper()
	err := e.openAPIMismatch(r, code, header, body)
	var broken brokenDocument
	switch {
	case errors.As(err, &broken):
		e.t.Fatalf("openapi: %v", err)
	case err != nil:
		e.t.Errorf("openapi: %v", err)
	}
}

// brokenDocument is a problem of the document itself rather than of an answer.
type brokenDocument struct{ error }

// openAPIMismatch says how the answer to r differs from what the document describes, or nil when it does not:
// a status the route does not list, a body where none is described or the other way round, another Content-Type,
// or JSON the schema refuses (a missing field, a wrong type, a value outside an enum).
func (e *env) openAPIMismatch(r *http.Request, code int, header http.Header, body []byte) error {
	if _, err := loadOpenAPI(); err != nil {
		return brokenDocument{fmt.Errorf("document: %w", err)}
	}
	op, pointer := e.operationOf(r)
	if op == nil {
		return nil
	}
	what := fmt.Sprintf("%s %s answered %d", r.Method, r.URL.Path, code)
	status := fmt.Sprint(code)
	res, ok := dig(op, "responses", status).(map[string]any)
	if !ok {
		return fmt.Errorf("%s, a status the document does not list for this route; body %.300s", what, body)
	}
	pointer += "/responses/" + status
	if ref, ok := res["$ref"].(string); ok {
		pointer = strings.TrimPrefix(ref, "#")
		doc, _ := loadOpenAPI()
		res, _ = dig(doc, strings.Split(strings.TrimPrefix(pointer, "/"), "/")...).(map[string]any)
	}
	content, _ := res["content"].(map[string]any)
	ctype, _, _ := strings.Cut(header.Get("Content-Type"), ";")
	switch {
	case len(body) == 0 && content == nil:
		return nil
	case len(body) == 0 && ctype != "text/event-stream":
		return fmt.Errorf("%s with no body; the document describes one", what)
	case content == nil:
		return fmt.Errorf("%s with a %s body; the document describes none: %.300s", what, ctype, body)
	}
	if _, ok := content[ctype]; !ok {
		return fmt.Errorf("%s with Content-Type %q; the document lists %v", what, ctype, slices.Sorted(maps.Keys(content)))
	}
	if ctype != "application/json" {
		return nil
	}
	sch, err := schemaAt(pointer + "/content/application~1json/schema")
	if err != nil {
		return brokenDocument{fmt.Errorf("compiling the schema of %s: %w", what, err)}
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s with a body that is not JSON: %.300s", what, body)
	}
	if err := sch.Validate(v); err != nil {
		return fmt.Errorf("%s with a body the document does not describe: %v\nbody: %.1000s", what, err, body)
	}
	return nil
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	e := newEnv(t)
	doc, err := loadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	mounted := map[string]bool{}
	for _, r := range e.echo.Routes() {
		route, ok := strings.CutPrefix(r.Path, "/api/v1")
		if !ok {
			continue
		}
		path, method := openAPIPath(route), strings.ToLower(r.Method)
		mounted[method+" "+path] = true
		op, ok := dig(doc, "paths", path, method).(map[string]any)
		if !ok {
			t.Errorf("%s %s is mounted but missing from the OpenAPI document (go test ./api -run TestOpenAPIRoutesGenerated -update)", r.Method, r.Path)
			continue
		}
		responses, _ := op["responses"].(map[string]any)
		if !slices.ContainsFunc(slices.Collect(maps.Keys(responses)), func(s string) bool { return s[0] == '2' || s[0] == '3' }) {
			t.Errorf("%s %s documents no success answer", r.Method, r.Path)
		}
	}
	paths, _ := doc["paths"].(map[string]any)
	for path, ops := range paths {
		for method := range ops.(map[string]any) {
			if !mounted[method+" "+path] {
				t.Errorf("the OpenAPI document lists %s %s, which is not mounted", strings.ToUpper(method), path)
			}
		}
	}
	if len(mounted) < 143 {
		t.Errorf("%d routes under /api/v1; the reference alone has 143", len(mounted))
	}
}

// Every schema of the document compiles: its $refs resolve and it is valid JSON Schema 2020-12.
func TestOpenAPISchemasCompile(t *testing.T) {
	doc, err := loadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v", doc["openapi"])
	}
	n := 0
	for path, ops := range doc["paths"].(map[string]any) {
		for method, op := range ops.(map[string]any) {
			base := "/paths/" + escapePointer(path) + "/" + method
			if _, ok := dig(op, "requestBody", "content", "application/json", "schema").(map[string]any); ok {
				n++
				if _, err := schemaAt(base + "/requestBody/content/application~1json/schema"); err != nil {
					t.Errorf("%s %s request: %v", method, path, err)
				}
			}
			for status, res := range op.(map[string]any)["responses"].(map[string]any) {
				if _, ok := dig(res, "content", "application/json", "schema").(map[string]any); ok {
					n++
					if _, err := schemaAt(base + "/responses/" + status + "/content/application~1json/schema"); err != nil {
						t.Errorf("%s %s %s: %v", method, path, status, err)
					}
				}
			}
		}
	}
	if n < 150 {
		t.Errorf("only %d schemas", n)
	}
}

func TestOpenAPIServedWithoutAuthentication(t *testing.T) {
	e := newEnv(t)
	r := e.must(200, req{method: "GET", path: "/openapi.json"})
	if r.json["openapi"] != "3.1.0" || r.json["paths"] == nil {
		t.Fatalf("not an OpenAPI 3.1 document: %.200s", r.raw)
	}
	want, _ := api.OpenAPIDocument()
	if !bytes.Equal(r.raw, want) {
		t.Fatal("the served document differs from api.OpenAPIDocument")
	}
}

func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			parts[i] = "{" + name + "}"
		}
	}
	return strings.Join(parts, "/")
}

func escapePointer(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
