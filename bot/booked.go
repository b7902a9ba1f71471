package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// PlannedMeeting is a meeting decided at an earlier one ("beslut om nästa
// samling: tid, form, syfte och agenda"): it opens on its own at At,
// convened by the same actor, whatever the forum's schedule says (see
// calendar.go for how it and the regular meetings make one calendar).
type PlannedMeeting struct {
	Forum    string    `json:"forum"`
	From     uint64    `json:"from"` // the meeting that decided it
	Convener string    `json:"convener"`
	At       time.Time `json:"at"`
	Form     string    `json:"form,omitempty"`
	Join     string    `json:"join,omitempty"`
	Purposes []Purpose `json:"purposes,omitempty"`
	// Opened is the meeting it became, and State what became of it
	// ("held", "late", "missed"); both empty until it falls due.
	Opened uint64 `json:"opened,omitempty"`
	State  string `json:"state,omitempty"`
	// Replaces are the regular meetings it replaces (MeetingWindow).
	Replaces []time.Time `json:"replaces,omitempty"`
}

// BucketBooked indexes booked meetings by forum and time
// (forum|time|deciding meeting -> BucketPlanned key), so that the
// calendar finds those near a time without reading them all.
const BucketBooked = "booked_meetings"

func plannedRef(forum string, from uint64) string { return forum + "|" + SeqKey(from) }

func bookedKey(forum string, at time.Time, from uint64) string {
	return bookedPrefix(forum, at) + "|" + SeqKey(from)
}

func bookedPrefix(forum string, at time.Time) string {
	return forum + "|" + SeqKey(uint64(max(at.UnixNano(), 0)))
}

// bookedBetween calls fn for each meeting of forum booked in [from, to],
// earliest first, until fn returns false.
func bookedBetween(tx Tx, forum string, from, to time.Time, fn func(p *PlannedMeeting) bool) error {
	end := bookedPrefix(forum, to) + "|~"
	return tx.ForEach(BucketBooked, bookedPrefix(forum, from), func(k string, decode func(any) error) error {
		if k > end {
			return ErrStop
		}
		var ref string
		if err := decode(&ref); err != nil {
			return err
		}
		var p PlannedMeeting
		if err := tx.Get(BucketPlanned, ref, &p); errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if !fn(&p) {
			return ErrStop
		}
		return nil
	})
}

// bookedNear returns a meeting of forum booked within MeetingWindow of
// at, or nil.
func bookedNear(tx Tx, forum string, at time.Time) (*PlannedMeeting, error) {
	var found *PlannedMeeting
	err := bookedBetween(tx, forum, at.Add(-MeetingWindow), at.Add(MeetingWindow), func(p *PlannedMeeting) bool {
		found = p
		return false
	})
	return found, err
}

// nextBooked returns the forum's first booked meeting after t that has
// not opened yet, or nil.
func nextBooked(tx Tx, forum string, t time.Time) (*PlannedMeeting, error) {
	var found *PlannedMeeting
	err := bookedBetween(tx, forum, t.Add(time.Nanosecond), time.Unix(0, 1<<62), func(p *PlannedMeeting) bool {
		if p.State != "" {
			return true
		}
		found = p
		return false
	})
	return found, err
}

// PlannedBy returns the meeting conference conf booked, or nil.
func PlannedBy(tx Tx, conf *Conference) (*PlannedMeeting, error) {
	var p PlannedMeeting
	if err := tx.Get(BucketPlanned, plannedRef(conf.Forum, conf.ID), &p); errors.Is(err, ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &p, nil
}

// SetNext records the next meeting: time, form, purpose, agenda. When
// plan gives a time, that meeting is also booked: it opens on its own
// then, with the form, way to join and purpose given (a later decision at
// the same meeting replaces it), and replaces the regular meetings near
// it. It returns the booking, with the regular meetings it replaces; when
// it replaces any, the meeting's chair is told unless they booked it.
func (cs *Conferences) SetNext(ctx context.Context, c Caller, forumID, text string, plan *PlannedMeeting) (*PlannedMeeting, error) {
	var out *PlannedMeeting
	_, err := cs.minute(ctx, c, forumID, text, "next_meeting", func(ch *Change, conf *Conference, e Entry) error {
		out = nil
		conf.Next = &e
		if plan == nil {
			return nil
		}
		f, err := GetForum(ch, conf.Forum)
		if err != nil {
			return err
		}
		k := cs.in(f)
		loc := f.location()
		if !plan.At.After(ch.Now) {
			return Errorf(EINVALID, "err.next_past", "When", plan.At.In(loc).Format("2006-01-02 15:04"), "Example", WhenExample(ch.Now, loc, "09:00")).OnField("tid")
		}
		if plan.Form != "" && !slices.Contains(Forms, plan.Form) {
			return Errorf(EINVALID, "err.bad_form", "Value", plan.Form).OnField("form")
		}
		p := *plan
		p.Forum, p.From, p.Convener, p.Join = conf.Forum, conf.ID, conf.Convener, CleanLine(p.Join)
		p.Opened, p.State, p.Replaces = 0, "", nil
		if s := f.Schedule; s != nil {
			for at := s.Next(p.At.Add(-MeetingWindow - time.Nanosecond)); !at.After(p.At.Add(MeetingWindow)); at = s.Next(at) {
				if at.After(ch.Now) {
					p.Replaces = append(p.Replaces, at)
				}
			}
		}
		ref := plannedRef(conf.Forum, conf.ID)
		if err := unbook(ch, ref); err != nil {
			return err
		}
		if err := ch.Put(BucketPlanned, ref, p); err != nil {
			return err
		}
		if err := ch.Put(BucketBooked, bookedKey(p.Forum, p.At, p.From), ref); err != nil {
			return err
		}
		if err := ch.SetTimer(Timer{Due: p.At, Kind: timerPlanned, Ref: ref, Forum: f.ID}); err != nil {
			return err
		}
		if lead := f.reminderLead(); lead > 0 && p.At.Add(-lead).After(ch.Now) {
			if err := ch.SetTimer(Timer{Due: p.At.Add(-lead), Kind: timerPlannedReminder, Ref: ref, Forum: f.ID}); err != nil {
				return err
			}
		}
		out = &p
		if len(p.Replaces) == 0 || conf.Chair == "" || (ch.Caller.Member != nil && ch.Caller.Member.ID == conf.Chair) {
			return nil
		}
		chair, err := GetMember(ch, conf.Chair)
		if err != nil || !chair.Active() {
			return nil
		}
		msg := Message{Text: k.T("conference.booked_replaces_chair", "By", ch.Caller.Name(), "When", cs.confTime(f, p.At), "Replaced", cs.times(f, p.Replaces), "Forum", f.Name)}
		cl := Class{Kind: KindConferenceReminder, Forum: f.ID, TLP: TLPGreen, Exercise: conf.Exercise}
		return ch.toMember(fmt.Sprintf("conference:%d:booked:%d", conf.ID, p.At.Unix()), *chair, cl, msg)
	})
	return out, err
}

// unbook removes the booking stored under ref, its index entry and its
// timers, so that a later decision replaces it.
func unbook(ch *Change, ref string) error {
	var old PlannedMeeting
	if err := ch.Get(BucketPlanned, ref, &old); errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if err := ch.Delete(BucketBooked, bookedKey(old.Forum, old.At, old.From)); err != nil {
		return err
	}
	return ch.DeleteTimers(func(t Timer) bool {
		return (t.Kind == timerPlanned || t.Kind == timerPlannedReminder) && t.Ref == ref
	})
}

// times lists times in the forum's zone, e.g. "2026-12-03 08:00, 16:00".
func (k *core) times(f *Forum, ts []time.Time) string {
	k = k.in(f)
	var out []string
	day := ""
	for _, t := range ts {
		s := k.confTime(f, t)
		if d, clock, _ := strings.Cut(s, " "); d == day {
			s = clock
		} else {
			day = d
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

// plannedDue opens a meeting an earlier one booked, by the calendar's
// rules (openDue).
func (cs *Conferences) plannedDue(ch *Change, t Timer) error {
	var p PlannedMeeting
	if err := ch.Get(BucketPlanned, t.Ref, &p); errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if p.State != "" {
		return nil
	}
	f, err := GetForum(ch, p.Forum)
	if err != nil {
		return nil // the forum is gone
	}
	// The deciding meeting's convener convenes this one.
	conf, state, err := cs.openDue(ch, f, p.At, "", p.From, Convening{Form: p.Form, Join: p.Join, Purposes: p.Purposes, Convener: p.Convener})
	if err != nil {
		return err
	}
	p.State = state
	if conf != nil {
		p.Opened = conf.ID
	}
	if err := ch.Put(BucketPlanned, t.Ref, p); err != nil {
		return err
	}
	return ch.Audit("conference.planned_held", f.ID, map[string]string{"from": itoa(p.From), "conference": itoa(p.Opened), "state": state}, "")
}

// plannedReminder is the reminder before a booked meeting.
func (cs *Conferences) plannedReminder(ch *Change, t Timer) error {
	var p PlannedMeeting
	if err := ch.Get(BucketPlanned, t.Ref, &p); errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	f, err := GetForum(ch, p.Forum)
	if err != nil || p.State != "" || !ch.Now.Before(p.At) {
		return nil
	}
	return cs.remind(ch, f, p.At, p.Form, p.Join, "conference-planned-reminder:"+t.Ref)
}

// indexBooked builds the index of booked meetings for a store written
// before it existed; once built it is kept up to date and this does
// nothing.
func indexBooked(tx Tx) error {
	return indexOnce(tx, "booked_indexed", "1", func() error {
		return tx.ForEach(BucketPlanned, "", func(k string, decode func(any) error) error {
			var p PlannedMeeting
			if err := decode(&p); err != nil {
				return err
			}
			return tx.Put(BucketBooked, bookedKey(p.Forum, p.At, p.From), k)
		})
	})
}
