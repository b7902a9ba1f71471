package app

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"samverkan/bot"
	"samverkan/metrics"
	"samverkan/store/postgres"
)

// routes serves the adapters' routes, the status board, /healthz and
// /metrics.
func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	if a.Mattermost != nil {
		a.Mattermost.Routes(mux)
	}
	if a.Slack != nil && a.Config.Slack.SigningSecret != "" {
		a.Slack.Routes(mux)
	}
	a.Board.Routes(mux)
	if a.CAP != nil {
		a.CAP.Routes(mux)
	}
	observe(a.Metrics, a)
	mux.Handle("GET /metrics", a.Metrics.Handler())
	mux.HandleFunc("GET /healthz", a.health)
	return mux
}

// observe connects the bot's hooks to the metrics.
func observe(reg *metrics.Registry, a *App) {
	a.Engine.Observe = func(platform, command, outcome string, d time.Duration) {
		reg.Command(platform, command, outcome, d)
	}
	ob := a.Bot.Outbox
	ob.Observe = func(p bot.PlatformID, err error) {
		outcome := "delivered"
		if err != nil {
			outcome = "failed"
		}
		reg.Inc("samverkan_outbox_attempts_total", "Outbox delivery attempts by platform and outcome (failed ones are retried).", "platform", string(p), "outcome", outcome)
	}
	a.Bot.TimerFired = func(kind string) {
		reg.Inc("samverkan_scheduler_runs_total", "Stored timers fired (reminders, deadlines, conferences), by kind.", "kind", kind)
	}
	if adm := a.Engine.Admission; adm != nil {
		reg.Gauge("samverkan_commands_in_flight", func() float64 { return float64(adm.InFlight()) })
		reg.Gauge("samverkan_commands_waiting", func() float64 { return float64(adm.Waiting()) })
		reg.Gauge("samverkan_commands_rate_limit", func() float64 { return adm.Rate() })
		reg.CounterFunc("samverkan_commands_shed_total", "Commands answered busy (nothing done) while the bot was saturated.", func() float64 { return float64(adm.Shed()) })
	}
	reg.Gauge("samverkan_outbox_pending", func() float64 {
		n, _ := ob.PendingCount()
		return float64(n)
	})
	reg.Gauge("samverkan_outbox_lag_seconds", func() float64 {
		d, _ := ob.Lag()
		return d.Seconds()
	})
	reg.Gauge("samverkan_database_up", func() float64 {
		if a.databaseError(context.Background()) != nil {
			return 0
		}
		return 1
	})
	reg.Gauge("samverkan_leader", func() float64 {
		if a.leader == nil || a.leader.Leading() {
			return 1
		}
		return 0
	})
	if a.leader != nil {
		reg.Gauge("samverkan_leader_terms", func() float64 {
			_, _, terms, _ := a.leader.Status()
			return float64(terms)
		})
	}
	if r, ok := a.Bot.Store.(interface{ Retries() int64 }); ok {
		reg.Gauge("samverkan_store_retries", func() float64 { return float64(r.Retries()) })
	}
	// PostgreSQL's write path: group commit under the write lock shared by
	// the replicas (store/postgres/commit.go). Rates are the counters'
	// increase per second.
	if st, ok := a.Bot.Store.(*postgres.Store); ok {
		for _, c := range []struct {
			name, help string
			fn         func(postgres.Stats) float64
		}{
			{"samverkan_store_commits_total", "Write transactions committed (each holds a batch of updates).", func(s postgres.Stats) float64 { return float64(s.Commits) }},
			{"samverkan_store_updates_total", "Updates committed.", func(s postgres.Stats) float64 { return float64(s.Updates) }},
			{"samverkan_store_conflicts_total", "Write transactions run again after a conflict or an aborted transaction.", func(s postgres.Stats) float64 { return float64(s.Conflicts) }},
			{"samverkan_store_reconnect_reruns_total", "Write transactions run once more after a lost connection.", func(s postgres.Stats) float64 { return float64(s.Reruns) }},
			{"samverkan_store_settled_commits_total", "Commits whose lost answer was looked up.", func(s postgres.Stats) float64 { return float64(s.Settled) }},
			{"samverkan_store_cache_hits_total", "Reads answered from this replica's memory, valid at the database's version.", func(s postgres.Stats) float64 { return float64(s.CacheHits) }},
			{"samverkan_store_cache_misses_total", "Reads asked of the database.", func(s postgres.Stats) float64 { return float64(s.CacheMisses) }},
			{"samverkan_store_lock_wait_seconds_total", "Time write transactions waited to begin, the write lock shared by the replicas included.", func(s postgres.Stats) float64 { return s.LockWait.Seconds() }},
		} {
			reg.CounterFunc(c.name, c.help, func() float64 { return c.fn(st.Stats()) })
		}
	}
}

// databaseError asks the database whether it answers (a shared store), or
// reads one record of the store (the embedded one).
func (a *App) databaseError(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if p, ok := a.Bot.Store.(interface{ Ping(context.Context) error }); ok {
		return p.Ping(ctx)
	}
	return a.Bot.Store.View(func(tx bot.Tx) error { _, err := bot.AuditHead(tx); return err })
}

// role says what this replica does: "leader" or "follower" among
// replicas, "alone" on the embedded store.
func (a *App) role() map[string]any {
	if a.leader == nil {
		return map[string]any{"role": "alone"}
	}
	leading, since, terms, lastErr := a.leader.Status()
	out := map[string]any{"role": "follower", "elected": terms}
	if leading {
		out["role"], out["leading_since"] = "leader", since.UTC().Format(time.RFC3339)
	}
	if lastErr != "" {
		out["election_error"] = lastErr
	}
	return out
}

// Direction is what the bot can tell about one platform, each way.
type Direction struct {
	// Outbound: the bot reaches the platform's API with its token (asked
	// now).
	Outbound string `json:"outbound"`
	// Inbound: the platform reaches the bot (slash commands, buttons). The
	// bot cannot ask; it says when a request last came, or that Socket
	// Mode is connected.
	Inbound string `json:"inbound"`
}

// health reports the store and each platform both ways; 503 only when the
// store cannot be read, since a platform outage delays but does not lose
// work.
func (a *App) health(w http.ResponseWriter, r *http.Request) {
	out := map[string]any{}
	code := http.StatusOK
	if err := a.databaseError(r.Context()); err != nil {
		out["store"], code = "error: "+err.Error(), http.StatusServiceUnavailable
	} else {
		out["store"] = "ok"
		if n, err := a.Bot.Outbox.PendingCount(); err == nil {
			out["outbox_pending"] = n
		}
		if lag, err := a.Bot.Outbox.Lag(); err == nil {
			out["outbox_lag_seconds"] = math.Round(lag.Seconds()*10) / 10
		}
	}
	out["replica"] = a.role()
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, d := range a.directions() {
		wg.Go(func() {
			got := d(ctx)
			mu.Lock()
			out[name] = got
			mu.Unlock()
		})
	}
	wg.Wait()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(out)
}

// directions returns, per configured platform, how to find out what the
// bot can tell about it both ways.
func (a *App) directions() map[string]func(context.Context) Direction {
	out := map[string]func(context.Context) Direction{}
	if m := a.Mattermost; m != nil {
		out["mattermost"] = func(ctx context.Context) Direction {
			return Direction{Outbound: a.outbound(ctx, "mattermost", m.Ping), Inbound: a.inbound("Mattermost", m.LastInbound(), "docs/mattermost.md#troubleshooting")}
		}
	}
	if s := a.Slack; s != nil {
		out["slack"] = func(ctx context.Context) Direction {
			d := Direction{Outbound: a.outbound(ctx, "slack", s.Ping)}
			switch {
			case a.Config.Slack.AppToken != "" && s.SocketConnected():
				d.Inbound = "socket mode connected"
			case a.Config.Slack.AppToken != "":
				d.Inbound = "socket mode not connected (connecting again; check SAMVERKAN_SLACK_APP_TOKEN if it stays so)"
			default:
				d.Inbound = a.inbound("Slack", s.LastInbound(), "docs/slack.md#troubleshooting")
			}
			return d
		}
	}
	return out
}

// outbound says whether the platform answers the bot, asking it with ask
// at most every pingEvery.
func (a *App) outbound(ctx context.Context, platform string, ask func(context.Context) error) string {
	a.pingMu.Lock()
	if a.pings == nil {
		a.pings = map[string]*ping{}
	}
	p := a.pings[platform]
	if p == nil {
		p = &ping{ask: ask}
		a.pings[platform] = p
	}
	a.pingMu.Unlock()
	now := a.Bot.Clock.Now()
	at, err := p.check(ctx, now)
	ago := ""
	if d := now.Sub(at).Round(time.Second); d > 0 {
		ago = fmt.Sprintf(" (asked %s ago)", d)
	}
	if err != nil {
		return "unreachable: " + err.Error() + ago
	}
	return "ok" + ago
}

// inbound says when the platform last reached the bot with a request it
// could authenticate.
func (a *App) inbound(platform string, last time.Time, doc string) string {
	if last.IsZero() {
		return fmt.Sprintf("no request from %s since the bot started %s ago; if commands fail in %s, it cannot reach %s (see %s)",
			platform, time.Since(a.started).Round(time.Second), platform, a.Config.PublicURL, doc)
	}
	return fmt.Sprintf("last request %s ago", time.Since(last).Round(time.Second))
}
