package main

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"samverkan/config"
)

func startSlack(ctx context.Context, bg *sync.WaitGroup, cfg *config.Config, a *app, key []byte, mux *http.ServeMux, pingers map[string]pinger, log *slog.Logger) error {
	return nil
}
