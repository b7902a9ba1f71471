package main

import (
	"context"
	"errors"
	"io"

	"samverkan/config"
)

func runServe(ctx context.Context, cfg *config.Config, logw io.Writer) error {
	_ = ctx
	_ = logw
	return errors.New("serve: not built yet")
}
