// Package bottest is the test kit for samverkan: a fake clock, a real
// store (bbolt in a temporary directory, or a PostgreSQL database of the
// test's own with SAMVERKAN_TEST_STORE=postgres), and a fake platform
// that records what was posted.
package bottest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"samverkan/bot"
	"samverkan/bottest/pgtest"
	"samverkan/store/bolt"
	"samverkan/store/postgres"
)

// Clock is a settable clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Store is a store tests open, use and close: bbolt, or PostgreSQL when
// SAMVERKAN_TEST_STORE=postgres.
type Store interface {
	bot.Store
	Close() error
}

// OnPostgres reports whether tests run their bots on PostgreSQL
// (SAMVERKAN_TEST_STORE=postgres) instead of bbolt.
func OnPostgres() bool { return os.Getenv("SAMVERKAN_TEST_STORE") == "postgres" }

// OpenStore opens a real store for t and closes it at the end: bbolt in
// t.TempDir(), or, with SAMVERKAN_TEST_STORE=postgres, a PostgreSQL
// database of t's own. It returns the store and where it is (a file or a
// URL). It rehearses every update (Rehearse): the store may run an
// update's function more than once, and every test checks the bot copes.
func OpenStore(t testing.TB) (Store, string) {
	t.Helper()
	where := filepath.Join(t.TempDir(), "samverkan.db")
	if OnPostgres() {
		where = pgtest.Database(t)
	}
	return openAt(t, where), where
}

func openAt(t testing.TB, where string) Store {
	t.Helper()
	if postgres.IsURL(where) {
		st, err := postgres.Open(context.Background(), where)
		if err != nil {
			t.Fatal(err)
		}
		st.Rehearse = true
		t.Cleanup(func() { st.Close() })
		return st
	}
	st, err := bolt.Open(where, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	st.Rehearse = true
	t.Cleanup(func() { st.Close() })
	return st
}

// Env is a bot on a real store with a fake clock and a recording platform.
type Env struct {
	Store    Store
	Path     string // the store's file, or its URL
	Clock    *Clock
	Bot      *bot.Bot
	Outbox   *bot.Outbox
	Platform *Platform
}

// Admin is a bootstrap admin identity of every Env.
var Admin = bot.Identity{Platform: bot.Mattermost, UserID: "u_admin", Username: "admin"}

// DefaultStart is where every test clock starts unless
// SAMVERKAN_TEST_NOW says otherwise: a Monday morning.
var DefaultStart = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// Start is the instant test clocks start at: DefaultStart, or the
// RFC 3339 time in SAMVERKAN_TEST_NOW, so that CI can run the suites at
// the instants where calendars have traps (the night before a meeting, a
// daylight-saving change, New Year's Eve, 29 February). A test that needs
// a particular instant sets its clock itself.
func Start() time.Time {
	if v := os.Getenv("SAMVERKAN_TEST_NOW"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			panic("SAMVERKAN_TEST_NOW: " + err.Error())
		}
		return t
	}
	return DefaultStart
}

// Day is the date (YYYY-MM-DD, Stockholm) days after the clock's today,
// for tests that type a date: it stays ahead of the clock whatever day
// the test runs.
func (c *Clock) Day(days int) string {
	return c.Now().In(bot.Stockholm()).AddDate(0, 0, days).Format("2006-01-02")
}

// At is the Stockholm wall time hh:mm days after the clock's today, as
// people type it ("2026-12-03 09:00").
func (c *Clock) At(days int, hhmm string) string { return c.Day(days) + " " + hhmm }

// Next is the first occurrence of the weekly schedule s strictly after the
// clock's now.
func (c *Clock) Next(s *bot.Schedule) time.Time { return s.Next(c.Now()) }

// NewEnv returns an Env whose clock starts at Start().
func NewEnv(t testing.TB) *Env { return NewEnvOn(t, nil) }

// NewEnvOn is NewEnv with the bot on wrap(store), e.g. to count what it
// reads and writes (nil: the store itself).
func NewEnvOn(t testing.TB, wrap func(bot.Store) bot.Store) *Env {
	t.Helper()
	st, path := OpenStore(t)
	clock := NewClock(Start())
	plat := &Platform{}
	var store bot.Store = st
	if wrap != nil {
		store = wrap(st)
	}
	b := bot.New(bot.Options{Store: store, Clock: clock, Admins: []bot.Identity{Admin}, Lang: "sv", Log: Quiet()})
	b.Outbox.Platforms[bot.Mattermost] = plat
	return &Env{Store: st, Path: path, Clock: clock, Bot: b, Outbox: b.Outbox, Platform: plat}
}

// Rehearse turns the rehearsal of every update on or off (benchmarks
// turn it off).
func (e *Env) Rehearse(on bool) {
	switch st := e.Store.(type) {
	case *bolt.Store:
		st.Rehearse = on
	case *postgres.Store:
		st.Rehearse = on
	}
}

// Reopen closes the store and opens the same file (or database) again,
// with a new bot and outbox on the same clock, settings and platforms: a
// restart of the process.
func (e *Env) Reopen(t testing.TB) {
	t.Helper()
	if err := e.Store.Close(); err != nil {
		t.Fatal(err)
	}
	st := openAt(t, e.Path)
	old := e.Bot
	b := bot.New(bot.Options{Store: st, Clock: e.Clock, Admins: old.Admins, Lang: old.Lang, Log: Quiet(), Location: old.Location,
		Deadlines: old.Deadlines, ReportAge: old.ReportAge, ApprovalReminder: old.ApprovalReminder, Directories: old.Directories})
	b.Outbox.Platforms, b.Outbox.Timeout, b.Outbox.Observe = old.Outbox.Platforms, old.Outbox.Timeout, old.Outbox.Observe
	e.Store, e.Bot, e.Outbox = st, b, b.Outbox
}

// Tamper rewrites one stored record's bytes behind the bot's back, as an
// attacker with the database would (fn returning nil deletes it).
func (e *Env) Tamper(t testing.TB, bucket, key string, fn func([]byte) []byte) {
	t.Helper()
	var err error
	switch st := e.Store.(type) {
	case *bolt.Store:
		err = st.Raw().Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket([]byte(bucket))
			raw := fn(append([]byte(nil), b.Get([]byte(key))...))
			if raw == nil {
				return b.Delete([]byte(key))
			}
			return b.Put([]byte(key), raw)
		})
	case *postgres.Store:
		err = st.Tamper(bucket, key, fn)
	default:
		err = fmt.Errorf("cannot tamper with a %T", st)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// AdminCaller is the bootstrap admin as a caller.
func (e *Env) AdminCaller() bot.Caller { return bot.Caller{Identity: Admin, Admin: true} }

// Deliver runs the outbox once and fails the test on error.
func (e *Env) Deliver(t testing.TB) {
	t.Helper()
	if _, err := e.Outbox.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Sent is one message the fake platform received.
type Sent struct {
	Kind string // "post", "dm", "update"
	// Resend is bot.IsResend of the attempt: it may have gone out before.
	Resend  bool
	Channel string
	User    string
	Thread  string
	ID      string
	Message bot.Message
}

// Platform is a bot.Platform that records messages and can be told to fail.
type Platform struct {
	mu   sync.Mutex
	sent []Sent
	seq  int
	// Fail, when set, decides the error for each attempt (nil = deliver).
	Fail func(kind string, attempt int) error
	// Refuse, when set, decides the error for a message (nil = deliver).
	Refuse func(s Sent) error
	// During, when set, runs as each message is being delivered, before
	// it is recorded: what people do while the bot is sending.
	During func(s Sent)
	n      int
}

func (p *Platform) record(s Sent) (string, error) {
	if p.During != nil {
		p.During(s)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	if p.Refuse != nil {
		if err := p.Refuse(s); err != nil {
			return "", err
		}
	}
	if p.Fail != nil {
		if err := p.Fail(s.Kind, p.n); err != nil {
			return "", err
		}
	}
	p.seq++
	if s.ID == "" {
		s.ID = fmt.Sprintf("p%d", p.seq)
	}
	p.sent = append(p.sent, s)
	return s.ID, nil
}

// Post records a channel post, one part.
func (p *Platform) Post(ctx context.Context, _, channel, thread string, m bot.Message) ([]string, error) {
	id, err := p.record(Sent{Kind: "post", Channel: channel, Thread: thread, Message: m, Resend: bot.IsResend(ctx)})
	return []string{id}, err
}

// DirectMessage records a direct message.
func (p *Platform) DirectMessage(ctx context.Context, _, user string, m bot.Message) (string, []string, error) {
	id, err := p.record(Sent{Kind: "dm", User: user, Channel: "dm_" + user, Message: m, Resend: bot.IsResend(ctx)})
	return "dm_" + user, []string{id}, err
}

// Update records an edit of the message's first part.
func (p *Platform) Update(_ context.Context, _, channel string, ids []string, m bot.Message) ([]string, error) {
	_, err := p.record(Sent{Kind: "update", Channel: channel, ID: ids[0], Message: m})
	return ids, err
}

// Sent returns a copy of everything delivered so far.
func (p *Platform) Sent() []Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Sent(nil), p.sent...)
}

// Text flattens a message for assertions.
func Text(m bot.Message) string {
	parts := []string{m.Exercise, m.TLP.Label(), m.Obligation, m.Title, m.Text}
	for _, f := range m.Fields {
		parts = append(parts, f.Title+": "+f.Value)
	}
	for _, s := range m.Sections {
		parts = append(parts, strings.TrimSpace(s.TLP.Label()+" "+s.Title), s.Text)
	}
	for _, b := range m.Buttons {
		parts = append(parts, "["+b.Label+"] "+b.Action.String())
	}
	return strings.Join(parts, "\n")
}

// Quiet is a logger that drops everything, for tests.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// ErrUnavailable is a transient platform failure for tests.
var ErrUnavailable = errors.New("platform unavailable (test)")

// Directory is a fake of what a platform says about its channels: who
// is in each, as set by the test, and how often it was asked.
type Directory struct {
	mu      sync.Mutex
	members map[string][]string
	asked   int
	// Fail, when set, is returned for every question.
	Fail error
}

// SetMembers sets a channel's members.
func (d *Directory) SetMembers(channel string, users ...string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.members == nil {
		d.members = map[string][]string{}
	}
	d.members[channel] = users
}

// ChannelMembers returns the members set for the channel.
func (d *Directory) ChannelMembers(_ context.Context, channel string) ([]string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asked++
	if d.Fail != nil {
		return nil, d.Fail
	}
	return append([]string(nil), d.members[channel]...), nil
}

// UserName shows a user as @ID.
func (d *Directory) UserName(_ context.Context, id string) string { return "@" + id }

// CanPost says the bot may post anywhere.
func (d *Directory) CanPost(context.Context, string) error { return nil }

// Asked is how often the directory was asked.
func (d *Directory) Asked() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.asked
}

// The fixture's forum and channels.
const (
	Forum        = "ssr"
	ForumChannel = "ch_forum" // a Mattermost channel bound to the forum
	CommsChannel = "ch_komm"  // the forum's communicators' channel
)

// Person is one member of the fixture.
type Person struct {
	ID    string // member handle and Mattermost user ID suffix: u_<ID>
	Actor string
	Roles []bot.Role
}

// User is the person's Mattermost identity.
func (p Person) User() bot.Identity {
	return bot.Identity{Platform: bot.Mattermost, UserID: "u_" + p.ID, Username: p.ID}
}

// People are the fixture's members: lst hosts the forum; sos and pol take
// part; ext is registered but not in the forum.
var People = []Person{
	{"tove", "lst", []bot.Role{bot.RoleDutyOfficer}},
	{"rasmus", "lst", []bot.Role{bot.RoleCoordinator, bot.RoleChair, bot.RoleSecretary}},
	{"klara", "lst", []bot.Role{bot.RoleCommunicator, bot.RoleCommsCoordinator}},
	{"sam", "sos", []bot.Role{bot.RoleDutyOfficer}},
	{"kim", "sos", []bot.Role{bot.RoleCommunicator}},
	{"per", "pol", []bot.Role{bot.RoleDutyOfficer, bot.RoleCommunicator}},
	{"otto", "ext", []bot.Role{bot.RoleDutyOfficer, bot.RoleCommunicator}},
}

// Who returns a fixture person's caller as the registry resolves it now.
func (e *Env) Who(t testing.TB, id string) bot.Caller {
	t.Helper()
	c, err := e.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: "u_" + id, Username: id})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Fixture registers the fixture's actors, forum, channels and people,
// with the forum channel's and the communicators' channel's members set
// to the forum's people, and delivers what that posted. It returns the
// directory the gate asks.
func (e *Env) Fixture(t testing.TB) *Directory {
	t.Helper()
	ctx := context.Background()
	sys := bot.SystemCaller()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []bot.Actor{{ID: "lst", Name: "Länsstyrelsen"}, {ID: "sos", Name: "SOS Alarm"}, {ID: "pol", Name: "Polisen"}, {ID: "ext", Name: "Extern AB"}} {
		must(e.Bot.Registry.AddActor(ctx, sys, a))
	}
	must(e.Bot.Registry.CreateForum(ctx, sys, bot.Forum{ID: Forum, Name: "Regional samverkan", Level: bot.LevelCoordinating, Host: "lst"}))
	_, err := e.Bot.Registry.JoinForum(ctx, sys, Forum, []string{"sos", "pol"})
	must(err)
	var inForum []string
	for _, p := range People {
		_, _, err := e.Bot.Registry.AddMember(ctx, sys, bot.Member{ID: p.ID, Actor: p.Actor, Roles: p.Roles}, p.User())
		must(err)
		if p.Actor != "ext" {
			inForum = append(inForum, p.User().UserID)
		}
	}
	dir := &Directory{}
	dir.SetMembers(ForumChannel, inForum...)
	dir.SetMembers(CommsChannel, inForum...)
	e.Bot.Directories[bot.Mattermost] = dir
	must(e.Bot.Registry.BindChannel(ctx, sys, Forum, bot.Channel{Platform: bot.Mattermost, ID: ForumChannel, Name: "samverkan"}))
	must(e.Bot.Registry.BindCommsChannel(ctx, sys, Forum, bot.Channel{Platform: bot.Mattermost, ID: CommsChannel, Name: "kommunikatörer"}))
	e.Deliver(t)
	return dir
}

// BareForum registers only the fixture's forum: no actors, channels or
// people, so nothing is posted. For tests of the outbox itself.
func (e *Env) BareForum(t testing.TB) {
	t.Helper()
	if err := e.Bot.Registry.CreateForum(context.Background(), bot.SystemCaller(), bot.Forum{ID: Forum, Name: "Regional samverkan", Level: bot.LevelOperational}); err != nil {
		t.Fatal(err)
	}
}

// Notice is the class of a plain notice in the fixture's forum, which the
// gate lets go anywhere.
var Notice = bot.Class{Kind: bot.KindNotice, Forum: Forum, TLP: bot.TLPClear}

// Released drafts d as klara in the fixture's forum, has every approver
// approve it and releases it: a statement as it is once published.
func (e *Env) Released(t testing.TB, d bot.Draft) *bot.Statement {
	t.Helper()
	ctx := context.Background()
	s, err := e.Bot.Statements.Draft(ctx, e.Who(t, "klara"), Forum, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range s.Approvers {
		if _, _, err := e.Bot.Statements.Approve(ctx, e.Who(t, a.Member), s.Number, 1); err != nil {
			t.Fatal(err)
		}
	}
	if s, err = e.Bot.Statements.Release(ctx, e.Who(t, "klara"), s.Number); err != nil {
		t.Fatal(err)
	}
	return s
}
