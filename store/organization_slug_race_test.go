package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

// Organizations named alike at the same moment all get created, each with its own slug (before, the second of two
// simultaneous creations picked the same free slug and failed on the unique key with "slug is already taken").
func TestCreateOrganization_SameNameAtOnceGetsDistinctSlugs(t *testing.T) {
	t.Parallel()
	db, err := sqlx.Open("postgres", storetest.New(t, migrations.Checksum(), migrations.Up))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := testStore(db)
	ctx := context.Background()
	const n = 12
	users := make([]string, n)
	for i := range users {
		sess, err := s.Register(ctx, store.RegisterInput{Email: fmt.Sprintf("race%d@example.com", i), Password: "secret123", Name: "Racer"})
		if err != nil {
			t.Fatal(err)
		}
		users[i] = sess.User.ID
	}
	slugs := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "Board Studio"
			org, err := s.CreateOrganization(ctx, users[i], "", store.OrganizationInput{Name: &name})
			slugs[i], errs[i] = org.Slug, err
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range slugs {
		if errs[i] != nil {
			t.Fatalf("creation %d: %v", i, errs[i])
		}
		if seen[slugs[i]] {
			t.Fatalf("slug %q given twice", slugs[i])
		}
		seen[slugs[i]] = true
	}
}
