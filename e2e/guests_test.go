package e2e_test

import (
	"strings"
	"testing"
	"time"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
)

// The Thursday meeting with someone in each forum channel who is not a
// member of the forum's actors — on Mattermost the admin who bound the
// channel, on Slack a guest — through both platforms' real routes: the
// meeting opens, each channel gets its frame and a notice naming who is
// in the way, the members in the channels get the agenda and the
// minutes directly, the chair is told, and no decision ever reaches a
// channel.
func TestTheThursdayMeetingWithGuestsInTheChannels(t *testing.T) {
	w := newWorld(t)
	thursday := bot.DefaultSchedule().Next(w.env.Clock.Now())
	if thursday.Sub(w.env.Clock.Now()) < 3*time.Hour {
		thursday = thursday.AddDate(0, 0, 7)
	}
	w.env.Clock.Set(thursday.Add(-3 * time.Hour))
	w.setup()
	w.mm.SetMembers(mmChannel, mmtest.BotID, "u_admin", "u_rasmus", "u_sam")
	w.sl.SetMembers(slChannel, slackfake.BotID, "U_STINA", "U_GUEST")
	w.at(thursday.Add(-time.Hour)) // the reminder
	w.at(thursday)

	when := thursday.In(bot.Stockholm()).Format("2006-01-02 15:04")
	mm, sl := mmTexts(w.mm.Posts(mmChannel)), slTexts(w.sl.Posts(slChannel))
	for name, got := range map[string]string{"mattermost": mm, "slack": sl} {
		for _, want := range []string{"Samverkanskonferens: Regional samverkanskonferens " + when, "TLP:GREEN", "har deltagare som inte är medlemmar", "7. Nästa möte"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s channel lacks %q:\n%s", name, want, got)
			}
		}
		if strings.Contains(got, "TLP:AMBER:") {
			t.Errorf("%s channel got AMBER content:\n%s", name, got)
		}
	}
	if !strings.Contains(mm, "@admin är inte aktiva medlemmar hos forumets aktörer") || !strings.Contains(sl, "u_guest är inte aktiva medlemmar hos forumets aktörer") {
		t.Errorf("the notices do not name who is in the way:\n%s\n%s", mm, sl)
	}
	for _, dm := range []string{mmTexts(w.mmDM("u_rasmus")), mmTexts(w.mmDM("u_sam")), slTexts(w.slDM("U_STINA"))} {
		if !strings.Contains(dm, "Samverkanskonferens: Regional samverkanskonferens "+when) || !strings.Contains(dm, "TLP:AMBER") {
			t.Errorf("a member in a channel did not get the agenda directly:\n%s", dm)
		}
	}
	if got := mmTexts(w.mmDM("u_rasmus")); !strings.Contains(got, "Möte #1 är öppet, men i") {
		t.Errorf("the chair was not told:\n%s", got)
	}
	if len(w.mmDM("u_admin")) != 0 || len(w.slDM("U_GUEST")) != 0 {
		t.Error("someone outside the forum got something directly")
	}

	// The meeting goes on from the channel: roll call, a decision, the end.
	w.must(w.mustText(w.mmCmd("u_sam", "närvarande")))
	w.must(w.mustText(w.mmCmd("u_rasmus", "beslut Reservkraft till äldreboendena först")))
	w.must(w.mustText(w.mmCmd("u_rasmus", "konferens avsluta")))
	w.deliver()
	w.deliver()
	// Every post and every edit in the channels, on both platforms.
	mm, sl = mmTexts(w.mm.Posts(mmChannel)), slTexts(w.sl.Posts(slChannel))
	for _, c := range w.sl.Calls("chat.update") {
		if c.Str("channel") == slChannel {
			sl += c.Str("text") + "\n" + slackfake.Text(c.Blocks()) + "\n---\n"
		}
	}
	if len(w.sl.Calls("chat.update")) == 0 {
		t.Error("no agenda edit reached Slack: the test would not see a leak through edits")
	}
	for name, got := range map[string]string{"mattermost": mm, "slack": sl} {
		if strings.Contains(got, "Reservkraft") {
			t.Errorf("the decision reached the %s channel:\n%s", name, got)
		}
		if !strings.Contains(got, "Närvarande (1)") || !strings.Contains(got, "SOS Alarm – ") || !strings.Contains(got, "1 beslut och 0 åtgärder (TLP:AMBER)") {
			t.Errorf("the %s channel's minutes lack the roll call or the count:\n%s", name, got)
		}
	}
	for _, dm := range []string{mmTexts(w.mmDM("u_sam")), slTexts(w.slDM("U_STINA"))} {
		if !strings.Contains(dm, "Protokoll: Regional samverkanskonferens "+when) || !strings.Contains(dm, "Reservkraft till äldreboendena först") {
			t.Errorf("a member in a channel did not get the minutes directly:\n%s", dm)
		}
	}
}
