package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

// ErrChatExists means the organization has chat channels already, so Chat added none.
var ErrChatExists = errors.New("the organization has chat channels already")

// seedChannel is a demo channel; a private one is its members' (by email).
type seedChannel struct {
	name, description string
	members           []string
}

var seedChannels = []seedChannel{
	{"general", "Company-wide news and everyday questions", nil},
	{"design", "Reviews, mockups and the design system", nil},
	{"random", "Links, lunch and everything else", nil},
	{"launch-plan", "Go-to-market for the spring release", []string{DemoOwnerEmail, "marcus@trcr.local", "priya@trcr.local"}},
}

// seedMessage is a line of the demo conversation: who (by email), in which channel, how long ago, what; replyTo
// is the index of the message it answers (or -1), and reactions are short codes with who gave them.
type seedMessage struct {
	channel, from string
	ago           time.Duration
	text          string
	replyTo       int
	edited        bool
	reactions     map[string][]string
}

// Chat adds the demo chat: four channels (one private) and a conversation of a day and a half with mentions,
// replies, reactions and a link to one of the organization's tasks. Rows are written with SQL and backdated, like
// the other bulk seeds, so no notifications or audit entries come of them.
func Chat(ctx context.Context, s *store.Store, orgID string) error {
	var n int
	if err := s.DB().GetContext(ctx, &n, `SELECT count(*) FROM chat_channels WHERE organization_id = $1`, orgID); err != nil {
		return err
	}
	if n > 0 {
		return ErrChatExists
	}
	users := map[string]string{}
	var rows []struct {
		ID    string `db:"id"`
		Email string `db:"email"`
	}
	if err := s.DB().SelectContext(ctx, &rows, `
		SELECT u.id, u.email FROM members m JOIN users u ON u.id = m.user_id WHERE m.organization_id = $1 AND m.status = 'active'`, orgID); err != nil {
		return err
	}
	for _, r := range rows {
		users[r.Email] = r.ID
	}
	owner := users[DemoOwnerEmail]
	if owner == "" {
		return fmt.Errorf("chat seed: %w", store.ErrNotFound)
	}
	taskLink := "the launch checklist"
	var task []string
	if err := s.DB().SelectContext(ctx, &task, `SELECT id FROM tasks WHERE organization_id = $1 ORDER BY created_at, id LIMIT 1`, orgID); err != nil {
		return err
	}
	if len(task) > 0 {
		taskLink = "[the onboarding task](" + store.TaskLink(task[0]) + ")"
	}
	now := s.Now()
	return inTx(ctx, s, func(tx *sqlx.Tx) error {
		channels := map[string]string{}
		for _, c := range seedChannels {
			var id string
			if err := tx.GetContext(ctx, &id, `
				INSERT INTO chat_channels (organization_id, name, description, is_private, created_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
				orgID, c.name, c.description, len(c.members) > 0, owner, now.Add(-72*time.Hour)); err != nil {
				return err
			}
			channels[c.name] = id
			for _, email := range c.members {
				if _, err := tx.ExecContext(ctx, `INSERT INTO chat_channel_members (channel_id, user_id) VALUES ($1, $2)`, id, users[email]); err != nil {
					return err
				}
			}
		}
		ids := make([]string, len(demoConversation(taskLink)))
		for i, m := range demoConversation(taskLink) {
			var reply *string
			if m.replyTo >= 0 {
				reply = &ids[m.replyTo]
			}
			at := now.Add(-m.ago)
			var edited *time.Time
			if m.edited {
				e := at.Add(2 * time.Minute)
				edited = &e
			}
			if err := tx.GetContext(ctx, &ids[i], `
				INSERT INTO chat_messages (organization_id, channel_id, user_id, content, reply_to, edited_at, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
				orgID, channels[m.channel], users[m.from], m.text, reply, edited, at); err != nil {
				return err
			}
			for emoji, who := range m.reactions {
				for j, email := range who {
					if _, err := tx.ExecContext(ctx, `INSERT INTO chat_reactions (message_id, user_id, emoji, created_at) VALUES ($1, $2, $3, $4)`,
						ids[i], users[email], emoji, at.Add(time.Duration(j+1)*time.Minute)); err != nil {
						return err
					}
				}
			}
		}
		// The owner has read everything but the last few messages of #general and #design.
		_, err := tx.ExecContext(ctx, `
			INSERT INTO chat_reads (channel_id, user_id, last_read_seq)
			SELECT c.id, $2, coalesce((SELECT max(m.seq) FROM chat_messages m WHERE m.channel_id = c.id AND m.created_at < $3), 0)
			FROM chat_channels c WHERE c.organization_id = $1`, orgID, owner, now.Add(-40*time.Minute))
		return err
	})
}

func demoConversation(taskLink string) []seedMessage {
	h := time.Hour
	m := time.Minute
	const (
		dana, marcus, zoe, priya, tomas, lena = DemoOwnerEmail, "marcus@trcr.local", "zoe@trcr.local", "priya@trcr.local", "tomas@trcr.local", "lena@trcr.local"
	)
	return []seedMessage{
		{"general", dana, 30 * h, "Good morning everyone! Quick reminder: the **quarterly planning** session is tomorrow at 10:00 in the big room.", -1, false, map[string][]string{"thumbsup": {marcus, zoe, priya}}},
		{"general", marcus, 30*h - 4*m, "Thanks @dana. I'll bring the capacity numbers.", 0, false, nil},
		{"general", zoe, 29 * h, "Can someone share the slides from last quarter? I want to compare the velocity charts.", -1, false, nil},
		{"general", priya, 29*h - 2*m, "Here you go: they're in the shared drive under *Planning / Q3*.", 2, false, map[string][]string{"pray": {zoe}}},
		{"design", lena, 27 * h, "New onboarding mockups are up for review. Main changes:\n- shorter sign-up form\n- progress indicator on every step\n- friendlier empty states", -1, false, map[string][]string{"eyes": {zoe, tomas}, "fire": {dana}}},
		{"design", zoe, 26 * h, "Love the empty states. Could the progress bar show the step names on desktop?", 4, false, nil},
		{"design", lena, 26*h - 6*m, "Good idea, I'll try it with labels above the bar.", 5, false, map[string][]string{"thumbsup": {zoe}}},
		{"random", tomas, 25 * h, "Lunch at the new ramen place on Friday? 🍜", -1, false, map[string][]string{"raised_hands": {priya, lena, marcus, zoe}}},
		{"launch-plan", dana, 24 * h, "Draft timeline for the spring release: feature freeze **March 14**, beta **March 21**, launch **April 2**.", -1, false, nil},
		{"launch-plan", priya, 23*h - 30*m, "Works for marketing. We need the press kit two weeks before launch.", 8, false, map[string][]string{"white_check_mark": {dana, marcus}}},
		{"general", marcus, 5 * h, "Heads-up: the staging database gets upgraded tonight at 22:00, about 15 minutes of downtime.", -1, false, map[string][]string{"thumbsup": {dana, tomas}}},
		{"general", tomas, 4*h + 40*m, "Noted. I'll pause the nightly imports until it's back.", 10, true, nil},
		{"general", dana, 90 * m, "Great work on the sprint demo today, team 🎉 The timeline view got a lot of love from the client.", -1, false, map[string][]string{"tada": {marcus, zoe, priya, tomas, lena}, "heart": {lena}}},
		{"general", zoe, 85 * m, "Thanks! Next up is " + taskLink + ", @priya can you check the copy?", -1, false, nil},
		{"general", priya, 30 * m, "On it, I'll have comments by tomorrow morning.", 13, false, map[string][]string{"thumbsup": {zoe}}},
		{"general", zoe, 28 * m, "Perfect, thank you!", -1, false, nil},
		{"design", tomas, 20 * m, "Pushed the icon set update. `npm run icons` regenerates the sprite.", -1, false, nil},
	}
}
