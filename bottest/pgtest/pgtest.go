// Package pgtest gives tests a PostgreSQL database of their own: created
// on the server named by SAMVERKAN_TEST_DATABASE_URL (default: the
// machine's, postgres://postgres@127.0.0.1:5432/postgres) and dropped when
// the test ends. Where no server answers, the test is skipped with a
// message saying so, or fails when SAMVERKAN_REQUIRE_POSTGRES=1 (CI).
package pgtest

import (
	"context"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"samverkan/store/postgres"
)

// DefaultURL is the machine's PostgreSQL, as PLATFORMS.md describes it.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Server is the URL of the server's maintenance database tests use.
func Server() string {
	if u := os.Getenv("SAMVERKAN_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

var (
	reachOnce sync.Once
	reachErr  error
)

// Require skips t (or fails it under SAMVERKAN_REQUIRE_POSTGRES=1) when no
// PostgreSQL server answers.
func Require(t testing.TB) {
	t.Helper()
	reachOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, Server())
		if err == nil {
			c.Close(ctx)
		}
		reachErr = err
	})
	if reachErr == nil {
		return
	}
	if os.Getenv("SAMVERKAN_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("PostgreSQL is required (SAMVERKAN_REQUIRE_POSTGRES=1) but %s does not answer: %v", postgres.Redact(Server()), reachErr)
	}
	t.Skipf("SKIPPED: no PostgreSQL at %s (%v); start one or set SAMVERKAN_TEST_DATABASE_URL", postgres.Redact(Server()), reachErr)
}

// Database creates an empty database for t, drops it when t ends, and
// returns its URL.
func Database(t testing.TB) string {
	t.Helper()
	Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := postgres.NewScratch(ctx, Server(), "samverkan_test_")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(db.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("pool_max_conns", "2") // many tests run at once; the server takes 100 clients
	u.RawQuery = q.Encode()
	return u.String()
}
