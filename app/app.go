// Package app wires samverkan together: the bot on a store, the command
// engine, the platform adapters the configuration asks for, and the HTTP
// handler with /healthz and /metrics. The server, the terminal, the load
// tool and the end-to-end tests build the application with New; nothing
// else does.
package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/slack"
	"samverkan/board"
	"samverkan/bot"
	"samverkan/capfeed"
	"samverkan/commands"
	"samverkan/config"
	"samverkan/metrics"
	"samverkan/pdf"
)

// App is samverkan wired together.
type App struct {
	Config  *config.Config
	Bot     *bot.Bot
	Engine  *commands.Engine
	Metrics *metrics.Registry
	// Mattermost and Slack are nil when the configuration has none.
	Mattermost *mattermost.Adapter
	Slack      *slack.Adapter
	// Board serves the status board (/board/…).
	Board *board.Handler
	// CAP serves the public CAP feeds an operator turned on (/cap/…), nil
	// for none.
	CAP *capfeed.Handler
	// Handler serves the routes of the runtime contract.
	Handler http.Handler
	Log     *slog.Logger

	started   time.Time
	leader    Leadership
	replica   string
	timerWake chan struct{}
	pingMu    sync.Mutex
	pings     map[string]*ping // per platform
}

// Options are what an application is built from.
type Options struct {
	Config *config.Config
	Store  bot.Store
	// Clock defaults to the system clock.
	Clock bot.Clock
	Log   *slog.Logger
	// Key protects buttons and forms; by default the store's own secret,
	// made on first start.
	Key []byte
	// Leader, for a store that several replicas share, elects the one
	// that delivers the outbox and fires timers; nil when this process is
	// alone on its store (bbolt's file lock sees to that).
	Leader Leadership
	// Replica names this process among the replicas (default: host and
	// process ID).
	Replica string
}

// Leadership elects one replica among those sharing a store to do the
// work that must happen once.
type Leadership interface {
	// Run takes part in the election until ctx ends, running work while
	// this replica leads, with a context that ends when it stops.
	Run(ctx context.Context, work func(context.Context))
	// Leading reports whether this replica leads now.
	Leading() bool
	// Status says whether this replica leads, since when, how often it
	// was elected, and the last error the election met.
	Status() (leading bool, since time.Time, terms int, lastError string)
}

// New builds the application on o.Store: the bot, the command engine, the
// adapters of the platforms the configuration names, the HTTP handler;
// and it applies the configured conference schedules.
func New(ctx context.Context, o Options) (*App, error) {
	cfg, log := o.Config, o.Log
	if log == nil {
		log = slog.Default()
	}
	b := bot.New(bot.Options{Store: o.Store, Clock: o.Clock, Admins: cfg.AdminIdentities(), Log: log, Lang: cfg.Locale, Deadlines: cfg.Deadlines(), Print: pdf.Printer(cfg.Locale), Sender: cfg.Sender()})
	schedules := map[string]*bot.Schedule{}
	for forum, spec := range cfg.Conferences {
		s, _ := config.ParseConference(spec) // validated by Load
		schedules[forum] = s
	}
	if err := b.Conferences.ApplySchedules(ctx, schedules); err != nil {
		return nil, fmt.Errorf("conference schedules: %w", err)
	}
	e := commands.New(b, cfg.Locale)
	e.Log = log
	e.BoardURL = strings.TrimSuffix(cfg.PublicURL, "/")
	e.Admission = commands.NewAdmission(cfg.MaxInFlight)
	key := o.Key
	if key == nil {
		var err error
		if key, err = bot.Secret(o.Store, "callbacks", func() ([]byte, error) {
			k := make([]byte, 32)
			_, err := rand.Read(k)
			return k, err
		}); err != nil {
			return nil, fmt.Errorf("callback key: %w", err)
		}
	}
	a := &App{Config: cfg, Bot: b, Engine: e, Metrics: metrics.New(), Log: log, started: time.Now(),
		leader: o.Leader, timerWake: make(chan struct{}, 1)}
	a.replica = cmp.Or(o.Replica, replicaName())
	if o.Leader != nil {
		b.Outbox.Claims = &bot.Claims{Holder: a.replica, Leading: o.Leader.Leading}
	}
	if cfg.MattermostEnabled() {
		a.Mattermost = mattermost.New(e, cfg.Mattermost.URL, cfg.Mattermost.Token, cfg.Mattermost.CommandTokens, cfg.PublicURL, key, log)
		a.Mattermost.SetRateLimit(cfg.Mattermost.RequestsPerSecond, cfg.Mattermost.Burst)
		b.Outbox.Platforms[bot.Mattermost] = a.Mattermost
		b.Directories[bot.Mattermost] = a.Mattermost
	}
	if cfg.SlackEnabled() {
		s := cfg.Slack
		a.Slack = slack.New(e, s.BotToken, s.SigningSecret, s.AppToken, s.APIURL, key, log)
		b.Outbox.Platforms[bot.Slack] = a.Slack
		b.Directories[bot.Slack] = a.Slack
	}
	if len(cfg.CAPFeeds) > 0 {
		a.CAP = &capfeed.Handler{Bot: b, Forums: cfg.CAPFeeds, Base: cfg.PublicURL}
	}
	a.Board = &board.Handler{Bot: b, Lang: cfg.Locale, Secure: strings.HasPrefix(cfg.PublicURL, "https://"), Log: log}
	a.Handler = a.routes()
	return a, nil
}

// Run does the application's background work until ctx ends: outbox
// delivery and stored timers (while this replica leads, when there are
// several), Slack Socket Mode; the adapters' own work runs under ctx
// too. It returns when all of it has stopped.
func (a *App) Run(ctx context.Context) {
	if a.Slack != nil {
		a.Slack.Attach(ctx)
	}
	var wg sync.WaitGroup
	if a.leader != nil {
		wg.Go(func() { a.leader.Run(ctx, a.once) })
	} else {
		wg.Go(func() { a.once(ctx) })
	}
	if a.Slack != nil && a.Config.Slack.AppToken != "" {
		wg.Go(func() { a.Slack.RunSocketMode(ctx) })
	}
	wg.Wait()
}

// once does the work that must happen once, until ctx ends.
func (a *App) once(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { a.Bot.Outbox.Run(ctx) })
	wg.Go(func() { a.Bot.RunTimersLoop(ctx, a.timerWake) })
	wg.Wait()
}

// Replica names this process among the replicas.
func (a *App) Replica() string { return a.replica }

// Wake tells the outbox and the timers that another replica committed
// work for them.
func (a *App) Wake() {
	a.Bot.Outbox.Notify()
	select {
	case a.timerWake <- struct{}{}:
	default:
	}
}

// replicaName names this process: host and process ID.
func replicaName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", cmp.Or(host, "localhost"), os.Getpid())
}

// Shutdown waits, until ctx ends, for work the adapters took on for
// requests already answered (Slack's answers after the first 3 seconds,
// modals); what is left then is stopped.
func (a *App) Shutdown(ctx context.Context) error {
	if a.Slack != nil {
		return a.Slack.Shutdown(ctx)
	}
	return nil
}
