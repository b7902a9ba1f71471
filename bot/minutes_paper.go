package bot

import (
	"cmp"
	"strings"
)

// minutesPaper is a meeting's minutes as a secretary would file and sign
// them: the meeting's facts, attendance by organisation with names,
// the picture it worked from, the summary and common direction when
// given, the decisions numbered meeting:order with who decided, the
// action items as a table, the next meeting in full, the signature block
// and the distribution list. No chat syntax.
func (k *core) minutesPaper(tx Tx, f *Forum, c *Conference) (Paper, error) {
	k = k.in(f)
	names := actorNames(tx, f.Actors)
	end := cmp.Or(c.EndedAt, c.Started)
	p := Paper{
		Lang:  k.Lang,
		Title: k.T("paper.minutes_title", "Forum", f.Name, "N", c.ID),
		Lead:  k.T("paper.minutes_lead", "Day", c.Scheduled.In(f.location()).Format("2006-01-02"), "Start", k.clock(c.Started), "End", k.clock(end)),
		TLP:   c.Label(),
	}
	if c.Exercise {
		p.Exercise = k.T("exercise.marker")
	}
	facts := Block{Kind: BlockFacts}
	add := func(term, value string) {
		if value != "" {
			facts.Pairs = append(facts.Pairs, [2]string{term, value})
		}
	}
	add(k.T("paper.convener"), names[c.Convener])
	add(k.T("paper.chair"), c.ChairName)
	add(k.T("paper.secretary"), c.SecretaryName)
	if c.Form != "" {
		add(k.T("paper.form"), k.T("form."+c.Form))
	}
	add(k.T("paper.purpose"), k.purposes(c.Purposes))
	if !c.ClosedForNext.IsZero() {
		add(k.T("paper.note"), k.T("minutes.closed_for_next", "When", k.confTime(f, c.ClosedForNext)))
	}
	p.Blocks = append(p.Blocks, facts)

	// 1. Attendance: one row per organisation, everyone who reported in.
	p.heading(k.T("paper.attendance"))
	att := Block{Kind: BlockTable, Head: []string{k.T("paper.col_org"), k.T("paper.col_present"), k.T("paper.col_time")}, Widths: []float64{3, 4, 1.3}}
	for _, a := range f.Actors {
		var who, at []string
		for _, x := range c.Attendance {
			if x.Actor == a {
				who, at = append(who, x.Name), append(at, k.clock(x.At))
			}
		}
		if len(who) == 0 {
			att.Rows = append(att.Rows, []string{names[a], k.T("paper.absent"), ""})
			continue
		}
		att.Rows = append(att.Rows, []string{names[a], strings.Join(who, ", "), strings.Join(at, ", ")})
	}
	p.Blocks = append(p.Blocks, att)

	// 2. The picture the meeting worked from.
	if len(c.Picture) > 0 {
		p.heading(k.T("minutes.picture"))
		pic := Block{Kind: BlockTable, Head: []string{k.T("paper.col_org"), k.T("paper.col_report"), k.T("paper.col_label"), k.T("paper.col_filed")}, Widths: []float64{3, 2, 2, 2}}
		for _, r := range c.Picture {
			pic.Rows = append(pic.Rows, []string{names[r.Actor], k.T("paper.report_ref", "N", r.Number, "Version", r.Version), r.TLP.Label(), r.At.In(k.loc()).Format("2006-01-02 15:04")})
		}
		p.Blocks = append(p.Blocks, pic)
	}

	// 3. Summary and common direction, when the meeting gave them.
	if c.Summary != nil {
		p.heading(k.T("minutes.summary"))
		p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: c.Summary.Text})
	}
	if c.Direction != nil {
		p.heading(k.T("minutes.direction"))
		p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: c.Direction.Text})
	}

	// 4. Decisions, numbered meeting:order.
	p.heading(k.T("minutes.decisions"))
	decisions, err := ConferenceDecisions(tx, c)
	if err != nil {
		return Paper{}, err
	}
	if len(decisions) == 0 {
		p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: k.T("paper.no_decisions")})
	} else {
		b := Block{Kind: BlockNumbered}
		for i, d := range decisions {
			b.Items = append(b.Items, Item{Ref: decisionRef(c.ID, i+1), Text: d.Text, Note: k.T("paper.decided_by", "Who", d.By, "Time", k.clock(d.At))})
		}
		p.Blocks = append(p.Blocks, b)
	}

	// 5. Action items.
	p.heading(k.T("minutes.actions"))
	items, err := ConferenceActions(tx, c)
	if err != nil {
		return Paper{}, err
	}
	if len(items) == 0 {
		p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: k.T("paper.no_actions")})
	} else {
		today := k.Clock.Now().In(f.location()).Format("2006-01-02")
		b := Block{Kind: BlockTable, Head: []string{"#", k.T("paper.col_action"), k.T("paper.col_owner"), k.T("paper.col_due"), k.T("paper.col_state")}, Widths: []float64{0.6, 5, 2.4, 1.7, 1.7}}
		for _, a := range items {
			state := k.T("paper.action_open")
			switch {
			case a.Done:
				state = k.T("paper.action_done", "Date", a.DoneAt.In(k.loc()).Format("2006-01-02"))
			case a.Due < today:
				state = k.T("paper.action_overdue")
			}
			b.Rows = append(b.Rows, []string{itoa(a.Number), a.Text, names[a.Owner], a.Due, state})
		}
		p.Blocks = append(p.Blocks, b)
	}

	// 6. The next meeting, in full, or that none is booked.
	p.heading(k.T("minutes.next"))
	p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: k.nextOnPaper(tx, f, c)})

	// 7. Signatures and distribution.
	p.heading(k.T("paper.signed"))
	p.Blocks = append(p.Blocks, Block{Kind: BlockSignatures, Pairs: [][2]string{
		{k.T("paper.chair"), c.ChairName}, {k.T("paper.secretary"), c.SecretaryName}, {k.T("paper.checker"), ""}}})
	p.heading(k.T("paper.distribution"))
	var to []string
	for _, a := range f.Actors {
		to = append(to, names[a])
	}
	p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: k.T("paper.distribution_text", "Actors", strings.Join(to, ", "), "Label", c.Label().Label())})
	return p, nil
}

// heading adds a heading, which the printer keeps with what follows.
func (p *Paper) heading(text string) {
	p.Blocks = append(p.Blocks, Block{Kind: BlockHeading, Text: text})
}

// nextOnPaper is the next meeting in words: booked (when, how, purpose,
// the note), or the schedule's next, or that none is booked.
func (k *core) nextOnPaper(tx Tx, f *Forum, c *Conference) string {
	k = k.in(f)
	var lines []string
	planned, _ := PlannedBy(tx, c)
	if planned != nil {
		lines = append(lines, k.T("paper.next_booked", "When", k.confTime(f, planned.At)))
		if planned.Form != "" {
			lines = append(lines, k.T("paper.next_form", "Form", k.T("form."+planned.Form)))
		}
		if planned.Join != "" {
			lines = append(lines, k.T("paper.next_join", "Join", planned.Join))
		}
		if len(planned.Purposes) > 0 {
			lines = append(lines, k.T("paper.next_purpose", "Purposes", k.purposes(planned.Purposes)))
		}
	}
	if c.Next != nil {
		lines = append(lines, c.Next.Text)
	}
	if planned == nil {
		if next, err := NextMeeting(tx, f, cmp.Or(c.EndedAt, c.Started)); err == nil && next != nil {
			lines = append(lines, k.T("paper.next_regular", "When", k.confTime(f, next.At)))
		}
	}
	if len(lines) == 0 {
		return k.T("paper.next_none")
	}
	return strings.Join(lines, "\n")
}

// picturePaper is the common picture for print: what is known first —
// each organisation's part under its label — then who has not reported,
// what the reader was not shown, and the contact list last, for when
// chat is down.
func (k *core) picturePaper(c *Compiled) Paper {
	k = k.in(c.Forum)
	p := Paper{
		Lang:  k.Lang,
		Title: k.T("report.compiled_title", "Forum", c.Forum.Name),
		Lead:  k.T("report.compiled_text", "Time", c.At.In(k.loc()).Format("2006-01-02 15:04"), "N", len(c.Reports), "Of", len(c.Forum.Actors)),
		TLP:   c.TLP,
	}
	if c.TLP != TLPNone {
		p.Obligation = k.Obligations(labels(c)...)
	}
	if c.Exercise {
		p.Exercise = k.T("exercise.marker")
	}
	for _, r := range c.Reports {
		p.Blocks = append(p.Blocks, Block{Kind: BlockHeading, Text: c.Names[r.Actor], Label: r.TLP},
			Block{Kind: BlockText, Text: k.T("paper.part_lead", "Author", r.AuthorName, "Time", k.clockDay(r), "N", r.Number, "Version", r.Version)})
		facts := Block{Kind: BlockFacts}
		for _, s := range r.Sections {
			facts.Pairs = append(facts.Pairs, [2]string{k.sectionTitle(s.Key), s.Text})
		}
		p.Blocks = append(p.Blocks, facts)
	}
	for _, kid := range c.Children {
		for _, r := range kid.Reports {
			p.Blocks = append(p.Blocks, Block{Kind: BlockHeading, Text: k.T("rollup.part", "Forum", kid.Forum.Name, "Actor", kid.Names[r.Actor]), Label: r.TLP},
				Block{Kind: BlockText, Text: k.T("paper.part_lead", "Author", r.AuthorName, "Time", k.clockDay(r), "N", r.Number, "Version", r.Version)})
			facts := Block{Kind: BlockFacts}
			for _, s := range r.Sections {
				facts.Pairs = append(facts.Pairs, [2]string{k.sectionTitle(s.Key), s.Text})
			}
			p.Blocks = append(p.Blocks, facts)
		}
	}
	if len(c.Children) > 0 {
		p.heading(k.T("rollup.children"))
		p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: k.childLines(c)})
	}
	var missing []string
	for _, a := range c.Missing {
		missing = append(missing, c.Names[a])
	}
	if len(missing) > 0 {
		p.heading(k.T("report.missing"))
		p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: strings.Join(missing, ", ")})
	}
	if c.Withheld > 0 {
		p.heading(k.T("report.withheld_title"))
		p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: k.T("report.withheld_text", "Count", c.Withheld)})
	}
	if c.Contacts != "" {
		p.heading(k.T("report.contacts"))
		p.Blocks = append(p.Blocks, Block{Kind: BlockText, Text: c.Contacts})
	}
	return p
}

// PicturePaper is the common picture as the caller may see it, for print.
func (s *Reports) PicturePaper(c Caller, forumID string) (Paper, error) {
	var p Paper
	err := s.withPicture(c, forumID, func(tx Tx, f *Forum, comp *Compiled) {
		comp.Contacts = contactList(tx, f.Actors, s.LangOf(f), "")
		p = s.picturePaper(comp)
	})
	return p, err
}

// MinutesPaper is one meeting's minutes (which: "#N", N or a date with
// one meeting) as the caller may read them, for print.
func (cs *Conferences) MinutesPaper(c Caller, forumID, which string) (Paper, error) {
	var p Paper
	err := cs.View(func(tx Tx) error {
		c, f, err := cs.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		conf, _, err := cs.pickMinutes(tx, c, f, which)
		if err != nil {
			return err
		}
		if conf == nil {
			return Errorf(EINVALID, "err.minutes_pick_one", "Forum", f.ID)
		}
		p, err = cs.minutesPaper(tx, f, conf)
		return err
	})
	return p, err
}
