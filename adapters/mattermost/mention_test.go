package mattermost_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/mattermost/mmtest"
	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/commands"
)

// everywhere puts s in every text field of a message.
func everywhere(s string) bot.Message {
	return bot.Message{
		Title: s, Text: s, TLP: bot.TLPAmber, Obligation: s, Exercise: "ÖVNING",
		Fields:   []bot.Field{{Title: s, Value: s}, {Title: "x", Value: s, Short: true}},
		Sections: []bot.Section{{Title: s, Text: s, TLP: bot.TLPGreen}, {Text: s}},
		Buttons:  []bot.Button{{Label: s, Action: bot.Action{Kind: bot.ActHelp}}},
	}
}

// TestNoTextBecomesAMassMention is the property for Mattermost: no
// generated text, in any field of any message, makes the real server's
// mention parser (as mmtest.MassMentions mirrors it) notify a channel.
func TestNoTextBecomesAMassMention(t *testing.T) {
	mm := mmtest.New()
	defer mm.Close()
	mm.AddChannel("ch")
	env := bottest.NewEnv(t)
	a := mattermost.New(commands.New(env.Bot, "sv"), mm.URL, "tok", []string{"t"}, "http://bot", []byte("0123456789abcdef0123456789abcdef"), bottest.Quiet())
	a.SetRateLimit(1e6, 1e6)
	ctx := context.Background()
	texts := append([]string{}, bottest.Hostile...)
	r := rand.New(rand.NewPCG(12, 2026))
	for range 400 {
		texts = append(texts, bottest.HostileText(r))
	}
	for i, s := range texts {
		key := "k" + string(rune('a'+i%26))
		if _, err := a.Post(ctx, key, "ch", "", everywhere(s)); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Post(ctx, key+"plain", "ch", "", bot.Message{Text: s}); err != nil {
			t.Fatal(err)
		}
		if fired := mm.Fired(); len(fired) > 0 {
			t.Fatalf("%q notified the channel: %v", s, fired)
		}
	}
}

// TestMentionDetectorFiresLikeTheServer shows that the detector the
// property rests on does see what the real server would fire, so the
// property can fail.
func TestMentionDetectorFiresLikeTheServer(t *testing.T) {
	fire := []string{"@channel", "@channel_", "@here.", "@all-", "x.@all", "_@channel", "@channel:", "@CHANNEL__.",
		"&#64;channel", "&commat;here", "\\@channel", "@channel\u200b", "@channel\u0301", "<!channel>", "<!here|alla>", "hej @all."}
	for _, s := range fire {
		p := &model.Post{Message: s}
		if len(mmtest.MassMentions(p)) == 0 {
			t.Errorf("%q is a mass mention on Mattermost but the detector misses it", s)
		}
		q := &model.Post{}
		q.AddProp(model.PostPropsAttachments, []*model.MessageAttachment{{Text: s}})
		if len(mmtest.MassMentions(q)) == 0 {
			t.Errorf("%q in an attachment is missed", s)
		}
	}
	for _, s := range []string{"@allan", "@channels", "foo@channel", "mejl@here.se", "＠channel", "@\u200bchannel"} {
		if got := mmtest.MassMentions(&model.Post{Message: s}); len(got) != 0 {
			t.Errorf("%q is no mass mention but the detector says %v", s, got)
		}
	}
}
