package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
)

// TestFullActivationAcrossPlatforms runs a whole activation of a forum
// with five actors, three on Mattermost and two on Slack, on a fake clock.
func TestFullActivationAcrossPlatforms(t *testing.T) {
	w := newWorld(t)
	w.setup()
	start := w.env.Clock.Now()

	// Per (Polisen) asks for activation; those who may activate hear it.
	w.must(w.mustText(w.mmCmd("u_per", "begär-aktivering ssr Stort elavbrott i Norrort")))
	w.deliver()
	req := w.mmDM("u_tove")
	if len(req) != 1 || !strings.Contains(mmtest.Text(req[0]), "Skäl: Stort elavbrott i Norrort") {
		t.Fatalf("tove's request DM:\n%s", mmTexts(req))
	}
	if countMM(w.mmDM("u_rasmus"), "Begäran om aktivering") != 1 || len(w.mmDM("u_sam")) != 0 {
		t.Errorf("the request went to the wrong people: rasmus %d, sam %d", len(w.mmDM("u_rasmus")), len(w.mmDM("u_sam")))
	}

	// Tove activates with the button in her DM.
	act := mmButton(req[0], "Aktivera")
	if act == nil {
		t.Fatal("no Aktivera button")
	}
	var resp model.PostActionIntegrationResponse
	if r := w.mmc.Click(act, "u_tove", "tove", mmtest.DMChannel("u_tove"), req[0].Id); r.Decode(&resp) != nil || !strings.Contains(resp.EphemeralText, "är aktiverat") {
		t.Fatalf("activate click: %s", r.Body)
	}
	w.deliver()
	banner := w.mm.Posts(mmChannel)
	banner = banner[len(banner)-1:]
	if !strings.Contains(mmtest.Text(banner[0]), "AKTIVERAT: Regional samverkanskonferens") || !strings.Contains(mmtest.Text(banner[0]), "Väntar på svar (4)") || !strings.Contains(mmtest.Text(banner[0]), "Kvitterat (1 av 5): Länsstyrelsen Stockholm – kl") {
		t.Fatalf("mattermost banner:\n%s", mmTexts(banner))
	}
	if countSL(w.sl.Posts(slChannel), "AKTIVERAT: Regional samverkanskonferens") != 1 {
		t.Fatalf("slack banner missing:\n%s", slTexts(w.sl.Posts(slChannel)))
	}
	// Call-in: each actor's contact people (tib, else everyone); tove,
	// who activated, has answered for Länsstyrelsen already.
	if countMM(w.mmDM("u_tove"), "Inkallning") != 0 {
		t.Errorf("tove, who activated, was called in:\n%s", mmTexts(w.mmDM("u_tove")))
	}
	for user, want := range map[string]string{"u_sam": "SOS Alarm", "u_per": "Polisen Region Stockholm"} {
		if countMM(w.mmDM(user), "Kvittera för "+want) != 1 {
			t.Errorf("%s lacks the call-in for %s:\n%s", user, want, mmTexts(w.mmDM(user)))
		}
	}
	if countMM(w.mmDM("u_kim"), "Inkallning") != 0 || countMM(w.mmDM("u_rasmus"), "Inkallning") != 0 {
		t.Error("call-in went past the duty officers")
	}
	for user, want := range map[string]string{"U_STINA": "Stockholms stad", "U_ELIN": "Ellevio"} {
		if countSL(w.slDM(user), "Kvittera för "+want) != 1 {
			t.Errorf("%s lacks the call-in:\n%s", user, slTexts(w.slDM(user)))
		}
	}

	// Three acknowledgements: Sam by button, Stina by command on Slack, Per twice.
	w.env.Clock.Advance(2 * time.Minute)
	callin := w.mmDM("u_sam")
	if r := w.mmc.Click(mmButton(callin[len(callin)-1], "Kvittera"), "u_sam", "sam", mmtest.DMChannel("u_sam"), callin[0].Id); r.Decode(&resp) != nil || !strings.Contains(resp.EphemeralText, "Kvitterat för SOS Alarm") {
		t.Fatalf("sam's ack click: %s", r.Body)
	}
	w.env.Clock.Advance(time.Minute)
	if txt := w.slCmd("U_STINA", "kvittera"); !strings.Contains(txt, "Kvitterat för Stockholms stad") {
		t.Fatalf("stina's ack: %s", txt)
	}
	txt, _ := w.mmCmd("u_per", "kvittera ssr")
	if !strings.Contains(txt, "Kvitterat för Polisen Region Stockholm") || !strings.Contains(txt, "4 av 5") {
		t.Fatalf("per's ack: %s", txt)
	}
	if txt, _ := w.mmCmd("u_per", "kvittera ssr"); !strings.Contains(txt, "har redan kvitterat") {
		t.Fatalf("per's second ack: %s", txt)
	}
	w.deliver()
	// The banner is edited in place on both platforms.
	edited := w.mm.Posts(mmChannel)
	var mmBanner *model.Post
	for _, p := range edited {
		if p.Id == banner[0].Id {
			mmBanner = p
		}
	}
	if mmBanner == nil || mmBanner.EditAt == 0 || !strings.Contains(mmtest.Text(mmBanner), "Kvitterat (4 av 5)") {
		t.Fatalf("mattermost banner not updated in place:\n%s", mmtest.Text(mmBanner))
	}
	updates := w.sl.Calls("chat.update")
	if len(updates) == 0 || !strings.Contains(slackfake.Text(updates[len(updates)-1].Blocks()), "Kvitterat (4 av 5)") {
		t.Fatalf("slack banner not updated:\n%s", slTexts(updates))
	}

	// Half time (7.5 min): only the actor outstanding is reminded.
	w.env.Clock.Set(start.Add(7*time.Minute + 30*time.Second))
	w.deliver()
	if countSL(w.slDM("U_ELIN"), "Påminnelse") != 1 {
		t.Errorf("reminder missing: elin\n%s", slTexts(w.slDM("U_ELIN")))
	}
	for _, u := range []string{"u_tove", "u_sam", "u_per", "u_rasmus", "u_kim"} {
		if countMM(w.mmDM(u), "Påminnelse") != 0 {
			t.Errorf("%s got a reminder", u)
		}
	}
	if countSL(w.slDM("U_STINA"), "Påminnelse") != 0 {
		t.Error("stina got a reminder")
	}

	// Deadline (15 min): the duty officer hears exactly who is missing.
	w.env.Clock.Set(start.Add(15 * time.Minute))
	w.deliver()
	esc := ""
	for _, p := range w.mmDM("u_tove") {
		if strings.Contains(mmtest.Text(p), "Ej kvitterat") {
			esc += mmtest.Text(p)
		}
	}
	if !strings.Contains(esc, "inte svarat; kontakta dem på annat sätt:\n• Ellevio: ingen kontakt registrerad") || strings.Contains(esc, "Länsstyrelsen") {
		t.Errorf("escalation = %q", esc)
	}
	if countMM(w.mmDM("u_sam"), "Ej kvitterat") != 0 {
		t.Error("escalation went to someone other than the duty officer")
	}

	// Deactivation, after saying what ends and who has not answered, with
	// a summary on both platforms. Sam may not press Tove's button.
	w.env.Clock.Set(start.Add(42 * time.Minute))
	ask, cr := w.mmCmd("u_tove", "avaktivera ssr")
	if !strings.Contains(ask, "Avaktivera Regional samverkanskonferens?") || !strings.Contains(ask, "Ännu inte kvitterat: Ellevio") {
		t.Errorf("the question: %s", ask)
	}
	if txt, _ := w.mmCmd("u_sam", "status ssr"); !strings.Contains(txt, "AKTIVERAT") && !strings.Contains(txt, "Aktiverat") {
		t.Errorf("asked, not yet deactivated: %s", txt)
	}
	var btn *model.PostAction
	for _, a := range cr.Attachments {
		for _, act := range a.Actions {
			if act.Name == "Avaktivera" {
				btn = act
			}
		}
	}
	if btn == nil {
		t.Fatalf("no Avaktivera button: %+v", cr)
	}
	var pressed model.PostActionIntegrationResponse
	if r := w.mmc.Click(btn, "u_sam", "sam", mmChannel, ""); r.Decode(&pressed) != nil || strings.Contains(pressed.EphemeralText, "tillbaka i ordinarie läge") {
		t.Errorf("sam pressed tove's button: %+v", pressed)
	}
	if r := w.mmc.Click(btn, "u_tove", "tove", mmChannel, ""); r.Decode(&pressed) != nil || !strings.Contains(pressed.EphemeralText, "tillbaka i ordinarie läge") {
		t.Errorf("tove pressed her button: %+v", pressed)
	}
	w.deliver()
	for name, got := range map[string]string{"mattermost": mmTexts(w.mm.Posts(mmChannel)), "slack": slTexts(w.sl.Posts(slChannel))} {
		for _, want := range []string{"Aktiveringen avslutad", "(42 min)", "Kvitterat (4 av 5)", "SOS Alarm – kl", "(+2 min), sam", "Svarade aldrig (1)", "Ellevio"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s summary lacks %q:\n%s", name, want, got)
			}
		}
	}
	if txt, _ := w.mmCmd("u_sam", "status ssr"); !strings.Contains(txt, "Ordinarie läge") {
		t.Errorf("status after deactivation: %s", txt)
	}
	// The audit log holds every step and verifies.
	var n int
	var brk *bot.AuditBreak
	_ = w.env.Store.View(func(tx bot.Tx) error { n, brk = bot.VerifyAudit(tx); return nil })
	if brk != nil || n < 20 {
		t.Errorf("audit: %d records, break %v", n, brk)
	}
}

func (w *world) mustText(text string, _ *model.CommandResponse) string { return text }

// TestRestartBetweenActivationAndDeadline restarts the bot twice; the
// reminder and the escalation still come, each exactly once.
func TestRestartBetweenActivationAndDeadline(t *testing.T) {
	w := newWorld(t)
	w.setup()
	start := w.env.Clock.Now()
	w.must(w.mustText(w.mmCmd("u_tove", "aktivera ssr")))
	w.deliver()
	w.env.Clock.Set(start.Add(3 * time.Minute))
	w.restart()
	w.env.Clock.Set(start.Add(7*time.Minute + 30*time.Second))
	w.deliver()
	w.deliver() // running again fires nothing twice
	w.restart()
	w.deliver()
	w.env.Clock.Set(start.Add(20 * time.Minute)) // the bot was down at the deadline
	w.restart()
	w.deliver()
	w.deliver()
	if n := countMM(w.mmDM("u_sam"), "Påminnelse"); n != 1 {
		t.Errorf("sam got %d reminders, want 1", n)
	}
	if n := countSL(w.slDM("U_ELIN"), "Påminnelse"); n != 1 {
		t.Errorf("elin got %d reminders, want 1", n)
	}
	if n := countMM(w.mmDM("u_tove"), "Ej kvitterat"); n != 1 {
		t.Errorf("tove got %d escalations, want 1", n)
	}
}

func TestActivationRefusalsChangeNothing(t *testing.T) {
	w := newWorld(t)
	w.setup()
	snapshot := func() string {
		var b strings.Builder
		_ = w.env.Store.View(func(tx bot.Tx) error {
			f, _ := bot.GetForum(tx, "ssr")
			b.WriteString(string(f.Mode))
			items, _ := w.env.Outbox.Pending()
			b.WriteString(strings.Repeat("x", len(items)))
			return tx.ForEach(bot.BucketActivations, "", func(k string, _ func(any) error) error { b.WriteString(k); return nil })
		})
		return b.String()
	}
	before := snapshot()
	// Sam is a duty officer, but not of the host actor.
	if txt, _ := w.mmCmd("u_sam", "aktivera ssr"); !strings.Contains(txt, "värdaktörens (lst) tjänsteman i beredskap") || !strings.Contains(txt, "begär-aktivering ssr") {
		t.Errorf("sam activating: %s", txt)
	}
	if txt, _ := w.mmCmd("u_per", "aktivera ssr"); !strings.Contains(txt, "begär-aktivering ssr") {
		t.Errorf("per activating: %s", txt)
	}
	if txt := w.slCmd("U_NOBODY", "kvittera ssr"); !strings.Contains(txt, "inte registrerad") {
		t.Errorf("stranger acking: %s", txt)
	}
	if snapshot() != before {
		t.Fatal("a refused activation changed something")
	}
	w.must(w.mustText(w.mmCmd("u_rasmus", "aktivera ssr information,budskap")))
	w.deliver()
	before = snapshot()
	if txt, _ := w.mmCmd("u_tove", "aktivera ssr"); !strings.Contains(txt, "redan aktiverat (av rasmus") {
		t.Errorf("second activation: %s", txt)
	}
	if txt, _ := w.mmCmd("u_tove", "aktivera ssr syfte=fika"); !strings.Contains(txt, "Okänt syfte") {
		t.Errorf("bad purpose: %s", txt)
	}
	if snapshot() != before {
		t.Fatal("a refused second activation changed something")
	}
}

// TestExerciseMarksEveryMessage activates as an exercise and checks every
// message that reached either platform.
func TestExerciseMarksEveryMessage(t *testing.T) {
	w := newWorld(t)
	w.setup()
	mmBefore, slBefore := len(w.mm.Posts("")), len(w.sl.Calls("chat.postMessage"))
	w.must(w.mustText(w.mmCmd("u_tove", "aktivera ssr lägesbild övning")))
	w.deliver()
	w.mmCmd("u_sam", "kvittera ssr")
	w.slCmd("U_STINA", "kvittera")
	w.advance(8 * time.Minute)
	w.advance(8 * time.Minute)
	w.mmCmd("u_tove", "avaktivera ssr bekräfta")
	w.deliver()
	posts := w.mm.Posts("")[mmBefore:]
	calls := append(w.sl.Calls("chat.postMessage")[slBefore:], w.sl.Calls("chat.update")...)
	if len(posts) < 6 || len(calls) < 6 {
		t.Fatalf("too few messages to judge: %d mattermost, %d slack", len(posts), len(calls))
	}
	for _, p := range posts {
		atts := mmtest.Attachments(p)
		if len(atts) == 0 || !strings.HasPrefix(atts[0].Pretext, "**ÖVNING**") || atts[len(atts)-1].Footer != "ÖVNING" {
			t.Errorf("mattermost post not marked at both ends:\n%s", mmtest.Text(p))
		}
	}
	for _, c := range calls {
		blocks := c.Blocks()
		first, last := slackfake.Text(blocks[0]), slackfake.Text(blocks[len(blocks)-1])
		if !strings.HasPrefix(first, "*ÖVNING*") || strings.TrimSpace(last) != "*ÖVNING*" || !strings.HasPrefix(c.Str("text"), "*ÖVNING*") || !strings.HasSuffix(c.Str("text"), "ÖVNING") {
			t.Errorf("slack %s not marked at both ends: %q … %q (text %q)", c.Method, first, last, c.Str("text"))
		}
	}
	if txt, _ := w.mmCmd("u_sam", "status ssr"); strings.Contains(txt, "ÖVNING") {
		t.Error("the normal-mode status still says exercise")
	}
}
