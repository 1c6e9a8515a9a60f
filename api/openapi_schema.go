package api

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/trcr/trcr/store"
)

// schemas reflects Go types into JSON Schema 2020-12 (the dialect of OpenAPI 3.1) the way encoding/json writes
// them: a pointer may be null, a field without omitempty is always present (required), and a struct has no other
// properties. Named structs become components referenced by $ref.
type schemas struct {
	defs  map[string]any
	names map[reflect.Type]string
}

func newSchemas() *schemas {
	return &schemas{defs: map[string]any{}, names: map[reflect.Type]string{}}
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	rawType      = reflect.TypeFor[json.RawMessage]()
	marshalerTyp = reflect.TypeFor[json.Marshaler]()
)

// custom are the types that write themselves (json.Marshaler): what they write.
var custom = map[reflect.Type]map[string]any{
	reflect.TypeFor[store.Date]():     {"type": "string", "format": "date"},
	reflect.TypeFor[store.Hours]():    {"type": "number"},
	reflect.TypeFor[store.Decimal4](): {"type": "number"},
}

// of is the schema of t.
func (s *schemas) of(t reflect.Type) map[string]any {
	if c, ok := custom[t]; ok {
		return clone(c)
	}
	switch {
	case t.Kind() == reflect.Pointer:
		return nullable(s.of(t.Elem()))
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	case isOptional(t):
		// Optional[T] (request bodies): the value, or null to clear it.
		return nullable(s.of(t.Field(2).Type))
	case t.Implements(marshalerTyp) || reflect.PointerTo(t).Implements(marshalerTyp):
		panic(fmt.Sprintf("openapi: %s writes its own JSON: add it to custom", t))
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": s.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.of(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		if t.Name() == "" {
			return s.object(t)
		}
		return s.ref(t)
	}
	panic(fmt.Sprintf("openapi: no schema for %s", t))
}

func (s *schemas) ref(t reflect.Type) map[string]any {
	name, ok := s.names[t]
	if !ok {
		name = s.componentName(t)
		s.names[t] = name
		s.defs[name] = nil // reserved before recursing, for self-referencing types
		s.defs[name] = s.object(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// componentName is the type's name with a capital, qualified by its package when two packages share it.
func (s *schemas) componentName(t reflect.Type) string {
	base := t.Name()
	if i := strings.IndexByte(base, '['); i >= 0 { // an instance of a generic type
		base = base[:i]
	}
	base = capitalize(base)
	if _, taken := s.defs[base]; !taken {
		return base
	}
	pkg := t.PkgPath()[strings.LastIndexByte(t.PkgPath(), '/')+1:]
	for i := 0; ; i++ {
		name := capitalize(pkg) + base
		if i > 0 {
			name += fmt.Sprint(i)
		}
		if _, taken := s.defs[name]; !taken {
			return name
		}
	}
}

// object lists the fields encoding/json writes, with embedded structs' fields promoted.
func (s *schemas) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	s.fields(t, props, &required)
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func (s *schemas) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				s.fields(ft, props, required)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		props[name] = s.of(f.Type)
		if codes, ok := enums[t][name]; ok {
			props[name] = withEnum(props[name].(map[string]any), codes)
		}
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
			*required = append(*required, name)
		}
	}
}

func isOptional(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.PkgPath() == reflect.TypeFor[Optional[int]]().PkgPath() &&
		strings.HasPrefix(t.Name(), "Optional[")
}

// nullable lets a schema also be null.
func nullable(sch map[string]any) map[string]any {
	switch typ := sch["type"].(type) {
	case string:
		sch["type"] = []any{typ, "null"}
		return sch
	case nil:
		if len(sch) == 0 {
			return sch // anything, null included
		}
	}
	return map[string]any{"anyOf": []any{sch, map[string]any{"type": "null"}}}
}

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
