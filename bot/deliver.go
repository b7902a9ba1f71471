package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// DeliverDue attempts every item that is due now and returns when the next
// waiting item becomes due (zero when none waits). Each platform is served
// on its own, by up to Workers goroutines, each taking destinations in the
// order their next items were queued (urgent ones first), so the first
// call-ins of a fan-out go out first; a destination's items go in order.
func (o *Outbox) DeliverDue(ctx context.Context) (time.Time, error) {
	ctx = Delivering(ctx, false)
	heads, err := o.heads()
	if err != nil {
		return time.Time{}, err
	}
	byPlatform := map[PlatformID][]OutboxItem{}
	for _, it := range heads {
		byPlatform[it.To.Platform] = append(byPlatform[it.To.Platform], it)
	}
	var mu sync.Mutex
	var next time.Time
	note := func(t time.Time) {
		mu.Lock()
		defer mu.Unlock()
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	now := o.k.Clock.Now()
	var wg sync.WaitGroup
	for p, its := range byPlatform {
		plat := o.Platforms[p]
		if plat == nil {
			continue // not configured here; kept until it is
		}
		if until := o.pausedUntil(p); until.After(now) {
			note(until)
			continue
		}
		slices.SortFunc(its, func(a, b OutboxItem) int {
			if a.Urgent != b.Urgent {
				if a.Urgent {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.Seq, b.Seq)
		})
		if prep, ok := plat.(Preparer); ok {
			var users []string
			for _, it := range its {
				if it.To.User != "" && !it.NotBefore.After(now) {
					users = append(users, it.To.User)
				}
			}
			if len(users) > 0 {
				prep.Prepare(ctx, users)
			}
		}
		queue := make(chan Destination, len(its))
		for _, it := range its {
			queue <- it.To
		}
		close(queue)
		workers := o.Workers
		if workers <= 0 {
			workers = 8
		}
		for range min(workers, len(its)) {
			wg.Go(func() {
				for d := range queue {
					note(o.deliverDest(ctx, plat, d))
				}
			})
		}
	}
	wg.Wait()
	return next, nil
}

// deliverDest delivers one destination's items in order until one must
// wait; it returns when to come back (zero when none waits, or when
// another pass serves the destination).
func (o *Outbox) deliverDest(ctx context.Context, plat Platform, d Destination) time.Time {
	if !o.claim(d) {
		return time.Time{}
	}
	defer o.release(d)
	for ctx.Err() == nil {
		if until := o.pausedUntil(d.Platform); until.After(o.k.Clock.Now()) {
			return until
		}
		it, ok, err := o.next(d)
		if err != nil {
			o.log().Error("outbox: reading", "to", d.key(), "err", err)
			return o.k.Clock.Now().Add(time.Second)
		}
		if !ok {
			return time.Time{}
		}
		if it.NotBefore.After(o.k.Clock.Now()) {
			return it.NotBefore
		}
		if retryAt, done := o.attempt(ctx, plat, it); !done {
			return retryAt
		}
	}
	return time.Time{}
}

// attempt delivers one item and records the outcome. It returns false and
// when to retry when the item is still pending.
func (o *Outbox) attempt(ctx context.Context, plat Platform, it OutboxItem) (time.Time, bool) {
	actx, cancel := context.WithTimeout(ctx, o.timeout())
	defer cancel()
	if it.Urgent {
		actx = Delivering(actx, true)
	}
	if it.Attempts > 0 || (it.CreatedAt.Before(o.started) && o.firstFor(it.To)) {
		// Only the first item of a destination can have been on its way
		// when the process before died: the rest were waiting behind it.
		actx = Resending(actx)
	}
	if o.Claims != nil {
		wait, before, err := o.claimItem(it)
		switch {
		case errors.Is(err, ErrNotFound):
			o.forget(it.Seq)
			return time.Time{}, true // another replica delivered it
		case err != nil:
			o.log().Error("outbox: claiming", "seq", it.Seq, "err", err)
			return o.k.Clock.Now().Add(time.Second), false
		case !wait.IsZero():
			return wait, false
		case before:
			actx = Resending(actx)
		}
	}
	var view drawn
	if it.Render != nil {
		var err error
		view, err = o.draw(it)
		it.Message = view.msg
		if errors.Is(err, errSuperseded) {
			o.log().Info("outbox: view superseded, not sent", "seq", it.Seq, "key", it.Key)
			if err := o.k.Store.Update(func(tx Tx) error { return removeItem(tx, it) }); err != nil {
				return o.k.Clock.Now().Add(time.Second), false
			}
			o.forget(it.Seq)
			return time.Time{}, true
		}
		if err != nil {
			return o.failed(it, err)
		}
	}
	if it.Recheck {
		refused, readers, err := o.recheck(actx, it)
		if err != nil {
			return o.failed(it, err)
		}
		if refused != nil {
			o.withhold(ctx, it, readers, refused)
			return time.Time{}, true
		}
	}
	if o.Claims != nil && o.Claims.Leading != nil && !o.Claims.Leading() {
		return o.k.Clock.Now().Add(time.Second), false // errNotLeading: the new leader sends it
	}
	ref, err := o.send(actx, plat, it)
	if o.Observe != nil {
		o.Observe(it.To.Platform, err)
	}
	now := o.k.Clock.Now()
	if err == nil {
		again := false
		err = o.k.Store.Update(func(tx Tx) error {
			// An edit may change a message's parts: later edits and
			// replies find the parts as they are now.
			for _, name := range []string{it.Ref, it.UpdateRef} {
				if name != "" {
					if err := tx.Put(BucketRefs, refKey(name, it.To), ref); err != nil {
						return err
					}
				}
			}
			if it.Latest != "" {
				// A change rode on this view while it was being
				// delivered: it stays, to be drawn and delivered again
				// (a list from where this one ended).
				g, err := latestGen(tx, it.Latest, it.Seq)
				if again = g != view.gen; again || err != nil {
					if again && view.next != nil {
						it.Render = view.next
						err = tx.Put(BucketOutbox, SeqKey(it.Seq), it)
					}
					return err
				}
			}
			return removeItem(tx, it)
		})
		if err != nil {
			o.log().Error("outbox: recording delivery", "seq", it.Seq, "err", err)
			return now.Add(time.Second), false
		}
		if again {
			return now, false
		}
		o.forget(it.Seq)
		return time.Time{}, true
	}
	if errors.Is(err, errRefPending) {
		return now.Add(time.Second), false
	}
	return o.failed(it, err)
}

// timeout bounds one delivery attempt.
func (o *Outbox) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return 15 * time.Second
}

// failed records a failed attempt, in memory: a permanent failure (or a
// settling one that did not settle) sets the item aside; anything else
// waits for its backoff or, for a Retry-After, holds every delivery to the
// platform for that long, since the limit it names covers them all.
func (o *Outbox) failed(it OutboxItem, err error) (time.Time, bool) {
	now := o.k.Clock.Now()
	it.Attempts++
	it.LastError = err.Error()
	var settling *SettlingError
	if errors.As(err, &settling) {
		if it.Attempts >= MaxSettling {
			o.giveUp(it, err)
			return time.Time{}, true
		}
	} else if IsPermanent(err) || errors.Is(err, errRefMissing) {
		o.giveUp(it, err)
		return time.Time{}, true
	}
	wait := Backoff(it.Attempts - 1)
	var ra *RetryAfterError
	if errors.As(err, &ra) && ra.After > 0 {
		wait = ra.After
	}
	r := retry{Attempts: it.Attempts, NotBefore: now.Add(wait), LastError: err.Error()}
	o.mu.Lock()
	if o.retries == nil {
		o.retries, o.paused = map[uint64]retry{}, map[PlatformID]time.Time{}
	}
	o.retries[it.Seq] = r
	if ra != nil && r.NotBefore.After(o.paused[it.To.Platform]) {
		o.paused[it.To.Platform] = r.NotBefore
	}
	o.mu.Unlock()
	o.log().Warn("outbox: delivery failed, will retry", "seq", it.Seq, "to", it.To.key(), "attempt", it.Attempts, "retry_in", wait, "err", err)
	return r.NotBefore, false
}

var (
	errRefPending = errors.New("referenced post not delivered yet")
	errRefMissing = errors.New("referenced post is unknown")
)

func (o *Outbox) lookupRef(ref string, d Destination) (PostRef, error) {
	var pr PostRef
	err := o.k.Store.View(func(tx Tx) error { return tx.Get(BucketRefs, refKey(ref, d), &pr) })
	if errors.Is(err, ErrNotFound) {
		// Still waiting in this destination's queue, or never sent?
		pending := false
		prefix := d.key() + "|"
		_ = o.k.Store.View(func(tx Tx) error {
			return tx.ForEach(BucketOutboxDest, prefix, func(k string, decode func(any) error) error {
				if !strings.HasPrefix(k, prefix) {
					return ErrStop
				}
				var seq uint64
				var it OutboxItem
				if decode(&seq) == nil && tx.Get(BucketOutbox, SeqKey(seq), &it) == nil && it.Ref == ref {
					pending = true
					return ErrStop
				}
				return nil
			})
		})
		if pending {
			return pr, errRefPending
		}
		return pr, errRefMissing
	}
	return pr, err
}

func (o *Outbox) send(ctx context.Context, plat Platform, it OutboxItem) (PostRef, error) {
	switch {
	case it.File != nil:
		fs, ok := plat.(FileSender)
		if !ok {
			return PostRef{}, &PermanentError{Err: fmt.Errorf("%s cannot send files", it.To.Platform)}
		}
		ch, id, err := fs.SendFile(ctx, it.Key, it.To, *it.File, it.Message)
		return refOf(it.To.Platform, ch, []string{id}), err
	case it.UpdateRef != "":
		old, err := o.lookupRef(it.UpdateRef, it.To)
		if err != nil {
			return PostRef{}, err
		}
		ids, err := plat.Update(ctx, it.Key, old.Channel, old.ids(), it.Message)
		return refOf(old.Platform, old.Channel, ids), err
	case it.To.User != "":
		ch, ids, err := plat.DirectMessage(ctx, it.Key, it.To.User, it.Message)
		return refOf(it.To.Platform, ch, ids), err
	default:
		thread := ""
		if it.ThreadRef != "" {
			root, err := o.lookupRef(it.ThreadRef, it.To)
			if err != nil {
				return PostRef{}, err
			}
			thread = root.ID
		}
		ids, err := plat.Post(ctx, it.Key, it.To.Channel, thread, it.Message)
		return refOf(it.To.Platform, it.To.Channel, ids), err
	}
}
