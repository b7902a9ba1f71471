package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Note is an observation an exercise leader records during an activation
// (`övning notering`), carried by the after-action report.
type Note struct {
	By   string    `json:"by"`
	Name string    `json:"name"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// AfterAction is the after-action report of one activation, built from
// the stored records and audit events alone (never chat history, which a
// platform may hide): who answered the call-in and when, reminders and
// escalation, meetings with their decisions and open actions, statements
// from draft to release, information requests, the exercise leader's
// notes, and what deviated from the forum's targets.
type AfterAction struct {
	Forum      *Forum
	Activation *Activation
	// End is when the activation ended, or now while it runs.
	End     time.Time
	Ongoing bool
	// Label is the strictest label of what the report holds.
	Label       TLP
	Orgs        []AfterOrg
	Reminders   []time.Time
	Escalations []time.Time
	Meetings    []AfterMeeting
	Statements  []AfterStatement
	Requests    []AfterRequest
	Notes       []Note
	// Withheld counts the parts the reader may not see (TLP:RED ones not
	// meant for them).
	Withheld   int
	Deviations []string
}

// AfterOrg is one organisation called in.
type AfterOrg struct {
	Actor, Name string
	Acked       time.Time
	AckedBy     string
	FirstReport time.Time
	// Late is set when it acknowledged after the deadline or not at all.
	Late bool
}

// AfterMeeting is one meeting held during the activation.
type AfterMeeting struct {
	ID             uint64
	Started, Ended time.Time
	Decisions      []string
	OpenActions    []string
	Label          TLP
}

// AfterStatement is one statement drafted during the activation.
type AfterStatement struct {
	Number           uint64
	Text             string
	Label            TLP
	Drafted          time.Time
	Released         time.Time
	State            string
	Approvals        []AfterApproval
	RevisionsOfDraft int
}

// AfterApproval is one approval of the released (or current) revision.
type AfterApproval struct {
	Name, Org string
	At        time.Time
}

// AfterRequest is one information request asked during the activation.
type AfterRequest struct {
	Number     uint64
	Text       string
	Asked, Due time.Time
	Answered   int
	Of         int
	Silent     []string
}

// Note records an exercise leader's observation on the forum's running
// activation.
func (s *Activations) Note(ctx context.Context, c Caller, forumID, text string) (*Activation, error) {
	text = CanonicalText(text)
	if text == "" {
		return nil, Errorf(EINVALID, "err.note_text").OnField("text")
	}
	var out *Activation
	err := s.Update(ctx, c, func(ch *Change) error {
		f, me, err := ch.acting(forumID, PermExerciseNote)
		if err != nil {
			return err
		}
		if f.Activation == 0 {
			return Errorf(ECONFLICT, "err.note_not_active", "Forum", f.ID)
		}
		a, err := GetActivation(ch, f.Activation)
		if err != nil {
			return err
		}
		a.Notes = append(a.Notes, Note{By: me.ID, Name: ch.Caller.Name(), Text: text, At: ch.Now})
		if err := ch.Put(BucketActivations, SeqKey(a.ID), a); err != nil {
			return err
		}
		out = a
		return ch.Audit("activation.note", f.ID, map[string]string{"activation": itoa(a.ID)}, text)
	})
	return out, err
}

// AfterAction builds the after-action report of forum's activation n (0:
// the running one, or else the latest) as c may read it.
func (s *Activations) AfterAction(c Caller, forumID string, n uint64) (*AfterAction, error) {
	var out *AfterAction
	err := s.View(func(tx Tx) error {
		c, f, err := s.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		a, err := pickActivation(tx, f, n)
		if err != nil {
			return err
		}
		out, err = s.afterAction(tx, c, f, a)
		return err
	})
	return out, err
}

// latestActivation is forum f's running or latest activation's ID, as
// the forum keeps it (0 for none): what the board links, at no cost.
func latestActivation(f *Forum) uint64 { return max(f.Activation, f.LastActivation) }

// pickActivation is activation n of forum f, or its running or latest one.
// A forum last activated before it kept its latest looks it up once.
func pickActivation(tx Tx, f *Forum, n uint64) (*Activation, error) {
	if n == 0 {
		n = latestActivation(f)
	}
	if n == 0 {
		var last *Activation
		err := tx.ForEach(BucketActivations, "", func(_ string, decode func(any) error) error {
			var a Activation
			if err := decode(&a); err != nil {
				return err
			}
			if a.Forum == f.ID {
				last = &a
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if last == nil {
			return nil, Errorf(ENOTFOUND, "err.no_activation_yet", "Forum", f.ID)
		}
		return last, nil
	}
	a, err := GetActivation(tx, n)
	if err != nil || a.Forum != f.ID {
		return nil, Errorf(ENOTFOUND, "err.no_such_activation", "N", n, "Forum", f.ID)
	}
	return a, nil
}

// within reports whether t falls in the activation's time.
func (r *AfterAction) within(t time.Time) bool {
	return !t.Before(r.Activation.At) && !t.After(r.End)
}

func (s *Activations) afterAction(tx Tx, c Caller, f *Forum, a *Activation) (*AfterAction, error) {
	s = &Activations{s.in(f)}
	r := &AfterAction{Forum: f, Activation: a, End: a.EndedAt, Label: TLPGreen, Notes: a.Notes}
	if r.End.IsZero() {
		r.End, r.Ongoing = s.Clock.Now(), true
	}
	names := actorNames(tx, f.Actors)
	for _, actor := range a.Actors {
		o := AfterOrg{Actor: actor, Name: names[actor], Late: true}
		if ack := a.AckOf(actor); ack != nil {
			o.Acked, o.AckedBy, o.Late = ack.At, ack.Name, ack.At.After(a.Deadline)
		}
		versions, err := ReportVersions(tx, f.ID, actor)
		if err != nil {
			return nil, err
		}
		for _, rep := range versions {
			if r.within(rep.At) {
				o.FirstReport = rep.At
				break
			}
		}
		r.Orgs = append(r.Orgs, o)
	}
	// Reminders and the escalation, from the audit log: newest first,
	// back to the activation.
	if err := eachAuditAbout(tx, f.ID, func(ev AuditEvent) bool {
		if ev.Time.Before(a.At) {
			return false
		}
		if r.within(ev.Time) && ev.Details["activation"] == itoa(a.ID) {
			switch strings.TrimPrefix(ev.Action, "activation.") { // audit actions
			case "reminder":
				r.Reminders = append([]time.Time{ev.Time}, r.Reminders...)
			case "escalation":
				r.Escalations = append([]time.Time{ev.Time}, r.Escalations...)
			}
		}
		return true
	}); err != nil {
		return nil, err
	}
	confs, err := ListConferences(tx, f.ID)
	if err != nil {
		return nil, err
	}
	for i := range confs {
		conf := &confs[i]
		if !r.within(conf.Started) {
			continue
		}
		m := AfterMeeting{ID: conf.ID, Started: conf.Started, Ended: conf.EndedAt, Label: conf.Label()}
		if permitCaller(tx, c, f, Class{Kind: KindMinutes, Forum: f.ID, TLP: m.Label, Exercise: conf.Exercise}) != nil {
			r.Withheld++
			continue
		}
		ds, err := ConferenceDecisions(tx, conf)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			m.Decisions = append(m.Decisions, d.Text)
		}
		as, err := ConferenceActions(tx, conf)
		if err != nil {
			return nil, err
		}
		for _, it := range as {
			if !it.Done {
				m.OpenActions = append(m.OpenActions, fmt.Sprintf("#%d %s (%s, %s)", it.Number, it.Text, names[it.Owner], it.Due))
			}
		}
		r.Label = Strictest(r.Label, m.Label)
		r.Meetings = append(r.Meetings, m)
	}
	err = forumStatements(tx, f.ID, func(st *Statement) error {
		if !r.within(st.Created) {
			return nil
		}
		if mayReadStatement(tx, c, f, st) != nil {
			r.Withheld++
			return nil
		}
		cur := st.Current()
		x := AfterStatement{Number: st.Number, Text: cur.Text, Label: cur.TLP, Drafted: st.Created, Released: st.releasedAt(), State: st.State, RevisionsOfDraft: len(st.Revisions)}
		for _, ap := range st.Approvers {
			if st.approved(ap) {
				x.Approvals = append(x.Approvals, AfterApproval{Name: ap.Name, Org: names[ap.Actor], At: ap.At})
			}
		}
		slices.SortFunc(x.Approvals, func(p, q AfterApproval) int { return p.At.Compare(q.At) })
		r.Label = Strictest(r.Label, cur.TLP)
		r.Statements = append(r.Statements, x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.ForEach(BucketInfoRequests, "", func(_ string, decode func(any) error) error {
		var q InfoRequest
		if err := decode(&q); err != nil || q.Forum != f.ID || !r.within(q.Created) {
			return err
		}
		r.Requests = append(r.Requests, AfterRequest{Number: q.Number, Text: q.Text, Asked: q.Created, Due: q.Due,
			Answered: len(q.Asked) - len(q.Missing()), Of: len(q.Asked), Silent: actorNameList(tx, q.Missing())})
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.Deviations = s.deviations(r)
	return r, nil
}

// deviations are where the activation missed the forum's targets: the
// call-in deadline, a first report, release-by times, request deadlines.
func (s *Activations) deviations(r *AfterAction) []string {
	s = &Activations{s.in(r.Forum)}
	var out []string
	for _, o := range r.Orgs {
		switch {
		case o.Acked.IsZero():
			out = append(out, s.T("aar.dev_no_ack", "Org", o.Name))
		case o.Late:
			out = append(out, s.T("aar.dev_late_ack", "Org", o.Name, "Late", roundMinutes(o.Acked.Sub(r.Activation.Deadline))))
		}
		if o.FirstReport.IsZero() {
			out = append(out, s.T("aar.dev_no_report", "Org", o.Name))
		}
	}
	for _, q := range r.Requests {
		if len(q.Silent) > 0 && !r.End.Before(q.Due) {
			out = append(out, s.T("aar.dev_request", "N", q.Number, "Orgs", strings.Join(q.Silent, ", ")))
		}
	}
	for _, st := range r.Statements {
		if st.State == StatementDraft {
			out = append(out, s.T("aar.dev_unreleased", "N", st.Number))
		}
	}
	return out
}

// roundMinutes shows a duration in whole minutes ("12 min").
func roundMinutes(d time.Duration) string {
	return fmt.Sprintf("%d min", int(d.Round(time.Minute).Minutes()))
}
