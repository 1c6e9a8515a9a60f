package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/lib/pq"
)

// A project's board: its task groups (columns), each with its first page of cards, and one column's next page.
// A column of thousands of cards shows its first BoardPageSize and loads the rest BoardColumnPageSize at a time, so the board
// costs the same few queries and about the same time whatever the size of the project (docs/PERFORMANCE.md).

// BoardPageSize is how many cards a column of the board shows at first: 5 columns of 18 full cards keep the board
// page under 200 KB of HTML (issue 15, docs/DECISIONS.md). BoardColumnPageSize is how many each "show more" (or
// the expanding of a collapsed column) loads, so that a column of 50 shows all its cards after one press.
const (
	BoardPageSize       = 18
	BoardColumnPageSize = 50
)

// BoardFilter narrows the cards of a board; empty fields match every task.
type BoardFilter struct {
	AssigneeID string // a user id, "me" for the actor, or "none" for unassigned tasks
	LabelID    string
	Priority   string
	Search     string // full text over title and description, each word a prefix
}

// Board filter values with a special meaning.
const (
	AssigneeMe   = "me"
	AssigneeNone = "none"
)

// Active reports whether any filter is set.
func (f BoardFilter) Active() bool {
	return f.AssigneeID != "" || f.LabelID != "" || f.Priority != "" || strings.TrimSpace(f.Search) != ""
}

// Board is a project's task groups in board order, each with the first cards that pass the filter, plus the
// choices the board's filters and cards offer.
type Board struct {
	Project   BoardProject
	CanManage bool // manage_tasks: move cards, add tasks and groups
	Groups    []BoardGroup
	Members   []Person     // active members of the organization, by name: the possible assignees
	Labels    []Label      // the organization's labels, by name
	Statuses  []TaskStatus // the organization's custom statuses, by position
	Total     int          // tasks in the project, filtered or not
	Matching  int          // tasks that pass the filter (all of them without one), loaded or not
}

// BoardGroup is one column of a board.
type BoardGroup struct {
	ID        string
	Name      string
	Position  int
	IsDefault bool
	// StatusCode is the status the column stands for; "" for none.
	StatusCode string
	Collapsed  bool // the actor collapsed it
	Total      int  // tasks in the group, filtered or not
	Matching   int  // tasks in the group that pass the filter
	// Cards are the first BoardPageSize matching tasks in position order; none for a collapsed group, whose
	// cards are read with BoardColumn when it is expanded.
	Cards   []BoardCard
	HasMore bool // matching tasks after Cards, read with BoardColumn
}

// BoardCard is a task as a card shows it.
type BoardCard struct {
	ID             string
	GroupID        string
	Title          string
	Status         string
	Priority       string
	Position       int
	AssigneeID     *string
	AssigneeName   string
	AssigneeAvatar *string
	AssigneeURL    *string // the assignee's avatar image, if any
	StartDate      *Date
	DueDate        *Date
	Progress       int
	Completed      bool
	ChecklistDone  int
	ChecklistTotal int
	Comments       int
	Number         int // with the board's project key, the card's reference (TRC-123)
	Labels         []BoardLabel
}

// BoardLabel is a label as a chip shows it.
type BoardLabel struct {
	ID    string
	Name  string
	Color string
}

// BoardCardPage is a page of one column's cards: those after a card of the column, in position order.
type BoardCardPage struct {
	GroupID   string
	Cards     []BoardCard
	HasMore   bool         // matching tasks after Cards
	Remaining int          // how many
	Statuses  []TaskStatus // the organization's custom statuses, for the cards' status pills
	Key       string       // the project's key, the prefix of the cards' references
}

// boardFilterCond adds the filter's conditions on tasks aliased t, of the project, to q.
func boardFilterCond(q *query, v *validator, a Actor, projectID string, f BoardFilter) {
	switch f.AssigneeID {
	case "":
	case AssigneeMe:
		q.where("t.assignee_id = ?", a.UserID)
	case AssigneeNone:
		q.where("t.assignee_id IS NULL")
	default:
		if validID(f.AssigneeID) {
			q.where("t.assignee_id = ?", f.AssigneeID)
		} else {
			v.add("assignee_id", "assignee_id must be a member, me or none")
		}
	}
	if f.LabelID != "" {
		if validID(f.LabelID) {
			// The label's links of this project only, straight off task_labels_label_project_idx (links carry their
			// task's project, migration 00013), rather than all the label's links in the organization.
			q.where("t.id IN (SELECT tl.task_id FROM task_labels tl WHERE tl.label_id = ? AND tl.project_id = ?)",
				f.LabelID, projectID)
		} else {
			v.add("label_id", "label_id must be a label of the organization")
		}
	}
	if f.Priority != "" {
		validatePriority(v, f.Priority)
		q.where("t.priority = ?", f.Priority)
	}
	if strings.TrimSpace(f.Search) != "" {
		if tsq, ok := prefixQuery(f.Search); ok {
			q.where("t.search @@ to_tsquery('simple', ?)", tsq)
		} else {
			q.where("false")
		}
	}
}

// boardFilterSQL renders the filter as one condition on tasks aliased t, its arguments numbered after args (which
// it returns first, followed by its own). The condition is TRUE without a filter, so that a filtered and an
// unfiltered board run the same statements.
func boardFilterSQL(a Actor, projectID string, f BoardFilter, args ...any) (string, []any, error) {
	q := &query{args: args}
	var v validator
	boardFilterCond(q, &v, a, projectID, f)
	if err := v.err(); err != nil {
		return "", nil, err
	}
	if len(q.conds) == 0 {
		return "TRUE", q.args, nil
	}
	return q.cond(), q.args, nil
}

// boardCardColumns reads a card from tasks t with its assignee (users u) and checklist and comment counts
// (boardCardJoins). The counts are subqueries per card, each an index-only scan of its table's task index: cheap
// for the page or two of cards a column shows, where counting the whole project's would not be.
const boardCardColumns = `t.id, t.group_id, t.title, t.status, t.priority, t.position, t.assignee_id,
	coalesce(u.name, ''), u.avatar_key, t.start_date, t.due_date, t.progress, t.completed_at IS NOT NULL,
	cl.done, cl.total, cm.n, t.number`

const boardCardJoins = `
	LEFT JOIN users u ON u.id = t.assignee_id
	CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE completed) AS done, count(*) AS total
		FROM task_checklist_items WHERE task_id = t.id) cl
	CROSS JOIN LATERAL (SELECT count(*) AS n FROM task_comments WHERE task_id = t.id) cm`

// boardPageLimit reads one card more than a page, to know whether more follow.
var boardPageLimit = fmt.Sprintf("LIMIT %d", BoardPageSize+1)

// boardColumnPageLimit is the same for a column's page.
var boardColumnPageLimit = fmt.Sprintf("LIMIT %d", BoardColumnPageSize+1)

// Board reads a project's board for anyone who may see the project: its groups in position order with their task
// counts (all, and those passing the filter), the first BoardPageSize matching cards of each group that the actor
// has not collapsed, and what the filters offer. It runs the same eight queries for any number of tasks, with or
// without a filter.
func (s *Store) Board(ctx context.Context, a Actor, projectID string, f BoardFilter) (Board, error) {
	var b Board
	ref, err := visibleProject(ctx, s.db, a, projectID)
	if err != nil {
		return b, err
	}
	countCond, countArgs, err := boardFilterSQL(a, projectID, f, projectID, a.UserID, a.OrgID)
	if err != nil {
		return b, err
	}
	cardCond, cardArgs, _ := boardFilterSQL(a, projectID, f, projectID, a.UserID)
	b.CanManage = ref.canManage(a)

	// What surrounds the cards (the project, the members, labels and statuses the filters and cards offer) does not
	// depend on them: it is read on a second connection while the cards are read on the first, so a call waits
	// for the longer of the two sequences of round trips rather than their sum.
	var chrome Board
	chromeRead := make(chan error, 1)
	go func() { chromeRead <- s.boardChrome(ctx, a, projectID, &chrome) }()
	labelIDs, err := s.boardGroupsAndCards(ctx, &b, f, countCond, countArgs, cardCond, cardArgs)
	if chromeErr := <-chromeRead; err == nil {
		err = chromeErr
	}
	if err != nil {
		return Board{}, err
	}
	b.Project, b.Members, b.Labels, b.Statuses = chrome.Project, chrome.Members, chrome.Labels, chrome.Statuses
	chips := boardLabelChips(b.Labels)
	for i := range b.Groups {
		chips.attach(b.Groups[i].Cards, labelIDs)
	}
	return b, nil
}

// boardChrome reads the project of a board and the choices its filters and cards offer into b.
func (s *Store) boardChrome(ctx context.Context, a Actor, projectID string, b *Board) (err error) {
	if err := s.db.GetContext(ctx, &b.Project, `SELECT id, name, key, color, status FROM projects WHERE id = $1`, projectID); err != nil {
		return fmt.Errorf("board: %w", notFoundIfNoRows(err, "project"))
	}
	if b.Members, err = s.people(ctx, a.OrgID); err != nil {
		return err
	}
	if b.Labels, err = s.Labels(ctx, a); err != nil {
		return fmt.Errorf("board labels: %w", err)
	}
	if b.Statuses, err = listTaskStatuses(ctx, s.db, a.OrgID); err != nil {
		return fmt.Errorf("board statuses: %w", err)
	}
	return nil
}

// boardGroupsAndCards reads the groups of a board with their counts, and the first page of cards of each open
// group, into b; it returns the label ids of the cards it read.
func (s *Store) boardGroupsAndCards(ctx context.Context, b *Board, f BoardFilter, countCond string, countArgs []any,
	cardCond string, cardArgs []any) (map[string][]string, error) {
	// The groups with their counts, from one pass over the project's tasks (an index-only scan without a filter).
	rows, err := s.db.QueryContext(ctx, `
		SELECT g.id, g.name, g.position, g.is_default, coalesce(g.status_code, ''), c.group_id IS NOT NULL,
			coalesce(n.total, 0), coalesce(n.matching, 0)
		FROM task_groups g
		LEFT JOIN collapsed_task_groups c ON c.group_id = g.id AND c.user_id = $2
		LEFT JOIN (SELECT t.group_id, count(*) AS total, count(*) FILTER (WHERE `+countCond+`) AS matching
			FROM tasks t WHERE t.organization_id = $3 AND t.project_id = $1 GROUP BY t.group_id) n ON n.group_id = g.id
		WHERE g.project_id = $1 ORDER BY g.position, g.created_at, g.id`, countArgs...)
	if err != nil {
		return nil, fmt.Errorf("board groups: %w", err)
	}
	b.Groups = make([]BoardGroup, 0, 8)
	err = scanRows(rows, func() error {
		var g BoardGroup
		if err := rows.Scan(&g.ID, &g.Name, &g.Position, &g.IsDefault, &g.StatusCode, &g.Collapsed, &g.Total, &g.Matching); err != nil {
			return err
		}
		g.Cards = []BoardCard{}
		if !g.Collapsed {
			g.Cards = make([]BoardCard, 0, min(g.Matching, BoardPageSize+1))
		}
		g.HasMore = g.Collapsed && g.Matching > 0
		b.Groups = append(b.Groups, g)
		b.Total += g.Total
		b.Matching += g.Matching
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("board groups: %w", err)
	}
	rows, err = s.db.QueryContext(ctx, boardFirstPages(f.Active(), cardCond), cardArgs...)
	if err != nil {
		return nil, fmt.Errorf("board cards: %w", err)
	}
	index := make(map[string]int, len(b.Groups))
	for i, g := range b.Groups {
		index[g.ID] = i
	}
	shown := make([]string, 0, len(b.Groups)*(BoardPageSize+1))
	err = s.scanBoardCards(ctx, rows, func(c BoardCard) {
		i, ok := index[c.GroupID]
		if !ok {
			return // a group created after the groups were read
		}
		g := &b.Groups[i]
		if len(g.Cards) == BoardPageSize {
			g.HasMore = true
			return
		}
		g.Cards = append(g.Cards, c)
		shown = append(shown, c.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("board cards: %w", err)
	}
	return s.cardLabelIDs(ctx, shown)
}

// boardFirstPages is the query of the first page (plus one card, to know whether more follow) of every group of
// project $1 that user $2 has not collapsed, under the filter cond (unused, TRUE, when not filtered). Without a
// filter, each group's position index is read in order and stopped after a page: about 250 index entries for a
// board of any size. With one, the project's matching tasks are found once and numbered per group: the filter's
// own index (an assignee's tasks, a label's links) then serves the whole board, where reads per group repeated it
// for every group (an assignee filter took 12 ms instead of 4).
func boardFirstPages(filtered bool, cond string) string {
	if !filtered {
		return `SELECT ` + boardCardColumns + `
			FROM task_groups g
			LEFT JOIN collapsed_task_groups c ON c.group_id = g.id AND c.user_id = $2
			CROSS JOIN LATERAL (
				SELECT t.id, t.group_id, t.title, t.status, t.priority, t.position, t.assignee_id, t.start_date,
					t.due_date, t.progress, t.completed_at, t.number
				FROM tasks t WHERE t.group_id = g.id ORDER BY t.position ` + boardPageLimit + `) t` +
			boardCardJoins + `
			WHERE g.project_id = $1 AND c.group_id IS NULL
			ORDER BY t.group_id, t.position`
	}
	return `SELECT ` + boardCardColumns + `
		FROM (
			SELECT t.id, t.group_id, t.title, t.status, t.priority, t.position, t.assignee_id, t.start_date,
				t.due_date, t.progress, t.completed_at, t.number,
				row_number() OVER (PARTITION BY t.group_id ORDER BY t.position) AS n
			FROM tasks t
			WHERE t.project_id = $1 AND ` + cond + ` AND t.group_id NOT IN (
				SELECT group_id FROM collapsed_task_groups WHERE user_id = $2 AND project_id = $1)) t` +
		boardCardJoins + `
		WHERE t.n <= ` + fmt.Sprint(BoardPageSize+1) + `
		ORDER BY t.group_id, t.position`
}

// BoardColumn reads the next page of a board column for anyone who may see the project: the cards of the group
// that pass the filter and come after the card after (a task id; "" for the first page), in position order, at
// most BoardColumnPageSize. The cursor is a card rather than a position so that moves above it since the column was
// read do not skip or repeat cards; a card no longer in the column is a validation error (the board changed:
// reload it). A group of another project, or a project the actor cannot see, is not found.
func (s *Store) BoardColumn(ctx context.Context, a Actor, projectID, groupID string, f BoardFilter, after string) (BoardCardPage, error) {
	page := BoardCardPage{GroupID: groupID, Cards: []BoardCard{}}
	if _, err := visibleProject(ctx, s.db, a, projectID); err != nil {
		return page, err
	}
	if !validID(groupID) {
		return page, fmt.Errorf("board column: task group: %w", ErrNotFound)
	}
	var cursor any // NULL: the first page
	if after != "" {
		if !validID(after) {
			return page, Invalid("after", "after must be a card of this column")
		}
		cursor = after
	}
	countCond, countArgs, err := boardFilterSQL(a, projectID, f, projectID, groupID, cursor)
	if err != nil {
		return page, err
	}
	// The group, where the cursor card is in it, how many matching cards follow, and the project's key.
	var from *int
	var following int
	err = s.db.QueryRowContext(ctx, `
		SELECT cur.position, (SELECT count(*) FROM tasks t
			WHERE t.group_id = g.id AND t.position > coalesce(cur.position, -1) AND `+countCond+`),
			(SELECT key FROM projects WHERE id = g.project_id)
		FROM task_groups g LEFT JOIN tasks cur ON cur.id = $3 AND cur.group_id = g.id
		WHERE g.id = $2 AND g.project_id = $1`, countArgs...).Scan(&from, &following, &page.Key)
	if err != nil {
		return page, fmt.Errorf("board column: %w", notFoundIfNoRows(err, "task group"))
	}
	if cursor != nil && from == nil {
		return page, Invalid("after", "after must be a card of this column")
	}
	start := -1
	if from != nil {
		start = *from
	}
	// Positions are unique within a group (tasks_group_position_key), so position alone orders and pages it.
	cardCond, cardArgs, _ := boardFilterSQL(a, projectID, f, groupID, start)
	rows, err := s.db.QueryContext(ctx, `SELECT `+boardCardColumns+` FROM tasks t`+boardCardJoins+`
		WHERE t.group_id = $1 AND t.position > $2 AND `+cardCond+` ORDER BY t.position `+boardColumnPageLimit, cardArgs...)
	if err != nil {
		return page, fmt.Errorf("board column: %w", err)
	}
	page.Cards = make([]BoardCard, 0, BoardColumnPageSize+1)
	shown := make([]string, 0, BoardColumnPageSize+1)
	err = s.scanBoardCards(ctx, rows, func(c BoardCard) {
		if len(page.Cards) == BoardColumnPageSize {
			page.HasMore = true
			return
		}
		page.Cards = append(page.Cards, c)
		shown = append(shown, c.ID)
	})
	if err != nil {
		return page, fmt.Errorf("board column: %w", err)
	}
	labelIDs, err := s.cardLabelIDs(ctx, shown)
	if err != nil {
		return page, err
	}
	if page.HasMore {
		page.Remaining = max(following-len(page.Cards), 1) // at least 1: tasks added between the two queries
	}
	labels, err := s.Labels(ctx, a)
	if err != nil {
		return page, fmt.Errorf("board column labels: %w", err)
	}
	boardLabelChips(labels).attach(page.Cards, labelIDs)
	if page.Statuses, err = listTaskStatuses(ctx, s.db, a.OrgID); err != nil {
		return page, fmt.Errorf("board column statuses: %w", err)
	}
	return page, nil
}

// scanRows calls scan for each row, then closes rows and reports the first error.
func scanRows(rows *sql.Rows, scan func() error) error {
	defer rows.Close()
	for rows.Next() {
		if err := scan(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanBoardCards reads rows of boardCardColumns with plain Scan calls (a board reads hundreds of cards; sqlx's
// reflection cost more than the query), resolving avatar links once per person.
func (s *Store) scanBoardCards(ctx context.Context, rows *sql.Rows, add func(BoardCard)) error {
	avatars := map[string]*string{}
	return scanRows(rows, func() error {
		var c BoardCard
		err := rows.Scan(&c.ID, &c.GroupID, &c.Title, &c.Status, &c.Priority, &c.Position, &c.AssigneeID,
			&c.AssigneeName, &c.AssigneeAvatar, &c.StartDate, &c.DueDate, &c.Progress, &c.Completed,
			&c.ChecklistDone, &c.ChecklistTotal, &c.Comments, &c.Number)
		if err != nil {
			return err
		}
		if c.AssigneeAvatar != nil {
			url, ok := avatars[*c.AssigneeAvatar]
			if !ok {
				url = s.fileURL(ctx, c.AssigneeAvatar)
				avatars[*c.AssigneeAvatar] = url
			}
			c.AssigneeURL = url
		}
		add(c)
		return nil
	})
}

// cardLabelIDs reads the label ids of the cards in one query, off the label links' primary key. (A subquery per
// card in the cards query cost twice as much.) The labels' names come from the organization's label list.
// It runs for no cards too, so that a board runs the same statements whatever it shows.
func (s *Store) cardLabelIDs(ctx context.Context, taskIDs []string) (map[string][]string, error) {
	out := make(map[string][]string, len(taskIDs))
	rows, err := s.db.QueryContext(ctx, `SELECT task_id, label_id FROM task_labels WHERE task_id = ANY($1::uuid[])`,
		pq.Array(taskIDs))
	if err != nil {
		return nil, fmt.Errorf("board card labels: %w", err)
	}
	err = scanRows(rows, func() error {
		var task, label string
		if err := rows.Scan(&task, &label); err != nil {
			return err
		}
		out[task] = append(out[task], label)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("board card labels: %w", err)
	}
	return out, nil
}

// labelChips are the organization's labels by id, with their place in the by-name order of the label list.
type labelChips map[string]struct {
	order int
	chip  BoardLabel
}

func boardLabelChips(labels []Label) labelChips {
	out := make(labelChips, len(labels))
	for i, l := range labels {
		out[l.ID] = struct {
			order int
			chip  BoardLabel
		}{i, BoardLabel{ID: l.ID, Name: l.Name, Color: l.Color}}
	}
	return out
}

// attach fills the cards' label chips from their label ids, by name as the label list orders them.
func (lc labelChips) attach(cards []BoardCard, labelIDs map[string][]string) {
	for i := range cards {
		ids := labelIDs[cards[i].ID]
		if len(ids) == 0 {
			continue
		}
		chips := make([]BoardLabel, 0, len(ids))
		for _, id := range ids {
			if l, ok := lc[id]; ok {
				chips = append(chips, l.chip)
			}
		}
		slices.SortFunc(chips, func(x, y BoardLabel) int { return lc[x.ID].order - lc[y.ID].order })
		cards[i].Labels = chips
	}
}
