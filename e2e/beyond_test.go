package e2e_test

import (
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack/slackfake"
)

// TestAnInformationRequestAcrossPlatforms: Stina (Slack) asks SOS Alarm
// and Ellevio; Sam answers on Mattermost through the button's dialog,
// Elin on Slack through the button's modal; Stina is told each answer
// on Slack and sees them all with `begäran visa`.
func TestAnInformationRequestAcrossPlatforms(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.must(w.slCmd("U_STINA", "begäran ny ssr Hur många hushåll saknar el i Kista? till=sos,ellevio"))
	w.deliver()

	// Mattermost: the button opens a dialog; its answer is stored.
	var button *model.PostAction
	var post *model.Post
	for _, p := range w.mmDM("u_sam") {
		if b := mmButton(p, "Svara"); b != nil && strings.Contains(mmtest.Text(p), "Hur många hushåll") {
			button, post = b, p
		}
	}
	if button == nil {
		t.Fatalf("sam got no request with an answer button:\n%s", mmTexts(w.mmDM("u_sam")))
	}
	before := len(w.mm.Dialogs())
	w.mmc.Click(button, "u_sam", w.users["u_sam"], mmtest.DMChannel("u_sam"), post.Id)
	ds := w.mm.Dialogs()
	if len(ds) != before+1 {
		t.Fatalf("the answer button opened no dialog")
	}
	if err := ds[len(ds)-1].Dialog.IsValid(); err != nil {
		t.Fatalf("the answer dialog is invalid: %v", err)
	}
	r := w.mmc.Submit(ds[len(ds)-1], "u_sam", mmtest.DMChannel("u_sam"), map[string]any{"text": "Inga larm om el från Kista.", "tlp": "GREEN"})
	var sr model.SubmitDialogResponse
	if r.Status != 200 || r.Decode(&sr) != nil || sr.Error != "" || len(sr.Errors) > 0 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	w.deliver()
	if !strings.Contains(slTexts(w.slDM("U_STINA")), "Inga larm om el från Kista.") {
		t.Fatalf("stina was not told sam's answer:\n%s", slTexts(w.slDM("U_STINA")))
	}

	// Slack: the button opens a modal; its answer is stored.
	var found bool
	for _, c := range w.slDM("U_ELIN") {
		if b := slackfake.Button(c.Blocks(), "Svara"); b != nil {
			w.slc.Interaction(slackfake.BlockAction("U_ELIN", "D_U_ELIN", w.sl.HookURL(), b))
			found = true
		}
	}
	if !found {
		t.Fatalf("elin got no request with an answer button:\n%s", slTexts(w.slDM("U_ELIN")))
	}
	view := waitView(t, w.sl)
	if r := w.slc.Interaction(slackfake.ViewSubmission("U_ELIN", view, map[string]string{"text": "Cirka 9 000 hushåll, åter i kväll.", "tlp": "AMBER"})); r.Status != 200 || len(r.Body) != 0 {
		t.Fatalf("slack submission: %d %s", r.Status, r.Body)
	}
	w.deliver()
	got := w.slCmd("U_STINA", "begäran visa 1")
	for _, want := range []string{"Svar (2 av 2)", "Inga larm om el från Kista.", "Cirka 9 000 hushåll", "TLP:AMBER", "alla har svarat"} {
		if !strings.Contains(got, want) {
			t.Errorf("stina's view lacks %q:\n%s", want, got)
		}
	}
}

// TestAfterActionReportFromBothPlatforms: an exercise noted on Mattermost
// ends in an after-action report asked for on Slack (a file uploaded to
// Stina's direct messages) and on Mattermost (a PDF to Rasmus).
func TestAfterActionReportFromBothPlatforms(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.must(w.mustText(w.mmCmd("u_rasmus", "aktivera ssr övning")))
	w.must(w.mustText(w.mmCmd("u_rasmus", "övning notering ssr Sambandet via chatten fungerade.")))
	w.must(w.slCmd("U_STINA", "kvittera ssr"))
	w.must(w.slCmd("U_STINA", "activation report ssr"))
	w.must(w.mustText(w.mmCmd("u_rasmus", "aktivering rapport ssr pdf")))
	w.deliver()
	ups := w.sl.Uploads()
	if len(ups) != 1 || !strings.Contains(string(ups[0]), "Sambandet via chatten fungerade.") || !strings.Contains(string(ups[0]), "Stockholms stad") {
		t.Fatalf("slack uploads: %d", len(ups))
	}
	var pdf []byte
	for _, f := range w.mm.Files() {
		if f.Channel == mmtest.DMChannel("u_rasmus") && strings.HasSuffix(f.Name, ".pdf") {
			pdf = f.Content
		}
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("rasmus got no PDF on mattermost")
	}
	if txt, _ := w.mmCmd("u_kim", "övning notering ssr x"); !strings.Contains(txt, "behörighet") {
		t.Errorf("kim (a communicator) taking a note: %s", txt)
	}
}

// TestRollUpAcrossPlatforms: the admin links a forum under ssr on Slack;
// its GREEN picture goes up into ssr's as one part, seen on Mattermost.
func TestRollUpAcrossPlatforms(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.must(w.mustText(w.mmCmd("u_admin", `forum skapa kista "Kista krisledning" nivå=verkställande värd=sthlm`)))
	w.must(w.mustText(w.mmCmd("u_admin", "forum anslut kista sos")))
	w.must(w.slCmd("U_ADMIN", "forum parent kista ssr"))
	w.must(w.slCmd("U_STINA", `lägesbild ny kista fakta="Trygghetspunkt öppen i Kista centrum." tlp=GREEN`))
	got, _ := w.mmCmd("u_sam", "lägesbild samlad ssr")
	for _, want := range []string{"↑ Kista krisledning · Stockholms stad", "Trygghetspunkt öppen i Kista centrum.", "Kista krisledning (kista): normalläge"} {
		if !strings.Contains(got, want) {
			t.Errorf("ssr's picture lacks %q:\n%s", want, got)
		}
	}
	if txt := w.slCmd("U_STINA", "forum parent ssr kista"); !strings.Contains(txt, "only an admin") {
		t.Errorf("a non-admin linking: %s", txt)
	}
}

// TestNorwegianOnBothPlatforms: a Norwegian command word is answered in
// Norwegian on Slack, and opens the report form in Norwegian on
// Mattermost.
func TestNorwegianOnBothPlatforms(t *testing.T) {
	w := newWorld(t)
	w.setup()
	if got := w.slCmd("U_STINA", "hjelp"); !strings.Contains(got, "det du kan gjøre") || strings.Contains(got, "det du kan göra") {
		t.Errorf("slack help in Norwegian:\n%s", got)
	}
	before := len(w.mm.Dialogs())
	w.mmCmd("u_sam", "situasjonsbilde ny ssr")
	ds := w.mm.Dialogs()
	if len(ds) != before+1 {
		t.Fatalf("no dialog opened")
	}
	d := ds[len(ds)-1].Dialog
	if d.Title != "Nytt situasjonsbilde" || !strings.Contains(d.IntroductionText, "Behov for samordning av budskap") {
		t.Errorf("the dialog: %q\n%s", d.Title, d.IntroductionText)
	}
}

// TestANorwegianForumOnBothPlatforms: the admin makes ssr a Norwegian
// forum on Slack. Typed to in Swedish words, it answers in Norwegian on
// both platforms, opens the report form in Norwegian on Mattermost, and
// calls Slack's people in with Norwegian direct messages.
func TestANorwegianForumOnBothPlatforms(t *testing.T) {
	w := newWorld(t)
	w.setup()
	if got := w.must(w.slCmd("U_ADMIN", "forum språk ssr nb")); !strings.Contains(got, "Forum ssr får nå alt på norsk") {
		t.Errorf("the admin is told: %s", got)
	}
	if got, _ := w.mmCmd("u_tove", "forum visa"); !strings.Contains(got, "Nivå: koordinerende") || !strings.Contains(got, "Språk: norsk") {
		t.Errorf("mattermost forum visa in the Norwegian forum:\n%s", got)
	}
	before := len(w.mm.Dialogs())
	w.mmCmd("u_sam", "lägesbild ny ssr")
	ds := w.mm.Dialogs()
	if len(ds) != before+1 || ds[len(ds)-1].Dialog.Title != "Nytt situasjonsbilde" {
		t.Fatalf("the report form of a Norwegian forum, asked in Swedish words: %d dialogs", len(ds)-before)
	}
	w.slCmd("U_STINA", "lägesbild ny ssr")
	view := waitView(t, w.sl)
	label := func(k string) any { m, _ := view[k].(map[string]any); return m["text"] }
	if label("title") != "Nytt situasjonsbilde" || label("submit") != "Lagre" {
		t.Errorf("the slack modal of a Norwegian forum: %v / %v", label("title"), label("submit"))
	}
	w.must(w.mustText(w.mmCmd("u_tove", "aktivera ssr")))
	w.deliver()
	got := slTexts(w.slDM("U_STINA"))
	if !strings.Contains(got, "Innkalling: Regional samverkanskonferens") || strings.Contains(got, "Inkallning") {
		t.Errorf("stina's call-in on slack:\n%s", got)
	}
	if got := w.slCmd("U_STINA", "kvittera"); !strings.Contains(got, "Kvittert for Stockholms stad") {
		t.Errorf("stina's acknowledgement on slack: %s", got)
	}
}
