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
// see into a chip that opens the task panel, and marks @mentions (those of the viewer, mine, stronger). The markup
// added is ours, built after sanitizing, from escaped text; a link to a task the viewer cannot see, or on another
// host, stays as written.
func ChatContent(content, host string, chips map[string]ChatTaskChip, mine []string) templ.Component {
	out := highlightMentions(string(markdown.HTML(content)), mine)
	if len(chips) > 0 {
		out = taskAnchor.ReplaceAllStringFunc(out, func(a string) string {
			m := taskAnchor.FindStringSubmatch(a)
			chip, ok := chips[strings.ToLower(m[2])]
			if !ok || (m[1] != "" && !strings.EqualFold(m[1], host)) {
				return a
			}
			return taskChipHTML(chip)
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
	b.WriteString(`<svg class="icon" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="14" height="14" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">`)
	b.WriteString(iconPaths[icon] + `</svg>`)
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
	s := r.Glyph + " " + strconv.Itoa(r.Count) + " " + Plural(r.Count, "reaction", "reactions")
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

func memberCount(n int) string { return strconv.Itoa(n) + " " + Plural(n, "member", "members") }

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
)

// highlightMentions wraps the @mentions in the text of sanitized HTML (not in code, preformatted text or links) in
// a span; a mention of one of mine is marked as the viewer's.
func highlightMentions(h string, mine []string) string {
	if !strings.Contains(h, "@") {
		return h
	}
	var b strings.Builder
	quoted, last := 0, 0
	text := func(t string) {
		if quoted > 0 {
			b.WriteString(t)
			return
		}
		b.WriteString(mentionInText.ReplaceAllStringFunc(t, func(m string) string {
			sub := mentionInText.FindStringSubmatch(m)
			handle := strings.ToLower(strings.TrimRight(sub[2], ".-_+"))
			class := "mention"
			for _, h := range mine {
				if handle == h {
					class += " mention--me"
				}
			}
			return sub[1] + `<span class="` + class + `">@` + sub[2] + `</span>`
		}))
	}
	for _, loc := range htmlTag.FindAllStringIndex(h, -1) {
		text(h[last:loc[0]])
		tag := h[loc[0]:loc[1]]
		name := strings.ToLower(strings.Trim(strings.Fields(tag[1:len(tag)-1] + " ")[0], "/"))
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

var (
	markdownLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)
	markdownMark = strings.NewReplacer("**", "", "__", "", "`", "", "~~", "")
)

// ChatPlain is a line of a message without its Markdown, for the quote of a reply.
func ChatPlain(s string, n int) string {
	s = markdownMark.Replace(markdownLink.ReplaceAllString(s, "$1"))
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}
