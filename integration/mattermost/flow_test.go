//go:build integration

package mattermost_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost"
	"samverkan/bot"
)

// The whole flow, as people on a real Mattermost server meet it: each
// step asserts on what someone sees. The steps are those the first wave's
// run against a real server walked, plus each behaviour the fakes had hidden
// (multi-mention commands, a channel without the bot, an unreachable
// member, dialog answers, AMBER in a channel with an outsider, mass
// mentions in released text, a restart).
func TestWholeFlowOnARealServer(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	ch := w.channel.Id

	// While Mattermost may not call the bot, commands fail in Mattermost
	// and /healthz says no request has come, rather than "ok".
	w.step("healthz tells when Mattermost cannot reach the bot", func(t *testing.T) {
		w.s.AllowLoopback(t, false)
		if _, _, err := w.people["admin"].Client.ExecuteCommand(ctx, ch, "/samverkan hjälp"); err == nil {
			t.Fatal("Mattermost reached the bot without being allowed to call 127.0.0.1")
		}
		must(t, w.health()["inbound"], "no request from Mattermost")
		must(t, w.health()["outbound"], "ok")
		w.s.AllowLoopback(t, true)
		must(t, w.run("admin", ch, "hjälp"), "forum")
		must(t, w.health()["inbound"], "last request")
	})

	// Registry, as the admin types it; mentions arrive as Mattermost sends
	// them (one repeated key per mention).
	w.step("registry with mentions as Mattermost sends them", func(t *testing.T) {
		for _, c := range [][2]string{
			{`aktör lägg-till lst "Länsstyrelsen Stockholm"`, "Länsstyrelsen Stockholm"},
			{`aktör lägg-till sos "SOS Alarm"`, "SOS Alarm"},
			{`aktör lägg-till pol "Polisen Region Stockholm"`, "Polisen Region Stockholm"},
			{`forum skapa ssr "Regional samverkanskonferens" nivå=samordnande värd=lst`, "Regional samverkanskonferens"},
			{`forum anslut ssr sos pol`, "sos, pol är nu med i forum ssr"},
			{`medlem lägg-till @admin aktör=lst roll=medlem`, "admin"},
			{`medlem lägg-till @tove aktör=lst roll=tib,ordförande`, "tove"},
			{`medlem lägg-till @klara aktör=lst roll=kommunikatör,rkk`, "klara"},
			{`medlem lägg-till @sam aktör=sos roll=tib,kommunikatör`, "sam"},
			{`medlem lägg-till @otto aktör=pol roll=medlem`, "otto"},
		} {
			must(t, w.run("admin", ch, c[0]), c[1])
		}
		must(t, w.run("admin", ch, "forum kanal ssr"), "kopplad till forum ssr")
		must(t, w.run("sam", ch, "forum visa ssr"), "Regional samverkanskonferens", "SOS Alarm", "Polisen Region Stockholm")
	})

	// A channel the bot is not in is not bound; the admin hears how to
	// add the bot, and after /invite it binds.
	w.step("a channel without the bot is not bound", func(t *testing.T) {
		other, _, err := w.s.Admin.CreateChannel(ctx, &model.Channel{TeamId: w.team.Id, Name: "ovning", DisplayName: "Övning", Type: model.ChannelTypeOpen})
		if err != nil {
			t.Fatal(err)
		}
		must(t, w.run("admin", ch, `forum skapa ovn "Övningsforum" nivå=samordnande värd=lst`), "ovn")
		must(t, w.run("admin", other.Id, "forum kanal ovn"), "/invite @samverkan")
		if _, _, err := w.s.Admin.AddChannelMember(ctx, other.Id, w.botUser.Id); err != nil {
			t.Fatal(err)
		}
		must(t, w.run("admin", other.Id, "forum kanal ovn"), "kopplad till forum ovn")
	})

	// Activation: the banner in the channel, a call-in for Sam, and the
	// banner edited in place when he acknowledges with the button. Otto's
	// account is deactivated, which Mattermost does not refuse posts for:
	// the bot asks, and Tove, who activated, is told he was not reached.
	w.step("activation, call-in, acknowledgement, unreachable member", func(t *testing.T) {
		if _, err := w.s.Admin.UpdateUserActive(ctx, w.people["otto"].User.Id, false); err != nil {
			t.Fatal(err)
		}
		must(t, w.run("tove", ch, "aktivera ssr"), "ssr")
		var banner *model.Post
		waitFor(t, "the activation banner", func() bool {
			banner = find(w.posts(ch), "AKTIVERAT: Regional samverkanskonferens")
			return banner != nil
		})
		var callin *model.Post
		waitFor(t, "Sam's call-in", func() bool { callin = find(w.dmPosts("sam"), "Kvittera för SOS Alarm"); return callin != nil })
		w.click("sam", callin, "Kvittera")
		waitFor(t, "the banner to show Sam's acknowledgement", func() bool {
			for _, p := range w.posts(ch) {
				if p.Id == banner.Id {
					return strings.Contains(text(p), "Kvitterat (1")
				}
			}
			return false
		})
		waitForWithin(t, time.Minute, "Tove to hear that Otto could not be reached", func() bool {
			p := find(w.dmPosts("tove"), "Nådde inte fram")
			return p != nil && strings.Contains(text(p), "otto (Polisen Region Stockholm)") && strings.Contains(text(p), "kontot är inaktiverat")
		}, w.bot.log.String)
		// Otto cannot log in to look; the bot's own view of the channel.
		dm, _, err := w.botClient().CreateDirectChannel(ctx, w.botUser.Id, w.people["otto"].User.Id)
		if err != nil {
			t.Fatal(err)
		}
		if list, _, err := w.botClient().GetPostsForChannel(ctx, dm.Id, 0, 50, "", false, false); err != nil || len(list.Order) != 0 {
			t.Errorf("a call-in was left where nobody reads it (%v)", err)
		}
		must(t, w.run("tove", ch, "status ssr"), "Nådde inte fram (1)", "otto")
	})

	// A report by dialog: the form opens in Sam's client, a wrong field is
	// named in the form, and the answer reaches him as a direct message.
	w.step("report dialog answers by direct message", func(t *testing.T) {
		before := len(w.people["sam"].Events(model.WebsocketEventOpenDialog))
		w.run("sam", ch, "lägesbild ny ssr")
		var open model.OpenDialogRequest
		waitFor(t, "the report form to open for Sam", func() bool {
			evs := w.people["sam"].Events(model.WebsocketEventOpenDialog)
			if len(evs) == before {
				return false
			}
			raw, _ := evs[len(evs)-1].GetData()["dialog"].(string)
			return json.Unmarshal([]byte(raw), &open) == nil
		})
		if open.Dialog.CallbackId == "" || len(open.Dialog.Elements) == 0 {
			t.Fatalf("form: %+v", open.Dialog)
		}
		submit := func(fields map[string]any) *model.SubmitDialogResponse {
			t.Helper()
			resp, _, err := w.people["sam"].Client.SubmitInteractiveDialog(ctx, model.SubmitDialogRequest{
				URL: open.URL, CallbackId: open.Dialog.CallbackId, State: open.Dialog.State,
				UserId: w.people["sam"].User.Id, ChannelId: ch, TeamId: w.team.Id, Submission: fields,
			})
			if err != nil {
				t.Fatalf("submitting the form: %v\n%s", err, w.bot.log.String())
			}
			return resp
		}
		if r := submit(map[string]any{"fakta": "Ledningscentralen bemannad.", "tlp": "LILA"}); r.Errors["tlp"] == "" {
			t.Fatalf("a wrong label was not named in the form: %+v", r)
		}
		if r := submit(map[string]any{"fakta": "Ledningscentralen bemannad.", "tlp": "GREEN"}); r.Error != "" || len(r.Errors) > 0 {
			t.Fatalf("form refused: %+v", r)
		}
		waitFor(t, "Sam's confirmation", func() bool {
			return find(w.dmPosts("sam"), "Lägesbild #1 (version 1) för sos är sparad") != nil
		})
		if got := w.people["sam"].ephemeral(); strings.Contains(got, "Lägesbild #1") {
			t.Errorf("the answer was tried as an ephemeral post, which a bot account may not make: %s", got)
		}
	})

	// TLP:RED for two named people (two mentions in one command, which
	// Mattermost sends as repeated keys): they can read it, nobody else
	// can, and the channel never sees it.
	w.step("RED report for two named people", func(t *testing.T) {
		must(t, w.run("sam", ch, `lägesbild ny ssr fakta="Bara för några." tlp=RED till=@tove,@klara`), "sparad")
		for _, who := range []string{"tove", "klara"} {
			must(t, w.run(who, ch, "lägesbild visa ssr sos"), "Bara för några.", "TLP:RED")
		}
		if got := w.run("admin", ch, "lägesbild visa ssr sos"); strings.Contains(got, "Bara för några.") {
			t.Fatalf("the admin, not named, reads the RED report:\n%s", got)
		}
		for _, p := range w.posts(ch) {
			if strings.Contains(text(p), "Bara för några.") {
				t.Fatalf("the RED report reached the channel: %s", text(p))
			}
		}
	})

	// AMBER into a channel with someone outside the forum: refused, and
	// the answer names him.
	w.step("AMBER refused where an outsider reads", func(t *testing.T) {
		must(t, w.run("sam", ch, `lägesbild ny ssr fakta="Reservkraft i Norrort." tlp=AMBER`), "sparad")
		if _, _, err := w.s.Admin.AddChannelMember(ctx, ch, w.people["ulf"].User.Id); err != nil {
			t.Fatal(err)
		}
		must(t, w.run("tove", ch, "lägesbild dela ssr"), "@ulf", "inte aktiva medlemmar")
		if _, err := w.s.Admin.RemoveUserFromChannel(ctx, ch, w.people["ulf"].User.Id); err != nil {
			t.Fatal(err)
		}
		w.run("tove", ch, "lägesbild dela ssr")
		waitFor(t, "the shared picture", func() bool { return find(w.posts(ch), "Reservkraft i Norrort.") != nil })
	})

	// The picture as a file, in the asker's direct messages.
	w.step("export as a file", func(t *testing.T) {
		w.run("tove", ch, "lägesbild export ssr")
		var export *model.Post
		waitFor(t, "the exported picture", func() bool {
			for _, p := range w.dmPosts("tove") {
				if len(p.FileIds) > 0 {
					export = p
				}
			}
			return export != nil
		})
		body, _, err := w.people["tove"].Client.GetFile(ctx, export.FileIds[0])
		if err != nil {
			t.Fatal(err)
		}
		must(t, string(body), "Reservkraft i Norrort.", "TLP:AMBER")
	})

	// The weekly conference: agenda, a decision, minutes.
	w.step("conference agenda, decision, minutes", func(t *testing.T) {
		w.run("tove", ch, "konferens starta ssr")
		waitFor(t, "the agenda", func() bool { return find(w.posts(ch), "Samverkanskonferens: Regional samverkanskonferens") != nil })
		w.run("sam", ch, "närvarande")
		must(t, w.run("tove", ch, "beslut Länsstyrelsen samordnar information om elavbrottet"), "Beslut 1 är protokollfört")
		w.run("tove", ch, "konferens avsluta")
		waitFor(t, "the minutes", func() bool {
			p := find(w.posts(ch), "Protokoll: Regional samverkanskonferens")
			return p != nil && strings.Contains(text(p), "Länsstyrelsen samordnar information om elavbrottet")
		})
	})

	// The scheduled meeting with someone in the channel who is not a
	// member of the forum's actors: it opens all the same, the channel
	// gets what it may see and a notice naming him, the members get the
	// agenda directly, the chair is told, and no timer fails. The bot runs
	// on the wall clock, so the meeting is scheduled a minute or two ahead.
	w.step("the scheduled meeting opens with a non-member in the channel", func(t *testing.T) {
		if _, _, err := w.s.Admin.AddChannelMember(ctx, ch, w.people["ulf"].User.Id); err != nil {
			t.Fatal(err)
		}
		now := time.Now().In(stockholm)
		at := now.Truncate(time.Minute).Add(time.Minute)
		if at.Sub(now) < 20*time.Second {
			at = at.Add(time.Minute)
		}
		must(t, w.run("tove", ch, "konferens schema ssr dagligen "+at.Format("15:04")), at.Format("15:04"))
		title := "Samverkanskonferens: Regional samverkanskonferens " + at.Format("2006-01-02 15:04")
		var agenda *model.Post
		waitForWithin(t, at.Sub(time.Now())+30*time.Second, "the scheduled agenda", func() bool {
			agenda = find(w.posts(ch), title)
			return agenda != nil
		}, w.bot.log.String)
		must(t, text(agenda), "TLP:GREEN", "har deltagare som inte är medlemmar")
		if strings.Contains(text(agenda), "TLP:AMBER:") {
			t.Errorf("AMBER content where a non-member reads:\n%s", text(agenda))
		}
		waitFor(t, "the notice naming him", func() bool { return find(w.posts(ch), "@ulf är inte aktiva medlemmar hos forumets aktörer") != nil })
		waitFor(t, "the agenda in Sam's direct messages", func() bool {
			p := find(w.dmPosts("sam"), title)
			return p != nil && strings.Contains(text(p), "TLP:AMBER")
		})
		waitFor(t, "word to the chair", func() bool { return find(w.dmPosts("tove"), "är öppet, men i") != nil })
		if strings.Contains(w.bot.log.String(), "timer failed") {
			t.Errorf("a timer failed:\n%s", w.bot.log.String())
		}
		must(t, w.run("tove", ch, "konferens avsluta"), "avslutad")
		must(t, w.run("tove", ch, "konferens schema ssr av"), "")
		if _, err := w.s.Admin.RemoveUserFromChannel(ctx, ch, w.people["ulf"].User.Id); err != nil {
			t.Fatal(err)
		}
	})

	// A statement whose text would notify the whole channel: approved
	// with the buttons, released, and nobody's mention count moves. The
	// same text posted raw by the bot's token in a control channel does
	// notify, so the real server would have.
	w.step("statement released without notifying the channel", func(t *testing.T) {
		hostile := "Till @channel_ och @all: undvik Norrort i kväll."
		control, _, err := w.s.Admin.CreateChannel(ctx, &model.Channel{TeamId: w.team.Id, Name: "kontroll", DisplayName: "Kontroll", Type: model.ChannelTypeOpen})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{w.people["tove"].User.Id, w.botUser.Id} {
			if _, _, err := w.s.Admin.AddChannelMember(ctx, control.Id, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := w.botClient().CreatePost(ctx, &model.Post{ChannelId: control.Id, Message: hostile}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the control post to notify Tove", func() bool { return mentions(t, w, control.Id, "tove") > 0 })

		base := mentions(t, w, ch, "tove") // 1: Mattermost's "added to the channel"

		must(t, w.run("klara", ch, `budskap utkast ssr text="`+hostile+`"`), "Godkännare (2)")
		for _, who := range []string{"klara", "sam"} {
			var ask *model.Post
			waitFor(t, who+"'s approval request", func() bool {
				ask = find(w.dmPosts(who), "Godkänn")
				return ask != nil && button(ask, "Godkänn") != ""
			})
			w.click(who, ask, "Godkänn")
		}
		var root *model.Post
		waitFor(t, "both approvals on the draft", func() bool {
			root = find(w.posts(ch), "Samordnat budskap #1 (utkast)")
			return root != nil && strings.Contains(text(root), "Godkännare (2 av 2)")
		})
		w.click("klara", root, "Publicera")
		waitFor(t, "the released statement", func() bool {
			p := find(w.posts(ch), "Samordnat budskap till")
			return p != nil && strings.Contains(text(p), "undvik Norrort i kväll")
		})
		if got := mentions(t, w, ch, "tove"); got != base {
			t.Errorf("Tove's mention count in the forum channel went from %d to %d: the bot's post notified the channel", base, got)
		}
	})

	// The released statement as a CAP 1.2 alert, a file in the asker's
	// direct messages.
	w.step("CAP alert of the released statement", func(t *testing.T) {
		must(t, w.run("sam", ch, "budskap cap 1"), "cap-ssr-1.xml")
		must(t, w.fileIn(t, "sam", "cap-ssr-1.xml"), "<msgType>Alert</msgType>", "<scope>Public</scope>", "urn:oasis:names:tc:emergency:cap:1.2")
	})

	// An information request answered through its button's dialog; the
	// asker is told the answer.
	w.step("information request answered through the button's dialog", func(t *testing.T) {
		must(t, w.run("tove", ch, "begäran ny ssr Hur många samtal väntar? till=sos"), "Begäran #1")
		var ask *model.Post
		waitFor(t, "Sam's request", func() bool {
			ask = find(w.dmPosts("sam"), "Begäran #1 från")
			return ask != nil && button(ask, "Svara") != ""
		})
		before := len(w.people["sam"].Events(model.WebsocketEventOpenDialog))
		w.click("sam", ask, "Svara")
		var open model.OpenDialogRequest
		waitFor(t, "the answer form to open for Sam", func() bool {
			evs := w.people["sam"].Events(model.WebsocketEventOpenDialog)
			if len(evs) == before {
				return false
			}
			raw, _ := evs[len(evs)-1].GetData()["dialog"].(string)
			return json.Unmarshal([]byte(raw), &open) == nil
		})
		resp, _, err := w.people["sam"].Client.SubmitInteractiveDialog(ctx, model.SubmitDialogRequest{
			URL: open.URL, CallbackId: open.Dialog.CallbackId, State: open.Dialog.State,
			UserId: w.people["sam"].User.Id, ChannelId: ch, TeamId: w.team.Id, Submission: map[string]any{"text": "Tolv samtal i kö.", "tlp": "GREEN"},
		})
		if err != nil || resp.Error != "" || len(resp.Errors) > 0 {
			t.Fatalf("submitting the answer: %v %+v\n%s", err, resp, w.bot.log.String())
		}
		waitFor(t, "Tove to be told the answer", func() bool {
			p := find(w.dmPosts("tove"), "Svar på begäran #1")
			return p != nil && strings.Contains(text(p), "Tolv samtal i kö.")
		})
		must(t, w.run("tove", ch, "begäran visa 1"), "Svar (1 av 1)", "Tolv samtal i kö.")
	})

	// A forum below ssr: its GREEN picture goes up into ssr's.
	w.step("roll-up from a forum below", func(t *testing.T) {
		for _, c := range [][2]string{
			{`forum skapa kista "Kista krisledning" nivå=verkställande värd=sos`, "kista"},
			{`forum anslut kista lst`, "lst"},
			{`forum överordnat kista ssr`, "rapporterar nu till ssr"},
		} {
			must(t, w.run("admin", ch, c[0]), c[1])
		}
		must(t, w.run("sam", ch, `lägesbild ny kista fakta="Trygghetspunkt öppen i Kista." tlp=GREEN`), "sparad")
		must(t, w.run("tove", ch, "lägesbild samlad ssr"), "↑ Kista krisledning · SOS Alarm", "Trygghetspunkt öppen i Kista.")
	})

	// The after-action report of the running activation, a file.
	w.step("after-action report as a file", func(t *testing.T) {
		must(t, w.run("tove", ch, "övning notering ssr Sambandet fungerade."), "Noterat")
		must(t, w.run("tove", ch, "aktivering rapport ssr"), "efterhandsrapport-ssr-1.md")
		must(t, w.fileIn(t, "tove", "efterhandsrapport-ssr-1.md"), "Efterhandsrapport: Regional samverkanskonferens", "Sambandet fungerade.", "SOS Alarm")
	})

	// A Norwegian command word is answered in Norwegian; a forum made
	// Norwegian answers in Norwegian to Swedish words.
	w.step("Norwegian words and a Norwegian forum", func(t *testing.T) {
		must(t, w.run("sam", ch, "hjelp"), "det du kan gjøre")
		must(t, w.run("admin", ch, "forum språk kista nb"), "Forum kista får nå alt på norsk")
		must(t, w.run("sam", ch, `lägesbild ny kista fakta="Strømmen er tilbake." tlp=GREEN`), "Situasjonsbilde #", "er lagret")
		must(t, w.run("tove", ch, "status kista"), "Normal modus", "Ingen aktivering pågår")
	})

	// A message sent again after a crash, long after the server forgot its
	// pending_post_id, is found by the key the post keeps and not posted
	// twice: the post property survives on the real server.
	w.step("a resend finds its post", func(t *testing.T) {
		a := mattermost.New(nil, w.s.URL, w.bot.token, nil, "", nil, nil)
		msg := bot.Message{Text: "Provmeddelande"}
		first, err := a.Post(ctx, "integration:resend", ch, "", msg)
		if err != nil {
			t.Fatal(err)
		}
		again, err := a.Post(bot.Resending(ctx), "integration:resend", ch, "", msg)
		if err != nil || len(again) != 1 || again[0] != first[0] {
			t.Fatalf("resend: %v %v, want %v", again, err, first)
		}
		n := 0
		for _, p := range w.posts(ch) {
			if p.Message == "Provmeddelande" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d posts, want 1", n)
		}
	})

	// A restart (SIGTERM, then serve again) keeps everything.
	w.step("restart keeps everything", func(t *testing.T) {
		w.bot.stop(t)
		w.bot.start(t)
		must(t, w.run("tove", ch, "status ssr"), "Regional samverkanskonferens", "Nådde inte fram (1)")
		must(t, w.run("sam", ch, "konferens protokoll ssr #1"), "Länsstyrelsen samordnar information om elavbrottet")
	})
}

// step runs one step of the flow as a subtest; the flow stops at the
// first step that fails, since the later ones build on it.
func (w *world) step(name string, f func(t *testing.T)) {
	parent := w.t
	parent.Helper()
	ok := parent.Run(name, func(t *testing.T) {
		w.t = t
		defer func() { w.t = parent }()
		f(t)
	})
	if !ok {
		parent.FailNow()
	}
}

// botClient calls Mattermost with the bot's own token.
func (w *world) botClient() *model.Client4 {
	c := model.NewAPIv4Client(w.s.URL)
	c.SetToken(w.bot.token)
	return c
}

// health is what /healthz says about Mattermost.
func (w *world) health() map[string]string {
	w.t.Helper()
	resp, err := http.Get("http://" + w.bot.addr + "/healthz")
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Mattermost map[string]string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		w.t.Fatal(err)
	}
	return out.Mattermost
}

// mentions is how many unread mentions a person has in a channel.
func mentions(t *testing.T, w *world, channel, who string) int64 {
	t.Helper()
	m, _, err := w.s.Admin.GetChannelMember(context.Background(), channel, w.people[who].User.Id, "")
	if err != nil {
		t.Fatal(err)
	}
	return m.MentionCount
}

var stockholm = func() *time.Location {
	l, err := time.LoadLocation("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return l
}()

// fileIn is the content of the newest file named name in who's direct
// messages, waited for.
func (w *world) fileIn(t *testing.T, who, name string) string {
	t.Helper()
	var body []byte
	waitFor(t, name+" in "+who+"'s direct messages", func() bool {
		for _, p := range w.dmPosts(who) {
			for _, id := range p.FileIds {
				info, _, err := w.people[who].Client.GetFileInfo(context.Background(), id)
				if err != nil || info.Name != name {
					continue
				}
				if b, _, err := w.people[who].Client.GetFile(context.Background(), id); err == nil {
					body = b
				}
			}
		}
		return body != nil
	})
	return string(body)
}
