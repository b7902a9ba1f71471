package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Release publishes the current revision to its target channels on every
// platform, only when every approver who takes part approved exactly it,
// and locks the statement. The check and the posting are one transaction,
// so an edit racing a release cannot publish an unapproved text; the gate
// refuses targets the statement's label does not allow.
func (s *Statements) Release(ctx context.Context, c Caller, n uint64) (*Statement, error) {
	var out *Statement
	err := s.Update(ctx, c, func(ch *Change) error {
		st, f, err := loadEditable(ch, ch.Caller, n)
		if err != nil {
			return err
		}
		k := s.in(f)
		t := tally(ch, f, st)
		if len(t.Missing) > 0 {
			var who []string
			for _, a := range t.Missing {
				w := a.Name
				if a.State == "rejected" && a.Hash == st.Current().Hash {
					w += " (" + k.T("statement.rejected_word") + ")"
				}
				who = append(who, w)
			}
			return Errorf(ECONFLICT, "err.not_all_approved", "N", n, "Who", strings.Join(who, ", "))
		}
		if t.Required == 0 {
			return Errorf(ECONFLICT, "err.no_approvers", "Forum", f.ID)
		}
		cur := st.Current()
		names := actorNames(ch, f.Actors)
		var actors []string
		for _, a := range st.Approvers {
			if n := names[a.Actor]; st.approved(a) && !slices.Contains(actors, n) {
				actors = append(actors, n)
			}
		}
		msg := Message{
			Title:  k.T("statement.published_title", "Audience", k.T("audience."+string(cur.Audience))),
			Text:   cur.Text,
			TLP:    cur.TLP,
			Colour: "#2E7D32",
			Fields: []Field{{Title: k.T("statement.coordinated_by"), Value: strings.Join(actors, ", ")}},
		}
		if err := ch.toChannels(cur.Targets, fmt.Sprintf("statement:%d:release", n), statementClass(KindRelease, st), msg); err != nil {
			return err
		}
		st.State, st.Closed, st.ClosedBy, st.Released = StatementReleased, ch.Now, ch.Caller.Name(), ch.Now
		if err := s.event(ch, f, st, k.T("statement.event_released", "Name", ch.Caller.Name(), "Rev", cur.N, "Hash", cur.Hash[:12], "Channels", channelNames(cur.Targets))); err != nil {
			return err
		}
		if err := s.disarmTimers(ch, n); err != nil {
			return err
		}
		out = st
		return ch.Audit("statement.release", f.ID, map[string]string{"statement": itoa(n), "revision": fmt.Sprint(cur.N), "hash": cur.Hash}, cur.Text)
	})
	return out, err
}

// Withdraw ends a draft. A released statement is withdrawn by telling
// the channels it went to that it no longer applies (its CAP alert then
// becomes a Cancel); to change what it says, release a new statement
// that replaces it.
func (s *Statements) Withdraw(ctx context.Context, c Caller, n uint64) (*Statement, error) {
	var out *Statement
	err := s.Update(ctx, c, func(ch *Change) error {
		st, f, err := loadStatement(ch, n)
		if err != nil {
			return err
		}
		k := s.in(f)
		if st.State == StatementReleased {
			if err := owns(ch.Caller, f, st); err != nil {
				return err
			}
			out = st
			return s.cancel(ch, f, st)
		}
		if err := editable(ch.Caller, f, st); err != nil {
			return err
		}
		st.State, st.Closed, st.ClosedBy = StatementWithdrawn, ch.Now, ch.Caller.Name()
		if err := s.event(ch, f, st, k.T("statement.event_withdrawn", "Name", ch.Caller.Name())); err != nil {
			return err
		}
		if err := s.disarmTimers(ch, n); err != nil {
			return err
		}
		out = st
		return ch.Audit("statement.withdraw", f.ID, map[string]string{"statement": itoa(n), "hash": st.Current().Hash}, "")
	})
	return out, err
}

// cancel withdraws released statement st: its channels are told that it
// no longer applies, at its own label, and its thread records who did it.
func (s *Statements) cancel(ch *Change, f *Forum, st *Statement) error {
	s = &Statements{s.in(f)}
	cur := st.Current()
	msg := Message{
		Title:  s.T("statement.cancelled_title"),
		Text:   s.T("statement.cancelled_text", "At", st.Released.In(s.loc()).Format("2006-01-02 15:04"), "Text", cur.Text),
		TLP:    cur.TLP,
		Colour: "#9E9E9E",
	}
	if err := ch.toChannels(cur.Targets, fmt.Sprintf("statement:%d:cancel", st.Number), statementClass(KindRelease, st), msg); err != nil {
		return err
	}
	st.State, st.Closed, st.ClosedBy = StatementWithdrawn, ch.Now, ch.Caller.Name()
	if err := s.event(ch, f, st, s.T("statement.event_cancelled", "Name", ch.Caller.Name())); err != nil {
		return err
	}
	return ch.Audit("statement.cancel", f.ID, map[string]string{"statement": itoa(st.Number), "hash": cur.Hash}, "")
}
