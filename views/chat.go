package views

import (
	"context"
	"html"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/trcr/trcr/views/markdown"
)

// taskAnchor finds, in sanitized Markdown, the links to a task (TaskDeepLink), relative or on the page's host.
var taskAnchor = regexp.MustCompile(`<a href="(?:https?://([^/"]+))?/tasks\?task=([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"[^>]*>.*?</a>`)

// ChatContent renders a message's Markdown with the task sanitizer, then turns each link to a task the viewer may
// see into a chip that opens the task panel (a Markdown link, an autolink, or a bare address on the page's host,
// which the autolinker leaves alone when the host is an IP address), and marks @mentions, the viewer's (mine)
// stronger. The markup added is ours, built after sanitizing from escaped text; a link to a task the viewer cannot
// see, or on another host, stays as written.
func ChatContent(content, host string, chips map[string]ChatTaskChip, mine []string) templ.Component {
	chip := func(linkHost, id string) (string, bool) {
		c, ok := chips[strings.ToLower(id)]
		if !ok || (linkHost != "" && !strings.EqualFold(linkHost, host)) {
			return "", false
		}
		return taskChipHTML(c), true
	}
	out := decorateText(string(markdown.HTML(content)), func(t string) string {
		if len(chips) > 0 {
			t = taskURLInText.ReplaceAllStringFunc(t, func(u string) string {
				m := taskURLInText.FindStringSubmatch(u)
				if c, ok := chip(m[1], m[2]); ok {
					return c
				}
				return u
			})
		}
		return highlightMentions(t, mine)
	})
	if len(chips) > 0 {
		out = taskAnchor.ReplaceAllStringFunc(out, func(a string) string {
			m := taskAnchor.FindStringSubmatch(a)
			if c, ok := chip(m[1], m[2]); ok {
				return c
			}
			return a
		})
	}
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, out)
		return err
	})
}

func taskChipHTML(c ChatTaskChip) string {
	icon, state := "circle-dot", "open"
	if c.Done {
		icon, state = "circle-check", "done"
	}
	var b strings.Builder
	b.WriteString(`<a class="task-chip task-chip--` + state + `" href="` + html.EscapeString(TaskDeepLink(c.ID)) + `"`)
	b.WriteString(` hx-get="` + html.EscapeString(taskPanelURL(c.ID)) + `" hx-target="#task-panel" data-testid="chat-task-chip">`)
	b.WriteString(`<svg class="icon" viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">`)
	b.WriteString(`<use href="` + html.EscapeString(iconHref(icon)) + `"></use></svg>`)
	b.WriteString(`<span class="task-chip__title">` + html.EscapeString(c.Title) + `</span>`)
	if c.Status != "" {
		b.WriteString(`<span class="task-chip__status">` + html.EscapeString(c.Status) + `</span>`)
	}
	b.WriteString(`</a>`)
	return b.String()
}

// chatUnread is a channel's badge: the count, "99+" beyond.
func chatUnread(n int) string {
	if n > 99 {
		return "99+"
	}
	return strconv.Itoa(n)
}

func chatTime(m ChatMessageView) string { return m.At.Format("15:04") }

// chatReactionLabel is what a screen reader hears of a reaction button.
func chatReactionLabel(r ChatReactionView) string {
	s := r.Glyph + " " + Plural(r.Count, "reaction", "reactions")
	if r.Who != "" {
		s += " from " + r.Who
	}
	if r.Mine {
		s += "; click to remove yours"
	}
	return s
}

func chatMessagesPath(channelID, query string) string {
	return chatPath(channelID, "/messages?"+query)
}

func beforeQuery(id string) string { return "before=" + url.QueryEscape(id) }
func afterQuery(id string) string  { return "after=" + url.QueryEscape(id) }

func chatChannelLabel(c ChatChannelItem) string {
	s := c.Name
	if c.IsPrivate {
		s += ", private"
	}
	if c.Unread > 0 {
		s += ", " + chatUnread(c.Unread) + " unread"
	}
	return s
}

func memberCount(n int) string { return Plural(n, "member", "members") }

// chatMemberNames lists a private channel's members, for the tooltip of its member count.
func chatMemberNames(people []ChatPerson) string {
	names := make([]string, 0, len(people))
	for _, p := range people {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// chatExcerpt is the line of a message a reply quotes.
func chatExcerpt(content string) string { return ChatPlain(content, 120) }

var (
	htmlTag = regexp.MustCompile(`<[^>]+>`)
	// mentionInText is store's mention pattern, in HTML text.
	mentionInText = regexp.MustCompile(`(^|[^\p{L}\p{N}_.@+'-])@([\p{L}\p{N}._+-]+)`)
	// taskURLInText is an address of a task's deep link left as text.
	taskURLInText = regexp.MustCompile(`https?://([^/\s"<]+)/tasks\?task=([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})`)
)

// decorateText applies fn to the text of sanitized HTML outside code, preformatted text and links.
func decorateText(h string, fn func(string) string) string {
	var b strings.Builder
	quoted, last := 0, 0
	text := func(t string) {
		if quoted > 0 {
			b.WriteString(t)
		} else {
			b.WriteString(fn(t))
		}
	}
	for _, loc := range htmlTag.FindAllStringIndex(h, -1) {
		text(h[last:loc[0]])
		tag := h[loc[0]:loc[1]]
		name := strings.ToLower(strings.TrimLeft(tag[1:len(tag)-1], "/"))
		name, _, _ = strings.Cut(name, " ")
		if name == "code" || name == "pre" || name == "a" {
			if strings.HasPrefix(tag, "</") {
				quoted = max(quoted-1, 0)
			} else {
				quoted++
			}
		}
		b.WriteString(tag)
		last = loc[1]
	}
	text(h[last:])
	return b.String()
}

// highlightMentions wraps the @mentions of a piece of HTML text in a span; a mention of one of mine is marked as
// the viewer's.
func highlightMentions(t string, mine []string) string {
	if !strings.Contains(t, "@") {
		return t
	}
	return mentionInText.ReplaceAllStringFunc(t, func(m string) string {
		sub := mentionInText.FindStringSubmatch(m)
		name := strings.TrimRight(sub[2], ".-_+")
		if name == "" {
			return m
		}
		class := "mention"
		for _, h := range mine {
			if strings.ToLower(name) == h {
				class += " mention--me"
			}
		}
		return sub[1] + `<span class="` + class + `">@` + name + `</span>` + sub[2][len(name):]
	})
}

var (
	markdownLink     = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	markdownEmphasis = regexp.MustCompile(`(^|[^\p{L}\p{N}])[*_]([^*_\s][^*_]*)[*_]([^\p{L}\p{N}]|$)`)
	markdownMark     = strings.NewReplacer("**", "", "__", "", "`", "", "~~", "")
)

// ChatPlain is a line of a message without its Markdown, for the quote of a reply.
func ChatPlain(s string, n int) string {
	s = markdownMark.Replace(markdownLink.ReplaceAllString(s, "$1"))
	s = markdownEmphasis.ReplaceAllString(s, "$1$2$3")
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}

// membersFirst lists the people of a member picker with those chosen (and oneself) first, in their order.
func membersFirst(people []ChatPerson, selected map[string]bool, me string) []ChatPerson {
	out := make([]ChatPerson, 0, len(people))
	for _, p := range people {
		if selected[p.ID] || p.ID == me {
			out = append(out, p)
		}
	}
	for _, p := range people {
		if !selected[p.ID] && p.ID != me {
			out = append(out, p)
		}
	}
	return out
}
