package views

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func chatHTML(t *testing.T, content, host string, chips map[string]ChatTaskChip, mine ...string) string {
	t.Helper()
	var b bytes.Buffer
	if err := ChatContent(content, host, chips, mine).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestChatContent_TaskChipsAndMentions(t *testing.T) {
	t.Parallel()
	const id = "0b7c6f2e-8a61-4c1e-9d7a-3f1e2d4c5b6a"
	chips := map[string]ChatTaskChip{id: {ID: id, Title: `<script>alert(1)</script> & co`, Status: "Open"}}
	cases := []struct {
		name, content string
		chip          bool
	}{
		{"markdown link", "see [this](/tasks?task=" + id + ")", true},
		{"autolink on the host", "see https://trcr.example/tasks?task=" + id, true},
		{"bare address on an IP host", "see http://10.0.0.1:8080/tasks?task=" + id, false},
		{"another host", "see https://evil.example/tasks?task=" + id, false},
		{"in code", "`https://trcr.example/tasks?task=" + id + "`", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := chatHTML(t, c.content, "trcr.example", chips)
			if got := strings.Contains(out, `data-testid="chat-task-chip"`); got != c.chip {
				t.Fatalf("chip %v: %s", got, out)
			}
			if strings.Contains(out, "<script>") {
				t.Fatalf("title not escaped: %s", out)
			}
		})
	}
	if out := chatHTML(t, "see http://10.0.0.1:8080/tasks?task="+id, "10.0.0.1:8080", chips); !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co") {
		t.Fatalf("bare address on the page's own IP host: %s", out)
	}
	// A task the viewer cannot see stays a plain link.
	if out := chatHTML(t, "[x](/tasks?task="+id+")", "trcr.example", nil); strings.Contains(out, "task-chip") || !strings.Contains(out, `href="/tasks?task=`) {
		t.Fatalf("unknown task: %s", out)
	}
	out := chatHTML(t, "hi @ann.lee, @bob. mail bob@x.io `@code` [@link](https://x.example)", "", nil, "bob")
	if !strings.Contains(out, `<span class="mention">@ann.lee</span>,`) || !strings.Contains(out, `<span class="mention mention--me">@bob</span>.`) ||
		strings.Contains(out, `@x.io</span>`) || strings.Contains(out, `<code><span`) || strings.Contains(out, `>@link</span>`) {
		t.Fatalf("mentions: %s", out)
	}
}

func TestChatPlain(t *testing.T) {
	t.Parallel()
	if got := ChatPlain("**Ship** _it_ now: [the task](/tasks?task=x) and `code`", 200); got != "Ship it now: the task and code" {
		t.Fatalf("%q", got)
	}
	if got := ChatPlain(strings.Repeat("word ", 50), 20); len([]rune(got)) != 20 || !strings.HasSuffix(got, "…") {
		t.Fatalf("%q", got)
	}
}
