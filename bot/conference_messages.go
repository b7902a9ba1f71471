package bot

import (
	"cmp"
	"fmt"
	"samverkan/catalog"
	"slices"
	"strings"
	"time"
)

// confTime shows a conference time in the forum's zone, e.g. "2026-11-26 16:00".
func (k *core) confTime(f *Forum, t time.Time) string {
	k = k.in(f)
	loc := k.loc()
	if f.Schedule != nil {
		loc = f.Schedule.Location()
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// agenda is the conference post with the standard FSPOS agenda, edited in
// place as roll call and minutes fill in.
func (k *core) agenda(tx Tx, f *Forum, c *Conference) (Message, error) {
	k = k.in(f)
	return k.agendaView(tx, f, c, false)
}

// agendaView draws the agenda whole, or as its frame (guests.go): what a
// channel with people who may not read the meeting's label may see, at
// TLP:GREEN — the items, the roll call by organisation, who has a report,
// how many decisions and action items there are and when the next
// meeting is, without their content or the way to join.
func (k *core) agendaView(tx Tx, f *Forum, c *Conference, frame bool) (Message, error) {
	k = k.in(f)
	names := actorNames(tx, f.Actors)
	title := k.T("conference.agenda_title", "Forum", f.Name, "When", k.confTime(f, c.Scheduled))
	if c.Late {
		title += " " + k.T("conference.late_mark")
	}
	if !c.EndedAt.IsZero() {
		title = k.T("conference.ended_prefix") + " " + title
	}
	m := Message{Title: title, Colour: "#1F6FB2", TLP: c.Label()}
	if frame {
		m.TLP = TLPGreen
	}
	var intro []string
	if frame {
		intro = append(intro, k.T("conference.frame_intro", "Label", c.Label().Label(), "Forum", f.ID))
	}
	if c.Late {
		intro = append(intro, k.T("conference.late_text", "When", k.confTime(f, c.Scheduled), "Now", k.confTime(f, c.Started)))
	}
	intro = append(intro, k.convened(c, names, frame))
	m.Text = strings.Join(intro, "\n")
	// 1. Roll call.
	var present, absent []string
	for _, a := range f.Actors {
		if at := c.attendee(a); at != nil && frame {
			present = append(present, fmt.Sprintf("%s (%s)", names[a], k.clock(at.At)))
		} else if at != nil {
			present = append(present, fmt.Sprintf("%s (%s, %s)", names[a], at.Name, k.clock(at.At)))
		} else {
			absent = append(absent, names[a])
		}
	}
	roll := k.T("conference.present", "N", len(present), "Of", len(f.Actors)) + " " + orDash(strings.Join(present, "; "))
	if len(absent) > 0 {
		roll += "\n" + k.T("conference.not_yet") + " " + strings.Join(absent, ", ")
	}
	m.Sections = append(m.Sections,
		Section{Title: k.T("agenda.1"), Text: roll},
		Section{Title: k.T("agenda.2"), Text: k.T("agenda.2_text")},
		Section{Title: k.T("agenda.3"), Text: k.purposes(c.Purposes)},
	)
	// 4. Each actor in turn, with its latest report.
	var round, none, have []string
	for _, a := range f.Actors {
		r, err := LatestReport(tx, f.ID, a)
		if err != nil {
			return m, err
		}
		if r == nil {
			none = append(none, names[a])
			continue
		}
		if frame {
			have = append(have, names[a])
			continue
		}
		line := k.T("agenda.4_line", "Actor", names[a], "N", r.Number, "Version", r.Version, "Time", k.confTime(f, r.At), "Label", r.TLP.Label(), "Forum", f.ID, "A", a)
		if r.Exercise {
			// An exercise report beside real ones is marked where it is named.
			line += " · " + k.T("exercise.marker")
			m.Exercise = k.T("exercise.marker")
		}
		round = append(round, line)
	}
	turn := strings.Join(round, "\n")
	if frame && len(have) > 0 {
		turn = k.T("conference.frame_reports", "Actors", strings.Join(have, ", "), "Forum", f.ID)
	}
	if len(none) > 0 {
		turn = strings.TrimSpace(turn + "\n" + k.T("agenda.4_none") + " " + strings.Join(none, ", "))
	}
	summary := k.confSummary(c)
	if frame && c.Summary != nil {
		summary = k.T("conference.frame_withheld", "Label", c.Label().Label())
	}
	m.Sections = append(m.Sections,
		Section{Title: k.T("agenda.4", "Parts", k.roundParts(c.Purposes)), Text: turn},
		Section{Title: k.T("agenda.5"), Text: summary},
	)
	// 6. Decisions and actions, with open ones from earlier meetings.
	var dec string
	if frame {
		dec = k.T("conference.frame_decisions", "Decisions", catalog.Count(k.Lang, "decisions", c.DecisionCount()), "Actions", catalog.Count(k.Lang, "actions", c.ActionCount()), "Label", c.Label().Label())
	} else {
		var err error
		if dec, err = k.decisionsAndActions(tx, f, c, names); err != nil {
			return m, err
		}
		if c.Direction != nil {
			dec = k.T("conference.direction", "Text", c.Direction.Text) + "\n" + dec
		}
	}
	if slices.Contains(c.Purposes, PurposeMessages) {
		dec += "\n" + k.T("agenda.6_messages", "Forum", f.ID)
	}
	m.Sections = append(m.Sections, Section{Title: k.T("agenda.6"), Text: dec})
	// 7. Next meeting.
	next, err := k.nextMeetingText(tx, f, c, frame)
	if err != nil {
		return m, err
	}
	m.Sections = append(m.Sections, Section{Title: k.T("agenda.7"), Text: next})
	if c.EndedAt.IsZero() {
		for _, a := range f.Actors {
			m.Buttons = append(m.Buttons, Button{Label: k.T("button.present", "Actor", names[a]), Action: Action{Kind: ActPresent, Forum: f.ID, Actor: a}})
		}
	}
	if c.Exercise {
		m.Exercise = k.T("exercise.marker")
	}
	return k.labelled(m), nil
}

// roundParts is what each actor reports in the round (agenda item 4),
// chosen by the meeting's purpose: facts to share information, facts and
// prognosis for a common picture, needs for coordination of actions or
// of messages when those are the purpose.
func (k *core) roundParts(purposes []Purpose) string {
	var parts []string
	add := func(key string) {
		if p := k.T(key); !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	for _, p := range purposes {
		switch p {
		case PurposeInformation:
			add("round.facts")
		case PurposePicture:
			add("round.facts")
			add("round.prognosis")
		case PurposeActions:
			add("round.actions")
		case PurposeMessages:
			add("round.messages")
		}
	}
	if len(parts) == 0 {
		add("round.facts")
		add("round.prognosis")
	}
	return strings.Join(parts, ", ")
}

// convened says who convened the meeting, who chairs it and keeps its
// minutes, how it is held and how to take part.
// The frame leaves out the way to join: it is for the members.
func (k *core) convened(c *Conference, names map[string]string, frame bool) string {
	line := k.T("conference.roles", "Chair", orDash(c.ChairName), "Secretary", orDash(c.SecretaryName))
	if c.Convener != "" {
		line = k.T("conference.convened_by", "Actor", cmp.Or(names[c.Convener], c.Convener)) + " " + line
	}
	if c.Form != "" {
		line += " " + k.T("conference.form", "Form", k.T("form."+c.Form))
	}
	if c.Join != "" && !frame {
		line += "\n" + k.T("conference.join", "Join", c.Join)
	}
	return line
}

// nextMeetingText is agenda item 7 and the minutes' next meeting: what
// the meeting decided — the booked time, form, way to join and purpose,
// and its note — or, when it booked none, the calendar's next meeting.
// The frame leaves out the note and the way to join.
func (k *core) nextMeetingText(tx Tx, f *Forum, c *Conference, frame bool) (string, error) {
	k = k.in(f)
	var lines []string
	p, err := PlannedBy(tx, c)
	if err != nil {
		return "", err
	}
	if p != nil {
		lines = append(lines, k.bookedLine(f, p, frame))
	}
	if c.Next != nil && !frame {
		lines = append(lines, c.Next.Text)
	}
	if p == nil {
		next, err := NextMeeting(tx, f, c.Scheduled)
		if err != nil {
			return "", err
		}
		switch {
		case next != nil && next.Booked != nil:
			lines = append(lines, k.bookedLine(f, next.Booked, frame))
		case next != nil && c.Next == nil:
			lines = append(lines, k.T("agenda.7_scheduled", "When", k.confTime(f, next.At)))
		case next != nil:
			lines = append(lines, k.T("agenda.7_regular", "When", k.confTime(f, next.At)))
		}
	}
	if len(lines) == 0 {
		return k.T("agenda.7_none"), nil
	}
	return strings.Join(lines, "\n"), nil
}

// bookedLine shows a booked meeting: when, how it is held and joined, its
// purpose, and the regular meetings it replaces.
func (k *core) bookedLine(f *Forum, p *PlannedMeeting, frame bool) string {
	k = k.in(f)
	join := p.Join
	if frame {
		join = ""
	}
	lines := []string{k.T("agenda.7_booked", "When", k.confTime(f, p.At))}
	if len(p.Replaces) > 0 {
		lines[0] += " " + k.T("agenda.7_replaces", "Times", k.times(f, p.Replaces))
	}
	if how := k.how(p.Form, join); how != "" {
		lines = append(lines, how)
	}
	if len(p.Purposes) > 0 {
		lines = append(lines, k.T("agenda.7_purpose", "Purposes", k.purposes(p.Purposes)))
	}
	return strings.Join(lines, "\n")
}

// confSummary is the chair's summary against the purpose, or how to give it.
func (k *core) confSummary(c *Conference) string {
	if c.Summary == nil {
		return k.T("agenda.5_text", "Purposes", k.purposes(c.Purposes))
	}
	return k.T("conference.summary_line", "Purposes", k.purposes(c.Purposes), "Text", c.Summary.Text)
}

func entryText(e *Entry) string {
	if e == nil {
		return ""
	}
	return e.Text
}

// actionLine shows an action item with its owner and due date, marked
// done, or overdue when its date has passed (today is the forum's date).
func (k *core) actionLine(a ActionItem, names map[string]string, today string) string {
	line := k.T("minutes.action", "N", a.Number, "Text", a.Text, "Owner", names[a.Owner], "Due", a.Due)
	switch {
	case a.Done:
		line += " " + k.T("minutes.action_done", "Date", a.DoneAt.In(k.loc()).Format("2006-01-02"))
	case a.Due < today:
		line += " " + k.T("minutes.action_overdue")
	}
	return line
}

// pictureRefs lists the report versions a meeting worked from, each with
// the command that shows it, and the actors that had none.
func (k *core) pictureRefs(f *Forum, c *Conference, names map[string]string) string {
	k = k.in(f)
	var lines, none []string
	have := map[string]bool{}
	for _, r := range c.Picture {
		have[r.Actor] = true
		lines = append(lines, k.T("minutes.picture_line", "Actor", names[r.Actor], "N", r.Number, "Version", r.Version, "Label", r.TLP.Label(),
			"Time", r.At.In(k.loc()).Format("2006-01-02 15:04"), "Forum", f.ID, "A", r.Actor))
	}
	for _, a := range f.Actors {
		if !have[a] {
			none = append(none, names[a])
		}
	}
	if len(none) > 0 {
		lines = append(lines, k.T("minutes.picture_none", "Actors", strings.Join(none, ", ")))
	}
	return strings.Join(lines, "\n")
}

func (c *Conference) attendee(actor string) *Attendee {
	for i := range c.Attendance {
		if c.Attendance[i].Actor == actor {
			return &c.Attendance[i]
		}
	}
	return nil
}

// agendaShown is how many decisions, and how many open action items, the
// agenda shows: the latest decisions and the oldest open items, and how
// many more there are. A meeting rarely has more; the bound keeps the
// post within the platforms' size limits and the cost of drawing it the
// same whatever the meeting's length. The minutes hold everything.
const agendaShown = 25

func (k *core) decisionsAndActions(tx Tx, f *Forum, c *Conference, names map[string]string) (string, error) {
	k = k.in(f)
	var lines []string
	first, decisions, err := recentDecisions(tx, c, agendaShown)
	if err != nil {
		return "", err
	}
	if first > 1 {
		lines = append(lines, k.T("agenda.6_earlier", "N", first-1, "Forum", f.ID))
	}
	for i, d := range decisions {
		lines = append(lines, k.T("minutes.decision", "N", first+i, "Text", d.Text))
	}
	open, more, err := openActionsUpTo(tx, f.ID, agendaShown)
	if err != nil {
		return "", err
	}
	var earlier []string
	today := k.Clock.Now().In(f.location()).Format("2006-01-02")
	for _, a := range open {
		line := k.actionLine(a, names, today)
		if a.Conference == c.ID {
			lines = append(lines, line)
		} else {
			earlier = append(earlier, line)
		}
	}
	if len(earlier) > 0 {
		lines = append(lines, k.T("agenda.6_open"))
		lines = append(lines, earlier...)
	}
	if more > 0 {
		lines = append(lines, k.T("agenda.6_more_actions", "N", more))
	}
	if len(lines) == 0 {
		return k.T("agenda.6_text"), nil
	}
	return strings.Join(lines, "\n"), nil
}

// minutes are a conference's stored record: attendance with times,
// decisions, action items with owner and deadline, next meeting.
func (k *core) minutes(tx Tx, f *Forum, c *Conference) (Message, error) {
	k = k.in(f)
	return k.minutesView(tx, f, c, false)
}

// minutesView draws the minutes whole, or as their frame (guests.go):
// who took part, by organisation, how many decisions and action items,
// and the next meeting, at TLP:GREEN.
func (k *core) minutesView(tx Tx, f *Forum, c *Conference, frame bool) (Message, error) {
	k = k.in(f)
	names := actorNames(tx, f.Actors)
	var present, absent []string
	for _, a := range f.Actors {
		if at := c.attendee(a); at != nil && frame {
			present = append(present, fmt.Sprintf("%s – %s", names[a], k.clock(at.At)))
		} else if at != nil {
			present = append(present, fmt.Sprintf("%s – %s, %s", names[a], at.Name, k.clock(at.At)))
		} else {
			absent = append(absent, names[a])
		}
	}
	next, err := k.nextMeetingText(tx, f, c, frame)
	if err != nil {
		return Message{}, err
	}
	end := c.EndedAt
	if end.IsZero() {
		end = c.Started
	}
	text := k.T("minutes.text", "Start", k.clock(c.Started), "End", k.clock(end), "Purposes", k.purposes(c.Purposes))
	if !c.ClosedForNext.IsZero() {
		text += "\n" + k.T("minutes.closed_for_next", "When", k.confTime(f, c.ClosedForNext))
	}
	m := Message{
		Title: k.T("minutes.title", "Forum", f.Name, "When", k.confTime(f, c.Scheduled), "N", c.ID),
		Text:  text,
		Fields: []Field{
			{Title: k.T("minutes.present", "N", len(present)), Value: orDash(strings.Join(present, "\n"))},
			{Title: k.T("minutes.absent", "N", len(absent)), Value: orDash(strings.Join(absent, "\n"))},
		},
		Colour: "#1F6FB2",
		TLP:    c.Label(),
	}
	if frame {
		m.TLP = TLPGreen
		m.Text = k.T("minutes.frame_intro", "Label", c.Label().Label(), "Forum", f.ID, "N", c.ID) + "\n" + m.Text
		m.Sections = []Section{
			{Title: k.T("minutes.convened"), Text: k.convened(c, names, true)},
			{Title: k.T("minutes.decisions"), Text: k.T("conference.frame_decisions", "Decisions", catalog.Count(k.Lang, "decisions", c.DecisionCount()), "Actions", catalog.Count(k.Lang, "actions", c.ActionCount()), "Label", c.Label().Label())},
			{Title: k.T("minutes.next"), Text: next},
		}
	} else {
		entries, err := ConferenceDecisions(tx, c)
		if err != nil {
			return Message{}, err
		}
		var decisions []string
		for i, d := range entries {
			decisions = append(decisions, k.T("minutes.decision", "N", i+1, "Text", d.Text))
		}
		items, err := ConferenceActions(tx, c)
		if err != nil {
			return Message{}, err
		}
		var actions []string
		today := k.Clock.Now().In(f.location()).Format("2006-01-02")
		for _, a := range items {
			actions = append(actions, k.actionLine(a, names, today))
		}
		m.Sections = []Section{
			{Title: k.T("minutes.convened"), Text: k.convened(c, names, false)},
			{Title: k.T("minutes.summary"), Text: cmp.Or(entryText(c.Summary), k.T("minutes.no_summary"))},
			{Title: k.T("minutes.direction"), Text: cmp.Or(entryText(c.Direction), k.T("minutes.no_direction"))},
			{Title: k.T("minutes.decisions"), Text: cmp.Or(strings.Join(decisions, "\n"), k.T("paper.no_decisions"))},
			{Title: k.T("minutes.actions"), Text: cmp.Or(strings.Join(actions, "\n"), k.T("paper.no_actions"))},
			{Title: k.T("minutes.next"), Text: cmp.Or(next, k.T("paper.next_none"))},
		}
		if !c.EndedAt.IsZero() {
			m.Sections = append(m.Sections, Section{Title: k.T("minutes.picture"), Text: k.pictureRefs(f, c, names)})
		}
	}
	if c.Exercise {
		m.Exercise = k.T("exercise.marker")
	}
	return k.labelled(m), nil
}
