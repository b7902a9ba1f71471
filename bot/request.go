package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"samverkan/catalog"
)

// InfoRequest is an information request (WIS "begäran", FSPOS "begäran
// om ställningstagande"): a question from one organisation of a forum to
// some or all of the others, answered per organisation by a deadline.
type InfoRequest struct {
	Number     uint64    `json:"number"`
	Forum      string    `json:"forum"`
	Text       string    `json:"text"`
	Asker      string    `json:"asker"` // member ID
	AskerName  string    `json:"asker_name"`
	AskerActor string    `json:"asker_actor"`
	Asked      []string  `json:"asked"` // actor IDs
	Created    time.Time `json:"created"`
	Due        time.Time `json:"due"`
	Exercise   bool      `json:"exercise,omitempty"`
	// Kind is RequestReport for a request for fresh reports (`lägesbild
	// begär`), answered by filing one; "" for a question.
	Kind string `json:"kind,omitempty"`
	// Answers are every answer given, in order; an organisation's latest
	// one counts.
	Answers []RequestAnswer `json:"answers,omitempty"`
	// Overdue records that the deadline passed with answers missing.
	Overdue bool `json:"overdue,omitempty"`
}

// RequestAnswer is one organisation's answer, labelled like a report.
type RequestAnswer struct {
	Actor  string    `json:"actor"`
	Member string    `json:"member"`
	Name   string    `json:"name"`
	Text   string    `json:"text"`
	TLP    TLP       `json:"tlp"`
	At     time.Time `json:"at"`
	// Internal answers are for the asking organisation only: no one else
	// in the forum reads them, whatever the label.
	Internal bool `json:"internal,omitempty"`
}

// RequestReport is the kind of request that a report answers.
const RequestReport = "report"

// BucketOpenInfoRequests indexes the open requests by forum
// (forum|sequence -> number): filing a report and drawing the board look
// only at them, however many were answered before.
const BucketOpenInfoRequests = "open_info_requests"

// BucketInfoRequests holds information requests by number.
const BucketInfoRequests = "info_requests"

const (
	timerRequestReminder = "request-reminder"
	timerRequestDue      = "request-due"
)

// DefaultRequestTime is how long the asked have when the asker gives no
// deadline.
const DefaultRequestTime = time.Hour

// Requests is the service for information requests.
type Requests struct{ *core }

// latest is each asked organisation's latest answer.
func (r *InfoRequest) latest() map[string]RequestAnswer {
	out := map[string]RequestAnswer{}
	for _, a := range r.Answers {
		out[a.Actor] = a
	}
	return out
}

// Missing are the asked organisations that have not answered.
func (r *InfoRequest) Missing() []string {
	got := r.latest()
	var out []string
	for _, a := range r.Asked {
		if _, ok := got[a]; !ok {
			out = append(out, a)
		}
	}
	return out
}

// Open reports whether some asked organisation has not answered.
func (r *InfoRequest) Open() bool { return len(r.Missing()) > 0 }

// GetRequest returns information request #n.
func GetRequest(tx Tx, n uint64) (*InfoRequest, error) {
	return getRecord[InfoRequest](tx, BucketInfoRequests, SeqKey(n), func() error { return Errorf(ENOTFOUND, "err.unknown_request", "N", n) })
}

// requestClass is the class of the request itself: GREEN, for the forum,
// the asker's actor its owner.
func requestClass(r *InfoRequest) Class {
	return Class{Kind: KindRequest, Forum: r.Forum, TLP: TLPGreen, Exercise: r.Exercise, Owners: []string{r.AskerActor}}
}

// answerClass is the class of an answer: its label, its organisation as
// owner, and the asker and the one who answered as the members a TLP:RED
// answer may reach.
func answerClass(r *InfoRequest, a RequestAnswer) Class {
	return Class{Kind: KindRequestAnswer, Forum: r.Forum, TLP: a.TLP, Exercise: r.Exercise, Owners: []string{a.Actor}, Named: []string{r.Asker, a.Member}}
}

// mayReadAnswer is the one rule for who reads an answer: whoever the
// gate lets read its label (TLP:RED only the asker and the one who
// answered), and for an internal answer only the members of the asking
// and the answering organisation.
func mayReadAnswer(tx Tx, c Caller, f *Forum, r *InfoRequest, a RequestAnswer) error {
	if err := permitCaller(tx, c, f, answerClass(r, a)); err != nil {
		return err
	}
	if a.Internal && (c.Member == nil || c.Member.Actor != a.Actor && c.Member.Actor != r.AskerActor) {
		return Errorf(EFORBIDDEN, "err.answer_internal", "Actor", a.Actor, "Asker", r.AskerActor)
	}
	return nil
}

// Ask sends a request from the caller's organisation to the duty
// officers of the organisations asked (nil: every other organisation of
// the forum), with a button to answer; the asked are reminded at half
// time and the asker is told at the deadline who has not answered.
func (s *Requests) Ask(ctx context.Context, c Caller, forumID, text string, asked []string, due time.Time) (*InfoRequest, error) {
	text = CanonicalText(text)
	if text == "" {
		return nil, Errorf(EINVALID, "err.request_text").OnField("text")
	}
	var out *InfoRequest
	err := s.Update(ctx, c, func(ch *Change) error {
		f, me, err := ch.acting(forumID, PermMember)
		if err != nil {
			return err
		}
		if due.IsZero() {
			due = ch.Now.Add(DefaultRequestTime)
		}
		if !due.After(ch.Now) {
			return Errorf(EINVALID, "err.when_past", "Value", due.In(s.loc()).Format("2006-01-02 15:04"), "Now", ch.Now.In(s.loc()).Format("15:04"), "Example", "senast=17:00").OnField("senast")
		}
		if asked == nil {
			asked = slices.DeleteFunc(slices.Clone(f.Actors), func(a string) bool { return a == me.Actor })
		}
		for _, a := range asked {
			if !f.HasActor(a) {
				return Errorf(EINVALID, "err.actor_not_in_forum", "Actor", a, "Forum", f.ID).OnField("till")
			}
		}
		slices.Sort(asked)
		asked = slices.Compact(asked)
		if len(asked) == 0 {
			return Errorf(EINVALID, "err.request_nobody", "Forum", f.ID).OnField("till")
		}
		r := &InfoRequest{Forum: f.ID, Text: text, Asker: me.ID, AskerName: ch.Caller.Name(), AskerActor: me.Actor,
			Asked: asked, Created: ch.Now, Due: due, Exercise: exercising(ch, f)}
		if err := storeRequest(ch, r); err != nil {
			return err
		}
		if err := s.tell(ch, f, r, asked, "ask"); err != nil {
			return err
		}
		out = r
		return ch.Audit("request.ask", f.ID, map[string]string{"request": itoa(r.Number), "asked": strings.Join(asked, ","), "due": due.UTC().Format(time.RFC3339)}, text)
	})
	return out, err
}

// storeRequest numbers and stores request r and sets its half-time
// reminder and its deadline.
func storeRequest(ch *Change, r *InfoRequest) error {
	n, err := ch.NextSeq(BucketInfoRequests)
	if err != nil {
		return err
	}
	r.Number = n
	if err := ch.Put(BucketInfoRequests, SeqKey(n), r); err != nil {
		return err
	}
	if err := ch.Put(BucketOpenInfoRequests, r.Forum+"|"+SeqKey(n), n); err != nil {
		return err
	}
	for _, t := range requestTimers(r) {
		if err := ch.SetTimer(t); err != nil {
			return err
		}
	}
	return nil
}

// requestTimers are r's half-time reminder and its deadline.
func requestTimers(r *InfoRequest) []Timer {
	half := r.Created.Add(r.Due.Sub(r.Created) / 2)
	return []Timer{{Due: half, Kind: timerRequestReminder, Ref: itoa(r.Number), Forum: r.Forum}, {Due: r.Due, Kind: timerRequestDue, Ref: itoa(r.Number), Forum: r.Forum}}
}

// closeRequest ends a request every organisation has answered: its
// timers are removed, and it leaves the index of open ones.
func closeRequest(ch *Change, r *InfoRequest) error {
	for _, t := range requestTimers(r) {
		if err := ch.Delete(BucketTimers, timerKey(t)); err != nil {
			return err
		}
	}
	return ch.Delete(BucketOpenInfoRequests, r.Forum+"|"+SeqKey(r.Number))
}

// openRequests are forum's open requests, oldest first.
func openRequests(tx Tx, forum string) ([]*InfoRequest, error) {
	ns, err := indexed(tx, BucketOpenInfoRequests, forum+"|")
	if err != nil {
		return nil, err
	}
	out := make([]*InfoRequest, 0, len(ns))
	for _, n := range ns {
		r, err := GetRequest(tx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// answerReports counts report as the answer of its organisation to every
// open report request of its forum that asked it.
func answerReports(ch *Change, report *Report, by *Member, name string) error {
	open, err := openRequests(ch, report.Forum)
	if err != nil {
		return err
	}
	for _, r := range open {
		if r.Kind != RequestReport {
			continue
		}
		if err := answerReport(ch, r, report, by, name); err != nil {
			return err
		}
	}
	return nil
}

// answerReport records report as its organisation's answer to report
// request r, if r asked it and it had not answered.
func answerReport(ch *Change, r *InfoRequest, report *Report, by *Member, name string) error {
	if !slices.Contains(r.Missing(), report.Actor) {
		return nil
	}
	r.Answers = append(r.Answers, RequestAnswer{Actor: report.Actor, Member: by.ID, Name: name, TLP: report.TLP, At: report.At,
		Text: fmt.Sprintf("#%d v%d", report.Number, report.Version)})
	if err := ch.Put(BucketInfoRequests, SeqKey(r.Number), r); err != nil {
		return err
	}
	if r.Open() {
		return nil
	}
	return closeRequest(ch, r)
}

// tell sends the request to the duty officers of actors (everyone of an
// actor that has none), as a question ("ask") or a reminder ("remind").
func (s *Requests) tell(ch *Change, f *Forum, r *InfoRequest, actors []string, what string) error {
	s = &Requests{s.in(f)}
	people, err := contacts(ch)
	if err != nil {
		return err
	}
	names := actorNames(ch, []string{r.AskerActor})
	msg := Message{
		Title:   s.T("request."+what+"_title", "N", r.Number, "Actor", names[r.AskerActor]),
		Text:    s.T("request.ask_text", "Name", r.AskerName, "Actor", names[r.AskerActor], "Forum", f.Name, "Due", s.whenOrDash(r.Due), "N", r.Number) + "\n\n" + r.Text,
		TLP:     TLPGreen,
		Buttons: []Button{{Label: s.T("button.answer"), Action: Action{Kind: ActAnswerRequest, Number: r.Number}, Style: "primary"}},
		Colour:  "#00695C",
	}
	if r.Kind == RequestReport {
		msg.Text = s.T("request.report_text", "Name", r.AskerName, "Forum", f.Name, "ID", f.ID, "Due", s.whenOrDash(r.Due))
		msg.Buttons = []Button{{Label: s.T("button.new_report"), Action: Action{Kind: ActNewReport, Forum: f.ID}, Style: "primary"}}
	}
	if r.Exercise {
		msg.Exercise = s.T("exercise.marker")
	}
	for _, a := range actors {
		for _, m := range people[a] {
			if err := ch.toMember(fmt.Sprintf("request:%d:%s:%s", r.Number, what, m.ID), m, requestClass(r), msg); err != nil {
				return err
			}
		}
	}
	return nil
}

// Answer records the caller's organisation's answer to request n, at
// label tlp (GREEN when none), shared with the forum or internal (for the
// asking organisation only), and tells the asker.
func (s *Requests) Answer(ctx context.Context, c Caller, n uint64, text string, tlp TLP, internal bool) (*InfoRequest, error) {
	text = CanonicalText(text)
	if text == "" {
		return nil, Errorf(EINVALID, "err.answer_text", "N", n).OnField("text")
	}
	if tlp == TLPNone {
		tlp = TLPGreen
	}
	var out *InfoRequest
	err := s.Update(ctx, c, func(ch *Change) error {
		r, err := GetRequest(ch, n)
		if err != nil {
			return err
		}
		f, me, err := ch.acting(r.Forum, PermMember)
		if err != nil {
			return err
		}
		k := s.in(f)
		if !slices.Contains(r.Asked, me.Actor) {
			return Errorf(EFORBIDDEN, "err.request_not_asked", "N", n, "Actor", me.Actor)
		}
		if r.Kind == RequestReport {
			return Errorf(EINVALID, "err.request_by_report", "N", n, "Forum", f.ID)
		}
		a := RequestAnswer{Actor: me.Actor, Member: me.ID, Name: ch.Caller.Name(), Text: text, TLP: tlp, At: ch.Now, Internal: internal}
		again := slices.ContainsFunc(r.Answers, func(x RequestAnswer) bool { return x.Actor == me.Actor })
		r.Answers = append(r.Answers, a)
		if err := ch.Put(BucketInfoRequests, SeqKey(n), r); err != nil {
			return err
		}
		asker, err := GetMember(ch, r.Asker)
		if err == nil && asker.Active() {
			names := actorNames(ch, []string{me.Actor})
			key := "request.answered_title"
			if again {
				key = "request.answered_again_title"
			}
			msg := Message{
				Title: k.T(key, "N", r.Number, "Actor", names[me.Actor]),
				Text:  k.T("request.answered_text", "Name", a.Name, "Actor", names[me.Actor], "Done", !r.Open(), "Left", catalog.Count(k.Lang, "actors", len(r.Missing())), "N", r.Number) + "\n\n" + text,
				TLP:   tlp, Colour: "#00695C",
			}
			if err := ch.toMember(fmt.Sprintf("request:%d:answer:%d", n, len(r.Answers)), *asker, answerClass(r, a), k.labelled(msg)); err != nil {
				return err
			}
		}
		if !r.Open() {
			if err := closeRequest(ch, r); err != nil {
				return err
			}
		}
		out = r
		return ch.Audit("request.answer", f.ID, map[string]string{"request": itoa(n), "actor": me.Actor, "tlp": string(tlp)}, text)
	})
	return out, err
}

// reminderDue reminds, at half time, the organisations that have not
// answered.
func (s *Requests) reminderDue(ch *Change, t Timer) error {
	r, f, ok, err := s.openRequest(ch, t)
	if !ok {
		return err
	}
	return s.tell(ch, f, r, r.Missing(), "remind")
}

// dueDue marks the request overdue and tells the asker who has not
// answered and how to reach them.
func (s *Requests) dueDue(ch *Change, t Timer) error {
	r, f, ok, err := s.openRequest(ch, t)
	if !ok {
		return err
	}
	k := s.in(f)
	r.Overdue = true
	if err := ch.Put(BucketInfoRequests, SeqKey(r.Number), r); err != nil {
		return err
	}
	asker, err := GetMember(ch, r.Asker)
	if err != nil || !asker.Active() {
		return nil
	}
	missing := r.Missing()
	msg := Message{
		Title:  k.T("request.overdue_title", "N", r.Number),
		Text:   k.T("request.overdue_text", "N", r.Number, "Missing", strings.Join(actorNameList(ch, missing), ", ")) + "\n" + k.contactsFor(ch, Caller{Member: asker}, missing, "- "),
		TLP:    TLPGreen,
		Colour: "#C62828",
	}
	return ch.toMember(fmt.Sprintf("request:%d:overdue", r.Number), *asker, requestClass(r), msg)
}

// openRequest loads a timer's request if it is still open.
func (s *Requests) openRequest(ch *Change, t Timer) (*InfoRequest, *Forum, bool, error) {
	var n uint64
	if _, err := fmt.Sscan(t.Ref, &n); err != nil {
		return nil, nil, false, nil
	}
	r, err := GetRequest(ch, n)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil, false, nil // gone: nothing to remind of
	} else if err != nil {
		return nil, nil, false, err // the timer runs again, then tells a person
	}
	f, err := GetForum(ch, r.Forum)
	if err != nil || !r.Open() {
		return nil, nil, false, err
	}
	return r, f, true, nil
}

// actorNameList are the names of actors, in their order.
func actorNameList(tx Tx, actors []string) []string {
	n := actorNames(tx, actors)
	out := make([]string, len(actors))
	for i, a := range actors {
		out[i] = n[a]
	}
	return out
}

// contactsFor lists the 24/7 contacts of actors that c may read (the one
// rule, mayReadContact), one line each starting with prefix, or nothing.
func (k *core) contactsFor(tx Tx, c Caller, actors []string, prefix string) string {
	var may []string
	for _, a := range actors {
		if mayReadContact(tx, c, a) {
			may = append(may, a)
		}
	}
	if len(may) == 0 {
		return ""
	}
	return contactList(tx, may, k.Lang, prefix)
}
