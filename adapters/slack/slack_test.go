package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"samverkan/adapters/slack"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/commands"
)

const secret = "signing-secret-for-tests"

type harness struct {
	t       *testing.T
	env     *bottest.Env
	sl      *slackfake.Server
	adapter *slack.Adapter
	client  *slackfake.Client
	srv     *httptest.Server
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	env := bottest.NewEnv(t)
	env.Bot.Admins = append(env.Bot.Admins, bot.Identity{Platform: bot.Slack, UserID: "U_ADMIN"})
	sl := slackfake.New()
	t.Cleanup(sl.Close)
	for _, ch := range []string{"C_FORUM", "C_X", "C_Y"} {
		sl.AddChannel(ch)
	}
	e := commands.New(env.Bot, "sv")
	a := slack.New(e, "xoxb-test", secret, "", sl.APIURL(), []byte("0123456789abcdef0123456789abcdef"), bottest.Quiet())
	a.SetChannelRate(1e6) // limits are tested on their own
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	env.Outbox.Platforms[bot.Slack] = a
	return &harness{t: t, env: env, sl: sl, adapter: a, client: &slackfake.Client{BotURL: srv.URL, Secret: secret}, srv: srv}
}

func (h *harness) cmd(user, text string) map[string]any {
	h.t.Helper()
	r := h.client.Command(user, "C_FORUM", text, h.sl.HookURL())
	if r.Status != 200 {
		h.t.Fatalf("%s> %s: %d %s", user, text, r.Status, r.Body)
	}
	return r.JSON()
}

func (h *harness) setup() {
	for _, s := range []string{
		`aktör lägg-till lst "Länsstyrelsen Stockholm"`,
		`aktör lägg-till sthlm "Stockholms stad"`,
		`forum skapa ssr "Regional samverkan" nivå=samordnande värd=lst`,
		`forum kanal ssr`,
		`forum anslut ssr sthlm`,
		`medlem lägg-till <@U_STINA|stina> aktör=sthlm roll=kommunikatör`,
		`medlem lägg-till <@U_SVEN|sven> aktör=sthlm roll=medlem`,
	} {
		if txt := slackfake.Text(h.cmd("U_ADMIN", s)); strings.Contains(txt, "Så här") || strings.Contains(txt, "behörighet") {
			h.t.Fatalf("setup %s: %s", s, txt)
		}
	}
	h.env.Deliver(h.t)
}

func (h *harness) members() int {
	n := 0
	_ = h.env.Store.View(func(tx bot.Tx) error {
		ms, err := bot.ListMembers(tx)
		n = len(ms)
		return err
	})
	return n
}

func TestSignatureChecks(t *testing.T) {
	h := newHarness(t)
	h.setup()
	before := h.members()
	body := h.client.CommandBody("U_ADMIN", "C_FORUM", `medlem lägg-till <@U_EVIL|evil> aktör=lst roll=admin`, "")
	now := strconv.FormatInt(time.Now().Unix(), 10)
	stale := strconv.FormatInt(time.Now().Add(-6*time.Minute).Unix(), 10)
	for name, r := range map[string]slackfake.Response{
		"bad signature":   h.client.Post(slack.PathCommands, body, now, slackfake.Sign("wrong", now, body)),
		"stale timestamp": h.client.Post(slack.PathCommands, body, stale, slackfake.Sign(secret, stale, body)),
		"missing headers": h.client.Post(slack.PathCommands, body, "", ""),
		"missing sig":     h.client.Post(slack.PathCommands, body, now, ""),
		"body changed":    h.client.Post(slack.PathCommands, append(body, []byte("x")...), now, slackfake.Sign(secret, now, body)),
		"interaction":     h.client.Post(slack.PathInteractions, []byte("payload=%7B%7D"), now, slackfake.Sign("wrong", now, []byte("payload=%7B%7D"))),
	} {
		if r.Status != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, r.Status)
		}
	}
	if h.members() != before {
		t.Error("an unsigned request changed the registry")
	}
}

func TestAnswerWithinBudgetWhileAPISlow(t *testing.T) {
	h := newHarness(t)
	h.setup()
	h.sl.SetDelay(5 * time.Second)
	defer h.sl.SetDelay(0)
	r := h.client.Command("U_SVEN", "C_FORUM", "forum visa ssr", h.sl.HookURL())
	if r.Status != 200 || r.Took > 2500*time.Millisecond {
		t.Fatalf("answered %d after %s, want 200 within 2.5 s", r.Status, r.Took)
	}
	if txt := slackfake.Text(r.JSON()); !strings.Contains(txt, "Stockholms stad (sthlm)") {
		t.Errorf("answer = %s", txt)
	}
}

// slowCommand registers "prov" (test): it waits for release, before or
// after its change (adding actor prov), as told.
func (h *harness) slowCommand(commitFirst bool, release <-chan struct{}) {
	h.adapter.Engine.Register(&commands.Command{Path: []commands.Word{{Sv: "prov", En: "test"}}, Help: "help.help",
		Run: func(ctx context.Context, r *commands.Request, _ commands.Args) (commands.Reply, error) {
			if !commitFirst {
				<-release
			}
			err := h.env.Bot.Registry.AddActor(ctx, r.Caller, bot.Actor{ID: "prov", Name: "Provaktören"})
			if commitFirst {
				<-release
			}
			return commands.Reply{Message: bot.Message{Text: "Provaktören finns."}}, err
		}})
}

// Past the budget, a command that has made its change is certain to
// finish: "working on it" now, its answer later through response_url.
func TestPastTheBudgetACommittedCommandAnswersLater(t *testing.T) {
	h := newHarness(t)
	h.setup()
	h.adapter.Budget = 20 * time.Millisecond
	release := make(chan struct{})
	h.slowCommand(true, release)
	r := h.client.Command("U_ADMIN", "C_FORUM", "prov", h.sl.HookURL())
	close(release)
	if r.Status != 200 || !strings.Contains(string(r.Body), "arbetar") {
		t.Fatalf("immediate answer = %d %s", r.Status, r.Body)
	}
	waitHook(t, h, "Provaktören finns.")
}

// Past the budget, a command that has not begun its change is called
// off: the answer says nothing was done, and nothing is.
func TestPastTheBudgetAnUncommittedCommandIsCalledOff(t *testing.T) {
	h := newHarness(t)
	h.setup()
	h.adapter.Budget = 20 * time.Millisecond
	release := make(chan struct{})
	h.slowCommand(false, release)
	r := h.client.Command("U_ADMIN", "C_FORUM", "prov", h.sl.HookURL())
	if r.Status != 200 || !strings.Contains(string(r.Body), "Inget har ändrats") {
		t.Fatalf("immediate answer = %d %s", r.Status, r.Body)
	}
	close(release)
	h.adapter.Shutdown(context.Background()) // waits for the command to end
	var a bot.Actor
	if err := h.env.Store.View(func(tx bot.Tx) error { return tx.Get(bot.BucketActors, "prov", &a) }); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("the called-off command added the actor (%v)", err)
	}
	for _, hk := range h.sl.Hooks() {
		if strings.Contains(slackfake.Text(hk), "Provaktören") {
			t.Errorf("the called-off command answered later: %s", slackfake.Text(hk))
		}
	}
}

func TestButtonActsAsClicker(t *testing.T) {
	h := newHarness(t)
	h.setup()
	ask := h.cmd("U_ADMIN", "medlem ta-bort sven")
	blocks := slackfake.Call{Params: map[string]any{"blocks": ask["blocks"]}}.Blocks()
	btn := slackfake.Button(blocks, "Ta bort")
	if btn == nil {
		t.Fatalf("no Ta bort button in %s", slackfake.Text(ask))
	}
	// The confirmation is the admin's own: Sven pressing it is refused.
	if r := h.client.Interaction(slackfake.BlockAction("U_SVEN", "C_FORUM", h.sl.HookURL(), btn)); r.Status != 200 {
		t.Fatalf("click: %d", r.Status)
	}
	waitHook(t, h, "någon annan")
	if h.members() != 2 {
		t.Fatal("a refused click removed a member")
	}
	// A value the bot did not seal is refused.
	forged := map[string]any{"action_id": btn["action_id"], "value": `{"c":"medlem ta-bort sven bekräfta"}`}
	if r := h.client.Interaction(slackfake.BlockAction("U_ADMIN", "C_FORUM", h.sl.HookURL(), forged)); r.Status != http.StatusUnauthorized {
		t.Errorf("forged value: %d, want 401", r.Status)
	}
	h.client.Interaction(slackfake.BlockAction("U_ADMIN", "C_FORUM", h.sl.HookURL(), btn))
	waitHook(t, h, "är borttagen")
	if h.members() != 1 {
		t.Fatal("admin click did not remove sven")
	}
}

func waitHook(t *testing.T, h *harness, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, hk := range h.sl.Hooks() {
			if strings.Contains(slackfake.Text(hk), want) {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("response_url never got %q; got %v", want, h.sl.Hooks())
}

func TestModalSubmissionActsAsSubmitter(t *testing.T) {
	h := newHarness(t)
	h.setup()
	if r := h.client.Command("U_ADMIN", "C_FORUM", "aktör lägg-till", h.sl.HookURL()); r.Status != 200 || len(r.Body) != 0 {
		t.Fatalf("opening a form answered %d %q, want an empty 200", r.Status, r.Body)
	}
	var view map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for view == nil && time.Now().Before(deadline) {
		if vs := h.sl.Calls("views.open"); len(vs) > 0 {
			view, _ = vs[0].Params["view"].(map[string]any)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if view == nil || view["type"] != "modal" || utf8.RuneCountInString(view["private_metadata"].(string)) > 3000 {
		t.Fatalf("modal = %v", view)
	}
	// A bad id comes back as an error on that block; nothing is stored.
	r := h.client.Interaction(slackfake.ViewSubmission("U_ADMIN", view, map[string]string{"id": "Fel Id", "namn": "Polisen"}))
	if errs, _ := r.JSON()["errors"].(map[string]any); r.Status != 200 || errs["id"] == nil {
		t.Fatalf("bad submission: %d %s", r.Status, r.Body)
	}
	// Sven submitting the admin's modal is refused: it was opened for
	// the admin.
	r = h.client.Interaction(slackfake.ViewSubmission("U_SVEN", view, map[string]string{"id": "pol", "namn": "Polisen"}))
	if r.Status != http.StatusUnauthorized {
		t.Fatalf("someone else's submission: %d %s", r.Status, r.Body)
	}
	// Tampered metadata is refused.
	bad := map[string]any{}
	for k, v := range view {
		bad[k] = v
	}
	bad["private_metadata"] = "eyJjIjoiZm9ydW0gc2thcGEifQ.AAAA"
	if r := h.client.Interaction(slackfake.ViewSubmission("U_ADMIN", bad, map[string]string{"id": "pol", "namn": "Polisen"})); r.Status != http.StatusUnauthorized {
		t.Errorf("tampered metadata: %d, want 401", r.Status)
	}
	r = h.client.Interaction(slackfake.ViewSubmission("U_ADMIN", view, map[string]string{"id": "pol", "namn": "Polisen Region Stockholm"}))
	if r.Status != 200 || len(r.Body) != 0 {
		t.Fatalf("good submission: %d %s", r.Status, r.Body)
	}
	var a *bot.Actor
	var last bot.AuditEvent
	_ = h.env.Store.View(func(tx bot.Tx) (err error) {
		if a, err = bot.GetActor(tx, "pol"); err != nil {
			return err
		}
		_, err = tx.Last(bot.BucketAudit, &last)
		return err
	})
	if a == nil || a.Name != "Polisen Region Stockholm" || last.Who != "slack:U_ADMIN" {
		t.Fatalf("stored %+v by %q", a, last.Who)
	}
}

// checkLimits asserts Slack's Block Kit limits on one chat.postMessage.
func checkLimits(t *testing.T, c slackfake.Call) {
	t.Helper()
	blocks := c.Blocks()
	if len(blocks) > slack.MaxBlocks {
		t.Errorf("%d blocks > %d", len(blocks), slack.MaxBlocks)
	}
	for _, b := range blocks {
		if txt, ok := b["text"].(map[string]any); ok {
			if n := utf8.RuneCountInString(txt["text"].(string)); n > slack.MaxSectionText {
				t.Errorf("%s text of %d > %d", b["type"], n, slack.MaxSectionText)
			}
		}
		fields, _ := b["fields"].([]any)
		if len(fields) > slack.MaxFields {
			t.Errorf("%d fields", len(fields))
		}
		for _, f := range fields {
			if n := utf8.RuneCountInString(f.(map[string]any)["text"].(string)); n > slack.MaxFieldText {
				t.Errorf("field of %d", n)
			}
		}
		els, _ := b["elements"].([]any)
		for _, e := range els {
			em := e.(map[string]any)
			if em["type"] == "button" {
				if n := utf8.RuneCountInString(em["text"].(map[string]any)["text"].(string)); n > slack.MaxButtonText {
					t.Errorf("button text %d", n)
				}
				if n := len(em["value"].(string)); n > 2000 {
					t.Errorf("button value %d", n)
				}
			}
		}
	}
}

func TestLongReportSplitsWithinLimits(t *testing.T) {
	h := newHarness(t)
	section := strings.Repeat("Elavbrott i Norrort; reservkraft på plats. ", 400) // ~17 000 runes
	m := bot.Message{
		Title: "Lägesbild Stockholms stad", TLP: bot.TLPAmber, Exercise: "ÖVNING",
		Text:    "<!everyone> " + strings.Repeat("Inledning. ", 50),
		Buttons: []bot.Button{{Label: strings.Repeat("Mycket lång knapptext ", 6), Action: bot.Action{Kind: bot.ActHelp}}},
	}
	for i := range 12 {
		m.Sections = append(m.Sections, bot.Section{Title: "Avsnitt " + strconv.Itoa(i+1), Text: section})
	}
	for i := range 14 {
		m.Fields = append(m.Fields, bot.Field{Title: "Fält " + strconv.Itoa(i), Value: strings.Repeat("v", 2500)})
	}
	if _, err := h.adapter.Post(context.Background(), "k", "C_X", "", m); err != nil {
		t.Fatal(err)
	}
	posts := h.sl.Posts("C_X")
	if len(posts) < 2 {
		t.Fatalf("%d messages, want several", len(posts))
	}
	var all strings.Builder
	for i, p := range posts {
		checkLimits(t, p)
		txt := slackfake.Text(p.Blocks())
		all.WriteString(txt)
		if !strings.Contains(txt, "TLP:AMBER") || strings.Count(txt, "ÖVNING") < 2 {
			t.Errorf("message %d lacks TLP label or exercise markers at both ends", i)
		}
		if att := p.Attachments(); len(att) != 1 || att[0]["color"] != "#FFC000" {
			t.Errorf("message %d lacks the AMBER colour: %v", i, att)
		}
		if strings.Contains(txt, "<!everyone>") {
			t.Errorf("message %d pings everyone", i)
		}
	}
	got := all.String()
	if c := strings.Count(got, "Elavbrott"); c != 12*400 {
		t.Errorf("sections arrived with %d of %d sentences", c, 12*400)
	}
	if c := strings.Count(got, "v"); c < 14*2500 {
		t.Errorf("fields lost characters: %d", c)
	}
	// Many buttons (a roll call of 40 actors) spread over actions blocks of 25.
	var many []bot.Button
	for i := range 40 {
		many = append(many, bot.Button{Label: "Närvarande – aktör " + strconv.Itoa(i), Action: bot.Action{Kind: bot.ActPresent}})
	}
	if _, err := h.adapter.Post(context.Background(), "k2", "C_Y", "", bot.Message{Title: "Dagordning", Buttons: many}); err != nil {
		t.Fatal(err)
	}
	roll := h.sl.Posts("C_Y")[0].Blocks()
	buttons := 0
	for _, b := range roll {
		if b["type"] == "actions" {
			els := b["elements"].([]any)
			if len(els) > slack.MaxActions {
				t.Errorf("actions block with %d elements", len(els))
			}
			buttons += len(els)
		}
	}
	if buttons != 40 {
		t.Errorf("%d of 40 buttons rendered", buttons)
	}
	for i, p := range posts {
		hasButton := strings.Contains(string(mustJSON(p.Blocks())), `"type":"button"`)
		if hasButton != (i == len(posts)-1) {
			t.Errorf("message %d has button: %v; buttons belong on the last", i, hasButton)
		}
	}
}

func TestRateLimitHonoursRetryAfter(t *testing.T) {
	h := newHarness(t)
	h.setup()
	before := len(h.sl.Posts("C_FORUM"))
	h.sl.RateLimit(1, 30)
	h.cmd("U_ADMIN", `aktör lägg-till pol "Polisen"`)
	h.cmd("U_ADMIN", `forum anslut ssr pol`)
	h.env.Deliver(t) // 429, Retry-After: 30
	h.env.Clock.Advance(29 * time.Second)
	h.env.Deliver(t)
	if n := len(h.sl.Posts("C_FORUM")); n != before {
		t.Fatalf("delivered before Retry-After: %d posts", n-before)
	}
	h.env.Clock.Advance(time.Second)
	h.env.Deliver(t)
	h.env.Clock.Advance(time.Hour)
	h.env.Deliver(t)
	n := 0
	for _, p := range h.sl.Posts("C_FORUM") {
		if strings.Contains(slackfake.Text(p.Blocks())+p.Str("text"), "Polisen är nu med") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("delivered %d times, want once", n)
	}
}

func TestRetriedDeliveryIsAcknowledgedNotRepeated(t *testing.T) {
	h := newHarness(t)
	h.setup()
	before := h.members()
	body := h.client.CommandBody("U_ADMIN", "C_FORUM", `medlem lägg-till <@U_NEW|new> aktör=lst roll=medlem`, "")
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+slack.PathCommands, strings.NewReader(string(body)))
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slackfake.Sign(secret, ts, body))
	req.Header.Set("X-Slack-Retry-Num", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("retry: %v %v", resp, err)
	}
	if h.members() != before {
		t.Error("a retried delivery ran the command")
	}
}

func TestSocketModeCommandAndButton(t *testing.T) {
	env := bottest.NewEnv(t)
	env.Bot.Admins = append(env.Bot.Admins, bot.Identity{Platform: bot.Slack, UserID: "U_ADMIN"})
	sl := slackfake.New()
	t.Cleanup(sl.Close)
	a := slack.New(commands.New(env.Bot, "sv"), "xoxb-test", "", "xapp-test", sl.APIURL(), []byte("0123456789abcdef0123456789abcdef"), bottest.Quiet())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.RunSocketMode(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	if !sl.WaitSocket(5 * time.Second) {
		t.Fatal("the bot did not connect over Socket Mode")
	}
	ack, err := sl.Envelope("slash_commands", map[string]any{
		"command": "/samverkan", "text": `aktör lägg-till lst "Länsstyrelsen"`, "user_id": "U_ADMIN", "user_name": "admin",
		"channel_id": "C_FORUM", "response_url": sl.HookURL(), "trigger_id": "t1",
	}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if txt := slackfake.Text(ack["payload"]); !strings.Contains(txt, "Aktör lst (Länsstyrelsen) är tillagd") {
		t.Fatalf("ack payload = %v", ack["payload"])
	}
	ack, err = sl.Envelope("slash_commands", map[string]any{
		"command": "/samverkan", "text": `medlem lägg-till <@U_KIM|kim> aktör=lst roll=medlem`, "user_id": "U_ADMIN", "channel_id": "C_FORUM", "trigger_id": "t2",
	}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	ack, err = sl.Envelope("slash_commands", map[string]any{
		"command": "/samverkan", "text": `medlem ta-bort kim`, "user_id": "U_ADMIN", "channel_id": "C_FORUM", "response_url": sl.HookURL(), "trigger_id": "t3",
	}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(ack["payload"].(map[string]any)["blocks"])
	var blocks []map[string]any
	_ = json.Unmarshal(raw, &blocks)
	btn := slackfake.Button(blocks, "Ta bort")
	if btn == nil {
		t.Fatalf("no button in %v", ack["payload"])
	}
	if _, err := sl.Envelope("interactive", slackfake.BlockAction("U_ADMIN", "C_FORUM", sl.HookURL(), btn), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c, _ := env.Bot.Caller(bot.Identity{Platform: bot.Slack, UserID: "U_KIM"})
		if c.Member == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if c, _ := env.Bot.Caller(bot.Identity{Platform: bot.Slack, UserID: "U_KIM"}); c.Member != nil {
		t.Fatal("the button over Socket Mode did not remove kim")
	}
	// Slack drops the connection now and then; the bot reconnects.
	sl.DropSocket()
	if !sl.WaitSocket(10 * time.Second) {
		t.Fatal("no reconnect after the socket dropped")
	}
	if _, err := sl.Envelope("slash_commands", map[string]any{"command": "/samverkan", "text": "forum lista", "user_id": "U_ADMIN", "channel_id": "C_FORUM"}, 5*time.Second); err != nil {
		t.Fatalf("after reconnect: %v", err)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// TestSlacksPublishedSigningExample: the request from Slack's "Verifying
// requests from Slack" (secret, timestamp, body and the signature Slack
// gives for them) is accepted, and the same request with any part changed
// is not.
func TestSlacksPublishedSigningExample(t *testing.T) {
	const (
		exSecret = "8f742231b10e8888abcd99yyyzzz85a5"
		exTS     = "1531420618"
		exBody   = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
		exSig    = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
	)
	if got := slackfake.Sign(exSecret, exTS, []byte(exBody)); got != exSig {
		t.Fatalf("the fake signs Slack's example as %s, Slack says %s", got, exSig)
	}
	env := bottest.NewEnv(t)
	a := slack.New(commands.New(env.Bot, "sv"), "xoxb", exSecret, "", "http://127.0.0.1:1/api/", []byte("0123456789abcdef0123456789abcdef"), bottest.Quiet())
	// The example is from 2018: Slack's 5-minute window is kept by taking
	// the bot's clock back to then.
	a.Now = func() time.Time { return time.Unix(1531420618, 0).Add(30 * time.Second) }
	mux := http.NewServeMux()
	a.Routes(mux)
	send := func(body, ts, sig string) int {
		req := httptest.NewRequest(http.MethodPost, slack.PathCommands, strings.NewReader(body))
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", sig)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := send(exBody, exTS, exSig); code != http.StatusOK {
		t.Errorf("Slack's own example: %d, want 200", code)
	}
	for name, c := range map[string][3]string{
		"body":      {exBody + "x", exTS, exSig},
		"timestamp": {exBody, "1531420619", exSig},
		"signature": {exBody, exTS, exSig[:len(exSig)-1] + "0"},
	} {
		if code := send(c[0], c[1], c[2]); code != http.StatusUnauthorized {
			t.Errorf("example with the %s changed: %d, want 401", name, code)
		}
	}
}

// Slack has no idempotency key: a message sent again after a crash is
// found by the outbox key in its metadata and not posted twice.
func TestAResendFindsWhatWasAlreadyPosted(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	msg := bot.Message{Text: "Inkallning"}
	first, err := h.adapter.Post(ctx, "activation:1:call-in@slack:C_FORUM", "C_FORUM", "", msg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := h.adapter.Post(bot.Resending(ctx), "activation:1:call-in@slack:C_FORUM", "C_FORUM", "", msg)
	if err != nil || len(again) != 1 || again[0] != first[0] {
		t.Fatalf("resend: %v %v, want the first post %v", again, err, first)
	}
	if _, err := h.adapter.Post(bot.Resending(ctx), "another-key", "C_FORUM", "", msg); err != nil {
		t.Fatal(err)
	}
	if n := len(h.sl.Posts("C_FORUM")); n != 2 {
		t.Errorf("%d posts, want 2: the resend found its first post, the other key was posted", n)
	}
}
