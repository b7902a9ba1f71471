package bot

// What a person may read about the registry: one rule, here, for every
// surface (commands, the board, files), as permitCaller is for forum
// content.
//
//   - Anyone may read the public registry: forums, their level, mode and
//     channels, and each actor's handle and name.
//   - An actor's 24/7 contact (telephone, RAKEL talk group, e-mail, other
//     means) may be read by admins, by the actor's own active members, and
//     by active members of an actor that shares a forum with it.
//   - The people of an actor (names, roles) may be read likewise; their
//     platform accounts by admins and by the actor's own members.

// mayReadContact reports whether c may read actor's contact and people.
func mayReadContact(tx Tx, c Caller, actor string) bool {
	if c.Admin || c.Member.Has(RoleAdmin) {
		return true
	}
	m := c.Member
	if m == nil || !m.Active() {
		return false
	}
	if m.Actor == actor {
		return true
	}
	forums, _ := ListForums(tx)
	for _, f := range forums {
		if f.HasActor(actor) && f.HasActor(m.Actor) {
			return true
		}
	}
	return false
}

// mayReadAccounts reports whether c may read the platform accounts of
// actor's members.
func mayReadAccounts(c Caller, actor string) bool {
	if c.Admin || c.Member.Has(RoleAdmin) {
		return true
	}
	return c.Member.Active() && c.Member.Actor == actor
}
