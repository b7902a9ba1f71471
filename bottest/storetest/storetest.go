// Package storetest is the conformance suite every bot.Store must pass:
// the behaviour the bot relies on (atomic updates, consistent views, key
// order, sequences, no lost updates under concurrency), written once and
// run against each store (store/bolt; a PostgreSQL store next).
package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"samverkan/bot"
)

// Open returns a new, empty store; the suite closes nothing (the caller's
// t.Cleanup does).
type Open func(t *testing.T) bot.Store

type item struct {
	N    int    `json:"n"`
	Text string `json:"text,omitempty"`
}

// Run runs every conformance test against stores made by open.
func Run(t *testing.T, open Open) {
	t.Run("get and put", func(t *testing.T) { getAndPut(t, open(t)) })
	t.Run("a failed update writes nothing", func(t *testing.T) { rollback(t, open(t)) })
	t.Run("keys in byte order from a start", func(t *testing.T) { order(t, open(t)) })
	t.Run("last and sequences", func(t *testing.T) { lastAndSeq(t, open(t)) })
	t.Run("a view is one snapshot", func(t *testing.T) { snapshot(t, open(t)) })
	t.Run("concurrent updates lose nothing", func(t *testing.T) { concurrent(t, open(t)) })
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func getAndPut(t *testing.T, s bot.Store) {
	must(t, s.Update(func(tx bot.Tx) error { return tx.Put("b", "k", item{N: 1, Text: "å"}) }))
	var got item
	must(t, s.View(func(tx bot.Tx) error { return tx.Get("b", "k", &got) }))
	if got != (item{N: 1, Text: "å"}) {
		t.Errorf("got %+v", got)
	}
	err := s.View(func(tx bot.Tx) error { return tx.Get("b", "absent", &got) })
	if !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("an absent key: %v, want ErrNotFound", err)
	}
	if err := s.View(func(tx bot.Tx) error { return tx.Get("no-such-bucket", "k", &got) }); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("an absent bucket: %v, want ErrNotFound", err)
	}
	must(t, s.Update(func(tx bot.Tx) error {
		if err := tx.Delete("b", "k"); err != nil {
			return err
		}
		return tx.Delete("b", "never-there")
	}))
	if err := s.View(func(tx bot.Tx) error { return tx.Get("b", "k", &got) }); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

func rollback(t *testing.T, s bot.Store) {
	boom := errors.New("boom")
	err := s.Update(func(tx bot.Tx) error {
		if err := tx.Put("b", "k", item{N: 1}); err != nil {
			return err
		}
		if _, err := tx.NextSeq("seq"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("the update's own error: %v", err)
	}
	var got item
	if err := s.View(func(tx bot.Tx) error { return tx.Get("b", "k", &got) }); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a failed update's write stayed: %+v %v", got, err)
	}
	var n uint64
	must(t, s.Update(func(tx bot.Tx) (err error) { n, err = tx.NextSeq("seq"); return }))
	if n != 1 {
		t.Errorf("a failed update's sequence stayed: next is %d, want 1", n)
	}
}

func order(t *testing.T, s bot.Store) {
	keys := []string{"b|2", "a|1", "b|10", "b|1", "c", bot.SeqKey(10), bot.SeqKey(9)}
	must(t, s.Update(func(tx bot.Tx) error {
		for i, k := range keys {
			if err := tx.Put("o", k, item{N: i}); err != nil {
				return err
			}
		}
		return nil
	}))
	var seen []string
	must(t, s.View(func(tx bot.Tx) error {
		return tx.ForEach("o", "b|", func(k string, decode func(any) error) error {
			var it item
			if err := decode(&it); err != nil {
				return err
			}
			if k == "c" {
				return bot.ErrStop
			}
			seen = append(seen, k)
			return nil
		})
	}))
	if fmt.Sprint(seen) != "[b|1 b|10 b|2]" {
		t.Errorf("from b| in byte order, stopping at c: %v", seen)
	}
	seen = nil
	must(t, s.View(func(tx bot.Tx) error {
		return tx.ForEach("o", "", func(k string, _ func(any) error) error { seen = append(seen, k); return nil })
	}))
	if len(seen) != len(keys) || seen[0] != bot.SeqKey(9) || seen[1] != bot.SeqKey(10) {
		t.Errorf("all keys: %v (sequence keys first, in numeric order)", seen)
	}
	var calls int
	must(t, s.View(func(tx bot.Tx) error {
		return tx.ForEach("empty", "", func(string, func(any) error) error { calls++; return nil })
	}))
	if calls != 0 {
		t.Errorf("an absent bucket yielded %d keys", calls)
	}
}

func lastAndSeq(t *testing.T, s bot.Store) {
	var it item
	if err := s.View(func(tx bot.Tx) error { _, err := tx.Last("l", &it); return err }); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("last of an empty bucket: %v", err)
	}
	must(t, s.Update(func(tx bot.Tx) error {
		for i := 1; i <= 12; i++ {
			n, err := tx.NextSeq("l")
			if err != nil {
				return err
			}
			if n != uint64(i) {
				return fmt.Errorf("sequence %d, want %d", n, i)
			}
			if err := tx.Put("l", bot.SeqKey(n), item{N: i}); err != nil {
				return err
			}
		}
		return nil
	}))
	var key string
	must(t, s.View(func(tx bot.Tx) (err error) { key, err = tx.Last("l", &it); return }))
	if key != bot.SeqKey(12) || it.N != 12 {
		t.Errorf("last = %q %+v", key, it)
	}
	var n uint64
	must(t, s.Update(func(tx bot.Tx) (err error) { n, err = tx.NextSeq("l"); return }))
	if n != 13 {
		t.Errorf("the sequence after another transaction: %d, want 13", n)
	}
}

func snapshot(t *testing.T, s bot.Store) {
	must(t, s.Update(func(tx bot.Tx) error { return tx.Put("s", "k", item{N: 1}) }))
	inView, written := make(chan struct{}), make(chan error)
	var first, second item
	done := make(chan error)
	go func() {
		done <- s.View(func(tx bot.Tx) error {
			if err := tx.Get("s", "k", &first); err != nil {
				return err
			}
			close(inView)
			if err := <-written; err != nil {
				return err
			}
			return tx.Get("s", "k", &second)
		})
	}()
	<-inView
	written <- s.Update(func(tx bot.Tx) error { return tx.Put("s", "k", item{N: 2}) })
	must(t, <-done)
	if first.N != 1 || second.N != 1 {
		t.Errorf("a view saw %d then %d; one snapshot sees 1 both times", first.N, second.N)
	}
	var now item
	must(t, s.View(func(tx bot.Tx) error { return tx.Get("s", "k", &now) }))
	if now.N != 2 {
		t.Errorf("after the view: %d, want 2", now.N)
	}
}

// concurrent: many read-modify-write updates at once, as replicas
// acknowledging for different actors in the same second do; every one
// counts.
func concurrent(t *testing.T, s bot.Store) {
	const writers = 40
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			errs <- s.Update(func(tx bot.Tx) error {
				if err := countUp(tx); err != nil {
					return err
				}
				return tx.Put("c", fmt.Sprintf("writer|%02d", i), item{N: i})
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	var c item
	n := 0
	must(t, s.View(func(tx bot.Tx) error {
		if err := tx.Get("c", "counter", &c); err != nil {
			return err
		}
		return tx.ForEach("c", "writer|", func(string, func(any) error) error { n++; return nil })
	}))
	if c.N != writers || n != writers {
		t.Errorf("%d concurrent updates: counter %d, %d records", writers, c.N, n)
	}
}

// countUp adds one to the shared counter: a read-modify-write that loses
// updates unless the store isolates them.
func countUp(tx bot.Tx) error {
	var c item
	if err := tx.Get("c", "counter", &c); err != nil && !errors.Is(err, bot.ErrNotFound) {
		return err
	}
	c.N++
	return tx.Put("c", "counter", c)
}

// Replicas opens two handles on one shared store, as two replicas have.
type Replicas func(t *testing.T) (bot.Store, bot.Store)

// RunReplicas runs the tests that only a store shared between processes
// can have: what one replica commits, the other sees, and read-modify-
// write updates from both at once all count.
func RunReplicas(t *testing.T, open Replicas) {
	t.Run("a commit on one replica is seen on the other", func(t *testing.T) {
		a, b := open(t)
		must(t, a.Update(func(tx bot.Tx) error { return tx.Put("r", "k", item{N: 7}) }))
		var got item
		must(t, b.View(func(tx bot.Tx) error { return tx.Get("r", "k", &got) }))
		if got.N != 7 {
			t.Errorf("the other replica read %+v", got)
		}
	})
	t.Run("updates from two replicas at once lose nothing", func(t *testing.T) {
		a, b := open(t)
		const each = 25
		var wg sync.WaitGroup
		errs := make(chan error, 2*each)
		for i := range 2 * each {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Go(func() {
				errs <- s.Update(func(tx bot.Tx) error {
					if err := countUp(tx); err != nil {
						return err
					}
					n, err := tx.NextSeq("c")
					if err != nil {
						return err
					}
					return tx.Put("c", "seq|"+bot.SeqKey(n), item{N: i})
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		var c item
		var seqs []string
		must(t, a.View(func(tx bot.Tx) error {
			if err := tx.Get("c", "counter", &c); err != nil {
				return err
			}
			return tx.ForEach("c", "seq|", func(k string, _ func(any) error) error { seqs = append(seqs, k); return nil })
		}))
		if c.N != 2*each || len(seqs) != 2*each || seqs[len(seqs)-1] != "seq|"+bot.SeqKey(2*each) {
			t.Errorf("%d updates from two replicas: counter %d, %d sequence records, last %v", 2*each, c.N, len(seqs), seqs[len(seqs)-1:])
		}
	})
}
