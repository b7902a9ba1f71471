// Package load measures the bot under load on loopback: the real
// application (app.New) on a durable bbolt file, against fake Mattermost
// and Slack servers that enforce their platforms' rate limits, driven
// open-loop — requests leave at their scheduled times whatever the bot
// does, and latency counts from the scheduled time — with baselines (a
// bare HTTP handler, bare bbolt commits) measured in the same run.
// cmd/samverkan-load prints it; load_test.go holds the bot to it.
package load

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack/slackfake"
	"samverkan/app"
	"samverkan/bot"
	"samverkan/config"
	"samverkan/store/bolt"
	"samverkan/store/postgres"
)

const (
	cmdToken    = "load-token"
	slackSecret = "load-secret"
	// Forum is the forum the mix works in; AgendaForum holds the weekly
	// conference whose agenda must go out on its minute under load.
	Forum       = "ssr"
	AgendaForum = "tfn"
	mmChannel   = "ch_mm"
	slChannel   = "C_SL"
	tfnChannel  = "ch_tfn"
)

// Target is the bot running for a load run.
type Target struct {
	URL  string
	Path string // the database file
	App  *app.App
	MM   *mmtest.Server
	SL   *slackfake.Server
	// Clock is the bot's clock: the wall clock moved so that a minute
	// begins AgendaAt into the run.
	Clock *bot.OffsetClock
	// AgendaDue is when (bot time) the agenda of AgendaForum is due.
	AgendaDue time.Time

	dir    string
	store  store
	pg     *postgres.Scratch
	leader *postgres.Leader
	srv    *http.Server
	cancel context.CancelFunc
	done   sync.WaitGroup
	mmBtn  map[string]any
	slBtn  map[string]any
	cfg    *config.Config
	others []*replica
}

// URLs are the replicas' addresses, the first replica's first.
func (t *Target) URLs() []string {
	out := []string{t.URL}
	for _, r := range t.others {
		out = append(out, r.url)
	}
	return out
}

// Stores are the replicas' PostgreSQL stores, in the order of URLs (none
// on bbolt).
func (t *Target) Stores() []*postgres.Store {
	var out []*postgres.Store
	if pg, ok := t.store.(*postgres.Store); ok {
		out = append(out, pg)
	}
	for _, r := range t.others {
		out = append(out, r.store)
	}
	return out
}

// startReplica starts one more bot, replica n, on the target's database,
// as serve does: its own pool, the leader election, its own address.
func (t *Target) startReplica(n int) error {
	st, err := postgres.Open(context.Background(), t.pg.URL)
	if err != nil {
		return err
	}
	st.Warm(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		st.Close()
		return err
	}
	r := &replica{url: "http://" + ln.Addr().String(), store: st}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	id := fmt.Sprintf("load-%d", n)
	r.leader = st.Leader(id)
	r.leader.Log = quiet
	cfg := *t.cfg
	a, err := app.New(context.Background(), app.Options{Config: &cfg, Store: st, Clock: t.Clock, Log: quiet, Leader: r.leader, Replica: id})
	if err != nil {
		st.Close()
		return err
	}
	r.app = a
	r.leader.Wake = a.Wake
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.srv = &http.Server{Handler: a.Handler}
	r.done.Go(func() { _ = r.srv.Serve(ln) })
	r.done.Go(func() { a.Run(ctx) })
	t.others = append(t.others, r)
	return nil
}

// Options shape a target.
type Options struct {
	// MaxInFlight is the bot's bound on commands running at once (0: the
	// default).
	MaxInFlight int
	// AgendaAt is how far into the run the scheduled conference's minute
	// falls (0: no scheduled conference).
	AgendaAt time.Duration
	// Store, when set, is a PostgreSQL server (postgres://…) on which the
	// run makes a database of its own, instead of the bbolt file; the bot
	// then runs as a replica with the leader election on.
	Store string
	// Replicas is how many replicas share the database (Store only; 0
	// and 1 are one); each has an HTTP address of its own (URLs).
	Replicas int
}

// replica is one more bot on the target's database.
type replica struct {
	url    string
	app    *app.App
	store  *postgres.Store
	leader *postgres.Leader
	srv    *http.Server
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// store is what the target needs of either store.
type store interface {
	bot.Store
	Close() error
}

// Start runs the bot with a seeded forum: three actors, people on both
// platforms, a running conference for decisions, a channel on each
// platform, and a second forum whose weekly conference falls AgendaAt
// from now.
func Start(o Options) (*Target, error) {
	dir, err := os.MkdirTemp("", "samverkan-load-")
	if err != nil {
		return nil, err
	}
	t := &Target{dir: dir, Path: filepath.Join(dir, "load.db")}
	if o.Store != "" {
		if t.pg, err = postgres.NewScratch(context.Background(), o.Store, "samverkan_load_"); err != nil {
			return nil, err
		}
		t.Path = t.pg.URL
	}
	if t.store, err = t.open(); err != nil {
		return nil, err
	}
	t.MM, t.SL = mmtest.New(), slackfake.New()
	t.MM.AddChannel(mmChannel)
	t.MM.AddChannel(tfnChannel)
	t.SL.AddChannel(slChannel)
	for _, u := range []string{"u_tove", "u_sam", "u_admin"} {
		t.MM.AddUser(u, u[2:])
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t.URL = "http://" + ln.Addr().String()
	t.Clock = &bot.OffsetClock{Base: bot.SystemClock{}}
	if o.AgendaAt > 0 {
		// Move the bot's clock so that a minute begins AgendaAt from now.
		now := time.Now()
		t.AgendaDue = now.Add(o.AgendaAt).Truncate(time.Minute).Add(time.Minute)
		t.Clock.Advance(t.AgendaDue.Sub(now.Add(o.AgendaAt)))
	}
	cfg := &config.Config{Locale: "sv", PublicURL: t.URL, Admins: []string{"mattermost:u_admin"}, MaxInFlight: o.MaxInFlight,
		Mattermost: config.Mattermost{URL: t.MM.URL, Token: "bot-token", CommandTokens: []string{cmdToken}},
		Slack:      config.Slack{BotToken: "xoxb-load", SigningSecret: slackSecret, APIURL: t.SL.APIURL()}}
	t.cfg = cfg
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := app.Options{Config: cfg, Store: t.store, Clock: t.Clock, Log: quiet}
	if pg, ok := t.store.(*postgres.Store); ok {
		t.leader = pg.Leader("load-1")
		t.leader.Log = quiet
		opts.Leader, opts.Replica = t.leader, "load-1"
	}
	a, err := app.New(context.Background(), opts)
	if err != nil {
		return nil, err
	}
	t.App = a
	if t.leader != nil {
		t.leader.Wake = a.Wake
	}
	if err := t.seed(o); err != nil {
		t.Stop()
		return nil, err
	}
	// The platforms enforce their limits from here on, as real ones do.
	t.MM.Limit(config.DefaultMattermostRate, config.DefaultMattermostBurst)
	t.SL.LimitChannels(1)
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.srv = &http.Server{Handler: a.Handler}
	t.done.Go(func() { _ = t.srv.Serve(ln) })
	t.done.Go(func() { a.Run(ctx) })
	if err := t.waitForButtons(); err != nil {
		t.Stop()
		return nil, err
	}
	for n := 2; n <= o.Replicas && t.pg != nil; n++ {
		if err := t.startReplica(n); err != nil {
			t.Stop()
			return nil, err
		}
	}
	return t, nil
}

// seed registers the forums, people and channels, and opens the meeting.
func (t *Target) seed(o Options) error {
	ctx := context.Background()
	b, sys := t.App.Bot, bot.SystemCaller()
	for _, a := range []bot.Actor{{ID: "lst", Name: "Länsstyrelsen"}, {ID: "sos", Name: "SOS Alarm"}, {ID: "sthlm", Name: "Stockholms stad"}} {
		if err := b.Registry.AddActor(ctx, sys, a); err != nil {
			return err
		}
	}
	for _, f := range []bot.Forum{{ID: Forum, Name: "Regional samverkan", Level: bot.LevelCoordinating, Host: "lst"}, {ID: AgendaForum, Name: "Tisdagsforum", Level: bot.LevelCoordinating, Host: "lst"}} {
		if err := b.Registry.CreateForum(ctx, sys, f); err != nil {
			return err
		}
		if _, err := b.Registry.JoinForum(ctx, sys, f.ID, []string{"sos", "sthlm"}); err != nil {
			return err
		}
	}
	people := []struct {
		id    bot.Identity
		actor string
		roles []bot.Role
	}{
		{bot.Identity{Platform: bot.Mattermost, UserID: "u_tove", Username: "tove"}, "lst", []bot.Role{bot.RoleDutyOfficer, bot.RoleChair, bot.RoleSecretary}},
		{bot.Identity{Platform: bot.Mattermost, UserID: "u_sam", Username: "sam"}, "sos", []bot.Role{bot.RoleDutyOfficer}},
		{bot.Identity{Platform: bot.Slack, UserID: "U_STINA", Username: "stina"}, "sthlm", []bot.Role{bot.RoleDutyOfficer}},
	}
	for _, p := range people {
		if _, _, err := b.Registry.AddMember(ctx, sys, bot.Member{Actor: p.actor, Roles: p.roles}, p.id); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		forum string
		ch    bot.Channel
	}{{Forum, bot.Channel{Platform: bot.Mattermost, ID: mmChannel, Name: "samverkan"}}, {Forum, bot.Channel{Platform: bot.Slack, ID: slChannel, Name: "samverkan"}},
		{AgendaForum, bot.Channel{Platform: bot.Mattermost, ID: tfnChannel, Name: "tisdag"}}} {
		if err := b.Registry.BindChannel(ctx, sys, c.forum, c.ch); err != nil {
			return err
		}
	}
	tove, err := b.Caller(people[0].id)
	if err != nil {
		return err
	}
	if _, err := b.Conferences.Start(ctx, tove, Forum); err != nil {
		return err
	}
	if o.AgendaAt > 0 {
		loc := bot.Stockholm()
		due := t.AgendaDue.In(loc)
		s := &bot.Schedule{Weekday: due.Weekday(), Hour: due.Hour(), Minute: due.Minute(), Zone: "Europe/Stockholm", Grace: time.Hour}
		if err := b.Conferences.SetSchedule(ctx, sys, AgendaForum, s); err != nil {
			return err
		}
	}
	return nil
}

// waitForButtons waits for the welcome posts, whose buttons the mix
// presses.
func (t *Target) waitForButtons() error {
	for range 500 {
		if t.mmBtn == nil {
			for _, p := range t.MM.Posts(mmChannel) {
				for _, a := range mmtest.Attachments(p) {
					if len(a.Actions) > 0 && t.mmBtn == nil {
						t.mmBtn = a.Actions[0].Integration.Context
					}
				}
			}
		}
		if t.slBtn == nil {
			for _, p := range t.SL.Posts(slChannel) {
				if b := slackfake.Button(p.Blocks(), "Visa forum"); b != nil {
					t.slBtn = b
				}
			}
		}
		if t.mmBtn != nil && t.slBtn != nil {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return fmt.Errorf("the welcome posts with buttons never arrived")
}

// AgendaLate is how late the scheduled agenda reached Mattermost, by the
// bot's clock, and whether it arrived at all.
func (t *Target) AgendaLate() (time.Duration, bool) {
	for _, p := range t.MM.Posts(tfnChannel) {
		if text := mmtest.Text(p); len(text) > 0 && containsAll(text, "Samverkanskonferens", "Tisdagsforum") {
			arrived := time.UnixMilli(p.CreateAt).Add(t.Clock.Now().Sub(time.Now()))
			return arrived.Sub(t.AgendaDue), true
		}
	}
	return 0, false
}

// Stop stops the bot (the HTTP server, then its workers) and closes the
// store; the database file stays until Remove.
func (t *Target) Stop() {
	for _, r := range t.others {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = r.srv.Shutdown(ctx)
		r.cancel()
		r.done.Wait()
		_ = r.app.Shutdown(ctx)
		cancel()
		r.store.Close()
	}
	t.others = nil
	if t.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = t.srv.Shutdown(ctx)
		cancel()
	}
	if t.cancel != nil {
		t.cancel()
	}
	t.done.Wait()
	if t.App != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = t.App.Shutdown(ctx)
		cancel()
	}
	if t.store != nil {
		t.store.Close()
		t.store = nil
	}
	t.MM.Close()
	t.SL.Close()
}

// Remove deletes the run's files.
func (t *Target) Remove() {
	os.RemoveAll(t.dir)
	if t.pg != nil {
		_ = t.pg.Drop(context.Background())
	}
}

// open opens the target's store: its bbolt file or its database.
func (t *Target) open() (store, error) {
	if t.pg != nil {
		st, err := postgres.Open(context.Background(), t.pg.URL)
		if err != nil {
			return nil, err
		}
		st.Warm(context.Background())
		return st, nil
	}
	return bolt.Open(t.Path, time.Second)
}

// DatabaseSize is how much of the database file holds data now (the file
// itself grows in steps of many megabytes ahead of it); the file's size
// once the target has stopped.
func (t *Target) DatabaseSize() int64 {
	if t.pg != nil {
		return t.pg.Size(context.Background())
	}
	if b, ok := t.store.(*bolt.Store); ok {
		if n, err := b.Used(); err == nil {
			return n
		}
	}
	fi, err := os.Stat(t.Path)
	if err != nil {
		return 0
	}
	return fi.Size()
}
