package bolt

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"samverkan/bot"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "c.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// queued starts fns as concurrent updates behind a first one that holds
// the write transaction, and returns once all of them wait in the queue:
// they then form one batch. It returns each update's error, by index,
// once all are done.
func queued(t *testing.T, s *Store, fns ...func(bot.Tx) error) []error {
	t.Helper()
	started, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = s.Update(func(tx bot.Tx) error {
			close(started)
			<-release
			return tx.Put("t", "first", 1)
		})
	})
	// Wait until the first runs, not merely until it is queued: until
	// then it has not yet taken its batch, and would take the others in.
	<-started
	errs := make([]error, len(fns))
	for i, fn := range fns {
		wg.Go(func() { errs[i] = s.Update(fn) })
		waitQueue(s, i+2) // in this order
	}
	close(release)
	wg.Wait()
	return errs
}

// waitQueue yields until n updates are queued (the first one committing
// counts).
func waitQueue(s *Store, n int) {
	for {
		if s.commit.queue.Len() >= n {
			return
		}
		runtime.Gosched()
	}
}

func has(t *testing.T, s *Store, key string) bool {
	t.Helper()
	var v int
	err := s.View(func(tx bot.Tx) error { return tx.Get("t", key, &v) })
	if err != nil && !errors.Is(err, bot.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func TestUpdatesWaitingTogetherShareOneCommit(t *testing.T) {
	s := openTemp(t)
	var fns []func(bot.Tx) error
	for i := range 100 {
		fns = append(fns, func(tx bot.Tx) error { return tx.Put("t", fmt.Sprint(i), i) })
	}
	c0, u0 := s.CommitStats()
	for i, err := range queued(t, s, fns...) {
		if err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
	}
	c1, u1 := s.CommitStats()
	if c1-c0 != 2 || u1-u0 != 101 {
		t.Errorf("%d commits for %d updates, want the first alone and the 100 waiting in one", c1-c0, u1-u0)
	}
	for i := range 100 {
		if !has(t, s, fmt.Sprint(i)) {
			t.Fatalf("update %d not stored", i)
		}
	}
}

func TestAFailedUpdateInABatchFailsAlone(t *testing.T) {
	s := openTemp(t)
	refused := errors.New("refused")
	var runsA, runsB atomic.Int32
	errs := queued(t, s,
		func(tx bot.Tx) error { runsA.Add(1); return tx.Put("t", "a", 1) },
		// b writes, then fails: the batch is rolled back and runs again
		// without it; b runs alone after.
		func(tx bot.Tx) error {
			runsB.Add(1)
			if err := tx.Put("t", "b", 1); err != nil {
				return err
			}
			return refused
		},
		// c fails before writing: it is simply left out.
		func(tx bot.Tx) error { return refused },
		func(tx bot.Tx) error { return tx.Put("t", "d", 1) },
	)
	if errs[0] != nil || errs[3] != nil {
		t.Fatalf("the others failed with it: %v", errs)
	}
	if !errors.Is(errs[1], refused) || !errors.Is(errs[2], refused) {
		t.Fatalf("the failures were not reported to their callers: %v", errs)
	}
	if !has(t, s, "a") || !has(t, s, "d") || has(t, s, "b") {
		t.Errorf("stored a=%v b=%v d=%v; want a and d only", has(t, s, "a"), has(t, s, "b"), has(t, s, "d"))
	}
	if runsA.Load() != 2 || runsB.Load() != 2 {
		t.Errorf("a ran %d times, b %d; want 2 each (rolled-back batch, then again)", runsA.Load(), runsB.Load())
	}
}

func TestAPanicReachesItsOwnCaller(t *testing.T) {
	s := openTemp(t)
	var got any
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { _ = s.Update(func(tx bot.Tx) error { <-release; return nil }) })
	waitQueue(s, 1)
	wg.Go(func() {
		defer func() { got = recover() }()
		_ = s.Update(func(tx bot.Tx) error { _ = tx.Put("t", "p", 1); panic("boom") })
	})
	waitQueue(s, 2)
	var otherErr error
	wg.Go(func() { otherErr = s.Update(func(tx bot.Tx) error { return tx.Put("t", "ok", 1) }) })
	waitQueue(s, 3)
	close(release)
	wg.Wait()
	if got != "boom" {
		t.Errorf("the panicking caller got %v", got)
	}
	if otherErr != nil || !has(t, s, "ok") || has(t, s, "p") {
		t.Errorf("other update: %v, ok stored %v, p stored %v", otherErr, has(t, s, "ok"), has(t, s, "p"))
	}
}

// BenchmarkCommit compares ways to make small updates durable, as the
// bot's commands do (one Put each, fsync on): bbolt one transaction at a
// time (the baseline), bbolt's Batch, and this store's group commit, the
// last two from many goroutines at once.
//
//	go test -run '^$' -bench Commit -benchtime 3s ./store/bolt/
func BenchmarkCommit(b *testing.B) {
	put := func(tx *bbolt.Tx, i int64) error {
		bk, err := tx.CreateBucketIfNotExists([]byte("t"))
		if err != nil {
			return err
		}
		return bk.Put([]byte(fmt.Sprint(i)), []byte(`{"v":1}`))
	}
	b.Run("bbolt-one-at-a-time", func(b *testing.B) {
		s := openTemp(b)
		for i := range b.N {
			if err := s.db.Update(func(tx *bbolt.Tx) error { return put(tx, int64(i)) }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bbolt-Batch-64-goroutines", func(b *testing.B) {
		s := openTemp(b)
		var n atomic.Int64
		b.SetParallelism(32)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				if err := s.db.Batch(func(tx *bbolt.Tx) error { return put(tx, i) }); err != nil {
					b.Error(err)
				}
			}
		})
	})
	b.Run("group-commit-64-goroutines", func(b *testing.B) {
		s := openTemp(b)
		var n atomic.Int64
		b.SetParallelism(32)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := n.Add(1)
				if err := s.Update(func(tx bot.Tx) error { return tx.Put("t", fmt.Sprint(i), 1) }); err != nil {
					b.Error(err)
				}
			}
		})
		c, u := s.CommitStats()
		b.ReportMetric(float64(u)/float64(max(c, 1)), "updates/commit")
	})
	b.Run("group-commit-one-at-a-time", func(b *testing.B) {
		s := openTemp(b)
		for i := range b.N {
			if err := s.Update(func(tx bot.Tx) error { return tx.Put("t", fmt.Sprint(i), 1) }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
