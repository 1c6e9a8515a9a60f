// Command trcr is the TRCR server: `trcr serve` runs the app, `trcr migrate` applies migrations, and
// `trcr seed` fills a demo organization.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: trcr <command>

commands:
  serve     serve the app (starts a private PostgreSQL when DATABASE_URL is unset)
  migrate   apply database migrations and exit
  seed      create a demo organization with realistic data
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cfg, err := loadConfig()
	if err != nil {
		slog.Error("config", "err", err)
		os.Exit(1)
	}
	log, logs := newLogger(os.Stderr, cfg.LogLevel)
	defer logs.Flush()
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, cfg, log)
	case "migrate":
		err = migrate(ctx, cfg, log)
	case "seed":
		err = runSeed(ctx, cfg, log, os.Args[2:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		log.Error(os.Args[1]+" failed", "err", err) // written at once: errors flush the log
		os.Exit(1)
	}
}
