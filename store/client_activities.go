package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/vocab"
)

// ClientActivity is one entry of a client's timeline: a meeting, call, email or note. The timeline is
// append-only: entries are never edited or removed on their own.
type ClientActivity struct {
	ID          string    `db:"id" json:"id"`
	ClientID    string    `db:"client_id" json:"client_id"`
	UserID      *string   `db:"user_id" json:"user_id"`
	UserName    string    `db:"user_name" json:"user_name"`
	Type        string    `db:"type" json:"type"`
	Title       string    `db:"title" json:"title"`
	Description string    `db:"description" json:"description"`
	Date        time.Time `db:"date" json:"date"`
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
}

const activityTypeMessage = "type must be meeting, call, email or note"

func validActivityType(t string) bool { return vocab.ActivityTypes.Has(t) }

const activitySelect = `
	SELECT ca.id, ca.client_id, ca.user_id, coalesce(u.name, '') AS user_name, ca.type, ca.title, ca.description,
		ca.date, ca.created_at
	FROM client_activities ca LEFT JOIN users u ON u.id = ca.user_id`

// ClientActivityFilter narrows GET /clients/:id/activities.
type ClientActivityFilter struct {
	Type string
	Page Page
}

// ClientActivities lists a client's activities, newest date first. Any member.
func (s *Store) ClientActivities(ctx context.Context, a Actor, clientID string, f ClientActivityFilter) (List[ClientActivity], error) {
	if _, err := getClient(ctx, s.db, a.OrgID, clientID, false); err != nil {
		return List[ClientActivity]{}, err
	}
	return s.listClientActivities(ctx, clientID, f)
}

// listClientActivities lists the activities of a client already found in the actor's organization.
func (s *Store) listClientActivities(ctx context.Context, clientID string, f ClientActivityFilter) (List[ClientActivity], error) {
	q := newQuery("ca.client_id = $1", clientID)
	if f.Type != "" {
		if !validActivityType(f.Type) {
			return List[ClientActivity]{}, Invalid("type", activityTypeMessage)
		}
		q.where("ca.type = ?", f.Type)
	}
	out := List[ClientActivity]{Page: f.Page.Number(), PerPage: f.Page.Size(), Items: []ClientActivity{}}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM client_activities ca WHERE `+q.cond(), q.args...); err != nil {
		return out, fmt.Errorf("client activities: %w", err)
	}
	err := s.db.SelectContext(ctx, &out.Items, activitySelect+` WHERE `+q.cond()+`
		ORDER BY ca.date DESC, ca.created_at DESC, ca.id DESC `+q.limit(f.Page), q.args...)
	if err != nil {
		return out, fmt.Errorf("client activities: %w", err)
	}
	for i := range out.Items {
		out.Items[i].Date = out.Items[i].Date.UTC()
		out.Items[i].CreatedAt = out.Items[i].CreatedAt.UTC()
	}
	return out, nil
}

// ClientActivityInput logs an activity. Date is an RFC 3339 datetime, or a YYYY-MM-DD day taken as midnight in
// the caller's timezone; empty means now.
type ClientActivityInput struct {
	Type        string
	Title       string
	Description string
	Date        string
}

// CreateClientActivity logs an activity on a client's timeline, by the caller. Owners and admins only.
func (s *Store) CreateClientActivity(ctx context.Context, a Actor, clientID string, in ClientActivityInput) (ClientActivity, error) {
	var act ClientActivity
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockClientForWrite(ctx, tx, a, clientID); err != nil {
			return err
		}
		var v validator
		typ := strings.TrimSpace(in.Type)
		if typ == "" {
			v.add("type", "type is required")
		} else {
			v.check(validActivityType(typ), "type", activityTypeMessage)
		}
		title := validateName(&v, "title", in.Title)
		description := strings.TrimSpace(in.Description)
		maxLength(&v, "description", description, maxDescription)
		var date *time.Time // nil: now, the transaction's time, as created_at
		if d := strings.TrimSpace(in.Date); d != "" {
			loc, err := s.userLocation(ctx, a.UserID)
			if err != nil {
				return err
			}
			t, _, ok := parseDateOrTime(d, loc)
			v.check(ok, "date", "date must be a date (YYYY-MM-DD) or an RFC 3339 datetime")
			date = &t
		}
		if err := v.err(); err != nil {
			return err
		}
		var id string
		err := tx.GetContext(ctx, &id, `
			INSERT INTO client_activities (organization_id, client_id, user_id, type, title, description, date)
			VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now())) RETURNING id`,
			a.OrgID, clientID, a.UserID, typ, title, description, date)
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &act, activitySelect+` WHERE ca.id = $1`, id); err != nil {
			return err
		}
		act.Date, act.CreatedAt = act.Date.UTC(), act.CreatedAt.UTC()
		return audit(ctx, tx, a, ActionCreated, "client_activity", act.ID, Changes{
			"client_id": {To: act.ClientID}, "type": {To: act.Type}, "title": {To: act.Title},
			"description": {To: act.Description}, "date": {To: act.Date},
		})
	})
	if err != nil {
		return ClientActivity{}, fmt.Errorf("create client activity: %w", err)
	}
	return act, nil
}
