package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
)

// Two replicas (two bots, each on its own connection pool to one
// database) acknowledging for twenty different actors in the same instant:
// every acknowledgement counts, none is lost to the other replica's
// concurrent change of the same activation.
func TestTwoReplicasAcknowledgingAtOnceAllCount(t *testing.T) {
	t.Setenv("SAMVERKAN_TEST_STORE", "postgres")
	env := bottest.NewEnv(t)
	env.Fixture(t)
	ctx := context.Background()
	sys := bot.SystemCaller()
	const actors = 20
	var ids []string
	var people []bot.Identity
	for i := range actors {
		id := fmt.Sprintf("a%02d", i)
		if err := env.Bot.Registry.AddActor(ctx, sys, bot.Actor{ID: id, Name: "Aktör " + id}); err != nil {
			t.Fatal(err)
		}
		who := bot.Identity{Platform: bot.Mattermost, UserID: "u_" + id, Username: id}
		if _, _, err := env.Bot.Registry.AddMember(ctx, sys, bot.Member{ID: "m" + id, Actor: id, Roles: []bot.Role{bot.RoleDutyOfficer}}, who); err != nil {
			t.Fatal(err)
		}
		ids, people = append(ids, id), append(people, who)
	}
	if _, err := env.Bot.Registry.JoinForum(ctx, sys, bottest.Forum, ids); err != nil {
		t.Fatal(err)
	}
	act, err := env.Bot.Activations.Activate(ctx, env.Who(t, "tove"), bottest.Forum, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	other := open(t, env.Path)
	second := bot.New(bot.Options{Store: other, Clock: env.Clock, Admins: []bot.Identity{bottest.Admin}, Lang: "sv", Log: bottest.Quiet()})
	second.Directories = env.Bot.Directories
	replicas := []*bot.Bot{env.Bot, second}

	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, actors)
	for i, who := range people {
		wg.Go(func() {
			<-start
			_, err := replicas[i%2].Activations.Acknowledge(ctx, bot.Caller{Identity: who}, bottest.Forum)
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	var got *bot.Activation
	if err := other.View(func(tx bot.Tx) (err error) { got, err = bot.GetActivation(tx, act.ID); return }); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if got.AckOf(id) == nil {
			t.Errorf("%s acknowledged on a replica, but its acknowledgement is not stored", id)
		}
	}
	t.Logf("transactions run again after a conflict with the other replica: %d", other.Retries())
}
