package store

import (
	"context"
	"fmt"
)

// ClientChoice is a client as a picker offers it.
type ClientChoice struct {
	ID   string `db:"id"`
	Name string `db:"name"`
}

// maxClientChoices bounds a client picker; an organization with more clients picks among the first by name.
const maxClientChoices = 1000

// clientChoices lists the organization's clients by name, for the project form's Client select.
func clientChoices(ctx context.Context, s *Store, orgID string) ([]ClientChoice, error) {
	out := []ClientChoice{}
	err := s.db.SelectContext(ctx, &out, `SELECT id, name FROM clients WHERE organization_id = $1
		ORDER BY lower(name), id LIMIT $2`, orgID, maxClientChoices)
	if err != nil {
		return nil, fmt.Errorf("client choices: %w", err)
	}
	return out, nil
}

// TimerProjects lists the active projects the actor can see, with their clients, for the timer's project picker.
func (s *Store) TimerProjects(ctx context.Context, a Actor) ([]TimeProject, error) {
	all, err := s.timeProjects(ctx, a)
	if err != nil {
		return nil, err
	}
	out := make([]TimeProject, 0, len(all))
	for _, p := range all {
		if p.Status == ProjectActive {
			out = append(out, p)
		}
	}
	return out, nil
}
