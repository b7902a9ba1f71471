package bolt

import (
	"errors"
	"fmt"
	"sync/atomic"

	bbolt "go.etcd.io/bbolt"

	"samverkan/bot"
	"samverkan/store/internal/group"
)

// MaxBatch bounds how many updates share one write transaction.
const MaxBatch = 256

// writer is one Update waiting for its commit.
type writer struct {
	fn       func(bot.Tx) error
	err      error
	fnFailed bool // the error is fn's own: rolled back
	panic    any
}

// committer is group commit: updates that arrive while a commit is being
// written and synced wait in a queue, and the first of them then commits
// them all in one transaction and one fsync. Nobody waits for a batch to
// fill: an update that finds the queue empty commits at once, alone.
//
// A failed update fails alone. One that fails before it has written
// anything is simply left out; one that fails after writing rolls the
// shared transaction back, the others run again without it, and it runs
// once more by itself after them (as bbolt's Batch does), so its outcome
// is that of running after them. Update functions must therefore have no
// effects outside the transaction that a second run would repeat.
type committer struct {
	queue group.Queue[*writer]
	// commits and updates count transactions and the updates they held.
	commits, updates atomic.Int64
}

// errAbort rolls a shared transaction back after a member wrote and failed.
var errAbort = errors.New("batch member failed after writing")

// update runs fn in a shared write transaction and returns once that
// transaction is durable (or has failed).
func (s *Store) update(fn func(bot.Tx) error) error {
	w := &writer{fn: fn}
	s.commit.queue.Do(w, MaxBatch, s.commitBatch)
	if w.panic != nil {
		panic(w.panic)
	}
	return w.err
}

// commitBatch commits the batch's updates, setting each one's outcome.
func (s *Store) commitBatch(batch []*writer) {
	run := batch
	var solo []*writer
	for len(run) > 0 {
		var failed *writer
		err := s.db.Update(func(tx *bbolt.Tx) error {
			for _, w := range run {
				t := &txn{tx: tx}
				w.panic, w.err = call(w.fn, t)
				if (w.err != nil || w.panic != nil) && t.dirty {
					failed = w
					return errAbort
				}
			}
			return nil
		})
		if failed != nil {
			solo = append(solo, failed)
			run = without(run, failed)
			continue
		}
		s.commit.commits.Add(1)
		s.commit.updates.Add(int64(len(run)))
		for _, w := range run {
			if err != nil && w.err == nil && w.panic == nil {
				// The commit itself failed: whether its last write reached
				// the disk (the meta page) cannot be told from here.
				w.err = fmt.Errorf("%w: %w", bot.ErrOutcomeUnknown, err)
			}
		}
		break
	}
	for _, w := range solo {
		err := s.db.Update(func(tx *bbolt.Tx) error {
			var err error
			w.panic, err = call(w.fn, &txn{tx: tx})
			if w.panic != nil {
				return errAbort
			}
			w.fnFailed = err != nil
			return err
		})
		if w.panic == nil {
			w.err = err
			if err != nil && !w.fnFailed {
				w.err = fmt.Errorf("%w: %w", bot.ErrOutcomeUnknown, err)
			}
		}
		s.commit.commits.Add(1)
		s.commit.updates.Add(1)
	}
}

// call runs fn, turning a panic into a value the owner re-panics with.
func call(fn func(bot.Tx) error, t *txn) (p any, err error) {
	defer func() {
		if r := recover(); r != nil {
			p = r
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return nil, fn(t)
}

func without(ws []*writer, w *writer) []*writer {
	out := make([]*writer, 0, len(ws)-1)
	for _, x := range ws {
		if x != w {
			out = append(out, x)
		}
	}
	return out
}

// CommitStats says how many write transactions were committed and how
// many updates they held (updates/commits is the mean batch size).
func (s *Store) CommitStats() (commits, updates int64) {
	return s.commit.commits.Load(), s.commit.updates.Load()
}
