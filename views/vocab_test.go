package views

import (
	"slices"
	"testing"

	"github.com/trcr/trcr/store/vocab"
)

// The currency selects offer the store's list, in its order; a stored code outside it stays selectable.
func TestCurrencyOptions_AreTheCurrenciesTheStoreAccepts(t *testing.T) {
	t.Parallel()
	var got []string
	for _, o := range currencyOptions("") {
		got = append(got, o.Value)
	}
	if !slices.Equal(got, vocab.Currencies.Codes()) || !slices.Contains(got, "MAD") || !slices.Contains(got, "PEN") {
		t.Fatalf("currency options %v", got)
	}
	if o := currencyOptions("PEN"); len(o) != len(vocab.Currencies) || o[0].Label != "USD — US Dollar" {
		t.Errorf("PEN is listed once, in place: %v", o[:2])
	}
	if o := currencyOptions("XAU"); o[0] != (Option{Value: "XAU", Label: "XAU"}) {
		t.Errorf("an unlisted stored code comes first: %v", o[0])
	}
}

// The pages name codes as they did before the vocabulary moved to one package.
func TestLabels_AreThePagesLabels(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ got, want string }{
		{roleLabel(RoleOwner), "Owner"}, {roleLabel(RoleAdmin), "Admin"}, {roleLabel(RoleMember), "Member"}, {roleLabel(""), ""},
		{pwProjectRoleLabel(ProjectRoleManager), "Manager"}, {pwProjectRoleLabel(ProjectRoleMember), "Member"},
		{StatusLabel("open", nil), "Open"}, {StatusLabel("in_progress", nil), "In progress"},
		{StatusLabel("done", nil), "Done"}, {StatusLabel("closed", nil), "Closed"}, {StatusLabel("qa_review", nil), "Qa review"},
		{StatusLabel("qa_review", []TaskStatusOption{{Code: "qa_review", Label: "QA review"}}), "QA review"},
		{builtinStatusLabel("in_progress"), "In progress"},
		{priorityLabel("low"), "Low"}, {priorityLabel("medium"), "Medium"}, {priorityLabel("high"), "High"}, {priorityLabel("urgent"), "Urgent"},
		{invStatusLabel("draft"), "Draft"}, {invStatusLabel("overdue"), "Overdue"}, {clInvoiceStatusLabel("void"), "Void"},
		{invMethodLabel("bank_transfer"), "Bank transfer"}, {invMethodLabel("credit_card"), "Credit card"},
		{invMethodLabel("cash"), "Cash"}, {invMethodLabel("other"), "Other"},
		{clActivityLabel("meeting"), "Meeting"}, {clActivityLabel("note"), "Note"},
		{clActivityPlural("call"), "calls"}, {clActivityPlural(""), "activities"},
		{recurrenceLabel("daily"), "Every day"}, {recurrenceLabel("weekly"), "Every week"},
		{recurrenceLabel("monthly"), "Every month"}, {recurrenceLabel("0 9 * * 1"), "Cron: 0 9 * * 1"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for _, c := range []struct {
		name string
		got  []Option
		want []Option
	}{
		{"InvoiceStatusTabs", InvoiceStatusTabs, []Option{{"", "All"}, {"draft", "Draft"}, {"sent", "Sent"},
			{"overdue", "Overdue"}, {"paid", "Paid"}, {"void", "Void"}}},
		{"clActivityFilters", clActivityFilters(), []Option{{"", "All"}, {"meeting", "Meetings"}, {"call", "Calls"},
			{"email", "Emails"}, {"note", "Notes"}}},
		{"pwProjectStatusChoices", pwProjectStatusChoices, []Option{{"active", "Active"}, {"archived", "Archived"}, {"all", "All"}}},
		{"complexityOptions", complexityOptions(), []Option{{"", "None"}, {"1", "1"}, {"2", "2"}, {"3", "3"}, {"5", "5"}, {"8", "8"}}},
		{"OnCompletes", termOptions(vocab.OnCompletes), []Option{{"none", "Stay in this status"}, {"auto_advance", "Move to the next status"}}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}
