// Package server assembles the bot's HTTP surface from the adapters: the
// routes of the runtime contract, /healthz and /metrics. `samverkan serve`
// and the load tool build the same handler with it.
package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/slack"
	"samverkan/bot"
	"samverkan/commands"
	"samverkan/metrics"
)

// Pinger is an adapter that can say whether its platform answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Options are what the handler is built from.
type Options struct {
	Bot     *bot.Bot
	Outbox  *bot.Outbox
	Engine  *commands.Engine
	Metrics *metrics.Registry
	Log     *slog.Logger
	// Mattermost and Slack, when set, get their routes and become the
	// outbox's platforms and the bot's directories.
	Mattermost *mattermost.Adapter
	Slack      *slack.Adapter
	// SlackHTTP serves the signed Slack routes (off in Socket Mode only).
	SlackHTTP bool
}

// New wires the adapters to the bot and returns the HTTP handler.
func New(o Options) http.Handler {
	mux := http.NewServeMux()
	pingers := map[string]Pinger{}
	if o.Bot.Directories == nil {
		o.Bot.Directories = map[bot.PlatformID]bot.Directory{}
	}
	if o.Mattermost != nil {
		o.Mattermost.Routes(mux)
		o.Outbox.Platforms[bot.Mattermost] = o.Mattermost
		o.Bot.Directories[bot.Mattermost] = o.Mattermost
		pingers["mattermost"] = o.Mattermost
	}
	if o.Slack != nil {
		if o.SlackHTTP {
			o.Slack.Routes(mux)
		}
		o.Outbox.Platforms[bot.Slack] = o.Slack
		o.Bot.Directories[bot.Slack] = o.Slack
		pingers["slack"] = o.Slack
	}
	if o.Metrics != nil {
		Observe(o.Metrics, o.Bot, o.Outbox, o.Engine)
		mux.Handle("GET /metrics", o.Metrics.Handler())
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { health(w, r, o.Outbox, pingers) })
	return mux
}

// Observe connects the bot's hooks to the metrics.
func Observe(reg *metrics.Registry, b *bot.Bot, ob *bot.Outbox, e *commands.Engine) {
	e.Observe = func(platform, command, outcome string, d time.Duration) {
		reg.Command(platform, command, outcome, d)
	}
	ob.Observe = func(p bot.PlatformID, err error) {
		outcome := "delivered"
		if err != nil {
			outcome = "failed"
		}
		reg.Inc("samverkan_outbox_attempts_total", "Outbox delivery attempts by platform and outcome (failed ones are retried).", "platform", string(p), "outcome", outcome)
	}
	b.TimerFired = func(kind string) {
		reg.Inc("samverkan_scheduler_runs_total", "Stored timers fired (reminders, deadlines, conferences), by kind.", "kind", kind)
	}
	reg.Gauge("samverkan_outbox_pending", func() float64 {
		n, _ := ob.PendingCount()
		return float64(n)
	})
}

// health reports the store and each platform; 503 only when the store
// cannot be read, since a platform outage delays but does not lose work.
func health(w http.ResponseWriter, r *http.Request, ob *bot.Outbox, pingers map[string]Pinger) {
	out := map[string]any{}
	code := http.StatusOK
	n, err := ob.PendingCount()
	if err != nil {
		out["store"], code = "error: "+err.Error(), http.StatusServiceUnavailable
	} else {
		out["store"], out["outbox_pending"] = "ok", n
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, p := range pingers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status := "ok"
			if err := p.Ping(ctx); err != nil {
				status = "unreachable: " + err.Error()
			}
			mu.Lock()
			out[name] = status
			mu.Unlock()
		}()
	}
	wg.Wait()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(out)
}
