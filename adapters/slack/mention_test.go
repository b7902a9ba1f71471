package slack_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
	"samverkan/bottest"
)

// TestNoTextBecomesAMention is the property for Slack: no generated text,
// in any field of any message, reaches Slack as a live <!channel>,
// <!here>, <!everyone>, <!subteam^…> or <@user> in a field Slack parses.
func TestNoTextBecomesAMention(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	texts := append([]string{}, bottest.Hostile...)
	r := rand.New(rand.NewPCG(7, 2026))
	for range 400 {
		texts = append(texts, bottest.HostileText(r))
	}
	seen := 0
	for _, s := range texts {
		m := bot.Message{
			Title: s, Text: s, TLP: bot.TLPAmber, Obligation: s, Exercise: s,
			Fields:   []bot.Field{{Title: s, Value: s}},
			Sections: []bot.Section{{Title: s, Text: s, TLP: bot.TLPRed, Exercise: true}},
			Buttons:  []bot.Button{{Label: s, Action: bot.Action{Kind: bot.ActHelp}}},
		}
		if _, err := h.adapter.Post(ctx, "k", "C_X", "", m); err != nil {
			t.Fatal(err)
		}
		if _, err := h.adapter.Post(ctx, "k", "C_X", "", bot.Message{Text: s}); err != nil {
			t.Fatal(err)
		}
		calls := h.sl.Calls("")
		for _, c := range calls[seen:] {
			if live := slackfake.Mentions(c); len(live) > 0 {
				t.Fatalf("%q went live in %s: %v", s, c.Method, live)
			}
		}
		seen = len(calls)
	}
	if fired := h.sl.Fired(); len(fired) > 0 {
		t.Fatalf("live mentions: %v", fired)
	}
}

// TestMentionDetectorSeesLiveMentions shows the property's detector is
// not blind: raw Slack syntax in a parsed field is reported.
func TestMentionDetectorSeesLiveMentions(t *testing.T) {
	for _, s := range []string{"<!channel>", "hej <!here|alla>", "<!everyone>", "<!subteam^S1>", "<@U123>"} {
		call := slackfake.Call{Method: "chat.postMessage", Params: map[string]any{"text": "x", "blocks": `[{"type":"section","text":{"type":"mrkdwn","text":"` + s + `"}}]`}}
		if len(slackfake.Mentions(call)) == 0 {
			t.Errorf("%q in a mrkdwn block is live on Slack but the detector misses it", s)
		}
		if len(slackfake.Mentions(slackfake.Call{Params: map[string]any{"text": s}})) == 0 {
			t.Errorf("%q in the text is missed", s)
		}
	}
	plain := slackfake.Call{Params: map[string]any{"text": "x", "blocks": `[{"type":"header","text":{"type":"plain_text","text":"<!channel>"}}]`}}
	if got := slackfake.Mentions(plain); len(got) != 0 {
		t.Errorf("plain_text is not parsed by Slack, the detector says %v", got)
	}
}
