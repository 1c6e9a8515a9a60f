package store

import "testing"

func TestParseMajorUnits_RefusesAmountsAboveTenToTheTwelveMinorUnits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text     string
		decimals int
		ok       bool
	}{
		{"10,000,000,000.00", 2, true},
		{"10000000000.01", 2, false},
		{"1000000000000", 0, true},
		{"1000000000001", 0, false},
		{"90071992547409.91", 2, false}, // under the former 2^53 bound
	} {
		var v validator
		got := parseMajorUnits(&v, "rate", c.text, c.decimals)
		if c.ok && (got == nil || *got != maxAmount) {
			t.Errorf("%q: got %v, %v; want the bound", c.text, got, v.err())
		}
		if !c.ok && (got != nil || v.fields["rate"] != "rate is too large") {
			t.Errorf("%q: got %v, message %q; want too large", c.text, got, v.fields["rate"])
		}
	}
}
