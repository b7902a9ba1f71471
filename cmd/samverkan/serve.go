package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/slack"
	"samverkan/bot"
	"samverkan/config"
	"samverkan/metrics"
	"samverkan/server"
)

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
	opts := server.Options{Bot: a.bot, Outbox: a.outbox, Engine: a.engine, Metrics: metrics.New(), Log: log}
	if cfg.MattermostEnabled() {
		opts.Mattermost = mattermost.New(a.engine, cfg.Mattermost.URL, cfg.Mattermost.Token, cfg.Mattermost.CommandTokens, cfg.PublicURL, key, log)
		log.Info("mattermost adapter on", "url", cfg.Mattermost.URL, "command", mattermost.PathCommand)
	}
	var sl *slack.Adapter
	if cfg.SlackEnabled() {
		s := cfg.Slack
		sl = slack.New(a.engine, s.BotToken, s.SigningSecret, s.AppToken, s.APIURL, key, log)
		opts.Slack, opts.SlackHTTP = sl, s.SigningSecret != ""
		log.Info("slack adapter on", "http", opts.SlackHTTP, "socket_mode", s.AppToken != "")
	}
	if opts.Mattermost == nil && opts.Slack == nil {
		log.Warn("neither Mattermost nor Slack is configured: only /healthz and /metrics are served (see docs/configuration.md)")
	}
	handler := server.New(opts)
	if err := a.bot.ArmSchedules(); err != nil {
		return fmt.Errorf("conference schedules: %w", err)
	}

	var bg sync.WaitGroup
	workCtx, stopWork := context.WithCancel(context.Background())
	defer stopWork()
	bg.Add(2)
	go func() { defer bg.Done(); a.outbox.Run(workCtx) }()
	go func() { defer bg.Done(); a.bot.RunTimersLoop(workCtx, nil) }()
	if sl != nil && cfg.Slack.AppToken != "" {
		bg.Add(1)
		go func() { defer bg.Done(); sl.RunSocketMode(workCtx) }()
	}

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("samverkan serving", "listen", ln.Addr().String(), "data", cfg.Data)

	select {
	case <-ctx.Done():
		log.Info("shutting down: no new requests, finishing those in flight")
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
	if left, err := a.outbox.PendingCount(); err == nil && left > 0 {
		log.Info("messages left in the outbox; they go out at the next start", "count", left)
	}
	log.Info("stopped; closing the store")
	return nil
}
