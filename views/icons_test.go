package views

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Icons are declared in one map literal, where the compiler refuses a name given twice; an assignment elsewhere
// could silently redraw an icon, depending on the order files are initialized in.
func TestIcons_DeclaredOnlyInTheirMapLiteral(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			assign, ok := n.(*ast.AssignStmt)
			if !ok {
				return true
			}
			for _, lhs := range assign.Lhs {
				if ix, ok := lhs.(*ast.IndexExpr); ok {
					if id, ok := ix.X.(*ast.Ident); ok && id.Name == "iconPaths" {
						t.Errorf("%s: icon assigned outside the iconPaths literal", fset.Position(assign.Pos()))
					}
				}
			}
			return true
		})
	}
}

// Every icon a template names exists.
func TestIcons_EveryNamedIconExists(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.templ")
	if err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile(`(?:@Icon|reportStat|emptyState)\("([a-z0-9-]+)"\s*[,)]`)
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range named.FindAllStringSubmatch(string(src), -1) {
			if _, ok := iconPaths[m[1]]; !ok {
				t.Errorf("%s: no icon %q", name, m[1])
			}
		}
	}
}

// The checked-in sprite is the one iconPaths makes; TRCR_UPDATE_ICONS=1 (`make icons`) rewrites it.
func TestIconSprite_UpToDate(t *testing.T) {
	path := filepath.Join("..", "static", filepath.FromSlash(iconSpriteAsset))
	want := IconSprite()
	if os.Getenv("TRCR_UPDATE_ICONS") != "" {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != string(want) {
		t.Fatalf("%s is stale (%v): run make icons", path, err)
	}
}
