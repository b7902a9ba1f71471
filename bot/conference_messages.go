package bot

import (
	"fmt"
	"strings"
	"time"
)

// confTime shows a conference time in the forum's zone, e.g. "2026-11-26 16:00".
func (b *Bot) confTime(f *Forum, t time.Time) string {
	loc := b.loc()
	if f.Schedule != nil {
		loc = f.Schedule.Location()
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// agenda is the conference post with the standard FSPOS agenda, edited in
// place as roll call and minutes fill in.
func (b *Bot) agenda(tx Tx, f *Forum, c *Conference) (Message, error) {
	names := actorNames(tx, f.Actors)
	title := b.T("conference.agenda_title", "Forum", f.Name, "When", b.confTime(f, c.Scheduled))
	if c.Late {
		title += " " + b.T("conference.late_mark")
	}
	if !c.EndedAt.IsZero() {
		title = b.T("conference.ended_prefix") + " " + title
	}
	m := Message{Title: title, Colour: "#1F6FB2"}
	if c.Late {
		m.Text = b.T("conference.late_text", "When", b.confTime(f, c.Scheduled), "Now", b.confTime(f, c.Started))
	}
	// 1. Roll call.
	var present, absent []string
	for _, a := range f.Actors {
		if at := c.attendee(a); at != nil {
			present = append(present, fmt.Sprintf("%s (%s, %s)", names[a], at.Name, b.clock(at.At)))
		} else {
			absent = append(absent, names[a])
		}
	}
	roll := b.T("conference.present", "N", len(present), "Of", len(f.Actors)) + " " + orDash(strings.Join(present, "; "))
	if len(absent) > 0 {
		roll += "\n" + b.T("conference.not_yet") + " " + strings.Join(absent, ", ")
	}
	m.Sections = append(m.Sections,
		Section{Title: b.T("agenda.1"), Text: roll},
		Section{Title: b.T("agenda.2"), Text: b.T("agenda.2_text")},
		Section{Title: b.T("agenda.3"), Text: b.purposes(c.Purposes)},
	)
	// 4. Each actor in turn, with its latest report.
	var round, none []string
	for _, a := range f.Actors {
		r, err := LatestReport(tx, f.ID, a)
		if err != nil {
			return m, err
		}
		if r == nil {
			none = append(none, names[a])
			continue
		}
		round = append(round, b.T("agenda.4_line", "Actor", names[a], "N", r.Number, "Version", r.Version, "Time", b.confTime(f, r.At), "Label", r.TLP.Label(), "Forum", f.ID, "A", a))
	}
	turn := strings.Join(round, "\n")
	if len(none) > 0 {
		turn = strings.TrimSpace(turn + "\n" + b.T("agenda.4_none") + " " + strings.Join(none, ", "))
	}
	m.Sections = append(m.Sections,
		Section{Title: b.T("agenda.4"), Text: turn},
		Section{Title: b.T("agenda.5"), Text: b.T("agenda.5_text")},
	)
	// 6. Decisions and actions, with open ones from earlier meetings.
	dec, err := b.decisionsAndActions(tx, f, c, names)
	if err != nil {
		return m, err
	}
	m.Sections = append(m.Sections, Section{Title: b.T("agenda.6"), Text: dec})
	// 7. Next meeting.
	next := b.T("agenda.7_none")
	if c.Next != nil {
		next = c.Next.Text
	} else if f.Schedule != nil {
		next = b.T("agenda.7_scheduled", "When", b.confTime(f, f.Schedule.Next(c.Scheduled)))
	}
	m.Sections = append(m.Sections, Section{Title: b.T("agenda.7"), Text: next})
	if c.EndedAt.IsZero() {
		for _, a := range f.Actors {
			m.Buttons = append(m.Buttons, Button{Label: b.T("button.present", "Actor", names[a]), Command: fmt.Sprintf("närvarande %s %s", f.ID, a)})
		}
	}
	if c.Exercise {
		m.Exercise = b.T("exercise.marker")
	}
	return m, nil
}

func (c *Conference) attendee(actor string) *Attendee {
	for i := range c.Attendance {
		if c.Attendance[i].Actor == actor {
			return &c.Attendance[i]
		}
	}
	return nil
}

func (b *Bot) decisionsAndActions(tx Tx, f *Forum, c *Conference, names map[string]string) (string, error) {
	var lines []string
	for i, d := range c.Decisions {
		lines = append(lines, b.T("minutes.decision", "N", i+1, "Text", d.Text))
	}
	open, err := OpenActions(tx, f.ID)
	if err != nil {
		return "", err
	}
	var earlier []string
	for _, a := range open {
		line := b.T("minutes.action", "N", a.Number, "Text", a.Text, "Owner", names[a.Owner], "Due", a.Due)
		if a.Conference == c.ID {
			lines = append(lines, line)
		} else {
			earlier = append(earlier, line)
		}
	}
	if len(earlier) > 0 {
		lines = append(lines, b.T("agenda.6_open"))
		lines = append(lines, earlier...)
	}
	if len(lines) == 0 {
		return b.T("agenda.6_text"), nil
	}
	return strings.Join(lines, "\n"), nil
}

// Minutes are a conference's stored record: attendance with times,
// decisions, action items with owner and deadline, next meeting.
func (b *Bot) Minutes(tx Tx, f *Forum, c *Conference) (Message, error) {
	names := actorNames(tx, f.Actors)
	var present, absent []string
	for _, a := range f.Actors {
		if at := c.attendee(a); at != nil {
			present = append(present, fmt.Sprintf("%s – %s, %s", names[a], at.Name, b.clock(at.At)))
		} else {
			absent = append(absent, names[a])
		}
	}
	var decisions []string
	for i, d := range c.Decisions {
		decisions = append(decisions, b.T("minutes.decision", "N", i+1, "Text", d.Text))
	}
	var actions []string
	for _, n := range c.Actions {
		var a ActionItem
		if err := tx.Get(BucketActions, SeqKey(n), &a); err != nil {
			return Message{}, err
		}
		actions = append(actions, b.T("minutes.action", "N", a.Number, "Text", a.Text, "Owner", names[a.Owner], "Due", a.Due))
	}
	next := "–"
	if c.Next != nil {
		next = c.Next.Text
	}
	end := c.EndedAt
	if end.IsZero() {
		end = c.Started
	}
	m := Message{
		Title: b.T("minutes.title", "Forum", f.Name, "When", b.confTime(f, c.Scheduled), "N", c.ID),
		Text:  b.T("minutes.text", "Start", b.clock(c.Started), "End", b.clock(end), "Purposes", b.purposes(c.Purposes)),
		Fields: []Field{
			{Title: b.T("minutes.present", "N", len(present)), Value: orDash(strings.Join(present, "\n"))},
			{Title: b.T("minutes.absent", "N", len(absent)), Value: orDash(strings.Join(absent, "\n"))},
		},
		Sections: []Section{
			{Title: b.T("minutes.decisions"), Text: orDash(strings.Join(decisions, "\n"))},
			{Title: b.T("minutes.actions"), Text: orDash(strings.Join(actions, "\n"))},
			{Title: b.T("minutes.next"), Text: next},
		},
		Colour: "#1F6FB2",
	}
	if c.Exercise {
		m.Exercise = b.T("exercise.marker")
	}
	return m, nil
}
