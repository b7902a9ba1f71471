package bot

// Caller is who is acting: the platform identity, the registered member it
// maps to (nil for strangers) and whether the bot treats them as admin.
type Caller struct {
	Identity Identity
	Member   *Member
	Admin    bool
}

// Name is how the caller is shown in messages and the audit log.
func (c Caller) Name() string {
	if c.Member != nil {
		return c.Member.Name
	}
	if c.Identity.Username != "" {
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
