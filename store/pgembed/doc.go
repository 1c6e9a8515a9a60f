// Package pgembed runs a private PostgreSQL cluster with the PostgreSQL server
// binaries installed on the machine (on Debian: the "postgresql" package).
//
// [Start] creates the cluster with initdb on first use (superuser "trcr", trust
// authentication, UTF8), then starts it with pg_ctl listening on 127.0.0.1 only
// and waits until it accepts connections. [Cluster.Stop] shuts it down again.
//
// # Running as root
//
// PostgreSQL refuses to run as root. When the process runs as root, initdb and
// pg_ctl run as the user "postgres" if it exists, else "nobody", and the
// cluster directory is chowned to that user. If that user cannot traverse the
// path to Options.Dir (for example a checkout under /root), the cluster is
// placed under /var/tmp/trcr-pg-<hash of the absolute Dir>/ instead; the same
// Dir always maps to the same place, so data survives restarts. [Cluster.Dir]
// reports where the cluster really is, and a file RELOCATED in Options.Dir names
// it; when that file is gone (the data directory was deleted), the next Start
// removes the old cluster and creates a fresh one.
//
// # Servers started by another process
//
// If a server is already running for the cluster, Start does not start a second
// one but connects to the running one, on whatever port it listens (which may
// differ from Options.Port). Whether Stop then shuts it down depends on who
// started it, which Start records in the cluster directory:
//   - started by a process that is still alive (another trcr command, or an
//     earlier Start in this process): the server is shared, and Stop leaves it
//     running for its owner;
//   - started by a process that has died (a crash, kill -9): Start adopts the
//     orphaned server and Stop shuts it down.
//
// A postmaster.pid left behind by a server that is no longer running (or whose
// PID now belongs to an unrelated process) is removed before starting.
//
// # Security
//
// Authentication is "trust": any local user or process that can reach
// 127.0.0.1 can connect as the superuser. This is meant for development
// machines and tests, not for shared hosts.
package pgembed
