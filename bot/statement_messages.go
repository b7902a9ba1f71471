package bot

import (
	"fmt"
	"strings"
)

// approvalButtons are an approver's personal Approve and Reject buttons
// for the current revision.
func approvalButtons(k *core, st *Statement) []Button {
	rev := st.Current().N
	return []Button{
		{Label: k.T("button.approve"), Action: Action{Kind: ActApprove, Number: st.Number, Rev: rev}, Style: "primary", Personal: true},
		{Label: k.T("button.reject"), Action: Action{Kind: ActReject, Number: st.Number, Rev: rev}, Style: "danger", Personal: true},
	}
}

// statementFields are the revision's facts: audience, targets, label,
// release-by, hash.
func (k *core) statementFields(r *Revision) []Field {
	fs := []Field{
		{Title: k.T("statement.audience"), Value: k.T("audience." + string(r.Audience)), Short: true},
		{Title: k.T("statement.label"), Value: r.TLP.Label(), Short: true},
		{Title: k.T("statement.targets"), Value: channelNames(r.Targets)},
		{Title: k.T("statement.release_by"), Value: k.whenOrDash(r.ReleaseBy), Short: true},
		{Title: k.T("statement.revision"), Value: fmt.Sprintf("%d · %s", r.N, r.Hash[:12]), Short: true},
	}
	if r.Area != "" {
		fs = append(fs, Field{Title: k.T("statement.area"), Value: r.Area, Short: true})
	}
	// Translations are part of what is approved, so they are shown whole.
	for _, l := range capLanguages {
		if t, ok := r.Translations[l.lang]; ok {
			fs = append(fs, Field{Title: k.T("statement.translation", "Language", k.T("language."+l.lang)), Value: t})
		}
	}
	return fs
}

// statementRoot is the thread's first post: the current text and every
// approver's state, edited in place.
func (k *core) statementRoot(tx Tx, f *Forum, st *Statement) Message {
	k = k.in(f)
	cur := st.Current()
	names := actorNames(tx, f.Actors)
	var lines []string
	for _, a := range st.Approvers {
		state := k.T("statement.state_pending")
		switch {
		case !takesPart(tx, f, a):
			state = k.T("statement.state_gone")
		case st.approved(a):
			state = k.T("statement.state_approved", "Time", k.clock(a.At))
		case a.State == "rejected" && a.Hash == cur.Hash:
			state = k.T("statement.state_rejected", "Reason", a.Reason)
		}
		lines = append(lines, fmt.Sprintf("%s (%s): %s", a.Name, names[a.Actor], state))
	}
	title := k.T("statement.root_title", "N", st.Number, "Forum", f.Name)
	switch st.State {
	case StatementReleased:
		title = k.T("statement.root_released", "N", st.Number)
	case StatementWithdrawn:
		title = k.T("statement.root_withdrawn", "N", st.Number)
	}
	t := tally(tx, f, st)
	m := Message{
		Title:  title,
		Text:   k.T("statement.root_text", "Author", st.AuthorName) + "\n\n" + cur.Text,
		TLP:    cur.TLP,
		Fields: append(k.statementFields(cur), Field{Title: k.T("statement.approvers", "N", t.Approved, "Of", t.Required), Value: strings.Join(lines, "\n")}),
		Colour: "#6A1B9A",
	}
	if cur.Exercise {
		m.Exercise = k.T("exercise.marker")
	}
	if st.State == StatementDraft {
		m.Buttons = []Button{{Label: k.T("button.release"), Action: Action{Kind: ActRelease, Number: st.Number}, Style: "primary"}}
	}
	return k.labelled(m)
}

// approvalRequest is the direct message asking one approver.
func (k *core) approvalRequest(f *Forum, st *Statement, diff string) Message {
	k = k.in(f)
	cur := st.Current()
	text := k.T("statement.ask", "Author", st.AuthorName, "Forum", f.Name, "N", st.Number, "Rev", cur.N) + "\n\n" + cur.Text
	if diff != "" {
		text += "\n\n" + k.T("statement.changed") + "\n" + diff
	}
	return Message{
		Title:   k.T("statement.ask_title", "N", st.Number),
		Text:    text,
		TLP:     cur.TLP,
		Fields:  k.statementFields(cur),
		Buttons: approvalButtons(k, st),
		Colour:  "#6A1B9A",
	}
}
