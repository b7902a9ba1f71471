package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"samverkan/config"
	"samverkan/store/postgres"
)

// Shutdown bounds, after SIGTERM, how long requests in flight and the
// work they started may take before the store closes.
const shutdownGrace = 10 * time.Second

func runServe(ctx context.Context, cfg *config.Config, logw io.Writer) error {
	log := slog.New(slog.NewTextHandler(logw, &slog.HandlerOptions{Level: slog.LevelInfo}))
	// The address first: one that cannot be listened on is refused before
	// a database is made or opened.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s (listen, SAMVERKAN_LISTEN): %w", cfg.Listen, err)
	}
	defer ln.Close()
	a, st, err := open(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	if a.Mattermost != nil {
		log.Info("mattermost adapter on", "url", cfg.Mattermost.URL)
	}
	if a.Slack != nil {
		log.Info("slack adapter on", "http", cfg.Slack.SigningSecret != "", "socket_mode", cfg.Slack.AppToken != "")
	}
	if a.Mattermost == nil && a.Slack == nil {
		log.Warn("neither Mattermost nor Slack is configured: only /healthz and /metrics are served (see docs/configuration.md)")
	}
	if err := a.Bot.Start(ctx); err != nil {
		return err
	}
	if st.bolt != nil {
		if stopOps, err := serveOps(st.bolt, cfg); err != nil {
			log.Warn("backup and audit will not work while the bot runs", "err", err)
		} else {
			defer stopOps()
		}
	}

	// The workers run under their own context, ended only after the HTTP
	// server has finished the requests in flight.
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	defer stopWork()
	var bg sync.WaitGroup
	bg.Go(func() { a.Run(work) })

	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if st.pg != nil {
		log.Info("samverkan serving", "listen", ln.Addr().String(), "store", postgres.Redact(cfg.Store), "replica", a.Replica())
	} else {
		log.Info("samverkan serving", "listen", ln.Addr().String(), "data", cfg.Data)
	}

	select {
	case <-ctx.Done():
		log.Info("shutting down: no new requests, finishing those in flight")
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			stopWork()
			bg.Wait()
			return err
		}
	}
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(grace); err != nil {
		log.Warn("shutdown: requests still in flight were cut", "err", err)
	}
	if err := a.Shutdown(grace); err != nil {
		log.Warn("shutdown: work for answered requests was cut", "err", err)
	}
	stopWork()
	bg.Wait()
	fctx, fcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer fcancel()
	if st.leader == nil {
		_ = a.Bot.Outbox.Flush(fctx) // with replicas, the next leader delivers
	}
	if left, err := a.Bot.Outbox.PendingCount(); err == nil && left > 0 {
		log.Info("messages left in the outbox; they go out at the next start", "count", left)
	}
	log.Info("stopped; closing the store")
	return nil
}
