package commands_test

import (
	"context"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/commands"
)

// An admin chooses a forum's language; a wrong one is refused with what
// to type and changes nothing; "-" gives back the bot's own; others may
// not.
func TestForumLanguageIsChosenByAnAdmin(t *testing.T) {
	w := newWorld(t)
	w.setup()
	if r := w.as("tove", "forum språk ssr nb"); !r.Failed || !strings.Contains(r.Message.Text, "admin") {
		t.Errorf("a duty officer set the language: %q", r.Message.Text)
	}
	before := w.snapshot()
	r := w.as("admin", "forum språk ssr klingon")
	if !r.Failed || !strings.Contains(r.Message.Text, "sv, en eller nb") {
		t.Errorf("an unknown language: %q", r.Message.Text)
	}
	if w.snapshot() != before {
		t.Error("a refused language changed the store")
	}
	if r := w.ok("admin", "forum språk ssr norska"); r.Message.Text != "Forum ssr får nå alt på norsk: innkallinger, påminnelser, situasjonsbilder, agenda, referat, budskap, tavlen og PDF-er. Svar følger ordene som skrives, ellers forumets språk." {
		t.Errorf("setting Norwegian is told: %q", r.Message.Text)
	}
	posted := func() []string {
		w.env.Deliver(t)
		var out []string
		for _, m := range w.env.Platform.Sent() {
			if m.Channel == "ch_forum" && strings.Contains(m.Message.Text, "får nå alt på norsk") {
				out = append(out, m.Message.Text)
			}
		}
		return out
	}
	if got := posted(); len(got) != 1 || got[0] != "Forum Regional samverkan får nå alt på norsk (admin endret det)." {
		t.Errorf("the forum's channel is told: %q", got)
	}
	w.ok("admin", "forum språk ssr nb")
	if got := posted(); len(got) != 1 {
		t.Errorf("choosing the language it already has told the channel again: %q", got)
	}
	if txt := bottest.Text(w.ok("tove", "forum visa ssr").Message); !strings.Contains(txt, "Språk: norsk") {
		t.Errorf("the forum does not show its language:\n%s", txt)
	}
	if r := w.ok("admin", "forum språk ssr -"); !strings.Contains(r.Message.Text, "botens språk (svenska)") {
		t.Errorf("back to the bot's language: %q", r.Message.Text)
	}
	if txt := bottest.Text(w.ok("tove", "forum visa ssr").Message); strings.Contains(txt, "Språk") {
		t.Errorf("a forum in the bot's language still shows one:\n%s", txt)
	}
}

// In a Norwegian forum's channel the bot answers in Norwegian unless the
// words typed are English; elsewhere it answers in its own language; a
// button in a direct message answers in its forum's language.
func TestRepliesFollowTheForumsLanguage(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.ok("admin", "forum språk ssr nb")
	if txt := w.ok("tove", "hjälp").Message.Text; !strings.Contains(txt, "Svenske og engelske ord fungerer også") {
		t.Errorf("help in a Norwegian forum's channel:\n%s", txt)
	}
	if txt := w.ok("tove", "help").Message.Text; !strings.Contains(txt, "Swedish words work too") {
		t.Errorf("help asked in English in a Norwegian forum's channel:\n%s", txt)
	}
	tove, _ := w.env.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: "u_tove", Username: "tove"})
	dm := bot.Channel{Platform: bot.Mattermost, ID: "dm_tove"}
	if txt := w.e.Run(context.Background(), commands.Request{Caller: tove, Channel: dm, Text: "hjälp", Users: users{}}).Message.Text; !strings.Contains(txt, "Engelska ord fungerar också") {
		t.Errorf("help in a direct message, which is no forum's:\n%s", txt)
	}
	r := w.e.Act(context.Background(), commands.Request{Caller: tove, Channel: dm, Users: users{}}, bot.Action{Kind: bot.ActStatus, Forum: "ssr"})
	if r.Failed || !strings.Contains(bottest.Text(r.Message), "Normal modus (koordinerende nivå)") {
		t.Errorf("the status button of a Norwegian forum in a direct message:\n%s", bottest.Text(r.Message))
	}
}

// A command that names a Norwegian forum is answered in Norwegian even
// from a Swedish forum's channel, unless its words were English.
func TestACommandNamingAForumAnswersInItsLanguage(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.ok("admin", `forum skapa ikt "Øvelse IKT" nivå=operativ värd=lst`)
	w.ok("admin", "forum språk ikt nb")
	if txt := bottest.Text(w.ok("tove", "forum visa ikt").Message); !strings.Contains(txt, "Nivå: operativ\n") || !strings.Contains(txt, "vert") {
		t.Errorf("ikt shown from ssr's channel:\n%s", txt)
	}
	if txt := bottest.Text(w.ok("tove", "forum show ikt").Message); !strings.Contains(txt, "Level: operational") {
		t.Errorf("ikt shown in English words:\n%s", txt)
	}
	if txt := bottest.Text(w.ok("tove", "forum visa ssr").Message); !strings.Contains(txt, "Nivå: samordnande") {
		t.Errorf("ssr shown from its own channel:\n%s", txt)
	}
}
