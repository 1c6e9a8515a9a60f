package views

import "github.com/trcr/trcr/store/vocab"

// Pages name codes with the labels of package vocab, the same list the store validates against.

// termLabel names a code of ts for people; a code outside the list (which the store never stores) is humanized.
func termLabel(ts vocab.Terms, code string) string {
	if l, ok := ts.Label(code); ok {
		return l
	}
	return humanize(code)
}

// termOptions offers every code of ts, in its order, with its label.
func termOptions(ts vocab.Terms) []Option {
	out := make([]Option, len(ts))
	for i, t := range ts {
		out[i] = Option{Value: t.Code, Label: t.Label}
	}
	return out
}
