package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

// inForum are the fixture's people in the forum's actors, as the
// platform names them.
var inForum = []string{"u_tove", "u_rasmus", "u_klara", "u_sam", "u_kim", "u_per"}

// sentKinds are the messages delivered since from to where, with the kind
// of delivery ("post", "update", "dm").
func sentKinds(env *bottest.Env, from int, where string) []bottest.Sent {
	var out []bottest.Sent
	for _, s := range env.Platform.Sent()[from:] {
		if s.User == where || s.Channel == where {
			out = append(out, s)
		}
	}
	return out
}

// With one guest in the forum's channel the scheduled meeting still
// opens: the channel gets the frame at TLP:GREEN and a notice naming the
// guest, the members in the channel get the whole agenda directly, the
// chair is told, and no decision ever reaches the channel; the minutes
// go the same way.
func TestScheduledMeetingOpensWithAGuestInTheChannel(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	thursday := env.Clock.Next(bot.DefaultSchedule())
	if thursday.Sub(env.Clock.Now()) < 2*time.Hour {
		thursday = thursday.AddDate(0, 0, 7)
	}
	env.Clock.Set(thursday.Add(-2 * time.Hour))
	dir := env.Fixture(t)
	dir.SetMembers(bottest.ForumChannel, append(inForum, "u_guest")...)
	start := len(env.Platform.Sent())
	advanceTo(t, env, thursday)

	channel := strings.Join(sentTo(env, start, bottest.ForumChannel), "\n---\n")
	for _, want := range []string{
		"TLP:GREEN", "Samverkanskonferens: Regional samverkan", "1. Närvarokontroll", "7. Nästa möte",
		"har deltagare som inte är medlemmar hos forumets aktörer",
		"@u_guest är inte aktiva medlemmar hos forumets aktörer, så mötet visas här utan sina TLP:AMBER-delar",
	} {
		if !strings.Contains(channel, want) {
			t.Errorf("the channel lacks %q:\n%s", want, channel)
		}
	}
	if strings.Contains(channel, "TLP:AMBER:") {
		t.Errorf("AMBER content in a channel with a guest:\n%s", channel)
	}
	// The members in the channel get the agenda whole, the guest nothing.
	for _, u := range inForum {
		if got := strings.Join(sentTo(env, start, u), "\n"); !strings.Contains(got, "TLP:AMBER") || !strings.Contains(got, "Samverkanskonferens: Regional samverkan") {
			t.Errorf("%s did not get the agenda directly:\n%s", u, got)
		}
	}
	if got := sentTo(env, start, "u_guest"); len(got) != 0 {
		t.Errorf("the guest got %q", got)
	}
	if got := strings.Join(sentTo(env, start, "u_rasmus"), "\n"); !strings.Contains(got, "Möte #1 är öppet, men i samverkan finns @u_guest") {
		t.Errorf("the chair was not told:\n%s", got)
	}
	if o := occurrence(t, env, thursday); o.State != "held" || o.Conference != 1 {
		t.Errorf("occurrence %+v, want held as #1", o)
	}

	// The meeting goes on: a decision, then the minutes.
	rasmus := env.Who(t, "rasmus")
	mid := len(env.Platform.Sent())
	if _, err := env.Bot.Conferences.Decide(ctx, rasmus, bottest.Forum, "Hemlig inriktning"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Bot.Conferences.End(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	after := sentKinds(env, mid, bottest.ForumChannel)
	if len(after) == 0 {
		t.Fatal("nothing reached the channel after the decision")
	}
	for _, s := range after {
		if txt := bottest.Text(s.Message); strings.Contains(txt, "Hemlig inriktning") {
			t.Errorf("the decision reached the channel (%s):\n%s", s.Kind, txt)
		}
	}
	if got := strings.Join(sentTo(env, mid, bottest.ForumChannel), "\n"); !strings.Contains(got, "1 beslut och 0 åtgärder (TLP:AMBER)") || !strings.Contains(got, "Det fullständiga protokollet (TLP:AMBER) har gått direkt till medlemmarna") {
		t.Errorf("the channel's frames lack the counts:\n%s", got)
	}
	if got := strings.Join(sentTo(env, mid, "u_sam"), "\n"); !strings.Contains(got, "Protokoll: Regional samverkan") || !strings.Contains(got, "Hemlig inriktning") {
		t.Errorf("a member in the channel did not get the minutes directly:\n%s", got)
	}
	if got := sentTo(env, mid, "u_guest"); len(got) != 0 {
		t.Errorf("the guest got %q", got)
	}
}

// Someone joining the channel after the agenda was written, before it is
// delivered: the re-check withholds it, and the meeting goes on with the
// frame there as if the gate had refused it at once.
func TestAGuestWhoJoinsBeforeDeliveryGetsTheFrame(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	dir := env.Fixture(t)
	if _, err := env.Bot.Conferences.Decide(ctx, env.Who(t, "rasmus"), bottest.Forum, "x"); err == nil {
		t.Fatal("a decision without a meeting")
	}
	if _, err := env.Bot.Conferences.Start(ctx, env.Who(t, "rasmus"), bottest.Forum); err != nil {
		t.Fatal(err)
	}
	dir.SetMembers(bottest.ForumChannel, append(inForum, "u_guest")...)
	start := len(env.Platform.Sent())
	env.Deliver(t)
	env.Deliver(t) // what the re-check put in the agenda's place
	channel := strings.Join(sentTo(env, start, bottest.ForumChannel), "\n---\n")
	if strings.Contains(channel, "TLP:AMBER:") || !strings.Contains(channel, "TLP:GREEN") || !strings.Contains(channel, "@u_guest") {
		t.Errorf("the channel got:\n%s", channel)
	}
	if got := strings.Join(sentTo(env, start, "u_per"), "\n"); !strings.Contains(got, "TLP:AMBER") {
		t.Errorf("a member did not get the agenda directly:\n%s", got)
	}
	if _, err := env.Bot.Conferences.Decide(ctx, env.Who(t, "rasmus"), bottest.Forum, "Inget för gäster"); err != nil {
		t.Fatal(err)
	}
	mid := len(env.Platform.Sent())
	env.Deliver(t)
	for _, s := range sentKinds(env, mid, bottest.ForumChannel) {
		if strings.Contains(bottest.Text(s.Message), "Inget för gäster") {
			t.Errorf("an edit carried the decision to the channel:\n%s", bottest.Text(s.Message))
		}
	}
}

// failingStore fails every update that writes a meeting while fail > 0:
// the database refusing, say, for a few minutes.
type failingStore struct {
	bot.Store
	fail int
}

type failingTx struct {
	bot.Tx
	s *failingStore
}

var errDatabase = errors.New("the database is not answering")

func (s *failingStore) Update(fn func(bot.Tx) error) error {
	return s.Store.Update(func(tx bot.Tx) error { return fn(failingTx{tx, s}) })
}

func (tx failingTx) Put(bucket, key string, v any) error {
	if bucket == bot.BucketConferences && tx.s.fail > 0 {
		tx.s.fail--
		return errDatabase
	}
	return tx.Tx.Put(bucket, key, v)
}

// A scheduled meeting that cannot open is tried again, and the chair is
// told at once what failed and when it is tried again; after the last
// try the chair is told it was given up and what to type.
func TestAFailingTimerRetriesAndTellsTheChair(t *testing.T) {
	for _, c := range []struct {
		name  string
		fails int
		opens bool
	}{{"recovers", 2, true}, {"gives up", 99, false}} {
		t.Run(c.name, func(t *testing.T) {
			var fs *failingStore
			env := bottest.NewEnvOn(t, func(st bot.Store) bot.Store { fs = &failingStore{Store: st}; return fs })
			env.Rehearse(false)
			thursday := env.Clock.Next(bot.DefaultSchedule())
			if thursday.Sub(env.Clock.Now()) < 2*time.Hour {
				thursday = thursday.AddDate(0, 0, 7)
			}
			env.Clock.Set(thursday.Add(-2 * time.Hour))
			env.Fixture(t)
			fs.fail = c.fails
			start := len(env.Platform.Sent())
			advanceTo(t, env, thursday.Add(30*time.Minute))
			told := strings.Join(sentTo(env, start, "u_rasmus"), "\n")
			if !strings.Contains(told, "Samverkan kunde inte öppna det schemalagda mötet: ett internt fel (det står i loggen). Ett nytt försök görs") {
				t.Errorf("the chair was not told at once:\n%s", told)
			}
			opened := countIn(sentTo(env, start, bottest.ForumChannel), "Samverkanskonferens: Regional samverkan")
			if c.opens && opened != 1 {
				t.Errorf("the meeting opened %d times, want once after the retries", opened)
			}
			if !c.opens {
				if opened != 0 {
					t.Errorf("the meeting opened")
				}
				if !strings.Contains(told, "har slutat försöka") || !strings.Contains(told, "Gör det för hand: `konferens starta ssr`") {
					t.Errorf("the chair was not told it was given up:\n%s", told)
				}
				// The next Thursday is armed all the same.
				fs.fail = 0
				next, _, err := env.Bot.Conferences.Next(bottest.Forum)
				if err != nil || next == nil || !next.At.Equal(thursday.AddDate(0, 0, 7)) {
					t.Errorf("next meeting %+v %v, want a week on", next, err)
				}
			}
		})
	}
}
