package main

import (
	"context"
	"log/slog"
	"os"

	"samverkan/app"
	"samverkan/config"
	"samverkan/store/bolt"
)

// open opens the configured database and builds the application on it.
func open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*app.App, *bolt.Store, error) {
	st, err := bolt.Open(cfg.Data, 0)
	if err != nil {
		return nil, nil, err
	}
	a, err := app.New(ctx, app.Options{Config: cfg, Store: st, Log: log})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return a, st, nil
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
