package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"samverkan/adapters/mattermost"
	"samverkan/bot"
	"samverkan/config"
	"samverkan/metrics"
)

// pinger is an adapter that can say whether its platform answers.
type pinger interface {
	Ping(ctx context.Context) error
}

func runServe(ctx context.Context, cfg *config.Config, logw io.Writer) error {
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := newApp(cfg, log)
	if err != nil {
		return err
	}
	defer a.close()
	key, err := bot.Secret(a.store, "callbacks", func() ([]byte, error) {
		k := make([]byte, 32)
		_, err := rand.Read(k)
		return k, err
	})
	if err != nil {
		return fmt.Errorf("callback key: %w", err)
	}
	reg := metrics.New()
	a.engine.Observe = func(platform, command, outcome string, d time.Duration) {
		reg.Command(platform, command, outcome, d)
	}
	a.outbox.Observe = func(p bot.PlatformID, err error) {
		outcome := "delivered"
		if err != nil {
			outcome = "failed"
		}
		reg.Inc("samverkan_outbox_attempts_total", "Outbox delivery attempts by platform and outcome.", "platform", string(p), "outcome", outcome)
	}
	reg.Gauge("samverkan_outbox_pending", func() float64 {
		items, _ := a.outbox.Pending()
		return float64(len(items))
	})

	mux := http.NewServeMux()
	pingers := map[string]pinger{}
	if cfg.MattermostEnabled() {
		mm := mattermost.New(a.engine, cfg.Mattermost.URL, cfg.Mattermost.Token, cfg.Mattermost.CommandTokens, cfg.PublicURL, key, log)
		mm.Routes(mux)
		a.outbox.Platforms[bot.Mattermost] = mm
		a.bot.Directories[bot.Mattermost] = mm
		pingers["mattermost"] = mm
		log.Info("mattermost adapter on", "url", cfg.Mattermost.URL, "command", mattermost.PathCommand)
	}
	var bg sync.WaitGroup
	workCtx, stopWork := context.WithCancel(context.Background())
	defer stopWork()
	if err := startSlack(workCtx, &bg, cfg, a, key, mux, pingers, log); err != nil {
		return err
	}
	mux.Handle("GET /metrics", reg.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		health(w, r, a, pingers)
	})

	if err := a.bot.ArmSchedules(); err != nil {
		return fmt.Errorf("conference schedules: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second}
	bg.Add(2)
	go func() {
		defer bg.Done()
		a.outbox.Run(workCtx)
	}()
	go func() {
		defer bg.Done()
		a.bot.RunTimersLoop(workCtx, nil)
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("samverkan serving", "listen", ln.Addr().String(), "data", cfg.Data)

	select {
	case <-ctx.Done():
		log.Info("shutting down: finishing requests in flight")
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("shutdown", "err", err)
	}
	stopWork()
	bg.Wait()
	fctx, fcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer fcancel()
	_ = a.outbox.Flush(fctx)
	if left, err := a.outbox.Pending(); err == nil && len(left) > 0 {
		log.Info("messages left in the outbox; they go out at the next start", "count", len(left))
	}
	log.Info("stopped")
	return nil
}

// health reports the store and each platform; 503 only when the store
// cannot be read, since a platform outage delays but does not lose work.
func health(w http.ResponseWriter, r *http.Request, a *app, pingers map[string]pinger) {
	out := map[string]any{}
	code := http.StatusOK
	items, err := a.outbox.Pending()
	if err != nil {
		out["store"], code = "error: "+err.Error(), http.StatusServiceUnavailable
	} else {
		out["store"], out["outbox_pending"] = "ok", len(items)
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
