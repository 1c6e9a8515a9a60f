package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// Search bounds (DECISIONS.md "Search").
const (
	DefaultSearchLimit = 20
	MaxSearchLimit     = 50
	// MaxSearchQuery is the longest query accepted, in characters.
	MaxSearchQuery = 200
	// SearchCountCap bounds the per-type counts of the results page: counting every match of a common word would
	// cost as much as reading them all.
	SearchCountCap = 100
)

// Typo tolerance: a query of at most fuzzyMaxWords words and at least fuzzyMinRunes characters that finds fewer
// results than asked for is completed with titles that contain a word spelled like it: pg_trgm word similarity of
// at least fuzzyThreshold (the extension's default, 0.6, misses a swap of two letters in the middle of a word).
const (
	fuzzyMaxWords  = 3
	fuzzyMinRunes  = 4
	fuzzyThreshold = "0.5"
)

// Private-use characters that ts_headline puts around matches, so that the text around them can be escaped
// wherever it is shown; they are removed from the text beforehand, so content cannot forge a match. "<" stands in
// as ltStandIn while ts_headline works: its parser reads "<b>" or "<img …>" as markup and drops it from
// fragments, and a snippet shows the text as written (escaped), markup-looking words included.
const (
	markStart = "\uE000"
	markStop  = "\uE001"
	ltStandIn = "\uE002"
)

// SearchFilter is a search as GET /search reads it: q, type and limit, validated here.
type SearchFilter struct {
	Query string
	Type  string // one of vocab.SearchTypes, or "" for every type
	Limit string // "" for DefaultSearchLimit; above MaxSearchLimit reads as MaxSearchLimit
}

// SearchResult is one thing found. Title and Snippet carry the matches marked; Title.String() is the plain title.
type SearchResult struct {
	Type    string
	ID      string
	Title   Marked
	Snippet Marked
	// Context says where it belongs: the project of a task or comment, the author of a message, the client of an
	// invoice, the project and day of a time entry.
	Context string
	URL     string
	// Similar is set on results found by their title's spelling rather than by the query's words.
	Similar bool
}

// Marked is text with the search's matches marked, in runs. Front ends escape each run and highlight the
// matches (<mark>), so nothing of the text is ever read as markup.
type Marked []MarkedRun

// MarkedRun is a piece of Marked text; Match says it matched the query.
type MarkedRun struct {
	Text  string
	Match bool
}

// String is the text without marks.
func (m Marked) String() string {
	var b strings.Builder
	for _, r := range m {
		b.WriteString(r.Text)
	}
	return b.String()
}

// parseMarked splits ts_headline's output at the markers.
func parseMarked(s string) Marked {
	var out Marked
	s = strings.ReplaceAll(s, ltStandIn, "<")
	for s != "" {
		i := strings.Index(s, markStart)
		if i < 0 {
			out = append(out, MarkedRun{Text: s})
			break
		}
		if i > 0 {
			out = append(out, MarkedRun{Text: s[:i]})
		}
		s = s[i+len(markStart):]
		j := strings.Index(s, markStop)
		if j < 0 {
			j = len(s)
		}
		if j > 0 {
			out = append(out, MarkedRun{Text: s[:j], Match: true})
		}
		s = strings.TrimPrefix(s[j:], markStop)
	}
	return out
}

// searchPlan is a validated search: what to look for, in which types, how many.
type searchPlan struct {
	text  string // the query as typed, trimmed
	tsq   string // every word as a prefix
	types []string
	limit int
}

func (f SearchFilter) plan(a Actor) (searchPlan, error) {
	var v validator
	p := searchPlan{text: strings.TrimSpace(f.Query), limit: DefaultSearchLimit}
	switch {
	case p.text == "":
		v.add("q", "q is required")
	case !utf8.ValidString(p.text):
		v.add("q", "q must be valid UTF-8 text")
	case utf8.RuneCountInString(p.text) > MaxSearchQuery:
		v.add("q", fmt.Sprintf("q must be at most %d characters", MaxSearchQuery))
	}
	if f.Type != "" && !vocab.SearchTypes.Has(f.Type) {
		v.add("type", "type must be one of "+strings.Join(vocab.SearchTypes.Codes(), ", "))
	}
	if f.Limit != "" {
		n, ok := parsePositive(f.Limit, MaxSearchLimit)
		v.check(ok, "limit", "limit must be a positive integer")
		p.limit = n
	}
	if err := v.err(); err != nil {
		return p, err
	}
	p.tsq, _ = prefixQuery(p.text)
	for _, t := range SearchableTypes(a) {
		if f.Type == "" || f.Type == t {
			p.types = append(p.types, t)
		}
	}
	return p, nil
}

// SearchableTypes are the types whose results the actor may see, in vocab order: everything but invoices, which
// only those who manage billing see.
func SearchableTypes(a Actor) []string {
	var out []string
	for _, t := range vocab.SearchTypes.Codes() {
		if t != vocab.SearchInvoice || a.Permissions().ManageBilling {
			out = append(out, t)
		}
	}
	return out
}

// Search finds what the actor may see whose words start with the query's words (all of them), best matches first:
// title matches above body matches, recent above old. Each type contributes its newest matches as candidates,
// which keeps a common word as cheap as a rare one (docs/PERFORMANCE.md "Search"); a short query that finds fewer
// than the limit is completed with titles spelled like it (typos). Snippets are cut for the returned results only.
func (s *Store) Search(ctx context.Context, a Actor, f SearchFilter) ([]SearchResult, error) {
	p, err := f.plan(a)
	if err != nil {
		return nil, err
	}
	var out []SearchResult
	err = s.searchTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if out, err = searchWords(ctx, tx, a, p); err != nil || len(out) >= p.limit || !p.fuzzy() {
			return err
		}
		more, err := searchSimilar(ctx, tx, a, p, out)
		out = append(out, more...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return out, nil
}

// searchTx runs a search's statements in one read-only transaction with the settings they need: no JIT (the
// planner's cost of the gated fallbacks below reaches its threshold, and compiling takes longer than running the
// whole search) and the similarity threshold of the typo search.
func (s *Store) searchTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read only: nothing to undo
	if _, err := tx.ExecContext(ctx, `SELECT set_config('jit', 'off', true),
		set_config('pg_trgm.word_similarity_threshold', $1, true)`, fuzzyThreshold); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// fuzzy reports whether the query is short enough for typo tolerance.
func (p searchPlan) fuzzy() bool {
	return utf8.RuneCountInString(p.text) >= fuzzyMinRunes && len(strings.Fields(p.text)) <= fuzzyMaxWords &&
		p.tsq != "" && len(p.titledTypes()) > 0
}

// titledTypes are the plan's types that have a title of their own (the trigram index covers those).
func (p searchPlan) titledTypes() []string {
	var out []string
	for _, t := range p.types {
		switch t {
		case vocab.SearchTask, vocab.SearchProject, vocab.SearchClient, vocab.SearchInvoice:
			out = append(out, t)
		}
	}
	return out
}

// searchVisible is the condition under which the actor ($2 is their user id, $1 the organization) sees a document
// d of type t; "" when they see every document of the type.
func searchVisible(a Actor, t string) string {
	perm := a.Permissions()
	switch t {
	case vocab.SearchTask, vocab.SearchComment, vocab.SearchProject:
		if perm.ViewAllProjects {
			return ""
		}
		return `d.project_id IN (SELECT pm.project_id FROM project_members pm WHERE pm.user_id = $2)`
	case vocab.SearchChatMessage:
		// Private channels are their members' only, owners and admins included.
		return `d.channel_id IN (SELECT c.id FROM chat_channels c WHERE c.organization_id = $1 AND ` + channelVisible + `)`
	case vocab.SearchTimeEntry:
		if perm.ManageAllTime {
			return ""
		}
		return `d.user_id = $2`
	case vocab.SearchInvoice:
		if !perm.ManageBilling {
			return "false"
		}
	}
	return ""
}

// searchShown turns the chosen documents (the relation "ranked": search_documents columns plus rank) into
// results: display titles and contexts from their sources, snippets and links. $1 is the organization, $2 the
// actor's user id, $3 the tsquery, $4 and $5 the ts_headline options of snippets and titles, $6 the limit. The
// sources are read by sub-selects rather than joins: each runs only for the rows of its type, and eight outer joins
// cost more to plan than the whole page costs to read.
const searchShown = `
	SELECT r.type, r.entity_id, r.rank, r.channel_id, r.parent_id, r.user_id,
		ts_headline('simple', translate(CASE r.type
				WHEN 'comment' THEN coalesce((SELECT t.title FROM tasks t WHERE t.id = r.parent_id), '')
				WHEN 'chat_message' THEN '#' || coalesce((SELECT c.name FROM chat_channels c WHERE c.id = r.channel_id), '')
				WHEN 'time_entry' THEN left(split_part(btrim(r.body), E'\n', 1), 120)
				ELSE r.title END, ` + markChars + `),
			to_tsquery('simple', $3), $5) AS title,
		CASE WHEN r.body = '' THEN '' ELSE
			ts_headline('simple', translate(left(r.body, ` + snippetSourceSQL + `), ` + markChars + `),
				to_tsquery('simple', $3), $4) END AS snippet,
		coalesce(CASE r.type
			WHEN 'task' THEN (SELECT p.name FROM projects p WHERE p.id = r.project_id)
			WHEN 'comment' THEN (SELECT p.name FROM projects p WHERE p.id = r.project_id)
			WHEN 'chat_message' THEN (SELECT u.name FROM chat_messages m JOIN users u ON u.id = m.user_id WHERE m.id = r.entity_id)
			WHEN 'invoice' THEN (SELECT c.name FROM invoices i JOIN clients c ON c.id = i.client_id WHERE i.id = r.entity_id)
			WHEN 'time_entry' THEN coalesce((SELECT p.name FROM projects p WHERE p.id = r.project_id), 'No project')
			END, '') AS context,
		CASE WHEN r.type = 'time_entry' THEN (
			SELECT to_char((te.started_at AT TIME ZONE coalesce(u.timezone, 'UTC'))::date, 'YYYY-MM-DD')
			FROM time_entries te LEFT JOIN users u ON u.id = $2 WHERE te.id = r.entity_id) END AS day
	FROM ranked r
	ORDER BY r.rank DESC, r.changed_at DESC, r.entity_id`

const (
	// markChars are translate()'s arguments that remove the marks from a text and put ltStandIn for "<".
	markChars = `U&'<\E000\E001', U&'\E002'`
	// snippetSourceSQL bounds the text a snippet is cut from, in characters: ts_headline's work grows with it.
	snippetSourceSQL = "5000"
)

// Options of ts_headline: snippets are one or two fragments of a few words around the matches; titles are shown
// whole with every match marked.
var (
	snippetOptions = `StartSel=` + markStart + `, StopSel=` + markStop +
		`, MaxWords=18, MinWords=6, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`
	titleOptions = `StartSel=` + markStart + `, StopSel=` + markStop + `, HighlightAll=true`
)

type searchRow struct {
	Type      string  `db:"type"`
	ID        string  `db:"entity_id"`
	Rank      float64 `db:"rank"`
	ChannelID *string `db:"channel_id"`
	ParentID  *string `db:"parent_id"`
	UserID    *string `db:"user_id"`
	Title     string  `db:"title"`
	Snippet   string  `db:"snippet"`
	Context   string  `db:"context"`
	Day       *string `db:"day"`
}

// searchWords is the full-text part. Each type offers candidates, bounded whatever the words:
//   - its newest matches (at most twice the limit) among its searchWindow newest documents, found by walking the
//     (organization, type, changed_at) index until enough are found, so a common word stops early;
//   - when that window holds fewer, the best-ranked of all its matches, through the type's GIN index: a word rare
//     of late is found however old, at a cost that grows with its matches.
//
// The candidates are ranked together by ts_rank (title words weigh 1, body words 0.4), newest first among equals.
// The planner never has to guess how common the words are (docs/PERFORMANCE.md "Search").
func searchWords(ctx context.Context, q sqlx.QueryerContext, a Actor, p searchPlan) ([]SearchResult, error) {
	if p.tsq == "" || len(p.types) == 0 {
		return []SearchResult{}, nil
	}
	query, args := p.wordsQuery(a)
	var rows []searchRow
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, err
	}
	return searchResults(a, rows, false), nil
}

// searchWindow is how many of a type's newest documents are searched first.
const searchWindow = 2000

// wordsQuery is searchWords' statement: $1 organization, $2 user, $3 tsquery, $4 and $5 headline options, $6 the
// limit, $7 the window, $8 the recent candidates per type.
func (p searchPlan) wordsQuery(a Actor) (string, []any) {
	var windows, parts []string
	for i, t := range p.types {
		w := fmt.Sprintf("recent_%d", i)
		vis := searchVisible(a, t)
		if vis == "" {
			vis = "true"
		}
		windows = append(windows, w+` AS MATERIALIZED (
			SELECT d.entity_id FROM (
				SELECT entity_id, document, project_id, channel_id, user_id FROM search_documents
				WHERE organization_id = $1 AND type = '`+t+`' ORDER BY changed_at DESC LIMIT $7
			) d WHERE d.document @@ to_tsquery('simple', $3) AND `+vis+` LIMIT $8)`)
		parts = append(parts, `SELECT entity_id FROM `+w, `(SELECT d.entity_id FROM search_documents d
			WHERE d.organization_id = $1 AND d.type = '`+t+`' AND d.document @@ to_tsquery('simple', $3) AND `+vis+`
				AND (SELECT count(*) FROM `+w+`) < $6
			ORDER BY ts_rank(d.document, to_tsquery('simple', $3)) DESC, d.changed_at DESC LIMIT $6)`)
	}
	query := `WITH ` + strings.Join(windows, ",\n") + `,
		candidate AS (` + strings.Join(parts, "\nUNION\n") + `),
		ranked AS (
			SELECT d.*, ts_rank(d.document, to_tsquery('simple', $3)) AS rank
			FROM candidate c JOIN search_documents d ON d.entity_id = c.entity_id
			ORDER BY rank DESC, d.changed_at DESC, d.entity_id LIMIT $6
		)` + searchShown
	return query, []any{a.OrgID, a.UserID, p.tsq, snippetOptions, titleOptions, p.limit, searchWindow, 2 * p.limit}
}

// searchSimilar finds titles with a word spelled like the query (pg_trgm's <%, through the trigram index), other
// than those found already, for at most the rest of the limit.
func searchSimilar(ctx context.Context, q sqlx.QueryerContext, a Actor, p searchPlan, found []SearchResult) ([]SearchResult, error) {
	query, args := p.similarQuery(a, found)
	var rows []searchRow
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, err
	}
	return searchResults(a, rows, true), nil
}

func (p searchPlan) similarQuery(a Actor, found []SearchResult) (string, []any) {
	var vis []string
	for _, t := range p.titledTypes() {
		cond := `d.type = '` + t + `'`
		if v := searchVisible(a, t); v != "" {
			cond += " AND " + v
		}
		vis = append(vis, "("+cond+")")
	}
	ids := make([]string, len(found))
	for i, r := range found {
		ids[i] = r.ID
	}
	query := `WITH ranked AS (
			SELECT d.*, word_similarity($8, d.title) AS rank FROM search_documents d
			WHERE d.organization_id = $1 AND d.type IN ('` + strings.Join(p.titledTypes(), "', '") + `')
				AND $8 <% d.title AND d.entity_id <> ALL($7::uuid[]) AND (` + strings.Join(vis, " OR ") + `)
			ORDER BY rank DESC, d.changed_at DESC, d.entity_id LIMIT $6
		)` + searchShown
	return query, []any{a.OrgID, a.UserID, p.tsq, snippetOptions, titleOptions, p.limit - len(found), pq.Array(ids), p.text}
}

func searchResults(a Actor, rows []searchRow, similar bool) []SearchResult {
	out := make([]SearchResult, 0, len(rows))
	for _, r := range rows {
		res := SearchResult{
			Type: r.Type, ID: r.ID, Title: parseMarked(r.Title), Snippet: parseMarked(r.Snippet), Context: r.Context,
			URL: r.url(a), Similar: similar,
		}
		// A time entry's title is its description's first line: a one-line description would say it twice.
		if res.Type == vocab.SearchTimeEntry && res.Snippet.String() == res.Title.String() {
			res.Snippet = Marked{}
		}
		out = append(out, res)
	}
	return out
}

// url is the page that shows the result: a task's panel (a comment's task), a project's board, a client, an
// invoice, a chat message in its channel, the week of a time entry.
func (r searchRow) url(a Actor) string {
	switch r.Type {
	case vocab.SearchTask:
		return TaskLink(r.ID)
	case vocab.SearchComment:
		return TaskLink(deref(r.ParentID))
	case vocab.SearchProject:
		return "/projects/" + r.ID + "/board"
	case vocab.SearchClient:
		return "/clients/" + r.ID
	case vocab.SearchInvoice:
		return "/invoices/" + r.ID
	case vocab.SearchChatMessage:
		return ChatMessageLink(deref(r.ChannelID), r.ID)
	case vocab.SearchTimeEntry:
		link := "/time?start=" + deref(r.Day)
		if owner := deref(r.UserID); owner != a.UserID {
			link += "&user=" + owner
		}
		return link
	}
	return "/"
}

// SearchCounts are the number of matches per type of a query, each at most SearchCountCap (more reads as
// "100+").
type SearchCounts map[string]int

// searchCounts counts each type's matches up to the cap, in one statement: each count stops at the cap.
func (s *Store) searchCounts(ctx context.Context, a Actor, p searchPlan) (SearchCounts, error) {
	out := SearchCounts{}
	if p.tsq == "" {
		return out, nil
	}
	var parts []string
	for _, t := range SearchableTypes(a) {
		cond := `d.organization_id = $1 AND d.type = '` + t + `' AND d.document @@ to_tsquery('simple', $3)`
		if vis := searchVisible(a, t); vis != "" {
			cond += " AND " + vis
		}
		parts = append(parts, `SELECT '`+t+`' AS type, (SELECT count(*) FROM (SELECT 1 FROM search_documents d WHERE `+
			cond+` LIMIT $4) x) AS n`)
	}
	var rows []struct {
		Type string `db:"type"`
		N    int    `db:"n"`
	}
	err := s.searchTx(ctx, func(tx *sqlx.Tx) error {
		return tx.SelectContext(ctx, &rows, strings.Join(parts, " UNION ALL "), a.OrgID, a.UserID, p.tsq, SearchCountCap+1)
	})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.Type] = r.N
	}
	return out, nil
}

// SearchPage is the read behind /search: the results of the chosen type (or all) and how many matches each type
// has, for the tabs.
type SearchPage struct {
	Query   string
	Type    string
	Results []SearchResult
	Counts  SearchCounts
	// Types are the tabs: the types the actor may search.
	Types []string
}

// SearchResultsPage reads the results page: the search (MaxSearchLimit results) and the counts per type.
func (s *Store) SearchResultsPage(ctx context.Context, a Actor, query, typ string) (SearchPage, error) {
	f := SearchFilter{Query: query, Type: typ, Limit: fmt.Sprint(MaxSearchLimit)}
	out := SearchPage{Query: strings.TrimSpace(query), Type: typ, Types: SearchableTypes(a)}
	p, err := f.plan(a)
	if err != nil {
		return out, err
	}
	// The counts and the results are independent reads, run side by side.
	counted := make(chan error, 1)
	go func() {
		var err error
		out.Counts, err = s.searchCounts(ctx, a, p)
		counted <- err
	}()
	out.Results, err = s.Search(ctx, a, f)
	if countErr := <-counted; err == nil && countErr != nil {
		err = fmt.Errorf("search counts: %w", countErr)
	}
	return out, err
}
