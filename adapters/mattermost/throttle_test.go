package mattermost

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"samverkan/bot"
)

// countingTransport answers every call 200 and counts them.
type countingTransport struct{ n int }

func (c *countingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	c.n++
	return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil
}

// Under the server's limit (1/s, burst 100: the bot keeps 90), ordinary
// deliveries leave 18 calls for others, urgent deliveries (the agenda,
// call-ins) leave 9 for what people wait for, and people's own calls may
// use the rest: the agenda goes out ahead of a backlog of notices, and a
// form never waits behind either.
func TestUrgentDeliveriesGoAheadOfNoticesAndPeopleAheadOfBoth(t *testing.T) {
	base := &countingTransport{}
	th := newThrottle(base, 1, 100)
	frozen := time.Unix(1000, 0)
	th.bucket.Now = func() time.Time { return frozen } // nothing refills
	call := func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://mm.invalid/api/v4/posts", nil)
		resp, err := th.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	kinds := []struct {
		name string
		ctx  func(context.Context) context.Context
		want int
	}{
		{"notice", func(c context.Context) context.Context { return bot.Delivering(c, false) }, 72},
		{"urgent delivery", func(c context.Context) context.Context { return bot.Delivering(c, true) }, 9},
		{"a person's call", func(c context.Context) context.Context { return c }, 9},
	}
	for _, k := range kinds {
		before := base.n
		for range k.want {
			if err := call(k.ctx(context.Background())); err != nil {
				t.Fatalf("%s: %v", k.name, err)
			}
		}
		// One more would wait a second for its turn: with half a second
		// to live it fails at once.
		soon, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		if err := call(k.ctx(soon)); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s number %d went out without waiting (%v)", k.name, k.want+1, err)
		}
		cancel()
		if got := base.n - before; got != k.want {
			t.Errorf("%s: %d calls reached the server, want %d", k.name, got, k.want)
		}
	}
}
