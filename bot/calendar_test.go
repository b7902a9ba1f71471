package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

// advanceTo lets time pass until target as it would: each timer fires at
// its own time and what it sends is delivered then. After every step at
// most one meeting of the forum is open.
func advanceTo(t *testing.T, env *bottest.Env, target time.Time) {
	t.Helper()
	for range 1000 {
		next, err := env.Bot.RunTimers(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		env.Deliver(t)
		onlyOneOpen(t, env)
		if next.IsZero() || next.After(target) {
			break
		}
		env.Clock.Set(next)
	}
	env.Clock.Set(target)
	runTimers(t, env)
	onlyOneOpen(t, env)
}

// onlyOneOpen fails when more than one meeting of the forum is open, or
// the forum's running meeting is not the one left open.
func onlyOneOpen(t *testing.T, env *bottest.Env) {
	t.Helper()
	_ = env.Store.View(func(tx bot.Tx) error {
		f, err := bot.GetForum(tx, bottest.Forum)
		if err != nil {
			t.Fatal(err)
		}
		confs, _ := bot.ListConferences(tx, bottest.Forum)
		var open []uint64
		for _, c := range confs {
			if c.EndedAt.IsZero() {
				open = append(open, c.ID)
			}
		}
		if len(open) > 1 || (len(open) == 1 && open[0] != f.Conference) || (len(open) == 0 && f.Conference != 0) {
			t.Fatalf("open meetings %v, the forum's running one #%d", open, f.Conference)
		}
		return nil
	})
}

// local is a wall time in Stockholm days after the clock's today.
func local(env *bottest.Env, days, h, m int) time.Time {
	d := env.Clock.Now().In(bot.Stockholm()).AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, bot.Stockholm())
}

func occurrence(t *testing.T, env *bottest.Env, at time.Time) bot.Occurrence {
	t.Helper()
	var o bot.Occurrence
	_ = env.Store.View(func(tx bot.Tx) error {
		return tx.Get(bot.BucketOccurrences, bottest.Forum+"|"+at.In(bot.Stockholm()).Format("2006-01-02T15:04"), &o)
	})
	return o
}

func countIn(texts []string, s string) int {
	n := 0
	for _, t := range texts {
		n += strings.Count(t, s)
	}
	return n
}

func dailySchedule(t *testing.T, env *bottest.Env, times string) {
	t.Helper()
	s, err := bot.ParseSchedule("dagligen", times, "Europe/Stockholm")
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Bot.Conferences.SetSchedule(context.Background(), env.Who(t, "rasmus"), bottest.Forum, s); err != nil {
		t.Fatal(err)
	}
}

// A meeting booked for a day with regular meetings opens at its time,
// whatever the schedule says; the regular one within two hours of it is
// replaced (the booking says so), and the booked meeting, left open,
// is ended with its minutes when the next regular one falls due.
func TestBookedMeetingOpensAndReplacesTheRegularOne(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	dailySchedule(t, env, "08:00,16:00")
	rasmus := env.Who(t, "rasmus")
	if _, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	nine := local(env, 1, 9, 0)
	booked, err := env.Bot.Conferences.SetNext(ctx, rasmus, bottest.Forum, "Uppföljning", &bot.PlannedMeeting{At: nine, Form: "video", Join: "https://möte.example/ssr", Purposes: []bot.Purpose{bot.PurposeActions}})
	if err != nil {
		t.Fatal(err)
	}
	if len(booked.Replaces) != 1 || !booked.Replaces[0].Equal(local(env, 1, 8, 0)) {
		t.Fatalf("the booking replaces %v, want tomorrow 08:00", booked.Replaces)
	}
	if _, err := env.Bot.Conferences.End(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	minutes := strings.Join(sentTo(env, 0, bottest.ForumChannel), "\n")
	for _, want := range []string{"Bokat: " + nine.Format("2006-01-02 15:04") + ". Det ersätter det ordinarie mötet " + local(env, 1, 8, 0).Format("2006-01-02 15:04") + ".", "Form: video.", "Anslut: https://möte.example/ssr", "Syfte: samordnade åtgärder.", "Uppföljning"} {
		if !strings.Contains(minutes, want) {
			t.Errorf("the minutes lack %q:\n%s", want, minutes)
		}
	}
	advanceTo(t, env, local(env, 1, 6, 30))
	start := len(env.Platform.Sent()) // from tomorrow 06:30
	advanceTo(t, env, local(env, 0, 16, 30))
	posted := sentTo(env, start, bottest.ForumChannel)
	day := nine.Format("2006-01-02")
	if n := countIn(posted, "Samverkanskonferens: Regional samverkan "+day+" 09:00"); n < 1 {
		t.Errorf("the booked meeting did not open at 09:00:\n%s", strings.Join(posted, "\n---\n"))
	}
	if n := countIn(posted, "Samverkanskonferens: Regional samverkan "+day+" 08:00"); n != 0 {
		t.Errorf("the replaced regular meeting opened too")
	}
	if o := occurrence(t, env, local(env, 0, 8, 0)); o.State != "replaced" || !o.Booked.Equal(nine) {
		t.Errorf("tomorrow 08:00 recorded as %+v, want replaced by 09:00", o)
	}
	if countIn(posted, "Avslutat av samverkan när nästa möte skulle börja, "+day+" 16:00.") != 1 {
		t.Errorf("the booked meeting's minutes were not posted when 16:00 came:\n%s", strings.Join(posted, "\n---\n"))
	}
	if got := strings.Join(sentTo(env, start, "u_rasmus"), "\n"); !strings.Contains(got, "var fortfarande öppet när nästa möte skulle börja "+day+" 16:00") {
		t.Errorf("the chair was not told the meeting was ended:\n%s", got)
	}
	// The reminder before the booked meeting says how to join it; the
	// replaced meeting has none.
	if countIn(posted, "Samverkanskonferens kl 09:00") != 1 || countIn(posted, "Samverkanskonferens kl 08:00") != 0 {
		t.Errorf("reminders:\n%s", strings.Join(posted, "\n---\n"))
	}
}

// A meeting opened by hand shortly before a regular one counts as it; one
// opened long before is ended with its minutes when the regular one
// opens, so two are never open at once.
func TestAMeetingOpenedByHandCountsOrIsEnded(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		before time.Duration
		counts bool
	}{{"an hour before", time.Hour, true}, {"three hours before", 3 * time.Hour, false}} {
		t.Run(c.name, func(t *testing.T) {
			env := bottest.NewEnv(t)
			four := local(env, 2, 16, 0)
			env.Clock.Set(four.Add(-c.before - time.Hour))
			env.Fixture(t)
			dailySchedule(t, env, "16:00")
			env.Clock.Set(four.Add(-c.before))
			conf, err := env.Bot.Conferences.Start(ctx, env.Who(t, "rasmus"), bottest.Forum)
			if err != nil {
				t.Fatal(err)
			}
			start := len(env.Platform.Sent())
			advanceTo(t, env, four.Add(time.Minute))
			o := occurrence(t, env, four)
			if c.counts && (o.State != "held" || o.Conference != conf.ID) {
				t.Errorf("occurrence %+v, want held by #%d", o, conf.ID)
			}
			if !c.counts && (o.State != "held" || o.Conference == conf.ID) {
				t.Errorf("occurrence %+v, want a new meeting", o)
			}
			posted := strings.Join(sentTo(env, start, bottest.ForumChannel), "\n")
			if ended := strings.Contains(posted, "Avslutat av samverkan när nästa möte skulle börja"); ended == c.counts {
				t.Errorf("ended by the bot: %v, want %v:\n%s", ended, !c.counts, posted)
			}
		})
	}
}

// The meeting that booked the next one does not count as it: left open,
// it is ended when the booked one opens.
func TestTheBookingMeetingIsEndedWhenTheBookedOneOpens(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Clock.Set(local(env, 1, 8, 30))
	env.Fixture(t)
	if err := env.Bot.Conferences.SetSchedule(ctx, bot.SystemCaller(), bottest.Forum, nil); err != nil {
		t.Fatal(err)
	}
	rasmus := env.Who(t, "rasmus")
	first, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum)
	if err != nil {
		t.Fatal(err)
	}
	at := local(env, 0, 9, 30)
	if _, err := env.Bot.Conferences.SetNext(ctx, rasmus, bottest.Forum, "Strax igen", &bot.PlannedMeeting{At: at, Form: "telefon"}); err != nil {
		t.Fatal(err)
	}
	advanceTo(t, env, at)
	var running *bot.Conference
	_ = env.Store.View(func(tx bot.Tx) error {
		f, _ := bot.GetForum(tx, bottest.Forum)
		running, _ = bot.RunningConference(tx, f)
		return nil
	})
	if running == nil || running.ID == first.ID || running.Form != "telefon" {
		t.Fatalf("running %+v, want the booked meeting", running)
	}
	next, _, err := env.Bot.Conferences.Next(bottest.Forum)
	if err != nil || next != nil {
		t.Errorf("next meeting %+v %v, want none (no schedule, nothing more booked)", next, err)
	}
}

// The calendar's next meeting is the earlier of the next booked one and
// the next regular one a booked meeting does not replace.
func TestNextMeetingInTheCalendar(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Clock.Set(local(env, 1, 7, 0))
	env.Fixture(t)
	dailySchedule(t, env, "12:00")
	rasmus := env.Who(t, "rasmus")
	if _, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	next := func() time.Time {
		t.Helper()
		m, _, err := env.Bot.Conferences.Next(bottest.Forum)
		if err != nil || m == nil {
			t.Fatalf("next: %v %v", m, err)
		}
		return m.At
	}
	if got := next(); !got.Equal(local(env, 0, 12, 0)) {
		t.Errorf("next %s, want today 12:00", got)
	}
	// Booked 15:00: three hours after 12:00, so 12:00 stays first.
	if _, err := env.Bot.Conferences.SetNext(ctx, rasmus, bottest.Forum, "x", &bot.PlannedMeeting{At: local(env, 0, 15, 0)}); err != nil {
		t.Fatal(err)
	}
	if got := next(); !got.Equal(local(env, 0, 12, 0)) {
		t.Errorf("next %s, want today 12:00", got)
	}
	// The same meeting's later decision, 13:00, replaces its booking and
	// the 12:00 meeting, and comes first.
	booked, err := env.Bot.Conferences.SetNext(ctx, rasmus, bottest.Forum, "x", &bot.PlannedMeeting{At: local(env, 0, 13, 0)})
	if err != nil || len(booked.Replaces) != 1 {
		t.Fatalf("booking: %+v %v", booked, err)
	}
	if got := next(); !got.Equal(local(env, 0, 13, 0)) {
		t.Errorf("next %s, want today 13:00 (booked)", got)
	}
}

// A booked meeting the bot could not open within the grace period (it
// was down) is recorded as missed and the chairs are told.
func TestABookedMeetingMissedWhileDownIsReported(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Clock.Set(local(env, 1, 8, 0))
	env.Fixture(t)
	rasmus := env.Who(t, "rasmus")
	if _, err := env.Bot.Conferences.Start(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	at := local(env, 0, 10, 0)
	if _, err := env.Bot.Conferences.SetNext(ctx, rasmus, bottest.Forum, "x", &bot.PlannedMeeting{At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Bot.Conferences.End(ctx, rasmus, bottest.Forum); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	start := len(env.Platform.Sent())
	env.Clock.Set(at.Add(3 * time.Hour))
	runTimers(t, env)
	if got := sentTo(env, start, "u_rasmus"); len(got) != 1 || !strings.Contains(got[0], "Missad konferens") {
		t.Errorf("the chair was told %q", got)
	}
	if got := sentTo(env, start, bottest.ForumChannel); len(got) != 0 {
		t.Errorf("a missed meeting posted %q", got)
	}
}
