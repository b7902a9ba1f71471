package bot

// Caller is who is acting: the platform identity, the active member it
// maps to (nil for strangers) and whether the bot treats them as admin.
type Caller struct {
	Identity Identity
	Member   *Member
	Admin    bool
	system   bool
}

// SystemCaller is the bot itself, acting on a timer or setting itself up
// (configured schedules, the demo); it has an admin's authority.
func SystemCaller() Caller { return Caller{system: true, Admin: true} }

// System reports whether the bot itself is acting.
func (c Caller) System() bool { return c.system }

// Name is how the caller is shown in messages and the audit log.
func (c Caller) Name() string {
	switch {
	case c.system:
		return "samverkan"
	case c.Member != nil:
		return c.Member.Name
	case c.Identity.Username != "":
		return c.Identity.Username
	}
	return c.Identity.Key()
}

// Has reports whether the caller holds role r (admins hold admin).
func (c Caller) Has(r Role) bool {
	if r == RoleAdmin && c.Admin {
		return true
	}
	return c.Member.Has(r)
}
