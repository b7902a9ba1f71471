package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Approve records the caller's approval of revision rev (0: the current
// one). An approval for an old revision is refused.
func (s *Statements) Approve(ctx context.Context, c Caller, n uint64, rev int) (*Statement, Tally, error) {
	return s.answer(ctx, c, n, rev, "approved", "")
}

// Reject records the caller's rejection, with a reason; it blocks release
// until a new revision.
func (s *Statements) Reject(ctx context.Context, c Caller, n uint64, rev int, reason string) (*Statement, Tally, error) {
	reason = strings.TrimSpace(CleanText(reason))
	if reason == "" {
		return nil, Tally{}, Errorf(EINVALID, "err.reason_required_reject").OnField("motivering")
	}
	return s.answer(ctx, c, n, rev, "rejected", reason)
}

// answer records an approver's answer. Only the member who was asked may
// answer, for the actor they were asked for, while they still take part.
func (s *Statements) answer(ctx context.Context, c Caller, n uint64, rev int, state, reason string) (*Statement, Tally, error) {
	var out *Statement
	var t Tally
	err := s.Update(ctx, c, func(ch *Change) error {
		st, f, err := loadStatement(ch, n)
		if err != nil {
			return err
		}
		k := s.in(f)
		if st.State != StatementDraft {
			return Errorf(ECONFLICT, "err.statement_closed", "N", n, "State", st.State)
		}
		me := ch.Caller.Member
		var a *Approval
		if me != nil {
			a = st.approver(me.ID)
		}
		if a == nil || a.Actor != me.Actor {
			return Errorf(EFORBIDDEN, "err.not_approver", "N", n)
		}
		if !takesPart(ch, f, *a) {
			return Errorf(EFORBIDDEN, "err.approver_gone", "N", n, "Forum", f.ID)
		}
		cur := st.Current()
		switch {
		case rev > cur.N:
			return Errorf(EINVALID, "err.no_revision", "N", n, "Rev", rev, "Current", cur.N).OnField("rev")
		case rev != 0 && rev != cur.N:
			return Errorf(ECONFLICT, "err.old_revision", "N", n, "Rev", rev, "Current", cur.N)
		case state == "approved" && st.approved(*a):
			// Already approved, this very text: nothing to record again.
			out, t = st, tally(ch, f, st)
			t.AlreadyAt = a.At
			return nil
		}
		a.State, a.Revision, a.Hash, a.Reason, a.At = state, cur.N, cur.Hash, reason, ch.Now
		text := k.T("statement.event_approved", "Name", a.Name, "Actor", actorNames(ch, []string{a.Actor})[a.Actor], "Rev", cur.N, "Hash", cur.Hash[:12])
		if state == "rejected" {
			text = k.T("statement.event_rejected", "Name", a.Name, "Rev", cur.N, "Reason", reason)
		}
		if err := s.event(ch, f, st, text); err != nil {
			return err
		}
		out, t = st, tally(ch, f, st)
		action := "statement." + map[string]string{"approved": "approve", "rejected": "reject"}[state]
		return ch.Audit(action, f.ID, map[string]string{"statement": itoa(n), "revision": fmt.Sprint(cur.N), "hash": cur.Hash, "actor": a.Actor, "reason": reason}, cur.Text)
	})
	return out, t, err
}

// Edit makes a new revision from the fields that are set, resets every
// approval and shows approvers what changed.
func (s *Statements) Edit(ctx context.Context, c Caller, n uint64, d Draft) (*Statement, error) {
	var out *Statement
	err := s.Update(ctx, c, func(ch *Change) error {
		st, f, err := loadEditable(ch, ch.Caller, n)
		if err != nil {
			return err
		}
		k := s.in(f)
		old := *st.Current()
		rev := old
		rev.N, rev.By, rev.At = old.N+1, ch.Caller.Name(), ch.Now
		if t := CanonicalText(d.Text); t != "" {
			rev.Text = t
		}
		if d.Audience != "" {
			rev.Audience = d.Audience
		}
		if len(d.Targets) > 0 {
			if rev.Targets, err = checkTargets(f, d.Targets); err != nil {
				return err
			}
		}
		if d.TLP != TLPNone {
			rev.TLP = d.TLP
		}
		if !d.ReleaseBy.IsZero() {
			rev.ReleaseBy = d.ReleaseBy
		}
		if a := CanonicalText(d.Area); a == "-" {
			rev.Area = ""
		} else if a != "" {
			rev.Area = a
		}
		rev.Translations = translations(old.Translations, d.Translations)
		rev.Hash = rev.ContentHash()
		if rev.Hash == old.Hash {
			return Errorf(EINVALID, "err.no_change", "N", n)
		}
		st.Revisions = append(st.Revisions, rev)
		for i := range st.Approvers {
			st.Approvers[i].State, st.Approvers[i].Reason = "pending", ""
		}
		diff := k.revisionDiff(old, rev)
		if err := s.event(ch, f, st, k.T("statement.event_revision", "Name", ch.Caller.Name(), "Rev", rev.N, "Diff", diff)); err != nil {
			return err
		}
		if err := s.askApprovers(ch, f, st, diff); err != nil {
			return err
		}
		if err := s.armTimers(ch, st); err != nil {
			return err
		}
		out = st
		return ch.Audit("statement.edit", f.ID, map[string]string{"statement": itoa(n), "revision": fmt.Sprint(rev.N), "hash": rev.Hash, "tlp": string(rev.TLP)}, rev.Text)
	})
	return out, err
}

// revisionDiff describes what changed between two revisions.
func (k *core) revisionDiff(a, r Revision) string {
	var lines []string
	if a.Text != r.Text {
		lines = append(lines, k.T("statement.diff_text", "Diff", WordDiff(a.Text, r.Text)))
	}
	if a.Audience != r.Audience {
		lines = append(lines, k.T("statement.diff_field", "Field", k.T("statement.audience"), "From", k.T("audience."+string(a.Audience)), "To", k.T("audience."+string(r.Audience))))
	}
	if ka, kr := channelNames(a.Targets), channelNames(r.Targets); ka != kr {
		lines = append(lines, k.T("statement.diff_field", "Field", k.T("statement.targets"), "From", ka, "To", kr))
	}
	if a.TLP != r.TLP {
		lines = append(lines, k.T("statement.diff_field", "Field", "TLP", "From", a.TLP.Label(), "To", r.TLP.Label()))
	}
	if !a.ReleaseBy.Equal(r.ReleaseBy) {
		lines = append(lines, k.T("statement.diff_field", "Field", k.T("statement.release_by"), "From", k.whenOrDash(a.ReleaseBy), "To", k.whenOrDash(r.ReleaseBy)))
	}
	if a.Area != r.Area {
		lines = append(lines, k.T("statement.diff_field", "Field", k.T("statement.area"), "From", orDash(a.Area), "To", orDash(r.Area)))
	}
	for _, l := range capLanguages {
		if ta, tr := a.Translations[l.lang], r.Translations[l.lang]; ta != tr {
			lines = append(lines, k.T("statement.diff_translation", "Language", k.T("language."+l.lang), "Diff", WordDiff(ta, tr)))
		}
	}
	return strings.Join(lines, "\n")
}

func (k *core) whenOrDash(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.In(k.loc()).Format("2006-01-02 15:04")
}

func channelNames(cs []Channel) string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s (%s)", c.Display(), c.Platform))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}
