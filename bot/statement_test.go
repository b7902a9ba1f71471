package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

func draft(t *testing.T, env *bottest.Env, who, text string, tlp bot.TLP) *bot.Statement {
	t.Helper()
	s, err := env.Bot.Statements.Draft(context.Background(), env.Who(t, who), bottest.Forum, bot.Draft{Text: text, TLP: tlp})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStatementApprovalsAreBoundToPersonActorAndRevision(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	s := draft(t, env, "klara", "Undvik Norrort i kväll.", bot.TLPClear)
	// The approvers are the communicators of the forum's actors, fixed now.
	var who []string
	for _, a := range s.Approvers {
		who = append(who, a.Member+"@"+a.Actor)
	}
	if strings.Join(who, " ") != "klara@lst per@pol kim@sos" {
		t.Fatalf("approvers %v", who)
	}
	if _, _, err := env.Bot.Statements.Approve(ctx, env.Who(t, "otto"), s.Number, 0); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("otto approving: %v", err)
	}
	if _, _, err := env.Bot.Statements.Approve(ctx, env.Who(t, "tove"), s.Number, 0); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("tove (no communicator) approving: %v", err)
	}
	if _, tally, err := env.Bot.Statements.Approve(ctx, env.Who(t, "kim"), s.Number, 1); err != nil || tally.Approved != 1 || tally.Required != 3 {
		t.Fatalf("kim approving: %+v, %v", tally, err)
	}
	// An edit makes a new revision and resets every approval; an answer to
	// the old revision is refused.
	if _, err := env.Bot.Statements.Edit(ctx, env.Who(t, "klara"), s.Number, bot.Draft{Text: "Undvik Norrort i natt."}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Bot.Statements.Approve(ctx, env.Who(t, "per"), s.Number, 1); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("approving revision 1 after the edit: %v", err)
	}
	if _, err := env.Bot.Statements.Edit(ctx, env.Who(t, "klara"), s.Number, bot.Draft{Text: "Undvik Norrort i natt. "}); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("an edit that changes nothing: %v", err)
	}
	// Release only when all who take part approved this revision.
	if _, err := env.Bot.Statements.Release(ctx, env.Who(t, "klara"), s.Number); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("release with no approvals: %v", err)
	}
	if _, _, err := env.Bot.Statements.Reject(ctx, env.Who(t, "per"), s.Number, 2, "  "); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("a rejection without a reason: %v", err)
	}
	for _, who := range []string{"klara", "kim", "per"} {
		if _, _, err := env.Bot.Statements.Approve(ctx, env.Who(t, who), s.Number, 2); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.Bot.Statements.Release(ctx, env.Who(t, "kim"), s.Number); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("kim (approver, not author) releasing: %v", err)
	}
	start := len(env.Platform.Sent())
	rel, err := env.Bot.Statements.Release(ctx, env.Who(t, "klara"), s.Number)
	if err != nil || rel.State != bot.StatementReleased {
		t.Fatalf("release: %+v, %v", rel, err)
	}
	env.Deliver(t)
	got := strings.Join(sentTo(env, start, bottest.ForumChannel), "\n")
	if !strings.Contains(got, "Undvik Norrort i natt.") || !strings.Contains(got, "Länsstyrelsen, Polisen, SOS Alarm") {
		t.Errorf("the released text:\n%s", got)
	}
	// A released text is never edited; it is withdrawn or replaced
	// (TestReleasedStatementsAreValidCAPAlerts).
	if _, err := env.Bot.Statements.Edit(ctx, env.Who(t, "klara"), s.Number, bot.Draft{Text: "Nu annat."}); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("editing a released statement: %v", err)
	}
}

func TestConcurrentApprovalsAllCountAndEditRacesRelease(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	s := draft(t, env, "klara", "Text A", bot.TLPClear)
	var wg sync.WaitGroup
	for _, who := range []string{"klara", "kim", "per"} {
		c := env.Who(t, who)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := env.Bot.Statements.Approve(ctx, c, s.Number, 1); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// An edit and a release at once: whichever wins, no unapproved text
	// is ever released.
	var relErr, editErr error
	wg.Add(2)
	go func() { defer wg.Done(); _, relErr = env.Bot.Statements.Release(ctx, env.Who(t, "klara"), s.Number) }()
	go func() {
		defer wg.Done()
		_, editErr = env.Bot.Statements.Edit(ctx, env.Who(t, "klara"), s.Number, bot.Draft{Text: "Text B"})
	}()
	wg.Wait()
	var got *bot.Statement
	_ = env.Store.View(func(tx bot.Tx) (err error) { got, err = bot.GetStatement(tx, s.Number); return })
	switch {
	case relErr == nil && (got.State != bot.StatementReleased || got.Current().Text != "Text A"):
		t.Errorf("released %q in state %s", got.Current().Text, got.State)
	case relErr != nil && (editErr != nil || got.State != bot.StatementDraft):
		t.Errorf("neither release (%v) nor edit (%v) went through", relErr, editErr)
	}
}

func TestStatementLabelDecidesWhereItGoes(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	dir := env.Fixture(t)
	// RED never goes to a channel: no draft, whose thread lives in one.
	_, err := env.Bot.Statements.Draft(ctx, env.Who(t, "klara"), bottest.Forum, bot.Draft{Text: "hemligt", TLP: bot.TLPRed})
	var e *bot.Error
	if !asError(err, &e) || e.ID != "err.gate_red_channel" {
		t.Fatalf("a RED draft: %v", err)
	}
	// AMBER goes to the communicators' channel only when no outsider is in it.
	dir.SetMembers(bottest.CommsChannel, "u_klara", "u_otto")
	if _, err := env.Bot.Statements.Draft(ctx, env.Who(t, "klara"), bottest.Forum, bot.Draft{Text: "gult", TLP: bot.TLPAmber}); !asError(err, &e) || e.ID != "err.gate_outsiders" {
		t.Fatalf("an AMBER draft with otto in the channel: %v", err)
	}
	dir.SetMembers(bottest.CommsChannel, "u_klara", "u_kim")
	s := draft(t, env, "klara", "gult", bot.TLPAmber)
	for _, who := range []string{"klara", "kim", "per"} {
		if _, _, err := env.Bot.Statements.Approve(ctx, env.Who(t, who), s.Number, 0); err != nil {
			t.Fatal(err)
		}
	}
	dir.SetMembers(bottest.ForumChannel, "u_tove", "u_otto")
	if _, err := env.Bot.Statements.Release(ctx, env.Who(t, "klara"), s.Number); !asError(err, &e) || e.ID != "err.gate_outsiders" {
		t.Fatalf("an AMBER release with otto in the channel: %v", err)
	}
	// Reads follow the same rule: otto sees nothing of it.
	if _, err := env.Bot.Statements.Show(env.Who(t, "otto"), s.Number); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("otto reading the statement: %v", err)
	}
	list, err := env.Bot.Statements.List(env.Who(t, "per"), bottest.Forum)
	if err != nil || len(list) != 1 || list[0].Approved != 3 {
		t.Errorf("list = %+v, %v", list, err)
	}
}

func TestApproversWhoNoLongerTakePart(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	s := draft(t, env, "klara", "Text", bot.TLPClear)
	if err := env.Bot.Registry.LeaveForum(ctx, bot.SystemCaller(), bottest.Forum, "pol"); err != nil {
		t.Fatal(err)
	}
	var e *bot.Error
	if _, _, err := env.Bot.Statements.Approve(ctx, env.Who(t, "per"), s.Number, 0); !asError(err, &e) {
		t.Errorf("per approving after pol left: %v", err)
	}
	for _, who := range []string{"klara", "kim"} {
		if _, _, err := env.Bot.Statements.Approve(ctx, env.Who(t, who), s.Number, 0); err != nil {
			t.Fatal(err)
		}
	}
	env.Deliver(t)
	if _, err := env.Bot.Statements.Release(ctx, env.Who(t, "klara"), s.Number); err != nil {
		t.Fatalf("release with per gone: %v", err)
	}
}

func TestStatementRemindersAndDeadlineWarning(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	by := env.Clock.Now().Add(40 * time.Minute)
	s, err := env.Bot.Statements.Draft(ctx, env.Who(t, "klara"), bottest.Forum, bot.Draft{Text: "Text", ReleaseBy: by})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Bot.Statements.Approve(ctx, env.Who(t, "kim"), s.Number, 0); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	start := len(env.Platform.Sent())
	env.Clock.Advance(26 * time.Minute) // the warning, 15 min before release-by
	runTimers(t, env)
	if got := sentTo(env, start, "u_klara"); len(got) != 1 || !strings.Contains(got[0], "per") || strings.Contains(got[0], "kim") {
		t.Errorf("klara's warning: %q", got)
	}
	env.Clock.Advance(5 * time.Minute) // the 30-minute reminder
	start = len(env.Platform.Sent())
	runTimers(t, env)
	if got := sentTo(env, start, "u_per"); len(got) != 1 || !strings.Contains(got[0], "act/approve #1 rev 1") {
		t.Errorf("per's reminder: %q", got)
	}
	if got := sentTo(env, start, "u_kim"); len(got) != 0 {
		t.Errorf("kim approved but was reminded: %q", got)
	}
}

// Approvals made while the thread root's edit waits ride on it; an edit
// that raises the label makes a root of its own, and the waiting one,
// allowed for the lower label, is not sent.
func TestStatementRootEditsRideAndARaisedLabelSupersedes(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	s := draft(t, env, "klara", "Undvik Norrort i kväll.", bot.TLPClear)
	env.Deliver(t)
	start := len(env.Platform.Sent())
	for _, who := range []string{"klara", "kim", "per"} {
		if _, _, err := env.Bot.Statements.Approve(ctx, env.Who(t, who), s.Number, 1); err != nil {
			t.Fatal(err)
		}
	}
	env.Deliver(t)
	roots := updatesTo(env, start, bottest.CommsChannel)
	if len(roots) != 1 || !strings.Contains(roots[0], "Godkännare (3 av 3)") {
		t.Fatalf("%d root edits for three approvals, want one showing all three:\n%s", len(roots), strings.Join(roots, "\n---\n"))
	}
	start = len(env.Platform.Sent())
	if _, _, err := env.Bot.Statements.Reject(ctx, env.Who(t, "kim"), s.Number, 1, "Nämn reservnumret"); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Bot.Statements.Edit(ctx, env.Who(t, "klara"), s.Number, bot.Draft{Text: "Undvik Norrort i kväll. Ring 113 13.", TLP: bot.TLPAmber}); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	roots = updatesTo(env, start, bottest.CommsChannel)
	if len(roots) != 1 || !strings.Contains(roots[0], "TLP:AMBER") || !strings.Contains(roots[0], "Ring 113 13.") {
		t.Fatalf("after raising the label: %d root edits\n%s", len(roots), strings.Join(roots, "\n---\n"))
	}
}
