package slack

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"

	"samverkan/adapters/internal/limit"
)

// PerChannel is Slack's limit for posting to one channel: about one
// message a second (chat.postMessage, "short bursts allowed"); the bot
// keeps to it for posts, edits and deletes.
const PerChannel = 1.0

// throttle keeps the bot's posts under Slack's limit of about one
// message a second per channel. Should Slack still answer 429, the
// channel's bucket is drained and the answer goes back as it is: the
// outbox holds every Slack delivery for the Retry-After Slack names.
type throttle struct {
	base     http.RoundTripper
	channels limit.Keyed
	limited  atomic.Int64
}

func newThrottle(base http.RoundTripper) *throttle {
	return &throttle{base: base, channels: limit.Keyed{Rate: PerChannel, Burst: 1}}
}

// perChannel are the methods limited per channel.
var perChannel = map[string]bool{"chat.postMessage": true, "chat.update": true, "chat.delete": true}

func (t *throttle) RoundTrip(req *http.Request) (*http.Response, error) {
	method := req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]
	var bucket *limit.Bucket
	if perChannel[method] && req.Body != nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		if ch := channelOf(req.Header.Get("Content-Type"), body); ch != "" {
			bucket = t.channels.For(ch)
			if err := bucket.Wait(req.Context()); err != nil {
				return nil, err
			}
		}
	}
	resp, err := t.base.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		t.limited.Add(1)
		if bucket != nil {
			bucket.Drain()
		}
	}
	return resp, err
}

// channelOf reads the channel a Web API call names, form or JSON.
func channelOf(ctype string, body []byte) string {
	if strings.HasPrefix(ctype, "application/json") {
		var v struct {
			Channel string `json:"channel"`
		}
		if json.Unmarshal(body, &v) == nil {
			return v.Channel
		}
		return ""
	}
	q, err := url.ParseQuery(string(body))
	if err != nil {
		return ""
	}
	return q.Get("channel")
}

// SetChannelRate changes the per-channel limit (messages a second), for
// a Slack-compatible server with other limits, or tests.
func (a *Adapter) SetChannelRate(perSec float64) {
	a.throttle.channels.SetRate(perSec, max(1, perSec))
}

// Limited is how many times Slack answered 429.
func (a *Adapter) Limited() int64 { return a.throttle.limited.Load() }
