package mattermost_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/mattermost/mmtest"
	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/commands"
)

const cmdToken = "slash-token-1234"

// harness is the real bot HTTP routes on a real store, against a fake
// Mattermost server.
type harness struct {
	t       *testing.T
	env     *bottest.Env
	mm      *mmtest.Server
	adapter *mattermost.Adapter
	client  *mmtest.Client
	srv     *httptest.Server
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	env := bottest.NewEnv(t)
	mm := mmtest.New()
	t.Cleanup(mm.Close)
	for id, name := range map[string]string{"u_admin": "admin", "u_tove": "tove", "u_sam": "sam", "u_otto": "otto"} {
		mm.AddUser(id, name)
	}
	for _, ch := range []string{"ch_forum", "ch_x", "ch_komm"} {
		mm.AddChannel(ch)
	}
	h := &harness{t: t, env: env, mm: mm}
	h.start()
	return h
}

// start (re)builds the adapter and HTTP server on the env's current bot.
func (h *harness) start() {
	e := commands.New(h.env.Bot, "sv")
	mux := http.NewServeMux()
	h.srv = httptest.NewUnstartedServer(mux)
	h.srv.Start()
	h.t.Cleanup(h.srv.Close)
	h.adapter = mattermost.New(e, h.mm.URL, "bot-token", []string{"other-token", cmdToken}, h.srv.URL, []byte("0123456789abcdef0123456789abcdef"), bottest.Quiet())
	h.adapter.SetRateLimit(1e6, 1e6) // limits are tested on their own
	h.adapter.Routes(mux)
	h.env.Outbox.Platforms[bot.Mattermost] = h.adapter
	h.env.Bot.Directories[bot.Mattermost] = h.adapter
	h.client = &mmtest.Client{BotURL: h.srv.URL, Token: cmdToken}
}

var names = map[string]string{"u_admin": "admin", "u_tove": "tove", "u_sam": "sam", "u_otto": "otto"}

func (h *harness) cmd(user, text string) *model.CommandResponse {
	h.t.Helper()
	mentions := map[string]string{}
	for id, n := range names {
		if strings.Contains(text, "@"+n) {
			mentions[n] = id
		}
	}
	r := h.client.Command(user, names[user], "ch_forum", text, mentions)
	if r.Status != 200 {
		h.t.Fatalf("%s> %s: HTTP %d %s", user, text, r.Status, r.Body)
	}
	var cr model.CommandResponse
	if err := r.Decode(&cr); err != nil {
		h.t.Fatalf("not a CommandResponse: %s", r.Body)
	}
	return &cr
}

func responseText(cr *model.CommandResponse) string {
	parts := []string{cr.Text}
	for _, a := range cr.Attachments {
		parts = append(parts, a.Title, a.Text)
		for _, f := range a.Fields {
			parts = append(parts, f.Title+": "+f.Value.(string))
		}
	}
	return strings.Join(parts, "\n")
}

func (h *harness) setup() {
	for _, s := range []string{
		`aktör lägg-till lst "Länsstyrelsen Stockholm"`,
		`aktör lägg-till sos "SOS Alarm"`,
		`forum skapa ssr "Regional samverkan" nivå=samordnande värd=lst`,
		`forum kanal ssr`,
		`forum anslut ssr sos`,
		`medlem lägg-till @tove aktör=lst roll=tib`,
		`medlem lägg-till @sam aktör=sos roll=medlem`,
	} {
		if cr := h.cmd("u_admin", s); strings.HasPrefix(cr.Text, "Du saknar") || strings.Contains(cr.Text, "Så här") {
			h.t.Fatalf("setup %s: %s", s, cr.Text)
		}
	}
	h.env.Deliver(h.t)
}

func (h *harness) forums() int {
	var n int
	_ = h.env.Store.View(func(tx bot.Tx) error {
		fs, err := bot.ListForums(tx)
		n = len(fs)
		return err
	})
	return n
}

func TestSlashCommandTokenAndResponse(t *testing.T) {
	h := newHarness(t)
	h.setup()
	cr := h.cmd("u_sam", "forum visa ssr")
	if cr.ResponseType != model.CommandResponseTypeEphemeral || !strings.Contains(responseText(cr), "SOS Alarm (sos)") {
		t.Errorf("forum visa = %+v", cr)
	}
	bad := (&mmtest.Client{BotURL: h.srv.URL, Token: "wrong"}).Command("u_admin", "admin", "ch_forum", `forum skapa evil "Evil" nivå=samordnande`, nil)
	if bad.Status != http.StatusUnauthorized || len(strings.TrimSpace(string(bad.Body))) != 0 {
		t.Errorf("wrong token: %d %q, want 401 with no body", bad.Status, bad.Body)
	}
	missing := (&mmtest.Client{BotURL: h.srv.URL, Token: ""}).Command("u_admin", "admin", "ch_forum", `forum skapa evil "Evil" nivå=samordnande`, nil)
	if missing.Status != http.StatusUnauthorized {
		t.Errorf("missing token: %d, want 401", missing.Status)
	}
	if h.forums() != 1 {
		t.Error("a refused request created a forum")
	}
	big := strings.Repeat("a", 1<<20)
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+mattermost.PathCommand, strings.NewReader("token="+cmdToken+"&text="+big))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("1 MiB body: %v %v, want 413", resp.StatusCode, err)
	}
}

func TestRegistryEndToEndAndRefusal(t *testing.T) {
	h := newHarness(t)
	h.setup()
	cr := h.cmd("u_sam", `forum skapa hack "Hack" nivå=samordnande`)
	if !strings.Contains(cr.Text, "bara en admin") || cr.ResponseType != model.CommandResponseTypeEphemeral {
		t.Errorf("non-admin: %+v", cr)
	}
	if h.forums() != 1 {
		t.Error("refused forum was created")
	}
	list := responseText(h.cmd("u_sam", "medlem lista"))
	// Sam sees the people of the forum's actors; platform accounts only
	// of his own actor's.
	for _, want := range []string{"`tove` tove · lst · tib", "`sam` sam · sos · medlem · sam (mattermost)"} {
		if !strings.Contains(list, want) {
			t.Errorf("medlem lista lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "tove (mattermost)") {
		t.Errorf("sam's medlem lista shows another actor's accounts:\n%s", list)
	}
	if cr := h.cmd("u_admin", `medlem lägg-till @otto aktör=lst roll=trollkarl`); !strings.Contains(cr.Text, "Okänd roll") || !strings.Contains(cr.Text, "Så här: `/samverkan medlem lägg-till") {
		t.Errorf("unknown role: %q", cr.Text)
	}
}

func TestCommandThatPostsProducesPost(t *testing.T) {
	h := newHarness(t)
	h.setup()
	posts := h.mm.Posts("ch_forum")
	if len(posts) != 2 {
		t.Fatalf("forum channel has %d posts, want welcome + join", len(posts))
	}
	welcome := posts[0]
	atts := mmtest.Attachments(welcome)
	if len(atts) != 1 || !strings.Contains(atts[0].Title, "Kanalen hör nu till forum Regional samverkan (ssr)") {
		t.Fatalf("welcome post = %s", mmtest.Text(welcome))
	}
	acts := atts[0].Actions
	if len(acts) != 2 || acts[0].Name != "Visa forum" || acts[0].Integration.URL != h.srv.URL+mattermost.PathActions {
		t.Fatalf("welcome actions = %+v", acts)
	}
	if welcome.PendingPostId == "" {
		t.Error("post without pending_post_id")
	}
	if !strings.Contains(mmtest.Text(posts[1]), "SOS Alarm är nu med i forum Regional samverkan") {
		t.Errorf("join post = %s", mmtest.Text(posts[1]))
	}
	// Clicking "Visa forum" runs forum visa as the clicker.
	r := h.client.Click(acts[0], "u_sam", "sam", "ch_forum", welcome.Id)
	var resp model.PostActionIntegrationResponse
	if r.Status != 200 || r.Decode(&resp) != nil || !strings.Contains(resp.EphemeralText, "SOS Alarm (sos)") {
		t.Errorf("click: %d %s", r.Status, r.Body)
	}
}

func TestButtonMACAndClickerPermissions(t *testing.T) {
	h := newHarness(t)
	h.setup()
	ask := h.cmd("u_admin", "medlem ta-bort @tove")
	if len(ask.Attachments) != 1 || len(ask.Attachments[0].Actions) != 1 {
		t.Fatalf("no confirmation button: %+v", ask)
	}
	btn := ask.Attachments[0].Actions[0]
	stillThere := func() bool {
		c, _ := h.env.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: "u_tove"})
		return c.Member != nil
	}
	// Tampered context: the command changed, the MAC kept.
	forged := *btn
	forged.Integration = &model.PostActionIntegration{URL: btn.Integration.URL, Context: map[string]any{}}
	sealed := btn.Integration.Context["s"].(string)
	parts := strings.Split(sealed, ".")
	payload := parts[1]
	parts[1] = payload[:len(payload)-2] + "x" + payload[len(payload)-1:]
	forged.Integration.Context["s"] = strings.Join(parts, ".")
	if r := h.client.Click(&forged, "u_admin", "admin", "ch_forum", "p1"); r.Status != http.StatusUnauthorized {
		t.Errorf("tampered context: %d, want 401", r.Status)
	}
	noMAC := forged
	noMAC.Integration = &model.PostActionIntegration{URL: btn.Integration.URL, Context: map[string]any{"cmd": "medlem ta-bort tove bekräfta"}}
	if r := h.client.Click(&noMAC, "u_admin", "admin", "ch_forum", "p1"); r.Status != http.StatusUnauthorized {
		t.Errorf("missing MAC: %d, want 401", r.Status)
	}
	// The confirmation was the admin's own: anyone else pressing it is
	// refused, whoever they are.
	var resp model.PostActionIntegrationResponse
	r := h.client.Click(btn, "u_sam", "sam", "ch_forum", "p1")
	if r.Decode(&resp); r.Status != http.StatusForbidden || !strings.Contains(resp.EphemeralText, "någon annan") {
		t.Errorf("someone else's click: %d %s", r.Status, r.Body)
	}
	if !stillThere() {
		t.Fatal("member removed by a refused or forged click")
	}
	r = h.client.Click(btn, "u_admin", "admin", "ch_forum", "p1")
	if r.Decode(&resp); !strings.Contains(resp.EphemeralText, "är borttagen") {
		t.Errorf("admin click: %s", r.Body)
	}
	if stillThere() {
		t.Error("admin click did not remove the member")
	}
}

func TestDialogOpensAndSubmits(t *testing.T) {
	h := newHarness(t)
	h.setup()
	cr := h.cmd("u_admin", "forum skapa")
	if cr.Text != "" || len(cr.Attachments) != 0 {
		t.Errorf("opening a dialog answered %+v", cr)
	}
	ds := h.mm.Dialogs()
	if len(ds) != 1 {
		t.Fatalf("%d dialogs opened", len(ds))
	}
	d := ds[0]
	if err := d.Dialog.IsValid(); err != nil || d.URL != h.srv.URL+mattermost.PathDialogs || d.TriggerId == "" {
		t.Fatalf("dialog invalid: %v %+v", err, d)
	}
	var level *model.DialogElement
	for i := range d.Dialog.Elements {
		if d.Dialog.Elements[i].Name == "niva" {
			level = &d.Dialog.Elements[i]
		}
	}
	if level == nil || level.Type != "select" || len(level.Options) != 3 {
		t.Fatalf("level element = %+v", level)
	}
	// A bad field comes back as a field error and stores nothing.
	r := h.client.Submit(d, "u_admin", "ch_forum", map[string]any{"id": "Ogiltigt Id", "namn": "Kris", "niva": "coordinating"})
	var sr model.SubmitDialogResponse
	if r.Status != 200 || r.Decode(&sr) != nil || sr.Errors["id"] == "" {
		t.Fatalf("bad submission: %d %s", r.Status, r.Body)
	}
	if h.forums() != 1 {
		t.Fatal("bad submission stored a forum")
	}
	// A forged state is refused.
	forged := d
	forged.Dialog.State = "e30." + strings.Repeat("A", 43)
	if r := h.client.Submit(forged, "u_admin", "ch_forum", map[string]any{"id": "kris", "namn": "Kris", "niva": "coordinating"}); r.Status != http.StatusUnauthorized {
		t.Errorf("forged state: %d, want 401", r.Status)
	}
	// Someone else submitting the admin's dialog is refused: it was opened
	// for the admin.
	r = h.client.Submit(d, "u_sam", "ch_forum", map[string]any{"id": "kris", "namn": "Kris", "niva": "coordinating"})
	if r.Status != http.StatusForbidden || h.forums() != 1 {
		t.Errorf("someone else's submission: %d %s", r.Status, r.Body)
	}
	r = h.client.Submit(d, "u_admin", "ch_forum", map[string]any{"id": "kris", "namn": "Krisledning", "niva": "coordinating"})
	sr = model.SubmitDialogResponse{}
	if r.Status != 200 || r.Decode(&sr) != nil || sr.Error != "" || len(sr.Errors) != 0 {
		t.Fatalf("good submission: %d %s", r.Status, r.Body)
	}
	var f *bot.Forum
	_ = h.env.Store.View(func(tx bot.Tx) (err error) { f, err = bot.GetForum(tx, "kris"); return })
	if f == nil || f.Name != "Krisledning" || f.Level != bot.LevelCoordinating {
		t.Fatalf("stored forum = %+v", f)
	}
}

func TestPostRetriedUntilDeliveredOnce(t *testing.T) {
	h := newHarness(t)
	h.setup()
	h.env.Outbox.Timeout = 200 * time.Millisecond
	h.mm.FailPosts(2)
	h.cmd("u_admin", `aktör lägg-till pol "Polisen"`)
	h.cmd("u_admin", `forum anslut ssr pol`)
	count := func() int {
		n := 0
		for _, p := range h.mm.Posts("ch_forum") {
			if strings.Contains(mmtest.Text(p), "Polisen är nu med") {
				n++
			}
		}
		return n
	}
	h.env.Deliver(t) // 500
	h.env.Clock.Advance(time.Second)
	h.env.Deliver(t) // 500
	if count() != 0 {
		t.Fatal("delivered while failing")
	}
	h.mm.Hang(2 * time.Second) // now the API hangs: the attempt times out
	h.env.Clock.Advance(2 * time.Second)
	h.env.Deliver(t)
	h.mm.Hang(0)
	if count() != 0 {
		t.Fatal("delivered while hanging")
	}
	h.env.Clock.Advance(4 * time.Second)
	h.env.Deliver(t)
	h.env.Clock.Advance(time.Hour)
	h.env.Deliver(t)
	if n := count(); n != 1 {
		t.Fatalf("delivered %d times, want exactly once", n)
	}
	if a := h.mm.PostAttempts(); a < 5 {
		t.Errorf("only %d attempts; want 2 failures, 1 timeout, 1 success on top of setup", a)
	}
}

func TestPendingPostSurvivesRestart(t *testing.T) {
	h := newHarness(t)
	h.setup()
	h.mm.FailPosts(1)
	h.cmd("u_admin", `aktör lägg-till pol "Polisen"`)
	h.cmd("u_admin", `forum anslut ssr pol`)
	h.env.Deliver(t) // fails; the message stays in the outbox
	h.env.Reopen(t)  // the process restarts
	h.start()
	h.env.Clock.Advance(time.Minute)
	if _, err := h.env.Outbox.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range h.mm.Posts("ch_forum") {
		if strings.Contains(mmtest.Text(p), "Polisen är nu med") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("after restart delivered %d, want 1", n)
	}
}

func TestRenderSplitsLongTextAndDefusesMentions(t *testing.T) {
	h := newHarness(t)
	long := strings.Repeat("Lägesbild med mycket text. ", 1500) // ~40 000 runes
	m := bot.Message{Title: "Lång", Text: "@channel " + long, TLP: bot.TLPAmber, Exercise: "ÖVNING", Buttons: []bot.Button{{Label: "OK", Action: bot.Action{Kind: bot.ActHelp}}}}
	if _, err := h.adapter.Post(context.Background(), "k", "ch_x", "", m); err != nil {
		t.Fatal(err)
	}
	posts := h.mm.Posts("ch_x")
	if len(posts) < 4 {
		t.Fatalf("%d posts, want the text split in several", len(posts))
	}
	total := 0
	for i, p := range posts {
		att := mmtest.Attachments(p)[0]
		total += len([]rune(att.Text))
		if len([]rune(att.Text)) > 16383 {
			t.Errorf("part %d is %d runes", i, len([]rune(att.Text)))
		}
		if !strings.Contains(att.Pretext, "TLP:AMBER") || !strings.Contains(att.Pretext, "ÖVNING") || att.Footer != "ÖVNING" || att.Color != "#FFC000" {
			t.Errorf("part %d lacks TLP/exercise marking: %+v", i, att)
		}
		if (len(att.Actions) > 0) != (i == len(posts)-1) {
			t.Errorf("part %d has %d actions; buttons belong on the last", i, len(att.Actions))
		}
		if strings.Contains(att.Text, "@channel") {
			t.Errorf("part %d pings the channel", i)
		}
	}
	if total < len([]rune(long)) {
		t.Errorf("parts hold %d runes, the text has %d", total, len([]rune(long)))
	}
}

func TestUpdateEditsEveryPartInPlace(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	btn := []bot.Button{{Label: "Närvarande", Action: bot.Action{Kind: bot.ActPresent, Forum: "ssr"}}}
	ids, err := h.adapter.Post(ctx, "k1", "ch_x", "", bot.Message{Title: "Dagordning", Text: "kort", Buttons: btn})
	if err != nil || len(ids) != 1 {
		t.Fatalf("post: %v %v", ids, err)
	}
	// The agenda grows past one post: the first part is edited in place,
	// the rest follow, and the buttons move to the new last part.
	long := strings.Repeat("Beslut om samordnad information till allmänheten. ", 600) // ~30 000 runes
	grown, err := h.adapter.Update(ctx, "k2", "ch_x", ids, bot.Message{Title: "Dagordning", Text: long, Buttons: btn})
	if err != nil || len(grown) != 3 || grown[0] != ids[0] {
		t.Fatalf("grown = %v, %v; want 3 parts starting with the old post", grown, err)
	}
	posts := h.mm.Posts("ch_x")
	var total int
	for i, p := range posts {
		att := mmtest.Attachments(p)[0]
		total += len([]rune(att.Text))
		if (len(att.Actions) > 0) != (i == len(posts)-1) {
			t.Errorf("part %d has %d buttons; they belong on the last part only", i, len(att.Actions))
		}
	}
	if len(posts) != 3 || posts[0].EditAt == 0 || total < len([]rune(long))-len(posts) { // the breaks cut at

		t.Fatalf("after growing: %d posts, %d of %d runes", len(posts), total, len([]rune(long)))
	}
	// And shrinks back: every old part is edited or removed.
	shrunk, err := h.adapter.Update(ctx, "k3", "ch_x", grown, bot.Message{Title: "Dagordning", Text: "kort igen", Buttons: btn})
	if err != nil || len(shrunk) != 1 || shrunk[0] != ids[0] {
		t.Fatalf("shrunk = %v, %v", shrunk, err)
	}
	posts = h.mm.Posts("ch_x")
	if len(posts) != 1 || !strings.Contains(mmtest.Text(posts[0]), "kort igen") || len(mmtest.Attachments(posts[0])[0].Actions) != 1 {
		t.Fatalf("after shrinking: %d posts: %s", len(posts), mmTexts(posts))
	}
	// A post that is gone: the outbox tries again a few times, then gives
	// up.
	var settling *bot.SettlingError
	if _, err := h.adapter.Update(ctx, "k4", "ch_x", []string{"nope"}, bot.Message{Text: "x"}); !errors.As(err, &settling) {
		t.Errorf("update of a missing post: %v, want a settling error", err)
	}
}

func mmTexts(posts []*model.Post) string {
	var b strings.Builder
	for _, p := range posts {
		b.WriteString(mmtest.Text(p) + "\n---\n")
	}
	return b.String()
}

// A direct message to a deactivated account is refused before it is
// posted (Mattermost would accept it, unread); an active account is
// looked up once per AccountTTL, not once per message.
func TestDirectMessageChecksTheAccountOncePerTTL(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	for range 5 {
		if _, _, err := h.adapter.DirectMessage(ctx, "", "u_sam", bot.Message{Text: "hej"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := h.mm.Lookups("u_sam"); n != 1 {
		t.Errorf("5 messages within a minute looked sam up %d times, want 1", n)
	}
	h.env.Clock.Advance(mattermost.AccountTTL)
	h.mm.Deactivate("u_sam")
	_, _, err := h.adapter.DirectMessage(ctx, "", "u_sam", bot.Message{Text: "hej"})
	var closed *bot.ClosedAccountError
	if !errors.As(err, &closed) || !bot.IsPermanent(err) || closed.User != "@sam" {
		t.Fatalf("after deactivation: %v", err)
	}
	if n := len(h.mm.Posts(mmtest.DMChannel("u_sam"))); n != 5 {
		t.Errorf("%d posts in sam's direct channel, want the 5 from before", n)
	}
	if _, _, err := h.adapter.DirectMessage(ctx, "", "u_nobody", bot.Message{Text: "hej"}); !errors.As(err, &closed) {
		t.Errorf("an unknown account: %v", err)
	}
}

// A post sent again long after a crash (past the server's pending_post_id
// memory) is found by the outbox key it carries and not posted twice.
func TestAResendFindsWhatWasAlreadyPosted(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	msg := bot.Message{Text: "Inkallning"}
	first, err := h.adapter.Post(ctx, "activation:1:banner@mattermost:ch_forum", "ch_forum", "", msg)
	if err != nil {
		t.Fatal(err)
	}
	h.mm.ForgetPending() // the server's memory of pending_post_id is short
	again, err := h.adapter.Post(bot.Resending(ctx), "activation:1:banner@mattermost:ch_forum", "ch_forum", "", msg)
	if err != nil || len(again) != 1 || again[0] != first[0] {
		t.Fatalf("resend: %v %v, want the first post %v", again, err, first)
	}
	if n := len(h.mm.Posts("ch_forum")); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
}
