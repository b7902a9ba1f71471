package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"samverkan/adapters/slack"
	"samverkan/bot"
	"samverkan/config"
)

// startSlack wires the Slack adapter: signed HTTP routes when a signing
// secret is set, Socket Mode when an app token is.
func startSlack(ctx context.Context, bg *sync.WaitGroup, cfg *config.Config, a *app, key []byte, mux *http.ServeMux, pingers map[string]pinger, log *slog.Logger) error {
	if !cfg.SlackEnabled() {
		return nil
	}
	s := cfg.Slack
	sl := slack.New(a.engine, s.BotToken, s.SigningSecret, s.AppToken, s.APIURL, key, log)
	a.outbox.Platforms[bot.Slack] = sl
	a.bot.Directories[bot.Slack] = sl
	pingers["slack"] = sl
	if s.SigningSecret != "" {
		sl.Routes(mux)
		log.Info("slack adapter on", "commands", slack.PathCommands, "interactions", slack.PathInteractions)
	}
	if s.AppToken != "" {
		bg.Add(1)
		go func() {
			defer bg.Done()
			sl.RunSocketMode(ctx)
		}()
		log.Info("slack socket mode on")
	}
	return nil
}
