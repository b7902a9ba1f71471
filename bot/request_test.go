package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

// In the fixture, forum ssr holds lst (host), sos and pol; sam and per
// are the duty officers of sos and pol, and otto is of ext, outside it.

func TestAnInformationRequestIsAnsweredPerOrganisation(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	start := len(env.Platform.Sent())
	due := env.Clock.Now().Add(2 * time.Hour)
	r, err := env.Bot.Requests.Ask(ctx, env.Who(t, "tove"), bottest.Forum, "Hur många hushåll saknar el i Norrort?", nil, due)
	if err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	// Everyone else in the forum is asked, through its duty officers, with
	// a button that answers.
	if strings.Join(r.Asked, ",") != "pol,sos" {
		t.Errorf("asked %v, want every other organisation", r.Asked)
	}
	for _, who := range []string{"u_sam", "u_per"} {
		if got := sentTo(env, start, who); len(got) != 1 || !strings.Contains(got[0], "Hur många hushåll") || !strings.Contains(got[0], "act/request-answer #1") {
			t.Errorf("%s was asked: %q", who, got)
		}
	}
	if got := sentTo(env, start, "u_kim"); len(got) != 0 {
		t.Errorf("kim (sos, not its duty officer) was asked: %q", got)
	}
	// Only an organisation asked may answer, and an answer needs text.
	for who, code := range map[string]string{"rasmus": bot.EFORBIDDEN, "otto": bot.EFORBIDDEN} {
		if _, err := env.Bot.Requests.Answer(ctx, env.Who(t, who), r.Number, "Svar.", bot.TLPGreen, false); bot.ErrorCode(err) != code {
			t.Errorf("%s answering: %v", who, err)
		}
	}
	if _, err := env.Bot.Requests.Answer(ctx, env.Who(t, "sam"), r.Number, "  ", bot.TLPGreen, false); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("an empty answer: %v", err)
	}
	// SOS answers at RED: only the asker and the one who answered may read
	// it; the asker is told.
	start = len(env.Platform.Sent())
	if _, err := env.Bot.Requests.Answer(ctx, env.Who(t, "sam"), r.Number, "Larmcentralen har 40 s kö.", bot.TLPRed, false); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	if got := sentTo(env, start, "u_tove"); len(got) != 1 || !strings.Contains(got[0], "40 s kö") {
		t.Errorf("tove was told: %q", got)
	}
	show := func(who string) string {
		t.Helper()
		m, err := env.Bot.Requests.Show(env.Who(t, who), r.Number)
		if err != nil {
			t.Fatalf("%s: %v", who, err)
		}
		return bottest.Text(m)
	}
	if got := show("tove"); !strings.Contains(got, "40 s kö") || !strings.Contains(got, "Polisen: inget svar än") || !strings.Contains(got, "1 av 2") {
		t.Errorf("tove's view:\n%s", got)
	}
	if got := show("per"); strings.Contains(got, "40 s kö") || !strings.Contains(got, "TLP:RED") {
		t.Errorf("per read a RED answer not meant for him:\n%s", got)
	}
	if _, err := env.Bot.Requests.Show(env.Who(t, "otto"), r.Number); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("otto (outside the forum) reading: %v", err)
	}

	// At half time only the silent organisation is reminded.
	env.Clock.Advance(time.Hour)
	start = len(env.Platform.Sent())
	runTimers(t, env)
	if got := sentTo(env, start, "u_per"); len(got) != 1 || !strings.Contains(got[0], "Påminnelse") {
		t.Errorf("per's reminder: %q", got)
	}
	if got := sentTo(env, start, "u_sam"); len(got) != 0 {
		t.Errorf("sam answered but was reminded: %q", got)
	}
	// At the deadline the asker learns who is silent, with how to reach
	// them (she may read their 24/7 contact: they share the forum).
	env.Clock.Advance(time.Hour)
	start = len(env.Platform.Sent())
	runTimers(t, env)
	if got := sentTo(env, start, "u_tove"); len(got) != 1 || !strings.Contains(got[0], "Inget svar på begäran #1 från Polisen") {
		t.Errorf("tove at the deadline: %q", got)
	}
	lines, err := env.Bot.Requests.List(env.Who(t, "per"), bottest.Forum)
	if err != nil || len(lines) != 1 || !lines[0].Overdue || !lines[0].AskedOfYou {
		t.Errorf("per's list: %+v, %v", lines, err)
	}
	// The board shows it open, with who has not answered.
	v, err := env.Bot.Boards.Board(env.Who(t, "tove"), bottest.Forum, "")
	if err != nil || len(v.Requests) != 1 || strings.Join(v.Requests[0].Missing, ",") != "Polisen" || !v.Requests[0].Overdue {
		t.Fatalf("the board's requests: %+v, %v", v.Requests, err)
	}
	// Once everyone has answered it is closed: off the board.
	// Polisen answers internally: for the asking organisation only.
	if _, err := env.Bot.Requests.Answer(ctx, env.Who(t, "per"), r.Number, "Inga störningar.", bot.TLPGreen, true); err != nil {
		t.Fatal(err)
	}
	if got := show("rasmus"); !strings.Contains(got, "Inga störningar.") || !strings.Contains(got, "internt för den som frågade") {
		t.Errorf("rasmus (lst, which asked) reading the internal answer:\n%s", got)
	}
	if got := show("sam"); strings.Contains(got, "Inga störningar.") {
		t.Errorf("sam (sos) read an answer internal to lst:\n%s", got)
	}
	if v, _ := env.Bot.Boards.Board(env.Who(t, "tove"), bottest.Forum, ""); len(v.Requests) != 0 {
		t.Errorf("an answered request stays on the board")
	}
}

func TestAFullyAnsweredRequestIsNeitherRemindedNorOverdue(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	r, err := env.Bot.Requests.Ask(ctx, env.Who(t, "tove"), bottest.Forum, "Behövs förstärkning?", []string{"sos"}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Due.Equal(env.Clock.Now().Add(bot.DefaultRequestTime)) {
		t.Errorf("due %v without a deadline", r.Due)
	}
	if n := requestTimers(t, env); n != 2 {
		t.Errorf("%d request timers stored, want the reminder and the deadline", n)
	}
	if _, err := env.Bot.Requests.Answer(ctx, env.Who(t, "sam"), r.Number, "Nej.", bot.TLPNone, false); err != nil {
		t.Fatal(err)
	}
	// Its reminder and deadline are gone from the store, not left to fire.
	if n := requestTimers(t, env); n != 0 {
		t.Errorf("%d request timers stored after every answer was in", n)
	}
	env.Deliver(t)
	start := len(env.Platform.Sent())
	env.Clock.Advance(2 * time.Hour)
	runTimers(t, env)
	// (Other timers may fire meanwhile, e.g. a Thursday's meeting.)
	for _, who := range []string{"u_tove", "u_sam"} {
		if got := sentTo(env, start, who); len(got) != 0 {
			t.Errorf("%s was told after every answer was in: %q", who, got)
		}
	}
}

func TestABadRequestLeavesNothing(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	now := env.Clock.Now()
	for name, c := range map[string]struct {
		who, text string
		asked     []string
		due       time.Time
		code      string
	}{
		"no text":              {"tove", " ", nil, time.Time{}, bot.EINVALID},
		"an actor not in it":   {"tove", "Fråga?", []string{"ext"}, time.Time{}, bot.EINVALID},
		"a deadline passed":    {"tove", "Fråga?", nil, now.Add(-time.Minute), bot.EINVALID},
		"asking only yourself": {"tove", "Fråga?", []string{}, time.Time{}, bot.EINVALID},
		"outside the forum":    {"otto", "Fråga?", nil, time.Time{}, bot.EFORBIDDEN},
	} {
		if _, err := env.Bot.Requests.Ask(ctx, env.Who(t, c.who), bottest.Forum, c.text, c.asked, c.due); bot.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	if lines, err := env.Bot.Requests.List(env.Who(t, "tove"), bottest.Forum); err != nil || len(lines) != 0 {
		t.Errorf("requests after refusals: %+v, %v", lines, err)
	}
}

// `lägesbild begär` is one kind of request: the report each organisation
// files is its answer.
func TestAReportRequestIsAnsweredByFilingAReport(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	if _, err := env.Bot.Reports.Request(ctx, env.Who(t, "rasmus"), bottest.Forum); err != nil {
		t.Fatal(err)
	}
	lines, err := env.Bot.Requests.List(env.Who(t, "rasmus"), bottest.Forum)
	if err != nil || len(lines) != 1 || lines[0].Of != 3 || lines[0].Answered != 0 {
		t.Fatalf("the report request in the list: %+v, %v", lines, err)
	}
	n := lines[0].Number
	if _, err := env.Bot.Requests.Answer(ctx, env.Who(t, "sam"), n, "Ett svar i text.", bot.TLPGreen, false); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("answering a report request in words: %v", err)
	}
	fileIn(t, env, "sam", bottest.Forum, "Lugnt hos SOS.", bot.TLPGreen)
	fileIn(t, env, "tove", bottest.Forum, "Lugnt hos länsstyrelsen.", bot.TLPGreen)
	m, err := env.Bot.Requests.Show(env.Who(t, "rasmus"), n)
	if got := bottest.Text(m); err != nil || !strings.Contains(got, "Svar (2 av 3)") || !strings.Contains(got, "Polisen: inget svar än") {
		t.Errorf("after two reports (%v):\n%s", err, got)
	}
	env.Deliver(t)
	start := len(env.Platform.Sent())
	env.Clock.Advance(bot.DefaultRequestTime / 2)
	runTimers(t, env)
	if got := sentTo(env, start, "u_per"); len(got) != 1 || !strings.Contains(got[0], "act/report-new "+bottest.Forum) {
		t.Errorf("per's reminder: %q", got)
	}
	if got := sentTo(env, start, "u_sam"); len(got) != 0 {
		t.Errorf("sam reported but was reminded: %q", got)
	}
	fileIn(t, env, "per", bottest.Forum, "Lugnt hos polisen.", bot.TLPGreen)
	start = len(env.Platform.Sent())
	env.Clock.Advance(bot.DefaultRequestTime)
	runTimers(t, env)
	if got := sentTo(env, start, "u_rasmus"); len(got) != 0 {
		t.Errorf("every report came in, yet rasmus was told: %q", got)
	}
}

// requestTimers counts the stored timers of information requests.
func requestTimers(t *testing.T, env *bottest.Env) int {
	t.Helper()
	n := 0
	err := env.Store.View(func(tx bot.Tx) error {
		return tx.ForEach(bot.BucketTimers, "", func(_ string, decode func(any) error) error {
			var tm bot.Timer
			if err := decode(&tm); err != nil {
				return err
			}
			if strings.HasPrefix(tm.Kind, "request-") {
				n++
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
