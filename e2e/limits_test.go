package e2e_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"samverkan/bot"
)

// Activating a forum of 200 actors against fakes that enforce
// Mattermost's limit per token and Slack's per channel: every call-in
// arrives exactly once, Mattermost never answers 429, and it takes about
// what the limit allows. The quick run scales Mattermost's limit by ten
// (100/s, burst 100); with SAMVERKAN_LIMITS_FULL=1 (set by .ci/run) it
// runs at the default 10/s as well.
func TestActivatingTwoHundredActorsKeepsUnderTheLimits(t *testing.T) {
	limits := []struct {
		name  string
		rate  int
		burst int
	}{{"mattermost-100-per-s", 100, 100}}
	if os.Getenv("SAMVERKAN_LIMITS_FULL") != "" {
		limits = append(limits, struct {
			name  string
			rate  int
			burst int
		}{"mattermost-default-10-per-s", 10, 100})
	}
	for _, l := range limits {
		t.Run(l.name, func(t *testing.T) { fanOut(t, l.rate, l.burst) })
	}
}

func fanOut(t *testing.T, rate, burst int) {
	const mmActors, slActors = 150, 50
	w := newWorld(t)
	w.app.Mattermost.SetRateLimit(rate, burst)
	w.app.Slack.SetChannelRate(1)
	ctx := context.Background()
	sys := bot.SystemCaller()
	b := w.app.Bot
	var actors []string
	for i := range mmActors + slActors {
		id := fmt.Sprintf("a%03d", i)
		actors = append(actors, id)
		if err := b.Registry.AddActor(ctx, sys, bot.Actor{ID: id, Name: "Aktör " + id}); err != nil {
			t.Fatal(err)
		}
		who := bot.Identity{Platform: bot.Mattermost, UserID: "u" + id, Username: "tib" + id}
		if i >= mmActors {
			who = bot.Identity{Platform: bot.Slack, UserID: "U" + strings.ToUpper(id), Username: "tib" + id}
		} else {
			w.mmUser(who.UserID, who.Username)
		}
		if _, _, err := b.Registry.AddMember(ctx, sys, bot.Member{Actor: id, Roles: []bot.Role{bot.RoleDutyOfficer}}, who); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Registry.CreateForum(ctx, sys, bot.Forum{ID: "big", Name: "Stor", Level: bot.LevelStrategic, Host: actors[0]}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Registry.JoinForum(ctx, sys, "big", actors[1:]); err != nil {
		t.Fatal(err)
	}
	for _, c := range []bot.Channel{{Platform: bot.Mattermost, ID: mmChannel}, {Platform: bot.Slack, ID: slChannel}} {
		if err := b.Registry.BindChannel(ctx, sys, "big", c); err != nil {
			t.Fatal(err)
		}
	}
	w.deliver() // the welcome posts, before the limits count
	w.mm.Limit(float64(rate), burst)
	w.sl.LimitChannels(1)
	before := w.mm.Requests()
	start := time.Now()
	if _, err := b.Activations.Activate(ctx, sys, "big", nil, false); err != nil {
		t.Fatal(err)
	}
	// Halfway through the fan-out someone waits for the bot to ask
	// Mattermost something (as when a form opens): it is not held up.
	asked := make(chan time.Duration, 1)
	go func() {
		for w.mm.Requests()-before < 150 {
			time.Sleep(time.Millisecond)
		}
		t0 := time.Now()
		w.app.Mattermost.UserName(ctx, "u_admin")
		asked <- time.Since(t0)
	}()
	for {
		w.deliver()
		if n, _ := b.Outbox.PendingCount(); n == 0 {
			break
		}
		if time.Since(start) > 3*time.Minute {
			t.Fatal("the call-ins were not all delivered in 3 minutes")
		}
	}
	took := time.Since(start)
	if d := <-asked; d > 500*time.Millisecond {
		t.Errorf("a call someone waited for took %s during the fan-out", d)
	} else {
		t.Logf("a call someone waited for, during the fan-out: %s", d.Round(time.Millisecond))
	}
	for i, id := range actors {
		want := 1
		var got int
		if i < mmActors {
			got = countMM(w.mmDM("u"+id), "Inkallning")
		} else {
			got = countSL(w.slDM("U"+strings.ToUpper(id)), "Inkallning")
		}
		if got != want {
			t.Errorf("%s got %d call-ins, want exactly 1", id, got)
		}
	}
	calls := w.mm.Requests() - before
	// The fastest the limit allows the bot, which keeps a tenth of the
	// burst in hand, and of the rest a tenth for people while it sends
	// urgent messages such as call-ins: that part of the burst at once,
	// then the rate.
	least := time.Duration((float64(calls) - 0.9*0.9*float64(burst)) / float64(rate) * float64(time.Second))
	t.Logf("200 call-ins (%d Mattermost, %d Slack) in %s: %d Mattermost calls, least the limit allows %s; 429s: Mattermost %d, Slack %d",
		mmActors, slActors, took.Round(10*time.Millisecond), calls, least.Round(10*time.Millisecond), w.mm.Limited(), w.sl.Limited())
	if n := w.mm.Limited(); n != 0 {
		t.Errorf("Mattermost answered 429 %d times", n)
	}
	if took > least+least/2+2*time.Second {
		t.Errorf("took %s; the limit allows %s", took, least)
	}
}
