package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"samverkan/catalog"
)

// core is what every service shares: the store, the clock, the settings,
// and the one way to change state (Update) with its gate and authority
// check.
type core struct {
	Store Store
	Clock Clock
	// Admins are bootstrap administrators from configuration.
	Admins []Identity
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
	// Directories answer who is in a channel, per platform; the gate asks
	// them before TLP:AMBER content goes to a channel.
	Directories map[PlatformID]Directory

	notify func()
	// Print makes PDF documents (nil: none).
	Print Printer
	// Sender is who CAP alerts come from ("samverkan@lansstyrelsen.se").
	Sender  string
	readers *readerCache
}

// Change is one transaction of a service method: the store transaction,
// the caller as the registry says they are now, the audit log and the
// outbox of the same commit.
type Change struct {
	Tx
	Now time.Time
	// Caller is who acts, re-read from the registry in this transaction.
	Caller Caller
	// Cause is the member told when a message of this change cannot be
	// delivered: the caller, or for a timer the one whose action set it.
	Cause  string
	k      *core
	queued int
	facts  map[string]readersFact
	need   []Channel
	// names are people's names as their platforms give them, asked
	// outside the transaction (nameOf); needNames are those still to ask.
	names     map[string]string
	needNames []Identity
}

// nameOf is the name people know id by, as its platform says. The first
// time a change needs one it is asked outside the transaction and the
// change runs again (as for channel readers).
func (c *Change) nameOf(id Identity) string {
	if name, ok := c.names[id.Key()]; ok {
		return name
	}
	c.needNames = append(c.needNames, id)
	return id.String()
}

// namesOf lists the names of ids, sorted.
func (c *Change) namesOf(ids []Identity) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = c.nameOf(id)
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// Audit appends an audit event for this change. content, when not empty,
// is hashed into the event (e.g. the text that was approved).
func (c *Change) Audit(action, subject string, details map[string]string, content string) error {
	ev := AuditEvent{Time: c.Now, Who: c.Caller.Identity.Key(), WhoName: c.Caller.Name(), Action: action, Subject: subject, Details: details}
	if c.Caller.System() {
		ev.Who, ev.WhoName = "system", "samverkan"
	}
	if content != "" {
		sum := sha256.Sum256([]byte(content))
		ev.ContentHash = hex.EncodeToString(sum[:])
	}
	return appendAudit(c.Tx, ev)
}

// Send puts an outbound message in this change's outbox, after the gate
// has classified it and allowed its destination.
func (c *Change) Send(item OutboxItem) error {
	if err := c.gate(&item); err != nil {
		return err
	}
	if len(c.need) > 0 {
		return nil // this attempt is rolled back; nothing is written
	}
	if item.Cause == "" {
		item.Cause = c.Cause
	}
	item.Urgent = item.UpdateRef == "" && item.ThreadRef == "" && (item.Class.Kind.urgent() || c.Caller.System())
	c.queued++
	return enqueue(c.Tx, c.Now, item)
}

// maxAttempts bounds how often a change runs again to ask platforms who
// is in its channels.
const maxAttempts = 4

// Update runs fn as one change by c. The caller is re-read from the
// registry inside the transaction, so every check sees who they are at
// that moment. A change that sends TLP:AMBER content to channels runs
// again once the platforms have said who is in them.
func (k *core) Update(ctx context.Context, c Caller, fn func(*Change) error) error {
	facts, names := map[string]readersFact{}, map[string]string{}
	ticket := ticketOf(ctx)
	for attempt := 1; ; attempt++ {
		ch := &Change{Now: k.Clock.Now(), k: k, facts: facts, names: names}
		if !ticket.begin() {
			return Errorf(EBUSY, "err.busy")
		}
		err := k.Store.Update(func(tx Tx) error {
			// The store may run this more than once (group commit):
			// each run starts afresh.
			ch.Tx, ch.queued, ch.need, ch.needNames = tx, 0, nil, nil
			fresh, err := k.resolve(tx, c)
			if err != nil {
				return err
			}
			ch.Caller = fresh
			if fresh.Member != nil {
				ch.Cause = fresh.Member.ID
			}
			if err := fn(ch); err != nil {
				return err
			}
			if len(ch.need) > 0 || len(ch.needNames) > 0 {
				return errNeedReaders
			}
			return nil
		})
		ticket.end(err)
		if errors.Is(err, errNeedReaders) && attempt < maxAttempts {
			k.askReaders(ctx, ch.need, !c.System(), facts)
			k.askNames(ctx, ch.needNames, names)
			continue
		}
		if errors.Is(err, errNeedReaders) {
			k.log().Error("gate: channel readers still unknown", "channels", len(ch.need))
			return Errorf(EINTERNAL, "err.internal")
		}
		k.nameOutsiders(ctx, err)
		if err == nil && ch.queued > 0 && k.notify != nil {
			k.notify()
		}
		return err
	}
}

// askNames asks the platforms for people's names, outside any
// transaction.
func (k *core) askNames(ctx context.Context, ids []Identity, into map[string]string) {
	for _, id := range ids {
		name := id.String()
		if dir := k.Directories[id.Platform]; dir != nil {
			name = dir.UserName(ctx, id.UserID)
		}
		into[id.Key()] = name
	}
}

// nameOutsiders replaces the user IDs of a gate refusal with the names
// people know them by, asked outside the transaction.
func (k *core) nameOutsiders(ctx context.Context, err error) {
	var e *Error
	if !errors.As(err, &e) || len(e.outsiders) == 0 {
		return
	}
	var out []string
	for _, id := range e.outsiders {
		name := id.String()
		if dir := k.Directories[id.Platform]; dir != nil {
			name = dir.UserName(ctx, id.UserID)
		}
		out = append(out, name)
	}
	slices.Sort(out)
	e.Data["Users"] = strings.Join(out, ", ")
}

// View runs fn on a consistent snapshot.
func (k *core) View(fn func(Tx) error) error { return k.Store.View(fn) }

// Caller resolves an identity to the member it maps to and its admin flag.
func (k *core) Caller(id Identity) (Caller, error) {
	var c Caller
	err := k.Store.View(func(tx Tx) (err error) {
		c, err = k.resolve(tx, Caller{Identity: id})
		return err
	})
	return c, err
}

// resolve reads who c is now: the active member the identity maps to
// and whether they are an admin. The system caller stays the system.
func (k *core) resolve(tx Tx, c Caller) (Caller, error) {
	if c.System() {
		return c, nil
	}
	out := Caller{Identity: c.Identity}
	out.Admin = slices.ContainsFunc(k.Admins, func(a Identity) bool { return a.Key() == c.Identity.Key() })
	m, err := activeMember(tx, c.Identity)
	if err != nil || m == nil {
		return out, err
	}
	out.Member = m
	if m.Has(RoleAdmin) {
		out.Admin = true
	}
	for _, mi := range m.Identities {
		if mi.Key() == c.Identity.Key() && out.Identity.Username == "" {
			out.Identity.Username = mi.Username
		}
	}
	return out, nil
}

func (k *core) log() *slog.Logger {
	if k.Log == nil {
		return slog.Default()
	}
	return k.Log
}

// T translates a catalog message into the core's language: the bot's,
// or a forum's for a core taken with in(f).
func (k *core) T(id string, kv ...any) string { return catalog.T(k.Lang, id, kv...) }

// labelled puts on a labelled message, in words, what its labels ask of
// the people who read it.
func (k *core) labelled(m Message) Message {
	if m.TLP != TLPNone && m.Obligation == "" {
		m.Obligation = k.Obligations(m.Labels()...)
	}
	return m
}

// Obligations says in words what the labels ask of the people who
// receive them, strictest first, each once ("" when they ask nothing
// worth repeating).
func (k *core) Obligations(labels ...TLP) string {
	var out []string
	for _, t := range slices.Backward(TLPs()) {
		if slices.Contains(labels, t) {
			if ob := k.Obligation(t); ob != "" {
				out = append(out, ob)
			}
		}
	}
	return strings.Join(out, " ")
}

// Obligation is what label t asks of the people who receive it, in
// words, or "" when it asks nothing worth repeating.
func (k *core) Obligation(t TLP) string {
	switch t {
	case TLPRed:
		return k.T("tlp.obligation_red")
	case TLPAmberStrict:
		return k.T("tlp.obligation_amber_strict")
	case TLPAmber:
		return k.T("tlp.obligation_amber")
	}
	return ""
}

// loc is the time zone of times shown to people.
func (k *core) loc() *time.Location {
	if k.Location != nil {
		return k.Location
	}
	return Stockholm()
}
