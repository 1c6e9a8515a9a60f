package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
)

// EventTypes is the one list of event types (the OpenAPI document's enum of an event's type): it holds every
// Event… constant of events.go, in their order, and every type a webhook may subscribe to.
func TestEventTypes_ListEveryEventConstant(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "events.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var consts []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			v := spec.(*ast.ValueSpec)
			for i, name := range v.Names {
				lit, ok := v.Values[i].(*ast.BasicLit)
				if !strings.HasPrefix(name.Name, "Event") || !ok || lit.Kind != token.STRING {
					continue
				}
				value, _ := strconv.Unquote(lit.Value)
				consts = append(consts, value)
			}
		}
	}
	if len(consts) < 20 || !slices.Equal(consts, store.EventTypes) {
		t.Fatalf("store.EventTypes = %v\nthe Event constants of events.go are %v", store.EventTypes, consts)
	}
	for _, code := range vocab.WebhookEventTypes.Codes() {
		if !slices.Contains(store.EventTypes, code) {
			t.Errorf("webhooks may subscribe to %q, which is not an event type", code)
		}
	}
}
