package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
)

// seed creates the demo organization. Later features add their demo data through the same command.
func seed(ctx context.Context, cfg config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
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
	res, err := s.SeedDemo(ctx)
	if err != nil {
		return err
	}
	if res.Created {
		fmt.Printf("Seeded the demo organization. Log in as %s with password %s\n", res.Email, store.DemoPassword)
	} else {
		fmt.Printf("The demo organization exists already. Log in as %s with password %s\n", res.Email, store.DemoPassword)
	}
	return nil
}
