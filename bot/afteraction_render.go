package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"samverkan/catalog"
)

// afterPlot is the report's timeline: a row per organisation called in
// (acknowledgement, first report), one for meetings, one per statement
// (draft to release) and one for reminders, escalation and notes; the
// call-in deadline is a line across.
func (k *core) afterPlot(r *AfterAction) Plot {
	k = k.in(r.Forum)
	p := Plot{Start: r.Activation.At, End: r.End, Loc: k.loc(), Lines: []PlotLine{{At: r.Activation.Deadline, Label: k.T("aar.plot_deadline")}}}
	used := map[string]bool{}
	mark := func(row *PlotRow, at time.Time, kind string) {
		if !at.IsZero() {
			row.Marks = append(row.Marks, PlotMark{At: at, Kind: kind})
			used[kind] = true
		}
	}
	for _, o := range r.Orgs {
		row := PlotRow{Label: o.Name}
		kind := "acked"
		if o.Late {
			kind = "late"
		}
		mark(&row, o.Acked, kind)
		mark(&row, o.FirstReport, "report")
		p.Rows = append(p.Rows, row)
	}
	if len(r.Meetings) > 0 {
		row := PlotRow{Label: k.T("aar.plot_meetings")}
		for _, m := range r.Meetings {
			end := m.Ended
			if end.IsZero() {
				end = r.End
			}
			row.Spans = append(row.Spans, PlotSpan{From: m.Started, To: end, Kind: "meeting"})
			used["meeting"] = true
		}
		p.Rows = append(p.Rows, row)
	}
	for _, st := range r.Statements {
		row := PlotRow{Label: k.T("aar.plot_statement", "N", st.Number)}
		end := st.Released
		if end.IsZero() {
			end = r.End
		}
		row.Spans = append(row.Spans, PlotSpan{From: st.Drafted, To: end, Kind: "statement"})
		used["statement"] = true
		mark(&row, st.Released, "release")
		p.Rows = append(p.Rows, row)
	}
	if len(r.Reminders)+len(r.Escalations)+len(r.Notes) > 0 {
		row := PlotRow{Label: k.T("aar.plot_events")}
		for _, t := range r.Reminders {
			mark(&row, t, "reminder")
		}
		for _, t := range r.Escalations {
			mark(&row, t, "escalation")
		}
		for _, n := range r.Notes {
			mark(&row, n.At, "note")
		}
		p.Rows = append(p.Rows, row)
	}
	for _, kind := range []string{"acked", "late", "report", "meeting", "statement", "release", "reminder", "escalation", "note"} {
		if used[kind] {
			p.Legend = append(p.Legend, PlotLegend{Kind: kind, Label: k.T("aar.kind." + kind)})
		}
	}
	return p
}

// AfterActionSVG is the report's timeline as an SVG document.
func (k *core) AfterActionSVG(r *AfterAction) string {
	k = k.in(r.Forum)
	return PlotSVG(k.afterPlot(r), k.T("aar.plot_title", "Forum", r.Forum.Name, "N", r.Activation.ID))
}

// afterTitle and afterLead head every form of the report.
func (k *core) afterTitle(r *AfterAction) string {
	k = k.in(r.Forum)
	return k.T("aar.title", "Forum", r.Forum.Name, "N", r.Activation.ID)
}

func (k *core) afterLead(r *AfterAction) string {
	k = k.in(r.Forum)
	from, to := k.span(r.Activation.At, r.End)
	key := "aar.lead"
	if r.Ongoing {
		key = "aar.lead_ongoing"
	}
	return k.T(key, "From", from, "To", to, "By", r.Activation.ByName, "Deadline", k.clock(r.Activation.Deadline))
}

// after is a time relative to the activation: "14:05 (+12 min)".
func (k *core) after(r *AfterAction, t time.Time) string {
	k = k.in(r.Forum)
	if t.IsZero() {
		return "–"
	}
	return fmt.Sprintf("%s (+%s)", k.clock(t), roundMinutes(t.Sub(r.Activation.At)))
}

// afterTables are the report's parts as headed tables and lists, shared
// by the Markdown and the paper.
func (k *core) afterParts(r *AfterAction) []Block {
	k = k.in(r.Forum)
	var bs []Block
	rows := [][]string{}
	for _, o := range r.Orgs {
		ack := k.after(r, o.Acked)
		if o.AckedBy != "" {
			ack += " · " + o.AckedBy
		}
		rows = append(rows, []string{o.Name, ack, k.after(r, o.FirstReport)})
	}
	bs = append(bs, Block{Kind: BlockHeading, Text: k.T("aar.callin")},
		Block{Kind: BlockTable, Head: []string{k.T("aar.org"), k.T("aar.acked"), k.T("aar.first_report")}, Rows: rows, Widths: []float64{0.34, 0.38, 0.28}})
	var ev []string
	for _, t := range r.Reminders {
		ev = append(ev, k.T("aar.reminder_at", "Time", k.after(r, t)))
	}
	for _, t := range r.Escalations {
		ev = append(ev, k.T("aar.escalation_at", "Time", k.after(r, t)))
	}
	if len(ev) == 0 {
		ev = []string{k.T("aar.no_reminders")}
	}
	bs = append(bs, Block{Kind: BlockText, Text: strings.Join(ev, "\n")})
	bs = append(bs, Block{Kind: BlockHeading, Text: k.T("aar.meetings")})
	if len(r.Meetings) == 0 {
		bs = append(bs, Block{Kind: BlockText, Text: k.T("aar.none")})
	}
	for _, m := range r.Meetings {
		var items []Item
		for i, d := range m.Decisions {
			items = append(items, Item{Ref: fmt.Sprintf("%d.", i+1), Text: d})
		}
		for _, a := range m.OpenActions {
			items = append(items, Item{Ref: "→", Text: a, Note: k.T("aar.open_action")})
		}
		ended := "–"
		if !m.Ended.IsZero() {
			ended = k.clock(m.Ended)
		}
		bs = append(bs, Block{Kind: BlockText, Text: k.T("aar.meeting", "N", m.ID, "From", k.after(r, m.Started), "To", ended, "Decisions", catalog.Count(k.Lang, "decisions", len(m.Decisions)), "Open", len(m.OpenActions)), Label: m.Label})
		if len(items) > 0 {
			bs = append(bs, Block{Kind: BlockNumbered, Items: items})
		}
	}
	bs = append(bs, Block{Kind: BlockHeading, Text: k.T("aar.statements")})
	if len(r.Statements) == 0 {
		bs = append(bs, Block{Kind: BlockText, Text: k.T("aar.none")})
	}
	for _, st := range r.Statements {
		var aps []string
		for _, a := range st.Approvals {
			aps = append(aps, fmt.Sprintf("%s (%s) %s", a.Name, a.Org, k.clock(a.At)))
		}
		rel := k.T("aar.not_released", "State", k.T("statement.state."+st.State))
		if !st.Released.IsZero() {
			rel = k.T("aar.released", "Time", k.after(r, st.Released), "Took", roundMinutes(st.Released.Sub(st.Drafted)))
		}
		bs = append(bs, Block{Kind: BlockFacts, Label: st.Label, Pairs: [][2]string{
			{k.T("aar.statement", "N", st.Number), Shorten(st.Text, 200)},
			{k.T("aar.drafted"), k.after(r, st.Drafted) + " · " + k.T("aar.revisions", "N", st.RevisionsOfDraft)},
			{k.T("aar.release"), rel},
			{k.T("aar.approvals"), orDash(strings.Join(aps, "\n"))},
		}})
	}
	if len(r.Requests) > 0 {
		bs = append(bs, Block{Kind: BlockHeading, Text: k.T("aar.requests")})
		var items []Item
		for _, q := range r.Requests {
			note := k.T("aar.request_note", "Answered", q.Answered, "Of", q.Of, "Due", k.clock(q.Due))
			if len(q.Silent) > 0 {
				note += " · " + k.T("aar.request_silent", "Orgs", strings.Join(q.Silent, ", "))
			}
			items = append(items, Item{Ref: fmt.Sprintf("#%d", q.Number), Text: q.Text, Note: note})
		}
		bs = append(bs, Block{Kind: BlockNumbered, Items: items})
	}
	if len(r.Notes) > 0 {
		bs = append(bs, Block{Kind: BlockHeading, Text: k.T("aar.notes")})
		var items []Item
		for _, n := range r.Notes {
			items = append(items, Item{Ref: k.clock(n.At), Text: n.Text, Note: n.Name})
		}
		bs = append(bs, Block{Kind: BlockNumbered, Items: items})
	}
	bs = append(bs, Block{Kind: BlockHeading, Text: k.T("aar.deviations")})
	dev := strings.Join(r.Deviations, "\n")
	if dev == "" {
		dev = k.T("aar.no_deviations")
	}
	bs = append(bs, Block{Kind: BlockText, Text: dev})
	if r.Withheld > 0 {
		bs = append(bs, Block{Kind: BlockText, Text: k.T("aar.withheld", "Count", r.Withheld)})
	}
	return bs
}

// afterPaper is the report for the PDF printer, with the timeline drawn.
func (k *core) afterPaper(r *AfterAction) Paper {
	k = k.in(r.Forum)
	p := Paper{Title: k.afterTitle(r), Lead: k.afterLead(r), TLP: r.Label, Lang: k.Lang}
	if r.Activation.Exercise {
		p.Exercise = k.T("exercise.marker")
	}
	plot := k.afterPlot(r)
	p.Blocks = append([]Block{{Kind: BlockHeading, Text: k.T("aar.timeline")}, {Kind: BlockPlot, Plot: &plot}}, k.afterParts(r)...)
	return p
}

// AfterActionMarkdown is the report as Markdown, its timeline as a list.
func (k *core) AfterActionMarkdown(r *AfterAction) string {
	k = k.in(r.Forum)
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n# %s\n\n%s\n", r.Label.Label(), k.afterTitle(r), k.afterLead(r))
	if r.Activation.Exercise {
		fmt.Fprintf(&b, "\n**%s**\n", k.T("exercise.marker"))
	}
	for _, bl := range k.afterParts(r) {
		switch bl.Kind {
		case BlockHeading:
			fmt.Fprintf(&b, "\n## %s\n\n", bl.Text)
		case BlockText:
			if bl.Label != TLPNone {
				fmt.Fprintf(&b, "%s · ", bl.Label.Label())
			}
			b.WriteString(strings.ReplaceAll(bl.Text, "\n", "  \n") + "\n\n")
		case BlockTable:
			fmt.Fprintf(&b, "| %s |\n|%s\n", strings.Join(bl.Head, " | "), strings.Repeat("---|", len(bl.Head)))
			for _, row := range bl.Rows {
				fmt.Fprintf(&b, "| %s |\n", strings.Join(row, " | "))
			}
			b.WriteString("\n")
		case BlockNumbered:
			for _, it := range bl.Items {
				fmt.Fprintf(&b, "- **%s** %s", it.Ref, it.Text)
				if it.Note != "" {
					fmt.Fprintf(&b, " _(%s)_", it.Note)
				}
				b.WriteString("\n")
			}
			b.WriteString("\n")
		case BlockFacts:
			if bl.Label != TLPNone {
				fmt.Fprintf(&b, "%s\n\n", bl.Label.Label())
			}
			for _, pr := range bl.Pairs {
				fmt.Fprintf(&b, "- **%s:** %s\n", pr[0], strings.ReplaceAll(pr[1], "\n", "; "))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// SendAfterAction sends the caller the report of forum's activation n as
// a file in their direct messages, Markdown ("md") or PDF ("pdf"), and
// returns its name.
func (s *Activations) SendAfterAction(ctx context.Context, c Caller, forumID string, n uint64, format string) (string, error) {
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
		a, err := pickActivation(ch, f, n)
		if err != nil {
			return err
		}
		r, err := s.afterAction(ch, ch.Caller, f, a)
		if err != nil {
			return err
		}
		name = fmt.Sprintf("%s-%s-%d.%s", k.T("file.after_action"), f.ID, a.ID, map[bool]string{true: "pdf", false: "md"}[format == "pdf"])
		doc := []byte(s.AfterActionMarkdown(r))
		if format == "pdf" {
			if doc, err = k.print(f, k.afterPaper(r), ch.Now); err != nil {
				return err
			}
		}
		cl := Class{Kind: KindExport, Forum: f.ID, TLP: r.Label, Exercise: a.Exercise}
		msg := Message{TLP: r.Label, Text: k.T("aar.file_comment", "Forum", f.Name, "N", a.ID)}
		to, err := ch.toCaller(name, doc, cl, msg)
		if err != nil {
			return err
		}
		return ch.Audit("activation.report", f.ID, map[string]string{"activation": itoa(a.ID), "file": name, "to": to.key()}, "")
	})
	return name, err
}

// AfterActionPaper is the report of forum's activation n for the board's
// PDF, as c may read it.
func (s *Activations) AfterActionPaper(c Caller, forumID string, n uint64) (Paper, error) {
	r, err := s.AfterAction(c, forumID, n)
	if err != nil {
		return Paper{}, err
	}
	return s.afterPaper(r), nil
}
