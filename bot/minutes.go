package bot

import (
	"strings"
)

// The minutes' entries are records of their own, so that adding one costs
// the same however long the meeting has run: the conference record keeps
// only counts.
const (
	// BucketMinutes holds a conference's entries:
	// conference|d|n -> Entry (decision n), conference|a|n -> action number.
	BucketMinutes = "minutes"
	// BucketOpenActions indexes the action items not yet done:
	// forum|n -> n.
	BucketOpenActions = "open_actions"
)

// Entry kinds in BucketMinutes.
const (
	entryDecision = 'd'
	entryAction   = 'a'
)

func minutesKey(conf uint64, kind byte, n uint64) string {
	return SeqKey(conf) + "|" + string(kind) + "|" + SeqKey(n)
}

func openActionKey(forum string, n uint64) string { return forum + "|" + SeqKey(n) }

// DecisionCount is how many decisions the minutes hold.
func (c *Conference) DecisionCount() int { return len(c.Decisions) + c.NDecisions }

// ActionCount is how many action items the meeting set.
func (c *Conference) ActionCount() int { return len(c.Actions) + c.NActions }

// addDecision stores decision e as the meeting's next, and returns its
// number.
func addDecision(ch *Change, c *Conference, e Entry) (int, error) {
	c.NDecisions++
	n := c.DecisionCount()
	return n, ch.Put(BucketMinutes, minutesKey(c.ID, entryDecision, uint64(n)), e)
}

// addAction stores a new action item of the meeting, open.
func addAction(ch *Change, c *Conference, a *ActionItem) error {
	c.NActions++
	if err := ch.Put(BucketActions, SeqKey(a.Number), a); err != nil {
		return err
	}
	if err := ch.Put(BucketMinutes, minutesKey(c.ID, entryAction, a.Number), a.Number); err != nil {
		return err
	}
	return ch.Put(BucketOpenActions, openActionKey(a.Forum, a.Number), a.Number)
}

// closeAction marks an action item done.
func closeAction(ch *Change, a *ActionItem) error {
	if err := ch.Put(BucketActions, SeqKey(a.Number), a); err != nil {
		return err
	}
	return ch.Delete(BucketOpenActions, openActionKey(a.Forum, a.Number))
}

// ConferenceDecisions returns a meeting's decisions in order.
func ConferenceDecisions(tx Tx, c *Conference) ([]Entry, error) {
	out := append([]Entry(nil), c.Decisions...) // kept in the record before entries were their own
	err := eachEntry(tx, c.ID, entryDecision, func(decode func(any) error) error {
		var e Entry
		if err := decode(&e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// ConferenceActions returns the action items a meeting set, in order.
func ConferenceActions(tx Tx, c *Conference) ([]ActionItem, error) {
	numbers := append([]uint64(nil), c.Actions...)
	err := eachEntry(tx, c.ID, entryAction, func(decode func(any) error) error {
		var n uint64
		if err := decode(&n); err != nil {
			return err
		}
		numbers = append(numbers, n)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]ActionItem, 0, len(numbers))
	for _, n := range numbers {
		var a ActionItem
		if err := tx.Get(BucketActions, SeqKey(n), &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// recentDecisions returns a meeting's last n decisions (at most) and the
// number of the first of them, reading only those.
func recentDecisions(tx Tx, c *Conference, n int) (int, []Entry, error) {
	first := max(1, c.DecisionCount()-n+1)
	var out []Entry
	if first <= len(c.Decisions) { // kept in the record before entries were their own
		out = append(out, c.Decisions[first-1:]...)
	}
	from := max(first, len(c.Decisions)+1)
	prefix := SeqKey(c.ID) + "|" + string(entryDecision) + "|"
	err := tx.ForEach(BucketMinutes, minutesKey(c.ID, entryDecision, uint64(from)), func(k string, decode func(any) error) error {
		if !strings.HasPrefix(k, prefix) {
			return ErrStop
		}
		var e Entry
		if err := decode(&e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return first, out, err
}

func eachEntry(tx Tx, conf uint64, kind byte, fn func(decode func(any) error) error) error {
	prefix := SeqKey(conf) + "|" + string(kind) + "|"
	return tx.ForEach(BucketMinutes, prefix, func(k string, decode func(any) error) error {
		if !strings.HasPrefix(k, prefix) {
			return ErrStop
		}
		return fn(decode)
	})
}

// OpenActions returns a forum's action items not yet done, oldest first.
func OpenActions(tx Tx, forum string) ([]ActionItem, error) {
	var out []ActionItem
	prefix := forum + "|"
	err := tx.ForEach(BucketOpenActions, prefix, func(k string, decode func(any) error) error {
		if !strings.HasPrefix(k, prefix) {
			return ErrStop
		}
		var n uint64
		if err := decode(&n); err != nil {
			return err
		}
		var a ActionItem
		if err := tx.Get(BucketActions, SeqKey(n), &a); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// openActionsUpTo returns a forum's first n open action items, oldest
// first, and how many more are open (counted by key, not read).
func openActionsUpTo(tx Tx, forum string, n int) ([]ActionItem, int, error) {
	var out []ActionItem
	more := 0
	prefix := forum + "|"
	err := tx.ForEach(BucketOpenActions, prefix, func(k string, decode func(any) error) error {
		if !strings.HasPrefix(k, prefix) {
			return ErrStop
		}
		if len(out) == n {
			more++
			return nil
		}
		var num uint64
		if err := decode(&num); err != nil {
			return err
		}
		var a ActionItem
		if err := tx.Get(BucketActions, SeqKey(num), &a); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, more, err
}

// indexOpenActions builds the open-actions index for a store written
// before it existed; once built it is kept up to date and this does
// nothing.
func indexOpenActions(tx Tx) error {
	return indexOnce(tx, "open_actions_indexed", "1", func() error {
		return tx.ForEach(BucketActions, "", func(_ string, decode func(any) error) error {
			var a ActionItem
			if err := decode(&a); err != nil || a.Done {
				return err
			}
			return tx.Put(BucketOpenActions, openActionKey(a.Forum, a.Number), a.Number)
		})
	})
}
