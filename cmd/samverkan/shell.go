package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"samverkan/adapters/shell"
	"samverkan/app"
	"samverkan/bot"
	"samverkan/catalog"
	"samverkan/config"
)

// runShell runs the terminal bot; a non-zero start sets its clock there
// (it runs on from that instant, and :spola moves it on).
func runShell(ctx context.Context, cfg *config.Config, in io.Reader, out io.Writer, user string, demo bool, start time.Time) error {
	// The terminal is a platform of its own: it speaks to no chat server.
	local := *cfg
	local.Mattermost, local.Slack = config.Mattermost{}, config.Slack{}
	local.Store = "" // and it keeps its own file, whatever the replicas share
	clock := &bot.OffsetClock{Base: bot.SystemClock{}}
	if !start.IsZero() {
		clock.Advance(time.Until(start))
	}
	a, st, err := open(ctx, &local, quietLogger(), clock)
	if err != nil {
		return err
	}
	defer st.Close()
	// backup and audit work while the terminal holds the file, as they do
	// while serve runs.
	if stopOps, err := serveOps(st.bolt, &local); err == nil {
		defer stopOps()
	}
	b := a.Bot
	// In the terminal, the shell user "admin" is always an admin, so that a
	// fresh database can be set up.
	b.Admins = append(b.Admins, bot.Identity{Platform: bot.Shell, UserID: "admin"})
	sh := shell.New(a.Engine, b.Outbox, out, user, shell.DemoChannel)
	sh.Clock = clock
	b.Outbox.Platforms[bot.Shell] = sh.Platform()
	b.Directories[bot.Shell] = sh
	if demo {
		seeded, err := shell.SeedDemo(ctx, b)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if seeded {
			fmt.Fprintln(out, catalog.T(cfg.Locale, "shell.demo_seeded", "Data", cfg.Data))
		}
	}
	if f, ok := in.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			sh.Prompt = true
		}
	}
	if err := b.Start(ctx); err != nil {
		return err
	}
	// The status board works here too, on this machine only: `tavla`
	// prints a link to it.
	if stop, url, err := serveBoard(a); err == nil {
		defer stop()
		a.Engine.BoardURL = url
		fmt.Fprintln(out, catalog.T(cfg.Locale, "shell.board", "URL", url))
	}
	_, _ = b.Outbox.DeliverDue(ctx)
	return sh.Run(ctx, in)
}

// serveBoard serves the status board on a free loopback port for the
// terminal session and returns how to stop it and its address.
func serveBoard(a *app.App) (func(), string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	mux := http.NewServeMux()
	a.Board.Routes(mux)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return func() { srv.Close() }, "http://" + ln.Addr().String(), nil
}
