package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

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
		k := s.in(f)
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
				msg.Fields = append(msg.Fields, Field{Title: k.T("report.withheld_title"), Value: k.T("report.withheld_red", "Count", res.Withheld)})
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
	k = k.in(c.Forum)
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
		k := s.in(f)
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
			Title:   k.T("report.request_title", "Forum", f.Name),
			Text:    k.T("report.request_text", "By", ch.Caller.Name(), "Forum", f.Name, "ID", f.ID, "Missing", orDash(strings.Join(missing, ", "))),
			Buttons: []Button{{Label: k.T("button.new_report"), Action: Action{Kind: ActNewReport, Forum: f.ID}, Style: "primary"}},
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
		// The request is kept like an information request that a report
		// answers: listed, on the board, reminded at half time, and the
		// asker told at the deadline who did not report.
		req := &InfoRequest{Forum: f.ID, Kind: RequestReport, Text: k.T("request.report_question"), Asked: slices.Clone(f.Actors),
			Created: ch.Now, Due: ch.Now.Add(DefaultRequestTime), Exercise: exercising(ch, f)}
		if m := ch.Caller.Member; m != nil {
			req.Asker, req.AskerName, req.AskerActor = m.ID, ch.Caller.Name(), m.Actor
		}
		if err := storeRequest(ch, req); err != nil {
			return err
		}
		return ch.Audit("report.request", f.ID, map[string]string{"missing": strings.Join(missing, ","), "request": itoa(req.Number)}, "")
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
		k := s.in(f)
		comp, err := s.compiledFor(ch, ch.Caller, f)
		if err != nil {
			return err
		}
		stamp := comp.At.In(k.loc()).Format("2006-01-02-1504")
		name = fmt.Sprintf("%s-%s-%s.md", k.T("file.picture"), f.ID, stamp)
		cl := Class{Kind: KindExport, Forum: f.ID, TLP: Strictest(TLPClear, comp.TLP), Exercise: comp.Exercise, Owners: owners(comp)}
		comment := Message{TLP: cl.TLP, Text: k.T("report.export_comment", "Forum", f.Name)}
		comp.Contacts = contactList(ch, f.Actors, k.Lang, "- ")
		doc := []byte(k.CompiledMarkdown(comp))
		if format == "pdf" {
			name = fmt.Sprintf("%s-%s-%s.pdf", k.T("file.picture"), f.ID, stamp)
			comp.Contacts = contactList(ch, f.Actors, k.Lang, "")
			if doc, err = k.print(f, k.picturePaper(comp), ch.Now); err != nil {
				return err
			}
			comment.Text = k.T("report.export_comment_pdf", "Forum", f.Name)
		}
		to, err := ch.toCaller(name, doc, cl, comment)
		if err != nil {
			return err
		}
		return ch.Audit("report.export", f.ID, map[string]string{"file": name, "to": to.key(), "tlp": string(cl.TLP)}, string(doc))
	})
	return name, err
}
