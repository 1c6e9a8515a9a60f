package pdf

import "testing"

func TestPrintable(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in        string
		multiline bool
		want      string
	}{
		{"Zoë Müller — 5 € «ok» Ωμέγα Привет", false, "Zoë Müller — 5 € «ok» Ωμέγα Привет"},
		{"Zoe\u0308", false, "Zoë"},         // composed
		{"𝐀𝐜𝐦𝐞 ① ﬁ", false, "Acme 1 ﬁ"},     // compatibility letters, when the font lacks the original
		{"🎉 done 👍🏽", false, "? done ??"},   // skin tone modifier is a symbol of its own
		{"👩\u200d💻\ufe0f", false, "??"},     // joiner and variation selector dropped
		{"\u202bשלום\u202c", false, "????"}, // direction marks dropped, Hebrew replaced
		{"a\tb\nc\r\nd\x01\x1f\x7f\x00e", false, "a b c de"},
		{"a\nb", true, "a\nb"},
		{"bad \xff utf-8", false, "bad ? utf-8"},
		{"\U0010FFFF\U000E0001", false, "?"}, // a noncharacter, and a tag (a format character)
	} {
		if got := printable(c.in, c.multiline); got != c.want {
			t.Errorf("printable(%q, %v) = %q, want %q", c.in, c.multiline, got, c.want)
		}
	}
}
