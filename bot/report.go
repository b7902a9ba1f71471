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
		m.Text = s.T("report.filed_notice", "Actor", names[rep.Actor], "N", rep.Number, "Version", rep.Version, "TLP", rep.TLP.Label(), "Forum", f.ID, "A", rep.Actor)
	} else {
		var lines []string
		for _, rep := range filed {
			lines = append(lines, s.T("report.filed_line", "Actor", names[rep.Actor], "N", rep.Number, "Version", rep.Version, "TLP", rep.TLP.Label(), "Time", s.clock(rep.At)))
		}
		m.Title = s.T("report.filed_title", "N", len(filed))
		m.Text = strings.Join(lines, "\n") + "\n" + s.T("report.filed_more", "Forum", f.ID)
	}
	for _, rep := range filed[max(0, len(filed)-MaxReportButtons):] {
		m.Buttons = append(m.Buttons, Button{Label: s.T("button.show_report_of", "Actor", names[rep.Actor]), Action: Action{Kind: ActShowReport, Forum: f.ID, Actor: rep.Actor}})
	}
	if len(filed) == 1 {
		m.Buttons[0].Label = s.T("button.show_report")
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

// Compiled is the common picture of a forum as one reader may see it:
// each actor's latest shared sections under their own labels, the
// strictest label of what it shows, and who is missing.
type Compiled struct {
	Forum *Forum
	At    time.Time
	TLP   TLP
	// Exercise is set when any part shown is exercise material.
	Exercise bool
	Reports  []Report // shared sections only, in forum actor order
	// Withheld counts the parts this reader may not see.
	Withheld int
	Missing  []string // actors with no report
	Stale    []string // actors whose latest report is older than the limit
	Names    map[string]string
	// Contacts, when set, is the forum's contact list, one actor a line:
	// exports carry it for when chat is down.
	Contacts string
}

// Overdue names the actors with no report or only an old one.
func (c *Compiled) Overdue() []string {
	var out []string
	for _, a := range append(slices.Clone(c.Missing), c.Stale...) {
		out = append(out, c.Names[a])
	}
	return out
}

// DefaultReportAge is when a report counts as old in the compiled picture.
const DefaultReportAge = 24 * time.Hour

// compile builds the common picture of forum f at now with the parts
// show allows.
func (k *core) compile(tx Tx, f *Forum, now time.Time, show func(Report) bool) (*Compiled, error) {
	maxAge := k.ReportAge
	if maxAge <= 0 {
		maxAge = DefaultReportAge
	}
	c := &Compiled{Forum: f, At: now, Names: actorNames(tx, f.Actors)}
	for _, a := range f.Actors {
		r, err := LatestReport(tx, f.ID, a)
		if err != nil {
			return nil, err
		}
		if r == nil {
			c.Missing = append(c.Missing, a)
			continue
		}
		if now.Sub(r.At) > maxAge {
			c.Stale = append(c.Stale, a)
		}
		sh := r.Shared()
		if len(sh.Sections) == 0 {
			continue
		}
		if !show(sh) {
			c.Withheld++
			continue
		}
		c.Reports = append(c.Reports, sh)
		c.TLP = Strictest(c.TLP, r.TLP)
		c.Exercise = c.Exercise || r.Exercise
	}
	c.Exercise = c.Exercise || exercising(tx, f)
	return c, nil
}

// compiledFor is the common picture as caller c may see it, by the
// gate's rule.
func (k *core) compiledFor(tx Tx, c Caller, f *Forum) (*Compiled, error) {
	return k.compile(tx, f, k.Clock.Now(), func(r Report) bool { return permitCaller(tx, c, f, reportClass(tx, r)) == nil })
}

// readForum resolves the caller and loads a forum whose content they may
// read.
func (k *core) readForum(tx Tx, c Caller, forumID string) (Caller, *Forum, error) {
	c, err := k.resolve(tx, c)
	if err != nil {
		return c, nil, err
	}
	f, err := GetForum(tx, forumID)
	if err != nil {
		return c, nil, err
	}
	return c, f, mayRead(c, f)
}

// Picture is the common picture of a forum as the caller may see it.
func (s *Reports) Picture(c Caller, forumID string) (Message, error) {
	var m Message
	err := s.withPicture(c, forumID, func(_ Tx, _ *Forum, comp *Compiled) { m = s.CompiledMessage(comp) })
	return m, err
}

// withPicture hands use the common picture of a forum as c may see it.
func (s *Reports) withPicture(c Caller, forumID string, use func(tx Tx, f *Forum, comp *Compiled)) error {
	return s.View(func(tx Tx) error {
		c, f, err := s.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		comp, err := s.compiledFor(tx, c, f)
		if err != nil {
			return err
		}
		use(tx, f, comp)
		return nil
	})
}

// ReportView is one report as the caller may see it.
type ReportView struct {
	Message  Message
	Own      bool // the caller's own actor's: all sections shown
	Versions []Report
}

// Show returns actor's report in a forum (the caller's own actor's when
// actor is empty), version 0 meaning the latest. Another actor's report
// shows only its shared sections, and only when its label lets the
// caller see it.
func (s *Reports) Show(c Caller, forumID, actor string, version int) (*ReportView, error) {
	var out *ReportView
	err := s.View(func(tx Tx) error {
		c, f, err := s.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		if actor == "" {
			if c.Member == nil {
				return RequireMember(c, PermMember, f)
			}
			actor = c.Member.Actor
		}
		versions, err := ReportVersions(tx, f.ID, actor)
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			return Errorf(ENOTFOUND, "err.no_report", "Actor", actor, "Forum", f.ID)
		}
		rep := versions[len(versions)-1]
		if version != 0 {
			if version < 1 || version > len(versions) {
				return Errorf(EINVALID, "err.bad_version", "Value", version, "Max", len(versions)).OnField("version")
			}
			rep = versions[version-1]
		}
		own := c.Member != nil && c.Member.Actor == actor
		if !own {
			rep = rep.Shared()
			if err := permitCaller(tx, c, f, reportClass(tx, rep)); err != nil {
				return err
			}
		}
		out = &ReportView{Message: s.ReportMessage(rep, actorNames(tx, []string{actor})[actor]), Own: own, Versions: versions}
		return nil
	})
	return out, err
}

// ShareResult says what a share sent.
type ShareResult struct {
	Label    TLP
	Channels int
	People   int
	// Withheld counts the parts left out because their label does not
	// allow the destination (TLP:RED is never shared to a channel).
	Withheld int
}

// Share posts the common picture (or one actor's shared report) to the
// forum's channels, or to named people, each getting the parts the gate
// lets them have. A destination the gate refuses refuses the whole share,
// naming who is in the way.
func (s *Reports) Share(ctx context.Context, c Caller, forumID, actor string, to []Identity) (*ShareResult, error) {
	var res *ShareResult
	err := s.Update(ctx, c, func(ch *Change) error {
		f, err := ch.forum(forumID, PermMember)
		if err != nil {
			return err
		}
		if actor != "" && !f.HasActor(actor) {
			return Errorf(ENOTFOUND, "err.actor_not_in_forum", "Actor", actor, "Forum", f.ID)
		}
		res = &ShareResult{}
		key := fmt.Sprintf("share:%s:%d", f.ID, ch.Now.UnixNano())
		// What the caller may see is what they can share: never more.
		mine := func(r Report) bool {
			return (actor == "" || r.Actor == actor) && permitCaller(ch, ch.Caller, f, reportClass(ch, r)) == nil
		}
		what := "compiled"
		if actor != "" {
			what = "report:" + actor
		}
		if len(to) == 0 {
			comp, err := s.compile(ch, f, ch.Now, func(r Report) bool { return mine(r) && r.TLP != TLPRed })
			if err != nil {
				return err
			}
			red, _ := s.compile(ch, f, ch.Now, func(r Report) bool { return mine(r) && r.TLP == TLPRed })
			res.Withheld = len(red.Reports)
			if len(comp.Reports) == 0 && res.Withheld > 0 {
				return Errorf(EFORBIDDEN, "err.nothing_but_red", "Forum", f.ID)
			}
			if len(comp.Reports) == 0 {
				return Errorf(ENOTFOUND, "err.nothing_to_share", "Forum", f.ID)
			}
			comp.Withheld = 0 // "not shown to you" speaks to one reader, not a channel
			msg := s.sharedMessage(comp, actor)
			if res.Withheld > 0 {
				msg.Fields = append(msg.Fields, Field{Title: s.T("report.withheld_title"), Value: s.T("report.withheld_red", "Count", res.Withheld)})
			}
			cl := Class{Kind: KindReport, Forum: f.ID, TLP: comp.TLP, Exercise: comp.Exercise, Owners: owners(comp)}
			if err := ch.toChannels(f.Channels, key, cl, msg); err != nil {
				return err
			}
			res.Label, res.Channels = comp.TLP, len(f.Channels)
		}
		for _, id := range to {
			m, err := activeMember(ch, id)
			if err != nil {
				return err
			}
			if m == nil {
				return Errorf(EINVALID, "err.not_forum_member", "User", id.String(), "Forum", f.ID).OnField("till")
			}
			who := Caller{Identity: id, Member: m}
			comp, err := s.compile(ch, f, ch.Now, func(r Report) bool {
				return mine(r) && permitCaller(ch, who, f, reportClass(ch, r)) == nil
			})
			if err != nil {
				return err
			}
			if len(comp.Reports) == 0 {
				return Errorf(EFORBIDDEN, "err.nothing_for_person", "User", m.Name)
			}
			cl := Class{Kind: KindReport, Forum: f.ID, TLP: comp.TLP, Exercise: comp.Exercise, Owners: owners(comp), Named: []string{m.ID}}
			if err := ch.Send(OutboxItem{Key: key + "@" + id.Key(), To: Destination{Platform: id.Platform, User: id.UserID}, Class: cl, Message: s.sharedMessage(comp, actor)}); err != nil {
				return err
			}
			res.Label = Strictest(res.Label, comp.TLP)
			res.People++
		}
		return ch.Audit("report.share", f.ID, map[string]string{"what": what, "tlp": string(res.Label), "channels": fmt.Sprint(res.Channels), "people": fmt.Sprint(res.People), "withheld": fmt.Sprint(res.Withheld)}, "")
	})
	return res, err
}

// sharedMessage is what a share sends: the common picture, or, when one
// actor's report is shared, that report under its own title.
func (k *core) sharedMessage(c *Compiled, actor string) Message {
	m := k.CompiledMessage(c)
	if actor == "" || len(c.Reports) == 0 {
		return m
	}
	r := c.Reports[0]
	m.Title = k.T("report.one_title", "Actor", c.Names[r.Actor], "Forum", c.Forum.Name)
	m.Text = k.T("report.one_text", "Actor", c.Names[r.Actor], "N", r.Number, "Version", r.Version, "Time", k.clockDay(r))
	m.Fields = slices.DeleteFunc(m.Fields, func(f Field) bool { return f.Title == k.T("report.missing") || f.Title == k.T("report.stale") })
	return m
}

func owners(c *Compiled) []string {
	var out []string
	for _, r := range c.Reports {
		out = append(out, r.Actor)
	}
	return out
}

// Request asks every actor of the forum for a fresh report by direct
// message, naming those that have not reported.
func (s *Reports) Request(ctx context.Context, c Caller, forumID string) (int, error) {
	n := 0
	err := s.Update(ctx, c, func(ch *Change) error {
		n = 0
		f, err := ch.forum(forumID, PermConference)
		if err != nil {
			return err
		}
		comp, err := s.compile(ch, f, ch.Now, func(Report) bool { return false })
		if err != nil {
			return err
		}
		missing := comp.Overdue()
		people, err := contacts(ch)
		if err != nil {
			return err
		}
		msg := Message{
			Title:   s.T("report.request_title", "Forum", f.Name),
			Text:    s.T("report.request_text", "By", ch.Caller.Name(), "Forum", f.Name, "ID", f.ID, "Missing", orDash(strings.Join(missing, ", "))),
			Buttons: []Button{{Label: s.T("button.new_report"), Action: Action{Kind: ActNewReport, Forum: f.ID}, Style: "primary"}},
		}
		cl := Class{Kind: KindReportRequest, Forum: f.ID, TLP: TLPGreen, Exercise: exercising(ch, f)}
		key := fmt.Sprintf("report-request:%s:%d", f.ID, ch.Now.UnixNano())
		for _, a := range f.Actors {
			for _, m := range people[a] {
				if err := ch.toMember(key+":"+m.ID, m, cl, msg); err != nil {
					return err
				}
				n++
			}
		}
		return ch.Audit("report.request", f.ID, map[string]string{"missing": strings.Join(missing, ",")}, "")
	})
	return n, err
}

// Export sends the caller the common picture as they may see it, as a
// file in their direct messages, Markdown ("md") or PDF ("pdf"), and
// returns the file's name.
func (s *Reports) Export(ctx context.Context, c Caller, forumID, format string) (string, error) {
	if format == "pdf" && s.Print == nil {
		return "", Errorf(ECONFLICT, "err.no_pdf")
	}
	name := ""
	err := s.Update(ctx, c, func(ch *Change) error {
		f, err := ch.forum(forumID, PermMember)
		if err != nil {
			return err
		}
		comp, err := s.compiledFor(ch, ch.Caller, f)
		if err != nil {
			return err
		}
		stamp := comp.At.In(s.loc()).Format("2006-01-02-1504")
		name = fmt.Sprintf("%s-%s-%s.md", s.T("file.picture"), f.ID, stamp)
		cl := Class{Kind: KindExport, Forum: f.ID, TLP: Strictest(TLPClear, comp.TLP), Exercise: comp.Exercise, Owners: owners(comp)}
		if ch.Caller.Member != nil {
			cl.Named = []string{ch.Caller.Member.ID}
		}
		comment := Message{TLP: cl.TLP, Text: s.T("report.export_comment", "Forum", f.Name)}
		to := Destination{Platform: ch.Caller.Identity.Platform, User: ch.Caller.Identity.UserID}
		comp.Contacts = contactList(ch, f.Actors, s.Lang, "- ")
		doc := []byte(s.CompiledMarkdown(comp))
		if format == "pdf" {
			name = fmt.Sprintf("%s-%s-%s.pdf", s.T("file.picture"), f.ID, stamp)
			comp.Contacts = contactList(ch, f.Actors, s.Lang, "")
			if doc, err = s.Print(s.picturePaper(comp), f.Name+" ("+f.ID+")", ch.Now.In(s.loc()).Format("2006-01-02 15:04")); err != nil {
				return err
			}
			comment.Text = s.T("report.export_comment_pdf", "Forum", f.Name)
		}
		if err := ch.Send(OutboxItem{Key: fmt.Sprintf("file:%s:%d", to.key(), ch.Now.UnixNano()), To: to, Class: cl, File: &File{Name: name, Content: doc}, Message: comment}); err != nil {
			return err
		}
		return ch.Audit("report.export", f.ID, map[string]string{"file": name, "to": to.key(), "tlp": string(cl.TLP)}, string(doc))
	})
	return name, err
}
