package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	ThreadRef string `json:"thread_ref,omitempty"`
	// Class is the message's classification, set and checked by the gate.
	Class   Class   `json:"class"`
	Message Message `json:"message"`
	// Recheck asks the outbox to apply the gate once more, with the
	// channel's readers as they are just before delivery.
	Recheck bool `json:"recheck,omitempty"`
	// Cause is the member whose action made the message; they are told
	// when it cannot be delivered.
	Cause string `json:"cause,omitempty"`
	// Render, when set, makes the message a view drawn at delivery from
	// state as it is then (Message is not used).
	Render *Render `json:"render,omitempty"`
	// Latest, when set, lets later changes ride on this item while it
	// waits: enqueueing another item with the same Latest key then queues
	// nothing, since this one, drawn at delivery, will show them.
	Latest string `json:"latest,omitempty"`
	// Urgent items go ahead of the others waiting for the same
	// destination: call-ins, the agenda at its minute, answers people wait
	// for. Only an item that refers to no other post can be urgent.
	Urgent bool `json:"urgent,omitempty"`
	// File, when set, is sent as an attachment with Message as its comment.
	File      *File     `json:"file,omitempty"`
	Attempts  int       `json:"attempts,omitempty"`
	NotBefore time.Time `json:"not_before"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// PostRef is a delivered message that later items can refer to: its
// channel and the IDs of its posts, one per part.
type PostRef struct {
	Platform PlatformID `json:"platform"`
	Channel  string     `json:"channel"`
	// ID is the first part: the thread root, what people see first.
	ID    string   `json:"id"`
	Parts []string `json:"parts,omitempty"`
}

// ids are every part's ID (records from before parts were kept have the
// first only).
func (r PostRef) ids() []string {
	if len(r.Parts) > 0 {
		return r.Parts
	}
	if r.ID != "" {
		return []string{r.ID}
	}
	return nil
}

func refOf(p PlatformID, channel string, ids []string) PostRef {
	r := PostRef{Platform: p, Channel: channel, Parts: ids}
	if len(ids) > 0 {
		r.ID = ids[0]
	}
	return r
}

func refKey(ref string, d Destination) string { return ref + "|" + d.key() }

// enqueue stores item in tx unless an item with the same key exists.
func enqueue(tx Tx, now time.Time, item OutboxItem) error {
	if item.Key == "" {
		return errors.New("outbox item without key")
	}
	if item.Latest != "" {
		if rode, err := rideOn(tx, item); rode || err != nil {
			return err
		}
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
	if item.Latest != "" {
		if err := tx.Put(BucketOutboxLatest, item.Latest, latest{Seq: seq}); err != nil {
			return err
		}
	}
	return tx.Put(BucketOutbox, SeqKey(seq), item)
}

// destIndex is an item's key in BucketOutboxDest: destination, lane
// ("a" urgent, "b" the others), then sequence, so each destination's
// items sort in the order they go.
func destIndex(it OutboxItem) string {
	lane := "b"
	if it.Urgent {
		lane = "a"
	}
	return it.To.key() + "|" + lane + SeqKey(it.Seq)
}

// laneDestIndex gives BucketOutboxDest keys written before lanes their
// lane; run once by Start.
func laneDestIndex(tx Tx) error {
	var old []string
	err := tx.ForEach(BucketOutboxDest, "", func(k string, _ func(any) error) error {
		if _, tail, _ := cutLast(k, "|"); tail != "" && tail[0] >= '0' && tail[0] <= '9' {
			old = append(old, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		var seq uint64
		if err := tx.Get(BucketOutboxDest, k, &seq); err != nil {
			return err
		}
		dest, tail, _ := cutLast(k, "|")
		if err := tx.Delete(BucketOutboxDest, k); err != nil {
			return err
		}
		if err := tx.Put(BucketOutboxDest, dest+"|b"+tail, seq); err != nil {
			return err
		}
	}
	return nil
}

// removeItem takes a delivered or dead item out of the outbox.
func removeItem(tx Tx, it OutboxItem) error {
	if err := tx.Delete(BucketOutboxDest, destIndex(it)); err != nil {
		return err
	}
	if it.Latest != "" {
		var l latest
		err := tx.Get(BucketOutboxLatest, it.Latest, &l)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return err // the store failed: the whole change fails, and is retried or reported
		case l.Seq == it.Seq:
			if err := tx.Delete(BucketOutboxLatest, it.Latest); err != nil {
				return err
			}
		}
	}
	if err := tx.Delete(BucketOutboxClaims, SeqKey(it.Seq)); err != nil {
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
	k         *core
	Platforms map[PlatformID]Platform
	// Timeout bounds one delivery attempt (default 15 s).
	Timeout time.Duration
	// Workers is how many destinations of one platform are served at
	// once (default 8); each destination is served by one at a time.
	Workers int
	// Observe, when set, is told the outcome of every attempt.
	Observe func(p PlatformID, err error)
	// Claims, when set, claims each item in the store before it is sent
	// (a store shared by replicas).
	Claims *Claims

	drawers map[string]drawer
	// meetings handles a meeting's post the re-check refused
	// (Conferences.withheldMeeting).
	meetings func(ch *Change, it OutboxItem, readers []string, why *Error) (bool, error)
	started  time.Time // when this process began delivering
	once     sync.Once
	wake     chan struct{}

	// Failed attempts are kept in memory, not written: a retry costs no
	// commit. After a restart every waiting item is tried at once.
	mu      sync.Mutex
	retries map[uint64]retry
	paused  map[PlatformID]time.Time
	touched map[string]bool // destinations attempted by this process
	claimed map[string]bool // destinations a pass serves now: true if another pass passed it by
}

// claim reserves destination d for the calling pass; false when another
// pass serves it (and will take what is new there, in order).
func (o *Outbox) claim(d Destination) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.claimed[d.key()]; ok {
		o.claimed[d.key()] = true
		return false
	}
	if o.claimed == nil {
		o.claimed = map[string]bool{}
	}
	o.claimed[d.key()] = false
	return true
}

// release ends a pass's claim on d; if another pass passed d by meanwhile,
// what it came for may have been queued after the claimant last looked,
// so the outbox goes round once more.
func (o *Outbox) release(d Destination) {
	o.mu.Lock()
	passedBy := o.claimed[d.key()]
	delete(o.claimed, d.key())
	o.mu.Unlock()
	if passedBy {
		o.Notify()
	}
}

// retry is what the outbox remembers of an item's failed attempts.
type retry struct {
	Attempts  int
	NotBefore time.Time
	LastError string
}

// withRetry overlays what is remembered of it's failed attempts.
func (o *Outbox) withRetry(it OutboxItem) OutboxItem {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r, ok := o.retries[it.Seq]; ok {
		it.Attempts, it.NotBefore, it.LastError = r.Attempts, r.NotBefore, r.LastError
	}
	return it
}

// forget drops what is remembered of a delivered or dead item.
func (o *Outbox) forget(seq uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.retries, seq)
}

// firstFor reports whether this is the first attempt this process makes
// for destination d.
func (o *Outbox) firstFor(d Destination) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.touched == nil {
		o.touched = map[string]bool{}
	}
	first := !o.touched[d.key()]
	o.touched[d.key()] = true
	return first
}

// pausedUntil is when a platform that named a Retry-After may be called
// again.
func (o *Outbox) pausedUntil(p PlatformID) time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.paused[p]
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
	err := o.k.Store.View(func(tx Tx) error {
		return tx.ForEach(BucketOutbox, "", func(_ string, decode func(any) error) error {
			var it OutboxItem
			if err := decode(&it); err != nil {
				return err
			}
			out = append(out, o.withRetry(it))
			return nil
		})
	})
	return out, err
}

// PendingCount is how many items wait, without reading them.
func (o *Outbox) PendingCount() (int, error) {
	n := 0
	err := o.k.Store.View(func(tx Tx) error {
		return tx.ForEach(BucketOutboxDest, "", func(string, func(any) error) error { n++; return nil })
	})
	return n, err
}

// Lag is how long the oldest waiting item has waited (0 when none waits):
// how far delivery is behind.
func (o *Outbox) Lag() (time.Duration, error) {
	var oldest OutboxItem
	found := false
	err := o.k.Store.View(func(tx Tx) error {
		return tx.ForEach(BucketOutbox, "", func(_ string, decode func(any) error) error {
			found = true
			return errors.Join(decode(&oldest), ErrStop)
		})
	})
	if err != nil || !found {
		return 0, err
	}
	return max(o.k.Clock.Now().Sub(oldest.CreatedAt), 0), nil
}

// heads returns the oldest waiting item of every destination: only these
// can be delivered next, since each destination is served in order. It
// reads one item per destination, however long the backlog.
func (o *Outbox) heads() ([]OutboxItem, error) {
	var out []OutboxItem
	err := o.k.Store.View(func(tx Tx) error {
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
			out = append(out, o.withRetry(it))
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
	err := o.k.Store.View(func(tx Tx) error {
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
	return o.withRetry(it), found, err
}

// Run delivers until ctx ends, waking on Notify and when retries fall
// due. A pass can last while a platform's rate limit holds a backlog; a
// message queued meanwhile (the agenda on its minute) does not wait for
// it: a second pass starts at once and serves every destination the first
// is not serving (that one takes what is new in its destinations, urgent
// first).
func (o *Outbox) Run(ctx context.Context) {
	o.init()
	const maxPasses = 2
	done := make(chan time.Time, maxPasses)
	running, again := 0, true
	var due time.Time // when a waiting item falls due
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if again && running < maxPasses {
			running, again = running+1, false
			go func() {
				next, err := o.DeliverDue(ctx)
				if err != nil {
					o.log().Error("outbox", "err", err)
					next = o.k.Clock.Now().Add(time.Second)
				}
				done <- next
			}()
		}
		if running == 0 && due.IsZero() {
			due = o.k.Clock.Now().Add(30 * time.Second) // safety net
		}
		if !due.IsZero() {
			timer.Reset(max(due.Sub(o.k.Clock.Now()), 10*time.Millisecond))
		}
		select {
		case <-ctx.Done():
			for ; running > 0; running-- {
				<-done
			}
			return
		case <-o.wake:
			again = true
		case next := <-done:
			running--
			if !next.IsZero() && (due.IsZero() || next.Before(due)) {
				due = next
			}
		case <-timer.C:
			again, due = true, time.Time{}
		}
	}
}

// Flush tries once more to deliver everything due, for shutdown.
func (o *Outbox) Flush(ctx context.Context) error {
	_, err := o.DeliverDue(ctx)
	return err
}

func (o *Outbox) log() *slog.Logger { return o.k.log() }

// String describes an item for logs and the terminal.
func (it OutboxItem) String() string {
	return fmt.Sprintf("#%d %s → %s", it.Seq, it.Key, it.To.key())
}
