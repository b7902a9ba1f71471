package bot

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// Occurrence records what became of one scheduled conference.
type Occurrence struct {
	ID         string    `json:"id"`
	State      string    `json:"state"` // "held", "late", "missed"
	Conference uint64    `json:"conference,omitempty"`
	At         time.Time `json:"at"`
}

const (
	timerConference         = "conference"
	timerConferenceReminder = "conference-reminder"
	timerPlanned            = "conference-planned"
)

// PlannedMeeting is a meeting decided at an earlier one ("beslut om nästa
// samling: tid, form, syfte och agenda"): it opens on its own at At,
// convened by the same actor.
type PlannedMeeting struct {
	Forum    string    `json:"forum"`
	From     uint64    `json:"from"` // the meeting that decided it
	Convener string    `json:"convener"`
	At       time.Time `json:"at"`
	Form     string    `json:"form,omitempty"`
	Join     string    `json:"join,omitempty"`
	Purposes []Purpose `json:"purposes,omitempty"`
}

// SetSchedule changes a forum's weekly conference (nil turns it off); the
// pending timers are replaced in the same transaction, so the change takes
// effect at once.
func (cs *Conferences) SetSchedule(ctx context.Context, c Caller, forumID string, s *Schedule) error {
	return cs.Update(ctx, c, func(ch *Change) error {
		f, err := ch.forum(forumID, PermConference)
		if err != nil {
			return err
		}
		f.Schedule = s
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		if err := armSchedule(ch, f, ch.Now); err != nil {
			return err
		}
		desc := "off"
		if s != nil {
			desc = s.Describe("en")
		}
		return ch.Audit("conference.schedule", f.ID, map[string]string{"schedule": desc}, "")
	})
}

// armSchedule replaces the forum's conference timers with those of its
// next occurrence after from.
func armSchedule(ch *Change, f *Forum, from time.Time) error {
	err := ch.DeleteTimers(func(t Timer) bool {
		return (t.Kind == timerConference || t.Kind == timerConferenceReminder) && strings.HasPrefix(t.Ref, f.ID+"|")
	})
	if err != nil {
		return err
	}
	if f.Schedule == nil {
		return nil
	}
	next := f.Schedule.Next(from)
	ref := f.ID + "|" + next.UTC().Format(time.RFC3339)
	if err := ch.SetTimer(Timer{Due: next, Kind: timerConference, Ref: ref}); err != nil {
		return err
	}
	if rem := next.Add(-f.Schedule.Reminder); f.Schedule.Reminder > 0 && rem.After(from) {
		return ch.SetTimer(Timer{Due: rem, Kind: timerConferenceReminder, Ref: ref})
	}
	return nil
}

// ApplySchedules sets forums' schedules from configuration where they
// differ from the stored ones; unknown forums are reported, not created.
func (cs *Conferences) ApplySchedules(ctx context.Context, want map[string]*Schedule) error {
	sys := SystemCaller()
	for forum, s := range want {
		var cur *Forum
		if err := cs.View(func(tx Tx) (err error) { cur, err = GetForum(tx, forum); return }); err != nil {
			cs.log().Warn("configured conference for an unknown forum", "forum", forum)
			continue
		}
		if (cur.Schedule == nil && s == nil) || (cur.Schedule != nil && s != nil && cur.Schedule.Equal(*s)) {
			continue
		}
		if err := cs.SetSchedule(ctx, sys, forum, s); err != nil {
			return err
		}
	}
	return nil
}

// ArmSchedules makes sure every scheduled forum has its next conference
// timer, e.g. after an upgrade; it looks back over the grace period so an
// occurrence missed while the bot was down is still handled once.
func (cs *Conferences) ArmSchedules(ctx context.Context) error {
	return cs.Update(ctx, SystemCaller(), func(ch *Change) error {
		forums, err := ListForums(ch)
		if err != nil {
			return err
		}
		armed := map[string]bool{}
		err = ch.ForEach(BucketTimers, "", func(_ string, decode func(any) error) error {
			var t Timer
			if err := decode(&t); err == nil && t.Kind == timerConference {
				armed[strings.SplitN(t.Ref, "|", 2)[0]] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, f := range forums {
			if f.Schedule == nil || armed[f.ID] {
				continue
			}
			if err := armSchedule(ch, &f, ch.Now.Add(-f.Schedule.Grace)); err != nil {
				return err
			}
		}
		return nil
	})
}

// scheduledFor parses a conference timer's ref: forum and occurrence time.
func scheduledFor(tx Tx, t Timer) (*Forum, time.Time, error) {
	forum, at, ok := strings.Cut(t.Ref, "|")
	if !ok {
		return nil, time.Time{}, nil
	}
	when, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return nil, time.Time{}, nil
	}
	f, err := GetForum(tx, forum)
	if err != nil || f.Schedule == nil {
		return nil, time.Time{}, nil
	}
	return f, when, nil
}

// conferenceDue fires at (or after) a scheduled occurrence: within the
// grace period the agenda goes out, marked late when more than a minute
// late; after it, the occurrence is recorded as missed and the chair told.
// The occurrence record makes it happen once, whatever fires it.
func (cs *Conferences) conferenceDue(ch *Change, t Timer) error {
	f, when, err := scheduledFor(ch, t)
	if f == nil || err != nil {
		return err
	}
	if err := cs.holdOccurrence(ch, f, when); err != nil {
		return err
	}
	// The next occurrence is armed in the same transaction.
	return armSchedule(ch, f, when)
}

// holdOccurrence posts the agenda of the occurrence at when, late or not,
// or records it as missed; once per occurrence.
func (cs *Conferences) holdOccurrence(ch *Change, f *Forum, when time.Time) error {
	s := f.Schedule
	occ := s.OccurrenceID(f.ID, when)
	var seen Occurrence
	if err := ch.Get(BucketOccurrences, occ, &seen); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	lateness := ch.Now.Sub(when)
	if lateness > s.Grace {
		if err := ch.Put(BucketOccurrences, occ, Occurrence{ID: occ, State: "missed", At: ch.Now}); err != nil {
			return err
		}
		msg := Message{
			Title: cs.T("conference.missed_title", "Forum", f.Name),
			Text:  cs.T("conference.missed_text", "Forum", f.Name, "When", when.In(s.Location()).Format("2006-01-02 15:04"), "ID", f.ID),
		}
		cl := Class{Kind: KindConferenceReminder, Forum: f.ID, TLP: TLPGreen, Exercise: f.Exercise}
		for _, m := range chairs(ch, f) {
			if err := ch.toMember("conference-missed:"+occ+":"+m.ID, m, cl, msg); err != nil {
				return err
			}
		}
		return ch.Audit("conference.missed", f.ID, map[string]string{"occurrence": occ}, "")
	}
	if cur, _ := RunningConference(ch, f); cur != nil {
		if when.Sub(cur.Started) < s.Grace {
			// Someone opened this meeting by hand shortly before: it counts.
			return ch.Put(BucketOccurrences, occ, Occurrence{ID: occ, State: "held", Conference: cur.ID, At: ch.Now})
		}
		// A meeting left open since an earlier occasion is closed quietly;
		// its minutes stay stored.
		cur.EndedAt, cur.EndedBy = ch.Now, "samverkan"
		if err := ch.Put(BucketConferences, SeqKey(cur.ID), cur); err != nil {
			return err
		}
		if err := ch.Audit("conference.autoclose", f.ID, map[string]string{"conference": itoa(cur.ID)}, ""); err != nil {
			return err
		}
	}
	conf, err := cs.startConference(ch, f, when, occ, lateness > time.Minute, "", Convening{Form: f.Schedule.Form, Join: f.Schedule.Join})
	if err != nil {
		return err
	}
	state := "held"
	if conf.Late {
		state = "late"
	}
	return ch.Put(BucketOccurrences, occ, Occurrence{ID: occ, State: state, Conference: conf.ID, At: ch.Now})
}

// conferenceReminder asks the actors, before the meeting, to file or
// update their situation reports.
func (cs *Conferences) conferenceReminder(ch *Change, t Timer) error {
	f, when, err := scheduledFor(ch, t)
	if f == nil || err != nil || !ch.Now.Before(when) {
		return err
	}
	comp, err := cs.compile(ch, f, ch.Now, func(Report) bool { return false })
	if err != nil {
		return err
	}
	missing := comp.Overdue()
	text := cs.T("conference.reminder_text", "ID", f.ID, "Missing", orDash(strings.Join(missing, ", ")))
	if s := f.Schedule; s.Form != "" || s.Join != "" {
		// The invitation: how the meeting is held and how to take part.
		var how []string
		if s.Form != "" {
			how = append(how, cs.T("conference.form", "Form", cs.T("form."+s.Form)))
		}
		if s.Join != "" {
			how = append(how, cs.T("conference.join", "Join", s.Join))
		}
		text = strings.Join(how, " ") + "\n" + text
	}
	msg := Message{
		Title:   cs.T("conference.reminder_title", "Forum", f.Name, "Time", when.In(f.Schedule.Location()).Format("15:04")),
		Text:    text,
		Buttons: []Button{{Label: cs.T("button.new_report"), Action: Action{Kind: ActNewReport, Forum: f.ID}, Style: "primary"}},
	}
	cl := Class{Kind: KindConferenceReminder, Forum: f.ID, TLP: TLPGreen, Exercise: exercising(ch, f)}
	return ch.toChannels(f.Channels, "conference-reminder:"+t.Ref, cl, msg)
}

func chairs(tx Tx, f *Forum) []Member {
	ms, _ := ListMembers(tx)
	var out []Member
	for _, m := range ms {
		if m.Has(RoleChair) && f.HasActor(m.Actor) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		for _, m := range ms {
			if (m.Has(RoleCoordinator) || m.Has(RoleSecretary)) && f.HasActor(m.Actor) {
				out = append(out, m)
			}
		}
	}
	return out
}

// SetNext records the next meeting: time, form, purpose, agenda. When
// plan gives a time, that meeting is also booked: it opens on its own
// then, with the form, way to join and purpose given (a later decision
// replaces it).
func (cs *Conferences) SetNext(ctx context.Context, c Caller, forumID, text string, plan *PlannedMeeting) (*Conference, error) {
	return cs.minute(ctx, c, forumID, text, "next_meeting", func(ch *Change, conf *Conference, e Entry) error {
		conf.Next = &e
		if plan == nil {
			return nil
		}
		if !plan.At.After(ch.Now) {
			return Errorf(EINVALID, "err.next_past", "When", plan.At.In(Stockholm()).Format("2006-01-02 15:04"), "Example", WhenExample(ch.Now, Stockholm(), "09:00")).OnField("tid")
		}
		if plan.Form != "" && !slices.Contains(Forms, plan.Form) {
			return Errorf(EINVALID, "err.bad_form", "Value", plan.Form).OnField("form")
		}
		p := *plan
		p.Forum, p.From, p.Convener, p.Join = conf.Forum, conf.ID, conf.Convener, CleanLine(p.Join)
		ref := conf.Forum + "|" + SeqKey(conf.ID)
		if err := ch.DeleteTimers(func(t Timer) bool { return t.Kind == timerPlanned && t.Ref == ref }); err != nil {
			return err
		}
		if err := ch.Put(BucketPlanned, ref, p); err != nil {
			return err
		}
		return ch.SetTimer(Timer{Due: p.At, Kind: timerPlanned, Ref: ref})
	})
}

// plannedDue opens a meeting an earlier one booked, unless one is
// running then (its minutes keep the decision either way).
func (cs *Conferences) plannedDue(ch *Change, t Timer) error {
	var p PlannedMeeting
	if err := ch.Get(BucketPlanned, t.Ref, &p); errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	f, err := GetForum(ch, p.Forum)
	if err != nil {
		return nil // the forum is gone
	}
	if cur, err := RunningConference(ch, f); err != nil || cur != nil {
		if err == nil {
			err = ch.Audit("conference.planned_skipped", f.ID, map[string]string{"from": itoa(p.From), "running": itoa(cur.ID)}, "")
		}
		return err
	}
	// The deciding meeting's convener convenes this one.
	conf, err := cs.startConference(ch, f, p.At, "", false, "", Convening{Form: p.Form, Join: p.Join, Purposes: p.Purposes, Convener: p.Convener})
	if err != nil {
		return err
	}
	return ch.Audit("conference.planned_held", f.ID, map[string]string{"from": itoa(p.From), "conference": itoa(conf.ID)}, "")
}
