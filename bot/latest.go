package bot

import (
	"errors"
	"fmt"
	"time"
)

// Render names a view of current state — an agenda, a banner, a
// statement's thread root — that the outbox draws when it delivers the
// item, instead of a message fixed when the change was made. Paired with
// OutboxItem.Latest it lets many changes share one delivery.
type Render struct {
	Kind string `json:"kind"`
	ID   uint64 `json:"id,omitempty"`
	// Forum, After and Exercise select what a list view shows: the
	// forum's items numbered after After, exercise or not.
	Forum    string `json:"forum,omitempty"`
	After    uint64 `json:"after,omitempty"`
	Exercise bool   `json:"exercise,omitempty"`
	// Frame draws a meeting's agenda as its frame (guests.go).
	Frame bool `json:"frame,omitempty"`
}

// Views the outbox can draw.
const (
	renderAgenda = "agenda"
	renderBanner = "banner"
	renderRoot   = "statement-root"
	// renderReports is a post listing the reports filed since it was
	// queued: a burst of reports makes one post per channel.
	renderReports = "reports"
)

// drawer draws a view as it is at now. A view that lists what is new
// (a post, not an edit) also returns where the next post of it starts,
// should changes ride on it while it is delivered.
type drawer func(tx Tx, r Render, now time.Time) (Message, *Render, error)

// BucketOutboxLatest maps an item's Latest key to the item waiting under
// it and how many changes rode on it since.
const BucketOutboxLatest = "outbox_latest"

// latest is an entry of BucketOutboxLatest.
type latest struct {
	Seq uint64 `json:"seq"`
	// Gen counts the changes that rode on the waiting item; delivery
	// compares it before and after, so that a change made while the item
	// was being delivered is delivered too.
	Gen uint64 `json:"gen"`
}

// rideOn reports whether an item with item's Latest key is still waiting;
// if so the change rides on it (the waiting item will be drawn after this
// change commits) and nothing new is queued.
func rideOn(tx Tx, item OutboxItem) (bool, error) {
	var l latest
	if err := tx.Get(BucketOutboxLatest, item.Latest, &l); errors.Is(err, ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	var waiting OutboxItem
	if err := tx.Get(BucketOutbox, SeqKey(l.Seq), &waiting); errors.Is(err, ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	l.Gen++
	return true, tx.Put(BucketOutboxLatest, item.Latest, l)
}

// latestGen is the generation of the waiting item under key, or 0.
func latestGen(tx Tx, key string, seq uint64) (uint64, error) {
	var l latest
	if err := tx.Get(BucketOutboxLatest, key, &l); errors.Is(err, ErrNotFound) || (err == nil && l.Seq != seq) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	return l.Gen, nil
}

// errSuperseded says a view now holds content its class did not allow,
// or nothing at all.
var errSuperseded = errors.New("view superseded")

// draw draws a view item's message as things are now, dressed as the gate
// dresses messages, with the generation it was drawn at. A view whose
// content now carries a stricter label than the item's class is not
// drawn: the destination was allowed for the class.
func (o *Outbox) draw(it OutboxItem) (drawn, error) {
	d := o.drawers[it.Render.Kind]
	if d == nil {
		return drawn{}, &PermanentError{Err: fmt.Errorf("no way to draw %q", it.Render.Kind)}
	}
	var out drawn
	k := o.k
	err := o.k.View(func(tx Tx) error {
		var err error
		if out.msg, out.next, err = d(tx, *it.Render, o.k.Clock.Now()); err != nil {
			return err
		}
		if f, err := GetForum(tx, it.Class.Forum); err == nil {
			k = k.in(f) // the marker and the obligations in the forum's language
		}
		out.gen, err = latestGen(tx, it.Latest, it.Seq)
		return err
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == ENOTFOUND {
			err = &PermanentError{Err: err}
		}
		return drawn{}, err
	}
	if strict := Strictest(append(out.msg.Labels(), it.Class.TLP)...); strict != it.Class.TLP {
		// The change that made it so queued a view under its own class;
		// this one, whose destination was allowed for less, is not sent.
		return drawn{}, errSuperseded
	}
	if it.Class.Exercise {
		out.msg.Exercise = k.T("exercise.marker")
	}
	out.msg = k.labelled(out.msg)
	return out, nil
}

// drawn is a view as drawn for one delivery.
type drawn struct {
	msg  Message
	gen  uint64
	next *Render
}
