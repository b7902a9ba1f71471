// Package bottest is the test kit for samverkan: a fake clock, a real
// bbolt store in a temporary directory, and a fake platform that records
// what was posted.
package bottest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/store/bolt"
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

// OpenStore opens a real bbolt store in t.TempDir() and closes it at the end.
func OpenStore(t testing.TB) (*bolt.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "samverkan.db")
	st, err := bolt.Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// Env is a bot on a real store with a fake clock and a recording platform.
type Env struct {
	Store    *bolt.Store
	Path     string
	Clock    *Clock
	Bot      *bot.Bot
	Outbox   *bot.Outbox
	Platform *Platform
}

// Admin is a bootstrap admin identity of every Env.
var Admin = bot.Identity{Platform: bot.Mattermost, UserID: "u_admin", Username: "admin"}

// NewEnv returns an Env whose clock starts at 2026-11-23 09:00 UTC.
func NewEnv(t testing.TB) *Env {
	t.Helper()
	st, path := OpenStore(t)
	clock := NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	plat := &Platform{}
	ob := &bot.Outbox{Store: st, Clock: clock, Platforms: map[bot.PlatformID]bot.Platform{bot.Mattermost: plat}, Log: Quiet()}
	b := &bot.Bot{Store: st, Clock: clock, Admins: []bot.Identity{Admin}, Notify: ob.Notify, Lang: "sv", Log: Quiet()}
	return &Env{Store: st, Path: path, Clock: clock, Bot: b, Outbox: ob, Platform: plat}
}

// Reopen closes the store and opens the same file again, with a new bot
// and outbox on the same clock and platforms: a restart of the process.
func (e *Env) Reopen(t testing.TB) {
	t.Helper()
	if err := e.Store.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(e.Path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.Store = st
	ob := &bot.Outbox{Store: st, Clock: e.Clock, Platforms: e.Outbox.Platforms, Log: Quiet(), Timeout: e.Outbox.Timeout}
	b := *e.Bot
	b.Store, b.Notify = st, ob.Notify
	e.Bot, e.Outbox = &b, ob
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
	Kind    string // "post", "dm", "update"
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
	n    int
}

func (p *Platform) record(s Sent) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
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

// Post records a channel post.
func (p *Platform) Post(_ context.Context, _, channel, thread string, m bot.Message) (string, error) {
	return p.record(Sent{Kind: "post", Channel: channel, Thread: thread, Message: m})
}

// DirectMessage records a direct message.
func (p *Platform) DirectMessage(_ context.Context, _, user string, m bot.Message) (string, string, error) {
	id, err := p.record(Sent{Kind: "dm", User: user, Channel: "dm_" + user, Message: m})
	return "dm_" + user, id, err
}

// Update records an edit.
func (p *Platform) Update(_ context.Context, channel, id string, m bot.Message) error {
	_, err := p.record(Sent{Kind: "update", Channel: channel, ID: id, Message: m})
	return err
}

// Sent returns a copy of everything delivered so far.
func (p *Platform) Sent() []Sent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Sent(nil), p.sent...)
}

// Text flattens a message for assertions.
func Text(m bot.Message) string {
	parts := []string{m.Exercise, m.TLP.Label(), m.Title, m.Text}
	for _, f := range m.Fields {
		parts = append(parts, f.Title+": "+f.Value)
	}
	for _, s := range m.Sections {
		parts = append(parts, s.Title, s.Text)
	}
	for _, b := range m.Buttons {
		parts = append(parts, "["+b.Label+"] "+b.Command)
	}
	return strings.Join(parts, "\n")
}

// Quiet is a logger that drops everything, for tests.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// ErrUnavailable is a transient platform failure for tests.
var ErrUnavailable = errors.New("platform unavailable (test)")
