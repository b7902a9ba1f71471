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

// SectionKeys are the six sections of the one situation report template
// (FSPOS), in order.
var SectionKeys = []string{"fakta", "prognos", "inriktning", "kommunikation", "samordning-atgarder", "samordning-budskap"}

// ReportSection is one section of a report and whether it is shared with
// the forum or kept internal to the actor.
type ReportSection struct {
	Key    string `json:"key"`
	Text   string `json:"text"`
	Shared bool   `json:"shared"`
}

// Report is one version of an actor's situation report in a forum.
type Report struct {
	Number     uint64          `json:"number"` // short number people type, #12
	Forum      string          `json:"forum"`
	Actor      string          `json:"actor"`
	Version    int             `json:"version"`
	Author     string          `json:"author"`
	AuthorName string          `json:"author_name"`
	At         time.Time       `json:"at"`
	TLP        TLP             `json:"tlp"`
	Exercise   bool            `json:"exercise,omitempty"`
	Sections   []ReportSection `json:"sections"`
	// To names the members of other actors a TLP:RED report is for; the
	// filing actor's own members always see it.
	To []string `json:"to,omitempty"`
}

// Shared returns the report with its internal sections left out.
func (r Report) Shared() Report {
	r.Sections = slices.DeleteFunc(slices.Clone(r.Sections), func(s ReportSection) bool { return !s.Shared || s.Text == "" })
	return r
}

// Bucket names of reports.
const (
	BucketReports       = "reports"        // forum|actor|version -> Report
	BucketReportNumbers = "report_numbers" // only its sequence: the next #N
	BucketReportLatest  = "report_latest"  // forum|actor -> newest version
)

func reportKey(forum, actor string, version int) string {
	return forum + "|" + actor + "|" + SeqKey(uint64(version))
}

// ReportVersions returns every version of an actor's reports in a forum,
// oldest first.
func ReportVersions(tx Tx, forum, actor string) ([]Report, error) {
	prefix := forum + "|" + actor + "|"
	var out []Report
	err := tx.ForEach(BucketReports, prefix, func(k string, decode func(any) error) error {
		if !strings.HasPrefix(k, prefix) {
			return ErrStop
		}
		var r Report
		if err := decode(&r); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// LatestReport returns an actor's newest report in a forum, or nil.
func LatestReport(tx Tx, forum, actor string) (*Report, error) {
	var v int
	if err := tx.Get(BucketReportLatest, forum+"|"+actor, &v); errors.Is(err, ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var r Report
	if err := tx.Get(BucketReports, reportKey(forum, actor, v), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Reports is the service for situation reports and the common picture.
type Reports struct{ *core }

// drawNotice draws the notice of the reports filed in a forum after
// r.After: each actor's newest, one line each (the notice of a single
// report as before).
func (s *Reports) drawNotice(tx Tx, r Render, _ time.Time) (Message, *Render, error) {
	f, err := GetForum(tx, r.Forum)
	if err != nil {
		return Message{}, nil, err
	}
	k := s.in(f)
	var filed []*Report
	last := r.After
	for _, a := range f.Actors {
		rep, err := LatestReport(tx, f.ID, a)
		if err != nil {
			return Message{}, nil, err
		}
		if rep != nil && rep.Number > r.After && rep.Exercise == r.Exercise {
			filed = append(filed, rep)
			last = max(last, rep.Number)
		}
	}
	next := r
	next.After = last
	if len(filed) == 0 {
		return Message{}, nil, errSuperseded
	}
	slices.SortFunc(filed, func(a, b *Report) int { return cmp.Compare(a.Number, b.Number) })
	names := actorNames(tx, f.Actors)
	var m Message
	if len(filed) == 1 {
		rep := filed[0]
		m.Text = k.T("report.filed_notice", "Actor", names[rep.Actor], "N", rep.Number, "Version", rep.Version, "TLP", rep.TLP.Label(), "Forum", f.ID, "A", rep.Actor)
	} else {
		var lines []string
		for _, rep := range filed {
			lines = append(lines, k.T("report.filed_line", "Actor", names[rep.Actor], "N", rep.Number, "Version", rep.Version, "TLP", rep.TLP.Label(), "Time", k.clock(rep.At)))
		}
		m.Title = k.T("report.filed_title", "N", len(filed))
		m.Text = strings.Join(lines, "\n") + "\n" + k.T("report.filed_more", "Forum", f.ID)
	}
	for _, rep := range filed[max(0, len(filed)-MaxReportButtons):] {
		m.Buttons = append(m.Buttons, Button{Label: k.T("button.show_report_of", "Actor", names[rep.Actor]), Action: Action{Kind: ActShowReport, Forum: f.ID, Actor: rep.Actor}})
	}
	if len(filed) == 1 {
		m.Buttons[0].Label = k.T("button.show_report")
	}
	return m, &next, nil
}

// MaxReportButtons bounds the Show buttons on a notice of many reports.
const MaxReportButtons = 5

// reportClass is the class of a report's content: its label and exercise
// flag, its actor as owner, and — for TLP:RED — the filing actor's own
// members and the members it names as the people it may reach.
func reportClass(tx Tx, r Report) Class {
	cl := Class{Kind: KindReport, Forum: r.Forum, TLP: r.TLP, Exercise: r.Exercise, Owners: []string{r.Actor}}
	if r.TLP == TLPRed {
		cl.Named = slices.Clone(r.To)
		ms, _ := ListMembers(tx)
		for _, m := range ms {
			if m.Actor == r.Actor {
				cl.Named = append(cl.Named, m.ID)
			}
		}
	}
	return cl
}

// SharedByDefault reports whether a section goes into the common picture
// unless its author says otherwise. FSPOS 001 treats the actor's own
// direction and its communication as its own; the facts, the prognosis
// and the needs for coordination are what the others need.
func SharedByDefault(section string) bool {
	return section != "inriktning" && section != "kommunikation"
}

// ReportEdit is what one filing of an actor's report says. The report
// lives: a section the edit does not give keeps its text and sharing
// from the actor's previous version, and the label stays unless given.
type ReportEdit struct {
	// Texts holds the sections given, by key; "" clears a section.
	Texts map[string]string
	// Shared holds the sharing given, by key: true for the common picture.
	Shared map[string]bool
	// TLP is the label; TLPNone keeps the previous one (AMBER at first).
	TLP TLP
	// To names the people of other actors a TLP:RED report is for; none
	// given keeps those of a previous TLP:RED version.
	To []Identity
	// Whole says the edit holds every section (a submitted form, which
	// starts from the previous version): one it leaves out is cleared.
	Whole bool
}

// Filing is a stored version and how it differs from the one before.
type Filing struct {
	*Report
	// Kept names the sections carried over unchanged from the version
	// before, in template order.
	Kept []string
	// Was is the previous version's label when this one has another.
	Was TLP
}

// File stores a new version of the caller's actor's report made of
// exactly sections (a whole report). to names the people of other actors
// a TLP:RED report is for; they must be active members of the forum's
// actors.
func (s *Reports) File(ctx context.Context, c Caller, forumID string, sections []ReportSection, tlp TLP, to []Identity) (*Report, error) {
	e := ReportEdit{Texts: map[string]string{}, Shared: map[string]bool{}, TLP: tlp, To: to, Whole: true}
	for _, sec := range sections {
		e.Texts[sec.Key], e.Shared[sec.Key] = sec.Text, sec.Shared
	}
	f, err := s.Revise(ctx, c, forumID, e)
	if err != nil {
		return nil, err
	}
	return f.Report, nil
}

// Revise stores a new version of the caller's actor's report: the
// previous version with the edit applied. At least one section must have
// text afterwards.
func (s *Reports) Revise(ctx context.Context, c Caller, forumID string, e ReportEdit) (*Filing, error) {
	for k, t := range e.Texts {
		e.Texts[k] = strings.TrimSpace(CleanText(t))
	}
	var out *Filing
	err := s.Update(ctx, c, func(ch *Change) error {
		out = nil
		f, me, err := ch.acting(forumID, PermMember)
		if err != nil {
			return err
		}
		actor := me.Actor
		var named []string
		for _, id := range e.To {
			m, err := activeMember(ch, id)
			if err != nil {
				return err
			}
			if m == nil || !f.HasActor(m.Actor) {
				return Errorf(EINVALID, "err.not_forum_member", "User", id.String(), "Forum", f.ID).OnField("till")
			}
			if !slices.Contains(named, m.ID) {
				named = append(named, m.ID)
			}
		}
		prev, err := LatestReport(ch, f.ID, actor)
		if err != nil {
			return err
		}
		sections, kept := revised(prev, e)
		if !slices.ContainsFunc(sections, func(s ReportSection) bool { return s.Text != "" }) {
			return Errorf(EINVALID, "err.report_empty").OnField(SectionKeys[0])
		}
		tlp, was := e.TLP, TLP("")
		switch {
		case tlp == TLPNone && prev != nil:
			tlp = prev.TLP
		case tlp == TLPNone:
			tlp = TLPAmber
		case prev != nil && prev.TLP != tlp:
			was = prev.TLP
		}
		if tlp == TLPRed && len(named) == 0 && prev != nil && prev.TLP == TLPRed {
			named = prev.To
		}
		// Who sees what is never left to a guess: RED needs its readers
		// named, and naming readers means RED.
		if tlp == TLPRed && len(named) == 0 {
			return Errorf(EINVALID, "err.red_without_recipients", "Forum", f.ID).OnField("till")
		}
		if tlp != TLPRed && len(e.To) > 0 {
			return Errorf(EINVALID, "err.to_without_red", "Label", tlp.Label()).OnField("till")
		}
		n, err := ch.NextSeq(BucketReportNumbers)
		if err != nil {
			return err
		}
		r := &Report{Number: n, Forum: f.ID, Actor: actor, Version: 1, Author: me.ID, AuthorName: ch.Caller.Name(), At: ch.Now, TLP: tlp, Sections: sections, Exercise: exercising(ch, f), To: named}
		if prev != nil {
			r.Version = prev.Version + 1
		}
		if err := ch.Put(BucketReports, reportKey(f.ID, actor, r.Version), r); err != nil {
			return err
		}
		if err := ch.Put(BucketReportLatest, f.ID+"|"+actor, r.Version); err != nil {
			return err
		}
		if err := answerReports(ch, r, me, ch.Caller.Name()); err != nil {
			return err
		}
		// The forum hears that a report came in; its content stays behind
		// the gate. Reports filed while the notice waits ride on it: a
		// burst makes one notice per channel, listing them.
		cl := Class{Kind: KindReportNotice, Forum: f.ID, TLP: TLPGreen, Exercise: r.Exercise}
		for _, chn := range f.Channels {
			item := OutboxItem{Key: fmt.Sprintf("report:%d:notice@%s", n, chn.Key()), To: chn.Destination(), Class: cl,
				Render: &Render{Kind: renderReports, Forum: f.ID, After: n - 1, Exercise: r.Exercise},
				Latest: fmt.Sprintf("reports:%s:%t@%s", f.ID, r.Exercise, chn.Key())}
			if err := ch.Send(item); err != nil {
				return err
			}
		}
		out = &Filing{Report: r, Kept: kept, Was: was}
		var content strings.Builder
		for _, s := range sections {
			fmt.Fprintf(&content, "%s|%v|%s\n", s.Key, s.Shared, s.Text)
		}
		return ch.Audit("report.file", f.ID, map[string]string{"actor": actor, "number": itoa(n), "version": fmt.Sprint(r.Version), "tlp": string(tlp), "to": strings.Join(named, ",")}, content.String())
	})
	return out, err
}

// revised applies edit e to the previous version prev (nil for a first
// report): the template's sections in order, then any others the edit or
// prev holds. It also names the sections kept with text from prev.
func revised(prev *Report, e ReportEdit) ([]ReportSection, []string) {
	before := map[string]ReportSection{}
	keys := slices.Clone(SectionKeys)
	if prev != nil {
		for _, s := range prev.Sections {
			before[s.Key] = s
			if !slices.Contains(keys, s.Key) {
				keys = append(keys, s.Key)
			}
		}
	}
	for k := range e.Texts {
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	var out []ReportSection
	var kept []string
	for _, k := range keys {
		sec := ReportSection{Key: k, Shared: SharedByDefault(k)}
		p, had := before[k]
		if had {
			sec.Shared = p.Shared
		}
		if t, given := e.Texts[k]; given {
			sec.Text = t
		} else if had && !e.Whole {
			sec.Text = p.Text
			if p.Text != "" {
				kept = append(kept, k)
			}
		}
		if sh, given := e.Shared[k]; given {
			sec.Shared = sh
		}
		if sec.Text != "" || slices.Contains(SectionKeys, k) {
			out = append(out, sec)
		}
	}
	return out, kept
}

// Draft is the caller's actor's latest report in the forum, in full, to
// start the next version from (nil when it has none).
func (s *Reports) Draft(c Caller, forumID string) (*Report, error) {
	var out *Report
	err := s.View(func(tx Tx) error {
		c, f, err := s.readForum(tx, c, forumID)
		if err != nil || c.Member == nil {
			return err
		}
		out, err = LatestReport(tx, f.ID, c.Member.Actor)
		return err
	})
	return out, err
}
