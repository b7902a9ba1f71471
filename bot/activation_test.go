package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

// sentTo returns the texts delivered to a user's direct messages or a
// channel since index from.
func sentTo(env *bottest.Env, from int, where string) []string {
	var out []string
	for _, s := range env.Platform.Sent()[from:] {
		if s.User == where || s.Channel == where {
			out = append(out, bottest.Text(s.Message))
		}
	}
	return out
}

func TestActivationCallsInAcknowledgesAndEscalatesOnce(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	start := len(env.Platform.Sent())
	a, err := env.Bot.Activations.Activate(ctx, env.Who(t, "tove"), bottest.Forum, []bot.Purpose{bot.PurposePicture}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Actors) != 3 || !a.Exercise || a.Deadline.Sub(a.At) != 15*time.Minute {
		t.Fatalf("activation = %+v", a)
	}
	env.Deliver(t)
	// Each actor's duty officers are called in, marked as exercise; the
	// one who activated has answered for her own actor already.
	for _, u := range []string{"u_sam", "u_per"} {
		got := sentTo(env, start, u)
		if len(got) != 1 || !strings.Contains(got[0], "Inkallning") || !strings.HasPrefix(got[0], "ÖVNING") {
			t.Errorf("%s got %q, want one call-in marked ÖVNING", u, got)
		}
	}
	if got := sentTo(env, start, "u_tove"); len(got) != 0 || a.AckOf("lst") == nil || a.AckOf("lst").Member != "tove" {
		t.Errorf("tove activated for lst: she got %q and lst's answer is %+v", got, a.AckOf("lst"))
	}
	if got := sentTo(env, start, "u_kim"); len(got) != 0 {
		t.Errorf("kim (not sos's duty officer) was called in: %q", got)
	}
	// Activating again is refused and says who did it.
	if _, err := env.Bot.Activations.Activate(ctx, env.Who(t, "rasmus"), bottest.Forum, nil, false); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("second activation: %v", err)
	}
	// The first answer per actor counts; a second person is an extra.
	res, err := env.Bot.Activations.Acknowledge(ctx, env.Who(t, "sam"), bottest.Forum)
	if err != nil || !res.First || res.Actor != "SOS Alarm" {
		t.Fatalf("sam's ack = %+v, %v", res, err)
	}
	res, err = env.Bot.Activations.Acknowledge(ctx, env.Who(t, "kim"), bottest.Forum)
	if err != nil || res.First || res.Prior.Name != "sam" || len(res.Activation.Extra) != 1 {
		t.Fatalf("kim's ack = %+v, %v", res, err)
	}
	if _, err := env.Bot.Activations.Acknowledge(ctx, env.Who(t, "otto"), bottest.Forum); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("otto (actor outside the forum) acknowledging: %v", err)
	}
	// Half-time: the two who have not answered are reminded, once.
	env.Clock.Advance(8 * time.Minute)
	before := len(env.Platform.Sent())
	runTimers(t, env)
	runTimers(t, env)
	if got := sentTo(env, before, "u_per"); len(got) != 1 || !strings.Contains(got[0], "Påminnelse") {
		t.Errorf("per's reminder: %q", got)
	}
	if got := sentTo(env, before, "u_sam"); len(got) != 0 {
		t.Errorf("sam answered but was reminded: %q", got)
	}
	// The deadline: the activator and the host's duty officers hear who
	// is missing, once, also after a restart.
	env.Clock.Advance(8 * time.Minute)
	before = len(env.Platform.Sent())
	env.Reopen(t)
	runTimers(t, env)
	runTimers(t, env)
	esc := sentTo(env, before, "u_tove")
	if len(esc) != 1 || !strings.Contains(esc[0], "Polisen") || strings.Contains(esc[0], "Länsstyrelsen") || strings.Contains(esc[0], "SOS") {
		t.Errorf("escalation to tove: %q", esc)
	}
	// Status shows the state to a member; not to an outsider.
	st, err := env.Bot.Activations.Status(env.Who(t, "per"), bottest.Forum)
	if err != nil || !strings.Contains(bottest.Text(st), "Kvitterat (2 av 3)") {
		t.Errorf("status = %s, %v", bottest.Text(st), err)
	}
	if _, err := env.Bot.Activations.Status(env.Who(t, "otto"), bottest.Forum); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("otto reading the status: %v", err)
	}
	d, err := env.Bot.Activations.Deactivate(ctx, env.Who(t, "rasmus"), bottest.Forum)
	if err != nil || d.EndedAt.IsZero() || len(d.Outstanding()) != 1 {
		t.Fatalf("deactivate = %+v, %v", d, err)
	}
	if _, err := env.Bot.Activations.Acknowledge(ctx, env.Who(t, "per"), bottest.Forum); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("acknowledging after the end: %v", err)
	}
}

func TestActivationRequestReachesThoseWhoMayActivate(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	start := len(env.Platform.Sent())
	n, err := env.Bot.Activations.Request(ctx, env.Who(t, "kim"), bottest.Forum, "Stort elavbrott")
	if err != nil || n != 2 {
		t.Fatalf("request: %d, %v; want tove and rasmus", n, err)
	}
	env.Deliver(t)
	for _, u := range []string{"u_tove", "u_rasmus"} {
		got := sentTo(env, start, u)
		if len(got) != 1 || !strings.Contains(got[0], "Stort elavbrott") || !strings.Contains(got[0], "act/activate ssr") {
			t.Errorf("%s got %q", u, got)
		}
	}
	if _, err := env.Bot.Activations.Request(ctx, env.Who(t, "kim"), bottest.Forum, "  "); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("a request without a reason: %v", err)
	}
}

func runTimers(t *testing.T, env *bottest.Env) {
	t.Helper()
	if _, err := env.Bot.RunTimers(context.Background()); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
}

// Acknowledgements made while the banner's edit waits ride on it: one
// edit per channel shows them all.
func TestAcknowledgementsShareOneBannerEdit(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	if _, err := env.Bot.Activations.Activate(ctx, env.Who(t, "tove"), bottest.Forum, nil, false); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	start := len(env.Platform.Sent())
	for _, who := range []string{"sam", "per", "tove"} {
		if _, err := env.Bot.Activations.Acknowledge(ctx, env.Who(t, who), bottest.Forum); err != nil {
			t.Fatal(err)
		}
	}
	env.Deliver(t)
	edits := 0
	for _, s := range env.Platform.Sent()[start:] {
		if s.Kind == "update" && s.Channel == bottest.ForumChannel {
			edits++
			if !strings.Contains(bottest.Text(s.Message), "Kvitterat (3 av 3)") {
				t.Errorf("the banner edit:\n%s", bottest.Text(s.Message))
			}
		}
	}
	if edits != 1 {
		t.Errorf("%d banner edits for three acknowledgements, want 1", edits)
	}
}

// "Du får besked när forumet aktiveras": whoever asked is told when it
// is, and by whom — once; the one who activates is not told of their own
// activation, and a later activation tells nobody about an old request.
func TestTheRequesterIsToldOfTheActivation(t *testing.T) {
	ctx := context.Background()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	for _, who := range []string{"sam", "tove"} {
		if _, err := env.Bot.Activations.Request(ctx, env.Who(t, who), bottest.Forum, "Elavbrott i Norrort"); err != nil {
			t.Fatal(err)
		}
	}
	env.Deliver(t)
	start := len(env.Platform.Sent())
	if _, err := env.Bot.Activations.Activate(ctx, env.Who(t, "tove"), bottest.Forum, nil, false); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	told := func(user string) []string {
		var out []string
		for _, m := range sentTo(env, start, user) {
			if strings.Contains(m, "Du begärde det") {
				out = append(out, m)
			}
		}
		return out
	}
	if got := told("u_sam"); len(got) != 1 || !strings.Contains(got[0], "Regional samverkan är aktiverat av tove (Länsstyrelsen) kl ") || !strings.Contains(got[0], "Elavbrott i Norrort") {
		t.Errorf("sam, who asked, was told %q", got)
	}
	if got := told("u_tove"); len(got) != 0 {
		t.Errorf("tove, who activated, was told of her own activation: %q", got)
	}
	if _, err := env.Bot.Activations.Deactivate(ctx, env.Who(t, "tove"), bottest.Forum); err != nil {
		t.Fatal(err)
	}
	start = len(env.Platform.Sent())
	if _, err := env.Bot.Activations.Activate(ctx, env.Who(t, "rasmus"), bottest.Forum, nil, false); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	if got := told("u_sam"); len(got) != 0 {
		t.Errorf("an answered request was answered again: %q", got)
	}
}
