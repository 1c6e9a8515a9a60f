package handlers_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The rule of the package comment: a page's content is one store read built for that page. This reads the
// package's source, follows every page (a GET route) through the handlers' own functions and collects the store
// methods it can reach, the shared chrome aside; more than one method is a page assembled in its handler.
func TestPages_ReadTheirContentWithOneStoreRead(t *testing.T) {
	t.Parallel()
	funcs := parseHandlerFuncs(t)
	// What every page shares is read by h.page (and accountPage, which picks its organization); resolving the
	// actor and reading the clock are not page data either.
	chrome := map[string]bool{"page": true, "accountPage": true}
	chromeReads := map[string]bool{"ActorFor": true, "Now": true}
	// A handler that answers two ways, each with one read: an htmx fragment swapped alone reads only what it shows.
	twoWays := map[string]string{
		"clientPage":        "the timeline fragment reads ClientActivities, the page ClientPage",
		"editClientContact": "htmx gets the row's form (ClientContactForm), a plain link the page with it open (ClientPage)",
	}
	routes := getRoutes(funcs)
	if len(routes) < 30 {
		t.Fatalf("found %d GET routes; the parsing of mount functions broke", len(routes))
	}
	for _, r := range routes {
		reads := storeReads(funcs, r.handler, chrome)
		for m := range chromeReads {
			delete(reads, m)
		}
		if len(reads) <= 1 {
			continue
		}
		if _, ok := twoWays[r.handler]; ok && len(reads) == 2 {
			continue
		}
		names := make([]string, 0, len(reads))
		for m := range reads {
			names = append(names, m)
		}
		sort.Strings(names)
		t.Errorf("GET %s (%s) reads %s: give the page one store read", r.path, r.handler, strings.Join(names, ", "))
	}
}

type handlerFunc struct {
	storeCalls []string // h.store.X(…)
	callees    []string // h.X(…) and X(…) of the package
	routes     []route  // g.GET(path, h.X…) in a mount function
}

type route struct{ path, handler string }

// parseHandlerFuncs reads every function and method of the package (tests aside) by name.
func parseHandlerFuncs(t *testing.T) map[string]*handlerFunc {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	funcs := map[string]*handlerFunc{}
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				hf := funcs[fd.Name.Name]
				if hf == nil {
					hf = &handlerFunc{}
					funcs[fd.Name.Name] = hf
				}
				collectCalls(fd.Body, hf)
			}
		}
	}
	return funcs
}

func collectCalls(body ast.Node, hf *handlerFunc) {
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch fn := call.Fun.(type) {
		case *ast.Ident:
			hf.callees = append(hf.callees, fn.Name)
		case *ast.SelectorExpr:
			if inner, ok := fn.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "store" {
				hf.storeCalls = append(hf.storeCalls, fn.Sel.Name)
				break
			}
			if _, ok := fn.X.(*ast.Ident); !ok {
				break
			}
			hf.callees = append(hf.callees, fn.Sel.Name)
			if fn.Sel.Name == "GET" && len(call.Args) >= 2 {
				if name := handlerName(call.Args[1]); name != "" {
					hf.routes = append(hf.routes, route{routePath(call.Args[0]), name})
				}
			}
		}
		return true
	})
}

// routePath is a route's path as written: a literal, or the literal start of one built from a name ("/reports/…").
func routePath(e ast.Expr) string {
	if b, ok := e.(*ast.BinaryExpr); ok {
		return routePath(b.X) + "…"
	}
	if lit, ok := e.(*ast.BasicLit); ok {
		return strings.Trim(lit.Value, `"`)
	}
	return "…"
}

// handlerName is X of a route's handler h.X or h.X(…); "" for anything else.
func handlerName(e ast.Expr) string {
	if call, ok := e.(*ast.CallExpr); ok {
		e = call.Fun
	}
	if sel, ok := e.(*ast.SelectorExpr); ok {
		return sel.Sel.Name
	}
	return ""
}

func getRoutes(funcs map[string]*handlerFunc) []route {
	var out []route
	for name, hf := range funcs {
		if strings.HasPrefix(name, "mount") || name == "Mount" {
			out = append(out, hf.routes...)
		}
	}
	slices.SortFunc(out, func(a, b route) int { return strings.Compare(a.path, b.path) })
	return out
}

// storeReads are the store methods reachable from the function name through the package's functions, skipping
// those in skip.
func storeReads(funcs map[string]*handlerFunc, name string, skip map[string]bool) map[string]bool {
	reads := map[string]bool{}
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		hf, ok := funcs[n]
		if !ok || seen[n] || skip[n] {
			return
		}
		seen[n] = true
		for _, m := range hf.storeCalls {
			reads[m] = true
		}
		for _, c := range hf.callees {
			walk(c)
		}
	}
	walk(name)
	return reads
}
