package app

import (
	"context"
	"sync"
	"time"
)

// pingEvery is how often /healthz asks a platform at most. Probes may
// come many times a second, and every question spends the bot's rate
// limit on the platform, which deliveries need.
const pingEvery = 10 * time.Second

// ping asks a platform whether it answers the bot, at most once every
// pingEvery; probes that come meanwhile get the last answer, and probes
// that come while it asks wait for that answer.
type ping struct {
	ask func(context.Context) error

	mu  sync.Mutex
	at  time.Time
	err error
}

// check returns when the platform last answered and what.
func (p *ping) check(ctx context.Context, now time.Time) (time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.at.IsZero() || now.Sub(p.at) >= pingEvery || now.Before(p.at) {
		p.err, p.at = p.ask(ctx), now
	}
	return p.at, p.err
}
