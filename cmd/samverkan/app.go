package main

import (
	"log/slog"
	"os"

	"samverkan/bot"
	"samverkan/commands"
	"samverkan/config"
	"samverkan/store/bolt"
)

// app is everything one process wires together.
type app struct {
	cfg    *config.Config
	store  *bolt.Store
	bot    *bot.Bot
	outbox *bot.Outbox
	engine *commands.Engine
	log    *slog.Logger
}

func newApp(cfg *config.Config, log *slog.Logger) (*app, error) {
	st, err := bolt.Open(cfg.Data, 0)
	if err != nil {
		return nil, err
	}
	clock := bot.SystemClock{}
	ob := &bot.Outbox{Store: st, Clock: clock, Platforms: map[bot.PlatformID]bot.Platform{}, Log: log}
	b := &bot.Bot{Store: st, Clock: clock, Admins: cfg.AdminIdentities(), Notify: ob.Notify, Log: log, Lang: cfg.Locale, Deadlines: cfg.Deadlines(), Directories: map[bot.PlatformID]bot.Directory{}}
	schedules := map[string]*bot.Schedule{}
	for forum, spec := range cfg.Conferences {
		s, _ := config.ParseConference(spec) // validated by Load
		schedules[forum] = s
	}
	if err := b.ApplySchedules(schedules); err != nil {
		st.Close()
		return nil, err
	}
	e := commands.New(b, cfg.Locale)
	e.Log = log
	return &app{cfg: cfg, store: st, bot: b, outbox: ob, engine: e, log: log}, nil
}

func (a *app) close() error { return a.store.Close() }

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
