package bot

import (
	"slices"
	"strings"
)

// Role is a function a member holds in their organisation or in the bot.
type Role string

// The roles of the regional collaboration model, plus admin for the bot.
const (
	RoleDutyOfficer      Role = "duty_officer"      // tjänsteman i beredskap (TiB)
	RoleCoordinator      Role = "coordinator"       // regional samverkansfunktion (RSIB)
	RoleCommsCoordinator Role = "comms_coordinator" // regional kommunikationssamordnare (RKK)
	RoleCommunicator     Role = "communicator"
	RoleChair            Role = "chair"
	RoleSecretary        Role = "secretary"
	RoleMember           Role = "member"
	RoleAdmin            Role = "admin"
)

// roleWords lists each role with the Swedish word first; the English word
// is the Role itself.
var roleWords = []struct {
	role  Role
	words []string
}{
	{RoleDutyOfficer, []string{"tib", "duty_officer", "duty-officer"}},
	{RoleCoordinator, []string{"rsib", "coordinator", "samordnare"}},
	{RoleCommsCoordinator, []string{"rkk", "comms_coordinator", "comms-coordinator"}},
	{RoleCommunicator, []string{"kommunikatör", "communicator", "kommunikator", "kommunikatør"}},
	{RoleChair, []string{"ordförande", "chair", "leder", "møteleder"}},
	{RoleSecretary, []string{"sekreterare", "secretary", "sekretær", "referent"}},
	{RoleMember, []string{"medlem", "member"}},
	{RoleAdmin, []string{"admin"}},
}

// nbRoles are the Norwegian words of roles that differ from the Swedish.
var nbRoles = map[Role]string{RoleCommunicator: "kommunikatør", RoleChair: "møteleder", RoleSecretary: "sekretær"}

// AllRoles lists every role in display order.
func AllRoles() []Role {
	out := make([]Role, len(roleWords))
	for i, r := range roleWords {
		out[i] = r.role
	}
	return out
}

// ParseRole accepts a Swedish or English role word, diacritics optional.
func ParseRole(s string) (Role, bool) {
	f := Fold(s)
	for _, r := range roleWords {
		for _, w := range r.words {
			if Fold(w) == f {
				return r.role, true
			}
		}
	}
	return "", false
}

// ParseRoles parses a comma-separated list such as "kommunikatör,medlem".
// It returns the first unknown word when one does not parse.
func ParseRoles(s string) ([]Role, string) {
	var out []Role
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		r, ok := ParseRole(part)
		if !ok {
			return nil, strings.TrimSpace(part)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, s
	}
	return out, ""
}

// ParseRoleChange reads roles to add and, each written with a leading
// "-", roles to take away ("kommunikatör,-tib"); bad is the first part
// that is no role.
func ParseRoleChange(s string) (add, remove []Role, bad string) {
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		minus := strings.HasPrefix(part, "-")
		r, ok := ParseRole(strings.TrimPrefix(part, "-"))
		switch {
		case !ok:
			return nil, nil, part
		case minus && !slices.Contains(remove, r):
			remove = append(remove, r)
		case !minus && !slices.Contains(add, r):
			add = append(add, r)
		}
	}
	if len(add) == 0 && len(remove) == 0 {
		return nil, nil, s
	}
	return add, remove, ""
}

// Word returns the role's word in the given language ("sv", "en" or
// "nb").
func (r Role) Word(lang string) string {
	for _, rw := range roleWords {
		if rw.role == r {
			if lang == "en" {
				return string(r)
			}
			if w, ok := nbRoles[r]; ok && lang == "nb" {
				return w
			}
			return rw.words[0]
		}
	}
	return string(r)
}
