package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"samverkan/bot"
	"samverkan/bottest/pgtest"
	"samverkan/store/postgres"
)

// seen is what one replica reads of bucket r: record k, every key, and
// the last key.
type seen struct {
	k    int
	keys []string
	last string
}

func readAll(tx bot.Tx) (seen, error) {
	var s seen
	err := tx.Get("r", "k", &s.k)
	if err != nil && err != bot.ErrNotFound {
		return s, err
	}
	err = tx.ForEach("r", "", func(key string, _ func(any) error) error {
		s.keys = append(s.keys, key)
		return nil
	})
	if err != nil {
		return s, err
	}
	var v int
	s.last, err = tx.Last("r", &v)
	return s, err
}

func viewAll(t *testing.T, st *postgres.Store) seen {
	t.Helper()
	var s seen
	if err := st.View(func(tx bot.Tx) (err error) { s, err = readAll(tx); return err }); err != nil {
		t.Fatal(err)
	}
	return s
}

func put(t *testing.T, st *postgres.Store, fn func(tx bot.Tx) error) {
	t.Helper()
	if err := st.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// A replica keeps what it read, and answers the next view from memory
// (the round trips of BEGIN and COMMIT only); what another replica writes — a
// change, a new key, a deletion, a write outside the path, more changes
// than a catch-up reads, a log pruned past it — it sees at once, in a
// view and in an update.
func TestEachReplicaSeesTheOthersWritesThroughItsCache(t *testing.T) {
	url := pgtest.Database(t)
	a, b := open(t, url), open(t, url)
	put(t, a, func(tx bot.Tx) error {
		for _, k := range []string{"k", "l"} {
			if err := tx.Put("r", k, 1); err != nil {
				return err
			}
		}
		return nil
	})
	want := func(step string, got seen, k int, keys ...string) {
		t.Helper()
		if got.k != k || !slices.Equal(got.keys, keys) || got.last != keys[len(keys)-1] {
			t.Fatalf("%s: replica a read k=%d keys=%v last=%q, want k=%d keys=%v last=%q", step, got.k, got.keys, got.last, k, keys, keys[len(keys)-1])
		}
	}
	want("first read", viewAll(t, a), 1, "k", "l")
	before := a.Stats()
	want("read again", viewAll(t, a), 1, "k", "l")
	after := a.Stats()
	if trips, hits := after.ReadTrips-before.ReadTrips, after.CacheHits-before.CacheHits; trips != 2 || hits < 2 {
		t.Errorf("reading again unchanged took %d round trips and %d reads from memory, want 2 (with BEGIN, the commit) and at least 2", trips, hits)
	}

	put(t, b, func(tx bot.Tx) error {
		if err := tx.Put("r", "k", 2); err != nil {
			return err
		}
		if err := tx.Put("r", "m", 3); err != nil {
			return err
		}
		return tx.Delete("r", "l")
	})
	want("after b changed k, added m, deleted l", viewAll(t, a), 2, "k", "m")
	var inUpdate seen
	put(t, a, func(tx bot.Tx) (err error) { inUpdate, err = readAll(tx); return err })
	want("in an update", inUpdate, 2, "k", "m")

	if err := b.Tamper("r", "k", func([]byte) []byte { return []byte("4") }); err != nil {
		t.Fatal(err)
	}
	want("after a write outside the path", viewAll(t, a), 4, "k", "m")

	put(t, b, func(tx bot.Tx) error {
		if err := tx.Put("r", "k", 5); err != nil {
			return err
		}
		for i := range 2500 { // more changed keys than a catch-up reads
			if err := tx.Put("s", fmt.Sprintf("%04d", i), i); err != nil {
				return err
			}
		}
		return nil
	})
	want("after more changes than a catch-up reads", viewAll(t, a), 5, "k", "m")

	// The log pruned past what a holds: b changes k, then something else,
	// and the log loses k's change.
	put(t, b, func(tx bot.Tx) error { return tx.Put("r", "k", 6) })
	put(t, b, func(tx bot.Tx) error { return tx.Put("s", "other", 1) })
	conn, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Exec(context.Background(), "DELETE FROM changes WHERE version < (SELECT max(version) FROM changes)"); err != nil {
		t.Fatal(err)
	}
	want("after the log was pruned past the cache", viewAll(t, a), 6, "k", "m")
}

// An update that writes a key and reads it back, or scans the bucket it
// wrote to, sees its own writes, not what the cache held; and an update
// rolled back leaves nothing in any cache.
func TestAnUpdateSeesItsOwnWritesNotTheCache(t *testing.T) {
	url := pgtest.Database(t)
	a, b := open(t, url), open(t, url)
	put(t, a, func(tx bot.Tx) error { return tx.Put("r", "k", 1) })
	viewAll(t, a)
	var got seen
	put(t, a, func(tx bot.Tx) (err error) {
		if err := tx.Put("r", "k", 2); err != nil {
			return err
		}
		if err := tx.Put("r", "z", 2); err != nil {
			return err
		}
		got, err = readAll(tx)
		return err
	})
	if got.k != 2 || !slices.Equal(got.keys, []string{"k", "z"}) || got.last != "z" {
		t.Fatalf("an update read k=%d keys=%v last=%q after writing k=2 and z", got.k, got.keys, got.last)
	}
	refused := fmt.Errorf("refused")
	if err := a.Update(func(tx bot.Tx) error {
		if err := tx.Put("r", "k", 9); err != nil {
			return err
		}
		_, _ = readAll(tx)
		return refused
	}); err != refused {
		t.Fatalf("want the update's own error, got %v", err)
	}
	for name, st := range map[string]*postgres.Store{"a": a, "b": b} {
		if s := viewAll(t, st); s.k != 2 || !slices.Equal(s.keys, []string{"k", "z"}) {
			t.Errorf("replica %s reads k=%d keys=%v after a refused update, want k=2 keys=[k z]", name, s.k, s.keys)
		}
	}
}
