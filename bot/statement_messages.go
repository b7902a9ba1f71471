package bot

import (
	"fmt"
	"strings"
)

// markStatement puts the exercise marker on every message of an exercise
// statement.
func (b *Bot) markStatement(s *Statement, m Message) Message {
	if s.Current().Exercise {
		m.Exercise = b.T("exercise.marker")
	}
	return m
}

func (b *Bot) approvalButtons(s *Statement) []Button {
	rev := s.Current().N
	return []Button{
		{Label: b.T("button.approve"), Command: fmt.Sprintf("budskap godkänn %d rev=%d", s.Number, rev), Style: "primary"},
		{Label: b.T("button.reject"), Command: fmt.Sprintf("budskap avslå %d rev=%d", s.Number, rev), Style: "danger"},
	}
}

// statementFields are the revision's facts: audience, targets, label,
// release-by, hash.
func (b *Bot) statementFields(r *Revision) []Field {
	return []Field{
		{Title: b.T("statement.audience"), Value: b.T("audience." + string(r.Audience)), Short: true},
		{Title: "TLP", Value: r.TLP.Label(), Short: true},
		{Title: b.T("statement.targets"), Value: channelNames(r.Targets)},
		{Title: b.T("statement.release_by"), Value: b.whenOrDash(r.ReleaseBy), Short: true},
		{Title: b.T("statement.revision"), Value: fmt.Sprintf("%d · %s", r.N, r.Hash[:12]), Short: true},
	}
}

// statementRoot is the thread's first post: the current text and every
// approver's state, edited in place.
func (b *Bot) statementRoot(f *Forum, s *Statement, names map[string]string) Message {
	cur := s.Current()
	var lines []string
	for _, a := range s.Approvers {
		state := b.T("statement.state_pending")
		switch {
		case a.State == "approved" && a.Hash == cur.Hash:
			state = b.T("statement.state_approved", "Time", b.clock(a.At))
		case a.State == "rejected" && a.Hash == cur.Hash:
			state = b.T("statement.state_rejected", "Reason", a.Reason)
		}
		lines = append(lines, fmt.Sprintf("%s (%s): %s", a.Name, names[a.Actor], state))
	}
	title := b.T("statement.root_title", "N", s.Number, "Forum", f.Name)
	switch s.State {
	case StatementReleased:
		title = b.T("statement.root_released", "N", s.Number)
	case StatementWithdrawn:
		title = b.T("statement.root_withdrawn", "N", s.Number)
	}
	m := Message{
		Title:  title,
		Text:   b.T("statement.root_text", "Author", s.AuthorName) + "\n\n" + cur.Text,
		Fields: append(b.statementFields(cur), Field{Title: b.T("statement.approvers", "N", len(s.Approvers)-len(s.Missing()), "Of", len(s.Approvers)), Value: strings.Join(lines, "\n")}),
		Colour: "#6A1B9A",
	}
	if s.State == StatementDraft {
		m.Buttons = []Button{{Label: b.T("button.release"), Command: fmt.Sprintf("budskap publicera %d", s.Number), Style: "primary"}}
	}
	return b.markStatement(s, m)
}

// approvalRequest is the direct message asking one approver.
func (b *Bot) approvalRequest(f *Forum, s *Statement, diff string) Message {
	cur := s.Current()
	text := b.T("statement.ask", "Author", s.AuthorName, "Forum", f.Name, "N", s.Number, "Rev", cur.N) + "\n\n" + cur.Text
	if diff != "" {
		text += "\n\n" + b.T("statement.changed") + "\n" + diff
	}
	return b.markStatement(s, Message{
		Title:   b.T("statement.ask_title", "N", s.Number),
		Text:    text,
		Fields:  b.statementFields(cur),
		Buttons: b.approvalButtons(s),
		Colour:  "#6A1B9A",
	})
}

// StatementMessage shows a statement for `budskap visa`.
func (b *Bot) StatementMessage(tx Tx, s *Statement) (Message, error) {
	f, err := GetForum(tx, s.Forum)
	if err != nil {
		return Message{}, err
	}
	m := b.statementRoot(f, s, actorNames(tx, f.Actors))
	if len(s.Revisions) > 1 {
		prev := s.Revisions[len(s.Revisions)-2]
		m.Sections = append(m.Sections, Section{Title: b.T("statement.changed"), Text: b.revisionDiff(prev, *s.Current())})
	}
	return m, nil
}
