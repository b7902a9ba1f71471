package commands_test

import (
	"context"
	"fmt"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/commands"
)

// BenchmarkBareCommit is the baseline: one durable bbolt transaction
// writing one small value.
func BenchmarkBareCommit(b *testing.B) {
	env := bottest.NewEnv(b)
	b.ResetTimer()
	for i := range b.N {
		if err := env.Store.Update(func(tx bot.Tx) error { return tx.Put("bench", fmt.Sprint(i), i) }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommandStateChange is a whole durable state change as a user
// makes it: parse the command, check permission, store a new report
// version, append the audit event and enqueue the forum notice for two
// channels, in one fsynced transaction.
func BenchmarkCommandStateChange(b *testing.B) {
	env := bottest.NewEnv(b)
	e := commands.New(env.Bot, "sv")
	admin := env.AdminCaller()
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	must(env.Bot.Registry.AddActor(ctx, admin, bot.Actor{ID: "lst", Name: "Länsstyrelsen"}))
	must(env.Bot.Registry.CreateForum(ctx, admin, bot.Forum{ID: "ssr", Name: "Regional", Level: bot.LevelCoordinating, Host: "lst"}))
	for _, c := range []bot.Channel{{Platform: bot.Mattermost, ID: "c1"}, {Platform: bot.Slack, ID: "C1"}} {
		must(env.Bot.Registry.BindChannel(ctx, admin, "ssr", c))
	}
	tove := bot.Identity{Platform: bot.Mattermost, UserID: "u_tove", Username: "tove"}
	_, _, err := env.Bot.Registry.AddMember(ctx, admin, bot.Member{Actor: "lst", Roles: []bot.Role{bot.RoleDutyOfficer}}, tove)
	must(err)
	b.ResetTimer()
	for i := range b.N {
		r := e.Invoke(ctx, commands.Invocation{User: tove, Text: fmt.Sprintf(`lägesbild ny ssr fakta="Läge %d" tlp=GREEN`, i)})
		if r.Failed {
			b.Fatal(r.Message.Text)
		}
	}
}
