package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/seed"
)

// runSeed creates the demo organization and fills it with work (--tasks of them; 0 for none) and a year of billing
// data (--time-entries of them; 0 for none). Later features add their demo data through the same command.
func runSeed(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	tasks := fs.Int("tasks", seed.DefaultTasks, "number of tasks to create across the demo organization's projects (0: none)")
	entries := fs.Int("time-entries", seed.DefaultTimeEntries, "number of time entries to create over the last 12 months, with members, clients, projects and invoices (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tasks < 0 {
		return fmt.Errorf("seed: --tasks must be 0 or more, not %d", *tasks)
	}
	if *entries < 0 {
		return fmt.Errorf("seed: --time-entries must be 0 or more, not %d", *entries)
	}
	db, closeDB, err := database(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := migrations.Up(ctx, db.DB); err != nil {
		return err
	}
	secret, err := cfg.secret()
	if err != nil {
		return err
	}
	s := store.New(db, nil, store.Config{BaseURL: cfg.BaseURL, Secret: secret}, log)
	res, err := seed.Demo(ctx, s)
	if err != nil {
		return err
	}
	if res.Created {
		fmt.Printf("Seeded the demo organization. Log in as %s with password %s\n", res.Email, seed.DemoPassword)
	} else {
		fmt.Printf("The demo organization exists already. Log in as %s with password %s\n", res.Email, seed.DemoPassword)
	}
	if *tasks > 0 {
		began := time.Now()
		err = seed.Work(ctx, s, res.OrgID, seed.WorkOptions{Tasks: *tasks})
		switch {
		case errors.Is(err, seed.ErrWorkExists):
			fmt.Println("The demo organization has projects already: no work seeded.")
		case err != nil:
			return err
		default:
			fmt.Printf("Seeded %d projects with %d tasks in %s.\n", seed.DefaultProjects, *tasks, time.Since(began).Round(time.Millisecond))
		}
	}
	if err := seedBilling(ctx, s, log, res.OrgID, *entries); err != nil {
		return err
	}
	return seedChat(ctx, s, res.OrgID)
}

// seedChat adds the demo chat: channels and a conversation of the last day and a half.
func seedChat(ctx context.Context, s *store.Store, orgID string) error {
	err := seed.Chat(ctx, s, orgID)
	switch {
	case errors.Is(err, seed.ErrChatExists):
		fmt.Println("The demo organization has chat channels already: no chat seeded.")
	case err != nil:
		return err
	default:
		fmt.Println("Seeded the demo chat.")
	}
	return nil
}

// seedBilling adds a year of time entries, with the members, clients, projects and invoices they need.
func seedBilling(ctx context.Context, s *store.Store, log *slog.Logger, orgID string, entries int) error {
	if entries == 0 {
		return nil
	}
	began := time.Now()
	err := seed.Billing(ctx, s, orgID, seed.BillingOptions{TimeEntries: entries, Log: log})
	switch {
	case errors.Is(err, seed.ErrBillingExists):
		fmt.Println("The demo organization has time entries already: no billing data seeded.")
	case err != nil:
		return err
	default:
		fmt.Printf("Seeded %d time entries with clients, projects and invoices in %s.\n", entries, time.Since(began).Round(time.Millisecond))
	}
	return nil
}
