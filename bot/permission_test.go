package bot_test

import (
	"testing"

	"samverkan/bot"
)

func TestAllowed(t *testing.T) {
	forum := &bot.Forum{ID: "ssr", Host: "lst", Actors: []string{"lst", "sos"}}
	noHost := &bot.Forum{ID: "x", Actors: []string{"lst", "sos"}}
	member := func(actor string, roles ...bot.Role) bot.Caller {
		return bot.Caller{Member: &bot.Member{ID: "m", Actor: actor, Roles: roles}}
	}
	tests := []struct {
		name   string
		c      bot.Caller
		p      bot.Permission
		f      *bot.Forum
		wanted bool
	}{
		{"stranger may list", bot.Caller{}, bot.PermAnyone, nil, true},
		{"stranger is no member", bot.Caller{}, bot.PermMember, nil, false},
		{"bootstrap admin may administer", bot.Caller{Admin: true}, bot.PermAdmin, nil, true},
		{"admin role may administer", member("lst", bot.RoleAdmin), bot.PermAdmin, nil, true},
		{"member may not administer", member("lst", bot.RoleMember), bot.PermAdmin, nil, false},
		{"host duty officer activates", member("lst", bot.RoleDutyOfficer), bot.PermActivate, forum, true},
		{"other duty officer does not", member("sos", bot.RoleDutyOfficer), bot.PermActivate, forum, false},
		{"any duty officer without host", member("sos", bot.RoleDutyOfficer), bot.PermActivate, noHost, true},
		{"coordinator activates", member("sos", bot.RoleCoordinator), bot.PermActivate, forum, true},
		{"outsider coordinator does not", member("pol", bot.RoleCoordinator), bot.PermActivate, forum, false},
		{"communicator drafts", member("sos", bot.RoleCommunicator), bot.PermStatement, forum, true},
		{"member does not draft", member("sos", bot.RoleMember), bot.PermStatement, forum, false},
		{"member of forum actor", member("sos", bot.RoleMember), bot.PermMember, forum, true},
		{"member of other actor", member("pol", bot.RoleMember), bot.PermMember, forum, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bot.Allowed(tt.c, tt.p, tt.f); got != tt.wanted {
				t.Errorf("Allowed = %v, want %v", got, tt.wanted)
			}
			err := bot.Require(tt.c, tt.p, tt.f)
			if (err == nil) != tt.wanted || (err != nil && bot.ErrorCode(err) != bot.EFORBIDDEN) {
				t.Errorf("Require = %v, want allowed=%v", err, tt.wanted)
			}
		})
	}
}

func TestParseRoleAndLevel(t *testing.T) {
	for in, want := range map[string]bot.Role{"tib": bot.RoleDutyOfficer, "RSIB": bot.RoleCoordinator, "kommunikator": bot.RoleCommunicator,
		"Kommunikatör": bot.RoleCommunicator, "ordforande": bot.RoleChair, "secretary": bot.RoleSecretary, "admin": bot.RoleAdmin} {
		if got, ok := bot.ParseRole(in); !ok || got != want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := bot.ParseRole("trollkarl"); ok {
		t.Error("ParseRole accepted trollkarl")
	}
	roles, bad := bot.ParseRoles("kommunikatör, medlem,kommunikator")
	if bad != "" || len(roles) != 2 {
		t.Errorf("ParseRoles = %v, %q", roles, bad)
	}
	if _, bad := bot.ParseRoles("medlem,trollkarl"); bad != "trollkarl" {
		t.Errorf("ParseRoles bad = %q, want trollkarl", bad)
	}
	for in, want := range map[string]bot.Level{"verkställande": bot.LevelOperational, "verkstallande": bot.LevelOperational, "Samordnande": bot.LevelCoordinating, "strategic": bot.LevelStrategic} {
		if got, ok := bot.ParseLevel(in); !ok || got != want {
			t.Errorf("ParseLevel(%q) = %q", in, got)
		}
	}
}
