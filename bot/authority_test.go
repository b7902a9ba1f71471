package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
)

// The authority check happens in the transaction of the change: a caller
// resolved before a change in the registry is re-read, so what they could
// do a moment ago is refused once it no longer holds.
func TestAuthorityIsCheckedAtTheMomentOfAction(t *testing.T) {
	ctx := context.Background()
	t.Run("RoleRemovedAfterCallerWasResolved", func(t *testing.T) {
		env := bottest.NewEnv(t)
		env.Fixture(t)
		tove := env.Who(t, "tove") // a duty officer of the host
		_, _, err := env.Bot.Registry.AddMember(ctx, bot.SystemCaller(), bot.Member{ID: "tove", Actor: "lst", Roles: []bot.Role{bot.RoleMember}}, bottest.People[0].User(), bot.RoleDutyOfficer)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.Bot.Activations.Activate(ctx, tove, bottest.Forum, nil, false); bot.ErrorCode(err) != bot.EFORBIDDEN {
			t.Fatalf("activate with a role taken away: %v, want forbidden", err)
		}
	})
	t.Run("MemberRemovedAfterCallerWasResolved", func(t *testing.T) {
		env := bottest.NewEnv(t)
		env.Fixture(t)
		sam := env.Who(t, "sam")
		if _, err := env.Bot.Registry.RemoveMember(ctx, bot.SystemCaller(), "sam"); err != nil {
			t.Fatal(err)
		}
		if _, err := env.Bot.Reports.File(ctx, sam, bottest.Forum, []bot.ReportSection{{Key: "fakta", Text: "x", Shared: true}}, bot.TLPGreen, nil); bot.ErrorCode(err) != bot.EFORBIDDEN {
			t.Fatalf("a removed member filing a report: %v", err)
		}
	})
	t.Run("ActorLeftAfterCallerWasResolved", func(t *testing.T) {
		env := bottest.NewEnv(t)
		env.Fixture(t)
		tove, sam := env.Who(t, "tove"), env.Who(t, "sam")
		if _, err := env.Bot.Activations.Activate(ctx, tove, bottest.Forum, nil, false); err != nil {
			t.Fatal(err)
		}
		if err := env.Bot.Registry.LeaveForum(ctx, bot.SystemCaller(), bottest.Forum, "sos"); err != nil {
			t.Fatal(err)
		}
		_, err := env.Bot.Activations.Acknowledge(ctx, sam, bottest.Forum)
		var e *bot.Error
		if !asError(err, &e) || e.ID != "err.not_in_forum" {
			t.Fatalf("acknowledging after the actor left: %v", err)
		}
	})
	t.Run("AdminWithoutActorCannotActForOne", func(t *testing.T) {
		env := bottest.NewEnv(t)
		env.Fixture(t)
		_, err := env.Bot.Reports.File(ctx, env.AdminCaller(), bottest.Forum, []bot.ReportSection{{Key: "fakta", Text: "x"}}, bot.TLPGreen, nil)
		var e *bot.Error
		if !asError(err, &e) || e.ID != "err.admin_not_member" {
			t.Fatalf("an admin with no actor filing a report: %v", err)
		}
	})
}

// A removed member's handle is retired: it is never given to the next
// person, and the retired member keeps its record for what it did.
func TestRetiredHandles(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	sys := bot.SystemCaller()
	if _, err := env.Bot.Registry.RemoveMember(ctx, sys, "kim"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Bot.Registry.RemoveMember(ctx, sys, "kim"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("removing a retired member again: %v", err)
	}
	newKim := bot.Identity{Platform: bot.Mattermost, UserID: "u_kim_new", Username: "kim"}
	m, created, err := env.Bot.Registry.AddMember(ctx, sys, bot.Member{Actor: "ext", Roles: []bot.Role{bot.RoleCommunicator}}, newKim)
	if err != nil || !created || m.ID != "kim2" {
		t.Fatalf("the next kim = %+v, %v, %v; want a new handle kim2", m, created, err)
	}
	_, _, err = env.Bot.Registry.AddMember(ctx, sys, bot.Member{ID: "kim", Actor: "ext", Roles: []bot.Role{bot.RoleMember}}, bot.Identity{Platform: bot.Slack, UserID: "U9", Username: "x"})
	var e *bot.Error
	if !asError(err, &e) || e.ID != "err.member_retired" {
		t.Errorf("reusing the retired handle: %v", err)
	}
	// The old identity maps to nobody; the retired record stays.
	if c, _ := env.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: "u_kim"}); c.Member != nil {
		t.Errorf("the old identity still resolves to %+v", c.Member)
	}
	var old *bot.Member
	_ = env.Store.View(func(tx bot.Tx) (err error) { old, err = bot.GetMember(tx, "kim"); return })
	if old == nil || !old.Retired || old.Active() {
		t.Errorf("retired record = %+v", old)
	}
	members, _ := env.Bot.Registry.Members(env.Who(t, "tove"), "")
	if slices.ContainsFunc(members, func(m bot.Member) bool { return m.ID == "kim" }) {
		t.Error("a retired member is listed")
	}
}

func TestPermissionRefusalsNameTheRule(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	var e *bot.Error
	_, err := env.Bot.Activations.Activate(ctx, env.Who(t, "sam"), bottest.Forum, nil, false)
	if !asError(err, &e) || e.ID != "err.activate_forbidden" || e.Data["Host"] != "lst" {
		t.Errorf("sos's duty officer activating lst's forum: %v", err)
	}
	_, err = env.Bot.Activations.Activate(ctx, env.Who(t, "otto"), bottest.Forum, nil, false)
	if !asError(err, &e) || e.ID != "err.not_in_forum" {
		t.Errorf("a member of an actor outside the forum: %v", err)
	}
	stranger, _ := env.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: "u_nobody"})
	if err := env.Bot.Registry.AddActor(ctx, stranger, bot.Actor{ID: "x", Name: "X"}); !asError(err, &e) || e.ID != "err.not_member" {
		t.Errorf("a stranger adding an actor: %v", err)
	}
	if !strings.Contains(e.Error(), "not_member") {
		t.Errorf("error text %q", e.Error())
	}
}
