package store

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Task references in git texts. Commit messages, branch names and pull request titles name a task by its short
// reference (TRC-123, any case: branch names are often lower case) or by its id. "fixes TRC-123" in a pull request
// (closes, resolves and their forms too, as GitHub reads them) asks for the task to be done when it is merged.

var (
	uuidInText     = regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	shortRefInText = regexp.MustCompile(`([A-Za-z]{2,10})-([0-9]{1,9})`)
	closingWord    = regexp.MustCompile(`(?i)(?:^|[^\p{L}\p{N}])(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+$`)
)

// maxMentions bounds the references one event may link, whatever its size.
const maxMentions = 50

// shortRef is a task's reference split in its parts.
type shortRef struct {
	Key    string
	Number int
}

func (r shortRef) String() string { return r.Key + "-" + strconv.Itoa(r.Number) }

// mentions are the task references found in some texts, each once, in the order found.
type mentions struct {
	ids     []string
	refs    []shortRef
	closing map[string]bool // ids and references (upper case) that a closing word precedes
	seen    map[string]bool
}

func newMentions() *mentions {
	return &mentions{closing: map[string]bool{}, seen: map[string]bool{}}
}

func (m *mentions) full() bool { return len(m.ids)+len(m.refs) >= maxMentions }

// Ways of reading a text for references.
const (
	linkOnly     = iota // every reference links its task (commit messages, branch names)
	linkClosable        // every reference links, and a closing word before one asks to close it (titles)
	closingOnly         // only references after a closing word count (pull request descriptions)
)

// scan adds the references in text, read in mode.
func (m *mentions) scan(text string, mode int) {
	for _, loc := range uuidInText.FindAllStringIndex(text, -1) {
		if !wordBoundary(text, loc[0], loc[1]) {
			continue
		}
		id := strings.ToLower(text[loc[0]:loc[1]])
		m.add(id, mode, closingWord.MatchString(text[:loc[0]]), func() { m.ids = append(m.ids, id) })
	}
	// Ids are blanked out first: their hex groups would read as references (abcd-1234).
	rest := uuidInText.ReplaceAllStringFunc(text, func(s string) string { return strings.Repeat(" ", len(s)) })
	for _, loc := range shortRefInText.FindAllStringSubmatchIndex(rest, -1) {
		if !wordBoundary(rest, loc[0], loc[1]) {
			continue
		}
		n, err := strconv.Atoi(rest[loc[4]:loc[5]])
		if err != nil || n <= 0 {
			continue
		}
		ref := shortRef{Key: strings.ToUpper(rest[loc[2]:loc[3]]), Number: n}
		m.add(ref.String(), mode, closingWord.MatchString(rest[:loc[0]]), func() { m.refs = append(m.refs, ref) })
	}
}

func (m *mentions) add(key string, mode int, afterClosingWord bool, keep func()) {
	if mode != linkOnly && afterClosingWord {
		m.closing[key] = true
	}
	if mode == closingOnly && !afterClosingWord {
		return
	}
	if m.seen[key] || m.full() {
		return
	}
	m.seen[key] = true
	keep()
}

// wordBoundary reports whether text[start:end] stands alone: no letter or digit touches it on either side.
func wordBoundary(text string, start, end int) bool {
	alnum := func(b byte) bool { return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
	return (start == 0 || !alnum(text[start-1])) && (end == len(text) || !alnum(text[end]))
}

// GitEventTask is a task a git event is linked to.
type GitEventTask struct {
	ID        string `db:"id" json:"id"`
	ProjectID string `db:"project_id" json:"project_id"`
	Reference string `db:"reference" json:"reference"`
	Title     string `db:"title" json:"title"`
	Completed bool   `db:"completed" json:"-"`
	Closing   bool   `db:"-" json:"-"` // a closing word named it
}

// resolveMentions finds the organization's tasks that m names, in reference order.
func resolveMentions(ctx context.Context, q sqlx.QueryerContext, orgID string, m *mentions) ([]GitEventTask, error) {
	out := []GitEventTask{}
	if len(m.ids) == 0 && len(m.refs) == 0 {
		return out, nil
	}
	keys, numbers := make([]string, len(m.refs)), make([]int64, len(m.refs))
	for i, r := range m.refs {
		keys[i], numbers[i] = r.Key, int64(r.Number)
	}
	err := sqlx.SelectContext(ctx, q, &out, `
		SELECT t.id, t.project_id, p.key || '-' || t.number AS reference, t.title, t.completed_at IS NOT NULL AS completed
		FROM tasks t JOIN projects p ON p.id = t.project_id
		WHERE t.organization_id = $1 AND t.id = ANY($2::uuid[])
		UNION
		SELECT t.id, t.project_id, p.key || '-' || t.number, t.title, t.completed_at IS NOT NULL
		FROM unnest($3::text[], $4::int[]) AS w(key, number)
		JOIN projects p ON p.organization_id = $1 AND p.key = w.key
		JOIN tasks t ON t.project_id = p.id AND t.number = w.number
		ORDER BY reference`,
		orgID, pq.Array(m.ids), pq.Array(keys), pq.Array(numbers))
	if err != nil {
		return nil, fmt.Errorf("git mentions: %w", err)
	}
	for i := range out {
		out[i].Closing = m.closing[out[i].ID] || m.closing[out[i].Reference]
	}
	return out, nil
}
