package main

import (
	"context"
	"log/slog"
	"os"

	"samverkan/app"
	"samverkan/bot"
	"samverkan/config"
	"samverkan/store/bolt"
	"samverkan/store/postgres"
)

// stores is the store the application runs on: the embedded file, or a
// PostgreSQL database shared by replicas with the election among them.
type stores struct {
	bolt   *bolt.Store
	pg     *postgres.Store
	leader *postgres.Leader
}

// Close closes the store.
func (s *stores) Close() error {
	if s.pg != nil {
		return s.pg.Close()
	}
	return s.bolt.Close()
}

// open opens the configured store and builds the application on it;
// clock nil is the system clock.
func open(ctx context.Context, cfg *config.Config, log *slog.Logger, clock bot.Clock) (*app.App, *stores, error) {
	st := &stores{}
	o := app.Options{Config: cfg, Log: log, Clock: clock}
	if cfg.Shared() {
		pg, err := postgres.Open(ctx, cfg.Store)
		if err != nil {
			return nil, nil, err
		}
		pg.Warm(ctx)
		st.pg, o.Store = pg, pg
		o.Replica = os.Getenv("SAMVERKAN_REPLICA")
		st.leader = pg.Leader(o.Replica)
		st.leader.Log = log
		o.Leader = st.leader
	} else {
		b, err := bolt.Open(cfg.Data, 0)
		if err != nil {
			return nil, nil, err
		}
		// bolt.Open checked the pages; the audit chain is checked too, so
		// that a file damaged where the pages still hold is not used.
		if err := checkWhole(b, cfg.Data); err != nil {
			b.Close()
			return nil, nil, err
		}
		st.bolt, o.Store = b, b
	}
	a, err := app.New(ctx, o)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	if st.leader != nil {
		st.leader.ID = a.Replica()
		st.leader.Wake = a.Wake
	}
	return a, st, nil
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
