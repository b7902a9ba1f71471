package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/mattermost/mmtest"
	"samverkan/bottest"
	"samverkan/commands"
	"samverkan/metrics"
	"samverkan/server"
)

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
	e := commands.New(env.Bot, "sv")
	srv := httptest.NewServer(nil)
	defer srv.Close()
	a := mattermost.New(e, mm.URL, "bot-token", []string{"tok"}, srv.URL, []byte("0123456789abcdef0123456789abcdef"), bottest.Quiet())
	srv.Config.Handler = server.New(server.Options{Bot: env.Bot, Outbox: env.Outbox, Engine: e, Metrics: metrics.New(), Mattermost: a})
	c := &mmtest.Client{BotURL: srv.URL, Token: "tok"}
	c.Command("u_admin", "admin", "ch1", `aktör lägg-till lst "Länsstyrelsen"`, nil)
	c.Command("u_admin", "admin", "ch1", `forum skapa ssr "Regional" nivå=samordnande värd=lst`, nil)
	c.Command("u_admin", "admin", "ch1", "forum kanal ssr", nil)
	c.Command("u_x", "x", "ch1", "forum skapa x \"X\" nivå=samordnande", nil)
	mm.FailPosts(1)
	env.Deliver(t)
	env.Clock.Advance(2 * time.Second)
	env.Deliver(t)
	env.Clock.Set(time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)) // 16:00 Stockholm: the conference
	if _, err := env.Bot.RunTimers(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, srv.URL+"/metrics")
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
	var h map[string]any
	_ = json.Unmarshal([]byte(body), &h)
	if code != 200 || h["store"] != "ok" || h["mattermost"] != "ok" || h["outbox_pending"] != 1.0 {
		t.Errorf("healthz = %d %s", code, body)
	}
	mm.Close() // the platform goes away: still healthy, but says so
	code, body = get(t, srv.URL+"/healthz")
	_ = json.Unmarshal([]byte(body), &h)
	if code != 200 || !strings.HasPrefix(h["mattermost"].(string), "unreachable") || h["store"] != "ok" {
		t.Errorf("healthz with mattermost down = %d %s", code, body)
	}
}
