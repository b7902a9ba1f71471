// Command samverkan is the crisis-collaboration bot. With no arguments it
// starts the terminal adapter on a local file with a demo forum; `serve`
// runs the Mattermost and Slack adapters.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Europe/Stockholm on minimal machines

	"samverkan/commands"
	"samverkan/config"
)

const usage = `samverkan — chat-ops for crisis collaboration

Usage:
  samverkan [flags]                 the terminal bot (demo forum on a new file)
  samverkan [flags] shell           the terminal bot
  samverkan [flags] serve           Mattermost and Slack adapters, scheduler, outbox
  samverkan [flags] check-config    validate and print the configuration, secrets masked
  samverkan [flags] backup FILE     consistent copy of the database while it runs
  samverkan [flags] audit verify    check the audit log's hash chain
  samverkan [flags] audit list [N]  show the newest N audit events (default 20)

Flags:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// run is main without the exit, so tests can call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	fs := flag.NewFlagSet("samverkan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", getenv("SAMVERKAN_CONFIG"), "YAML configuration file (or SAMVERKAN_CONFIG)")
	data := fs.String("data", "", "database file (overrides data / SAMVERKAN_DATA)")
	user := fs.String("user", "admin", "shell: who you are at start")
	noDemo := fs.Bool("no-demo", false, "shell: do not create the demo forum in an empty database")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg, err := config.Load(*cfgPath, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "samverkan: configuration:\n%v\n", err)
		return 2
	}
	if *data != "" {
		cfg.Data = *data
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	rest := fs.Args()
	cmd := "shell"
	if len(rest) > 0 {
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "shell":
		err = runShell(ctx, cfg, stdin, stdout, *user, !*noDemo)
	case "serve":
		err = runServe(ctx, cfg, stderr)
	case "check-config":
		cfg.Print(stdout)
		e := commands.New(nil, cfg.Locale)
		fmt.Fprintf(stdout, "\nslash command /samverkan, for the platforms' settings:\n  autocomplete hint:        %s\n  autocomplete description: %s\n", e.AutocompleteHint(cfg.Locale), e.AutocompleteDescription(cfg.Locale))
		fmt.Fprintln(stdout, "configuration OK")
	case "backup":
		if len(rest) != 1 {
			fmt.Fprintln(stderr, "usage: samverkan backup FILE")
			return 2
		}
		err = runBackup(cfg, rest[0], stdout)
	case "audit":
		return runAudit(cfg, rest, stdout, stderr)
	case "help", "hjälp", "-h":
		fs.Usage()
		return 0
	default:
		fmt.Fprintf(stderr, "samverkan: unknown command %q\n\n", cmd)
		fs.Usage()
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "samverkan: %v\n", err)
		return 1
	}
	return 0
}
