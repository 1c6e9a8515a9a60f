// Package vocab is TRCR's vocabulary: the codes the domain stores and the API speaks (task statuses, priorities,
// roles, invoice statuses, payment methods, currencies …), in their order, with the label a page shows for each
// and the rules that depend on the code alone (which statuses are built in, which complete a task). store
// validates against it and handlers and views show it, so a page cannot offer a code the store refuses or name
// one differently from another page. New code names these codes through this package, never as literals.
//
// The migrations' CHECK constraints hold the same lists for the database; store's tests compare them. Sentences
// that list codes in validation messages stay with the store, which owns its messages.
package vocab

// Term is a code and how pages name it. Plural is set where a page names several of a kind ("Owners").
type Term struct {
	Code   string
	Label  string
	Plural string
}

// Terms is a list of codes in the order pages offer them.
type Terms []Term

// Has reports whether code is one of the terms.
func (ts Terms) Has(code string) bool {
	_, ok := ts.find(code)
	return ok
}

// Label is the label of code; ok is false when code is not one of the terms.
func (ts Terms) Label(code string) (label string, ok bool) {
	t, ok := ts.find(code)
	return t.Label, ok
}

// Codes are the codes in order.
func (ts Terms) Codes() []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Code
	}
	return out
}

func (ts Terms) find(code string) (Term, bool) {
	for _, t := range ts {
		if t.Code == code {
			return t, true
		}
	}
	return Term{}, false
}
