package e2e_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
)

// forumMembersOnly puts only registered members (and the bot) in the
// forum's channels.
func (w *world) forumMembersOnly() {
	w.mm.SetMembers(mmChannel, mmtest.BotID, "u_tove", "u_rasmus", "u_sam", "u_kim", "u_per")
	w.sl.SetMembers(slChannel, "UBOT", "U_STINA", "U_ELIN")
}

// openMMReportForm opens the report form on Mattermost as user.
func (w *world) openMMReportForm(user string) model.OpenDialogRequest {
	w.t.Helper()
	before := len(w.mm.Dialogs())
	text, _ := w.mmCmd(user, "lägesbild ny ssr")
	ds := w.mm.Dialogs()
	if len(ds) != before+1 {
		w.t.Fatalf("no dialog opened: %s", text)
	}
	return ds[len(ds)-1]
}

func (w *world) report(forum, actor string) []bot.Report {
	var rs []bot.Report
	_ = w.env.Store.View(func(tx bot.Tx) (err error) { rs, err = bot.ReportVersions(tx, forum, actor); return })
	return rs
}

func TestReportFormsOnBothPlatformsAndCompiledPicture(t *testing.T) {
	w := newWorld(t)
	w.setup()
	d := w.openMMReportForm("u_tove")
	if err := d.Dialog.IsValid(); err != nil {
		t.Fatalf("dialog invalid: %v", err)
	}
	if len(d.Dialog.Elements) != 14 || !strings.Contains(d.Dialog.IntroductionText, "Behov av samordning av budskap") {
		t.Fatalf("dialog has %d elements; intro %q", len(d.Dialog.Elements), d.Dialog.IntroductionText)
	}
	// Cancel (or Esc) saves nothing.
	if r := w.mmc.Cancel(d, "u_tove", mmChannel); r.Status != 200 || len(w.report("ssr", "lst")) != 0 {
		t.Fatalf("a cancelled dialog: %d %s; stored %d versions", r.Status, r.Body, len(w.report("ssr", "lst")))
	}
	var tlpEl model.DialogElement
	for _, el := range d.Dialog.Elements {
		if el.Name == "tlp" {
			tlpEl = el
		}
	}
	if tlpEl.Type != "select" || tlpEl.Default != "AMBER" || len(tlpEl.Options) != 5 {
		t.Fatalf("tlp element = %+v", tlpEl)
	}
	submit := func(d model.OpenDialogRequest, values map[string]any) model.SubmitDialogResponse {
		t.Helper()
		var sr model.SubmitDialogResponse
		r := w.mmc.Submit(d, "u_tove", mmChannel, values)
		if r.Status != 200 || r.Decode(&sr) != nil {
			t.Fatalf("submit: %d %s", r.Status, r.Body)
		}
		return sr
	}
	if sr := submit(d, map[string]any{"fakta": "Strömavbrott i Norrort, 40 000 hushåll.", "prognos": "Reservkraft räcker tolv timmar.", "prognos-delas": "intern", "tlp": "AMBER"}); len(sr.Errors) > 0 || sr.Error != "" {
		t.Fatalf("first report refused: %+v", sr)
	}
	// The next form starts from the version before: texts, sharing, label.
	d = w.openMMReportForm("u_tove")
	defaults := map[string]string{}
	for _, el := range d.Dialog.Elements {
		defaults[el.Name] = el.Default
	}
	for name, want := range map[string]string{"fakta": "Strömavbrott i Norrort, 40 000 hushåll.", "prognos": "Reservkraft räcker tolv timmar.", "prognos-delas": "intern", "inriktning-delas": "intern", "fakta-delas": "delas", "tlp": "AMBER"} {
		if defaults[name] != want {
			t.Errorf("the second dialog's %s starts as %q, want %q", name, defaults[name], want)
		}
	}
	if err := d.Dialog.IsValid(); err != nil {
		t.Fatalf("the pre-filled dialog is invalid: %v", err)
	}
	submit(d, map[string]any{"fakta": "Strömavbrott i Norrort, nu 25 000 hushåll.", "fakta-delas": "delas", "tlp": "AMBER"})
	rs := w.report("ssr", "lst")
	if len(rs) != 2 || rs[0].Version != 1 || rs[1].Version != 2 || rs[0].Sections[1].Shared || rs[1].Author != "tove" {
		t.Fatalf("stored lst reports = %+v", rs)
	}
	// Slack: Stina files for Stockholms stad through the modal.
	r := w.slc.Command("U_STINA", slChannel, "lägesbild ny ssr", w.sl.HookURL())
	if r.Status != 200 {
		t.Fatalf("slack form: %d", r.Status)
	}
	view := waitView(t, w.sl)
	r = w.slc.Interaction(slackfake.ViewSubmission("U_STINA", view, map[string]string{
		"fakta": "Evakueringsplats öppen i Kista.", "inriktning": "Intern plan för skolorna.", "inriktning-delas": "intern", "tlp": "GREEN",
	}))
	if r.Status != 200 || len(r.Body) != 0 {
		t.Fatalf("slack submission: %d %s", r.Status, r.Body)
	}
	if rs := w.report("ssr", "sthlm"); len(rs) != 1 || rs[0].TLP != bot.TLPGreen || rs[0].AuthorName != "stina" {
		t.Fatalf("stored sthlm report = %+v", rs)
	}
	// Her next modal starts from it too.
	opened := len(w.sl.Calls("views.open"))
	if r := w.slc.Command("U_STINA", slChannel, "lägesbild ny ssr", w.sl.HookURL()); r.Status != 200 {
		t.Fatalf("slack form: %d", r.Status)
	}
	for range 500 {
		if len(w.sl.Calls("views.open")) > opened {
			break
		}
		sleepBriefly()
	}
	if raw, _ := json.Marshal(waitView(t, w.sl)); !strings.Contains(string(raw), `"initial_value":"Evakueringsplats öppen i Kista."`) {
		t.Errorf("the second modal does not start from the first version:\n%s", raw)
	}
	// Older versions stay readable; others see shared sections only.
	if txt, _ := w.mmCmd("u_tove", "lägesbild visa ssr lst version=1"); !strings.Contains(txt, "40 000 hushåll") {
		t.Errorf("version 1: %s", txt)
	}
	if txt, _ := w.mmCmd("u_tove", "lägesbild visa ssr"); !strings.Contains(txt, "25 000") {
		t.Errorf("latest own: %s", txt)
	}
	txt := w.slCmd("U_STINA", "lägesbild visa ssr lst")
	if !strings.Contains(txt, "25 000") || strings.Contains(txt, "tolv timmar") {
		t.Errorf("stina sees lst's report as %s", txt)
	}
	// The compiled picture: shared sections, strictest label, who is missing.
	txt = w.slCmd("U_ELIN", "lägesbild samlad ssr")
	for _, want := range []string{"TLP:AMBER", "Länsstyrelsen Stockholm – Fakta (tove", "25 000 hushåll", "Stockholms stad – Fakta (stina", "Evakueringsplats", "Ingen lägesbild", "SOS Alarm, Polisen Region Stockholm, Ellevio"} {
		if !strings.Contains(txt, want) {
			t.Errorf("compiled picture lacks %q:\n%s", want, txt)
		}
	}
	for _, secret := range []string{"tolv timmar", "Intern plan för skolorna", "40 000"} {
		if strings.Contains(txt, secret) {
			t.Errorf("compiled picture shows %q", secret)
		}
	}
}

func waitView(t *testing.T, sl *slackfake.Server) map[string]any {
	t.Helper()
	for range 500 {
		if vs := sl.Calls("views.open"); len(vs) > 0 {
			v, _ := vs[len(vs)-1].Params["view"].(map[string]any)
			return v
		}
		sleepBriefly()
	}
	t.Fatal("no modal opened")
	return nil
}

func TestReportFieldErrorsStoreNothing(t *testing.T) {
	w := newWorld(t)
	w.setup()
	d := w.openMMReportForm("u_tove")
	var sr model.SubmitDialogResponse
	w.mmc.Submit(d, "u_tove", mmChannel, map[string]any{"tlp": "AMBER"}).Decode(&sr)
	if sr.Errors["fakta"] == "" {
		t.Errorf("empty report: %+v", sr)
	}
	sr = model.SubmitDialogResponse{}
	w.mmc.Submit(d, "u_tove", mmChannel, map[string]any{"fakta": "x", "tlp": "PURPLE"}).Decode(&sr)
	if !strings.Contains(sr.Errors["tlp"], "PURPLE") {
		t.Errorf("bad label: %+v", sr)
	}
	w.slc.Command("U_STINA", slChannel, "lägesbild ny ssr", w.sl.HookURL())
	view := waitView(t, w.sl)
	r := w.slc.Interaction(slackfake.ViewSubmission("U_STINA", view, map[string]string{"fakta-delas": "kanske"}))
	var resp map[string]any
	_ = json.Unmarshal(r.Body, &resp)
	errs, _ := resp["errors"].(map[string]any)
	if errs["fakta-delas"] == nil && errs["fakta"] == nil {
		t.Errorf("slack bad submission: %s", r.Body)
	}
	if len(w.report("ssr", "lst"))+len(w.report("ssr", "sthlm")) != 0 {
		t.Fatal("a refused form stored a report")
	}
}

func TestAmberNeedsKnownChannelMembers(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.must(w.mustText(w.mmCmd("u_tove", `lägesbild ny ssr fakta="Läget i Norrort: AMBER-uppgift."`)))
	w.deliver()
	w.mmUser("u_otto", "otto")
	w.mm.SetMembers(mmChannel, mmtest.BotID, "u_tove", "u_sam", "u_otto")
	w.sl.SetMembers(slChannel, "UBOT", "U_STINA")
	postsBefore := len(w.mm.Posts("")) + len(w.sl.Calls("chat.postMessage"))
	txt, _ := w.mmCmd("u_sam", "lägesbild dela ssr")
	if !strings.Contains(txt, "TLP:AMBER skickades inte till ch_mm") || !strings.Contains(txt, "@otto") {
		t.Fatalf("sharing with otto in the channel: %s", txt)
	}
	w.deliver()
	if after := len(w.mm.Posts("")) + len(w.sl.Calls("chat.postMessage")); after != postsBefore {
		t.Fatalf("a refused share posted %d messages", after-postsBefore)
	}
	w.forumMembersOnly()
	w.must(w.mustText(w.mmCmd("u_sam", "lägesbild dela ssr")))
	w.deliver()
	if countMM(w.mm.Posts(mmChannel), "AMBER-uppgift") != 1 || countSL(w.sl.Posts(slChannel), "AMBER-uppgift") != 1 {
		t.Fatalf("allowed share did not reach both channels")
	}
}

func TestRedNeverReachesAChannel(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.forumMembersOnly()
	const secret = "Hemlig RED-uppgift om skyddsobjekt"
	w.must(w.mustText(w.mmCmd("u_tove", `lägesbild ny ssr fakta="`+secret+`" tlp=RED till=@sam`)))
	w.deliver()
	for _, cmd := range []string{"lägesbild dela ssr", "lägesbild dela ssr lst"} {
		if txt, _ := w.mmCmd("u_tove", cmd); !strings.Contains(txt, "TLP:RED delas aldrig i kanaler") {
			t.Errorf("%s: %s", cmd, txt)
		}
	}
	// Someone the report does not name does not get it, even when asked.
	if txt, _ := w.mmCmd("u_tove", "lägesbild dela ssr lst till=@per"); !strings.Contains(txt, "Inget i den samlade lägesbilden får skickas till per") {
		t.Errorf("share to per: %s", txt)
	}
	// The forum member it names may receive it directly.
	w.must(w.mustText(w.mmCmd("u_tove", "lägesbild dela ssr lst till=@sam")))
	w.deliver()
	if countMM(w.mmDM("u_sam"), secret) != 1 {
		t.Errorf("sam did not get the RED report:\n%s", mmTexts(w.mmDM("u_sam")))
	}
	// Every call to either platform: the text only ever went to sam's DM.
	for _, p := range w.mm.Posts("") {
		if strings.Contains(mmtest.Text(p), secret) && p.ChannelId != mmtest.DMChannel("u_sam") {
			t.Errorf("RED text posted to %s", p.ChannelId)
		}
	}
	for _, c := range w.sl.Calls("") {
		raw, _ := json.Marshal(c.Params)
		if strings.Contains(string(raw), secret) {
			t.Errorf("RED text sent to slack %s", c.Method)
		}
	}
	for _, h := range w.sl.Hooks() {
		raw, _ := json.Marshal(h)
		if strings.Contains(string(raw), secret) {
			t.Error("RED text sent to a slack response_url")
		}
	}
}

func TestLongSectionArrivesComplete(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.forumMembersOnly()
	// Six sections of 64 sentences, each just within its 3,000
	// characters: about 17,700 in all, more than one post holds.
	part := strings.Repeat("Vattenläcka vid Slussen påverkar tunnelbanan. ", 64)
	line := "lägesbild ny ssr tlp=GREEN"
	for _, key := range bot.SectionKeys {
		line += " " + key + `="` + part + `" ` + key + "-delas=delas"
	}
	w.must(w.mustText(w.mmCmd("u_tove", line)))
	w.must(w.mustText(w.mmCmd("u_tove", "lägesbild dela ssr lst")))
	w.deliver()
	mmWords, slWords := 0, 0
	mmPosts := 0
	for _, p := range w.mm.Posts(mmChannel) {
		if n := strings.Count(mmtest.Text(p), "Vattenläcka"); n > 0 {
			mmWords += n
			mmPosts++
		}
	}
	for _, c := range w.sl.Posts(slChannel) {
		slWords += strings.Count(slackfake.Text(c.Blocks()), "Vattenläcka")
		for _, b := range c.Blocks() {
			if tx, ok := b["text"].(map[string]any); ok && len([]rune(tx["text"].(string))) > 3000 {
				t.Errorf("slack block of %d characters", len([]rune(tx["text"].(string))))
			}
		}
	}
	if mmPosts < 2 || mmWords != 384 {
		t.Errorf("mattermost: %d posts carry %d of 384 sentences", mmPosts, mmWords)
	}
	if slWords != 384 {
		t.Errorf("slack carries %d of 384 sentences", slWords)
	}
}

func TestExportIsAFileOnEachPlatform(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.must(w.mustText(w.mmCmd("u_tove", `lägesbild ny ssr fakta="Läget i Norrort." prognos="Bara internt." prognos-delas=intern`)))
	w.must(w.mustText(w.mmCmd("u_tove", "lägesbild export ssr")))
	w.must(w.slCmd("U_STINA", "lägesbild export ssr"))
	w.deliver()
	files := w.mm.Files()
	if len(files) != 1 {
		t.Fatalf("mattermost files: %v", files)
	}
	for _, f := range files {
		md := string(f.Content)
		if f.Channel != mmtest.DMChannel("u_tove") || !strings.HasPrefix(md, "**TLP:AMBER**") || !strings.Contains(md, "## Länsstyrelsen Stockholm") || strings.Contains(md, "Bara internt") {
			t.Errorf("mattermost export in %s:\n%s", f.Channel, md)
		}
	}
	ups := w.sl.Uploads()
	if len(ups) != 1 || !strings.Contains(string(ups[0]), "Läget i Norrort.") {
		t.Errorf("slack uploads: %d", len(ups))
	}
}
