package bot

import (
	"fmt"
	"slices"
	"strings"
)

// reminderDue runs at half the deadline: a reminder to the contact
// people of the actors that have not answered.
func (s *Activations) reminderDue(ch *Change, t Timer) error {
	a, f, err := timerActivation(ch, t)
	if a == nil || err != nil || a.Reminded {
		return err
	}
	a.Reminded = true
	ch.Cause = a.By
	names := actorNames(ch, a.Actors)
	outstanding := a.Outstanding()
	people, err := contacts(ch)
	if err != nil {
		return err
	}
	for _, act := range outstanding {
		msg := s.reminder(f, a, names[act])
		for _, m := range people[act] {
			if err := ch.toMember(fmt.Sprintf("activation:%d:reminder:%s", a.ID, m.ID), m, activationClass(KindCallIn, f, a.Exercise), msg); err != nil {
				return err
			}
		}
	}
	if err := s.refreshBanner(ch, f, a); err != nil {
		return err
	}
	return ch.Audit("activation.reminder", f.ID, map[string]string{"activation": itoa(a.ID), "outstanding": strings.Join(outstanding, ",")}, "")
}

// deadlineDue runs at the deadline: the duty officers hear which actors
// have not answered.
func (s *Activations) deadlineDue(ch *Change, t Timer) error {
	a, f, err := timerActivation(ch, t)
	if a == nil || err != nil || a.Escalated {
		return err
	}
	k := s.in(f)
	a.Escalated = true
	ch.Cause = a.By
	outstanding := a.Outstanding()
	if err := s.refreshBanner(ch, f, a); err != nil {
		return err
	}
	if len(outstanding) == 0 {
		return nil
	}
	msg := Message{
		Title:   k.T("activation.escalation_title", "Forum", f.Name),
		Text:    k.T("activation.escalation_text", "Forum", f.Name, "Deadline", k.clock(a.Deadline), "Actors", contactList(ch, outstanding, k.Lang, "• ")),
		Colour:  "#D0021B",
		Buttons: []Button{{Label: k.T("button.status"), Action: Action{Kind: ActStatus, Forum: f.ID}}},
	}
	to, err := escalationRecipients(ch, f, a)
	if err != nil {
		return err
	}
	for _, m := range to {
		if err := ch.toMember(fmt.Sprintf("activation:%d:escalation:%s", a.ID, m.ID), m, activationClass(KindCallIn, f, a.Exercise), msg); err != nil {
			return err
		}
	}
	return ch.Audit("activation.escalation", f.ID, map[string]string{"activation": itoa(a.ID), "outstanding": strings.Join(outstanding, ",")}, "")
}

// escalationRecipients are the one who activated and the host actor's
// duty officers.
func escalationRecipients(tx Tx, f *Forum, a *Activation) ([]Member, error) {
	var out []Member
	if m, err := GetMember(tx, a.By); err == nil && m.Active() {
		out = append(out, *m)
	}
	ms, err := ListMembers(tx)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.Has(RoleDutyOfficer) && f.Host != "" && m.Actor == f.Host && !slices.ContainsFunc(out, func(x Member) bool { return x.ID == m.ID }) {
			out = append(out, m)
		}
	}
	return out, nil
}

// timerActivation loads the activation a timer is about; nil when it has
// ended since.
func timerActivation(tx Tx, t Timer) (*Activation, *Forum, error) {
	var id uint64
	if _, err := fmt.Sscan(t.Ref, &id); err != nil {
		return nil, nil, nil
	}
	a, err := GetActivation(tx, id)
	if err != nil || !a.EndedAt.IsZero() {
		return nil, nil, nil
	}
	f, err := GetForum(tx, a.Forum)
	if err != nil {
		return nil, nil, nil
	}
	return a, f, nil
}
