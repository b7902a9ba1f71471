package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Attendee is an actor present at a conference (roll call).
type Attendee struct {
	Actor  string    `json:"actor"`
	Member string    `json:"member"`
	Name   string    `json:"name"`
	At     time.Time `json:"at"`
}

// Entry is a decision or the next-meeting note in the minutes.
type Entry struct {
	Text string    `json:"text"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// ActionItem is an action with an owner and deadline; it stays open across
// meetings until it is marked done.
type ActionItem struct {
	Number     uint64    `json:"number"`
	Forum      string    `json:"forum"`
	Conference uint64    `json:"conference"`
	Text       string    `json:"text"`
	Owner      string    `json:"owner"` // actor
	Due        string    `json:"due"`   // YYYY-MM-DD
	By         string    `json:"by"`
	At         time.Time `json:"at"`
	Done       bool      `json:"done,omitempty"`
	DoneAt     time.Time `json:"done_at,omitempty"`
}

// Conference is one collaboration conference: scheduled or ad hoc, its
// roll call and its minutes.
type Conference struct {
	ID         uint64    `json:"id"`
	Forum      string    `json:"forum"`
	Occurrence string    `json:"occurrence,omitempty"` // forum|local date-time for scheduled ones
	Scheduled  time.Time `json:"scheduled"`
	Started    time.Time `json:"started"`
	Late       bool      `json:"late,omitempty"`
	StartedBy  string    `json:"started_by,omitempty"`
	Purposes   []Purpose `json:"purposes"`
	Exercise   bool      `json:"exercise,omitempty"`
	// TLP labels what the meeting writes (agenda, minutes); TLP:AMBER
	// unless set.
	TLP        TLP        `json:"tlp,omitempty"`
	Attendance []Attendee `json:"attendance"`
	// Decisions and Actions are what records written before entries were
	// records of their own hold; NDecisions and NActions count the
	// entries in BucketMinutes (see minutes.go).
	Decisions  []Entry   `json:"decisions,omitempty"`
	Actions    []uint64  `json:"actions,omitempty"`
	NDecisions int       `json:"n_decisions,omitempty"`
	NActions   int       `json:"n_actions,omitempty"`
	Next       *Entry    `json:"next,omitempty"`
	Version    int       `json:"version"`
	EndedAt    time.Time `json:"ended_at,omitzero"`
	EndedBy    string    `json:"ended_by,omitempty"`
	// Convener is the actor that convened the meeting (the host for a
	// scheduled one); it appoints the meeting's chair and secretary.
	Convener      string `json:"convener,omitempty"`
	Chair         string `json:"chair,omitempty"` // member IDs
	Secretary     string `json:"secretary,omitempty"`
	ChairName     string `json:"chair_name,omitempty"`
	SecretaryName string `json:"secretary_name,omitempty"`
	StartedByID   string `json:"started_by_id,omitempty"`
	// Form is how the meeting is held (telefon, webb, video, fysiskt) and
	// Join how to take part: a link, a dial-in number, meeting codes.
	Form string `json:"form,omitempty"`
	Join string `json:"join,omitempty"`
	// Summary is the chair's summary against the purpose; Direction the
	// common direction agreed ("beslut i stort").
	Summary   *Entry `json:"summary,omitempty"`
	Direction *Entry `json:"direction,omitempty"`
	// Picture is the common picture the meeting worked from: each
	// actor's report version as it stood when the meeting ended.
	Picture []PictureRef `json:"picture,omitempty"`
}

// PictureRef names the version of one actor's report a meeting worked
// from; versions never change, so the reference is the snapshot.
type PictureRef struct {
	Actor   string    `json:"actor"`
	Number  uint64    `json:"number"`
	Version int       `json:"version"`
	TLP     TLP       `json:"tlp"`
	At      time.Time `json:"at"`
}

// Label is the label of what the meeting writes.
func (c *Conference) Label() TLP {
	if c.TLP == TLPNone {
		return TLPAmber
	}
	return c.TLP
}

// class is the class of the meeting's agenda and minutes.
func (c *Conference) class(kind Kind) Class {
	return Class{Kind: kind, Forum: c.Forum, TLP: c.Label(), Exercise: c.Exercise}
}

// Conferences is the service for the weekly conference and its minutes.
type Conferences struct{ *core }

// Occurrence records what became of one scheduled conference.
type Occurrence struct {
	ID         string    `json:"id"`
	State      string    `json:"state"` // "held", "late", "missed"
	Conference uint64    `json:"conference,omitempty"`
	At         time.Time `json:"at"`
}

// Buckets of conferences.
const (
	BucketConferences = "conferences"
	BucketOccurrences = "occurrences"
	BucketActions     = "actions"
	// BucketPlanned holds the next meeting each meeting decided, by the
	// deciding meeting's number.
	BucketPlanned = "planned_meetings"
)

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

// GetConference returns conference id.
func GetConference(tx Tx, id uint64) (*Conference, error) {
	var c Conference
	if err := tx.Get(BucketConferences, SeqKey(id), &c); errors.Is(err, ErrNotFound) {
		return nil, Errorf(ENOTFOUND, "err.unknown_conference", "N", id)
	} else if err != nil {
		return nil, err
	}
	return &c, nil
}

// RunningConference returns the forum's open conference, or nil.
func RunningConference(tx Tx, f *Forum) (*Conference, error) {
	if f.Conference == 0 {
		return nil, nil
	}
	return GetConference(tx, f.Conference)
}

// Conferences returns a forum's conferences, oldest first.
func ListConferences(tx Tx, forum string) ([]Conference, error) {
	all, err := listAll[Conference](tx, BucketConferences)
	return slices.DeleteFunc(all, func(c Conference) bool { return c.Forum != forum }), err
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

// startConference opens a conference and posts its agenda everywhere.
func (cs *Conferences) startConference(ch *Change, f *Forum, scheduled time.Time, occ string, late bool, by string, cv Convening) (*Conference, error) {
	id, err := ch.NextSeq(BucketConferences)
	if err != nil {
		return nil, err
	}
	conf := &Conference{ID: id, Forum: f.ID, Occurrence: occ, Scheduled: scheduled, Started: ch.Now, Late: late, StartedBy: by, Exercise: f.Exercise, TLP: TLPAmber, Purposes: []Purpose{PurposeInformation, PurposePicture},
		Convener: cmp.Or(cv.Convener, f.Host), Form: cv.Form, Join: CleanLine(cv.Join)}
	if m := ch.Caller.Member; m != nil && by != "" {
		conf.Convener, conf.StartedByID = m.Actor, m.ID
	}
	if err := cs.appoint(ch, f, conf, cv); err != nil {
		return nil, err
	}
	if a, _ := CurrentActivation(ch, f); a != nil {
		conf.Purposes, conf.Exercise = a.Purposes, conf.Exercise || a.Exercise
	}
	if len(cv.Purposes) > 0 {
		conf.Purposes = cv.Purposes
	}
	f.Conference = id
	if err := ch.Put(BucketForums, f.ID, f); err != nil {
		return nil, err
	}
	if err := ch.Put(BucketConferences, SeqKey(id), conf); err != nil {
		return nil, err
	}
	msg, err := cs.agenda(ch, f, conf)
	if err != nil {
		return nil, err
	}
	for _, c := range f.Channels {
		if err := ch.Send(OutboxItem{Key: fmt.Sprintf("conference:%d:agenda@%s", id, c.Key()), Ref: agendaRef(id), To: c.Destination(), Class: conf.class(KindAgenda), Message: msg}); err != nil {
			return nil, err
		}
	}
	return conf, ch.Audit("conference.start", f.ID, map[string]string{"conference": itoa(id), "occurrence": occ, "late": fmt.Sprint(late)}, "")
}

func agendaRef(id uint64) string { return "conference:" + itoa(id) + ":agenda" }

// Start opens an ad-hoc conference now, convened by the caller's actor
// with the default chair and secretary.
func (cs *Conferences) Start(ctx context.Context, c Caller, forumID string) (*Conference, error) {
	return cs.Convene(ctx, c, forumID, Convening{})
}

// Convene opens a conference now, convened by the caller's actor as cv
// says.
func (cs *Conferences) Convene(ctx context.Context, c Caller, forumID string, cv Convening) (*Conference, error) {
	if cv.Form != "" && !slices.Contains(Forms, cv.Form) {
		return nil, Errorf(EINVALID, "err.bad_form", "Value", cv.Form).OnField("form")
	}
	var out *Conference
	err := cs.Update(ctx, c, func(ch *Change) error {
		f, err := ch.forum(forumID, PermConference)
		if err != nil {
			return err
		}
		if cur, err := RunningConference(ch, f); err != nil {
			return err
		} else if cur != nil {
			return Errorf(ECONFLICT, "err.conference_running", "Forum", f.ID, "N", cur.ID)
		}
		out, err = cs.startConference(ch, f, ch.Now, "", false, ch.Caller.Name(), cv)
		return err
	})
	return out, err
}

// Convening is what the one who convenes a meeting says about it: whom
// the convening actor appoints chair and secretary (by default its
// members with those roles, else the convener), how it is held and how to
// take part.
type Convening struct {
	Chair, Secretary *Identity
	Form             string // telefon, webb, video, fysiskt
	Join             string
	// Purposes, when given, choose the agenda's points (else those of the
	// running activation, or information sharing and a common picture).
	Purposes []Purpose
	// Convener, when set, is the convening actor (else the caller's, or
	// the host's for a scheduled meeting).
	Convener string
}

// Forms are how a meeting can be held.
var Forms = []string{"telefon", "webb", "video", "fysiskt"}

// appoint names the meeting's chair and secretary: those given, who must
// be active members of the forum's actors, or by default the convening
// actor's members with the role, or the one who convened it.
func (cs *Conferences) appoint(ch *Change, f *Forum, conf *Conference, cv Convening) error {
	pick := func(given *Identity, role Role, field string) (*Member, error) {
		if given != nil {
			m, err := activeMember(ch, *given)
			if err != nil {
				return nil, err
			}
			if m == nil || !f.HasActor(m.Actor) {
				return nil, Errorf(EINVALID, "err.not_forum_member", "User", given.String(), "Forum", f.ID).OnField(field)
			}
			return m, nil
		}
		ms, err := ListMembers(ch)
		if err != nil {
			return nil, err
		}
		for i := range ms {
			if ms[i].Actor == conf.Convener && ms[i].Has(role) && !ms[i].Retired {
				return &ms[i], nil
			}
		}
		return ch.Caller.Member, nil
	}
	chair, err := pick(cv.Chair, RoleChair, "ordforande")
	if err != nil {
		return err
	}
	sec, err := pick(cv.Secretary, RoleSecretary, "sekreterare")
	if err != nil {
		return err
	}
	if chair != nil {
		conf.Chair, conf.ChairName = chair.ID, chair.Name
	}
	if sec != nil {
		conf.Secretary, conf.SecretaryName = sec.ID, sec.Name
	}
	return nil
}

// keepsMinutes reports whether c may write the running meeting's minutes
// and end it: its chair, its secretary, the one who convened it, an admin,
// or anyone with the chair's or secretary's role.
func (conf *Conference) keepsMinutes(c Caller) bool {
	if c.Admin {
		return true
	}
	m := c.Member
	if m == nil {
		return false
	}
	return m.ID == conf.Chair || m.ID == conf.Secretary || (conf.StartedByID != "" && m.ID == conf.StartedByID) || m.Has(RoleChair) || m.Has(RoleSecretary)
}

// running loads the forum's running conference for a minutes command,
// which its chair, secretary or convener may give (keepsMinutes).
func running(ch *Change, forumID string) (*Forum, *Conference, error) {
	f, err := ch.forum(forumID, PermMember)
	if err != nil {
		return nil, nil, err
	}
	conf, err := RunningConference(ch, f)
	if err != nil {
		return nil, nil, err
	}
	if conf == nil {
		return nil, nil, Errorf(ECONFLICT, "err.no_conference", "Forum", f.ID)
	}
	if !conf.keepsMinutes(ch.Caller) {
		return nil, nil, Errorf(EFORBIDDEN, "err.not_minutes_keeper", "N", conf.ID, "Chair", orDash(conf.ChairName), "Secretary", orDash(conf.SecretaryName))
	}
	return f, conf, nil
}

// saveConference stores the conference and has its agenda edited in
// place. The edit is drawn when it is delivered, from the meeting as it is
// then, and while one waits, further changes ride on it: many entries in
// a short while make one edit per channel, and the cost of an entry does
// not grow with the minutes.
func (cs *Conferences) saveConference(ch *Change, f *Forum, conf *Conference) error {
	conf.Version++
	if err := ch.Put(BucketConferences, SeqKey(conf.ID), conf); err != nil {
		return err
	}
	for _, c := range f.Channels {
		item := OutboxItem{
			Key: fmt.Sprintf("conference:%d:agenda:%d@%s", conf.ID, conf.Version, c.Key()), UpdateRef: agendaRef(conf.ID),
			To: c.Destination(), Class: conf.class(KindAgenda),
			Render: &Render{Kind: renderAgenda, ID: conf.ID}, Latest: fmt.Sprintf("agenda:%d@%s", conf.ID, c.Key()),
		}
		if err := ch.Send(item); err != nil {
			return err
		}
	}
	return nil
}

// drawAgenda draws a conference's agenda as it is now.
func (cs *Conferences) drawAgenda(tx Tx, r Render, _ time.Time) (Message, *Render, error) {
	conf, err := GetConference(tx, r.ID)
	if err != nil {
		return Message{}, nil, err
	}
	f, err := GetForum(tx, conf.Forum)
	if err != nil {
		return Message{}, nil, err
	}
	m, err := cs.agenda(tx, f, conf)
	return m, nil, err
}

// Present records the caller's actor in the roll call. A member can only
// answer for their own actor.
func (cs *Conferences) Present(ctx context.Context, c Caller, forumID, actor string) (*Conference, bool, error) {
	var out *Conference
	first := false
	err := cs.Update(ctx, c, func(ch *Change) error {
		first = false
		f, me, err := ch.acting(forumID, PermMember)
		if err != nil {
			return err
		}
		conf, err := RunningConference(ch, f)
		if err != nil {
			return err
		}
		if conf == nil {
			return Errorf(ECONFLICT, "err.no_conference", "Forum", f.ID)
		}
		if actor != "" && actor != me.Actor {
			return Errorf(EFORBIDDEN, "err.present_other_actor", "Actor", actor)
		}
		if !slices.ContainsFunc(conf.Attendance, func(a Attendee) bool { return a.Actor == me.Actor }) {
			first = true
			conf.Attendance = append(conf.Attendance, Attendee{Actor: me.Actor, Member: me.ID, Name: ch.Caller.Name(), At: ch.Now})
			if err := cs.saveConference(ch, f, conf); err != nil {
				return err
			}
			if err := ch.Audit("conference.present", f.ID, map[string]string{"conference": itoa(conf.ID), "actor": me.Actor}, ""); err != nil {
				return err
			}
		}
		out = conf
		return nil
	})
	return out, first, err
}

// Summarize records the chair's summary against the meeting's purpose
// (agenda item 5), replacing an earlier one.
func (cs *Conferences) Summarize(ctx context.Context, c Caller, forumID, text string) (*Conference, error) {
	return cs.minute(ctx, c, forumID, text, "summed_up", func(_ *Change, conf *Conference, e Entry) error {
		conf.Summary = &e
		return nil
	})
}

// Direct records the common direction the meeting agreed ("beslut i
// stort"), replacing an earlier one.
func (cs *Conferences) Direct(ctx context.Context, c Caller, forumID, text string) (*Conference, error) {
	return cs.minute(ctx, c, forumID, text, "direction_set", func(_ *Change, conf *Conference, e Entry) error {
		conf.Direction = &e
		return nil
	})
}

// Decide adds a decision to the minutes.
func (cs *Conferences) Decide(ctx context.Context, c Caller, forumID, text string) (*Conference, error) {
	return cs.minute(ctx, c, forumID, text, "decided", func(ch *Change, conf *Conference, e Entry) error {
		_, err := addDecision(ch, conf, e)
		return err
	})
}

// minute records one free-text entry of the minutes (a decision, the next
// meeting) in the forum's running conference.
func (cs *Conferences) minute(ctx context.Context, c Caller, forumID, text, action string, apply func(*Change, *Conference, Entry) error) (*Conference, error) {
	text = strings.TrimSpace(CleanText(text))
	if text == "" {
		return nil, Errorf(EINVALID, "err.text_required").OnField("text")
	}
	var out *Conference
	err := cs.Update(ctx, c, func(ch *Change) error {
		f, conf, err := running(ch, forumID)
		if err != nil {
			return err
		}
		if err := apply(ch, conf, Entry{Text: text, By: ch.Caller.Name(), At: ch.Now}); err != nil {
			return err
		}
		out = conf
		if err := cs.saveConference(ch, f, conf); err != nil {
			return err
		}
		return ch.Audit("conference."+action, f.ID, map[string]string{"conference": itoa(conf.ID)}, text)
	})
	return out, err
}

// AddAction adds an action item with an owner actor and a due date.
func (cs *Conferences) AddAction(ctx context.Context, c Caller, forumID, text, owner, due string) (*ActionItem, error) {
	text = strings.TrimSpace(CleanText(text))
	if text == "" {
		return nil, Errorf(EINVALID, "err.text_required").OnField("text")
	}
	var out *ActionItem
	err := cs.Update(ctx, c, func(ch *Change) error {
		f, conf, err := running(ch, forumID)
		if err != nil {
			return err
		}
		if !f.HasActor(owner) {
			return Errorf(EINVALID, "err.actor_not_in_forum", "Actor", owner, "Forum", f.ID).OnField("ansvarig")
		}
		loc := f.location()
		day, ok := ParseDay(due, ch.Now, loc)
		if !ok {
			return Errorf(EINVALID, "err.bad_date", "Value", due, "Example", DayExample(ch.Now, loc)).OnField("senast")
		}
		today := ch.Now.In(loc).Format("2006-01-02")
		if due = day.Format("2006-01-02"); due < today {
			return Errorf(EINVALID, "err.date_past", "Value", due, "Today", today).OnField("senast")
		}
		n, err := ch.NextSeq(BucketActions)
		if err != nil {
			return err
		}
		item := &ActionItem{Number: n, Forum: f.ID, Conference: conf.ID, Text: text, Owner: owner, Due: due, By: ch.Caller.Name(), At: ch.Now}
		if err := addAction(ch, conf, item); err != nil {
			return err
		}
		out = item
		if err := cs.saveConference(ch, f, conf); err != nil {
			return err
		}
		return ch.Audit("conference.action", f.ID, map[string]string{"conference": itoa(conf.ID), "action_item": itoa(n), "owner": owner, "due": due}, text)
	})
	return out, err
}

// CloseAction marks action item n done.
func (cs *Conferences) CloseAction(ctx context.Context, c Caller, n uint64) (*ActionItem, error) {
	var out *ActionItem
	err := cs.Update(ctx, c, func(ch *Change) error {
		var a ActionItem
		if err := ch.Get(BucketActions, SeqKey(n), &a); errors.Is(err, ErrNotFound) {
			return Errorf(ENOTFOUND, "err.unknown_action", "N", n)
		} else if err != nil {
			return err
		}
		f, err := ch.forum(a.Forum, PermMinutes)
		if err != nil {
			return err
		}
		a.Done, a.DoneAt = true, ch.Now
		out = &a
		if err := closeAction(ch, &a); err != nil {
			return err
		}
		return ch.Audit("conference.action_done", f.ID, map[string]string{"action_item": itoa(n)}, "")
	})
	return out, err
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

// EndConference closes the conference, stores the minutes and posts them.
func (cs *Conferences) End(ctx context.Context, c Caller, forumID string) (*Conference, error) {
	var out *Conference
	err := cs.Update(ctx, c, func(ch *Change) error {
		f, conf, err := running(ch, forumID)
		if err != nil {
			return err
		}
		conf.EndedAt, conf.EndedBy = ch.Now, ch.Caller.Name()
		conf.Picture = nil
		for _, a := range f.Actors {
			r, err := LatestReport(ch, f.ID, a)
			if err != nil {
				return err
			}
			if r != nil {
				conf.Picture = append(conf.Picture, PictureRef{Actor: a, Number: r.Number, Version: r.Version, TLP: r.TLP, At: r.At})
			}
		}
		f.Conference = 0
		if err := ch.Put(BucketForums, f.ID, f); err != nil {
			return err
		}
		if err := cs.saveConference(ch, f, conf); err != nil {
			return err
		}
		msg, err := cs.minutes(ch, f, conf)
		if err != nil {
			return err
		}
		if err := ch.toChannels(f.Channels, fmt.Sprintf("conference:%d:minutes", conf.ID), conf.class(KindMinutes), msg); err != nil {
			return err
		}
		out = conf
		return ch.Audit("conference.end", f.ID, map[string]string{"conference": itoa(conf.ID), "attending": itoa(uint64(len(conf.Attendance))), "decisions": itoa(uint64(conf.DecisionCount())), "actions": itoa(uint64(conf.ActionCount()))}, PlainText(msg))
	})
	return out, err
}

// PlainText flattens a message, e.g. to hash minutes into the audit log.
func PlainText(m Message) string {
	parts := []string{m.Title, m.Text}
	for _, f := range m.Fields {
		parts = append(parts, f.Title+": "+f.Value)
	}
	for _, s := range m.Sections {
		parts = append(parts, s.Title, s.Text)
	}
	return strings.Join(parts, "\n")
}

// MinutesLine is one ended conference in a forum's list.
type MinutesLine struct {
	Number    uint64
	When      time.Time
	Decisions int
	Actions   int
}

// ListMinutes returns the ended conferences of a forum, for its members.
func (cs *Conferences) ListMinutes(c Caller, forumID string) ([]MinutesLine, *time.Location, error) {
	var out []MinutesLine
	var loc *time.Location
	err := cs.View(func(tx Tx) error {
		c, f, err := cs.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		loc = f.location()
		confs, err := ListConferences(tx, f.ID)
		for _, conf := range confs {
			if !conf.EndedAt.IsZero() && permitCaller(tx, c, f, conf.class(KindMinutes)) == nil {
				out = append(out, MinutesLine{Number: conf.ID, When: conf.Scheduled, Decisions: conf.DecisionCount(), Actions: conf.ActionCount()})
			}
		}
		return err
	})
	return out, loc, err
}

// Minutes returns the minutes of one ended conference, for its members:
// which is its number ("#5" or "5") or a date (YYYY-MM-DD, the forum's
// local time). A date with several meetings — twice a day during a large
// event, or an extra one — lists them by number to choose from.
func (cs *Conferences) Minutes(c Caller, forumID, which string) (Message, error) {
	var m Message
	err := cs.View(func(tx Tx) error {
		c, f, err := cs.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		conf, list, err := cs.pickMinutes(tx, c, f, which)
		if err != nil || conf == nil {
			m = list
			return err
		}
		m, err = cs.minutes(tx, f, conf)
		return err
	})
	return m, err
}

// MinutesPDF sends the caller the minutes of one ended conference as a
// PDF file, by direct message, and returns its name; a date with several
// meetings returns the list to choose from instead.
func (cs *Conferences) MinutesPDF(ctx context.Context, c Caller, forumID, which string) (string, *Message, error) {
	if cs.Print == nil {
		return "", nil, Errorf(ECONFLICT, "err.no_pdf")
	}
	var name string
	var list *Message
	err := cs.Update(ctx, c, func(ch *Change) error {
		name, list = "", nil
		f, err := ch.forum(forumID, PermMember)
		if err != nil {
			return err
		}
		conf, l, err := cs.pickMinutes(ch, ch.Caller, f, which)
		if err != nil {
			return err
		}
		if conf == nil {
			list = &l
			return nil
		}
		m, err := cs.minutes(ch, f, conf)
		if err != nil {
			return err
		}
		doc, err := cs.Print(m, f.Name+" ("+f.ID+")", ch.Now.In(cs.loc()).Format("2006-01-02 15:04"))
		if err != nil {
			return err
		}
		name = fmt.Sprintf("protokoll-%s-%d.pdf", f.ID, conf.ID)
		cl := conf.class(KindMinutes)
		if ch.Caller.Member != nil {
			cl.Named = append(cl.Named, ch.Caller.Member.ID)
		}
		to := Destination{Platform: ch.Caller.Identity.Platform, User: ch.Caller.Identity.UserID}
		comment := Message{TLP: m.TLP, Text: cs.T("conference.minutes_pdf_comment", "Forum", f.Name, "N", conf.ID)}
		if err := ch.Send(OutboxItem{Key: fmt.Sprintf("file:%s:%d", to.key(), ch.Now.UnixNano()), To: to, Class: cl, File: &File{Name: name, Content: doc}, Message: comment}); err != nil {
			return err
		}
		return ch.Audit("conference.minutes_export", f.ID, map[string]string{"file": name, "to": to.key()}, string(doc))
	})
	return name, list, err
}

// pickMinutes finds the ended conference which names (a number, "#N", or
// a date) and checks c may read its minutes; a date with several returns
// no conference and the list to choose from.
func (cs *Conferences) pickMinutes(tx Tx, c Caller, f *Forum, which string) (*Conference, Message, error) {
	number, byNumber := uint64(0), false
	if n, err := strconv.ParseUint(strings.TrimPrefix(which, "#"), 10, 64); err == nil {
		number, byNumber = n, true
	} else if _, err := time.Parse("2006-01-02", which); err != nil {
		return nil, Message{}, Errorf(EINVALID, "err.bad_minutes_ref", "Value", which).OnField("datum")
	}
	confs, err := ListConferences(tx, f.ID)
	if err != nil {
		return nil, Message{}, err
	}
	var found []Conference
	for _, conf := range confs {
		if conf.EndedAt.IsZero() {
			continue
		}
		if (byNumber && conf.ID == number) || (!byNumber && conf.Scheduled.In(f.location()).Format("2006-01-02") == which) {
			found = append(found, conf)
		}
	}
	switch len(found) {
	case 0:
		if byNumber {
			return nil, Message{}, Errorf(ENOTFOUND, "err.no_minutes_number", "N", number, "Forum", f.ID)
		}
		return nil, Message{}, Errorf(ENOTFOUND, "err.no_minutes", "Date", which, "Forum", f.ID)
	case 1:
		if err := permitCaller(tx, c, f, found[0].class(KindMinutes)); err != nil {
			return nil, Message{}, err
		}
		return &found[0], Message{}, nil
	}
	var lines []string
	for _, conf := range found {
		lines = append(lines, cs.T("conference.day_line", "N", conf.ID, "Time", conf.Scheduled.In(f.location()).Format("15:04"), "Decisions", conf.DecisionCount()))
	}
	return nil, Message{Title: cs.T("conference.day_title", "Forum", f.Name, "Date", which, "Count", len(found)),
		Text: strings.Join(lines, "\n") + "\n" + cs.T("conference.day_pick", "Forum", f.ID, "N", found[0].ID)}, nil
}
