package bot_test

import (
	"context"
	"fmt"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
)

// BenchmarkBaselineCommit is one durable bbolt transaction writing one
// small value: the floor every state change stands on.
func BenchmarkBaselineCommit(b *testing.B) {
	env := bottest.NewEnv(b)
	b.ResetTimer()
	for i := range b.N {
		err := env.Store.Update(func(tx bot.Tx) error { return tx.Put("bench", fmt.Sprint(i), i) })
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkActivate40 activates a forum of 40 actors, one duty officer
// each on Mattermost: the time to commit the activation with its banner,
// its 40 call-in messages and its timers (delivery happens after).
func BenchmarkActivate40(b *testing.B) {
	env := bottest.NewEnv(b)
	admin := env.AdminCaller()
	ctx := context.Background()
	var actors []string
	for i := range 40 {
		id := fmt.Sprintf("a%02d", i)
		actors = append(actors, id)
		if err := env.Bot.Registry.AddActor(ctx, admin, bot.Actor{ID: id, Name: "Aktör " + id}); err != nil {
			b.Fatal(err)
		}
		who := bot.Identity{Platform: bot.Mattermost, UserID: "u" + id, Username: "tib" + id}
		if _, _, err := env.Bot.Registry.AddMember(ctx, admin, bot.Member{Actor: id, Roles: []bot.Role{bot.RoleDutyOfficer}}, who); err != nil {
			b.Fatal(err)
		}
	}
	if err := env.Bot.Registry.CreateForum(ctx, admin, bot.Forum{ID: "big", Name: "Stor", Level: bot.LevelStrategic, Host: "a00"}); err != nil {
		b.Fatal(err)
	}
	if _, err := env.Bot.Registry.JoinForum(ctx, admin, "big", actors[1:]); err != nil {
		b.Fatal(err)
	}
	for _, c := range []bot.Channel{{Platform: bot.Mattermost, ID: "ch1"}, {Platform: bot.Slack, ID: "C1"}} {
		if err := env.Bot.Registry.BindChannel(ctx, admin, "big", c); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		a, err := env.Bot.Activations.Activate(ctx, admin, "big", nil, false)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if len(a.Actors) != 40 {
			b.Fatalf("called in %d actors", len(a.Actors))
		}
		if _, err := env.Bot.Activations.Deactivate(ctx, admin, "big"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	pending, _ := env.Outbox.Pending()
	b.ReportMetric(float64(len(pending))/float64(b.N), "msgs/op")
}

// BenchmarkFileReportAfterRequests files a report in a forum that has
// had 1 or 300 report requests (`lägesbild begär`), all answered but the
// newest: filing looks only at open requests (an index by forum), so its
// cost stays flat as requests pile up. Compare the two:
//
//	go test ./bot -run '^$' -bench FileReportAfterRequests -benchtime 300x
func BenchmarkFileReportAfterRequests(b *testing.B) {
	for _, n := range []int{1, 300} {
		b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
			env := bottest.NewEnv(b)
			env.Fixture(b)
			ctx := context.Background()
			sections := []bot.ReportSection{{Key: "fakta", Text: "Lugnt.", Shared: true}}
			for range n {
				if _, err := env.Bot.Reports.Request(ctx, env.Who(b, "rasmus"), bottest.Forum); err != nil {
					b.Fatal(err)
				}
				for _, who := range []string{"tove", "sam", "per"} {
					if _, err := env.Bot.Reports.File(ctx, env.Who(b, who), bottest.Forum, sections, bot.TLPGreen, nil); err != nil {
						b.Fatal(err)
					}
				}
			}
			if _, err := env.Bot.Reports.Request(ctx, env.Who(b, "rasmus"), bottest.Forum); err != nil {
				b.Fatal(err)
			}
			sam := env.Who(b, "sam")
			b.ResetTimer()
			for range b.N {
				if _, err := env.Bot.Reports.File(ctx, sam, bottest.Forum, sections, bot.TLPGreen, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStatusWithOtherForumsStatements draws a forum's status (which
// lists its statements awaiting approval) while another forum holds 1 or
// 300 statements: statements are read through an index by forum, so the
// cost stays flat however many other forums have. Compare the two:
//
//	go test ./bot -run '^$' -bench StatusWithOtherForumsStatements -benchtime 300x
func BenchmarkStatusWithOtherForumsStatements(b *testing.B) {
	for _, n := range []int{1, 300} {
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			env := bottest.NewEnv(b)
			env.Fixture(b)
			ctx := context.Background()
			sys := bot.SystemCaller()
			if err := env.Bot.Registry.CreateForum(ctx, sys, bot.Forum{ID: "annat", Name: "Annat forum", Level: bot.LevelOperational, Host: "lst"}); err != nil {
				b.Fatal(err)
			}
			if _, err := env.Bot.Registry.JoinForum(ctx, sys, "annat", []string{"sos"}); err != nil {
				b.Fatal(err)
			}
			if err := env.Bot.Registry.BindChannel(ctx, sys, "annat", bot.Channel{Platform: bot.Mattermost, ID: "ch_annat", Name: "annat"}); err != nil {
				b.Fatal(err)
			}
			for i := range n {
				if _, err := env.Bot.Statements.Draft(ctx, env.Who(b, "klara"), "annat", bot.Draft{Text: fmt.Sprintf("Budskap %d.", i)}); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := env.Bot.Statements.Draft(ctx, env.Who(b, "klara"), bottest.Forum, bot.Draft{Text: "Vårt budskap."}); err != nil {
				b.Fatal(err)
			}
			sam := env.Who(b, "sam")
			b.ResetTimer()
			for range b.N {
				if _, err := env.Bot.Activations.Status(sam, bottest.Forum); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
