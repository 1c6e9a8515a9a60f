package main

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// dbIOSlack is how much longer than statement_timeout a database connection may stay silent before it is
// given up as stalled. A live server ends any statement at statement_timeout with an error of its own; only a
// frozen server or a broken network keeps a connection silent longer.
const dbIOSlack = 5 * time.Second

// openDB opens a connection pool. With a positive statementTimeout, every connection gets it as
// statement_timeout (unless DATABASE_URL sets one), and every read and write on a connection a deadline of
// statementTimeout + dbIOSlack: lib/pq cannot interrupt a connection whose server stopped answering (it asks
// the server to cancel, which a frozen server never does), so without it a stalled database would hold the
// request, and the connection, until TCP gives up many minutes later. Migrations use a pool without limits,
// since a migration may rightly run for long.
func openDB(dbURL string, statementTimeout time.Duration) (*sqlx.DB, error) {
	cfg, err := pq.NewConfig(dbURL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if statementTimeout > 0 {
		if cfg.Runtime == nil {
			cfg.Runtime = map[string]string{}
		}
		if _, set := cfg.Runtime["statement_timeout"]; !set {
			cfg.Runtime["statement_timeout"] = strconv.FormatInt(statementTimeout.Milliseconds(), 10)
		}
	}
	connector, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if statementTimeout > 0 {
		connector.Dialer(deadlineDialer{timeout: statementTimeout + dbIOSlack})
	}
	db := sqlx.NewDb(sql.OpenDB(connector), "postgres")
	// Long-lived connections: lib/pq plans each statement anew, so reuse beats reconnecting.
	db.SetMaxOpenConns(25)
	db.SetMaxIdleConns(25)
	db.SetConnMaxIdleTime(30 * time.Minute)
	return db, nil
}

// deadlineDialer dials database connections whose every read and write must finish within timeout.
type deadlineDialer struct{ timeout time.Duration }

func (d deadlineDialer) Dial(network, address string) (net.Conn, error) {
	return d.DialContext(context.Background(), network, address)
}

func (d deadlineDialer) DialTimeout(network, address string, timeout time.Duration) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, network, address)
}

func (d deadlineDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	nd := net.Dialer{KeepAlive: 15 * time.Second}
	c, err := nd.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	return &deadlineConn{Conn: c, timeout: d.timeout}, nil
}

// deadlineConn renews its deadline before each read and write, so an idle pooled connection never expires and
// a busy one fails only when the server has been silent for the whole timeout.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c *deadlineConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *deadlineConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(time.Now().Add(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}
