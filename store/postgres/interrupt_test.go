package postgres_test

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"

	"samverkan/bot"
	"samverkan/bottest/pgtest"
	"samverkan/store/postgres"
)

// kill ends a connection's session from another one, as a database
// restart or a failover does.
func kill(t *testing.T, _ string, c *pgx.Conn) {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pgtest.Server())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1)", c.PgConn().PID()); err != nil {
		t.Fatal(err)
	}
}

// A connection lost at each stage of an update: the update is run once
// more when nothing was written, a lost commit is looked up, and what the
// store answers is true — done once, not done, or unknown.
func TestAnUpdateInterruptedByTheDatabase(t *testing.T) {
	errLost := &net.OpError{Op: "write", Net: "tcp", Err: syscall.ECONNRESET} // as a reset connection reports it
	for _, c := range []struct {
		name string
		// hook acts at stage on the n-th transaction (from 1).
		hook     func(t *testing.T, url string, n int64, stage string, conn *pgx.Conn) error
		wantErr  error // nil: the update succeeds
		wantRuns int   // how many times the record was counted up: 1, or 0
		rerun    int64
	}{
		{"lost before the first statement: run once more", func(t *testing.T, url string, n int64, stage string, conn *pgx.Conn) error {
			if n == 1 && stage == "begin" {
				kill(t, url, conn)
			}
			return nil
		}, nil, 1, 1},
		{"lost before COMMIT: not made, run once more", func(t *testing.T, url string, n int64, stage string, conn *pgx.Conn) error {
			if n == 1 && stage == "commit" {
				kill(t, url, conn)
			}
			return nil
		}, nil, 1, 1},
		{"the answer to COMMIT lost: looked up, made once", func(t *testing.T, url string, n int64, stage string, conn *pgx.Conn) error {
			if n == 1 && stage == "committed" {
				return errLost
			}
			return nil
		}, nil, 1, 0},
		{"lost twice: nothing made, and it says so", func(t *testing.T, url string, n int64, stage string, conn *pgx.Conn) error {
			if stage == "begin" && n <= 2 {
				kill(t, url, conn)
			}
			return nil
		}, errAny, 0, 1},
		{"the answer to COMMIT lost and the database gone: unknown", func(t *testing.T, url string, n int64, stage string, conn *pgx.Conn) error {
			if stage == "committed" || stage == "settle" {
				return errLost
			}
			return nil
		}, bot.ErrOutcomeUnknown, 1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := pgtest.Database(t)
			st := open(t, url)
			var n atomic.Int64
			postgres.SetHook(st, func(stage string, conn *pgx.Conn) error {
				if stage == "begin" {
					n.Add(1)
				}
				return c.hook(t, url, n.Load(), stage, conn)
			})
			err := st.Update(func(tx bot.Tx) error {
				var v int
				if err := tx.Get("counts", "k", &v); err != nil && !errors.Is(err, bot.ErrNotFound) {
					return err
				}
				return tx.Put("counts", "k", v+1)
			})
			switch {
			case c.wantErr == nil && err != nil:
				t.Fatalf("update: %v", err)
			case c.wantErr == errAny && (err == nil || errors.Is(err, bot.ErrOutcomeUnknown)):
				t.Fatalf("update: %v, want an error saying nothing was made", err)
			case c.wantErr == bot.ErrOutcomeUnknown && !errors.Is(err, bot.ErrOutcomeUnknown):
				t.Fatalf("update: %v, want the outcome unknown", err)
			}
			postgres.SetHook(st, nil)
			var v int
			_ = st.View(func(tx bot.Tx) error { return tx.Get("counts", "k", &v) })
			if v != c.wantRuns {
				t.Errorf("counted up %d times, want %d", v, c.wantRuns)
			}
			if rerun, _ := st.Interruptions(); rerun != c.rerun {
				t.Errorf("run once more %d times, want %d", rerun, c.rerun)
			}
		})
	}
}

var errAny = errors.New("any error that is not ErrOutcomeUnknown")
