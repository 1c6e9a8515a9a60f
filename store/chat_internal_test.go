package store

import (
	"strings"
	"testing"
)

func TestMentionedHandles(t *testing.T) {
	t.Parallel()
	cases := []struct{ text, want string }{
		{"@ann hi", "ann"},
		{"hi @Ann.Lee, and @bob.", "ann.lee,bob.,bob"},
		{"(@zoë) @o'brien!", "zoë,o'brien"},
		{"mail ann@example.com or x@y", ""},
		{"`@ann` and ```\n@bob\n``` but @cy", "cy"},
		{"@@ann @ @-", "-"},
		{"@ann @ANN", "ann"},
	}
	for _, c := range cases {
		got := mentionedHandles(c.text)
		if s := strings.Join(got, ","); s != strings.TrimSuffix(c.want, ",") && !(c.want == "" && len(got) == 0) {
			t.Errorf("%q: %q, want %q", c.text, s, c.want)
		}
	}
	if MentionHandle(" Ann  Lee ", "a@x.io") != "annlee" || MentionHandle("", "Ann.Lee@x.io") != "ann.lee" {
		t.Error("MentionHandle")
	}
}

func TestValidEmoji(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"thumbsup", "+1", "-1", "white_check_mark", "100", "👍", "👍🏽", "❤️", "🇫🇷", "👩‍💻", "👨‍👩‍👧", "1️⃣", "#⃣", "🏳️‍🌈", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"} {
		if !ValidEmoji(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "Thumbsup", "thumbs up", strings.Repeat("a", 33), "👍👍", "a👍", "👍a", "‍👍", "👍‍", "🇫", "<script>", ":)"} {
		if ValidEmoji(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
