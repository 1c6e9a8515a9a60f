package api_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
)

// The document's enums are the vocabulary's lists, so a code added to store/vocab (or a new event type) is in the
// document without anyone editing it.
func TestOpenAPIEnums_AreTheVocabularysLists(t *testing.T) {
	doc, err := loadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		schema, field string
		want          []string
	}{
		{"Task", "priority", vocab.Priorities.Codes()},
		{"Project", "status", vocab.ProjectStatuses.Codes()},
		{"Member", "role", vocab.OrgRoles.Codes()},
		{"ProjectMembership", "role", vocab.ProjectRoles.Codes()},
		{"Invoice", "status", vocab.InvoiceStatuses.Codes()},
		{"Invoice", "currency", vocab.Currencies.Codes()},
		{"ClientDetail", "currency", vocab.Currencies.Codes()},
		{"Payment", "method", vocab.PaymentMethods.Codes()},
		{"WebhookDelivery", "status", vocab.WebhookDeliveryStatuses.Codes()},
		{"WebhookDelivery", "event_type", store.EventTypes},
		{"WireEvent", "type", store.EventTypes},
	} {
		got := enumOf(dig(doc, "components", "schemas", c.schema, "properties", c.field))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s.%s: enum %v, want the vocabulary's %v", c.schema, c.field, got, c.want)
		}
	}
	events := enumOf(dig(doc, "components", "schemas", "Webhook", "properties", "events", "items"))
	if want := append(vocab.WebhookEventTypes.Codes(), vocab.WebhookAllEvents); !slices.Equal(events, want) {
		t.Errorf("Webhook.events: items enum %v, want %v", events, want)
	}
}

// openAPIOpenFields are the fields of answers whose name sounds like a closed set but whose values are open, and
// why. Any other such field without an enum fails TestOpenAPIEnums_EveryClosedFieldOfAnAnswerHasOne.
var openAPIOpenFields = map[string]string{
	"Task.status":                   "a task may be in one of its organization's custom statuses",
	"DependencyTask.status":         "a task may be in one of its organization's custom statuses",
	"TaskStatus.code":               "custom statuses are named by their organization",
	"TaskGroup.status_code":         "a group may stand for a custom status",
	"ClientContact.role":            "free text: the contact's job at the client",
	"AuditEntry.entity_type":        "written as literals by each use case; no vocabulary list yet",
	"GitWebhookDelivery.status":     "delivered or failed, a CHECK of migration 00023 with no vocabulary list yet",
	"Recurrence.recurrence_pattern": "a named pattern (vocab.RecurrencePatterns) or any 5-field cron expression",
	"ChatReaction.emoji":            "the picker's emoji and more (vocab.EmojiGlyph)",
	"User.timezone":                 "any IANA time zone name",
	"Address.state":                 "free text: a state or region of the address",
	"ErrorDetail.code":              "api/errors.go's codes, written where each error is mapped; no list yet",
}

// closedSounding are the names of fields that usually hold a code of a closed set.
var closedSounding = []string{"status", "priority", "role", "currency", "type", "method", "provider", "scopes",
	"events", "event_type", "entity_type", "notification_type", "dependency_type", "on_complete", "action", "kind",
	"state", "code", "status_code", "recurrence_pattern", "emoji", "timezone"}

// Every field of a schema that answers reach (not request bodies: see api/openapi_enums.go) whose name sounds
// like a code of a closed set has an enum, or is listed in openAPIOpenFields with the reason it has none.
func TestOpenAPIEnums_EveryClosedFieldOfAnAnswerHasOne(t *testing.T) {
	doc, err := loadOpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range answerSchemas(doc) {
		props, _ := dig(doc, "components", "schemas", name, "properties").(map[string]any)
		for field, sch := range props {
			if !slices.Contains(closedSounding, field) || !stringish(sch) {
				continue
			}
			key := name + "." + field
			_, open := openAPIOpenFields[key]
			switch has := enumOf(sch) != nil || enumOf(dig(sch, "items")) != nil; {
			case !has && !open:
				t.Errorf("%s has no enum: add the vocabulary's list to enums in api/openapi_enums.go, or say why its values are open in openAPIOpenFields", key)
			case has && open:
				t.Errorf("%s has an enum but is listed as open", key)
			}
		}
	}
	for key := range openAPIOpenFields {
		name, field, _ := strings.Cut(key, ".")
		if dig(doc, "components", "schemas", name, "properties", field) == nil {
			t.Errorf("openAPIOpenFields lists %s, which no schema has", key)
		}
	}
}

// A response carrying a value outside a field's enum is refused by the check every API test's answers go through.
func TestOpenAPICheck_RefusesAValueOutsideTheEnum(t *testing.T) {
	t.Parallel()
	f := newWorld(t).ownedBy("Olive Owner", "Enum Co").withProject("Website")
	id := f.task("Validated", nil)
	r := f.call(200, f.owner, "GET", "/tasks/"+id, nil)
	hr, err := http.NewRequest("GET", "http://trcr.test/api/v1/tasks/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.openAPIMismatch(hr, 200, r.header, r.raw); err != nil {
		t.Fatalf("the real answer: %v", err)
	}
	for field, value := range map[string]any{"priority": "extreme", "status": 3} {
		var task map[string]any
		if err := json.Unmarshal(r.raw, &task); err != nil {
			t.Fatal(err)
		}
		task[field] = value
		body, _ := json.Marshal(task)
		err := f.openAPIMismatch(hr, 200, r.header, body)
		if err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("a task with %s %v: %v, want the check to refuse it", field, value, err)
		}
	}
}

// answerSchemas are the names of the components that some answer's schema reaches.
func answerSchemas(doc map[string]any) []string {
	seen := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok && !seen[name] {
					seen[name] = true
					walk(dig(doc, "components", "schemas", name))
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, ops := range dig(doc, "paths").(map[string]any) {
		for _, op := range ops.(map[string]any) {
			walk(dig(op, "responses"))
		}
	}
	walk(dig(doc, "components", "responses"))
	walk(dig(doc, "components", "schemas", "LiveEvent"))
	return slices.Sorted(maps.Keys(seen))
}

// stringish reports whether a schema is a string, a nullable string or an array of strings.
func stringish(sch any) bool {
	switch typ := dig(sch, "type").(type) {
	case string:
		return typ == "string" || (typ == "array" && stringish(dig(sch, "items")))
	case []any:
		return slices.Contains(typ, any("string"))
	}
	return false
}

// enumOf is a schema's enum as strings (null left out), or nil when it has none.
func enumOf(sch any) []string {
	values, ok := dig(sch, "enum").([]any)
	if !ok {
		return nil
	}
	out := []string{}
	for _, v := range values {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
