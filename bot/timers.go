package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Timer is a stored deadline: it fires once, after a restart too, because
// firing and deleting it happen in the same transaction as its effects.
type Timer struct {
	Due  time.Time `json:"due"`
	Kind string    `json:"kind"`
	Ref  string    `json:"ref"` // what it is about, e.g. an activation ID
}

// BucketTimers holds timers keyed by due time, so the earliest sorts first.
const BucketTimers = "timers"

func timerKey(t Timer) string {
	return fmt.Sprintf("%020d|%s|%s", t.Due.UTC().UnixNano(), t.Kind, t.Ref)
}

// SetTimer stores a timer in this change.
func (c *Change) SetTimer(t Timer) error { return c.Put(BucketTimers, timerKey(t), t) }

// DeleteTimers removes the pending timers that match, in this change.
func (c *Change) DeleteTimers(match func(Timer) bool) error {
	var stale []string
	err := c.ForEach(BucketTimers, "", func(k string, decode func(any) error) error {
		var t Timer
		if err := decode(&t); err != nil {
			return err
		}
		if match(t) {
			stale = append(stale, k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range stale {
		if err := c.Delete(BucketTimers, k); err != nil {
			return err
		}
	}
	return nil
}

// TimerFunc handles a due timer inside the change that deletes it.
type TimerFunc func(ch *Change, t Timer) error

// timerKinds maps a timer kind to its handler.
func (b *Bot) timerKinds() map[string]TimerFunc {
	return map[string]TimerFunc{
		timerActivationReminder: b.Activations.reminderDue,
		timerActivationDeadline: b.Activations.deadlineDue,
		timerConference:         b.Conferences.conferenceDue,
		timerConferenceReminder: b.Conferences.conferenceReminder,
		timerPlanned:            b.Conferences.plannedDue,
		timerStatementReminder:  b.Statements.reminderDue,
		timerStatementDeadline:  b.Statements.deadlineDue,
	}
}

// RunTimers fires every timer that is due now, each in its own
// transaction, and returns when the next one is due (zero when none).
func (b *Bot) RunTimers(ctx context.Context) (time.Time, error) {
	kinds := b.timerKinds()
	for ctx.Err() == nil {
		now := b.Clock.Now()
		var key string
		var t Timer
		err := b.Store.View(func(tx Tx) error {
			return tx.ForEach(BucketTimers, "", func(k string, decode func(any) error) error {
				key = k
				return errors.Join(decode(&t), ErrStop)
			})
		})
		if err != nil && !errors.Is(err, ErrStop) {
			return time.Time{}, err
		}
		if key == "" {
			return time.Time{}, nil
		}
		if t.Due.After(now) {
			return t.Due, nil
		}
		err = b.Update(ctx, SystemCaller(), func(ch *Change) error {
			var again Timer
			if err := ch.Get(BucketTimers, key, &again); err != nil {
				return err // fired by someone else meanwhile
			}
			if err := ch.Delete(BucketTimers, key); err != nil {
				return err
			}
			h := kinds[t.Kind]
			if h == nil {
				return nil
			}
			return h(ch, t)
		})
		if err == nil && b.TimerFired != nil {
			b.TimerFired(t.Kind)
		}
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			b.log().Error("timer failed; it will not fire again", "kind", t.Kind, "ref", t.Ref, "err", err)
			_ = b.Store.Update(func(tx Tx) error { return tx.Delete(BucketTimers, key) })
		}
		key = ""
	}
	return time.Time{}, ctx.Err()
}

// RunTimersLoop fires timers until ctx ends, waking when the next is due,
// at least every wake interval, and on notify.
func (b *Bot) RunTimersLoop(ctx context.Context, notify <-chan struct{}) {
	for {
		next, err := b.RunTimers(ctx)
		if err != nil && ctx.Err() == nil {
			b.log().Error("timers", "err", err)
		}
		wait := 30 * time.Second
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(b.Clock.Now()), 10*time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-notify:
		case <-t.C:
		}
		t.Stop()
	}
}

// itoa formats IDs for keys and refs.
func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
