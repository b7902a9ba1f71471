package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// Destination is where an outbox item goes: a channel, or a user's direct
// messages when User is set.
type Destination struct {
	Platform PlatformID `json:"platform"`
	Channel  string     `json:"channel,omitempty"`
	User     string     `json:"user,omitempty"`
}

func (d Destination) key() string {
	if d.User != "" {
		return string(d.Platform) + ":@" + d.User
	}
	return string(d.Platform) + ":" + d.Channel
}

// OutboxItem is one outbound message, written in the same transaction as
// the state change that caused it.
type OutboxItem struct {
	Seq uint64 `json:"seq"`
	// Key makes enqueueing idempotent: a second item with the same key is
	// dropped.
	Key string      `json:"key"`
	To  Destination `json:"to"`
	// Ref names the delivered post so later items can update it or reply
	// in its thread.
	Ref string `json:"ref,omitempty"`
	// UpdateRef, when set, makes this item an edit of that earlier post.
	UpdateRef string `json:"update_ref,omitempty"`
	// ThreadRef, when set, posts this item as a reply in that post's thread.
	ThreadRef string  `json:"thread_ref,omitempty"`
	Message   Message `json:"message"`
	// File, when set, is sent as an attachment with Message as its comment.
	File      *File     `json:"file,omitempty"`
	Attempts  int       `json:"attempts,omitempty"`
	NotBefore time.Time `json:"not_before"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// PostRef is a delivered post that later items can refer to.
type PostRef struct {
	Platform PlatformID `json:"platform"`
	Channel  string     `json:"channel"`
	ID       string     `json:"id"`
}

func refKey(ref string, d Destination) string { return ref + "|" + d.key() }

// enqueue stores item in tx unless an item with the same key exists.
func enqueue(tx Tx, now time.Time, item OutboxItem) error {
	if item.Key == "" {
		return errors.New("outbox item without key")
	}
	var seq uint64
	if err := tx.Get(BucketOutboxKeys, item.Key, &seq); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	seq, err := tx.NextSeq(BucketOutbox)
	if err != nil {
		return err
	}
	item.Seq, item.CreatedAt, item.NotBefore = seq, now, now
	if err := tx.Put(BucketOutboxKeys, item.Key, seq); err != nil {
		return err
	}
	if err := tx.Put(BucketOutboxDest, destIndex(item), seq); err != nil {
		return err
	}
	return tx.Put(BucketOutbox, SeqKey(seq), item)
}

// destIndex is an item's key in BucketOutboxDest: destination, then
// sequence, so each destination's items sort in order.
func destIndex(it OutboxItem) string { return it.To.key() + "|" + SeqKey(it.Seq) }

// removeItem takes a delivered or dead item out of the outbox.
func removeItem(tx Tx, it OutboxItem) error {
	if err := tx.Delete(BucketOutboxDest, destIndex(it)); err != nil {
		return err
	}
	return tx.Delete(BucketOutbox, SeqKey(it.Seq))
}

// Outbox delivers enqueued items after commit: in order per destination,
// each platform on its own so one outage does not hold up the other, with
// exponential backoff and the platform's Retry-After. One worker (Run, or
// one caller of DeliverDue at a time) serves a store; the store's file lock
// keeps a second process away.
type Outbox struct {
	Store     Store
	Clock     Clock
	Platforms map[PlatformID]Platform
	Log       *slog.Logger
	// Timeout bounds one delivery attempt (default 15 s).
	Timeout time.Duration
	// Observe, when set, is told the outcome of every attempt.
	Observe func(p PlatformID, err error)

	once sync.Once
	wake chan struct{}
}

// Backoff is the wait before attempt n+1 after n failed attempts.
func Backoff(n int) time.Duration {
	d := time.Second << min(n, 9) // 1 s … 512 s
	return min(d, 5*time.Minute)
}

func (o *Outbox) init() {
	o.once.Do(func() { o.wake = make(chan struct{}, 1) })
}

// Notify wakes the worker; services call it after a commit that enqueued.
func (o *Outbox) Notify() {
	o.init()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Pending returns the items not yet delivered, oldest first.
func (o *Outbox) Pending() ([]OutboxItem, error) {
	var out []OutboxItem
	err := o.Store.View(func(tx Tx) error {
		return tx.ForEach(BucketOutbox, "", func(_ string, decode func(any) error) error {
			var it OutboxItem
			if err := decode(&it); err != nil {
				return err
			}
			out = append(out, it)
			return nil
		})
	})
	return out, err
}

// PendingCount is how many items wait, without reading them.
func (o *Outbox) PendingCount() (int, error) {
	n := 0
	err := o.Store.View(func(tx Tx) error {
		return tx.ForEach(BucketOutboxDest, "", func(string, func(any) error) error { n++; return nil })
	})
	return n, err
}

// heads returns the oldest waiting item of every destination: only these
// can be delivered next, since each destination is served in order. It
// reads one item per destination, however long the backlog.
func (o *Outbox) heads() ([]OutboxItem, error) {
	var out []OutboxItem
	err := o.Store.View(func(tx Tx) error {
		from := ""
		for {
			var seq uint64
			dest := ""
			err := tx.ForEach(BucketOutboxDest, from, func(k string, decode func(any) error) error {
				dest, _, _ = cutLast(k, "|")
				return errors.Join(decode(&seq), ErrStop)
			})
			if err != nil && !errors.Is(err, ErrStop) {
				return err
			}
			if dest == "" {
				return nil
			}
			var it OutboxItem
			if err := tx.Get(BucketOutbox, SeqKey(seq), &it); err != nil {
				return fmt.Errorf("outbox index points at missing item %d: %w", seq, err)
			}
			out = append(out, it)
			from = dest + "|~" // past every sequence number of this destination
		}
	})
	return out, err
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// next returns a destination's oldest waiting item.
func (o *Outbox) next(d Destination) (OutboxItem, bool, error) {
	var it OutboxItem
	found := false
	err := o.Store.View(func(tx Tx) error {
		prefix := d.key() + "|"
		var seq uint64
		err := tx.ForEach(BucketOutboxDest, prefix, func(k string, decode func(any) error) error {
			if strings.HasPrefix(k, prefix) {
				found = true
				if err := decode(&seq); err != nil {
					return err
				}
			}
			return ErrStop
		})
		if err != nil || !found {
			return err
		}
		return tx.Get(BucketOutbox, SeqKey(seq), &it)
	})
	return it, found, err
}

// DeliverDue attempts every item that is due now and returns when the next
// waiting item becomes due (zero when none waits).
func (o *Outbox) DeliverDue(ctx context.Context) (time.Time, error) {
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
	var wg sync.WaitGroup
	for p, its := range byPlatform {
		plat := o.Platforms[p]
		if plat == nil {
			continue // not configured here; kept until it is
		}
		slices.SortFunc(its, func(a, b OutboxItem) int { return cmp.Compare(a.Seq, b.Seq) })
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, head := range its {
				n := o.deliverDest(ctx, plat, head.To)
				mu.Lock()
				if !n.IsZero() && (next.IsZero() || n.Before(next)) {
					next = n
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return next, nil
}

// deliverDest delivers one destination's items in order until one must
// wait; it returns when to come back (zero when none waits).
func (o *Outbox) deliverDest(ctx context.Context, plat Platform, d Destination) time.Time {
	for ctx.Err() == nil {
		it, ok, err := o.next(d)
		if err != nil {
			o.log().Error("outbox: reading", "to", d.key(), "err", err)
			return o.Clock.Now().Add(time.Second)
		}
		if !ok {
			return time.Time{}
		}
		if it.NotBefore.After(o.Clock.Now()) {
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
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 15 * time.Second
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ref, err := o.send(actx, plat, it)
	if o.Observe != nil {
		o.Observe(it.To.Platform, err)
	}
	now := o.Clock.Now()
	if err == nil {
		err = o.Store.Update(func(tx Tx) error {
			if it.Ref != "" {
				if err := tx.Put(BucketRefs, refKey(it.Ref, it.To), ref); err != nil {
					return err
				}
			}
			return removeItem(tx, it)
		})
		if err != nil {
			o.log().Error("outbox: recording delivery", "seq", it.Seq, "err", err)
			return now.Add(time.Second), false
		}
		return time.Time{}, true
	}
	if errors.Is(err, errRefPending) {
		return now.Add(time.Second), false
	}
	it.Attempts++
	it.LastError = err.Error()
	if IsPermanent(err) || errors.Is(err, errRefMissing) {
		o.log().Error("outbox: giving up on message", "seq", it.Seq, "key", it.Key, "to", it.To.key(), "err", err)
		_ = o.Store.Update(func(tx Tx) error {
			if err := tx.Put(BucketOutboxDead, SeqKey(it.Seq), it); err != nil {
				return err
			}
			return removeItem(tx, it)
		})
		return time.Time{}, true
	}
	wait := Backoff(it.Attempts - 1)
	var ra *RetryAfterError
	if errors.As(err, &ra) && ra.After > 0 {
		wait = ra.After
	}
	it.NotBefore = now.Add(wait)
	o.log().Warn("outbox: delivery failed, will retry", "seq", it.Seq, "to", it.To.key(), "attempt", it.Attempts, "retry_in", wait, "err", err)
	if uerr := o.Store.Update(func(tx Tx) error { return tx.Put(BucketOutbox, SeqKey(it.Seq), it) }); uerr != nil {
		o.log().Error("outbox: recording failure", "seq", it.Seq, "err", uerr)
	}
	return it.NotBefore, false
}

var (
	errRefPending = errors.New("referenced post not delivered yet")
	errRefMissing = errors.New("referenced post is unknown")
)

func (o *Outbox) lookupRef(ref string, d Destination) (PostRef, error) {
	var pr PostRef
	err := o.Store.View(func(tx Tx) error { return tx.Get(BucketRefs, refKey(ref, d), &pr) })
	if errors.Is(err, ErrNotFound) {
		// Still waiting in this destination's queue, or never sent?
		pending := false
		prefix := d.key() + "|"
		_ = o.Store.View(func(tx Tx) error {
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
	pr := PostRef{Platform: it.To.Platform, Channel: it.To.Channel}
	switch {
	case it.File != nil:
		fs, ok := plat.(FileSender)
		if !ok {
			return pr, &PermanentError{Err: fmt.Errorf("%s cannot send files", it.To.Platform)}
		}
		ch, id, err := fs.SendFile(ctx, it.Key, it.To, *it.File, it.Message)
		pr.Channel, pr.ID = ch, id
		return pr, err
	case it.UpdateRef != "":
		old, err := o.lookupRef(it.UpdateRef, it.To)
		if err != nil {
			return pr, err
		}
		return old, plat.Update(ctx, old.Channel, old.ID, it.Message)
	case it.To.User != "":
		ch, id, err := plat.DirectMessage(ctx, it.Key, it.To.User, it.Message)
		pr.Channel, pr.ID = ch, id
		return pr, err
	default:
		thread := ""
		if it.ThreadRef != "" {
			root, err := o.lookupRef(it.ThreadRef, it.To)
			if err != nil {
				return pr, err
			}
			thread = root.ID
		}
		id, err := plat.Post(ctx, it.Key, it.To.Channel, thread, it.Message)
		pr.ID = id
		return pr, err
	}
}

// Run delivers until ctx ends, waking on Notify and when retries fall due.
func (o *Outbox) Run(ctx context.Context) {
	o.init()
	for {
		next, err := o.DeliverDue(ctx)
		if err != nil {
			o.log().Error("outbox", "err", err)
			next = o.Clock.Now().Add(time.Second)
		}
		wait := 30 * time.Second // safety net
		if !next.IsZero() {
			wait = max(next.Sub(o.Clock.Now()), 10*time.Millisecond)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-o.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Flush tries once more to deliver everything due, for shutdown.
func (o *Outbox) Flush(ctx context.Context) error {
	_, err := o.DeliverDue(ctx)
	return err
}

func (o *Outbox) log() *slog.Logger {
	if o.Log == nil {
		return slog.Default()
	}
	return o.Log
}

// String describes an item for logs and the terminal.
func (it OutboxItem) String() string {
	return fmt.Sprintf("#%d %s → %s", it.Seq, it.Key, it.To.key())
}
