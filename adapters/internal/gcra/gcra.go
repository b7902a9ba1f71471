// Package gcra is the rate limiter the fake platforms enforce: the
// generic cell rate algorithm, as Mattermost's throttled middleware
// applies RateLimitSettings (PerSec, MaxBurst) per key, and as Slack's
// per-channel limit behaves (one a second, short bursts).
package gcra

import (
	"sync"
	"time"
)

// Limiter allows Rate requests a second per key, with Burst more at once.
type Limiter struct {
	Rate  float64
	Burst int

	mu  sync.Mutex
	tat map[string]time.Time // theoretical arrival time per key
}

// Allow reports whether a request for key at now is within the limit,
// and if not, how long until one would be.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tat == nil {
		l.tat = map[string]time.Time{}
	}
	interval := time.Duration(float64(time.Second) / l.Rate)
	tolerance := time.Duration(l.Burst) * interval
	tat := l.tat[key]
	if tat.Before(now) {
		tat = now
	}
	if wait := tat.Sub(now) - tolerance; wait > 0 {
		return false, wait
	}
	l.tat[key] = tat.Add(interval)
	return true, 0
}
