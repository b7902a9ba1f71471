package e2e_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
)

// statementWorld has three communicators: Klara (lst, also comms
// coordinator) and Kim (sos) on Mattermost, Stina (sthlm) on Slack.
func statementWorld(t *testing.T) *world {
	w := newWorld(t)
	w.setup()
	w.mmUser("u_klara", "klara")
	w.must(w.mustText(w.mmCmd("u_admin", "medlem lägg-till @klara aktör=lst roll=kommunikatör,rkk")))
	w.must(w.slCmd("U_ADMIN", "medlem lägg-till <@U_STINA|stina> aktör=sthlm roll=tib,kommunikatör"))
	w.deliver()
	return w
}

func (w *world) statement(n uint64) *bot.Statement {
	var s *bot.Statement
	_ = w.env.Store.View(func(tx bot.Tx) (err error) { s, err = bot.GetStatement(tx, n); return })
	return s
}

// approveMM clicks Approve in the user's latest request DM on Mattermost.
func (w *world) approveMM(user string) string {
	w.t.Helper()
	dms := w.mmDM(user)
	for i := len(dms) - 1; i >= 0; i-- {
		if b := mmButton(dms[i], "Godkänn"); b != nil {
			var resp model.PostActionIntegrationResponse
			r := w.mmc.Click(b, user, w.users[user], mmtest.DMChannel(user), dms[i].Id)
			_ = r.Decode(&resp)
			return resp.EphemeralText
		}
	}
	w.t.Fatalf("%s has no approval request", user)
	return ""
}

// approveSlack clicks Approve in Stina's latest request DM on Slack.
func (w *world) approveSlack(user string) {
	w.t.Helper()
	dms := w.slDM(user)
	for i := len(dms) - 1; i >= 0; i-- {
		if b := slackfake.Button(dms[i].Blocks(), "Godkänn"); b != nil {
			w.slc.Interaction(slackfake.BlockAction(user, "D_"+user, w.sl.HookURL(), b))
			return
		}
	}
	w.t.Fatalf("%s has no approval request on slack", user)
}

func (w *world) waitApproved(n uint64, want int) {
	w.t.Helper()
	waitFor(w.t, func() bool { s := w.statement(n); return len(s.Approvers)-len(s.Unapproved()) == want })
}

const (
	firstText  = "Undvik onödiga resor i Norrort i kväll. Följ krisinformation.se."
	secondText = "Undvik resor i Norrort i kväll. Följ krisinformation.se och lyssna på P4."
)

func TestStatementApprovalEditAndReleaseAcrossPlatforms(t *testing.T) {
	w := statementWorld(t)
	txt, _ := w.mmCmd("u_klara", `budskap utkast ssr text="`+firstText+`" målgrupp=allmänhet`)
	if !strings.Contains(txt, "Godkännare (3)") {
		t.Fatalf("draft: %s", txt)
	}
	w.deliver()
	// Three approvals: two on Mattermost by button, one on Slack by button.
	w.approveMM("u_kim")
	w.approveMM("u_klara")
	w.approveSlack("U_STINA")
	w.waitApproved(1, 3)
	// An edit resets every approval and shows what changed.
	w.must(w.mustText(w.mmCmd("u_klara", `budskap ändra 1 text="`+secondText+`"`)))
	w.deliver()
	if s := w.statement(1); len(s.Unapproved()) != 3 || s.Current().N != 2 {
		t.Fatalf("after edit: revision %d, %d missing", s.Current().N, len(s.Unapproved()))
	}
	if countSL(w.slDM("U_STINA"), "Undvik [-onödiga-] resor") != 1 {
		t.Errorf("stina was not shown the diff:\n%s", slTexts(w.slDM("U_STINA")))
	}
	// Release with one approval missing is refused and names who.
	w.approveMM("u_kim")
	w.approveSlack("U_STINA")
	w.waitApproved(1, 2)
	if txt, _ := w.mmCmd("u_klara", "budskap publicera 1"); !strings.Contains(txt, "godkännande saknas från klara") {
		t.Fatalf("early release: %s", txt)
	}
	w.approveMM("u_klara")
	w.waitApproved(1, 3)
	w.must(w.mustText(w.mmCmd("u_klara", "budskap publicera 1")))
	w.deliver()
	// Exactly the approved text reached both platforms' channels.
	if countMM(w.mm.Posts(mmChannel), "Samordnat budskap till Allmänheten") != 1 || countSL(w.sl.Posts(slChannel), "Samordnat budskap till Allmänheten") != 1 {
		t.Errorf("the released statement was not posted once on each platform")
	}
	for name, got := range map[string]string{"mattermost": mmTexts(w.mm.Posts(mmChannel)), "slack": slTexts(w.sl.Posts(slChannel))} {
		if !strings.Contains(got, secondText) || strings.Contains(got, "Samordnat budskap till Allmänheten\n"+firstText) {
			t.Errorf("%s lacks the released text", name)
		}
		if !strings.Contains(got, "Samordnat och godkänt av") || !strings.Contains(got, "Länsstyrelsen Stockholm, SOS Alarm, Stockholms stad") {
			t.Errorf("%s lacks the approving actors", name)
		}
	}
	// The thread on each platform holds every event, in order; the root shows the end.
	want := []string{"kim (SOS Alarm) godkände version 1", "klara (Länsstyrelsen Stockholm) godkände version 1", "stina (Stockholms stad) godkände version 1",
		"gjorde version 2", "kim (SOS Alarm) godkände version 2", "stina (Stockholms stad) godkände version 2", "klara (Länsstyrelsen Stockholm) godkände version 2", "publicerade version 2"}
	var root *model.Post
	var mmThread []string
	for _, p := range w.mm.Posts(mmChannel) {
		if strings.Contains(mmtest.Text(p), "Samordnat budskap #1") && p.RootId == "" {
			root = p
		}
	}
	for _, p := range w.mm.Posts(mmChannel) {
		if root != nil && p.RootId == root.Id {
			mmThread = append(mmThread, mmtest.Text(p))
		}
	}
	checkThread(t, "mattermost", mmThread, want)
	if root == nil || !strings.Contains(mmtest.Text(root), "PUBLICERAT") || !strings.Contains(mmtest.Text(root), "Godkännare (3 av 3)") {
		t.Errorf("mattermost root does not show the final state:\n%s", mmtest.Text(root))
	}
	var slThread []string
	threads := map[string]bool{}
	for _, c := range w.sl.Posts(slChannel) {
		if ts := c.Str("thread_ts"); ts != "" {
			slThread = append(slThread, c.Str("text"))
			threads[ts] = true
		}
	}
	if len(threads) != 1 {
		t.Errorf("slack events are spread over %d threads, want one", len(threads))
	}
	checkThread(t, "slack", slThread, want)
	ups := w.sl.Calls("chat.update")
	if last := slackfake.Text(ups[len(ups)-1].Blocks()); !strings.Contains(last, "PUBLICERAT") {
		t.Errorf("slack root not updated to released:\n%s", last)
	}
	// A released statement cannot change.
	if txt, _ := w.mmCmd("u_klara", `budskap ändra 1 text="Annat"`); !strings.Contains(txt, "kan inte ändras") {
		t.Errorf("edit after release: %s", txt)
	}
	// Every approval is in the audit log with the hash of what was approved.
	var evs []bot.AuditEvent
	var brk *bot.AuditBreak
	_ = w.env.Store.View(func(tx bot.Tx) (err error) {
		evs, err = bot.AuditEvents(tx, 1, 0)
		_, brk = bot.VerifyAudit(tx)
		return
	})
	approvals := 0
	s := w.statement(1)
	for _, ev := range evs {
		if ev.Action == "statement.approve" {
			approvals++
			rev := s.Revisions[0]
			if ev.Details["revision"] == "2" {
				rev = s.Revisions[1]
			}
			if ev.Details["hash"] != rev.Hash || ev.ContentHash == "" {
				t.Errorf("approval event %d: hash %s, want %s", ev.Seq, ev.Details["hash"], rev.Hash)
			}
		}
	}
	if approvals != 6 || brk != nil {
		t.Errorf("%d approval events, audit break %v", approvals, brk)
	}
}

func checkThread(t *testing.T, name string, got, want []string) {
	t.Helper()
	i := 0
	for _, g := range got {
		if i < len(want) && strings.Contains(g, want[i]) {
			i++
		}
	}
	if i != len(want) {
		t.Errorf("%s thread misses %q (in order); thread:\n%s", name, want[min(i, len(want)-1)], strings.Join(got, "\n"))
	}
}

func TestStatementRefusals(t *testing.T) {
	w := statementWorld(t)
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="`+firstText+`"`)))
	w.deliver()
	oldButtons := w.mmDM("u_kim")
	w.must(w.mustText(w.mmCmd("u_klara", `budskap ändra 1 text="`+secondText+`"`)))
	w.deliver()
	before := w.statement(1)
	// An approval for the old revision is refused.
	var resp model.PostActionIntegrationResponse
	old := oldButtons[len(oldButtons)-1]
	w.mmc.Click(mmButton(old, "Godkänn"), "u_kim", "kim", mmtest.DMChannel("u_kim"), old.Id).Decode(&resp)
	if !strings.Contains(resp.EphemeralText, "Version 1 av budskap #1 är ersatt av version 2") {
		t.Errorf("old revision click: %q", resp.EphemeralText)
	}
	// Someone else presses kim's own button: refused as not theirs.
	cur := w.mmDM("u_kim")
	w.mmc.Click(mmButton(cur[len(cur)-1], "Godkänn"), "u_per", "per", mmChannel, cur[0].Id).Decode(&resp)
	if !strings.Contains(resp.EphemeralText, "någon annan") {
		t.Errorf("someone else's click: %q", resp.EphemeralText)
	}
	// And typing it is refused too: per is no approver.
	if txt, _ := w.mmCmd("u_per", "budskap godkänn 1"); !strings.Contains(txt, "inte godkännare") {
		t.Errorf("non-approver: %s", txt)
	}
	// Per may not draft, edit or release either.
	for _, c := range []string{`budskap utkast ssr text="x"`, `budskap ändra 1 text="x"`, "budskap publicera 1", "budskap återkalla 1"} {
		if txt, _ := w.mmCmd("u_per", c); !strings.Contains(txt, "behörighet") {
			t.Errorf("per> %s: %s", c, txt)
		}
	}
	// Kim is an approver but not the author: he may not release.
	if txt, _ := w.mmCmd("u_kim", "budskap publicera 1"); !strings.Contains(txt, "behörighet") {
		t.Errorf("kim releasing: %s", txt)
	}
	after := w.statement(1)
	if len(after.Unapproved()) != len(before.Unapproved()) || after.Events != before.Events || after.State != bot.StatementDraft {
		t.Fatal("a refused action changed the statement")
	}
	// A rejection needs a reason (the button opens a form for it) and
	// blocks release until a new revision.
	before2 := len(w.mm.Dialogs())
	w.mmCmd("u_kim", "budskap avslå 1")
	if ds := w.mm.Dialogs(); len(ds) != before2+1 || ds[len(ds)-1].Dialog.Elements[0].Name != "motivering" {
		t.Errorf("reject without a reason did not ask for one")
	}
	w.must(w.mustText(w.mmCmd("u_kim", "budskap avslå 1 Nämn reservnumret 113 13")))
	w.approveMM("u_klara")
	w.approveSlack("U_STINA")
	w.waitApproved(1, 2)
	if txt, _ := w.mmCmd("u_klara", "budskap publicera 1"); !strings.Contains(txt, "kim (avslog)") {
		t.Errorf("release after rejection: %s", txt)
	}
}

func TestConcurrentApprovalsBothCount(t *testing.T) {
	w := statementWorld(t)
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="`+firstText+`"`)))
	w.deliver()
	var wg sync.WaitGroup
	for _, u := range []string{"u_kim", "u_klara"} {
		wg.Add(1)
		go func() { defer wg.Done(); w.mmCmd(u, "budskap godkänn 1 rev=1") }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); w.slCmd("U_STINA", "budskap godkänn 1 rev=1") }()
	wg.Wait()
	if s := w.statement(1); len(s.Unapproved()) != 0 {
		t.Fatalf("%d approvals missing after concurrent approvals", len(s.Unapproved()))
	}
}

// TestEditRacingReleaseNeverPublishesUnapproved races an edit against a
// release many times: whatever wins, what is published was approved.
func TestEditRacingReleaseNeverPublishesUnapproved(t *testing.T) {
	w := statementWorld(t)
	for i := 1; i <= 15; i++ {
		text := fmt.Sprintf("Budskap %d: undvik Norrort.", i)
		w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="`+text+`"`)))
		for _, u := range []string{"u_kim", "u_klara"} {
			w.mmCmd(u, fmt.Sprintf("budskap godkänn %d rev=1", i))
		}
		w.slCmd("U_STINA", fmt.Sprintf("budskap godkänn %d rev=1", i))
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			w.mmCmd("u_klara", fmt.Sprintf(`budskap ändra %d text="Ändrad %d: ej godkänd."`, i, i))
		}()
		go func() { defer wg.Done(); w.mmCmd("u_klara", fmt.Sprintf("budskap publicera %d", i)) }()
		wg.Wait()
		s := w.statement(uint64(i))
		if s.State == bot.StatementReleased && s.Current().Text != text {
			t.Fatalf("round %d: released revision %d %q", i, s.Current().N, s.Current().Text)
		}
	}
	w.deliver()
	for _, p := range w.mm.Posts(mmChannel) {
		if strings.Contains(mmtest.Text(p), "ej godkänd") && strings.Contains(mmtest.Text(p), "Samordnat budskap till") {
			t.Fatalf("an unapproved text was published:\n%s", mmtest.Text(p))
		}
	}
}

func TestStatementRemindersAndReleaseByWarning(t *testing.T) {
	w := statementWorld(t)
	due := w.env.Clock.Now().Add(2 * time.Hour).Truncate(time.Minute).In(bot.Stockholm())
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="`+firstText+`" senast="`+due.Format("2006-01-02 15:04")+`"`)))
	w.deliver()
	w.approveMM("u_kim")
	w.waitApproved(1, 1)
	w.advance(30 * time.Minute) // a reminder round
	if countSL(w.slDM("U_STINA"), "Påminnelse: budskap #1") != 1 || countMM(w.mmDM("u_kim"), "Påminnelse: budskap #1") != 0 {
		t.Errorf("reminder went to the wrong people")
	}
	w.env.Clock.Set(due.Add(-15 * time.Minute))
	w.deliver()
	if countMM(w.mmDM("u_klara"), "ska publiceras senast "+due.Format("2006-01-02 15:04")+" men saknar godkännande från klara, stina") != 1 {
		t.Errorf("no release-by warning:\n%s", mmTexts(w.mmDM("u_klara")))
	}
}

func TestStatementThreadInCommunicatorsChannel(t *testing.T) {
	w := statementWorld(t)
	w.mm.AddChannel("ch_komm", "u_klara", "u_kim")
	w.mmc.Command("u_admin", "admin", "ch_komm", "forum kanal ssr kommunikatörer", nil)
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="`+firstText+`"`)))
	w.deliver()
	if countMM(w.mm.Posts("ch_komm"), "Samordnat budskap #1 (utkast)") != 1 || countMM(w.mm.Posts(mmChannel), "Samordnat budskap #1") != 0 {
		t.Errorf("the thread is not in the communicators' channel only")
	}
}

func TestStatusListsOpenItems(t *testing.T) {
	w := statementWorld(t)
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="`+firstText+`"`)))
	w.must(w.mustText(w.mmCmd("u_rasmus", "konferens starta ssr")))
	due := w.env.Clock.Day(7)
	w.must(w.mustText(w.mmCmd("u_rasmus", "åtgärd Kartlägg reservkraft ansvarig=sos senast="+due)))
	txt, _ := w.mmCmd("u_sam", "status ssr")
	for _, want := range []string{"Ordinarie läge", "Pågående konferens: #1", "Budskap under godkännande: #1: 0 av 3 har godkänt", "Öppna åtgärder: #1 Kartlägg reservkraft – ansvarig SOS Alarm, senast " + due} {
		if !strings.Contains(txt, want) {
			t.Errorf("status lacks %q:\n%s", want, txt)
		}
	}
}

// TestCAPFromBothPlatforms releases a statement with an area and an
// English text, asks for its CAP alert on each platform (a file in the
// caller's direct messages), replaces it, and withdraws the replacement:
// the channels on both platforms are told, and the alert is a Cancel.
func TestCAPFromBothPlatforms(t *testing.T) {
	w := statementWorld(t)
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="`+firstText+`" område="Norrort" engelska="Avoid travel in Norrort tonight."`)))
	w.deliver()
	if !strings.Contains(mmTexts(w.mmDM("u_kim")), "Avoid travel in Norrort tonight.") {
		t.Fatalf("the approvers were not shown the English text they approve:\n%s", mmTexts(w.mmDM("u_kim")))
	}
	if txt, _ := w.mmCmd("u_kim", "budskap cap 1"); !strings.Contains(txt, "utkast") || !strings.Contains(txt, "budskap publicera 1") {
		t.Errorf("the CAP of a draft: %s", txt)
	}
	w.approveMM("u_kim")
	w.approveMM("u_klara")
	w.approveSlack("U_STINA")
	w.waitApproved(1, 3)
	w.must(w.mustText(w.mmCmd("u_klara", "budskap publicera 1")))
	w.must(w.mustText(w.mmCmd("u_kim", "budskap cap 1")))
	w.must(w.slCmd("U_STINA", "statement cap 1"))
	w.deliver()
	var mmCAP string
	for _, f := range w.mm.Files() {
		if f.Channel == mmtest.DMChannel("u_kim") && strings.HasSuffix(f.Name, ".xml") {
			mmCAP = string(f.Content)
		}
	}
	if !strings.Contains(mmCAP, "<msgType>Alert</msgType>") || !strings.Contains(mmCAP, "<areaDesc>Norrort</areaDesc>") || !strings.Contains(mmCAP, "<language>en-GB</language>") {
		t.Fatalf("kim's CAP file on mattermost:\n%s", mmCAP)
	}
	if ups := w.sl.Uploads(); len(ups) != 1 || !strings.Contains(string(ups[0]), "Avoid travel in Norrort tonight.") {
		t.Fatalf("slack uploads: %d", len(ups))
	}
	w.must(w.mustText(w.mmCmd("u_klara", `budskap utkast ssr text="Norrort är öppet igen." ersätter=1`)))
	w.deliver()
	w.approveMM("u_kim")
	w.approveMM("u_klara")
	w.approveSlack("U_STINA")
	w.waitApproved(2, 3)
	w.must(w.mustText(w.mmCmd("u_klara", "budskap publicera 2")))
	w.must(w.mustText(w.mmCmd("u_klara", "budskap återkalla 2")))
	w.deliver()
	for name, got := range map[string]string{"mattermost": mmTexts(w.mm.Posts(mmChannel)), "slack": slTexts(w.sl.Posts(slChannel))} {
		if !strings.Contains(got, "gäller inte längre") {
			t.Errorf("%s was not told that statement 2 no longer applies", name)
		}
	}
	kim, err := w.env.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: "u_kim", Username: "kim"})
	if err != nil {
		t.Fatal(err)
	}
	_, doc, err := w.env.Bot.Statements.CAP(kim, 2)
	if err != nil || !strings.Contains(string(doc), "<msgType>Cancel</msgType>") {
		t.Errorf("statement 2's alert after the withdrawal (%v):\n%s", err, doc)
	}
}
