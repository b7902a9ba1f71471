package bot_test

import (
	"context"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
)

// rollupWorld adds forum "lokal" (lst and sos) under the fixture's ssr
// (lst, sos, pol), and "sam" as duty officer of sos files there.
func rollupWorld(t *testing.T) *bottest.Env {
	t.Helper()
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	sys := bot.SystemCaller()
	if err := env.Bot.Registry.CreateForum(ctx, sys, bot.Forum{ID: "lokal", Name: "Lokal ledning", Level: bot.LevelOperational, Host: "lst"}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Bot.Registry.JoinForum(ctx, sys, "lokal", []string{"sos"}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Bot.Registry.SetParent(ctx, env.Who(t, "klara"), "lokal", bottest.Forum); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a non-admin linking forums: %v", err)
	}
	if _, err := env.Bot.Registry.SetParent(ctx, sys, "lokal", bottest.Forum); err != nil {
		t.Fatal(err)
	}
	return env
}

func fileIn(t *testing.T, env *bottest.Env, who, forum, text string, tlp bot.TLP) {
	t.Helper()
	if _, err := env.Bot.Reports.File(context.Background(), env.Who(t, who), forum, []bot.ReportSection{{Key: "fakta", Text: text, Shared: true}}, tlp, nil); err != nil {
		t.Fatal(err)
	}
}

func TestAChildForumsPictureGoesUpAsFarAsItsLabelsAllow(t *testing.T) {
	env := rollupWorld(t)
	fileIn(t, env, "sam", "lokal", "Grönt från lokal nivå.", bot.TLPGreen)
	fileIn(t, env, "tove", "lokal", "Gult från lokal nivå.", bot.TLPAmber)
	picture := func(who string) string {
		t.Helper()
		m, err := env.Bot.Reports.Picture(env.Who(t, who), bottest.Forum)
		if err != nil {
			t.Fatal(err)
		}
		return bottest.Text(m)
	}
	// ssr has pol, which is not in lokal: the AMBER part stays below.
	got := picture("per")
	if !strings.Contains(got, "↑ Lokal ledning · SOS Alarm") || !strings.Contains(got, "Grönt från lokal nivå.") || strings.Contains(got, "Gult från lokal nivå.") {
		t.Errorf("per's picture of ssr:\n%s", got)
	}
	if !strings.Contains(got, "Lokal ledning (lokal): normalläge · ingen lägesbild: –") || !strings.Contains(got, "stannar där") {
		t.Errorf("the child's state in ssr's picture:\n%s", got)
	}
	// Without pol in ssr, every reader of ssr is in lokal: AMBER goes up.
	if err := env.Bot.Registry.LeaveForum(context.Background(), bot.SystemCaller(), bottest.Forum, "pol"); err != nil {
		t.Fatal(err)
	}
	if got := picture("sam"); !strings.Contains(got, "Gult från lokal nivå.") {
		t.Errorf("with the same organisations above, AMBER stays below:\n%s", got)
	}
	// RED never goes up.
	if _, err := env.Bot.Reports.File(context.Background(), env.Who(t, "sam"), "lokal", []bot.ReportSection{{Key: "fakta", Text: "Rött.", Shared: true}}, bot.TLPRed, []bot.Identity{bottest.People[0].User()}); err != nil {
		t.Fatal(err)
	}
	if got := picture("tove"); strings.Contains(got, "Rött.") {
		t.Errorf("a RED part went up:\n%s", got)
	}
}

func TestForumsCannotReportInACircle(t *testing.T) {
	env := rollupWorld(t)
	sys := bot.SystemCaller()
	for _, c := range [][2]string{{bottest.Forum, "lokal"}, {"lokal", "lokal"}} {
		if _, err := env.Bot.Registry.SetParent(context.Background(), sys, c[0], c[1]); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%s under %s: %v", c[0], c[1], err)
		}
	}
	if _, err := env.Bot.Registry.SetParent(context.Background(), sys, "lokal", "nowhere"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("under a forum that does not exist: %v", err)
	}
	f, err := env.Bot.Registry.SetParent(context.Background(), sys, "lokal", "")
	if err != nil || f.Parent != "" {
		t.Fatalf("unlinking: %+v %v", f, err)
	}
	m, _ := env.Bot.Reports.Picture(env.Who(t, "tove"), bottest.Forum)
	if strings.Contains(bottest.Text(m), "Lokal ledning") {
		t.Errorf("an unlinked forum still goes up")
	}
}
