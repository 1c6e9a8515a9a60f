package store_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The domain sits below both front ends and the rendering code: an import of any of them from store/ (its tests
// included, directly or through another package) would let HTTP or templates leak into the rules.
func TestStore_ImportsNoFrontEndOrRendering(t *testing.T) {
	t.Parallel()
	// Every package store/ reaches, tests included, each followed by what it imports.
	out, err := exec.Command("go", "list", "-deps", "-test", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}", "./...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, imports, _ := strings.Cut(line, "|")
		for _, imp := range strings.Fields(imports) {
			if frontEndOrRendering(imp) {
				t.Errorf("%s imports %s", pkg, imp)
			}
		}
	}
}

func frontEndOrRendering(importPath string) bool {
	for _, dir := range []string{"views", "handlers", "api", "cmd"} {
		prefix := "github.com/trcr/trcr/" + dir
		if importPath == prefix || strings.HasPrefix(importPath, prefix+"/") {
			return true
		}
	}
	return false
}
