package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

// fixtureNames are the fixture's proper names, which stay as they are in
// any language (Länsstyrelsen, the channel "kommunikatörer").
var fixtureNames = strings.NewReplacer("Länsstyrelsen", "", "kommunikatörer", "", "Regional samverkan", "", "SOS Alarm", "", "Polisen", "")

// spoken is what people read of a message: the command a button runs
// (typed words, which every language accepts) is left out.
func spoken(m bot.Message) string {
	parts := []string{m.Exercise, m.Obligation, m.Title, m.Text}
	for _, f := range m.Fields {
		parts = append(parts, f.Title, f.Value)
	}
	for _, s := range m.Sections {
		parts = append(parts, s.Title, s.Text)
	}
	for _, b := range m.Buttons {
		parts = append(parts, b.Label)
	}
	return fixtureNames.Replace(strings.Join(parts, "\n"))
}

// languageDay runs a whole day in the fixture's forum, in a Swedish bot
// with the forum speaking lang ("" for the bot's own): a call-in with its
// reminder and escalation, reports and the picture, an information
// request with its reminder and deadline, a scheduled meeting with its
// reminder and agenda, a meeting with decisions, actions and minutes, a
// statement approved, reminded, released and withdrawn, and the end of
// the activation. What people typed is Norwegian. It returns every
// message delivered and the after-action report and papers as text.
func languageDay(t *testing.T, lang string) ([]bottest.Sent, []string) {
	t.Helper()
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	before := len(env.Platform.Sent())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	run := func() {
		t.Helper()
		_, err := env.Bot.RunTimers(ctx)
		must(err)
		env.Deliver(t)
	}
	if lang != "" {
		f, err := env.Bot.Registry.SetLanguage(ctx, env.AdminCaller(), bottest.Forum, lang)
		must(err)
		if env.Bot.LangOf(f) != lang {
			t.Fatalf("the forum speaks %q", env.Bot.LangOf(f))
		}
	}
	// A meeting later today, with its reminder before.
	loc, _ := time.LoadLocation("Europe/Stockholm")
	at := env.Clock.Now().Add(3 * time.Hour).In(loc)
	sched, err := bot.ParseSchedule("dagligen", at.Format("15:04"), "Europe/Stockholm")
	must(err)
	must(env.Bot.Conferences.SetSchedule(ctx, env.AdminCaller(), bottest.Forum, sched))

	// Per's direct messages cannot be delivered: whoever caused one is
	// told, in the forum's language.
	env.Platform.Refuse = func(s bottest.Sent) error {
		if s.User == "u_per" {
			return &bot.PermanentError{Err: errors.New("user deactivated")}
		}
		return nil
	}
	_, err = env.Bot.Activations.Request(ctx, env.Who(t, "sam"), bottest.Forum, "Langvarig strømbrudd.")
	must(err)
	_, err = env.Bot.Activations.Activate(ctx, env.Who(t, "rasmus"), bottest.Forum, []bot.Purpose{bot.PurposeInformation}, true)
	must(err)
	env.Deliver(t)
	_, err = env.Bot.Activations.Acknowledge(ctx, env.Who(t, "sam"), bottest.Forum)
	must(err)
	env.Clock.Advance(16 * time.Minute)
	run() // the reminder to those who have not answered
	env.Clock.Advance(30 * time.Minute)
	run() // the escalation
	_, err = env.Bot.Reports.Request(ctx, env.Who(t, "rasmus"), bottest.Forum)
	must(err)
	_, err = env.Bot.Reports.File(ctx, env.Who(t, "sam"), bottest.Forum, []bot.ReportSection{
		{Key: "fakta", Text: "Mange anrop til 112.", Shared: true},
		{Key: "prognos", Text: "Flere anrop i kveld.", Shared: false},
	}, bot.TLPAmber, nil)
	must(err)
	q, err := env.Bot.Requests.Ask(ctx, env.Who(t, "tove"), bottest.Forum, "Hvor lenge varer bruddet?", []string{"sos", "pol"}, env.Clock.Now().Add(time.Hour))
	must(err)
	_, err = env.Bot.Requests.Answer(ctx, env.Who(t, "sam"), q.Number, "Minst til i morgen.", bot.TLPGreen, false)
	must(err)
	env.Deliver(t)
	env.Clock.Advance(31 * time.Minute)
	run() // the request's reminder
	env.Clock.Advance(30 * time.Minute)
	run() // its deadline
	st, err := env.Bot.Statements.Draft(ctx, env.Who(t, "klara"), bottest.Forum, bot.Draft{Text: "Unngå unødige reiser i kveld.", Audience: bot.AudiencePublic, TLP: bot.TLPClear})
	must(err)
	_, _, err = env.Bot.Statements.Approve(ctx, env.Who(t, "kim"), st.Number, 1)
	must(err)
	env.Deliver(t)
	env.Clock.Advance(31 * time.Minute)
	run() // the approval reminder
	for _, a := range st.Approvers {
		if a.Member != "kim" {
			_, _, err = env.Bot.Statements.Approve(ctx, env.Who(t, a.Member), st.Number, 1)
			must(err)
		}
	}
	_, err = env.Bot.Statements.Release(ctx, env.Who(t, "klara"), st.Number)
	must(err)
	env.Deliver(t)
	// The scheduled meeting: its reminder, then its agenda.
	env.Clock.Set(at.Add(-sched.Reminder).Add(time.Minute))
	run()
	env.Clock.Set(at.Add(time.Minute))
	run()
	_, _, err = env.Bot.Conferences.Present(ctx, env.Who(t, "sam"), bottest.Forum, "")
	must(err)
	_, err = env.Bot.Conferences.Decide(ctx, env.Who(t, "rasmus"), bottest.Forum, "Fylket samordner informasjonen.")
	must(err)
	_, err = env.Bot.Conferences.AddAction(ctx, env.Who(t, "rasmus"), bottest.Forum, "Informasjonsark", "sos", env.Clock.Day(2))
	must(err)
	conf, err := env.Bot.Conferences.End(ctx, env.Who(t, "rasmus"), bottest.Forum)
	must(err)
	held := fmt.Sprintf("#%d", conf.ID)
	env.Deliver(t)
	_, err = env.Bot.Statements.Withdraw(ctx, env.Who(t, "klara"), st.Number)
	must(err)
	_, err = env.Bot.Activations.Deactivate(ctx, env.Who(t, "rasmus"), bottest.Forum)
	must(err)
	env.Deliver(t)

	// What is read outside chat: status, the picture, the report, the
	// after-action report, the papers and the board.
	var read []string
	for _, m := range []func() (bot.Message, error){
		func() (bot.Message, error) { return env.Bot.Activations.Status(env.Who(t, "sam"), bottest.Forum) },
		func() (bot.Message, error) { return env.Bot.Reports.Picture(env.Who(t, "sam"), bottest.Forum) },
		func() (bot.Message, error) {
			return env.Bot.Conferences.Minutes(env.Who(t, "sam"), bottest.Forum, held)
		},
		func() (bot.Message, error) { return env.Bot.Statements.Show(env.Who(t, "sam"), st.Number) },
	} {
		msg, err := m()
		must(err)
		read = append(read, spoken(msg))
	}
	r, err := env.Bot.Activations.AfterAction(env.Who(t, "sam"), bottest.Forum, 0)
	must(err)
	read = append(read, fixtureNames.Replace(env.Bot.Activations.AfterActionMarkdown(r)))
	for _, p := range []func() (bot.Paper, error){
		func() (bot.Paper, error) { return env.Bot.Reports.PicturePaper(env.Who(t, "sam"), bottest.Forum) },
		func() (bot.Paper, error) {
			return env.Bot.Conferences.MinutesPaper(env.Who(t, "sam"), bottest.Forum, held)
		},
		func() (bot.Paper, error) {
			return env.Bot.Activations.AfterActionPaper(env.Who(t, "sam"), bottest.Forum, 0)
		},
	} {
		paper, err := p()
		must(err)
		if paper.Lang != env.Bot.Lang && paper.Lang != lang {
			t.Errorf("the paper %q is printed in %q", paper.Title, paper.Lang)
		}
		read = append(read, fixtureNames.Replace(paperText(paper)))
	}
	v, err := env.Bot.Boards.Board(env.Who(t, "sam"), bottest.Forum, "")
	must(err)
	board := []string{v.Meeting.Schedule, v.Meeting.Form, v.Meeting.Purposes}
	for _, e := range v.Timeline {
		board = append(board, e.What)
	}
	read = append(read, fixtureNames.Replace(strings.Join(board, "\n")))
	return env.Platform.Sent()[before:], read
}

// paperText is a paper's words.
func paperText(p bot.Paper) string {
	out := []string{p.Title, p.Lead, p.Obligation, p.Exercise}
	for _, b := range p.Blocks {
		out = append(out, b.Text)
		for _, pr := range b.Pairs {
			out = append(out, pr[0], pr[1])
		}
		for _, it := range b.Items {
			out = append(out, it.Text, it.Note)
		}
		out = append(out, b.Head...)
		for _, row := range b.Rows {
			out = append(out, row...)
		}
	}
	return strings.Join(out, "\n")
}

// A Norwegian forum in a Swedish bot hears Norwegian on every path: what
// is posted in its channels and sent to its people, by commands and by
// timers, and what is read of it as a picture, minutes, report or paper.
// The same day in a forum left in the bot's language is Swedish, which
// the same check finds.
func TestAForumSpeaksItsOwnLanguageEverywhere(t *testing.T) {
	sent, read := languageDay(t, "nb")
	if len(sent) < 30 {
		t.Fatalf("only %d messages went out: the day did not run", len(sent))
	}
	kinds := map[string]int{}
	for _, s := range sent {
		kinds[s.Kind]++
		if bad := bottest.ForeignInNorwegian(spoken(s.Message)); bad != "" {
			t.Errorf("a %s to %s%s says %q:\n%s", s.Kind, s.Channel, s.User, bad, spoken(s.Message))
		}
	}
	if kinds["post"] == 0 || kinds["dm"] == 0 || kinds["update"] == 0 {
		t.Errorf("the day reached: %v", kinds)
	}
	for _, text := range read {
		if bad := bottest.ForeignInNorwegian(text); bad != "" {
			t.Errorf("what is read says %q:\n%s", bad, text)
		}
	}
	joined := ""
	for _, s := range sent {
		joined += spoken(s.Message) + "\n"
	}
	for _, want := range []string{"Forespørsel", "Situasjonsbilde", "ØVELSE", "Godkjenn", "Protokoll:", "Kom ikke fram:"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no message says %q", want)
		}
	}

	sent, read = languageDay(t, "")
	leaks := 0
	for _, s := range sent {
		if bottest.ForeignInNorwegian(spoken(s.Message)) != "" {
			leaks++
		}
	}
	for _, text := range read {
		if bottest.ForeignInNorwegian(text) != "" {
			leaks++
		}
	}
	if leaks < len(sent)/2 {
		t.Errorf("a Swedish forum's day: only %d of %d messages are found Swedish; the check is blind", leaks, len(sent)+len(read))
	}
}
