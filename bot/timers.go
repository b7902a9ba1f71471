package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Timer is a stored deadline: it fires once, after a restart too, because
// firing and deleting it happen in the same transaction as its effects.
type Timer struct {
	Due  time.Time `json:"due"`
	Kind string    `json:"kind"`
	Ref  string    `json:"ref"` // what it is about, e.g. an activation ID
	// Forum is the forum it is for: whose people are told when it
	// cannot do its work.
	Forum string `json:"forum,omitempty"`
	// Attempts counts the times it ran and failed; LastError is why.
	Attempts  int    `json:"attempts,omitempty"`
	LastError string `json:"last_error,omitempty"`
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
		timerPlannedReminder:    b.Conferences.plannedReminder,
		timerStatementReminder:  b.Statements.reminderDue,
		timerStatementDeadline:  b.Statements.deadlineDue,
		timerRequestReminder:    b.Requests.reminderDue,
		timerRequestDue:         b.Requests.dueDue,
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
			b.timerFailed(ctx, key, t, err)
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

// TimerRetries are the pauses before a failed timer runs again; after the
// last one it is given up.
var TimerRetries = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute}

// timerFailed handles a timer whose work failed: nothing a person waits
// for may fail silently. The timer runs again after a pause
// (TimerRetries), and the people responsible for its forum are told at
// once what could not be done, why, and when it is tried again; after the
// last try, that it was given up and what to do by hand.
func (b *Bot) timerFailed(ctx context.Context, key string, t Timer, cause error) {
	b.log().Warn("timer failed", "kind", t.Kind, "ref", t.Ref, "attempt", t.Attempts+1, "err", cause)
	reason := cause.Error()
	var e *Error
	if errors.As(cause, &e) {
		reason = b.T(e.ID, e.kv()...)
	} else {
		reason = b.T("timer.internal")
	}
	again := t
	again.Attempts++
	again.LastError = reason
	retry := again.Attempts <= len(TimerRetries)
	err := b.Update(ctx, SystemCaller(), func(ch *Change) error {
		var cur Timer
		if err := ch.Get(BucketTimers, key, &cur); errors.Is(err, ErrNotFound) {
			return nil // handled elsewhere meanwhile
		} else if err != nil {
			return err
		}
		if err := ch.Delete(BucketTimers, key); err != nil {
			return err
		}
		if retry {
			again.Due = ch.Now.Add(TimerRetries[again.Attempts-1])
			if err := ch.SetTimer(again); err != nil {
				return err
			}
		}
		f := timerForum(ch, t)
		if f == nil {
			return nil
		}
		k := ch.k.in(f)
		what := k.T("timer.what." + t.Kind)
		text := k.T("timer.given_up", "What", what, "Reason", reason, "Hint", k.T(timerHint(t.Kind), "Forum", f.ID))
		if retry {
			text = k.T("timer.retry", "What", what, "Reason", reason, "When", k.clock(again.Due))
		}
		msg := Message{Title: k.T("timer.failed_title", "Forum", f.Name), Text: text, Colour: "#D0021B"}
		cl := Class{Kind: KindProblem, Forum: f.ID, TLP: TLPGreen}
		for _, m := range responsible(ch, f) {
			if err := ch.toMember(fmt.Sprintf("timer-failed:%s:%d:%s", key, again.Attempts, m.ID), m, cl, msg); err != nil {
				return err
			}
		}
		return ch.Audit("timer.failed", f.ID, map[string]string{"kind": t.Kind, "ref": t.Ref, "attempt": strconv.Itoa(again.Attempts), "retry": strconv.FormatBool(retry)}, reason)
	})
	if err == nil {
		return
	}
	// Telling people failed too (the store itself, most likely): keep the
	// timer so that it runs again, and say so where an operator looks.
	b.log().Error("timer failed, and telling its forum failed too; it runs again", "kind", t.Kind, "ref", t.Ref, "err", err)
	if retry {
		_ = b.Store.Update(func(tx Tx) error {
			if err := tx.Delete(BucketTimers, key); err != nil {
				return err
			}
			again.Due = b.Clock.Now().Add(TimerRetries[again.Attempts-1])
			return tx.Put(BucketTimers, timerKey(again), again)
		})
	}
}

// timerForum is the forum a timer is for: named on it, or, for timers
// stored before they named it, the first part of a conference timer's
// ref or the activation a call-in timer is about.
func timerForum(tx Tx, t Timer) *Forum {
	id := t.Forum
	if id == "" {
		switch t.Kind {
		case timerActivationReminder, timerActivationDeadline:
			var a Activation
			if n, err := strconv.ParseUint(t.Ref, 10, 64); err == nil && tx.Get(BucketActivations, SeqKey(n), &a) == nil {
				id = a.Forum
			}
		default:
			id, _, _ = strings.Cut(t.Ref, "|")
		}
	}
	f, err := GetForum(tx, id)
	if err != nil {
		return nil
	}
	return f
}

// timerHint is what to do by hand when a timer of kind is given up.
func timerHint(kind string) string {
	switch kind {
	case timerConference, timerPlanned:
		return "timer.hint_conference"
	}
	return "timer.hint_status"
}

// responsible are the people told when the bot cannot do something for a
// forum on its own: its chairs (or coordinators and secretaries), else
// the host's duty officers.
func responsible(tx Tx, f *Forum) []Member {
	if out := chairs(tx, f); len(out) > 0 {
		return out
	}
	ms, _ := ListMembers(tx)
	var out []Member
	for _, m := range ms {
		if m.Has(RoleDutyOfficer) && m.Actor == f.Host && m.Active() {
			out = append(out, m)
		}
	}
	return out
}
