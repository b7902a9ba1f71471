package bot

// Show returns statement #n for a member of its forum who may see its
// label.
func (s *Statements) Show(c Caller, n uint64) (Message, error) {
	var m Message
	err := s.View(func(tx Tx) error {
		st, f, err := s.readStatement(tx, c, n)
		if err != nil {
			return err
		}
		k := s.in(f)
		m = s.statementRoot(tx, f, st)
		m.Buttons = nil
		if len(st.Revisions) > 1 {
			prev := st.Revisions[len(st.Revisions)-2]
			m.Sections = append(m.Sections, Section{Title: k.T("statement.changed"), Text: k.revisionDiff(prev, *st.Current())})
		}
		return nil
	})
	return m, err
}

// readStatement loads statement n and its forum for c, who must be
// allowed to read it (mayReadStatement).
func (k *core) readStatement(tx Tx, c Caller, n uint64) (*Statement, *Forum, error) {
	c, err := k.resolve(tx, c)
	if err != nil {
		return nil, nil, err
	}
	st, f, err := loadStatement(tx, n)
	if err != nil {
		return nil, nil, err
	}
	return st, f, mayReadStatement(tx, c, f, st)
}

// mayReadStatement checks, by the gate's rule, that c may see st.
func mayReadStatement(tx Tx, c Caller, f *Forum, st *Statement) error {
	if err := mayRead(c, f); err != nil {
		return err
	}
	return permitCaller(tx, c, f, statementClass(KindStatementRoot, st))
}

// StatementLine is one statement in a forum's list.
type StatementLine struct {
	Number   uint64
	State    string
	Text     string
	Approved int
	Required int
}

// List returns the statements of a forum the caller may see.
func (s *Statements) List(c Caller, forumID string) ([]StatementLine, error) {
	var out []StatementLine
	err := s.View(func(tx Tx) error {
		c, f, err := s.readForum(tx, c, forumID)
		if err != nil {
			return err
		}
		return forumStatements(tx, f.ID, func(st *Statement) error {
			if mayReadStatement(tx, c, f, st) != nil {
				return nil
			}
			t := tally(tx, f, st)
			out = append(out, StatementLine{Number: st.Number, State: st.State, Text: st.Current().Text, Approved: t.Approved, Required: t.Required})
			return nil
		})
	})
	return out, err
}

// Current returns the current revision of statement n, for an edit form,
// to those who may edit it.
func (s *Statements) Current(c Caller, n uint64) (*Revision, error) {
	var out *Revision
	err := s.View(func(tx Tx) error {
		c, err := s.resolve(tx, c)
		if err != nil {
			return err
		}
		st, _, err := loadEditable(tx, c, n)
		if err != nil {
			return err
		}
		out = st.Current()
		return nil
	})
	return out, err
}
