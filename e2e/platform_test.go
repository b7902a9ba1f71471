package e2e_test

// What a real Mattermost server does that the first fakes hid (issue 13),
// against the corrected fakes. integration/mattermost runs the same
// against a real server.

import (
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/mattermost/mmtest"
	"samverkan/bot"
)

// After a dialog the user sees the bot's answer in their direct messages:
// a bot account may not post ephemeral messages.
func TestDialogAnswerReachesTheUser(t *testing.T) {
	w := newWorld(t)
	w.setup()
	d := w.openMMReportForm("u_sam")
	r := w.mmc.Submit(d, "u_sam", mmChannel, map[string]any{"fakta": "Ledningscentralen bemannad.", "tlp": "GREEN"})
	var sr model.SubmitDialogResponse
	if r.Status != 200 || r.Decode(&sr) != nil || sr.Error != "" || len(sr.Errors) > 0 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	w.deliver()
	if n := countMM(w.mmDM("u_sam"), "Lägesbild #1 (version 1) för sos är sparad"); n != 1 {
		t.Fatalf("sam's answer in his direct messages: %d\n%s", n, mmTexts(w.mmDM("u_sam")))
	}
	if n := len(w.mm.Ephemeral()); n != 0 {
		t.Errorf("%d ephemeral posts tried; a bot account gets 403 for them", n)
	}
}

// Mattermost sends each mention as a repeated key pair: every one is read.
func TestEveryMentionOfACommandIsRead(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.mmUser("u_ulla", "ulla")
	w.mmUser("u_vera", "vera")
	w.must(w.mustText(w.mmCmd("u_admin", "medlem lägg-till @ulla aktör=pol roll=medlem")))
	w.must(w.mustText(w.mmCmd("u_admin", "medlem lägg-till @vera aktör=sos roll=medlem")))
	w.must(w.mustText(w.mmCmd("u_tove", `lägesbild ny ssr fakta="Bara för några." tlp=RED till=@ulla,@vera,@sam`)))
	r := w.report("ssr", "lst")
	if len(r) != 1 || strings.Join(r[0].To, " ") != "ulla vera sam" {
		t.Fatalf("named: %+v", r)
	}
}

// A channel the bot is not in is not bound: the admin hears how to add
// the bot. On both platforms.
func TestBindingAChannelTheBotIsNotIn(t *testing.T) {
	w := newWorld(t)
	w.setup()
	txt := mmAnswer(w.mmc.Command("u_admin", "admin", "ch_annan", "forum kanal ssr", nil))
	if !strings.Contains(txt, "/invite @samverkan") {
		t.Errorf("mattermost: %s", txt)
	}
	if txt := w.slc.Command("U_ADMIN", "C_ANNAN", "forum kanal ssr", w.sl.HookURL()).JSON(); !strings.Contains(strings.ToLower(asText(txt)), "/invite @ubot") {
		t.Errorf("slack: %v", txt)
	}
	var f *bot.Forum
	_ = w.env.Store.View(func(tx bot.Tx) (err error) { f, err = bot.GetForum(tx, "ssr"); return })
	for _, c := range f.Channels {
		if c.ID == "ch_annan" || c.ID == "C_ANNAN" {
			t.Errorf("bound %s", c.Key())
		}
	}
	w.mm.AddChannel("ch_annan")
	if txt := mmAnswer(w.mmc.Command("u_admin", "admin", "ch_annan", "forum kanal ssr", nil)); !strings.Contains(txt, "kopplad till forum ssr") {
		t.Errorf("after adding the bot: %s", txt)
	}
}

// A direct message refused right after its channel was made is tried
// again and arrives once; one that never gets through is reported to the
// one who activated, and status shows it.
func TestRefusedCallInIsRetriedThenReported(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.mm.RefuseDM("u_sam", 2)  // settles after two refusals
	w.mm.RefuseDM("u_per", 99) // never does
	w.must(w.mustText(w.mmCmd("u_tove", "aktivera ssr")))
	for range bot.MaxSettling + 1 {
		w.advance(20 * time.Second)
	}
	if n := countMM(w.mmDM("u_sam"), "Inkallning"); n != 1 {
		t.Errorf("sam got %d call-ins, want 1 after the refusals", n)
	}
	report := mmTexts(w.mmDM("u_tove"))
	if !strings.Contains(report, "Nådde inte fram") || !strings.Contains(report, "per (Polisen Region Stockholm)") || !strings.Contains(report, "inkallning") {
		t.Errorf("tove was not told per could not be reached:\n%s", report)
	}
	status, _ := w.mmCmd("u_tove", "status ssr")
	if !strings.Contains(status, "Nådde inte fram (1)") || !strings.Contains(status, "inkallning till per") {
		t.Errorf("status does not show it:\n%s", status)
	}
}

func mmAnswer(r mmtest.Reply) string {
	var cr model.CommandResponse
	_ = r.Decode(&cr)
	s := cr.Text
	for _, a := range cr.Attachments {
		s += a.Text
	}
	return s
}

func asText(m map[string]any) string {
	s, _ := m["text"].(string)
	return s
}

// A call-in to a deactivated account is not left in a direct channel
// nobody reads: the one who activated hears at once who could not be
// reached and why, on both platforms, and status shows it. (A real
// Mattermost accepts the post; integration/mattermost checks that the
// bot asks about the account first.)
func TestCallInToADeactivatedAccountIsReported(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.mm.Deactivate("u_per")
	w.sl.Deactivate("U_ELIN")
	w.advance(mattermost.AccountTTL) // the welcome messages found per active a moment ago
	w.must(w.mustText(w.mmCmd("u_tove", "aktivera ssr")))
	w.deliver()
	w.deliver() // the notices the first round queued
	if n := countMM(w.mmDM("u_per"), "Inkallning"); n != 0 {
		t.Errorf("a call-in was left in per's direct channel")
	}
	report := mmTexts(w.mmDM("u_tove"))
	for _, who := range []string{"per (Polisen Region Stockholm)", "elin (Ellevio)"} {
		if !strings.Contains(report, "kunde inte levereras till "+who) {
			t.Errorf("tove was not told about %s:\n%s", who, report)
		}
	}
	if !strings.Contains(report, "kontot är inaktiverat eller borttaget") {
		t.Errorf("tove was not told why:\n%s", report)
	}
	if n := countMM(w.mmDM("u_sam"), "Inkallning"); n != 1 {
		t.Errorf("sam, whose account is active, got %d call-ins", n)
	}
	status, _ := w.mmCmd("u_tove", "status ssr")
	if !strings.Contains(status, "Nådde inte fram (2)") {
		t.Errorf("status does not show it:\n%s", status)
	}
}
