package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"samverkan/bot"
	"samverkan/store/internal/group"
)

// Writes on PostgreSQL, with any number of replicas on one database:
//
//   - One writer at a time, across every replica: each write transaction
//     takes a transaction advisory lock (writeLock) with its BEGIN and
//     holds it to the commit. Write transactions therefore run one after
//     another, READ COMMITTED sees everything committed before, and no
//     two updates ever conflict: no serialization failure, no update run
//     again because another replica touched the same row, whatever the
//     data's layout (a decision-heavy meeting makes every command touch
//     the same conference record, which no layout would spread).
//   - Group commit, as on bbolt: updates that arrive while a transaction
//     commits wait in this process's queue, and the first of them then
//     runs them all in one transaction — one lock, one COMMIT, one fsync
//     on the server — each under a savepoint, so that one that fails is
//     rolled back alone (its aborted statements too) and the others go
//     on. Under load the batches grow, and the cost of the lock and the
//     commit is shared.
//   - Within a transaction what was read stays true until the commit (no
//     one else writes meanwhile), so each record is asked of the database
//     once per batch (txn.cache): the updates of a batch mostly read what
//     the first one read.
//
// Views (reads) take no lock and wait for no writer: each is one
// REPEATABLE READ snapshot on a connection of its own, on any replica.
// How failures are retried is retry.go.

// MaxBatch bounds how many updates share one transaction.
const MaxBatch = 128

// writer is one Update waiting for its commit.
type writer struct {
	fn       func(bot.Tx) error
	err      error
	fnFailed bool // err is fn's own: its writes were rolled back
	panic    any
}

// committer queues this process's updates for group commit.
type committer struct {
	queue group.Queue[*writer]
	// Counters for /metrics (Stats).
	commits, updates, conflicts, reruns atomic.Int64
	lockWait                            atomic.Int64 // nanoseconds
	trips                               atomic.Int64 // round trips of write transactions
}

// Update runs fn in a write transaction shared with the updates that
// wait at the same time, and returns once it is committed (or failed).
// fn may run more than once (see retry.go); an error from fn rolls back
// fn's own writes only and is returned as is.
func (s *Store) Update(fn func(bot.Tx) error) error {
	w := &writer{fn: fn}
	s.commit.queue.Do(w, MaxBatch, s.commitBatch)
	if w.panic != nil {
		panic(w.panic)
	}
	return w.err
}

// commitBatch runs the batch's updates in one transaction, again as the
// retry policy says when the transaction as a whole failed, and sets
// each one's outcome.
func (s *Store) commitBatch(batch []*writer) {
	var err error
	for attempt := 1; ; attempt++ {
		err = s.runBatch(batch)
		wait, again := s.retry(err, attempt)
		if !again {
			break
		}
		time.Sleep(wait)
	}
	if err == nil {
		s.commit.commits.Add(1)
		s.commit.updates.Add(int64(len(batch)))
	}
	for _, w := range batch {
		if !w.fnFailed && w.panic == nil {
			w.err = err
		}
	}
}

// runBatch runs every update of the batch in one transaction, each under
// a savepoint, and commits. It returns the transaction's own error; an
// update's error is that update's (w.err).
func (s *Store) runBatch(batch []*writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout())
	defer cancel()
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	t := &txn{ctx: ctx, conn: conn.Conn(), write: true, hook: s.hook, spAt: -1, trips: &s.commit.trips, shared: &s.cache,
		prune: s.commit.commits.Load()%pruneEvery == pruneEvery-1}
	defer func() {
		t.end() // rolls back what an error or a panic left open
		conn.Release()
	}()
	for _, w := range batch {
		w.err, w.fnFailed, w.panic = nil, false, nil
		if s.Rehearse {
			// Tests: run it once more first and roll that back, so that an
			// update that is not safe to run twice shows up.
			t.savepoint()
			_, _ = call(w.fn, t)
			if err := t.rollback(); err != nil {
				return err
			}
		}
		t.savepoint()
		p, err := call(w.fn, t)
		switch {
		case p != nil:
			w.panic, w.fnFailed = p, true
			if err := t.rollback(); err != nil {
				return err
			}
		case err != nil && isTransactionError(err):
			// The database failed the transaction itself: the whole batch
			// is the retry policy's.
			return err
		case err != nil:
			w.err, w.fnFailed = err, true
			if err := t.rollback(); err != nil {
				return err
			}
		default:
			t.release()
		}
	}
	err = t.commit()
	s.commit.lockWait.Add(int64(t.waited))
	if err != nil && t.commitSent && interrupted(err) {
		return s.settle(t.xid, err)
	}
	return err
}

// call runs fn, turning a panic into a value.
func call(fn func(bot.Tx) error, t *txn) (p any, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = r
		}
	}()
	return nil, fn(t)
}

// Stats are the write path's counters since the store was opened.
type Stats struct {
	Commits, Updates int64 // transactions committed and the updates in them
	Conflicts        int64 // transactions run again after a conflict or an aborted transaction
	Reruns           int64 // transactions run again after a lost connection
	Settled          int64 // lost commits whose outcome was looked up
	LockWait         time.Duration
	// Views and their round trips, and the write transactions' round
	// trips: what a command costs the database.
	Views, ReadTrips, WriteTrips int64
	// CacheHits and CacheMisses count reads answered from this replica's
	// memory and from the database (cache.go).
	CacheHits, CacheMisses int64
}

// Stats says how the write path has done.
func (s *Store) Stats() Stats {
	c := &s.commit
	return Stats{Commits: c.commits.Load(), Updates: c.updates.Load(), Conflicts: c.conflicts.Load(), Reruns: c.reruns.Load(),
		Settled: s.settled.Load(), LockWait: time.Duration(c.lockWait.Load()),
		Views: s.views.Load(), ReadTrips: s.readTrips.Load(), WriteTrips: c.trips.Load(),
		CacheHits: s.cache.hits.Load(), CacheMisses: s.cache.misses.Load()}
}

// isTransactionError reports whether err, returned by an update's
// function, is the database failing the transaction (a lost connection,
// a conflict) rather than the update refusing.
func isTransactionError(err error) bool {
	var be *bot.Error
	if errors.As(err, &be) || errors.Is(err, bot.ErrNotFound) {
		return false
	}
	return interrupted(err) || retryable(err)
}
