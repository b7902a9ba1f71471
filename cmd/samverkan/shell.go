package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"samverkan/adapters/shell"
	"samverkan/bot"
	"samverkan/catalog"
	"samverkan/config"
)

func runShell(ctx context.Context, cfg *config.Config, in io.Reader, out io.Writer, user string, demo bool) error {
	a, err := newApp(cfg, quietLogger())
	if err != nil {
		return err
	}
	defer a.close()
	// In the terminal, the shell user "admin" is always an admin, so that a
	// fresh database can be set up.
	a.bot.Admins = append(a.bot.Admins, bot.Identity{Platform: bot.Shell, UserID: "admin"})
	if demo {
		seeded, err := shell.SeedDemo(a.bot)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if seeded {
			fmt.Fprintln(out, catalog.T(cfg.Locale, "shell.demo_seeded", "Data", cfg.Data))
		}
	}
	clock := &bot.OffsetClock{Base: bot.SystemClock{}}
	a.bot.Clock, a.outbox.Clock = clock, clock
	sh := shell.New(a.engine, a.outbox, out, user, shell.DemoChannel)
	sh.Clock = clock
	a.outbox.Platforms[bot.Shell] = sh.Platform()
	if f, ok := in.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			sh.Prompt = true
		}
	}
	if err := a.bot.ArmSchedules(); err != nil {
		return err
	}
	_, _ = a.outbox.DeliverDue(ctx)
	return sh.Run(ctx, in)
}
