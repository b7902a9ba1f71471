// Package limit keeps the bot under a platform's rate limits: a token
// bucket per limit, waited on before each call. When the platform still
// answers 429, the outbox holds the platform's deliveries for the time it
// names (bot.RetryAfterError) and the bucket is drained.
package limit

import (
	"context"
	"sync"
	"time"
)

// Bucket allows Rate calls a second on average and Burst at once.
type Bucket struct {
	Rate  float64
	Burst float64
	// Now is the clock (default time.Now).
	Now func() time.Time

	mu     sync.Mutex
	tokens float64
	last   time.Time
	primed bool
}

// New returns a bucket of rate calls a second and burst at once, full.
func New(rate, burst float64) *Bucket { return &Bucket{Rate: rate, Burst: burst} }

func (b *Bucket) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b *Bucket) refill(now time.Time) {
	if !b.primed {
		b.tokens, b.last, b.primed = b.Burst, now, true
	}
	if now.After(b.last) {
		b.tokens = min(b.Burst, b.tokens+now.Sub(b.last).Seconds()*b.Rate)
		b.last = now
	}
}

// Take takes a token if more than floor would be left, and reports zero;
// otherwise it takes nothing and says how long until it could.
func (b *Bucket) Take(floor float64) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(b.now())
	if b.tokens >= floor+1 {
		b.tokens--
		return 0
	}
	return time.Duration((floor + 1 - b.tokens) / b.Rate * float64(time.Second))
}

// Wait takes a token, waiting until there is one, or until ctx ends.
func (b *Bucket) Wait(ctx context.Context) error { return b.WaitAbove(ctx, 0) }

// WaitAbove takes a token when more than floor are left: calls that can
// wait leave floor tokens for those that cannot, yet use the whole rate
// while nobody else calls. A call whose ctx would end before its turn
// comes fails at once with context.DeadlineExceeded instead of waiting
// for nothing.
func (b *Bucket) WaitAbove(ctx context.Context, floor float64) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		d := b.Take(floor)
		if d <= 0 {
			return nil
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d {
			return context.DeadlineExceeded
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// Drain empties the bucket: the platform answered 429, so it counts
// differently from us, and the next calls go at the steady rate.
func (b *Bucket) Drain() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(b.now())
	b.tokens = min(b.tokens, 0)
}

// Keyed is a bucket per key (a Slack channel), made on first use.
type Keyed struct {
	Rate, Burst float64
	Now         func() time.Time

	mu sync.Mutex
	m  map[string]*Bucket
}

// SetRate changes the rate and burst of buckets made from now on.
func (k *Keyed) SetRate(rate, burst float64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.Rate, k.Burst, k.m = rate, burst, nil
}

// For returns key's bucket.
func (k *Keyed) For(key string) *Bucket {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]*Bucket{}
	}
	b := k.m[key]
	if b == nil {
		b = &Bucket{Rate: k.Rate, Burst: k.Burst, Now: k.Now}
		k.m[key] = b
	}
	return b
}
