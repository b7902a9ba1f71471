package mattermost

import (
	"net/http"
	"sync/atomic"

	"samverkan/adapters/internal/limit"
	"samverkan/bot"
)

// throttle keeps the bot's calls under the server's rate limit for its
// token (RateLimitSettings: PerSec, MaxBurst), keeping a tenth of the
// burst in hand. Deliveries (calls the outbox makes, bot.IsDelivery) use
// the whole rate but leave a fifth of the burst for what people wait for,
// so a fan-out never makes a form wait; urgent deliveries (the agenda on
// its minute, call-ins, a release) leave only half of that, so they go
// ahead of ordinary notices. Should the server
// still answer 429, the bucket is drained and the answer goes back as it
// is: the outbox holds every delivery to the platform for the time the
// server names.
type throttle struct {
	base    http.RoundTripper
	bucket  *limit.Bucket
	floor   float64
	limited atomic.Int64
}

func newThrottle(base http.RoundTripper, perSec, burst int) *throttle {
	b := max(1, float64(burst)*0.9)
	return &throttle{base: base, bucket: limit.New(float64(perSec), b), floor: b * 0.2}
}

func (t *throttle) RoundTrip(req *http.Request) (*http.Response, error) {
	floor := 0.0
	switch {
	case bot.IsUrgentDelivery(req.Context()):
		floor = t.floor / 2
	case bot.IsDelivery(req.Context()):
		floor = t.floor
	}
	if err := t.bucket.WaitAbove(req.Context(), floor); err != nil {
		return nil, err
	}
	resp, err := t.base.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		t.limited.Add(1)
		t.bucket.Drain()
	}
	return resp, err
}

// Limited is how many times the server answered 429.
func (a *Adapter) Limited() int64 {
	if a.throttle == nil {
		return 0
	}
	return a.throttle.limited.Load()
}
