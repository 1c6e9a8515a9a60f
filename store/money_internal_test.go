package store

import "testing"

func TestParseMajorUnits_ReadsTheCurrencysDecimals(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text     string
		decimals int
		want     int64
		message  string // the field's message when the text is refused
	}{
		{"85", 2, 8500, ""},
		{" 85.5 ", 2, 8550, ""},
		{"1,250.00", 2, 125000, ""},
		{"1 250", 2, 125000, ""},
		{".5", 2, 50, ""},
		{"0", 2, 0, ""},
		{"007.10", 2, 710, ""},
		{"1500", 0, 1500, ""},
		{"12.345", 2, 0, "rate must have at most 2 decimals"},
		{"15.5", 0, 0, "rate must be a whole amount: the currency has no minor units"},
		{"15.", 0, 0, "rate must be a whole amount: the currency has no minor units"},
		{"-5", 2, 0, "rate must be zero or more"},
		{"+5", 2, 0, "rate must be an amount such as 85.00"},
		{"lots", 2, 0, "rate must be an amount such as 85.00"},
		{"1.2.3", 2, 0, "rate must be an amount such as 85.00"},
		{".", 2, 0, "rate must be an amount such as 85.00"},
		{",", 2, 0, "rate must be an amount such as 85.00"},
		{"1e3", 2, 0, "rate must be an amount such as 85.00"},
		{"90071992547409.93", 2, 0, "rate is too large"},
		{"99999999999999999999", 2, 0, "rate is too large"},
	} {
		var v validator
		got := parseMajorUnits(&v, "rate", c.text, c.decimals)
		if c.message != "" {
			if got != nil || v.fields["rate"] != c.message {
				t.Errorf("%q: got %v, message %q; want %q", c.text, got, v.fields["rate"], c.message)
			}
			continue
		}
		if got == nil || *got != c.want || v.err() != nil {
			t.Errorf("%q: got %v (%v), want %d", c.text, got, v.err(), c.want)
		}
	}
	var v validator
	if got := parseMajorUnits(&v, "rate", "  ", 2); got != nil || v.err() != nil {
		t.Errorf("blank: %v %v", got, v.err())
	}
	if currencyDecimals("JPY") != 0 || currencyDecimals("EUR") != 2 || currencyDecimals("") != 2 {
		t.Error("currencyDecimals")
	}
}
