package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

func TestConferenceRollCallMinutesAndReads(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	rasmus := env.Who(t, "rasmus")
	if _, err := env.Bot.Conferences.Start(ctx, env.Who(t, "kim"), bottest.Forum); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("kim (no conference role) starting: %v", err)
	}
	c, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum)
	if err != nil || c.Label() != bot.TLPAmber {
		t.Fatalf("start: %+v, %v", c, err)
	}
	if _, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("a second meeting at once: %v", err)
	}
	// Roll call: one's own actor only, once.
	if _, _, err := env.Bot.Conferences.Present(ctx, env.Who(t, "sam"), bottest.Forum, "pol"); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("sam answering for pol: %v", err)
	}
	if _, first, err := env.Bot.Conferences.Present(ctx, env.Who(t, "sam"), bottest.Forum, ""); err != nil || !first {
		t.Fatalf("sam present: %v %v", first, err)
	}
	if _, first, _ := env.Bot.Conferences.Present(ctx, env.Who(t, "kim"), bottest.Forum, "sos"); first {
		t.Error("a second sos attendee counted")
	}
	if _, err := env.Bot.Conferences.Decide(ctx, env.Who(t, "sam"), bottest.Forum, "Beslut"); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("sam (no secretary) writing a decision: %v", err)
	}
	if _, err := env.Bot.Conferences.Decide(ctx, rasmus, bottest.Forum, "Länsstyrelsen samordnar"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Bot.Conferences.AddAction(ctx, rasmus, bottest.Forum, "Informera", "ext", env.Clock.Day(8)); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("an action for an actor outside the forum: %v", err)
	}
	item, err := env.Bot.Conferences.AddAction(ctx, rasmus, bottest.Forum, "Informera", "sos", env.Clock.Day(8))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Bot.Conferences.SetNext(ctx, rasmus, bottest.Forum, "Torsdag 16:00", nil); err != nil {
		t.Fatal(err)
	}
	start := len(env.Platform.Sent())
	if _, err := env.Bot.Conferences.End(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	minutes := strings.Join(sentTo(env, start, bottest.ForumChannel), "\n")
	for _, s := range []string{"TLP:AMBER", "Länsstyrelsen samordnar", "Informera", "Torsdag 16:00", "SOS Alarm – sam"} {
		if !strings.Contains(minutes, s) {
			t.Errorf("the minutes lack %q:\n%s", s, minutes)
		}
	}
	date := env.Clock.Now().In(bot.Stockholm()).Format("2006-01-02")
	m, err := env.Bot.Conferences.Minutes(env.Who(t, "per"), bottest.Forum, date)
	if err != nil || !strings.Contains(bottest.Text(m), "Länsstyrelsen samordnar") {
		t.Errorf("per reading the minutes: %v", err)
	}
	if _, err := env.Bot.Conferences.Minutes(env.Who(t, "otto"), bottest.Forum, date); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("otto reading the minutes: %v", err)
	}
	if list, _, err := env.Bot.Conferences.ListMinutes(env.Who(t, "per"), bottest.Forum); err != nil || len(list) != 1 || list[0].Decisions != 1 {
		t.Errorf("list = %+v, %v", list, err)
	}
	if _, err := env.Bot.Conferences.CloseAction(ctx, rasmus, item.Number); err != nil {
		t.Fatal(err)
	}
}

// The weekly conference: the reminder an hour before and the agenda at
// the minute, once, however often the timers run; a missed one when the
// bot was down past the grace period.
func TestScheduledConferenceOnceAndMissed(t *testing.T) {
	env := bottest.NewEnv(t)
	// The next Thursday 16:00 at least two hours ahead, whatever day the
	// test runs; the forum is made two hours before it.
	thursday := env.Clock.Next(bot.DefaultSchedule())
	if thursday.Sub(env.Clock.Now()) < 2*time.Hour {
		thursday = thursday.AddDate(0, 0, 7)
	}
	env.Clock.Set(thursday.Add(-2 * time.Hour))
	env.Fixture(t)
	env.Clock.Set(thursday.Add(-time.Hour))
	start := len(env.Platform.Sent())
	runTimers(t, env)
	if got := sentTo(env, start, bottest.ForumChannel); len(got) != 1 || !strings.Contains(got[0], "lägesbild") {
		t.Errorf("reminder: %q", got)
	}
	env.Clock.Set(thursday)
	start = len(env.Platform.Sent())
	runTimers(t, env)
	runTimers(t, env)
	if got := sentTo(env, start, bottest.ForumChannel); len(got) != 1 || !strings.Contains(got[0], "Samverkanskonferens") {
		t.Errorf("agenda: %q", got)
	}
	// Down from before the next Thursday until long after it.
	env.Clock.Set(thursday.Add(7*24*time.Hour + 3*time.Hour))
	start = len(env.Platform.Sent())
	env.Reopen(t)
	runTimers(t, env)
	if got := sentTo(env, start, "u_rasmus"); len(got) != 1 || !strings.Contains(got[0], "inte") {
		t.Errorf("rasmus (chair) told of the missed meeting: %q", got)
	}
	if got := sentTo(env, start, bottest.ForumChannel); len(got) != 0 {
		t.Errorf("a missed meeting posted to the forum: %q", got)
	}
}

// Entries made while an agenda edit waits ride on it: thirty decisions
// make one edit per channel, showing the latest 25 and how many came
// before, and an entry made while
// that edit is being delivered gets an edit of its own.
func TestManyEntriesMakeOneAgendaEditPerChannel(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	rasmus := env.Who(t, "rasmus")
	if _, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	start := len(env.Platform.Sent())
	for i := range 30 {
		if _, err := env.Bot.Conferences.Decide(ctx, rasmus, bottest.Forum, fmt.Sprintf("Beslut nummer %d", i+1)); err != nil {
			t.Fatal(err)
		}
	}
	env.Deliver(t)
	edits := updatesTo(env, start, bottest.ForumChannel)
	if len(edits) != 1 || !strings.Contains(edits[0], "5 tidigare beslut") || !strings.Contains(edits[0], "6. Beslut nummer 6\n") ||
		!strings.Contains(edits[0], "30. Beslut nummer 30") || strings.Contains(edits[0], "5. Beslut nummer 5") {
		t.Fatalf("%d agenda edits for 30 decisions, want 1 showing the latest 25:\n%s", len(edits), strings.Join(edits, "\n---\n"))
	}
	// One more decision, made while the next edit is on its way.
	start = len(env.Platform.Sent())
	during := true
	env.Platform.During = func(s bottest.Sent) {
		if s.Kind == "update" && during {
			during = false
			if _, err := env.Bot.Conferences.Decide(ctx, rasmus, bottest.Forum, "Beslut under sändningen"); err != nil {
				t.Error(err)
			}
		}
	}
	if _, err := env.Bot.Conferences.Decide(ctx, rasmus, bottest.Forum, "Beslut nummer 31"); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	env.Deliver(t)
	edits = updatesTo(env, start, bottest.ForumChannel)
	if len(edits) != 2 || strings.Contains(edits[0], "under sändningen") || !strings.Contains(edits[1], "32. Beslut under sändningen") {
		t.Fatalf("the decision made during delivery: %d edits\n%s", len(edits), strings.Join(edits, "\n---\n"))
	}
}

// An agenda edit under TLP:AMBER is checked against the channel's readers
// just before it goes: with an outsider in the channel the decision is
// still recorded, the edit is withheld and the channel told why.
func TestAgendaEditWithheldWhenAnOutsiderJoined(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	dir := env.Fixture(t)
	rasmus := env.Who(t, "rasmus")
	if _, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	members, _ := dir.ChannelMembers(ctx, bottest.ForumChannel)
	dir.SetMembers(bottest.ForumChannel, append(members, "u_okand")...)
	if _, err := env.Bot.Conferences.Decide(ctx, rasmus, bottest.Forum, "Hemligt beslut"); err != nil {
		t.Fatalf("the decision was refused: %v", err)
	}
	start := len(env.Platform.Sent())
	env.Deliver(t)
	got := strings.Join(sentTo(env, start, bottest.ForumChannel), "\n")
	if strings.Contains(got, "Hemligt beslut") || !strings.Contains(got, "@u_okand") || !strings.Contains(got, "visas inte här") {
		t.Fatalf("what the channel got:\n%s", got)
	}
}

func updatesTo(env *bottest.Env, from int, channel string) []string {
	var out []string
	for _, s := range env.Platform.Sent()[from:] {
		if s.Kind == "update" && s.Channel == channel {
			out = append(out, bottest.Text(s.Message))
		}
	}
	return out
}
