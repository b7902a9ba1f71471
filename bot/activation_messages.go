package bot

import (
	"fmt"
	"strings"
	"time"
)

// clock shows t as local wall time, e.g. "14:05".
func (b *Bot) clock(t time.Time) string {
	loc := b.Location
	if loc == nil {
		loc = Stockholm()
	}
	return t.In(loc).Format("15:04")
}

// Since shows a duration as people say it: "12 min", "1 h 5 min".
func Since(d time.Duration) string {
	d = d.Round(time.Minute)
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
func (b *Bot) mark(a *Activation, m Message) Message {
	if a.Exercise {
		m.Exercise = b.T("exercise.marker")
	}
	return m
}

func (b *Bot) purposes(ps []Purpose) string {
	words := make([]string, len(ps))
	for i, p := range ps {
		words[i] = b.T("purpose." + string(p))
	}
	return strings.Join(words, ", ")
}

// banner is the activation's post in the forum's channels, edited in place
// as actors acknowledge.
func (b *Bot) banner(f *Forum, a *Activation, names map[string]string, now time.Time) Message {
	var acked, waiting []string
	for _, act := range a.Actors {
		if ack := a.AckOf(act); ack != nil {
			acked = append(acked, b.T("activation.ack_line", "Actor", names[act], "Time", b.clock(ack.At), "After", Since(ack.At.Sub(a.At)), "Name", ack.Name))
		} else {
			waiting = append(waiting, names[act])
		}
	}
	title := b.T("activation.banner_title", "Forum", f.Name)
	colour := "#D0021B"
	text := b.T("activation.banner_text", "By", a.ByName, "Time", b.clock(a.At), "Purposes", b.purposes(a.Purposes), "Deadline", b.clock(a.Deadline))
	if !a.EndedAt.IsZero() {
		title = b.T("activation.banner_ended_title", "Forum", f.Name)
		colour = "#7A7A7A"
		text += "\n" + b.T("activation.banner_ended", "By", a.EndedBy, "Time", b.clock(a.EndedAt), "Duration", Since(a.EndedAt.Sub(a.At)))
	} else {
		text += "\n" + b.T("activation.banner_elapsed", "Time", b.clock(now), "Elapsed", Since(now.Sub(a.At)))
	}
	m := Message{
		Title:  title,
		Text:   text,
		Colour: colour,
		Fields: []Field{
			{Title: b.T("activation.acked", "N", len(acked), "Of", len(a.Actors)), Value: orDash(strings.Join(acked, "\n"))},
			{Title: b.T("activation.waiting", "N", len(waiting)), Value: orDash(strings.Join(waiting, "\n"))},
		},
	}
	if !a.EndedAt.IsZero() {
		m.Fields[1].Title = b.T("activation.never", "N", len(waiting))
	}
	if a.EndedAt.IsZero() {
		m.Buttons = []Button{{Label: b.T("button.ack"), Command: "kvittera " + f.ID, Style: "primary"}, {Label: b.T("button.status"), Command: "status " + f.ID}}
	}
	return b.mark(a, m)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// callIn is the direct message to an actor's contact people.
func (b *Bot) callIn(f *Forum, a *Activation, actor string) Message {
	return b.mark(a, Message{
		Title:   b.T("activation.callin_title", "Forum", f.Name),
		Text:    b.T("activation.callin_text", "Forum", f.Name, "By", a.ByName, "Time", b.clock(a.At), "Purposes", b.purposes(a.Purposes), "Actor", actor, "Deadline", b.clock(a.Deadline), "ID", f.ID),
		Colour:  "#D0021B",
		Buttons: []Button{{Label: b.T("button.ack"), Command: "kvittera " + f.ID, Style: "primary"}},
	})
}

// reminder is the half-time reminder to an actor that has not answered.
func (b *Bot) reminder(f *Forum, a *Activation, actor string) Message {
	return b.mark(a, Message{
		Title:   b.T("activation.reminder_title", "Forum", f.Name),
		Text:    b.T("activation.reminder_text", "Forum", f.Name, "Actor", actor, "Deadline", b.clock(a.Deadline), "ID", f.ID),
		Colour:  "#E8A33D",
		Buttons: []Button{{Label: b.T("button.ack"), Command: "kvittera " + f.ID, Style: "primary"}},
	})
}

// summary is the closing post when a forum is deactivated.
func (b *Bot) summary(f *Forum, a *Activation, names map[string]string) Message {
	var acked, never []string
	for _, act := range a.Actors {
		if ack := a.AckOf(act); ack != nil {
			acked = append(acked, b.T("activation.ack_line", "Actor", names[act], "Time", b.clock(ack.At), "After", Since(ack.At.Sub(a.At)), "Name", ack.Name))
		} else {
			never = append(never, names[act])
		}
	}
	var extra []string
	for _, x := range a.Extra {
		extra = append(extra, fmt.Sprintf("%s (%s, %s)", x.Name, names[x.Actor], b.clock(x.At)))
	}
	m := Message{
		Title: b.T("activation.summary_title", "Forum", f.Name),
		Text:  b.T("activation.summary_text", "From", b.clock(a.At), "To", b.clock(a.EndedAt), "Duration", Since(a.EndedAt.Sub(a.At)), "By", a.ByName, "EndedBy", a.EndedBy, "Purposes", b.purposes(a.Purposes)),
		Fields: []Field{
			{Title: b.T("activation.acked", "N", len(acked), "Of", len(a.Actors)), Value: orDash(strings.Join(acked, "\n"))},
			{Title: b.T("activation.never", "N", len(never)), Value: orDash(strings.Join(never, "\n"))},
		},
		Colour: "#7A7A7A",
	}
	if len(extra) > 0 {
		m.Fields = append(m.Fields, Field{Title: b.T("activation.extra"), Value: strings.Join(extra, "\n")})
	}
	return b.mark(a, m)
}

// StatusMessage shows a forum's mode and, when activated, the call-in
// state; for `status F`.
func (b *Bot) StatusMessage(tx Tx, f *Forum, now time.Time) (Message, error) {
	a, err := CurrentActivation(tx, f)
	if err != nil {
		return Message{}, err
	}
	m := Message{Text: b.T("status.normal", "Level", f.Level.Word(b.Lang))}
	if a != nil {
		m = b.banner(f, a, actorNames(tx, a.Actors), now)
	}
	m.Title = b.T("status.title", "Forum", f.Name, "ID", f.ID)
	open, err := b.openItems(tx, f)
	if err != nil {
		return Message{}, err
	}
	m.Fields = append(m.Fields, open...)
	return m, nil
}

// openItems are what is still open in a forum: a running conference,
// statements waiting for approval, and action items not done.
func (b *Bot) openItems(tx Tx, f *Forum) ([]Field, error) {
	var out []Field
	if conf, err := RunningConference(tx, f); err != nil {
		return nil, err
	} else if conf != nil {
		out = append(out, Field{Title: b.T("status.conference"), Value: b.T("status.conference_line", "N", conf.ID, "Since", b.clock(conf.Started), "Present", len(conf.Attendance))})
	}
	var drafts []string
	err := tx.ForEach(BucketStatements, "", func(_ string, decode func(any) error) error {
		var s Statement
		if err := decode(&s); err != nil || s.Forum != f.ID || s.State != StatementDraft {
			return err
		}
		drafts = append(drafts, b.T("status.statement_line", "N", s.Number, "Approved", len(s.Approvers)-len(s.Missing()), "Of", len(s.Approvers)))
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(drafts) > 0 {
		out = append(out, Field{Title: b.T("status.statements"), Value: strings.Join(drafts, "\n")})
	}
	actions, err := OpenActions(tx, f.ID)
	if err != nil {
		return nil, err
	}
	if len(actions) > 0 {
		names := actorNames(tx, f.Actors)
		var lines []string
		for _, a := range actions {
			lines = append(lines, b.T("minutes.action", "N", a.Number, "Text", a.Text, "Owner", names[a.Owner], "Due", a.Due))
		}
		out = append(out, Field{Title: b.T("status.actions"), Value: strings.Join(lines, "\n")})
	}
	return out, nil
}

// LocalTime shows t as wall time in the bot's time zone, e.g. "14:05".
func (b *Bot) LocalTime(t time.Time) string { return b.clock(t) }
