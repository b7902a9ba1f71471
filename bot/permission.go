package bot

// Permission is who may run a command, as in DESIGN.md's command table.
// Admins may always; Roles empty with Members true means any registered
// member; Anyone means strangers too.
type Permission struct {
	Name    string
	Anyone  bool
	Members bool
	Roles   []Role
	// HostDutyOfficer limits RoleDutyOfficer to the forum's host actor
	// (any actor when the forum has no host).
	HostDutyOfficer bool
}

// The permissions of the command table.
var (
	PermAnyone     = Permission{Name: "anyone", Anyone: true}
	PermAdmin      = Permission{Name: "admin"}
	PermMember     = Permission{Name: "member", Members: true}
	PermActivate   = Permission{Name: "activation", Roles: []Role{RoleDutyOfficer, RoleCoordinator, RoleChair}, HostDutyOfficer: true}
	PermConference = Permission{Name: "conference", Roles: []Role{RoleChair, RoleSecretary, RoleCoordinator, RoleDutyOfficer}}
	PermMinutes    = Permission{Name: "minutes", Roles: []Role{RoleSecretary, RoleChair}}
	PermStatement  = Permission{Name: "statement", Roles: []Role{RoleCommunicator, RoleCommsCoordinator}}
	// PermExerciseNote may note observations for the after-action
	// report: those who lead an activation or exercise.
	PermExerciseNote = Permission{Name: "exercise leader", Roles: []Role{RoleCoordinator, RoleChair, RoleDutyOfficer}}
	// PermEndConference may close a meeting and post its minutes.
	PermEndConference = Permission{Name: "ending a conference", Roles: []Role{RoleChair, RoleSecretary}}
)

// Allowed reports whether c may act under p, in forum f when f is not nil.
// In a forum, members must belong to one of its actors.
func Allowed(c Caller, p Permission, f *Forum) bool {
	if p.Anyone || c.Admin || c.Member.Has(RoleAdmin) {
		return true
	}
	m := c.Member
	if m == nil {
		return false
	}
	if f != nil && !f.HasActor(m.Actor) {
		return false
	}
	if p.Members {
		return true
	}
	for _, r := range p.Roles {
		if !m.Has(r) {
			continue
		}
		if r == RoleDutyOfficer && p.HostDutyOfficer && f != nil && f.Host != "" && m.Actor != f.Host {
			continue
		}
		return true
	}
	return false
}

// RequireMember is Require for actions taken for the caller's own actor
// (reports, acknowledgements, roll call, drafts): an admin who is not a
// registered member has no actor to act for and is refused too.
func RequireMember(c Caller, p Permission, f *Forum) error {
	if c.Member == nil {
		if c.Admin {
			return Errorf(EFORBIDDEN, "err.admin_not_member")
		}
		return Errorf(EFORBIDDEN, "err.not_member")
	}
	return Require(c, p, f)
}

// Require returns a forbidden error naming the roles when c may not act.
func Require(c Caller, p Permission, f *Forum) error {
	if Allowed(c, p, f) {
		return nil
	}
	if c.Member == nil {
		return Errorf(EFORBIDDEN, "err.not_member")
	}
	if f != nil && !f.HasActor(c.Member.Actor) && (p.Members || len(p.Roles) > 0) {
		return Errorf(EFORBIDDEN, "err.not_in_forum", "Forum", f.ID)
	}
	if len(p.Roles) == 0 {
		return Errorf(EFORBIDDEN, "err.admin_only")
	}
	if p.Name == PermActivate.Name && f != nil {
		// Say which rule applies (the host's duty officer, not any) and
		// what a member may do instead: ask for activation.
		if f.Host != "" {
			return Errorf(EFORBIDDEN, "err.activate_forbidden", "Forum", f.ID, "Host", f.Host)
		}
		return Errorf(EFORBIDDEN, "err.activate_forbidden_nohost", "Forum", f.ID)
	}
	return Errorf(EFORBIDDEN, "err.forbidden", "Roles", p.Roles)
}
