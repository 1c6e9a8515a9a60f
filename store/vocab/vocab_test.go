package vocab_test

import (
	"regexp"
	"slices"
	"testing"

	"github.com/trcr/trcr/store/vocab"
)

// lists are every list of codes by name, the built-in statuses as Terms too.
func lists() map[string]vocab.Terms {
	var builtins vocab.Terms
	for _, b := range vocab.BuiltinStatuses {
		builtins = append(builtins, b.Term)
	}
	return map[string]vocab.Terms{
		"BuiltinStatuses": builtins, "OnCompletes": vocab.OnCompletes, "Priorities": vocab.Priorities,
		"RecurrencePatterns": vocab.RecurrencePatterns, "OrgRoles": vocab.OrgRoles, "MemberStatuses": vocab.MemberStatuses,
		"ProjectRoles": vocab.ProjectRoles, "ProjectStatuses": vocab.ProjectStatuses, "InvoiceStatuses": vocab.InvoiceStatuses,
		"PaymentMethods": vocab.PaymentMethods, "ActivityTypes": vocab.ActivityTypes, "Currencies": vocab.Currencies,
		"GitProviders": vocab.GitProviders, "GitEventKinds": vocab.GitEventKinds, "PullRequestStates": vocab.PullRequestStates,
		"HookDeliveryStatuses": vocab.HookDeliveryStatuses,
	}
}

// Codes reach SQL, URLs and CSS class names, so they are plain lower-case words (currencies: ISO 4217 codes).
var (
	codePattern     = regexp.MustCompile(`^[a-z][a-z_]*$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	colorPattern    = regexp.MustCompile(`^#[0-9a-f]{6}$`)
)

func TestTerms_EveryCodeIsWellFormedUniqueAndLabelled(t *testing.T) {
	for name, ts := range lists() {
		pattern := codePattern
		if name == "Currencies" {
			pattern = currencyPattern
		}
		if len(ts) == 0 {
			t.Errorf("%s is empty", name)
		}
		codes, labels := map[string]bool{}, map[string]bool{}
		for _, term := range ts {
			if !pattern.MatchString(term.Code) {
				t.Errorf("%s: code %q is not of the form %s", name, term.Code, pattern)
			}
			if term.Label == "" {
				t.Errorf("%s: %q has no label", name, term.Code)
			}
			if codes[term.Code] || labels[term.Label] {
				t.Errorf("%s: %q or its label %q appears twice", name, term.Code, term.Label)
			}
			codes[term.Code], labels[term.Label] = true, true
			if label, ok := ts.Label(term.Code); !ok || label != term.Label || !ts.Has(term.Code) {
				t.Errorf("%s: Label(%q) = %q, %v", name, term.Code, label, ok)
			}
		}
		if ts.Has("") || ts.Has("nonsense") {
			t.Errorf("%s accepts a code it does not list", name)
		}
	}
}

// The pages offer codes in this order and priority_rank sorts by it, so a change here is a visible change.
func TestTerms_OrderIsStable(t *testing.T) {
	var builtins []string
	for _, b := range vocab.BuiltinStatuses {
		builtins = append(builtins, b.Code)
	}
	for _, c := range []struct {
		name      string
		got, want []string
	}{
		{"BuiltinStatuses", builtins, []string{"open", "in_progress", "done", "closed"}},
		{"OnCompletes", vocab.OnCompletes.Codes(), []string{"none", "auto_advance"}},
		{"Priorities", vocab.Priorities.Codes(), []string{"low", "medium", "high", "urgent"}},
		{"RecurrencePatterns", vocab.RecurrencePatterns.Codes(), []string{"daily", "weekly", "monthly"}},
		{"OrgRoles", vocab.OrgRoles.Codes(), []string{"owner", "admin", "member"}},
		{"MemberStatuses", vocab.MemberStatuses.Codes(), []string{"active", "invited"}},
		{"ProjectRoles", vocab.ProjectRoles.Codes(), []string{"member", "manager"}},
		{"ProjectStatuses", vocab.ProjectStatuses.Codes(), []string{"active", "archived"}},
		{"InvoiceStatuses", vocab.InvoiceStatuses.Codes(), []string{"draft", "sent", "overdue", "paid", "void"}},
		{"PaymentMethods", vocab.PaymentMethods.Codes(), []string{"bank_transfer", "credit_card", "cash", "other"}},
		{"ActivityTypes", vocab.ActivityTypes.Codes(), []string{"meeting", "call", "email", "note"}},
		{"GitProviders", vocab.GitProviders.Codes(), []string{"github", "gitlab", "gitea"}},
		{"GitEventKinds", vocab.GitEventKinds.Codes(), []string{"push", "pull_request", "branch_created", "branch_deleted"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if got := vocab.Complexities; !slices.Equal(got, []int{1, 2, 3, 5, 8}) {
		t.Errorf("Complexities = %v", got)
	}
}

func TestBuiltinStatuses_OpenStartsAndDoneAndClosedComplete(t *testing.T) {
	if !vocab.IsBuiltinStatus(vocab.DefaultStatus) || vocab.BuiltinCompletes(vocab.DefaultStatus) {
		t.Errorf("the default status %q must be a built-in that does not complete a task", vocab.DefaultStatus)
	}
	var completing []string
	for _, b := range vocab.BuiltinStatuses {
		if b.Completes != vocab.BuiltinCompletes(b.Code) {
			t.Errorf("BuiltinCompletes(%q) disagrees with its status", b.Code)
		}
		if b.Completes {
			completing = append(completing, b.Code)
		}
		if !colorPattern.MatchString(b.Color) || b.Description == "" {
			t.Errorf("%q: color %q, description %q", b.Code, b.Color, b.Description)
		}
	}
	if !slices.Equal(completing, []string{vocab.StatusDone, vocab.StatusClosed}) {
		t.Errorf("completing built-ins = %v", completing)
	}
	// A custom status is never a built-in, whatever it does.
	if vocab.IsBuiltinStatus("qa_review") || vocab.BuiltinCompletes("wont_do") {
		t.Error("custom codes count as built-ins")
	}
	if b, ok := vocab.Builtin(vocab.StatusInProgress); !ok || b.Label != "In progress" {
		t.Errorf("Builtin(in_progress) = %+v, %v", b, ok)
	}
}

func TestDefaults_AreListedCodes(t *testing.T) {
	if !vocab.Priorities.Has(vocab.DefaultPriority) || !vocab.PaymentMethods.Has(vocab.DefaultPaymentMethod) {
		t.Error("a default is not one of its list")
	}
	if !vocab.IsComplexity(5) || vocab.IsComplexity(4) || vocab.IsComplexity(0) {
		t.Error("IsComplexity")
	}
}

// Pages name several roles ("Owners") and activity types ("Meetings").
func TestPlurals_ForTheListsPagesPluralize(t *testing.T) {
	for _, ts := range []vocab.Terms{vocab.OrgRoles, vocab.ActivityTypes} {
		for _, term := range ts {
			if term.Plural == "" || term.Plural == term.Label {
				t.Errorf("%q has plural %q", term.Code, term.Plural)
			}
		}
	}
}

// The store accepted MAD and PEN while the pages never offered them; both read the one list now.
func TestCurrencies_IncludeEveryCodeTheStoreAccepted(t *testing.T) {
	accepted := []string{"USD", "EUR", "GBP", "CHF", "CAD", "AUD", "NZD", "JPY", "CNY", "HKD", "SGD", "INR", "SEK",
		"NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "ISK", "TRY", "ILS", "AED", "SAR", "ZAR", "BRL", "MXN", "ARS",
		"CLP", "COP", "PEN", "KRW", "TWD", "THB", "MYR", "IDR", "PHP", "VND", "UAH", "EGP", "NGN", "KES", "MAD"}
	got := vocab.Currencies.Codes()
	slices.Sort(got)
	slices.Sort(accepted)
	if !slices.Equal(got, accepted) {
		t.Errorf("Currencies = %v, want %v", got, accepted)
	}
	for _, c := range []string{"MAD", "PEN"} {
		if !vocab.IsCurrency(c) {
			t.Errorf("%s is not a currency", c)
		}
	}
	if vocab.IsCurrency("usd") || vocab.IsCurrency("XYZ") {
		t.Error("IsCurrency accepts codes outside the list")
	}
}
