// Package group is the queue of group commit, shared by the stores:
// updates that arrive while a batch is being committed wait, and the
// first of them then commits them all in one transaction. Nobody waits
// for a batch to fill: an update that finds the queue empty is committed
// at once, alone.
package group

import "sync"

// Queue holds the updates waiting for their commit.
type Queue[W any] struct {
	mu      sync.Mutex
	waiting []*slot[W]
}

type slot[W any] struct {
	w    W
	done bool
	wake chan struct{}
}

// Do queues w and returns once a batch holding it has been committed. The
// first in the queue calls commit with up to max of the waiting updates
// (itself first) and then wakes them and the next batch's leader; commit
// sets each update's outcome in its W.
func (q *Queue[W]) Do(w W, max int, commit func(batch []W)) {
	me := &slot[W]{w: w, wake: make(chan struct{}, 1)}
	q.mu.Lock()
	q.waiting = append(q.waiting, me)
	lead := len(q.waiting) == 1
	q.mu.Unlock()
	if !lead {
		<-me.wake
	}
	if me.done {
		return // committed in a batch another update led
	}
	q.mu.Lock()
	batch := append([]*slot[W](nil), q.waiting[:min(len(q.waiting), max)]...)
	q.mu.Unlock()
	ws := make([]W, len(batch))
	for i, s := range batch {
		ws[i] = s.w
	}
	commit(ws)
	q.mu.Lock()
	q.waiting = q.waiting[len(batch):]
	var next *slot[W]
	if len(q.waiting) > 0 {
		next = q.waiting[0]
	}
	q.mu.Unlock()
	for _, s := range batch {
		s.done = true
		if s != me {
			s.wake <- struct{}{}
		}
	}
	if next != nil {
		next.wake <- struct{}{} // the next batch's leader
	}
}

// Len is how many updates wait, the batch being committed included.
func (q *Queue[W]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting)
}
