package store

import (
	"regexp"
	"strings"
	"unicode"
)

// A mention is "@" and a handle: a member's name with its spaces removed, or the local part of their email,
// either in any case (DECISIONS.md "Chat mentions"). The "@" must not follow a letter or digit, so that an email
// address in a message mentions nobody.
var (
	mentionPattern = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_.@+'-])@([\p{L}\p{N}._+'-]+)`)
	// Code is quoted text: "@name" in a code span or block mentions nobody.
	codeBlock = regexp.MustCompile("(?s)```.*?```|`[^`\n]*`")
)

// MentionHandle is the handle that mentions a person: their name without spaces, or the local part of their email
// when they have no name, in lower case.
func MentionHandle(name, email string) string {
	h := strings.Join(strings.Fields(name), "")
	if h == "" {
		h, _, _ = strings.Cut(email, "@")
	}
	return strings.ToLower(h)
}

// MaxMentions bounds the handles one message may mention.
const MaxMentions = 50

// mentionedHandles lists the lower-cased handles a text mentions. A handle that ends a sentence ("thanks @ann.")
// is tried with and without its trailing punctuation.
func mentionedHandles(text string) []string {
	text = codeBlock.ReplaceAllString(text, " ")
	var out []string
	seen := map[string]bool{}
	add := func(h string) {
		h = strings.ToLower(h)
		if h != "" && !seen[h] && len(out) < 2*MaxMentions {
			seen[h] = true
			out = append(out, h)
		}
	}
	for _, m := range mentionPattern.FindAllStringSubmatch(text, -1) {
		add(m[1])
		add(strings.TrimRightFunc(m[1], func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
	}
	return out
}
