package postgres_test

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"samverkan/bot"
	"samverkan/bottest/pgtest"
	"samverkan/store/postgres"
)

// Updates that wait while one runs share the next transaction, each under
// a savepoint: one that fails after writing is rolled back alone, the
// others are committed, and a failed statement an update reports does
// not abort the others — in whichever order they queued, on a connection
// that has not yet rolled back to a savepoint (CI once found the refused
// statement first fail the whole batch).
func TestGroupCommitFailsAnUpdateAlone(t *testing.T) {
	boom := errors.New("boom")
	fails := func(tx bot.Tx) error { // writes, then fails
		if err := tx.Put("b", "failed", 1); err != nil {
			return err
		}
		if _, err := tx.NextSeq("s"); err != nil {
			return err
		}
		return boom
	}
	refused := func(tx bot.Tx) error { // a statement the database refuses, reported
		var v int
		if err := tx.Get("b\xff", "k", &v); err != nil && !errors.Is(err, bot.ErrNotFound) {
			return err
		}
		return tx.Put("b", "bad", 1)
	}
	ok := func(tx bot.Tx) error { return tx.Put("b", "ok", 1) }
	for name, order := range map[string][]int{"fails first": {0, 1, 2}, "refused first": {1, 0, 2}, "ok first": {2, 1, 0}} {
		t.Run(name, func(t *testing.T) {
			st := open(t, pgtest.Database(t))
			release := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() {
				_ = st.Update(func(tx bot.Tx) error {
					<-release // the others queue up meanwhile
					return tx.Put("b", "first", 1)
				})
			})
			fns := []func(bot.Tx) error{fails, refused, ok}
			errs := make([]error, 3)
			for n, i := range order {
				for postgres.Queued(st) < n+1 {
					runtime.Gosched() // the one before is in the queue
				}
				wg.Go(func() { errs[i] = st.Update(fns[i]) })
			}
			for postgres.Queued(st) < 4 {
				runtime.Gosched() // until all three wait behind the first
			}
			close(release)
			wg.Wait()
			if !errors.Is(errs[0], boom) || errs[1] == nil || errs[2] != nil {
				t.Fatalf("outcomes %v", errs)
			}
			var pg *pgconn.PgError
			if !errors.As(errs[1], &pg) || pg.Code != "22021" {
				t.Errorf("the refused statement: %v", errs[1])
			}
			for key, want := range map[string]bool{"first": true, "failed": false, "bad": false, "ok": true} {
				var v int
				err := st.View(func(tx bot.Tx) error { return tx.Get("b", key, &v) })
				if got := err == nil; got != want {
					t.Errorf("%s stored: %v, want %v (%v)", key, got, want, err)
				}
			}
			if s := st.Stats(); s.Updates != 4 || s.Commits != 2 {
				t.Errorf("stats %+v, want 4 updates committed in 2 transactions", s)
			}
		})
	}
}

// The retry policy, with injected failures: a conflict runs the
// transaction again (counted); a failed statement that an update
// swallowed aborts the transaction, and its COMMIT (which PostgreSQL
// answers with ROLLBACK) is never taken for success.
func TestTheRetryPolicy(t *testing.T) {
	t.Run("a conflict is run again", func(t *testing.T) {
		st := open(t, pgtest.Database(t))
		var n atomic.Int64
		postgres.SetHook(st, func(stage string, _ *pgx.Conn) error {
			if stage == "begin" && n.Add(1) <= 2 {
				return &pgconn.PgError{Code: "40001", Message: "could not serialize access (injected)"}
			}
			return nil
		})
		if err := st.Update(func(tx bot.Tx) error { return tx.Put("b", "k", 1) }); err != nil {
			t.Fatal(err)
		}
		if s := st.Stats(); s.Conflicts != 2 || s.Commits != 1 {
			t.Errorf("stats %+v, want 2 conflicts and 1 commit", s)
		}
	})
	t.Run("a swallowed failure is not taken for success", func(t *testing.T) {
		st := open(t, pgtest.Database(t))
		err := st.Update(func(tx bot.Tx) error {
			var v int
			_ = tx.Get("b\xff", "k", &v) // the error is lost here: the transaction is aborted
			return tx.Put("b", "k", 1)
		})
		if err == nil {
			t.Fatal("an aborted transaction was reported committed")
		}
		var v int
		if err := st.View(func(tx bot.Tx) error { return tx.Get("b", "k", &v) }); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("the write of an aborted transaction is there: %v", err)
		}
	})
}
