package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Platform delivers outbound messages to one chat system. Adapters
// implement it; the outbox calls it after the state change has committed.
type Platform interface {
	// Post sends m to a channel, as a reply in thread (a post ID) when
	// thread is not empty, and returns the IDs of its posts, one per part
	// (a long message is split), in order. key is the same for every
	// attempt at one message, for platforms that can drop a repeat.
	Post(ctx context.Context, key, channel, thread string, m Message) ([]string, error)
	// DirectMessage sends m to one user and returns the direct channel and
	// the IDs of its posts.
	DirectMessage(ctx context.Context, key, userID string, m Message) (channel string, ids []string, err error)
	// Update replaces an earlier message, posted as ids, with m: every part
	// is edited, parts m no longer needs are removed, and parts it needs
	// beyond the old ones are added; the buttons stay on the last part. It
	// returns the IDs m has now.
	Update(ctx context.Context, key, channel string, ids []string, m Message) ([]string, error)
}

// RetryAfterError asks the outbox to wait before the next attempt, as a
// platform's 429 answer does.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("rate limited, retry after %s: %v", e.After, e.Err)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// PermanentError tells the outbox that retrying cannot help (unknown
// channel, message refused); the message is set aside and logged.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// SettlingError is a refusal that may only mean the platform has not
// caught up yet — a 403 for a direct channel made a moment ago, a 404 for
// a post just created. The outbox tries again MaxSettling times, with its
// backoff, and then gives up as for a permanent error.
type SettlingError struct{ Err error }

func (e *SettlingError) Error() string { return "not settled yet: " + e.Err.Error() }
func (e *SettlingError) Unwrap() error { return e.Err }

// ClosedAccountError says a direct message's recipient has an account
// that is deactivated or gone: the platform may even accept the message,
// but nobody will read it. The outbox sets it aside at once and tells the
// person whose action it was, as for any message that cannot be delivered.
type ClosedAccountError struct{ User string }

func (e *ClosedAccountError) Error() string {
	return "the account " + e.User + " is deactivated or deleted"
}

// MaxSettling is how many attempts a settling refusal gets.
const MaxSettling = 5

// IsPermanent reports whether err says retrying cannot help.
func IsPermanent(err error) bool {
	var p *PermanentError
	var c *ClosedAccountError
	return errors.As(err, &p) || errors.As(err, &c)
}

// Preparer is a platform that can get ready for direct messages to many
// people at once (look their accounts up in one call) before the outbox
// sends them one by one.
type Preparer interface {
	Prepare(ctx context.Context, users []string)
}

type deliveryKey struct{}

// delivery is what ctx says about the outbox delivering.
type delivery struct{ urgent bool }

// IsDelivery reports whether ctx is the outbox delivering: adapters that
// share a platform's rate limit between deliveries and what people wait
// for tell the two apart by it.
func IsDelivery(ctx context.Context) bool { _, ok := ctx.Value(deliveryKey{}).(delivery); return ok }

// IsUrgentDelivery reports whether ctx delivers an urgent message (a
// call-in, the agenda on its minute, a release): it goes ahead of other
// deliveries under a platform's rate limit.
func IsUrgentDelivery(ctx context.Context) bool {
	d, _ := ctx.Value(deliveryKey{}).(delivery)
	return d.urgent
}

// Delivering marks ctx as the outbox delivering (IsDelivery), urgently
// or not (IsUrgentDelivery).
func Delivering(ctx context.Context, urgent bool) context.Context {
	return context.WithValue(ctx, deliveryKey{}, delivery{urgent: urgent})
}

type resendKey struct{}

// IsResend reports whether the item being delivered may have gone out
// already: it was queued before this process started (the one before may
// have sent it and died before noting so), or an earlier attempt got no
// clear answer. A platform with no idempotency key of its own should look
// before it posts such an item again.
func IsResend(ctx context.Context) bool { r, _ := ctx.Value(resendKey{}).(bool); return r }

// Resending marks ctx as IsResend.
func Resending(ctx context.Context) context.Context {
	return context.WithValue(ctx, resendKey{}, true)
}
