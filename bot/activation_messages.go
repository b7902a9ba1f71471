package bot

import (
	"fmt"
	"samverkan/catalog"
	"strings"
	"time"
)

// clock shows t as local wall time, e.g. "14:05".
func (k *core) clock(t time.Time) string { return t.In(k.loc()).Format("15:04") }

// span shows from and to as clock times, with dates when they are not on
// the same local day ("2026-11-23 14:39", "2026-11-26 16:05").
func (k *core) span(from, to time.Time) (string, string) {
	f, t := from.In(k.loc()), to.In(k.loc())
	if f.Format("2006-01-02") == t.Format("2006-01-02") {
		return f.Format("15:04"), t.Format("15:04")
	}
	return f.Format("2006-01-02 15:04"), t.Format("2006-01-02 15:04")
}

// Since shows a duration as people say it: "12 min", "1 h 5 min". A
// negative one (the clock was set back) shows as 0 min.
func Since(d time.Duration) string {
	d = max(d, 0).Round(time.Minute)
	h, m := int(d.Hours()), int(d.Minutes())%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// mark puts the exercise marker on every message of an exercise activation.
func (k *core) mark(a *Activation, m Message) Message {
	if a.Exercise {
		m.Exercise = k.T("exercise.marker")
	}
	return m
}

func (k *core) purposes(ps []Purpose) string {
	words := make([]string, len(ps))
	for i, p := range ps {
		words[i] = k.T("purpose." + string(p))
	}
	return strings.Join(words, ", ")
}

// ackLine shows an actor's acknowledgement: when, how long after the
// activation, by whom, and marked when it came after the deadline.
func (k *core) ackLine(a *Activation, ack Ack, names map[string]string) string {
	line := k.T("activation.ack_line", "Actor", names[ack.Actor], "Time", k.clock(ack.At), "After", Since(ack.At.Sub(a.At)), "Name", ack.Name)
	if ack.At.After(a.Deadline) {
		line += " " + k.T("activation.ack_late")
	}
	return line
}

// banner is the activation's post in the forum's channels, edited in place
// as actors acknowledge.
func (k *core) banner(f *Forum, a *Activation, names map[string]string, now time.Time) Message {
	k = k.in(f)
	var acked, waiting []string
	for _, act := range a.Actors {
		if ack := a.AckOf(act); ack != nil {
			acked = append(acked, k.ackLine(a, *ack, names))
		} else {
			waiting = append(waiting, names[act])
		}
	}
	answered := len(acked)
	for _, x := range a.Extra { // more people of an actor that already answered
		acked = append(acked, "  + "+k.T("activation.extra_line", "Name", x.Name, "Actor", names[x.Actor], "Time", k.clock(x.At)))
	}
	title := k.T("activation.banner_title", "Forum", f.Name)
	colour := "#D0021B"
	text := k.T("activation.banner_text", "By", a.ByName, "Time", k.clock(a.At), "Purposes", k.purposes(a.Purposes), "Deadline", k.clock(a.Deadline))
	if !a.EndedAt.IsZero() {
		title = k.T("activation.banner_ended_title", "Forum", f.Name)
		colour = "#7A7A7A"
		_, ended := k.span(a.At, a.EndedAt)
		text += "\n" + k.T("activation.banner_ended", "By", a.EndedBy, "Time", ended, "Duration", Since(a.EndedAt.Sub(a.At)))
	} else {
		text += "\n" + k.T("activation.banner_elapsed", "Time", k.clock(now), "Elapsed", Since(now.Sub(a.At)))
	}
	m := Message{
		Title:  title,
		Text:   text,
		Colour: colour,
		Fields: []Field{
			{Title: k.T("activation.acked", "N", answered, "Of", len(a.Actors)), Value: orDash(strings.Join(acked, "\n"))},
			{Title: k.T("activation.waiting", "N", len(waiting)), Value: orDash(strings.Join(waiting, "\n"))},
		},
	}
	if !a.EndedAt.IsZero() {
		m.Fields[1].Title = k.T("activation.never", "N", len(waiting))
	}
	if a.EndedAt.IsZero() {
		m.Buttons = []Button{{Label: k.T("button.ack"), Action: Action{Kind: ActAck, Forum: f.ID}, Style: "primary"}, {Label: k.T("button.status"), Action: Action{Kind: ActStatus, Forum: f.ID}}}
	}
	return k.mark(a, m)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// callIn is the direct message to an actor's contact people.
func (k *core) callIn(f *Forum, a *Activation, actor string) Message {
	k = k.in(f)
	return k.mark(a, Message{
		Title:   k.T("activation.callin_title", "Forum", f.Name),
		Text:    k.T("activation.callin_text", "Forum", f.Name, "By", a.ByName, "Time", k.clock(a.At), "Purposes", k.purposes(a.Purposes), "Actor", actor, "Deadline", k.clock(a.Deadline), "ID", f.ID),
		Colour:  "#D0021B",
		Buttons: []Button{{Label: k.T("button.ack"), Action: Action{Kind: ActAck, Forum: f.ID}, Style: "primary", Personal: true}},
	})
}

// reminder is the half-time reminder to an actor that has not answered.
func (k *core) reminder(f *Forum, a *Activation, actor string) Message {
	k = k.in(f)
	return k.mark(a, Message{
		Title:   k.T("activation.reminder_title", "Forum", f.Name),
		Text:    k.T("activation.reminder_text", "Forum", f.Name, "Actor", actor, "Deadline", k.clock(a.Deadline), "ID", f.ID),
		Colour:  "#E8A33D",
		Buttons: []Button{{Label: k.T("button.ack"), Action: Action{Kind: ActAck, Forum: f.ID}, Style: "primary", Personal: true}},
	})
}

// summary is the closing post when a forum is deactivated.
func (k *core) summary(f *Forum, a *Activation, names map[string]string) Message {
	k = k.in(f)
	var acked, never []string
	for _, act := range a.Actors {
		if ack := a.AckOf(act); ack != nil {
			acked = append(acked, k.ackLine(a, *ack, names))
		} else {
			never = append(never, names[act])
		}
	}
	var extra []string
	for _, x := range a.Extra {
		extra = append(extra, fmt.Sprintf("%s (%s, %s)", x.Name, names[x.Actor], k.clock(x.At)))
	}
	from, to := k.span(a.At, a.EndedAt)
	m := Message{
		Title: k.T("activation.summary_title", "Forum", f.Name),
		Text:  k.T("activation.summary_text", "From", from, "To", to, "Duration", Since(a.EndedAt.Sub(a.At)), "By", a.ByName, "EndedBy", a.EndedBy, "Purposes", k.purposes(a.Purposes)),
		Fields: []Field{
			{Title: k.T("activation.acked", "N", len(acked), "Of", len(a.Actors)), Value: orDash(strings.Join(acked, "\n"))},
			{Title: k.T("activation.never", "N", len(never)), Value: orDash(strings.Join(never, "\n"))},
		},
		Colour: "#7A7A7A",
	}
	if len(extra) > 0 {
		m.Fields = append(m.Fields, Field{Title: k.T("activation.extra"), Value: strings.Join(extra, "\n")})
	}
	return k.mark(a, m)
}

// status shows a forum's mode and, when activated, the call-in state.
func (k *core) status(tx Tx, f *Forum, now time.Time) (Message, error) {
	k = k.in(f)
	a, err := CurrentActivation(tx, f)
	if err != nil {
		return Message{}, err
	}
	m := Message{Text: k.T("status.normal", "Level", f.Level.Word(k.Lang))}
	if a != nil {
		m = k.banner(f, a, actorNames(tx, a.Actors), now)
	}
	m.Title = k.T("status.title", "Forum", f.Name, "ID", f.ID)
	if a != nil && a.EndedAt.IsZero() {
		if out := a.Outstanding(); len(out) > 0 {
			m.Fields = append(m.Fields, Field{Title: k.T("activation.reach_title", "N", len(out)), Value: contactList(tx, out, k.Lang, "")})
		}
	}
	open, err := k.openItems(tx, f)
	if err != nil {
		return Message{}, err
	}
	m.Fields = append(m.Fields, open...)
	return m, nil
}

// openItems are what is still open in a forum: a running conference,
// statements waiting for approval, and action items not done.
func (k *core) openItems(tx Tx, f *Forum) ([]Field, error) {
	k = k.in(f)
	var out []Field
	if conf, err := RunningConference(tx, f); err != nil {
		return nil, err
	} else if conf != nil {
		out = append(out, Field{Title: k.T("status.conference"), Value: k.T("status.conference_line", "N", conf.ID, "Since", k.clock(conf.Started), "Attending", catalog.Count(k.Lang, "actors", len(conf.Attendance)))})
	}
	var drafts []string
	err := forumStatements(tx, f.ID, func(s *Statement) error {
		if s.State != StatementDraft {
			return nil
		}
		t := tally(tx, f, s)
		drafts = append(drafts, k.T("status.statement_line", "N", s.Number, "Approved", t.Approved, "Of", t.Required))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(drafts) > 0 {
		out = append(out, Field{Title: k.T("status.statements"), Value: strings.Join(drafts, "\n")})
	}
	since := k.Clock.Now().Add(-24 * time.Hour)
	if a, _ := CurrentActivation(tx, f); a != nil {
		since = a.At
	}
	lost, err := UndeliveredSince(tx, f.ID, since)
	if err != nil {
		return nil, err
	}
	if len(lost) > 0 {
		var lines []string
		for _, u := range lost {
			lines = append(lines, k.T("status.undelivered_line", "Time", k.clock(u.At), "What", k.T("kind."+strings.TrimPrefix(string(u.Kind), "msg/")), "To", u.To, "Platform", string(u.Platform)))
		}
		out = append(out, Field{Title: k.T("status.undelivered", "N", len(lost)), Value: strings.Join(lines, "\n")})
	}
	actions, err := OpenActions(tx, f.ID)
	if err != nil {
		return nil, err
	}
	if len(actions) > 0 {
		names := actorNames(tx, f.Actors)
		var lines []string
		today := k.Clock.Now().In(f.location()).Format("2006-01-02")
		for _, a := range actions {
			lines = append(lines, k.actionLine(a, names, today)) // overdue ones marked so
		}
		out = append(out, Field{Title: k.T("status.actions"), Value: strings.Join(lines, "\n")})
	}
	return out, nil
}

// LocalTime shows t as wall time in the bot's time zone, e.g. "14:05".
func (k *core) LocalTime(t time.Time) string { return k.clock(t) }

// Loc is the bot's time zone, for showing times.
func (k *core) Loc() *time.Location { return k.loc() }
