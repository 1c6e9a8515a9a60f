package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/trcr/trcr/store"
)

// projectOwner registers a user with an organization and returns the owner's actor.
func projectOwner(t *testing.T, s *store.Store) store.Actor {
	t.Helper()
	ctx := context.Background()
	sess, err := s.Register(ctx, store.RegisterInput{Email: "po@example.com", Password: "secret123", Name: "Pat Owner"})
	if err != nil {
		t.Fatal(err)
	}
	name := "Project Co"
	org, err := s.CreateOrganization(ctx, sess.User.ID, "", store.OrganizationInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.ActorFor(ctx, sess.User.ID, org.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCreateTaskGroup_ConcurrentCreatesGetDistinctDensePositions(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	a := projectOwner(t, s)
	name := "Board"
	p, err := s.CreateProject(ctx, a, store.ProjectInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := fmt.Sprintf("Group %d", i)
			_, err := s.CreateTaskGroup(ctx, a, p.ID, store.TaskGroupInput{Name: &g})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	groups, err := s.TaskGroups(ctx, a, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != n+1 {
		t.Fatalf("%d groups", len(groups))
	}
	for i, g := range groups {
		if g.Position != i {
			t.Fatalf("group %d at position %d", i, g.Position)
		}
	}
}

func TestCreateTaskStatus_ConcurrentDuplicateCodeConflicts(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	ctx := context.Background()
	a := projectOwner(t, s)
	code, label, color := "qa_review", "QA", "#123456"
	var wg sync.WaitGroup
	results := make(chan error, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.CreateTaskStatus(ctx, a, store.TaskStatusInput{Code: &code, Label: &label, Color: &color})
			results <- err
		}()
	}
	wg.Wait()
	close(results)
	var ok, conflicts int
	for err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, store.ErrConflict):
			conflicts++
		default:
			t.Fatal(err)
		}
	}
	if ok != 1 || conflicts != 1 {
		t.Fatalf("%d created, %d conflicts", ok, conflicts)
	}
}

func TestProjectsOfAMember_OnlyTheirOwn(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	a := projectOwner(t, s)
	mine, theirs := "Mine", "Theirs"
	p1, err := s.CreateProject(ctx, a, store.ProjectInput{Name: &mine})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateProject(ctx, a, store.ProjectInput{Name: &theirs}); err != nil {
		t.Fatal(err)
	}
	sess, err := s.Register(ctx, store.RegisterInput{Email: "mm@example.com", Password: "secret123", Name: "Mo Member"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO members (organization_id, user_id, email, role, status) VALUES ($1, $2, $3, 'member', 'active')`,
		a.OrgID, sess.User.ID, "mm@example.com"); err != nil {
		t.Fatal(err)
	}
	m, err := s.ActorFor(ctx, sess.User.ID, a.OrgID, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddProjectMember(ctx, a, p1.ID, store.ProjectMemberInput{UserID: m.UserID}); err != nil {
		t.Fatal(err)
	}
	l, err := s.Projects(ctx, m, store.ProjectFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if l.Total != 1 || len(l.Items) != 1 || l.Items[0].ID != p1.ID {
		t.Fatalf("member sees %+v", l)
	}
	if _, err := s.CreateProject(ctx, m, store.ProjectInput{Name: &mine}); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member created a project: %v", err)
	}
	if _, err := s.UpdateProject(ctx, m, p1.ID, store.ProjectInput{Name: &theirs}); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member updated a project: %v", err)
	}
}
