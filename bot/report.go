package bot

import (
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

// FileReport stores a new version of the caller's actor's report. At least
// one section must have text.
func (b *Bot) FileReport(c Caller, forumID string, sections []ReportSection, tlp TLP) (*Report, error) {
	if tlp == TLPNone {
		tlp = TLPAmber
	}
	any := false
	for i := range sections {
		sections[i].Text = strings.TrimSpace(CleanText(sections[i].Text))
		any = any || sections[i].Text != ""
	}
	if !any {
		return nil, Errorf(EINVALID, "err.report_empty").OnField(SectionKeys[0])
	}
	var out *Report
	err := b.Update(c, func(ch *Change) error {
		f, err := loadForumFor(ch, c, forumID, PermMember)
		if err != nil {
			return err
		}
		actor := c.Member.Actor
		prev, err := LatestReport(ch, f.ID, actor)
		if err != nil {
			return err
		}
		n, err := ch.NextSeq(BucketReportNumbers)
		if err != nil {
			return err
		}
		r := &Report{Number: n, Forum: f.ID, Actor: actor, Version: 1, Author: c.Member.ID, AuthorName: c.Name(), At: ch.Now, TLP: tlp, Sections: sections, Exercise: f.Exercise}
		if cur, _ := CurrentActivation(ch, f); cur != nil && cur.Exercise {
			r.Exercise = true
		}
		if prev != nil {
			r.Version = prev.Version + 1
		}
		key := reportKey(f.ID, actor, r.Version)
		if err := ch.Put(BucketReports, key, r); err != nil {
			return err
		}
		if err := ch.Put(BucketReportLatest, f.ID+"|"+actor, r.Version); err != nil {
			return err
		}
		// The forum hears that a report came in; its content stays behind
		// the TLP rules.
		names := actorNames(ch, []string{actor})
		notice := Message{
			Text:    b.T("report.filed_notice", "Actor", names[actor], "N", n, "Version", r.Version, "TLP", tlp.Label(), "Forum", f.ID, "A", actor),
			Buttons: []Button{{Label: b.T("button.show_report"), Command: fmt.Sprintf("lägesbild visa %s %s", f.ID, actor)}},
		}
		if r.Exercise {
			notice.Exercise = b.T("exercise.marker")
		}
		if err := b.announce(ch, f.Channels, fmt.Sprintf("report:%d:notice", n), notice); err != nil {
			return err
		}
		out = r
		var content strings.Builder
		for _, s := range sections {
			fmt.Fprintf(&content, "%s|%v|%s\n", s.Key, s.Shared, s.Text)
		}
		return ch.Audit("report.file", f.ID, map[string]string{"actor": actor, "number": itoa(n), "version": fmt.Sprint(r.Version), "tlp": string(tlp)}, content.String())
	})
	return out, err
}

// Compiled is the common picture of a forum: each actor's latest shared
// sections, the strictest label of what it holds, and who is missing.
type Compiled struct {
	Forum   *Forum
	At      time.Time
	TLP     TLP
	Reports []Report // shared sections only, in forum actor order
	Missing []string // actors with no report
	Stale   []string // actors whose latest report is older than the limit
	Names   map[string]string
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

// Compile builds the common picture of forum f at now.
func (b *Bot) Compile(tx Tx, f *Forum, now time.Time) (*Compiled, error) {
	maxAge := b.ReportAge
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
		c.Reports = append(c.Reports, sh)
		c.TLP = Strictest(c.TLP, r.TLP)
	}
	return c, nil
}

// ShareTarget is where a report or the compiled picture is to be posted.
type ShareTarget struct {
	Channels []Channel  // forum channels
	People   []Identity // named recipients, by direct message
}

// CheckTLP enforces the sharing rules of label t for the targets of forum
// f: RED never to a channel; AMBER and AMBER+STRICT only to the forum's own
// channels, and only when every member of each channel belongs to one of
// the forum's actors (asked through the platform); named people must be
// members of the forum's actors for anything above GREEN.
func (b *Bot) CheckTLP(ctx context.Context, f *Forum, t TLP, to ShareTarget) error {
	if t == TLPRed && len(to.Channels) > 0 {
		return Errorf(EFORBIDDEN, "err.tlp_red_channel")
	}
	if t.Rank() < TLPAmber.Rank() {
		return nil
	}
	for _, c := range to.Channels {
		if !f.HasChannel(c) {
			return Errorf(EFORBIDDEN, "err.tlp_amber_foreign", "Label", t.Label())
		}
	}
	inForum := func(id Identity) (bool, error) {
		var ok bool
		err := b.View(func(tx Tx) error {
			m, err := MemberByIdentity(tx, id)
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			ok = err == nil && f.HasActor(m.Actor)
			return err
		})
		return ok, err
	}
	for _, p := range to.People {
		ok, err := inForum(p)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(EFORBIDDEN, "err.tlp_unknown_people", "Label", t.Label(), "Users", p.String())
		}
	}
	for _, c := range to.Channels {
		dir, ok := b.Directories[c.Platform]
		if !ok {
			if c.Platform == Shell {
				continue // a local terminal has no other readers to check
			}
			return Errorf(EFORBIDDEN, "err.tlp_cannot_check", "Label", t.Label(), "Channel", c.Key())
		}
		users, err := dir.ChannelMembers(ctx, c.ID)
		if err != nil {
			return Errorf(EINTERNAL, "err.tlp_check_failed", "Channel", c.Key())
		}
		var unknown []string
		for _, u := range users {
			ok, err := inForum(Identity{Platform: c.Platform, UserID: u})
			if err != nil {
				return err
			}
			if !ok {
				unknown = append(unknown, dir.UserName(ctx, u))
			}
		}
		if len(unknown) > 0 {
			slices.Sort(unknown)
			return Errorf(EFORBIDDEN, "err.tlp_unknown_users", "Label", t.Label(), "Channel", c.Name, "Users", strings.Join(unknown, ", "))
		}
	}
	return nil
}

// Share posts m, labelled t, to the targets after CheckTLP allows it, and
// records who shared what.
func (b *Bot) Share(ctx context.Context, c Caller, forumID string, t TLP, to ShareTarget, m Message, what string) error {
	var f *Forum
	if err := b.View(func(tx Tx) (err error) { f, err = GetForum(tx, forumID); return }); err != nil {
		return err
	}
	if err := Require(c, PermMember, f); err != nil {
		return err
	}
	if err := b.CheckTLP(ctx, f, t, to); err != nil {
		return err
	}
	m.TLP = t
	return b.Update(c, func(ch *Change) error {
		key := fmt.Sprintf("share:%s:%d", f.ID, ch.Now.UnixNano())
		if err := b.announce(ch, to.Channels, key, m); err != nil {
			return err
		}
		for _, p := range to.People {
			if err := ch.Send(OutboxItem{Key: key + "@" + p.Key(), To: Destination{Platform: p.Platform, User: p.UserID}, Message: m}); err != nil {
				return err
			}
		}
		return ch.Audit("report.share", f.ID, map[string]string{"what": what, "tlp": string(t), "channels": fmt.Sprint(len(to.Channels)), "people": fmt.Sprint(len(to.People))}, "")
	})
}

// RequestReports asks every actor of the forum for a fresh report by
// direct message, naming those that have not reported.
func (b *Bot) RequestReports(c Caller, forumID string) (int, error) {
	n := 0
	err := b.Update(c, func(ch *Change) error {
		f, err := loadForum(ch, c, forumID, PermConference)
		if err != nil {
			return err
		}
		comp, err := b.Compile(ch, f, ch.Now)
		if err != nil {
			return err
		}
		missing := comp.Overdue()
		people, err := contacts(ch)
		if err != nil {
			return err
		}
		msg := Message{
			Title:   b.T("report.request_title", "Forum", f.Name),
			Text:    b.T("report.request_text", "By", c.Name(), "Forum", f.Name, "ID", f.ID, "Missing", orDash(strings.Join(missing, ", "))),
			Buttons: []Button{{Label: b.T("button.new_report"), Command: "lägesbild ny " + f.ID, Style: "primary"}},
		}
		if f.Exercise {
			msg.Exercise = b.T("exercise.marker")
		}
		key := fmt.Sprintf("report-request:%s:%d", f.ID, ch.Now.UnixNano())
		for _, a := range f.Actors {
			for _, m := range people[a] {
				if err := b.dm(ch, key+":"+m.ID, m, msg); err != nil {
					return err
				}
				n++
			}
		}
		return ch.Audit("report.request", f.ID, map[string]string{"missing": strings.Join(missing, ",")}, "")
	})
	return n, err
}

// SendFile queues a file to one person, e.g. an export to its requester.
func (b *Bot) SendFile(c Caller, to Destination, f File, m Message, what string) error {
	return b.Update(c, func(ch *Change) error {
		if err := ch.Send(OutboxItem{Key: fmt.Sprintf("file:%s:%d", to.key(), ch.Now.UnixNano()), To: to, File: &f, Message: m}); err != nil {
			return err
		}
		return ch.Audit("report.export", what, map[string]string{"file": f.Name, "to": to.key()}, string(f.Content))
	})
}
