package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
)

// destination is one kind of place a message can go, as the fixture
// sets it up.
type destination struct {
	name string
	to   bot.Destination
}

var (
	mm           = func(ch string) bot.Destination { return bot.Destination{Platform: bot.Mattermost, Channel: ch} }
	dm           = func(u string) bot.Destination { return bot.Destination{Platform: bot.Mattermost, User: u} }
	destinations = []destination{
		{"forum channel, only members", mm(bottest.ForumChannel)},
		{"forum channel with an outsider", mm("ch_mixed")},
		{"communicators' channel", mm(bottest.CommsChannel)},
		{"channel not bound to the forum", mm("ch_elsewhere")},
		{"DM to a member of the owning actor", dm("u_sam")},
		{"DM to a member of another actor", dm("u_tove")},
		{"DM to a member of an actor outside the forum", dm("u_otto")},
		{"DM to someone of no actor", dm("u_nobody")},
	}
	// allowed says, per destination and label, whether the gate lets the
	// message through (DESIGN.md, "The trust boundary"). The owning actor
	// is sos; the TLP:RED messages name sam, sos's member, and nobody else.
	allowed = map[string]map[bot.TLP]bool{
		"forum channel, only members":                  {bot.TLPClear: true, bot.TLPGreen: true, bot.TLPAmber: true, bot.TLPAmberStrict: true},
		"forum channel with an outsider":               {bot.TLPClear: true, bot.TLPGreen: true},
		"communicators' channel":                       {bot.TLPClear: true, bot.TLPGreen: true, bot.TLPAmber: true, bot.TLPAmberStrict: true},
		"channel not bound to the forum":               {bot.TLPClear: true},
		"DM to a member of the owning actor":           {bot.TLPClear: true, bot.TLPGreen: true, bot.TLPAmber: true, bot.TLPAmberStrict: true, bot.TLPRed: true},
		"DM to a member of another actor":              {bot.TLPClear: true, bot.TLPGreen: true, bot.TLPAmber: true, bot.TLPAmberStrict: true},
		"DM to a member of an actor outside the forum": {bot.TLPClear: true},
		"DM to someone of no actor":                    {bot.TLPClear: true},
	}
)

// gateEnv is the fixture plus a second forum channel that has an
// outsider in it.
func gateEnv(t *testing.T) (*bottest.Env, *bottest.Directory) {
	t.Helper()
	env := bottest.NewEnv(t)
	dir := env.Fixture(t)
	dir.SetMembers("ch_mixed", "u_tove", "u_sam", "u_otto")
	dir.SetMembers("ch_elsewhere", "u_tove")
	if err := env.Bot.Registry.BindChannel(context.Background(), bot.SystemCaller(), bottest.Forum, bot.Channel{Platform: bot.Mattermost, ID: "ch_mixed", Name: "blandad"}); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	return env, dir
}

// TestGateEveryKindLabelAndDestination walks every kind of outgoing
// message × every TLP label × every kind of destination through the one
// gate, and checks that exactly what DESIGN.md allows is delivered and
// everything else is refused with nothing written.
func TestGateEveryKindLabelAndDestination(t *testing.T) {
	env, _ := gateEnv(t)
	sender := env.Who(t, "kim")
	ctx := context.Background()
	for _, kind := range bot.Kinds() {
		if kind == bot.KindReply {
			continue // an answer to the one who asked: TestReplyGoesOnlyToWhoAsked
		}
		for _, label := range bot.TLPs() {
			for _, d := range destinations {
				name := fmt.Sprintf("%s/%s/%s", kind, label, d.name)
				text := "innehåll " + name
				item := bot.OutboxItem{
					Key: name, To: d.to,
					Class:   bot.Class{Kind: kind, Forum: bottest.Forum, TLP: label, Owners: []string{"sos"}, Named: []string{"sam"}},
					Message: bot.Message{Text: text, TLP: label},
				}
				before := len(env.Platform.Sent())
				err := env.Bot.Update(ctx, sender, func(ch *bot.Change) error { return ch.Send(item) })
				env.Deliver(t)
				got := env.Platform.Sent()[before:]
				want := allowed[d.name][label]
				switch {
				case want && err != nil:
					t.Errorf("%s: refused (%v), want delivered", name, err)
				case want && (len(got) != 1 || got[0].Message.Text != text):
					t.Errorf("%s: delivered %d messages, want exactly it", name, len(got))
				case !want && (err == nil || bot.ErrorCode(err) != bot.EFORBIDDEN):
					t.Errorf("%s: %v, want a refusal", name, err)
				case !want && len(got) != 0:
					t.Errorf("%s: refused but %d messages went out", name, len(got))
				}
			}
		}
	}
}

// TestGateRefusalNamesWhoIsInTheWay: an AMBER refusal names the
// outsiders and says what to do; a RED one says it never goes to a
// channel.
func TestGateRefusalNamesWhoIsInTheWay(t *testing.T) {
	env, _ := gateEnv(t)
	ctx := context.Background()
	send := func(to bot.Destination, label bot.TLP) error {
		return env.Bot.Update(ctx, env.Who(t, "kim"), func(ch *bot.Change) error {
			return ch.Send(bot.OutboxItem{Key: "x", To: to, Class: bot.Class{Kind: bot.KindReport, Forum: bottest.Forum, TLP: label}, Message: bot.Message{Text: "x"}})
		})
	}
	var e *bot.Error
	err := send(mm("ch_mixed"), bot.TLPAmber)
	if !asError(err, &e) || e.ID != "err.gate_outsiders" || !strings.Contains(fmt.Sprint(e.Data["Users"]), "@u_otto") || e.Data["Channel"] != "blandad" {
		t.Errorf("AMBER to a channel with otto: %v", err)
	}
	if err := send(mm(bottest.ForumChannel), bot.TLPRed); !asError(err, &e) || e.ID != "err.gate_red_channel" {
		t.Errorf("RED to a channel: %v", err)
	}
}

// TestGateClassifiesAndMarks: the gate raises the label to the strictest
// part the message carries, puts the exercise marker and the label's
// obligation on it, and refuses an unclassified message.
func TestGateClassifiesAndMarks(t *testing.T) {
	env, _ := gateEnv(t)
	ctx := context.Background()
	kim := env.Who(t, "kim")
	// A GREEN class with a RED part inside is RED: refused in a channel.
	err := env.Bot.Update(ctx, kim, func(ch *bot.Change) error {
		return ch.Send(bot.OutboxItem{Key: "a", To: mm(bottest.ForumChannel), Class: bot.Class{Kind: bot.KindReport, Forum: bottest.Forum, TLP: bot.TLPGreen},
			Message: bot.Message{Sections: []bot.Section{{Text: "hemligt", TLP: bot.TLPRed}}}})
	})
	if bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("a RED part hidden in a GREEN message: %v", err)
	}
	// Exercise material is marked; AMBER+STRICT says what it asks.
	err = env.Bot.Update(ctx, kim, func(ch *bot.Change) error {
		return ch.Send(bot.OutboxItem{Key: "b", To: dm("u_tove"), Class: bot.Class{Kind: bot.KindReport, Forum: bottest.Forum, TLP: bot.TLPAmberStrict, Exercise: true},
			Message: bot.Message{Text: "övningsläge", TLP: bot.TLPAmberStrict}})
	})
	if err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	sent := env.Platform.Sent()
	last := sent[len(sent)-1].Message
	if last.Exercise != "ÖVNING" || !strings.Contains(last.Obligation, "bara inom sin egen organisation") {
		t.Errorf("delivered %+v, want the exercise marker and the AMBER+STRICT obligation", last)
	}
	// No class, no message.
	err = env.Bot.Update(ctx, kim, func(ch *bot.Change) error {
		return ch.Send(bot.OutboxItem{Key: "c", To: dm("u_tove"), Message: bot.Message{Text: "oklassat"}})
	})
	if bot.ErrorCode(err) != bot.EINTERNAL {
		t.Errorf("unclassified: %v, want refused", err)
	}
}

// TestAmberRecheckedBeforeDelivery: someone who joins a channel after an
// AMBER message was written but before it goes out does not get it; the
// channel gets a notice instead, and the audit log says so.
func TestAmberRecheckedBeforeDelivery(t *testing.T) {
	env, dir := gateEnv(t)
	ctx := context.Background()
	err := env.Bot.Update(ctx, env.Who(t, "kim"), func(ch *bot.Change) error {
		return ch.Send(bot.OutboxItem{Key: "amber", To: mm(bottest.ForumChannel), Class: bot.Class{Kind: bot.KindReport, Forum: bottest.Forum, TLP: bot.TLPAmber}, Message: bot.Message{Text: "AMBER-uppgift", TLP: bot.TLPAmber}})
	})
	if err != nil {
		t.Fatal(err)
	}
	dir.SetMembers(bottest.ForumChannel, "u_tove", "u_otto")
	env.Clock.Advance(bot.ReadersTTL) // what the platform said has gone stale
	before := len(env.Platform.Sent())
	env.Deliver(t)
	env.Deliver(t)
	got := env.Platform.Sent()[before:]
	if len(got) != 1 || strings.Contains(got[0].Message.Text, "AMBER-uppgift") || !strings.Contains(got[0].Message.Text, "@u_otto") {
		t.Fatalf("delivered %+v, want only a notice naming otto", got)
	}
	var evs []bot.AuditEvent
	_ = env.Store.View(func(tx bot.Tx) (err error) { evs, err = bot.AuditEvents(tx, 1, 0); return })
	if last := evs[len(evs)-1]; last.Action != "gate.withheld" || last.Details["tlp"] != "AMBER" {
		t.Errorf("last audit event = %+v, want gate.withheld", last)
	}
}

// TestReplyGoesOnlyToWhoAsked: an answer sent by direct message (after a
// dialog closes) reaches the person who acted and nobody else.
func TestReplyGoesOnlyToWhoAsked(t *testing.T) {
	env, _ := gateEnv(t)
	ctx := context.Background()
	kim := env.Who(t, "kim")
	before := len(env.Platform.Sent())
	if err := env.Bot.Reply(ctx, kim, bot.Message{Text: "Lägesbild #1 är sparad.", TLP: bot.TLPAmber}); err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	got := env.Platform.Sent()[before:]
	if len(got) != 1 || got[0].User != "u_kim" || !strings.Contains(got[0].Message.Obligation, "TLP:AMBER") {
		t.Fatalf("reply delivered as %+v", got)
	}
	for _, to := range []bot.Destination{dm("u_tove"), mm(bottest.ForumChannel)} {
		err := env.Bot.Update(ctx, kim, func(ch *bot.Change) error {
			return ch.Send(bot.OutboxItem{Key: "r", To: to, Class: bot.Class{Kind: bot.KindReply, TLP: bot.TLPClear}, Message: bot.Message{Text: "x"}})
		})
		if err == nil {
			t.Errorf("an answer to kim sent to %+v", to)
		}
	}
}

func asError(err error, e **bot.Error) bool {
	be, ok := err.(*bot.Error)
	*e = be
	return ok
}
