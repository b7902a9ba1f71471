package postgres_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"samverkan/bot"
	"samverkan/bottest/pgtest"
	"samverkan/bottest/storetest"
	"samverkan/store/postgres"
)

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The PostgreSQL store passes the conformance suite every store must pass.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) bot.Store { return open(t, pgtest.Database(t)) })
}

// Two replicas on one database: what one commits the other sees, and
// concurrent read-modify-write updates from both all count.
func TestReplicas(t *testing.T) {
	storetest.RunReplicas(t, func(t *testing.T) (bot.Store, bot.Store) {
		url := pgtest.Database(t)
		return open(t, url), open(t, url)
	})
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
