package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/app"
	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/config"
)

// build makes the application on env's store and clock, for platforms at
// the given URLs, served by srv.
func build(t *testing.T, env *bottest.Env, srv *httptest.Server, mmURL string) *app.App {
	t.Helper()
	cfg := &config.Config{Locale: "sv", PublicURL: srv.URL, Admins: []string{"mattermost:u_admin"},
		Mattermost: config.Mattermost{URL: mmURL, Token: "bot-token", CommandTokens: []string{"tok"}}}
	a, err := app.New(context.Background(), app.Options{Config: cfg, Store: env.Store, Clock: env.Clock, Log: bottest.Quiet(), Key: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = a.Handler
	env.Bot, env.Outbox = a.Bot, a.Bot.Outbox
	return a
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestMetricsAndHealth(t *testing.T) {
	env := bottest.NewEnv(t)
	mm := mmtest.New()
	mm.AddChannel("ch1")
	srv := httptest.NewServer(nil)
	defer srv.Close()
	build(t, env, srv, mm.URL)
	code, body := get(t, srv.URL+"/healthz")
	var h map[string]map[string]string
	_ = json.Unmarshal([]byte(body), &h)
	if code != 200 || h["mattermost"]["outbound"] != "ok" || !strings.Contains(h["mattermost"]["inbound"], "no request from Mattermost since the bot started") {
		t.Errorf("healthz before any command = %d %s", code, body)
	}
	c := &mmtest.Client{BotURL: srv.URL, Token: "tok"}
	c.Command("u_admin", "admin", "ch1", `aktör lägg-till lst "Länsstyrelsen"`, nil)
	c.Command("u_admin", "admin", "ch1", `forum skapa ssr "Regional" nivå=samordnande värd=lst`, nil)
	c.Command("u_admin", "admin", "ch1", "forum kanal ssr", nil)
	c.Command("u_x", "x", "ch1", "forum skapa x \"X\" nivå=samordnande", nil)
	mm.FailPosts(1)
	env.Deliver(t)
	env.Clock.Advance(2 * time.Second)
	env.Deliver(t)
	env.Clock.Set(bot.DefaultSchedule().Next(env.Clock.Now())) // Thursday 16:00 Stockholm: the conference
	if _, err := env.Bot.RunTimers(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, body = get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`samverkan_commands_total{platform="mattermost",command="actor add",outcome="ok"} 1`,
		`samverkan_commands_total{platform="mattermost",command="forum create",outcome="refused"} 1`,
		`samverkan_command_duration_seconds_bucket{platform="mattermost",le="+Inf"} 4`,
		`samverkan_outbox_attempts_total{platform="mattermost",outcome="failed"} 1`,
		`samverkan_outbox_attempts_total{platform="mattermost",outcome="delivered"} 1`,
		`samverkan_scheduler_runs_total{kind="conference"} 1`,
		`samverkan_outbox_pending 1`, // the agenda, not delivered yet
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, body)
		}
	}
	code, body = get(t, srv.URL+"/healthz")
	var hz struct {
		Store      string            `json:"store"`
		Pending    int               `json:"outbox_pending"`
		Mattermost map[string]string `json:"mattermost"`
	}
	_ = json.Unmarshal([]byte(body), &hz)
	if code != 200 || hz.Store != "ok" || hz.Mattermost["outbound"] != "ok" || !strings.HasPrefix(hz.Mattermost["inbound"], "last request") || hz.Pending != 1 {
		t.Errorf("healthz = %d %s", code, body)
	}
	asked := mm.Requests()
	for range 20 { // a busy probe asks the platform once every ten seconds, not each time
		get(t, srv.URL+"/healthz")
	}
	if n := mm.Requests() - asked; n != 0 {
		t.Errorf("20 probes within ten seconds asked Mattermost %d more times", n)
	}
	mm.Close() // the platform goes away: still healthy, but says so
	env.Clock.Advance(10 * time.Second)
	code, body = get(t, srv.URL+"/healthz")
	_ = json.Unmarshal([]byte(body), &hz)
	if code != 200 || !strings.HasPrefix(hz.Mattermost["outbound"], "unreachable") || hz.Store != "ok" {
		t.Errorf("healthz with mattermost down = %d %s", code, body)
	}
}
