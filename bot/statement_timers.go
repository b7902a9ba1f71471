package bot

import (
	"fmt"
	"strings"
	"time"
)

func (k *core) reminderEvery() time.Duration {
	if k.ApprovalReminder > 0 {
		return k.ApprovalReminder
	}
	return DefaultApprovalReminder
}

// armTimers sets the next reminder, and a warning 15 minutes before the
// release-by time.
func (s *Statements) armTimers(ch *Change, st *Statement) error {
	if err := s.disarmTimers(ch, st.Number); err != nil {
		return err
	}
	ref := itoa(st.Number) + "|" + fmt.Sprint(st.Current().N)
	if err := ch.SetTimer(Timer{Due: ch.Now.Add(s.reminderEvery()), Kind: timerStatementReminder, Ref: ref, Forum: st.Forum}); err != nil {
		return err
	}
	if rb := st.Current().ReleaseBy; !rb.IsZero() {
		warn := rb.Add(-15 * time.Minute)
		if warn.Before(ch.Now) {
			warn = ch.Now
		}
		return ch.SetTimer(Timer{Due: warn, Kind: timerStatementDeadline, Ref: ref, Forum: st.Forum})
	}
	return nil
}

func (s *Statements) disarmTimers(ch *Change, n uint64) error {
	return ch.DeleteTimers(func(t Timer) bool {
		return (t.Kind == timerStatementReminder || t.Kind == timerStatementDeadline) && strings.HasPrefix(t.Ref, itoa(n)+"|")
	})
}

// timerStatement loads the draft a timer is about, nil when it moved on.
func timerStatement(tx Tx, t Timer) (*Statement, *Forum) {
	var n uint64
	var rev int
	if _, err := fmt.Sscanf(t.Ref, "%d|%d", &n, &rev); err != nil {
		return nil, nil
	}
	st, f, err := loadStatement(tx, n)
	if err != nil || st.State != StatementDraft || st.Current().N != rev {
		return nil, nil
	}
	return st, f
}

// reminderDue reminds pending approvers, in their DMs and the thread, and
// sets the next reminder.
func (s *Statements) reminderDue(ch *Change, t Timer) error {
	st, f := timerStatement(ch, t)
	if st == nil {
		return nil
	}
	k := s.in(f)
	missing := tally(ch, f, st).Missing
	if len(missing) == 0 {
		return nil
	}
	ch.Cause = st.Author
	var who []string
	for _, a := range missing {
		who = append(who, a.Name)
		m, err := GetMember(ch, a.Member)
		if err != nil {
			return err
		}
		msg := Message{Text: k.T("statement.reminder", "N", st.Number, "Rev", st.Current().N), TLP: st.Current().TLP, Buttons: approvalButtons(k, st)}
		if err := ch.toMember(fmt.Sprintf("statement:%d:reminder:%d:%s", st.Number, st.Events, a.Member), *m, statementClass(KindStatementReminder, st), msg); err != nil {
			return err
		}
	}
	if err := s.event(ch, f, st, k.T("statement.event_reminder", "Who", strings.Join(who, ", "))); err != nil {
		return err
	}
	return ch.SetTimer(Timer{Due: ch.Now.Add(s.reminderEvery()), Kind: timerStatementReminder, Ref: t.Ref, Forum: t.Forum})
}

// deadlineDue warns the author when the release-by time is near and
// approvals are missing.
func (s *Statements) deadlineDue(ch *Change, t Timer) error {
	st, f := timerStatement(ch, t)
	if st == nil {
		return nil
	}
	k := s.in(f)
	who := tally(ch, f, st).MissingNames()
	if len(who) == 0 {
		return nil
	}
	author, err := GetMember(ch, st.Author)
	if err != nil || !author.Active() {
		return nil
	}
	msg := Message{Text: k.T("statement.deadline_warning", "N", st.Number, "When", s.whenOrDash(st.Current().ReleaseBy), "Who", strings.Join(who, ", ")), TLP: st.Current().TLP}
	if err := ch.toMember(fmt.Sprintf("statement:%d:deadline:%d", st.Number, st.Current().N), *author, statementClass(KindStatementReminder, st), msg); err != nil {
		return err
	}
	return ch.Audit("statement.deadline_warning", f.ID, map[string]string{"statement": itoa(st.Number), "missing": strings.Join(who, ",")}, "")
}
