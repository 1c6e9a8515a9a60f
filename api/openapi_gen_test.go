package api_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/constant"
	"go/format"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// The OpenAPI document is built from api/openapi_routes_gen.go, which this file writes from the package's own
// source: what Mount registers, each handler's middleware, the query parameters and headers it reads, the type its
// JSON body is bound to and the Go type of every answer it writes. Regenerate after changing a route or a handler:
//
//	go test ./api -run TestOpenAPIRoutesGenerated -update
var update = flag.Bool("update", false, "rewrite api/openapi_routes_gen.go from the source")

const genFile = "openapi_routes_gen.go"

func TestOpenAPIRoutesGenerated(t *testing.T) {
	got, err := generateRoutes()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(genFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(genFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("api/%s is stale: a route or a handler changed. Run: go test ./api -run TestOpenAPIRoutesGenerated -update", genFile)
	}
}

// gen reads the api package with types.
type gen struct {
	pkg     *packages.Package
	funcs   map[string]*ast.FuncDecl // package functions by name, methods as "API.name"
	bodies  []string                 // generated request types, in order
	imports map[string]string        // path → name of packages the generated file refers to
}

type genRoute struct {
	method, path, handler, file string
	middleware, query, headers  []string
	body, bodyKind              string
	responses                   []genResponse
}

type genResponse struct {
	status           int
	kind, typ, ctype string
}

func generateRoutes() ([]byte, error) {
	abs, _ := filepath.Abs(genFile)
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		// The generated file itself must not feed its own generation (it may be stale or refer to removed types).
		Overlay: map[string][]byte{abs: []byte("package api\n\nvar mountedRoutes []mountedRoute\n")},
	}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		return nil, err
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		return nil, fmt.Errorf("loading the api package: %v", pkgs[0].Errors)
	}
	g := &gen{pkg: pkgs[0], funcs: map[string]*ast.FuncDecl{}, imports: map[string]string{}}
	for _, f := range g.pkg.Syntax {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				g.funcs[funcKey(fd)] = fd
			}
		}
	}
	routes, err := g.routes()
	if err != nil {
		return nil, err
	}
	return g.render(routes)
}

func funcKey(fd *ast.FuncDecl) string {
	if fd.Recv != nil && len(fd.Recv.List) == 1 {
		t := fd.Recv.List[0].Type
		if s, ok := t.(*ast.StarExpr); ok {
			t = s.X
		}
		if id, ok := t.(*ast.Ident); ok {
			return id.Name + "." + fd.Name.Name
		}
	}
	return fd.Name.Name
}

// routes follows Mount into every mountX method and reads its g.METHOD(path, a.handler, middleware...) calls.
func (g *gen) routes() ([]genRoute, error) {
	mount := g.funcs["API.Mount"]
	if mount == nil {
		return nil, fmt.Errorf("no (*API).Mount")
	}
	var out []genRoute
	var err error
	ast.Inspect(mount.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || err != nil {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || !strings.HasPrefix(sel.Sel.Name, "mount") {
			return true
		}
		fd := g.funcs["API."+sel.Sel.Name]
		if fd == nil {
			err = fmt.Errorf("Mount calls %s, which is not a method of *API", sel.Sel.Name)
			return false
		}
		var rs []genRoute
		rs, err = g.mountCalls(fd)
		out = append(out, rs...)
		return true
	})
	return out, err
}

func (g *gen) mountCalls(fd *ast.FuncDecl) ([]genRoute, error) {
	var out []genRoute
	var err error
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || err != nil {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || !slices.Contains([]string{"GET", "POST", "PUT", "DELETE"}, sel.Sel.Name) {
			return true
		}
		if len(call.Args) < 2 {
			err = fmt.Errorf("%s: a route without a handler", g.pos(call))
			return false
		}
		path, perr := strconv.Unquote(exprString(call.Args[0]))
		h, hok := call.Args[1].(*ast.SelectorExpr)
		if perr != nil || !hok {
			err = fmt.Errorf("%s: routes are registered as g.METHOD(\"/literal\", a.handler, ...)", g.pos(call))
			return false
		}
		r := genRoute{method: sel.Sel.Name, path: path, handler: h.Sel.Name, file: filepath.Base(g.pos(fd))}
		r.file = strings.SplitN(r.file, ":", 2)[0]
		for _, m := range call.Args[2:] {
			if ms, ok := m.(*ast.SelectorExpr); ok {
				r.middleware = append(r.middleware, ms.Sel.Name)
			}
		}
		hfd := g.funcs["API."+r.handler]
		if hfd == nil {
			err = fmt.Errorf("%s: handler %s is not a method of *API", g.pos(call), r.handler)
			return false
		}
		err = g.readHandler(hfd, &r)
		out = append(out, r)
		return true
	})
	return out, err
}

// readHandler collects what the handler and the package functions it calls read and write.
func (g *gen) readHandler(fd *ast.FuncDecl, r *genRoute) error {
	seen := map[string]bool{}
	query, headers := map[string]bool{}, map[string]bool{}
	var err error
	var walk func(fd *ast.FuncDecl)
	walk = func(fd *ast.FuncDecl) {
		if seen[funcKey(fd)] {
			return
		}
		seen[funcKey(fd)] = true
		queryFuncs := map[types.Object]bool{} // q := c.QueryParam
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if err != nil {
				return false
			}
			if as, ok := n.(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
				if sel, ok := as.Rhs[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "QueryParam" {
					if id, ok := as.Lhs[0].(*ast.Ident); ok {
						queryFuncs[g.pkg.TypesInfo.ObjectOf(id)] = true
					}
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := calleeName(call)
			switch {
			case name == "QueryParam" || (isIdent(call.Fun) && queryFuncs[g.pkg.TypesInfo.ObjectOf(call.Fun.(*ast.Ident))]):
				if s, ok := g.stringArg(call, 0); ok {
					query[s] = true
				}
			case name == "Get" && strings.HasSuffix(exprString(call.Fun), "Header.Get"):
				if s, ok := g.stringArg(call, 0); ok {
					headers[s] = true
				}
			case name == "bind" && len(call.Args) == 2:
				r.body, r.bodyKind = g.bodyType(call.Args[1], r.handler), "json"
			case name == "MultipartReader" || name == "ParseMultipartForm":
				r.bodyKind = "multipart"
			case name == "ReadAll" && r.bodyKind == "":
				r.bodyKind = "raw"
			case name == "paged" || name == "unpaged" || name == "pagedJSON":
				r.responses = append(r.responses, g.listResponse(name, call.Args[1]))
			case name == "objectJSON": // store.JSONObject[T]
				elem := g.pkg.TypesInfo.TypeOf(call.Args[1]).(*types.Named).TypeArgs().At(0)
				r.responses = append(r.responses, genResponse{status: 200, kind: "json", typ: g.typeString(elem)})
			case isContextCall(g, call, "JSON"):
				r.responses = append(r.responses, g.jsonResponse(call))
			case isContextCall(g, call, "JSONBlob"):
				r.responses = append(r.responses, genResponse{status: g.intArg(call, 0), kind: "any"})
			case isContextCall(g, call, "Blob"):
				ct, _ := g.stringArg(call, 1)
				r.responses = append(r.responses, genResponse{status: g.intArg(call, 0), kind: "blob", ctype: ct})
			case isContextCall(g, call, "NoContent"):
				r.responses = append(r.responses, genResponse{status: g.intArg(call, 0), kind: "empty"})
			case isContextCall(g, call, "Redirect"):
				r.responses = append(r.responses, genResponse{status: g.intArg(call, 0), kind: "redirect"})
			case name == "WriteHeader":
				r.responses = append(r.responses, genResponse{status: g.intArg(call, 0), kind: "stream"})
			default:
				if next := g.samePackageCallee(call); next != nil {
					walk(next)
				}
			}
			return true
		})
	}
	walk(fd)
	r.query, r.headers = sortedKeys(query), sortedKeys(headers)
	sort.SliceStable(r.responses, func(i, j int) bool { return r.responses[i].status < r.responses[j].status })
	r.responses = slices.CompactFunc(r.responses, func(a, b genResponse) bool { return a == b })
	return err
}

func (g *gen) samePackageCallee(call *ast.CallExpr) *ast.FuncDecl {
	var id *ast.Ident
	switch f := call.Fun.(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.IndexExpr: // a generic function
		if i, ok := f.X.(*ast.Ident); ok {
			id = i
		}
	}
	if id == nil {
		return nil
	}
	fn, ok := g.pkg.TypesInfo.ObjectOf(id).(*types.Func)
	if !ok || fn.Pkg() != g.pkg.Types {
		return nil
	}
	key := fn.Name()
	if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() != nil {
		t := sig.Recv().Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok {
			key = n.Obj().Name() + "." + key
		}
	}
	return g.funcs[key]
}

func isContextCall(g *gen, call *ast.CallExpr, method string) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != method {
		return false
	}
	t := g.pkg.TypesInfo.TypeOf(sel.X)
	return t != nil && t.String() == "github.com/labstack/echo/v4.Context"
}

func (g *gen) bodyType(arg ast.Expr, handler string) string {
	u, ok := arg.(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return ""
	}
	t := g.pkg.TypesInfo.TypeOf(u.X)
	if st, ok := t.(*types.Struct); ok {
		name := handler + "Request"
		g.bodies = append(g.bodies, "type "+name+" "+backquoteTags(g.typeString(st)))
		return name
	}
	return g.typeString(t)
}

func (g *gen) listResponse(fn string, arg ast.Expr) genResponse {
	t := g.pkg.TypesInfo.TypeOf(arg)
	var elem types.Type
	if fn == "unpaged" {
		elem = t.Underlying().(*types.Slice).Elem()
		return genResponse{status: 200, kind: "list", typ: g.typeString(elem)}
	}
	// store.List[T], store.JSONList[T]
	named := t.(*types.Named)
	elem = named.TypeArgs().At(0)
	return genResponse{status: 200, kind: "paged", typ: g.typeString(elem)}
}

func (g *gen) jsonResponse(call *ast.CallExpr) genResponse {
	tv := g.pkg.TypesInfo.Types[call.Args[1]]
	if tv.IsNil() {
		return genResponse{status: g.intArg(call, 0), kind: "null"}
	}
	return genResponse{status: g.intArg(call, 0), kind: "json", typ: g.typeString(tv.Type)}
}

func (g *gen) typeString(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string {
		if p == g.pkg.Types {
			return ""
		}
		g.imports[p.Path()] = p.Name()
		return p.Name()
	})
}

func (g *gen) intArg(call *ast.CallExpr, i int) int {
	tv := g.pkg.TypesInfo.Types[call.Args[i]]
	if tv.Value == nil {
		return 0 // not a constant: the check of the document reports it
	}
	n, _ := constant.Int64Val(tv.Value)
	return int(n)
}

func (g *gen) stringArg(call *ast.CallExpr, i int) (string, bool) {
	if len(call.Args) <= i {
		return "", false
	}
	tv := g.pkg.TypesInfo.Types[call.Args[i]]
	if tv.Value == nil || tv.Value.Kind() != constant.String {
		return "", false
	}
	return constant.StringVal(tv.Value), true
}

func (g *gen) pos(n ast.Node) string { return g.pkg.Fset.Position(n.Pos()).String() }

func (g *gen) render(routes []genRoute) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by \"go test ./api -run TestOpenAPIRoutesGenerated -update\"; DO NOT EDIT.\n\npackage api\n\nimport (\n\"reflect\"\n")
	for _, p := range sortedKeys(g.imports) {
		fmt.Fprintf(&b, "%q\n", p)
	}
	b.WriteString(")\n\n// mountedRoutes is what Mount registers, read from the source by the generator.\nvar mountedRoutes = []mountedRoute{\n")
	for _, r := range routes {
		fmt.Fprintf(&b, "{method: %q, path: %q, handler: %q, file: %q,\n", r.method, r.path, r.handler, r.file)
		if len(r.middleware) > 0 {
			fmt.Fprintf(&b, "middleware: %#v,\n", r.middleware)
		}
		if len(r.query) > 0 {
			fmt.Fprintf(&b, "query: %#v,\n", r.query)
		}
		if len(r.headers) > 0 {
			fmt.Fprintf(&b, "headers: %#v,\n", r.headers)
		}
		if r.bodyKind != "" {
			fmt.Fprintf(&b, "bodyKind: %q,\n", r.bodyKind)
		}
		if r.body != "" {
			fmt.Fprintf(&b, "body: reflect.TypeFor[%s](),\n", r.body)
		}
		b.WriteString("responses: []mountedResponse{")
		for _, s := range r.responses {
			fmt.Fprintf(&b, "{status: %d, kind: %q", s.status, s.kind)
			if s.typ != "" {
				fmt.Fprintf(&b, ", typ: reflect.TypeFor[%s]()", s.typ)
			}
			if s.ctype != "" {
				fmt.Fprintf(&b, ", contentType: %q", s.ctype)
			}
			b.WriteString("},")
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n\n// The handlers' anonymous request bodies, named so that they can be documented.\n\n")
	for _, body := range g.bodies {
		b.WriteString(body + "\n\n")
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%v\n%s", err, b.Bytes())
	}
	return src, nil
}

func calleeName(call *ast.CallExpr) string {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	case *ast.IndexExpr:
		if id, ok := f.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return ""
}

func isIdent(e ast.Expr) bool { _, ok := e.(*ast.Ident); return ok }

func exprString(e ast.Expr) string {
	var b strings.Builder
	_ = format.Node(&b, token.NewFileSet(), e)
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// backquoteTags writes struct tags as they are written by hand: `json:"x"`, not "json:\"x\"".
func backquoteTags(src string) string {
	return quotedTag.ReplaceAllStringFunc(src, func(q string) string {
		tag, err := strconv.Unquote(q)
		if err != nil || strings.Contains(tag, "`") {
			return q
		}
		return "`" + tag + "`"
	})
}

var quotedTag = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
