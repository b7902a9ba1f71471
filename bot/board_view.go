package bot

import (
	"slices"
	"strings"
	"time"
)

// The board as data: what a member may see of a forum, in the shape a
// person scans at 03:00 — one row per organisation, the meeting, the
// action items as a checklist, the statements waiting, the picture and
// the forum's events. Nothing here is chat syntax; the board package
// draws it. Every part passes the same rules as chat (readForum,
// compiledFor, permitCaller, mayReadStatement, mayReadContact).

// BoardView is a forum's board as one member may see it.
type BoardView struct {
	Forum  Forum
	Reader string
	Drawn  time.Time
	// Version changes whenever anything the board shows may have
	// (forumVersion).
	Version  uint64
	Exercise bool
	// Label is the strictest label of what the board shows: the one a
	// printed page carries.
	Label TLP
	// Activation is the current activation, nil in normal mode.
	Activation *BoardActivation
	Orgs       []BoardOrg
	Meeting    BoardMeeting
	Actions    []BoardAction
	Picture    BoardPicture
	Pending    []BoardStatement
	// Released are the released statements, newest first (at most
	// boardReleased), withdrawn ones included.
	Released []BoardReleased
	// AfterAction is the activation whose after-action report the board
	// links (the running or latest one), 0 for none.
	AfterAction uint64
	// Requests are the open information requests, oldest first.
	Requests []BoardRequest
	Timeline []TimelineEntry
	// Undelivered counts messages that did not reach a channel since the
	// activation (or the last day).
	Undelivered int
}

// BoardActivation is the activation in force.
type BoardActivation struct {
	At, Deadline time.Time
	By           string
	Purposes     string
	Escalated    bool
	Acked, Of    int
}

// Organisation states on the board.
const (
	OrgAcked   = "acked"   // acknowledged the call-in
	OrgWaiting = "waiting" // called in, within the deadline
	OrgLate    = "late"    // called in, deadline passed
	OrgNormal  = "normal"  // no activation
)

// BoardOrg is one organisation of the forum.
type BoardOrg struct {
	ID, Name string
	Host     bool
	State    string // Org*
	// AckAt and AckBy say who acknowledged and when; AckAfter is how long
	// after the activation; AckLate is set when that was after the
	// deadline.
	AckAt    time.Time
	AckBy    string
	AckAfter time.Duration
	AckLate  bool
	// LateBy is how long past the deadline an organisation still has not
	// answered.
	LateBy time.Duration
	// Report is its latest report the reader may see; Withheld is set
	// when it has one the reader may not; Stale when the latest is older
	// than the forum's limit.
	Report   *BoardReport
	Withheld bool
	Stale    bool
	// Present is set when someone of it attends the running meeting.
	Present bool
	// Contact is its 24/7 contact, when the reader may read it.
	Contact *Contact
}

// BoardReport is a report's identity, age and label.
type BoardReport struct {
	Number  uint64
	Version int
	At      time.Time
	Age     time.Duration
	Label   TLP
	Author  string
}

// BoardMeeting is the running meeting, or the next one.
type BoardMeeting struct {
	Running                                bool
	Withheld                               bool // one runs, but its label is above the reader
	Number                                 uint64
	Since                                  time.Time
	Label                                  TLP
	Convener, Chair, Secretary, Form, Join string
	Purposes                               string
	Present, Of                            int
	Decisions                              []BoardDecision
	Direction, Summary                     string
	// Next is when the next meeting is, zero when none is; NextBooked
	// says it was booked (NextNote is its purpose), else it is the
	// schedule's (Schedule).
	Next                         time.Time
	NextBooked                   bool
	NextNote, NextForm, NextJoin string
	Schedule                     string
}

// BoardDecision is one decision of the meeting, numbered meeting:order
// (2:1, 2:2 …) as minutes number them.
type BoardDecision struct {
	Ref  string
	Text string
	By   string
	At   time.Time
}

// BoardAction is an open action item.
type BoardAction struct {
	Number  uint64
	Text    string
	Owner   string
	Due     string // YYYY-MM-DD
	Overdue bool
	Meeting uint64
}

// BoardPicture is the common picture as the reader may see it.
type BoardPicture struct {
	At       time.Time
	Label    TLP
	Withheld int
	Parts    []BoardPart
	Missing  []string
}

// BoardPart is one organisation's shared sections.
type BoardPart struct {
	Org      string
	Label    TLP
	Author   string
	At       time.Time
	Exercise bool
	Sections []BoardSection
}

// BoardSection is one section of a report.
type BoardSection struct{ Title, Text string }

// BoardStatement is a statement waiting for approval.
type BoardStatement struct {
	Number             uint64
	Revision           int
	Text               string
	Audience           string
	Label              TLP
	Author             string
	ReleaseBy          time.Time
	Approved, Required int
	Approvers          []BoardApprover
}

// BoardReleased is a released statement on the board.
type BoardReleased struct {
	Number    uint64
	Text      string
	Label     TLP
	Released  time.Time
	Withdrawn bool
	// CAP is set when it is public (TLP:CLEAR): it has a CAP alert.
	CAP bool
}

// BoardRequest is an open information request on the board.
type BoardRequest struct {
	Number       uint64
	Text, Asker  string
	Due          time.Time
	Overdue      bool
	Answered, Of int
	// Missing are the organisations that have not answered.
	Missing []string
}

// boardReleased is how many released statements the board lists.
const boardReleased = 10

// Approver states on the board.
const (
	ApproverPending  = "pending"
	ApproverApproved = "approved"
	ApproverRejected = "rejected"
	ApproverGone     = "gone"
)

// BoardApprover is one approver and where they stand.
type BoardApprover struct {
	Name, Org, State, Reason string
	At                       time.Time
}

// TimelineEntry is one of the forum's events: what happened to the
// forum, not who looked at it.
type TimelineEntry struct {
	Time time.Time
	Who  string
	What string
	// Kind groups events for the board's filter: activation, report,
	// meeting, statement, forum.
	Kind string
}

// TimelineKinds are the groups the board filters events by.
var TimelineKinds = []string{"activation", "report", "meeting", "statement", "forum"}

// timelineKind is the group of an audit action, "" for events that are
// not the forum's own (opening the board, exports, delivery checks).
func timelineKind(action string) string {
	switch {
	case strings.HasPrefix(action, "board."), strings.HasSuffix(action, "export"), strings.HasPrefix(action, "gate."):
		return ""
	case strings.HasPrefix(action, "activation."):
		return "activation"
	case strings.HasPrefix(action, "report."):
		return "report"
	case strings.HasPrefix(action, "conference."):
		return "meeting"
	case strings.HasPrefix(action, "statement."):
		return "statement"
	}
	return "forum"
}

// board fills v for c.
func (s *Boards) board(tx Tx, c Caller, f *Forum, v *BoardView, kind string) error {
	s = &Boards{s.in(f)}
	now := v.Drawn
	names := actorNames(tx, f.Actors)
	a, err := CurrentActivation(tx, f)
	if err != nil {
		return err
	}
	conf, err := RunningConference(tx, f)
	if err != nil {
		return err
	}
	if a != nil && a.Exercise || f.Exercise {
		v.Exercise = true
	}
	if a != nil {
		v.Activation = &BoardActivation{At: a.At, Deadline: a.Deadline, By: a.ByName, Purposes: s.purposes(a.Purposes),
			Escalated: a.Escalated, Acked: len(a.Acks), Of: len(a.Actors)}
	}
	comp, err := s.compiledFor(tx, c, f)
	if err != nil {
		return err
	}
	if comp.Exercise {
		v.Exercise = true
	}
	shown := map[string]*Report{}
	for i := range comp.Reports {
		shown[comp.Reports[i].Actor] = &comp.Reports[i]
	}
	stale := map[string]bool{}
	for _, id := range comp.Stale {
		stale[id] = true
	}
	missing := map[string]bool{}
	for _, id := range comp.Missing {
		missing[id] = true
	}
	for _, id := range f.Actors {
		o := BoardOrg{ID: id, Name: names[id], Host: id == f.Host, State: OrgNormal, Stale: stale[id]}
		if a != nil && slices.Contains(a.Actors, id) {
			switch ack := a.AckOf(id); {
			case ack != nil:
				o.State, o.AckAt, o.AckBy, o.AckAfter, o.AckLate = OrgAcked, ack.At, ack.Name, ack.At.Sub(a.At), ack.At.After(a.Deadline)
			case now.After(a.Deadline):
				o.State, o.LateBy = OrgLate, now.Sub(a.Deadline)
			default:
				o.State = OrgWaiting
			}
		}
		if r := shown[id]; r != nil {
			o.Report = &BoardReport{Number: r.Number, Version: r.Version, At: r.At, Age: now.Sub(r.At), Label: r.TLP, Author: r.AuthorName}
		} else if !missing[id] {
			o.Withheld = true // it has one, above the reader's label
		}
		if conf != nil {
			for _, at := range conf.Attendance {
				o.Present = o.Present || at.Actor == id
			}
		}
		if mayReadContact(tx, c, id) {
			if act, err := GetActor(tx, id); err == nil {
				o.Contact = &act.Contact
			}
		}
		v.Orgs = append(v.Orgs, o)
	}
	v.Picture = BoardPicture{At: comp.At, Label: comp.TLP, Withheld: comp.Withheld}
	for _, id := range comp.Missing {
		v.Picture.Missing = append(v.Picture.Missing, names[id])
	}
	for _, r := range comp.Reports {
		p := BoardPart{Org: names[r.Actor], Label: r.TLP, Author: r.AuthorName, At: r.At, Exercise: r.Exercise}
		for _, sec := range r.Sections {
			p.Sections = append(p.Sections, BoardSection{Title: s.sectionTitle(sec.Key), Text: sec.Text})
		}
		v.Picture.Parts = append(v.Picture.Parts, p)
	}
	if v.Meeting, err = s.boardMeeting(tx, c, f, conf, names, now); err != nil {
		return err
	}
	actions, err := OpenActions(tx, f.ID)
	if err != nil {
		return err
	}
	today := now.In(f.location()).Format("2006-01-02")
	for _, it := range actions {
		v.Actions = append(v.Actions, BoardAction{Number: it.Number, Text: it.Text, Owner: names[it.Owner], Due: it.Due,
			Overdue: it.Due < today, Meeting: it.Conference})
	}
	if v.Pending, v.Released, err = s.boardStatements(tx, c, f, names); err != nil {
		return err
	}
	v.AfterAction = latestActivation(f)
	open, err := openRequests(tx, f.ID)
	if err != nil {
		return err
	}
	for _, r := range open {
		v.Requests = append(v.Requests, BoardRequest{Number: r.Number, Text: r.Text, Asker: r.AskerName + " (" + names[r.AskerActor] + ")",
			Due: r.Due, Overdue: !now.Before(r.Due), Answered: len(r.Asked) - len(r.Missing()), Of: len(r.Asked), Missing: actorNameList(tx, r.Missing())})
	}
	since := now.Add(-24 * time.Hour)
	if a != nil {
		since = a.At
	}
	lost, err := UndeliveredSince(tx, f.ID, since)
	if err != nil {
		return err
	}
	v.Undelivered = len(lost)
	v.Label = v.Picture.Label
	if v.Meeting.Running && !v.Meeting.Withheld {
		v.Label = Strictest(v.Label, v.Meeting.Label)
	}
	for _, st := range v.Pending {
		v.Label = Strictest(v.Label, st.Label)
	}
	return s.timeline(tx, f, v, kind)
}

// boardMeeting is the running meeting as c may see it, or the next one.
func (s *Boards) boardMeeting(tx Tx, c Caller, f *Forum, conf *Conference, names map[string]string, now time.Time) (BoardMeeting, error) {
	s = &Boards{s.in(f)}
	var m BoardMeeting
	if conf != nil {
		m.Running, m.Number, m.Since, m.Label = true, conf.ID, conf.Started, conf.Label()
		if permitCaller(tx, c, f, conf.class(KindAgenda)) != nil {
			m.Withheld = true
			return m, nil
		}
		m.Convener, m.Chair, m.Secretary, m.Join = names[conf.Convener], conf.ChairName, conf.SecretaryName, conf.Join
		if conf.Form != "" {
			m.Form = s.T("form." + conf.Form)
		}
		m.Purposes = s.purposes(conf.Purposes)
		present := map[string]bool{}
		for _, at := range conf.Attendance {
			present[at.Actor] = true
		}
		m.Present, m.Of = len(present), len(f.Actors)
		decisions, err := ConferenceDecisions(tx, conf)
		if err != nil {
			return m, err
		}
		for i, d := range decisions {
			m.Decisions = append(m.Decisions, BoardDecision{Ref: decisionRef(conf.ID, i+1), Text: d.Text, By: d.By, At: d.At})
		}
		if conf.Direction != nil {
			m.Direction = conf.Direction.Text
		}
		if conf.Summary != nil {
			m.Summary = conf.Summary.Text
		}
	}
	next, err := NextMeeting(tx, f, now)
	if err != nil || next == nil {
		return m, err
	}
	m.Next = next.At
	if next.Booked != nil {
		m.NextBooked, m.NextNote, m.NextJoin = true, s.purposes(next.Booked.Purposes), next.Booked.Join
		if next.Booked.Form != "" {
			m.NextForm = s.T("form." + next.Booked.Form)
		}
	} else if f.Schedule != nil {
		m.Schedule = f.Schedule.Describe(s.Lang)
	}
	return m, nil
}

// decisionRef numbers a decision by its meeting and its order in it, as
// minutes do: "2:1".
func decisionRef(meeting uint64, n int) string {
	return itoa(meeting) + ":" + itoa(uint64(n))
}

// boardStatements are the statements waiting for approval that c may
// see, with each approver's state.
func (s *Boards) boardStatements(tx Tx, c Caller, f *Forum, names map[string]string) ([]BoardStatement, []BoardReleased, error) {
	s = &Boards{s.in(f)}
	var out []BoardStatement
	var released []BoardReleased
	err := forumStatements(tx, f.ID, func(st *Statement) error {
		if mayReadStatement(tx, c, f, st) != nil {
			return nil
		}
		cur := st.Current()
		if at := st.releasedAt(); !at.IsZero() {
			released = append(released, BoardReleased{Number: st.Number, Text: cur.Text, Label: cur.TLP, Released: at,
				Withdrawn: st.State == StatementWithdrawn, CAP: cur.TLP == TLPClear})
		}
		if st.State != StatementDraft {
			return nil
		}
		t := tally(tx, f, st)
		b := BoardStatement{Number: st.Number, Revision: cur.N, Text: cur.Text, Audience: s.T("audience." + string(cur.Audience)),
			Label: cur.TLP, Author: st.AuthorName, ReleaseBy: cur.ReleaseBy, Approved: t.Approved, Required: t.Required}
		for _, ap := range st.Approvers {
			x := BoardApprover{Name: ap.Name, Org: names[ap.Actor], State: ApproverPending}
			switch {
			case !takesPart(tx, f, ap):
				x.State = ApproverGone
			case st.approved(ap):
				x.State, x.At = ApproverApproved, ap.At
			case ap.State == "rejected" && ap.Hash == cur.Hash:
				x.State, x.Reason, x.At = ApproverRejected, ap.Reason, ap.At
			}
			b.Approvers = append(b.Approvers, x)
		}
		out = append(out, b)
		return nil
	})
	slices.Reverse(released)
	return out, released[:min(len(released), boardReleased)], err
}

// timelineScan bounds how many of the forum's newest events the board
// reads to find timelineLength of its own: the cost stays flat however
// long the log grows.
const timelineScan = 5 * timelineLength

// timeline is the forum's latest events of kind ("" for all), newest
// first.
func (s *Boards) timeline(tx Tx, f *Forum, v *BoardView, kind string) error {
	s = &Boards{s.in(f)}
	evs, err := LatestAbout(tx, f.ID, timelineScan)
	if err != nil {
		return err
	}
	for _, ev := range evs {
		k := timelineKind(ev.Action)
		if k == "" || ev.Details["file"] != "" || kind != "" && k != kind { // a file sent to one person is theirs
			continue
		}
		v.Timeline = append(v.Timeline, TimelineEntry{Time: ev.Time, Who: ev.WhoName, What: s.T("audit." + ev.Action), Kind: k})
		if len(v.Timeline) == timelineLength {
			break
		}
	}
	return nil
}
