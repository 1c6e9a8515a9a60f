package api

import (
	"reflect"
	"slices"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
)

// enums are the closed sets of values of the answers' fields, taken from the vocabulary the store validates and
// writes with (store/vocab, the event types, the store's own constants), so the document cannot drift from what
// the API writes: by the Go type that declares the field, then the field's JSON name. Fields whose values are open
// (a task's status, which may be a custom one; free text) have none; openAPIOpenFields in
// api/openapi_enums_test.go says why for each, and the test fails on a new field of a closed-sounding name that
// is in neither list.
//
// Request bodies get no enum: the store accepts some codes in any case (currencies, providers) and answers every
// other value with its own 400 naming the field.
var enums = map[reflect.Type]map[string][]string{
	reflect.TypeFor[store.AuditEntry]():     {"action": {store.ActionCreated, store.ActionUpdated, store.ActionDeleted}},
	reflect.TypeFor[store.Client]():         {"currency": vocab.Currencies.Codes()},
	reflect.TypeFor[store.ClientActivity](): {"type": vocab.ActivityTypes.Codes()},
	reflect.TypeFor[store.Dependency]():     {"dependency_type": {store.DependencyBlocks, store.DependencyBlockedBy}},
	reflect.TypeFor[store.GitHookResult]():  {"status": vocab.HookDeliveryStatuses.Codes()},
	reflect.TypeFor[store.GitRepository]():  {"provider": vocab.GitProviders.Codes()},
	reflect.TypeFor[store.GitWebhook]():     {"events": vocab.GitEventKinds.Codes()},
	reflect.TypeFor[store.Invoice](): {
		"status":   vocab.InvoiceStatuses.Codes(),
		"currency": vocab.Currencies.Codes(),
	},
	reflect.TypeFor[store.Member](): {
		"role":   vocab.OrgRoles.Codes(),
		"status": vocab.MemberStatuses.Codes(),
	},
	reflect.TypeFor[store.Notification]():           {"type": store.NotificationTypes},
	reflect.TypeFor[store.NotificationPreference](): {"notification_type": store.NotificationTypes},
	reflect.TypeFor[store.Organization]():           {"role": vocab.OrgRoles.Codes()},
	reflect.TypeFor[store.Payment]():                {"method": vocab.PaymentMethods.Codes()},
	reflect.TypeFor[store.PersonalToken]():          {"scopes": {store.ScopeRead, store.ScopeWrite}},
	reflect.TypeFor[store.Project]():                {"status": vocab.ProjectStatuses.Codes()},
	reflect.TypeFor[store.ProjectMembership]():      {"role": vocab.ProjectRoles.Codes()},
	reflect.TypeFor[searchResult]():                 {"type": vocab.SearchTypes.Codes()},
	reflect.TypeFor[store.Task]():                   {"priority": vocab.Priorities.Codes()},
	reflect.TypeFor[store.TaskStatus]():             {"on_complete": vocab.OnCompletes.Codes()},
	reflect.TypeFor[store.Webhook]():                {"events": append(vocab.WebhookEventTypes.Codes(), vocab.WebhookAllEvents)},
	reflect.TypeFor[store.WebhookDelivery](): {
		"status":     vocab.WebhookDeliveryStatuses.Codes(),
		"event_type": store.EventTypes,
	},
	reflect.TypeFor[store.WireEvent](): {"type": store.EventTypes},
}

// withEnum restricts a string schema (or the items of an array of strings) to codes; a nullable one keeps null.
func withEnum(sch map[string]any, codes []string) map[string]any {
	values := make([]any, 0, len(codes)+1)
	for _, c := range codes {
		values = append(values, c)
	}
	switch typ := sch["type"].(type) {
	case string:
		switch typ {
		case "string":
			sch["enum"] = values
			return sch
		case "array":
			sch["items"] = withEnum(sch["items"].(map[string]any), codes)
			return sch
		}
	case []any:
		if slices.Contains(typ, any("string")) && slices.Contains(typ, any("null")) {
			sch["enum"] = append(values, nil)
			return sch
		}
	}
	panic("openapi: an enum on a field that is neither a string nor an array of strings")
}
