package bot

import (
	"context"
	"errors"
	"sync"
)

// Ticket follows one command through the changes it makes, so that the
// adapter answering for it can tell, when it must answer before the
// command is done (Slack's three seconds), whether anything is durable
// yet, and can call the command off before anything is. A command called
// off makes no change and fails with EBUSY; one that has begun to commit
// will finish.
type Ticket struct {
	mu         sync.Mutex
	committing int
	committed  bool
	calledOff  bool
	unknown    bool // a commit's outcome is unknown (ErrOutcomeUnknown)
}

// EnsureTicket returns ctx with a ticket, the one it carries or a new one.
func EnsureTicket(ctx context.Context) (context.Context, *Ticket) {
	if t := ticketOf(ctx); t != nil {
		return ctx, t
	}
	t := &Ticket{}
	return WithTicket(ctx, t), t
}

// Unknown reports whether a change of the command may or may not have
// been made: the store could not tell.
func (t *Ticket) Unknown() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.unknown
}

type ticketKey struct{}

// WithTicket returns ctx carrying t for the changes made under it.
func WithTicket(ctx context.Context, t *Ticket) context.Context {
	return context.WithValue(ctx, ticketKey{}, t)
}

func ticketOf(ctx context.Context) *Ticket {
	t, _ := ctx.Value(ticketKey{}).(*Ticket)
	return t
}

// CallOff stops the command from making any change, if it has not begun
// to: it reports true when nothing was or will be written. It reports
// false when a change is committing or committed; that work will finish.
func (t *Ticket) CallOff() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.committing > 0 || t.committed {
		return false
	}
	t.calledOff = true
	return true
}

// CalledOff reports whether CallOff stopped the command.
func (t *Ticket) CalledOff() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.calledOff
}

// Committed reports whether a change of the command is durable.
func (t *Ticket) Committed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.committed
}

// begin notes that a change starts to commit; false when called off.
func (t *Ticket) begin() bool {
	if t == nil {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.calledOff {
		return false
	}
	t.committing++
	return true
}

// end notes how the commit begun by begin ended.
func (t *Ticket) end(err error) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.committing--
	t.committed = t.committed || err == nil
	t.unknown = t.unknown || errors.Is(err, ErrOutcomeUnknown)
}
