package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"time"

	"samverkan/catalog"
)

// Bot is the domain service: every state change goes through one of its
// methods, which checks permission, writes the store, appends an audit
// event and enqueues outbound messages in one transaction.
type Bot struct {
	Store Store
	Clock Clock
	// Admins are bootstrap administrators from configuration.
	Admins []Identity
	// Notify is called after a commit that enqueued messages.
	Notify func()
	Log    *slog.Logger
	// Lang is the language of messages the bot sends to channels.
	Lang string
	// Location is the time zone of times shown to people (default
	// Europe/Stockholm).
	Location *time.Location
	// Deadlines override DefaultDeadlines for call-in per level.
	Deadlines map[Level]time.Duration
	// ReportAge is when a report counts as old (default 24 h).
	ReportAge time.Duration
	// ApprovalReminder is how often pending approvers are reminded
	// (default 30 min).
	ApprovalReminder time.Duration
	// TimerFired, when set, is told the kind of every timer that fired.
	TimerFired func(kind string)
	// Directories answer who is in a channel, per platform.
	Directories map[PlatformID]Directory
}

// Change is one transaction of a service method: the store transaction plus
// the audit log and the outbox of the same commit.
type Change struct {
	Tx
	Now    time.Time
	Caller Caller
	queued int
}

// Audit appends an audit event for this change. content, when not empty,
// is hashed into the event (e.g. the text that was approved).
func (c *Change) Audit(action, subject string, details map[string]string, content string) error {
	ev := AuditEvent{Time: c.Now, Who: c.Caller.Identity.Key(), WhoName: c.Caller.Name(), Action: action, Subject: subject, Details: details}
	if c.Caller.Identity.UserID == "" {
		ev.Who = "system"
	}
	if content != "" {
		sum := sha256.Sum256([]byte(content))
		ev.ContentHash = hex.EncodeToString(sum[:])
	}
	return appendAudit(c.Tx, ev)
}

// Send enqueues an outbound message in this change.
func (c *Change) Send(item OutboxItem) error {
	c.queued++
	return enqueue(c.Tx, c.Now, item)
}

// Update runs fn as one change made by c.
func (b *Bot) Update(c Caller, fn func(*Change) error) error {
	ch := &Change{Now: b.Clock.Now(), Caller: c}
	err := b.Store.Update(func(tx Tx) error {
		ch.Tx = tx
		return fn(ch)
	})
	if err == nil && ch.queued > 0 && b.Notify != nil {
		b.Notify()
	}
	return err
}

// View runs fn on a consistent snapshot.
func (b *Bot) View(fn func(Tx) error) error { return b.Store.View(fn) }

// Caller resolves an identity to the member it maps to and its admin flag.
func (b *Bot) Caller(id Identity) (Caller, error) {
	c := Caller{Identity: id}
	c.Admin = slices.ContainsFunc(b.Admins, func(a Identity) bool { return a.Key() == id.Key() })
	err := b.Store.View(func(tx Tx) error {
		m, err := MemberByIdentity(tx, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		c.Member = m
		if m.Has(RoleAdmin) {
			c.Admin = true
		}
		for _, mi := range m.Identities {
			if mi.Platform == id.Platform && mi.UserID == id.UserID && c.Identity.Username == "" {
				c.Identity.Username = mi.Username
			}
		}
		return nil
	})
	return c, err
}

func (b *Bot) log() *slog.Logger {
	if b.Log == nil {
		return slog.Default()
	}
	return b.Log
}

// T translates a catalog message into the bot's channel language.
func (b *Bot) T(id string, kv ...any) string { return catalog.T(b.Lang, id, kv...) }
