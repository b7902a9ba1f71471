package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack/slackfake"
	"samverkan/app"
	"samverkan/bottest"
	"samverkan/config"
	"samverkan/store/bolt"
)

const (
	mmChannel = "ch_mm"
	slChannel = "C_SL"
)

// world is the bot's real HTTP routes on a real store with a fake clock,
// against a fake Mattermost and a fake Slack.
type world struct {
	t       *testing.T
	env     *bottest.Env
	mm      *mmtest.Server
	sl      *slackfake.Server
	mmc     *mmtest.Client
	slc     *slackfake.Client
	srv     *httptest.Server
	handler atomic.Pointer[http.Handler]
	app     *app.App
	users   map[string]string // Mattermost user ID -> username
	// outcomes are the engine's own verdicts on each command, in order
	// ("ok" or "refused"), as it reports them to the metrics.
	mu       sync.Mutex
	outcomes []string
}

var key = []byte("0123456789abcdef0123456789abcdef")

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, env: bottest.NewEnv(t), mm: mmtest.New(), sl: slackfake.New(), users: map[string]string{}}
	t.Cleanup(w.mm.Close)
	t.Cleanup(w.sl.Close)
	w.mm.AddChannel(mmChannel)
	w.sl.AddChannel(slChannel)
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { (*w.handler.Load()).ServeHTTP(rw, r) }))
	t.Cleanup(w.srv.Close)
	w.mmUser("u_admin", "admin")
	w.wire()
	w.mmc = &mmtest.Client{BotURL: w.srv.URL, Token: "tok"}
	w.slc = &slackfake.Client{BotURL: w.srv.URL, Secret: "secret"}
	return w
}

func (w *world) mmUser(id, name string) {
	w.mm.AddUser(id, name)
	w.users[id] = name
}

// wire builds the application, as serve does, on the env's store and
// clock, against the fake platforms.
func (w *world) wire() {
	cfg := &config.Config{Locale: "sv", PublicURL: w.srv.URL, Admins: []string{"mattermost:u_admin", "slack:U_ADMIN"},
		Mattermost: config.Mattermost{URL: w.mm.URL, Token: "bot-token", CommandTokens: []string{"tok"}, RequestsPerSecond: 1e6, Burst: 1e6}, // limits: platform_test
		Slack:      config.Slack{BotToken: "xoxb-test", SigningSecret: "secret", APIURL: w.sl.APIURL()}}
	a, err := app.New(context.Background(), app.Options{Config: cfg, Store: w.env.Store, Clock: w.env.Clock, Log: bottest.Quiet(), Key: key})
	if err != nil {
		w.t.Fatal(err)
	}
	a.Engine.Observe = func(_, _, outcome string, _ time.Duration) {
		w.mu.Lock()
		w.outcomes = append(w.outcomes, outcome)
		w.mu.Unlock()
	}
	a.Slack.SetChannelRate(1e6) // limits: platform_test
	w.app = a
	w.env.Bot, w.env.Outbox = a.Bot, a.Bot.Outbox
	w.handler.Store(&a.Handler)
}

// restart is the process stopping and starting on the same file.
func (w *world) restart() {
	w.env.Reopen(w.t)
	w.wire()
}

// mmCmd runs a Mattermost slash command and returns its visible text.
func (w *world) mmCmd(user, text string) (string, *model.CommandResponse) {
	w.t.Helper()
	mentions := map[string]string{}
	for id, n := range w.users {
		if strings.Contains(text, "@"+n) {
			mentions[n] = id
		}
	}
	r := w.mmc.Command(user, w.users[user], mmChannel, text, mentions)
	if r.Status != 200 {
		w.t.Fatalf("mattermost %s> %s: %d %s", user, text, r.Status, r.Body)
	}
	var cr model.CommandResponse
	_ = r.Decode(&cr)
	parts := []string{cr.Text}
	for _, a := range cr.Attachments {
		parts = append(parts, a.Pretext, a.Title, a.Text)
		for _, f := range a.Fields {
			parts = append(parts, fmt.Sprintf("%s: %v", f.Title, f.Value))
		}
	}
	return strings.Join(parts, "\n"), &cr
}

// slCmd runs a Slack slash command in the forum channel.
func (w *world) slCmd(user, text string) string {
	w.t.Helper()
	r := w.slc.Command(user, slChannel, text, w.sl.HookURL())
	if r.Status != 200 {
		w.t.Fatalf("slack %s> %s: %d", user, text, r.Status)
	}
	return slackfake.Text(r.JSON())
}

// must fails the test unless the command just answered succeeded, as
// the engine itself judged it.
func (w *world) must(answer string) string {
	w.t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.outcomes) == 0 || w.outcomes[len(w.outcomes)-1] != "ok" {
		w.t.Fatalf("command refused or never run (outcomes %v): %s", w.outcomes, answer)
	}
	return answer
}

// refused reports whether the engine refused the last command.
func (w *world) refused() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.outcomes) > 0 && w.outcomes[len(w.outcomes)-1] == "refused"
}

// deliver runs due timers and the outbox once.
func (w *world) deliver() {
	w.t.Helper()
	if _, err := w.env.Bot.RunTimers(context.Background()); err != nil {
		w.t.Fatal(err)
	}
	w.env.Deliver(w.t)
}

// advance moves the fake clock and lets timers and the outbox run.
func (w *world) advance(d time.Duration) {
	w.env.Clock.Advance(d)
	w.deliver()
}

// setup registers the five actors of the scenarios and binds the forum
// to one channel on each platform.
func (w *world) setup() {
	for id, n := range map[string]string{"u_tove": "tove", "u_rasmus": "rasmus", "u_sam": "sam", "u_per": "per", "u_kim": "kim"} {
		w.mmUser(id, n)
	}
	for _, s := range []string{
		`aktör lägg-till lst "Länsstyrelsen Stockholm"`,
		`aktör lägg-till sos "SOS Alarm"`,
		`aktör lägg-till pol "Polisen Region Stockholm"`,
		`aktör lägg-till sthlm "Stockholms stad"`,
		`aktör lägg-till ellevio "Ellevio"`,
		`forum skapa ssr "Regional samverkanskonferens" nivå=samordnande värd=lst`,
		`forum anslut ssr sos pol sthlm ellevio`,
		`forum kanal ssr`,
		`medlem lägg-till @tove aktör=lst roll=tib`,
		`medlem lägg-till @rasmus aktör=lst roll=rsib,ordförande`,
		`medlem lägg-till @sam aktör=sos roll=tib`,
		`medlem lägg-till @kim aktör=sos roll=kommunikatör`,
		`medlem lägg-till @per aktör=pol roll=medlem`,
	} {
		text, _ := w.mmCmd("u_admin", s)
		w.must(text)
	}
	for _, s := range []string{
		`forum kanal ssr`,
		`medlem lägg-till <@U_STINA|stina> aktör=sthlm roll=tib`,
		`medlem lägg-till <@U_ELIN|elin> aktör=ellevio roll=tib`,
	} {
		w.must(w.slCmd("U_ADMIN", s))
	}
	w.deliver()
}

// mmDM returns the posts in the bot's direct channel with user.
func (w *world) mmDM(user string) []*model.Post { return w.mm.Posts(mmtest.DMChannel(user)) }

// slDM returns the messages in the bot's direct conversation with user.
func (w *world) slDM(user string) []slackfake.Call { return w.sl.Posts("D_" + user) }

func mmTexts(posts []*model.Post) string {
	var b strings.Builder
	for _, p := range posts {
		b.WriteString(mmtest.Text(p) + "\n---\n")
	}
	return b.String()
}

func slTexts(calls []slackfake.Call) string {
	var b strings.Builder
	for _, c := range calls {
		b.WriteString(c.Str("text") + "\n" + slackfake.Text(c.Blocks()) + "\n---\n")
	}
	return b.String()
}

// mmButton finds a button on a post by its label.
func mmButton(p *model.Post, label string) *model.PostAction {
	for _, a := range mmtest.Attachments(p) {
		for _, act := range a.Actions {
			if act.Name == label {
				return act
			}
		}
	}
	return nil
}

// count counts posts whose text contains s.
func countMM(posts []*model.Post, s string) int {
	n := 0
	for _, p := range posts {
		if strings.Contains(mmtest.Text(p), s) {
			n++
		}
	}
	return n
}

func countSL(calls []slackfake.Call, s string) int {
	n := 0
	for _, c := range calls {
		if strings.Contains(c.Str("text")+slackfake.Text(c.Blocks()), s) {
			n++
		}
	}
	return n
}

// sleepBriefly yields while a background goroutine of the bot (a modal
// being opened after the 3-second answer) catches up; it is a poll, not a
// timing assumption.
func sleepBriefly() { time.Sleep(2 * time.Millisecond) }

// openSecond tries to open the database as a second process would.
func openSecond(path string) (*bolt.Store, error) { return bolt.Open(path, 200*time.Millisecond) }
