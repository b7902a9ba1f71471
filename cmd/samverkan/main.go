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
	"time"
	_ "time/tzdata" // Europe/Stockholm on minimal machines

	"samverkan/app"
	"samverkan/bot"
	"samverkan/commands"
	"samverkan/config"
)

const usage = `samverkan — chat-ops for crisis collaboration

Usage:
  samverkan [flags]                 the terminal bot (demo forum on a new file)
  samverkan shell [flags]           the terminal bot
  samverkan serve [flags]           Mattermost and Slack adapters, scheduler, outbox
  samverkan check-config [--probe]  validate and print the configuration, secrets masked;
                                    --probe also tries what the bot can reach from here
  samverkan backup FILE [flags]     consistent copy of the database (also while serve runs)
  samverkan audit verify [flags]    check the audit log's hash chain (also while serve runs)
  samverkan audit list [N] [flags]  show the newest N audit events (default 20)
  samverkan migrate --from FILE.db --to postgres://…
                                    copy the embedded database into an empty PostgreSQL one

The store is the embedded file (data, --data, SAMVERKAN_DATA) unless
store: postgres://… (or SAMVERKAN_DATABASE_URL) names a PostgreSQL
database, which two or more serve replicas may share; the terminal always
keeps its own file.

Flags may come before or after the command:
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// options are the command line's flags.
type options struct {
	config, data, user, now string
	noDemo, probe           bool
}

// flagSet declares every flag; which ones a command accepts is checked
// after parsing.
func flagSet(o *options, getenv func(string) string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("samverkan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.config, "config", getenv("SAMVERKAN_CONFIG"), "YAML configuration file (or SAMVERKAN_CONFIG)")
	fs.StringVar(&o.data, "data", "", "database file (overrides data / SAMVERKAN_DATA)")
	fs.StringVar(&o.user, "user", "admin", "shell: who you are at start")
	fs.BoolVar(&o.noDemo, "no-demo", false, "shell: do not create the demo forum in an empty database")
	fs.StringVar(&o.now, "now", "", `shell: start the terminal's clock at this time ("2026-12-03 15:30", Stockholm, or RFC 3339), to rehearse a day`)
	fs.BoolVar(&o.probe, "probe", false, "check-config: try the platforms with the configured credentials")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse reads flags wherever they stand among the words, so that
// `audit verify --data FILE` and `--data FILE audit verify` mean the same.
// It returns the words that are not flags, in order.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return words, nil
		}
		words = append(words, rest[0])
		args = rest[1:]
	}
}

// commandOnly are the flags that mean something to one command only.
var commandOnly = map[string]string{"user": "shell", "no-demo": "shell", "now": "shell", "probe": "check-config"}

// run is main without the exit, so tests can call it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) > 0 && args[0] == "migrate" {
		return runMigrate(args[1:], stdout, stderr)
	}
	var o options
	fs := flagSet(&o, getenv, stderr)
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout) // asked for: the answer, not an error
			fs.Usage()
			return 0
		}
	}
	words, err := parse(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cmd := "shell"
	if len(words) > 0 {
		cmd, words = words[0], words[1:]
	}
	if cmd == "help" || cmd == "hjälp" {
		fs.SetOutput(stdout)
		fs.Usage()
		return 0
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, owner := range commandOnly {
		if set[name] && cmd != owner {
			fmt.Fprintf(stderr, "samverkan: -%s is for %s only, not for %s\n", name, owner, cmd)
			return 2
		}
	}
	want := map[string][2]int{"shell": {0, 0}, "serve": {0, 0}, "check-config": {0, 0}, "backup": {1, 1}, "audit": {1, 2}}
	n, known := want[cmd]
	if !known {
		fmt.Fprintf(stderr, "samverkan: unknown command %q\n\n", cmd)
		fs.Usage()
		return 2
	}
	if len(words) < n[0] || len(words) > n[1] {
		fmt.Fprintf(stderr, "samverkan: %s: wrong number of arguments %q\n\n", cmd, words)
		fs.Usage()
		return 2
	}
	cfg, err := config.Load(o.config, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "samverkan: configuration:\n%v\n", err)
		return 2
	}
	if o.data != "" {
		cfg.Data = o.data
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd {
	case "shell":
		var start time.Time
		if start, err = parseNow(o.now); err != nil {
			fmt.Fprintf(stderr, "samverkan: %v\n", err)
			return 2
		}
		err = runShell(ctx, cfg, stdin, stdout, o.user, !o.noDemo, start)
	case "serve":
		err = runServe(ctx, cfg, stderr)
	case "check-config":
		cfg.Print(stdout)
		e := commands.New(nil, cfg.Locale)
		fmt.Fprintf(stdout, "\nslash command /samverkan, for the platforms' settings:\n  autocomplete hint:        %s\n  autocomplete description: %s\n", e.AutocompleteHint(cfg.Locale), e.AutocompleteDescription(cfg.Locale))
		runSchedules(ctx, cfg, stdout)
		fmt.Fprintln(stdout, "configuration OK")
		if o.probe {
			return probe(ctx, cfg, stdout)
		}
	case "backup":
		err = runBackup(cfg, words[0], stdout)
	case "audit":
		return runAudit(cfg, words, stdout, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "samverkan: %v\n", err)
		return 1
	}
	return 0
}

// parseNow reads --now: a Stockholm wall time or an RFC 3339 instant;
// empty is the zero time (the clock on the wall).
func parseNow(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", v, bot.Stockholm()); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--now %q: write a Stockholm time such as %q, or RFC 3339", v, time.Now().In(bot.Stockholm()).Format("2006-01-02 15:04"))
}

// probe prints what the bot can reach from here and what it cannot
// check; it fails when something it tried failed.
func probe(ctx context.Context, cfg *config.Config, out io.Writer) int {
	checks := app.Probe(ctx, cfg)
	if len(checks) == 0 {
		fmt.Fprintln(out, "\nno platform configured: nothing to probe")
		return 0
	}
	code := 0
	fmt.Fprintln(out, "\nprobe:")
	for _, c := range checks {
		fmt.Fprintf(out, "  %-10s %s\n             %s\n", c.Platform, c.Direction, c.Result)
		if c.Failed {
			code = 1
		}
	}
	return code
}
