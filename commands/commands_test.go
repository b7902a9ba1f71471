package commands_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/commands"
)

// users resolves @name to a Mattermost identity u_name.
type users struct{}

func (users) ResolveUser(_ context.Context, m string) (bot.Identity, error) {
	name := strings.TrimPrefix(m, "@")
	if name == "" || strings.ContainsAny(name, " <>") || name == "nobody" {
		return bot.Identity{}, bot.Errorf(bot.EINVALID, "err.unknown_user", "User", m)
	}
	return bot.Identity{Platform: bot.Mattermost, UserID: "u_" + name, Username: name}, nil
}

type world struct {
	t   testing.TB
	env *bottest.Env
	e   *commands.Engine
}

func newWorld(t *testing.T) *world { return newWorldTB(t) }

func newWorldTB(t testing.TB) *world {
	env := bottest.NewEnv(t)
	return &world{t: t, env: env, e: commands.New(env.Bot, "sv")}
}

var forumChan = bot.Channel{Platform: bot.Mattermost, ID: "ch_forum", Name: "forum"}

func (w *world) as(user, text string) commands.Reply {
	w.t.Helper()
	id := bot.Identity{Platform: bot.Mattermost, UserID: "u_" + user, Username: user}
	c, err := w.env.Bot.Caller(id)
	if err != nil {
		w.t.Fatal(err)
	}
	return w.e.Run(context.Background(), commands.Request{Caller: c, Channel: forumChan, Text: text, Users: users{}})
}

func (w *world) ok(user, text string) commands.Reply {
	w.t.Helper()
	r := w.as(user, text)
	if r.Failed {
		w.t.Fatalf("%s> %s: %s", user, text, r.Message.Text)
	}
	return r
}

func (w *world) setup() {
	for _, s := range []string{
		`aktör lägg-till lst "Länsstyrelsen Stockholm"`,
		`aktör lägg-till sos "SOS Alarm"`,
		`forum skapa ssr "Regional samverkan" nivå=samordnande värd=lst`,
		`forum kanal ssr`,
		`forum anslut ssr sos`,
		`medlem lägg-till @tove aktör=lst roll=tib`,
		`medlem lägg-till @sam aktör=sos roll=medlem`,
	} {
		w.ok("admin", s)
	}
}

// snapshot is everything a user could see change.
func (w *world) snapshot() string {
	var b strings.Builder
	_ = w.env.Store.View(func(tx bot.Tx) error {
		for _, bucket := range []string{bot.BucketForums, bot.BucketActors, bot.BucketMembers, bot.BucketIdentities, bot.BucketChannels, bot.BucketAudit, bot.BucketOutbox} {
			_ = tx.ForEach(bucket, "", func(k string, d func(any) error) error {
				var v json.RawMessage
				_ = d(&v)
				b.WriteString(bucket + "/" + k + " = " + string(v) + "\n")
				return nil
			})
		}
		return nil
	})
	return b.String()
}

func TestMalformedCommandsChangeNothing(t *testing.T) {
	w := newWorld(t)
	w.setup()
	before := w.snapshot()
	tests := []struct {
		name, text string
		want       []string // in the one-line error
		usage      string   // the usage line shown
	}{
		{"UnknownSubcommand", `forum flyga ssr`, []string{"forum flyga", "finns inte"}, "forum skapa"},
		{"MissingArgument", `aktör lägg-till pol`, []string{"saknas"}, `aktör lägg-till A "Namn"`},
		{"UnbalancedQuote", `forum skapa x "trasig`, []string{"citattecken"}, ""},
		{"UnknownRole", `medlem lägg-till @otto aktör=lst roll=trollkarl`, []string{"Okänd roll", "trollkarl"}, "medlem lägg-till"},
		{"UnknownForum", `forum anslut nope sos`, []string{"Okänt forum", "nope"}, "forum anslut"},
		{"UnknownActor", `forum anslut ssr pol`, []string{"Okänd aktör", "pol"}, "forum anslut"},
		{"UnknownLevel", `forum skapa x "X" nivå=högsta`, []string{"Okänd nivå"}, "forum skapa"},
		{"BadHandle", `aktör lägg-till "Ö Ö" "Namn"`, []string{"duger inte som id"}, "aktör lägg-till"},
		{"UnknownKey", `forum skapa x "X" nivå=samordnande färg=röd`, []string{"farg"}, "forum skapa"},
		{"TooManyArgs", `forum skapa x Två ord nivå=samordnande`, []string{"För många"}, "forum skapa"},
		{"UnknownCommand", `flyga`, []string{"Okänt kommando", "hjälp"}, ""},
		{"DuplicateForum", `forum skapa ssr "Igen" nivå=samordnande`, []string{"finns redan"}, ""},
		{"UnknownUser", `medlem lägg-till @nobody aktör=lst roll=medlem`, []string{"Hittar ingen användare"}, "medlem lägg-till"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := w.as("admin", tt.text)
			if !r.Failed {
				t.Fatalf("%q was accepted: %s", tt.text, r.Message.Text)
			}
			first, _, _ := strings.Cut(r.Message.Text, "\n")
			for _, s := range tt.want {
				if !strings.Contains(first, s) {
					t.Errorf("error line %q lacks %q", first, s)
				}
			}
			if tt.usage != "" && !strings.Contains(r.Message.Text, "/samverkan "+tt.usage) {
				t.Errorf("reply %q does not show usage %q", r.Message.Text, tt.usage)
			}
			if r.Public {
				t.Error("error shown to the whole channel")
			}
			if after := w.snapshot(); after != before {
				t.Errorf("store changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

func TestNonAdminRefused(t *testing.T) {
	w := newWorld(t)
	w.setup()
	before := w.snapshot()
	for _, text := range []string{`forum skapa hack "Hack" nivå=samordnande`, `aktör lägg-till x "X"`, `medlem ta-bort tove`, `forum kanal ssr`} {
		r := w.as("sam", text)
		if !r.Failed || !strings.Contains(r.Message.Text, "behörighet") {
			t.Errorf("sam> %s = %q, want a refusal", text, r.Message.Text)
		}
	}
	if w.snapshot() != before {
		t.Error("a refused command changed the store")
	}
}

func TestHelpListsOnlyWhatCallerMayDo(t *testing.T) {
	w := newWorld(t)
	w.setup()
	admin := w.ok("admin", "hjälp").Message.Text
	member := w.ok("sam", "hjälp").Message.Text
	stranger := w.ok("otto", "help").Message.Text
	if !strings.Contains(admin, "forum skapa") || !strings.Contains(admin, "medlem lägg-till") {
		t.Errorf("admin help lacks admin commands:\n%s", admin)
	}
	if strings.Contains(member, "forum skapa") || !strings.Contains(member, "medlem lista") {
		t.Errorf("member help wrong:\n%s", member)
	}
	if strings.Contains(stranger, "medlem lista") || !strings.Contains(stranger, "forum list") || !strings.Contains(stranger, "not registered") {
		t.Errorf("stranger help (English) wrong:\n%s", stranger)
	}
}

func TestEnglishAliasesDiacriticsAndForumFromChannel(t *testing.T) {
	w := newWorld(t)
	w.setup()
	r := w.ok("admin", `actor add pol "Polisen"`)
	if !strings.Contains(r.Message.Text, "is added") {
		t.Errorf("English command got %q, want an English answer", r.Message.Text)
	}
	w.ok("admin", `aktor lagg-till sthlm "Stockholms stad"`)
	// The channel is bound to ssr only, so the forum may be left out.
	w.ok("admin", `forum anslut pol sthlm`)
	show := w.ok("sam", "forum visa").Message
	text := bottest.Text(show)
	for _, s := range []string{"Polisen (pol)", "Stockholms stad (sthlm)", "Länsstyrelsen Stockholm (lst) — värd", "mattermost: forum"} {
		if !strings.Contains(text, s) {
			t.Errorf("forum visa lacks %q:\n%s", s, text)
		}
	}
}

func TestMemberAddUpdateAndSecondIdentity(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.ok("admin", `medlem lägg-till @tove aktör=lst roll=tib,kommunikatör namn="Tove T"`)
	var m *bot.Member
	_ = w.env.Store.View(func(tx bot.Tx) (err error) { m, err = bot.GetMember(tx, "tove"); return })
	if m == nil || !m.Has(bot.RoleCommunicator) || !m.Has(bot.RoleDutyOfficer) || m.Name != "Tove T" {
		t.Fatalf("tove = %+v, want updated roles and name", m)
	}
	// The same person on Slack, added to the same member.
	id := bot.Identity{Platform: bot.Slack, UserID: "U1", Username: "tove"}
	if _, created, err := w.env.Bot.Registry.AddMember(context.Background(), w.env.AdminCaller(), bot.Member{ID: "tove", Actor: "lst", Roles: m.Roles}, id); err != nil || created {
		t.Fatalf("second identity: created=%v err=%v", created, err)
	}
	c, _ := w.env.Bot.Caller(id)
	if c.Member == nil || c.Member.ID != "tove" || len(c.Member.Identities) != 2 {
		t.Fatalf("caller from Slack = %+v, want member tove with two identities", c.Member)
	}
	ask := w.ok("admin", "medlem ta-bort @tove")
	want := bot.Action{Kind: bot.ActRemoveMember, Member: "tove", Confirm: true}
	if len(ask.Message.Buttons) != 1 || ask.Message.Buttons[0].Action != want {
		t.Fatalf("no confirmation asked: %+v", ask.Message)
	}
	if got := w.e.ActionText(want, "sv"); got != "medlem ta-bort tove bekräfta" {
		t.Errorf("the button reads as %q in the terminal", got)
	}
	if c, _ = w.env.Bot.Caller(id); c.Member == nil {
		t.Fatal("removed before confirmation")
	}
	admin, _ := w.env.Bot.Caller(bottest.Admin)
	if r := w.e.Act(context.Background(), commands.Request{Caller: admin, Channel: forumChan, Users: users{}}, want); r.Failed {
		t.Fatalf("pressing the confirmation: %s", r.Message.Text)
	}
	c, _ = w.env.Bot.Caller(id)
	if c.Member != nil {
		t.Fatal("removed member still resolves from Slack")
	}
}

func TestFormOpensAndSubmitReportsFieldErrors(t *testing.T) {
	w := newWorld(t)
	w.setup()
	c, _ := w.env.Bot.Caller(bottest.Admin)
	req := commands.Request{Caller: c, Channel: forumChan, Text: "forum skapa", Users: users{}, CanOpenForms: true}
	r := w.e.Run(context.Background(), req)
	if r.Form == nil || r.Form.Command != "forum skapa" || len(r.Form.Fields) != 4 {
		t.Fatalf("no form: %+v", r)
	}
	before := w.snapshot()
	bad := w.e.Submit(context.Background(), req, r.Form.Command, map[string]string{"id": "ny", "namn": "Nytt", "niva": "fel", "vard": "lst"})
	if !bad.Failed || bad.FieldErrors["niva"] == "" {
		t.Fatalf("bad level: %+v, want a field error on niva", bad)
	}
	if w.snapshot() != before {
		t.Fatal("a rejected form stored something")
	}
	good := w.e.Submit(context.Background(), req, r.Form.Command, map[string]string{"id": "ny", "namn": "Nytt forum", "niva": "operational", "vard": "lst"})
	if good.Failed {
		t.Fatalf("good form failed: %s", good.Message.Text)
	}
	var f *bot.Forum
	_ = w.env.Store.View(func(tx bot.Tx) (err error) { f, err = bot.GetForum(tx, "ny"); return })
	if f == nil || f.Name != "Nytt forum" || f.Level != bot.LevelOperational || f.Host != "lst" {
		t.Fatalf("stored forum = %+v", f)
	}
	// A stranger does not even get the form.
	stranger, _ := w.env.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: "u_otto"})
	req.Caller = stranger
	if r := w.e.Run(context.Background(), req); r.Form != nil || !r.Failed {
		t.Fatalf("stranger got %+v, want a refusal", r)
	}
}

func TestChannelBindingAnnouncedToOtherChannels(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.env.Deliver(t)
	slackChan := bot.Channel{Platform: bot.Mattermost, ID: "ch_other", Name: "other"}
	if err := w.env.Bot.Registry.BindChannel(context.Background(), w.env.AdminCaller(), "ssr", slackChan); err != nil {
		t.Fatal(err)
	}
	w.env.Deliver(t)
	var toForum []string
	for _, s := range w.env.Platform.Sent() {
		if s.Channel == "ch_forum" {
			toForum = append(toForum, s.Message.Text)
		}
	}
	if len(toForum) != 3 || !strings.Contains(toForum[0], "kopplade kanalen hit") || !strings.Contains(toForum[1], "SOS Alarm") || !strings.Contains(toForum[2], "other") {
		t.Fatalf("forum channel got %q, want the welcome, the join and the new channel", toForum)
	}
}

func TestForumWithHostRegisteredLater(t *testing.T) {
	w := newWorld(t)
	r := w.ok("admin", `forum skapa ssr "Regional" nivå=samordnande värd=lst`)
	if !strings.Contains(r.Message.Text, "värdaktören lst finns inte") {
		t.Errorf("no note about the unknown host: %q", r.Message.Text)
	}
	w.ok("admin", `aktör lägg-till lst "Länsstyrelsen"`)
	w.ok("admin", `forum anslut ssr lst`)
	text := bottest.Text(w.ok("admin", "forum visa ssr").Message)
	if !strings.Contains(text, "Länsstyrelsen (lst) — värd") {
		t.Errorf("host not shown after joining:\n%s", text)
	}
}

func TestHelpInForumChannelKnowsTheHost(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.ok("admin", "medlem lägg-till @sam aktör=sos roll=tib")
	if txt := w.ok("sam", "hjälp").Message.Text; strings.Contains(txt, "aktivera F") {
		t.Errorf("sos's duty officer is offered activation of lst's forum:\n%s", txt)
	}
	if txt := w.ok("tove", "hjälp").Message.Text; !strings.Contains(txt, "`/samverkan aktivera F [syfte] [övning]`") {
		t.Errorf("the host's duty officer is not offered activation:\n%s", txt)
	}
	if txt := w.ok("tove", "hjälp").Message.Text; strings.Contains(txt, "konferens agenda") {
		t.Error("help lists an alias")
	}
}

func TestChannelBoundTwiceStillNamesOneForum(t *testing.T) {
	w := newWorld(t)
	w.setup()
	komm := bot.Channel{Platform: bot.Mattermost, ID: "ch_komm", Name: "komm"}
	// First the communicators' channel, then also a forum channel.
	if err := w.env.Bot.Registry.BindCommsChannel(context.Background(), w.env.AdminCaller(), "ssr", komm); err != nil {
		t.Fatal(err)
	}
	if err := w.env.Bot.Registry.BindChannel(context.Background(), w.env.AdminCaller(), "ssr", komm); err != nil {
		t.Fatal(err)
	}
	c, _ := w.env.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: "u_sam"})
	r := w.e.Run(context.Background(), commands.Request{Caller: c, Channel: komm, Text: "forum visa", Users: users{}})
	if r.Failed || !strings.Contains(r.Message.Title, "(ssr)") {
		t.Errorf("the forum can no longer be left out in its channel: %q", r.Message.Text)
	}
}

// Every form, in English, is English: its title, intro, labels, help and
// choices.
func TestEveryFormInEnglishIsEnglish(t *testing.T) {
	env := bottest.NewEnv(t)
	e := commands.New(env.Bot, "sv")
	for _, c := range e.Commands() {
		f := commands.Form(e, c, "en")
		texts := []string{f.Title, f.Intro, f.Submit}
		for _, ff := range f.Fields {
			texts = append(texts, ff.Label, ff.Help)
			for _, o := range ff.Options {
				texts = append(texts, o.Label)
			}
		}
		for _, s := range texts {
			if sw := bottest.SwedishIn(s); sw != "" {
				t.Errorf("the English form of %q says %q: %q", f.Command, sw, s)
			}
		}
	}
}
