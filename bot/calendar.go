package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// A forum's calendar is its regular meetings (its Schedule) and the
// meetings booked at earlier ones (booked.go), kept as one: each opens at
// its time, and the rules that decide between them are these.
//
//   - A booked meeting opens at its time whatever the schedule says, and
//     replaces every regular meeting within MeetingWindow of it, before or
//     after: that one is recorded as replaced and nothing is posted for it
//     (the one who booked, and the chair, were told when it was booked).
//   - A meeting opened by hand within MeetingWindow before a scheduled or
//     booked one counts as it.
//   - A meeting still open when the next one falls due is closed by the
//     bot, its minutes posted, and its chair and secretary told, before
//     the next one opens: two meetings are never open at once.
//   - A meeting the bot could not open within the grace period (it was
//     down) is recorded as missed and the chairs are told.

// MeetingWindow is how near two meetings of a forum count as the same
// occasion (see above).
const MeetingWindow = 2 * time.Hour

// Occurrence records what became of one scheduled conference.
type Occurrence struct {
	ID         string    `json:"id"`
	State      string    `json:"state"` // "held", "late", "missed", "replaced"
	Conference uint64    `json:"conference,omitempty"`
	At         time.Time `json:"at"`
	// Booked is the time of the booked meeting that replaced this one.
	Booked time.Time `json:"booked,omitzero"`
}

const (
	timerConference         = "conference"
	timerConferenceReminder = "conference-reminder"
	timerPlanned            = "conference-planned"
	timerPlannedReminder    = "conference-planned-reminder"
)

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
	if err := ch.SetTimer(Timer{Due: next, Kind: timerConference, Ref: ref, Forum: f.ID}); err != nil {
		return err
	}
	if rem := next.Add(-f.Schedule.Reminder); f.Schedule.Reminder > 0 && rem.After(from) {
		return ch.SetTimer(Timer{Due: rem, Kind: timerConferenceReminder, Ref: ref, Forum: f.ID})
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

// conferenceDue fires at (or after) a scheduled occurrence and holds it
// by the calendar's rules; the next occurrence is armed in the same
// transaction. The occurrence record makes it happen once, whatever
// fires it.
func (cs *Conferences) conferenceDue(ch *Change, t Timer) error {
	f, when, err := scheduledFor(ch, t)
	if f == nil || err != nil {
		return err
	}
	if err := cs.holdOccurrence(ch, f, when); err != nil {
		return err
	}
	return armSchedule(ch, f, when)
}

// holdOccurrence holds the regular occurrence at when: replaced by a
// booked meeting near it, or opened (late, or as missed) by openDue.
func (cs *Conferences) holdOccurrence(ch *Change, f *Forum, when time.Time) error {
	cs = &Conferences{cs.in(f)}
	s := f.Schedule
	occ := s.OccurrenceID(f.ID, when)
	var seen Occurrence
	if err := ch.Get(BucketOccurrences, occ, &seen); err == nil {
		return nil
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	booked, err := bookedNear(ch, f.ID, when)
	if err != nil {
		return err
	}
	if booked != nil {
		if err := ch.Put(BucketOccurrences, occ, Occurrence{ID: occ, State: "replaced", At: ch.Now, Booked: booked.At}); err != nil {
			return err
		}
		return ch.Audit("conference.replaced", f.ID, map[string]string{"occurrence": occ, "booked": booked.At.UTC().Format(time.RFC3339)}, "")
	}
	conf, state, err := cs.openDue(ch, f, when, occ, 0, Convening{Form: s.Form, Join: s.Join})
	if err != nil {
		return err
	}
	o := Occurrence{ID: occ, State: state, At: ch.Now}
	if conf != nil {
		o.Conference = conf.ID
	}
	return ch.Put(BucketOccurrences, occ, o)
}

// openDue opens the meeting due at when (a regular occurrence, named occ,
// or one booked by meeting from) by the calendar's rules: missed past the
// grace period, counted as a meeting opened by hand shortly before (not
// the one that booked it), or opened — after closing one still open. It
// returns the meeting and what became of it: "held", "late" or "missed".
func (cs *Conferences) openDue(ch *Change, f *Forum, when time.Time, occ string, from uint64, cv Convening) (*Conference, string, error) {
	cs = &Conferences{cs.in(f)}
	lateness := ch.Now.Sub(when)
	if lateness > f.grace() {
		msg := Message{
			Title: cs.T("conference.missed_title", "Forum", f.Name),
			Text:  cs.T("conference.missed_text", "Forum", f.Name, "When", cs.confTime(f, when), "ID", f.ID),
		}
		cl := Class{Kind: KindConferenceReminder, Forum: f.ID, TLP: TLPGreen, Exercise: f.Exercise}
		key := "conference-missed:" + f.ID + "|" + when.UTC().Format(time.RFC3339)
		for _, m := range chairs(ch, f) {
			if err := ch.toMember(key+":"+m.ID, m, cl, msg); err != nil {
				return nil, "", err
			}
		}
		return nil, "missed", ch.Audit("conference.missed", f.ID, map[string]string{"occurrence": cmp.Or(occ, when.UTC().Format(time.RFC3339))}, "")
	}
	cur, err := RunningConference(ch, f)
	if err != nil {
		return nil, "", err
	}
	if cur != nil && cur.StartedBy != "" && cur.ID != from && when.Sub(cur.Started) < MeetingWindow {
		// Someone opened this meeting by hand shortly before: it counts.
		return cur, "held", nil
	}
	if cur != nil {
		// Its minutes go out before the next agenda.
		cur.ClosedForNext = when
		if err := cs.end(ch, f, cur, "samverkan"); err != nil {
			return nil, "", err
		}
	}
	conf, err := cs.startConference(ch, f, when, occ, lateness > time.Minute, "", cv)
	if err != nil {
		return nil, "", err
	}
	if cur != nil {
		if err := cs.closedForNext(ch, f, cur, conf); err != nil {
			return nil, "", err
		}
	}
	if conf.Late {
		return conf, "late", nil
	}
	return conf, "held", nil
}

// closedForNext tells the chair, secretary and convener of a meeting the
// bot ended as the next one fell due (its minutes stored and posted as if
// ended by hand) where the forum goes on.
func (cs *Conferences) closedForNext(ch *Change, f *Forum, old, next *Conference) error {
	cs = &Conferences{cs.in(f)}
	msg := Message{
		Title: cs.T("conference.closed_for_next_title", "N", old.ID, "Forum", f.Name),
		Text:  cs.T("conference.closed_for_next_text", "N", old.ID, "Started", cs.confTime(f, old.Started), "Following", next.ID, "When", cs.confTime(f, next.Scheduled), "Forum", f.ID),
	}
	cl := Class{Kind: KindConferenceReminder, Forum: f.ID, TLP: TLPGreen, Exercise: old.Exercise}
	for _, id := range meetingOfficers(old) {
		m, err := GetMember(ch, id)
		if err != nil || !m.Active() {
			continue
		}
		if err := ch.toMember(fmt.Sprintf("conference:%d:closed-for-next:%s", old.ID, m.ID), *m, cl, msg); err != nil {
			return err
		}
	}
	return ch.Audit("conference.autoclose", f.ID, map[string]string{"conference": itoa(old.ID), "following": itoa(next.ID)}, "")
}

// meetingOfficers are the members who run a meeting: its chair, its
// secretary and the one who convened it, each once.
func meetingOfficers(c *Conference) []string {
	var ids []string
	for _, id := range []string{c.Chair, c.Secretary, c.StartedByID} {
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// grace is how late a meeting of the forum may still open.
func (f *Forum) grace() time.Duration {
	if f.Schedule != nil && f.Schedule.Grace > 0 {
		return f.Schedule.Grace
	}
	return DefaultSchedule().Grace
}

// reminderLead is how long before a meeting its reminder goes out (none
// when zero).
func (f *Forum) reminderLead() time.Duration {
	if f.Schedule != nil {
		return f.Schedule.Reminder
	}
	return DefaultSchedule().Reminder
}

// conferenceReminder asks the actors, before a regular meeting, to file
// or update their situation reports; a meeting a booked one replaces has
// none (the booked one has its own).
func (cs *Conferences) conferenceReminder(ch *Change, t Timer) error {
	f, when, err := scheduledFor(ch, t)
	if f == nil || err != nil || !ch.Now.Before(when) {
		return err
	}
	if booked, err := bookedNear(ch, f.ID, when); err != nil || booked != nil {
		return err
	}
	return cs.remind(ch, f, when, f.Schedule.Form, f.Schedule.Join, "conference-reminder:"+t.Ref)
}

// remind posts the reminder before the meeting at when to the forum's
// channels: how it is held and how to join, and who has no fresh report.
func (cs *Conferences) remind(ch *Change, f *Forum, when time.Time, form, join, key string) error {
	cs = &Conferences{cs.in(f)}
	comp, err := cs.compile(ch, f, ch.Now, func(Report) bool { return false })
	if err != nil {
		return err
	}
	missing := comp.Overdue()
	text := cs.T("conference.reminder_text", "ID", f.ID, "Missing", orDash(strings.Join(missing, ", ")))
	if how := cs.how(form, join); how != "" {
		// The invitation: how the meeting is held and how to take part.
		text = how + "\n" + text
	}
	msg := Message{
		Title:   cs.T("conference.reminder_title", "Forum", f.Name, "Time", when.In(f.location()).Format("15:04")),
		Text:    text,
		Buttons: []Button{{Label: cs.T("button.new_report"), Action: Action{Kind: ActNewReport, Forum: f.ID}, Style: "primary"}},
	}
	cl := Class{Kind: KindConferenceReminder, Forum: f.ID, TLP: TLPGreen, Exercise: exercising(ch, f)}
	return ch.toChannels(f.Channels, key, cl, msg)
}

// how says how a meeting is held and how to join it, e.g. "Form: video.
// Anslut: https://…"; empty when neither is known.
func (k *core) how(form, join string) string {
	var how []string
	if form != "" {
		how = append(how, k.T("conference.form", "Form", k.T("form."+form)))
	}
	if join != "" {
		how = append(how, k.T("conference.join", "Join", join))
	}
	return strings.Join(how, " ")
}

func chairs(tx Tx, f *Forum) []Member {
	ms, _ := ListMembers(tx)
	var out []Member
	for _, m := range ms {
		if m.Has(RoleChair) && f.HasActor(m.Actor) && m.Active() {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		for _, m := range ms {
			if (m.Has(RoleCoordinator) || m.Has(RoleSecretary)) && f.HasActor(m.Actor) && m.Active() {
				out = append(out, m)
			}
		}
	}
	return out
}

// Meeting is one meeting to come in a forum's calendar.
type Meeting struct {
	At     time.Time
	Booked *PlannedMeeting // nil for a regular one
}

// Next returns forum's next meeting in its calendar, for anyone (as the
// forum's schedule is), and the zone its times are shown in.
func (cs *Conferences) Next(forumID string) (*Meeting, *time.Location, error) {
	var m *Meeting
	var loc *time.Location
	err := cs.View(func(tx Tx) error {
		f, err := GetForum(tx, forumID)
		if err != nil {
			return err
		}
		loc = f.location()
		m, err = NextMeeting(tx, f, cs.Clock.Now())
		return err
	})
	return m, loc, err
}

// NextMeeting returns the forum's first meeting after t: its next booked
// meeting not yet opened, or its next regular one that no booked meeting
// replaces, whichever comes first; nil when there is none.
func NextMeeting(tx Tx, f *Forum, t time.Time) (*Meeting, error) {
	booked, err := nextBooked(tx, f.ID, t)
	if err != nil {
		return nil, err
	}
	var next *Meeting
	if booked != nil {
		next = &Meeting{At: booked.At, Booked: booked}
	}
	if f.Schedule == nil {
		return next, nil
	}
	at := t
	for range 64 {
		at = f.Schedule.Next(at)
		if next != nil && !at.Before(next.At) {
			return next, nil
		}
		near, err := bookedNear(tx, f.ID, at)
		if err != nil {
			return nil, err
		}
		if near == nil {
			return &Meeting{At: at}, nil
		}
	}
	return next, nil
}
