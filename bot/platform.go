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
	// thread is not empty, and returns the ID of the (first) post. key is
	// the same for every attempt at one message, for platforms that can
	// drop a repeat.
	Post(ctx context.Context, key, channel, thread string, m Message) (string, error)
	// DirectMessage sends m to one user and returns the direct channel and
	// the post ID.
	DirectMessage(ctx context.Context, key, userID string, m Message) (channel, id string, err error)
	// Update replaces an earlier post's content.
	Update(ctx context.Context, channel, id string, m Message) error
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

// IsPermanent reports whether err says retrying cannot help.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}
