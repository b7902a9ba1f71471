package e2e_test

// Regression tests for the trust boundary (issue 12), each through the real
// HTTP routes of both platforms: what an attacker or a tired user found on
// the first wave, and what happens now.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
	"samverkan/bottest"
)

// everywhere says whether text was sent anywhere at all, on either
// platform: a post, an edit, a DM, a file, a response_url answer.
func (w *world) everywhere(text string) []string {
	var out []string
	for _, p := range w.mm.Posts("") {
		if strings.Contains(mmtest.Text(p), text) {
			out = append(out, "mattermost "+p.ChannelId)
		}
	}
	for _, c := range w.sl.Calls("") {
		raw, _ := json.Marshal(c.Params)
		if strings.Contains(string(raw), text) {
			out = append(out, "slack "+c.Method)
		}
	}
	return out
}

func TestRedStatementIsNeverPosted(t *testing.T) {
	w := statementWorld(t)
	w.forumMembersOnly()
	const secret = "RED-budskap om skyddsobjekt"
	mm, _ := w.mmCmd("u_klara", `budskap utkast ssr text="`+secret+`" tlp=RED`)
	sl := w.slCmd("U_STINA", `budskap utkast ssr text="`+secret+`" tlp=RED`)
	for name, txt := range map[string]string{"mattermost": mm, "slack": sl} {
		if !strings.Contains(txt, "TLP:RED skickas aldrig till en kanal") {
			t.Errorf("%s draft answered %q, want the RED refusal", name, txt)
		}
	}
	// A CLEAR draft may not become RED either: its thread is in channels.
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="Ett öppet budskap."`)))
	w.deliver()
	if txt, _ := w.mmCmd("u_klara", `budskap ändra 1 text="`+secret+`" tlp=RED`); !strings.Contains(txt, "TLP:RED skickas aldrig") {
		t.Errorf("edit to RED: %s", txt)
	}
	w.deliver()
	if where := w.everywhere(secret); len(where) > 0 {
		t.Fatalf("the RED text was sent to %v", where)
	}
	if s := w.statement(1); s == nil || len(s.Revisions) != 1 || s.Current().TLP != bot.TLPClear || w.statement(2) != nil {
		t.Errorf("stored statements changed: %+v", s)
	}
}

func TestAmberStatementChecksChannelMembers(t *testing.T) {
	w := statementWorld(t)
	w.mmUser("u_otto", "otto")
	w.mm.SetMembers(mmChannel, mmtest.BotID, "u_klara", "u_kim", "u_otto")
	w.sl.SetMembers(slChannel, "UBOT", "U_STINA")
	const text = "AMBER-budskap: utrymning av Kista planeras"
	for _, draft := range []func() string{
		func() string { s, _ := w.mmCmd("u_klara", `budskap utkast ssr text="`+text+`" tlp=AMBER`); return s },
		func() string { return w.slCmd("U_STINA", `budskap utkast ssr text="`+text+`" tlp=AMBER`) },
	} {
		if txt := draft(); !strings.Contains(txt, "TLP:AMBER skickades inte till ch_mm") || !strings.Contains(txt, "@otto") {
			t.Fatalf("draft with otto in the channel: %s", txt)
		}
	}
	w.deliver()
	if where := w.everywhere(text); len(where) > 0 || w.statement(1) != nil {
		t.Fatalf("a refused draft went to %v", where)
	}
	w.mm.SetMembers(mmChannel, mmtest.BotID, "u_klara", "u_kim")
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="`+text+`" tlp=AMBER`)))
	w.deliver()
	w.approveMM("u_kim")
	w.approveMM("u_klara")
	w.approveSlack("U_STINA")
	w.waitApproved(1, 3)
	// Otto has joined since: the release is refused and names him.
	w.mm.SetMembers(mmChannel, mmtest.BotID, "u_klara", "u_kim", "u_otto")
	if txt, _ := w.mmCmd("u_klara", "budskap publicera 1"); !strings.Contains(txt, "@otto") {
		t.Fatalf("release with otto in the channel: %s", txt)
	}
	if s := w.statement(1); s.State != bot.StatementDraft {
		t.Fatalf("state after a refused release: %s", s.State)
	}
	w.mm.SetMembers(mmChannel, mmtest.BotID, "u_klara", "u_kim")
	w.must(w.mustText(w.mmCmd("u_klara", "budskap publicera 1")))
	w.deliver()
	if countMM(w.mm.Posts(mmChannel), "Samordnat budskap till") != 1 {
		t.Error("the released AMBER statement did not reach the channel")
	}
}

func TestAmberStrictSaysWhatItAsksOfRecipients(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.forumMembersOnly()
	const obligation = "mottagare delar bara inom sin egen organisation"
	// What the user picks from says it.
	d := w.openMMReportForm("u_sam")
	var option string
	for _, el := range d.Dialog.Elements {
		for _, o := range el.Options {
			if o.Value == string(bot.TLPAmberStrict) {
				option = o.Text
			}
		}
	}
	if !strings.Contains(option, obligation) || strings.Contains(option, "bara egen organisation") {
		t.Errorf("the AMBER+STRICT choice reads %q", option)
	}
	w.must(w.mustText(w.mmCmd("u_sam", `lägesbild ny ssr fakta="Strikt uppgift från SOS." tlp=AMBER+STRICT`)))
	w.deliver()
	// Everywhere it is shown, the label and what it asks come with it.
	mmPic, _ := w.mmCmd("u_tove", "lägesbild samlad ssr")
	slPic := w.slCmd("U_STINA", "lägesbild samlad ssr")
	for name, txt := range map[string]string{"mattermost": mmPic, "slack": slPic} {
		if !strings.Contains(txt, "TLP:AMBER+STRICT") || !strings.Contains(txt, obligation) || !strings.Contains(txt, "Strikt uppgift från SOS.") {
			t.Errorf("%s compiled picture lacks the label or what it asks:\n%s", name, txt)
		}
	}
	w.must(w.mustText(w.mmCmd("u_tove", "lägesbild dela ssr")))
	w.deliver()
	for name, txt := range map[string]string{"mattermost": mmTexts(w.mm.Posts(mmChannel)), "slack": slTexts(w.sl.Posts(slChannel))} {
		if !strings.Contains(txt, "TLP:AMBER+STRICT") || !strings.Contains(txt, obligation) {
			t.Errorf("%s shared picture lacks the label or what it asks", name)
		}
	}
}

// hostileWorld runs a whole flow with text chosen to become a mass
// mention in every place people write: names of actors and people,
// reasons, reports, decisions, next meeting, statements, rejections.
func hostileWorld(t *testing.T, text func() string) *world {
	w := statementWorld(t)
	w.forumMembersOnly()
	q := func() string { return strings.NewReplacer(`"`, "'", "\n", " ").Replace(text()) }
	w.mmCmd("u_admin", `aktör lägg-till hx "`+q()+`"`)
	w.mmCmd("u_admin", `medlem lägg-till @per aktör=pol roll=medlem namn="`+q()+`"`)
	w.mmCmd("u_sam", "begär-aktivering ssr "+q())
	w.mmCmd("u_tove", "aktivera ssr")
	w.mmCmd("u_sam", "kvittera")
	w.mmCmd("u_sam", `lägesbild ny ssr fakta="`+q()+`" prognos="`+q()+`" tlp=GREEN`)
	w.slCmd("U_STINA", `lägesbild ny ssr fakta="`+q()+`" tlp=AMBER`)
	w.mmCmd("u_tove", "lägesbild dela ssr")
	w.mmCmd("u_rasmus", "konferens starta ssr")
	w.mmCmd("u_rasmus", "beslut "+q())
	w.mmCmd("u_rasmus", "åtgärd "+q()+" ansvarig=sos senast="+w.env.Clock.Day(8))
	w.mmCmd("u_rasmus", "nästa-möte "+q())
	w.mmCmd("u_rasmus", "konferens avsluta")
	w.mmCmd("u_klara", `budskap utkast ssr text="`+q()+`"`)
	w.deliver()
	w.mmCmd("u_kim", "budskap avslå 1 "+q())
	w.slCmd("U_STINA", "budskap avslå 1 "+q())
	w.mmCmd("u_klara", `budskap ändra 1 text="`+q()+`"`)
	w.deliver()
	w.mmCmd("u_kim", "budskap godkänn 1")
	w.mmCmd("u_klara", "budskap godkänn 1")
	w.slCmd("U_STINA", "budskap godkänn 1")
	w.mmCmd("u_klara", "budskap publicera 1")
	w.mmCmd("u_tove", "avaktivera ssr bekräfta")
	w.deliver()
	return w
}

// TestNoUserTextNotifiesAChannel is the property through the whole bot,
// per platform: whatever people write, in any field, no message the bot
// sends becomes a mass mention by the platform's own rules. The known
// spellings run first (the first wave let @channel_, @all_ and @here__
// through from statements, rejection reasons and decisions), then
// generated ones.
func TestNoUserTextNotifiesAChannel(t *testing.T) {
	rounds := []func() func() string{}
	for _, s := range bottest.Hostile {
		rounds = append(rounds, func() func() string { return func() string { return s } })
	}
	r := rand.New(rand.NewPCG(2026, 12))
	for range 6 {
		rounds = append(rounds, func() func() string { return func() string { return bottest.HostileText(r) } })
	}
	for _, round := range rounds {
		gen := round()
		sample := gen()
		w := hostileWorld(t, func() string { return gen() })
		if len(w.mm.Posts("")) < 20 || len(w.sl.Calls("chat.postMessage")) < 10 {
			t.Fatalf("the flow posted too little to prove anything (%d, %d)", len(w.mm.Posts("")), len(w.sl.Calls("chat.postMessage")))
		}
		if fired := w.mm.Fired(); len(fired) > 0 {
			t.Errorf("with %q, Mattermost would notify everyone: %v", sample, fired)
		}
		if fired := w.sl.Fired(); len(fired) > 0 {
			t.Errorf("with %q, Slack would notify: %v", sample, fired)
		}
	}
}

func TestRemovedMemberHandleIsNeverReused(t *testing.T) {
	w := statementWorld(t)
	w.must(w.mustText(w.mmCmd("u_admin", `aktör lägg-till ext "Extern AB"`)))
	w.must(w.mustText(w.mmCmd("u_kim", `budskap utkast ssr text="Kims eget utkast."`)))
	w.deliver()
	kimsButton := mmButton(w.mmDM("u_kim")[len(w.mmDM("u_kim"))-1], "Godkänn")
	w.must(w.mustText(w.mmCmd("u_admin", "medlem ta-bort kim bekräfta")))
	// A new person with the same name, in an actor outside the forum (the
	// old account is gone, so the platform lets the name be taken again).
	delete(w.users, "u_kim")
	w.mmUser("u_kim2", "kim")
	txt, _ := w.mmCmd("u_admin", "medlem lägg-till @kim aktör=ext roll=kommunikatör")
	w.must(txt)
	if !strings.Contains(txt, "medlem kim2") {
		t.Fatalf("the new kim got %q, want a new handle", txt)
	}
	w.mmUser("u_nils", "nils")
	if txt, _ := w.mmCmd("u_admin", "medlem lägg-till @nils aktör=ext roll=kommunikatör id=kim"); !strings.Contains(txt, "ges inte ut igen") {
		t.Errorf("taking the retired handle: %s", txt)
	}
	before := w.statement(1)
	if txt, _ := w.mmCmd("u_kim2", "budskap godkänn 1"); !strings.Contains(txt, "inte godkännare") {
		t.Errorf("the new kim approving the old kim's statement: %s", txt)
	}
	var resp model.PostActionIntegrationResponse
	w.mmc.Click(kimsButton, "u_kim2", "kim", mmtest.DMChannel("u_kim2"), "p").Decode(&resp)
	if !strings.Contains(resp.EphemeralText, "någon annan") {
		t.Errorf("the new kim pressing the old kim's button: %q", resp.EphemeralText)
	}
	for _, c := range []string{`budskap ändra 1 text="Kapat"`, "budskap återkalla 1", "budskap publicera 1"} {
		if txt, _ := w.mmCmd("u_kim2", c); !w.refused() {
			t.Errorf("the new kim as the old kim's author> %s: %s", c, txt)
		}
	}
	after := w.statement(1)
	if len(after.Revisions) != len(before.Revisions) || after.State != bot.StatementDraft || len(after.Unapproved()) != len(before.Unapproved()) {
		t.Errorf("the statement changed: %+v", after)
	}
	// The removed approver no longer counts: the others can release.
	w.approveMM("u_klara")
	w.approveSlack("U_STINA")
	waitFor(t, func() bool { return len(w.statement(1).Unapproved()) == 1 })
	w.must(w.mustText(w.mmCmd("u_klara", "budskap publicera 1")))
	w.deliver()
	if !strings.Contains(mmTexts(w.mm.Posts(mmChannel)), "inte längre med") {
		t.Error("the thread does not say kim no longer takes part")
	}
}

func TestApproverWhoseActorLeftCannotApprove(t *testing.T) {
	w := statementWorld(t)
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="Gemensamt budskap."`)))
	w.deliver()
	button := mmButton(w.mmDM("u_kim")[len(w.mmDM("u_kim"))-1], "Godkänn")
	w.must(w.mustText(w.mmCmd("u_admin", "forum lämna ssr sos bekräfta")))
	if txt, _ := w.mmCmd("u_kim", "budskap godkänn 1"); !strings.Contains(txt, "behörighet") && !strings.Contains(txt, "inte längre") {
		t.Errorf("kim approving after sos left: %s", txt)
	}
	var resp model.PostActionIntegrationResponse
	w.mmc.Click(button, "u_kim", "kim", mmtest.DMChannel("u_kim"), "p").Decode(&resp)
	if !strings.Contains(resp.EphemeralText, "inte längre svara") {
		t.Errorf("kim's button after sos left: %q", resp.EphemeralText)
	}
	for _, a := range w.statement(1).Approvers {
		if a.Member == "kim" && a.State != "pending" {
			t.Errorf("kim's answer was recorded: %+v", a)
		}
	}
	w.approveMM("u_klara")
	w.approveSlack("U_STINA")
	waitFor(t, func() bool { return len(w.statement(1).Unapproved()) == 1 })
	w.must(w.mustText(w.mmCmd("u_klara", "budskap publicera 1")))
}

// legacyToken is a button value as the first wave sealed it: a command
// line under the master key.
func legacyToken(cmd string) string {
	raw, _ := json.Marshal(map[string]string{"c": cmd})
	p := base64.RawURLEncoding.EncodeToString(raw)
	h := hmac.New(sha256.New, key)
	h.Write([]byte(p))
	return p + "." + base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

func TestSealedTokensDoNotCrossPlatformPurposeOrPerson(t *testing.T) {
	w := statementWorld(t)
	w.forumMembersOnly()
	w.must(w.mustText(w.mmCmd("u_tove", "aktivera ssr")))
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="Ett budskap."`)))
	w.deliver()
	acks := func() int { return len(w.activation(1).Acks) }
	baseAcks := acks() // tove's, for her own actor, as she activated
	snapshot := func() string {
		raw, _ := json.Marshal([]any{w.activation(1), w.statement(1)})
		return string(raw)
	}
	before := snapshot()
	// The Slack banner's Kvittera button: every Slack reader of the channel
	// can see its value.
	var slackValue string
	for _, c := range w.sl.Posts(slChannel) {
		if b := slackfake.Button(c.Blocks(), "Kvittera"); b != nil {
			slackValue, _ = b["value"].(string)
		}
	}
	if slackValue == "" {
		t.Fatal("no Kvittera button on Slack")
	}
	post := func(path string, body any) int {
		raw, _ := json.Marshal(body)
		resp, err := http.Post(w.srv.URL+path, "application/json", strings.NewReader(string(raw)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// … replayed on Mattermost as a button and as dialog state.
	if code := post(mattermost.PathActions, model.PostActionIntegrationRequest{UserId: "u_sam", ChannelId: mmChannel, Context: map[string]any{"s": slackValue}}); code != http.StatusUnauthorized {
		t.Errorf("a Slack button on Mattermost: %d, want 401", code)
	}
	if code := post(mattermost.PathDialogs, model.SubmitDialogRequest{UserId: "u_sam", State: slackValue, Submission: map[string]any{}}); code != http.StatusUnauthorized {
		t.Errorf("a Slack button as Mattermost dialog state: %d, want 401", code)
	}
	// A Mattermost button's context used as a Mattermost dialog's state:
	// right platform, wrong purpose.
	var mmBanner *model.Post
	for _, p := range w.mm.Posts(mmChannel) {
		if mmButton(p, "Kvittera") != nil {
			mmBanner = p
		}
	}
	mmValue := mmButton(mmBanner, "Kvittera").Integration.Context["s"].(string)
	if code := post(mattermost.PathDialogs, model.SubmitDialogRequest{UserId: "u_sam", State: mmValue, Submission: map[string]any{}}); code != http.StatusUnauthorized {
		t.Errorf("a button as dialog state: %d, want 401", code)
	}
	// … and the Mattermost value on Slack.
	forged := map[string]any{"action_id": "samverkan_0", "value": mmValue}
	if r := w.slc.Interaction(slackfake.BlockAction("U_STINA", slChannel, w.sl.HookURL(), forged)); r.Status != http.StatusUnauthorized {
		t.Errorf("a Mattermost button on Slack: %d, want 401", r.Status)
	}
	// A Mattermost dialog's state on Slack as a modal's metadata.
	w.mmCmd("u_sam", "lägesbild ny ssr")
	dialogs := w.mm.Dialogs()
	view := map[string]any{"id": "V1", "type": "modal", "private_metadata": dialogs[len(dialogs)-1].Dialog.State, "blocks": []any{}}
	if r := w.slc.Interaction(slackfake.ViewSubmission("U_STINA", view, map[string]string{"fakta": "x"})); r.Status != http.StatusUnauthorized {
		t.Errorf("Mattermost dialog state on Slack: %d, want 401", r.Status)
	}
	// kim's personal Approve pressed by someone else, on either platform.
	kim := w.mmDM("u_kim")
	var resp model.PostActionIntegrationResponse
	if r := w.mmc.Click(mmButton(kim[len(kim)-1], "Godkänn"), "u_per", "per", mmtest.DMChannel("u_per"), "p"); r.Status != http.StatusForbidden || r.Decode(&resp) != nil || !strings.Contains(resp.EphemeralText, "någon annan") {
		t.Errorf("someone else pressing kim's Approve: %d %s", r.Status, r.Body)
	}
	stina := w.slDM("U_STINA")
	w.slc.Interaction(slackfake.BlockAction("U_ELIN", "D_U_STINA", w.sl.HookURL(), slackfake.Button(stina[len(stina)-1].Blocks(), "Godkänn")))
	waitFor(t, func() bool { return strings.Contains(hooksText(w), "någon annan") })
	// A button from before buttons carried actions is answered, not acted on.
	legacy := &model.PostAction{Integration: &model.PostActionIntegration{URL: w.srv.URL + mattermost.PathActions, Context: map[string]any{"s": legacyToken("kvittera ssr")}}}
	w.mmc.Click(legacy, "u_sam", "sam", mmChannel, "p").Decode(&resp)
	if !strings.Contains(resp.EphemeralText, "äldre version") || !strings.Contains(resp.EphemeralText, "/samverkan kvittera ssr") {
		t.Errorf("a legacy button: %q", resp.EphemeralText)
	}
	slackLegacy := map[string]any{"action_id": "samverkan_0", "value": legacyToken("kvittera ssr")}
	w.slc.Interaction(slackfake.BlockAction("U_STINA", slChannel, w.sl.HookURL(), slackLegacy))
	waitFor(t, func() bool { return strings.Contains(hooksText(w), "äldre version") })
	if snapshot() != before || acks() != baseAcks {
		t.Fatalf("a refused token changed something:\nbefore %s\nafter  %s", before, snapshot())
	}
	// The same revision's button after an edit is refused as outdated.
	old := mmButton(kim[len(kim)-1], "Godkänn")
	w.must(w.mustText(w.mmCmd("u_klara", `budskap ändra 1 text="Ett ändrat budskap."`)))
	w.deliver()
	w.mmc.Click(old, "u_kim", "kim", mmtest.DMChannel("u_kim"), "p").Decode(&resp)
	if !strings.Contains(resp.EphemeralText, "Version 1 av budskap #1 är ersatt av version 2") {
		t.Errorf("an approval of revision 1 after the edit: %q", resp.EphemeralText)
	}
	// A button kept too long asks for the command instead.
	w.env.Clock.Advance(mattermost.ButtonTTL + time.Hour)
	w.mmc.Click(mmButton(mmBanner, "Kvittera"), "u_sam", "sam", mmChannel, mmBanner.Id).Decode(&resp)
	if !strings.Contains(resp.EphemeralText, "för gammal") || !strings.Contains(resp.EphemeralText, "/samverkan kvittera ssr") || acks() != baseAcks {
		t.Errorf("an expired button: %q (%d acks)", resp.EphemeralText, acks())
	}
	_ = slack.ButtonTTL
}

func hooksText(w *world) string {
	var b strings.Builder
	for _, h := range w.sl.Hooks() {
		b.WriteString(slackfake.Text(h))
	}
	return b.String()
}

func (w *world) activation(id uint64) *bot.Activation {
	var a *bot.Activation
	_ = w.env.Store.View(func(tx bot.Tx) (err error) { a, err = bot.GetActivation(tx, id); return })
	return a
}

func TestExerciseMarksThePictureTheExportAndTheAgenda(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.forumMembersOnly()
	w.must(w.mustText(w.mmCmd("u_tove", `lägesbild ny ssr fakta="Verkligt läge: strömmen är tillbaka." tlp=GREEN`)))
	w.must(w.mustText(w.mmCmd("u_tove", "aktivera ssr övning")))
	w.must(w.mustText(w.mmCmd("u_sam", `lägesbild ny ssr fakta="Övningsinject: brand i ledningscentralen." tlp=GREEN`)))
	w.deliver()
	// The picture: marked first and last, the exercise part marked where
	// it stands beside the real one.
	_, cr := w.mmCmd("u_rasmus", "lägesbild samlad ssr")
	att := cr.Attachments[0]
	if !strings.HasPrefix(att.Pretext, "**ÖVNING**") || att.Footer != "ÖVNING" {
		t.Errorf("Mattermost picture not marked first and last: pretext %q footer %q", att.Pretext, att.Footer)
	}
	if !strings.Contains(att.Text, "**ÖVNING** **TLP:GREEN** **SOS Alarm") || strings.Contains(att.Text, "**ÖVNING** **TLP:GREEN** **Länsstyrelsen") {
		t.Errorf("parts not marked as they are:\n%s", att.Text)
	}
	sl := w.slc.Command("U_STINA", slChannel, "lägesbild samlad ssr", w.sl.HookURL()).JSON()
	blocks := slackfake.Call{Params: map[string]any{"blocks": sl["blocks"]}}.Blocks()
	if first, last := slackfake.Text(blocks[0]), slackfake.Text(blocks[len(blocks)-1]); !strings.Contains(first, "ÖVNING") || !strings.Contains(last, "ÖVNING") {
		t.Errorf("Slack picture not marked first and last: %q … %q", first, last)
	}
	// The export: the file itself.
	w.must(w.mustText(w.mmCmd("u_rasmus", "lägesbild export ssr")))
	w.deliver()
	var doc string
	for _, f := range w.mm.Files() {
		doc = string(f.Content)
	}
	if !strings.HasPrefix(doc, "**ÖVNING**") || !strings.HasSuffix(strings.TrimSpace(doc), "**ÖVNING**") || !strings.Contains(doc, "Övningsinject") {
		t.Errorf("export not marked first and last:\n%s", doc)
	}
	// The agenda names the exercise report as such.
	w.must(w.mustText(w.mmCmd("u_rasmus", "konferens starta ssr")))
	w.deliver()
	agenda := mmTexts(w.mm.Posts(mmChannel))
	if !strings.Contains(agenda, "SOS Alarm: lägesbild #2") || !strings.Contains(agenda[strings.Index(agenda, "SOS Alarm: lägesbild #2"):], "ÖVNING") {
		t.Errorf("the agenda does not mark the exercise report")
	}
}
