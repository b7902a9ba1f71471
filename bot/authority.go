package bot

// The authority check: every state change asks these, in its own
// transaction, with the caller as the registry says they are now (Update
// re-reads them). A removed member has no caller member any more; a
// member whose actor left the forum, or who lost a role, is refused here.

// forum loads forum id and checks that the caller may act in it under p.
func (c *Change) forum(id string, p Permission) (*Forum, error) {
	f, err := GetForum(c, id)
	if err != nil {
		return nil, err
	}
	return f, Require(c.Caller, p, f)
}

// acting loads forum id for an action the caller takes for their own
// actor (acknowledging, reporting, roll call, drafting) and returns the
// member they act as. An admin who is not a registered member has no
// actor to act for and is refused too.
func (c *Change) acting(id string, p Permission) (*Forum, *Member, error) {
	f, err := GetForum(c, id)
	if err != nil {
		return nil, nil, err
	}
	if err := RequireMember(c.Caller, p, f); err != nil {
		return nil, nil, err
	}
	return f, c.Caller.Member, nil
}

// mayRead checks that the caller may see forum f's content at all: a
// member of one of its actors, or an admin.
func mayRead(c Caller, f *Forum) error { return Require(c, PermMember, f) }
