package bot

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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
	// ClosedForNext is when the next meeting fell due, when this one was
	// still open then and the bot ended it.
	ClosedForNext time.Time `json:"closed_for_next,omitzero"`
	// Framed are the channels (Channel.Key) that hold people who may not
	// read the meeting's label: they get its frame, members the rest
	// (guests.go).
	Framed []string `json:"framed,omitempty"`
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

// Buckets of conferences.
const (
	BucketConferences = "conferences"
	BucketOccurrences = "occurrences"
	BucketActions     = "actions"
	// BucketPlanned holds the next meeting each meeting decided, by the
	// deciding meeting's number.
	BucketPlanned = "planned_meetings"
)

// GetConference returns conference id.
func GetConference(tx Tx, id uint64) (*Conference, error) {
	return getRecord[Conference](tx, BucketConferences, SeqKey(id), func() error { return Errorf(ENOTFOUND, "err.unknown_conference", "N", id) })
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

// startConference opens a conference and posts its agenda everywhere.
func (cs *Conferences) startConference(ch *Change, f *Forum, scheduled time.Time, occ string, late bool, by string, cv Convening) (*Conference, error) {
	cs = &Conferences{cs.in(f)}
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
	if err := cs.postAgenda(ch, f, conf); err != nil {
		return nil, err
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
		if slices.Contains(conf.Framed, c.Key()) {
			item.Class.TLP, item.Render.Frame = TLPGreen, true
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
	m, err := cs.agendaView(tx, f, conf, r.Frame)
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
