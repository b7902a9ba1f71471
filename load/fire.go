package load

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"samverkan/adapters/slack/slackfake"
	"samverkan/catalog"
)

// Outcome is what became of one request.
type Outcome int

// Outcomes.
const (
	// Answered: the bot did it and said so.
	Answered Outcome = iota
	// Shed: the bot said at once it was too busy and did nothing.
	Shed
	// Failed: no answer, an HTTP error, or a timeout.
	Failed
)

// Sample is one request.
type Sample struct {
	Name    string
	Writes  string
	Outcome Outcome
	// At is when the request was due, from the start of the run.
	At time.Duration
	// Latency runs from when the request was due to leave (open loop:
	// a late start counts against the bot) until its answer.
	Latency time.Duration
	// Replica is which of the bots it went to (its index in the bases).
	Replica int
}

// Result is a run.
type Result struct {
	Rate     float64
	Duration time.Duration
	Elapsed  time.Duration
	Samples  []Sample
}

// MaxOutstanding bounds the requests the load tool keeps open; past it
// a request counts as failed (the bot fell that far behind).
const MaxOutstanding = 20000

// busyText is how the bot says it shed a command.
var busyText = catalog.T("sv", "err.busy")

// Fire sends mix at rate requests a second for dur, open loop, to the
// bot at base.
func Fire(base string, mix Mix, rate float64, dur time.Duration) *Result {
	return FireAll([]string{base}, mix, rate, dur)
}

// FireAll is Fire to several replicas of one bot, each request to the
// next in turn.
func FireAll(bases []string, mix Mix, rate float64, dur time.Duration) *Result {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 4096, MaxIdleConns: 4096, IdleConnTimeout: time.Minute}}
	defer client.CloseIdleConnections()
	res := &Result{Rate: rate, Duration: dur}
	n := int(rate * dur.Seconds())
	samples := make([]Sample, n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	outstanding := 0
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		rq := mix[i%len(mix)]
		samples[i] = Sample{Name: rq.Name, Writes: rq.Writes, Outcome: Failed, At: due.Sub(start), Replica: i % len(bases)}
		base := bases[i%len(bases)]
		mu.Lock()
		full := outstanding >= MaxOutstanding
		if !full {
			outstanding++
		}
		mu.Unlock()
		if full {
			samples[i].Latency = time.Since(due)
			continue
		}
		wg.Go(func() {
			defer func() { mu.Lock(); outstanding--; mu.Unlock() }()
			samples[i].Outcome, samples[i].Latency = send(client, base, rq, due)
		})
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Samples = samples
	return res
}

func send(client *http.Client, base string, rq Request, due time.Time) (Outcome, time.Duration) {
	method := http.MethodPost
	if rq.get {
		method = http.MethodGet
	}
	req, _ := http.NewRequest(method, base+rq.path, strings.NewReader(rq.body))
	req.Header.Set("Content-Type", rq.ctype)
	if rq.cookie != "" {
		req.Header.Set("Cookie", rq.cookie)
	}
	if rq.sign {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", slackfake.Sign(slackSecret, ts, []byte(rq.body)))
	}
	resp, err := client.Do(req)
	if err != nil {
		return Failed, time.Since(due)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(due)
	switch {
	case err != nil || resp.StatusCode != http.StatusOK:
		return Failed, took
	case rq.want != "" && !strings.Contains(string(body), rq.want):
		return Failed, took
	case strings.Contains(string(body), busyText):
		return Shed, took
	}
	return Answered, took
}

// Count is how many samples had outcome o.
func (r *Result) Count(o Outcome) int {
	n := 0
	for _, s := range r.Samples {
		if s.Outcome == o {
			n++
		}
	}
	return n
}

// Of is the part of the result sent to replica n.
func (r *Result) Of(n int) *Result {
	out := &Result{Rate: r.Rate, Duration: r.Duration, Elapsed: r.Elapsed}
	for _, s := range r.Samples {
		if s.Replica == n {
			out.Samples = append(out.Samples, s)
		}
	}
	return out
}

// Latencies are the sorted latencies of the samples with outcome o (and
// name, when given).
func (r *Result) Latencies(o Outcome, name string) []time.Duration {
	var out []time.Duration
	for _, s := range r.Samples {
		if s.Outcome == o && (name == "" || s.Name == name) {
			out = append(out, s.Latency)
		}
	}
	slices.Sort(out)
	return out
}

// Pct is the p-th percentile of sorted latencies d (0 for none).
func Pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[min(len(d)-1, int(float64(len(d))*p/100))]
}

// Throughput is the answered requests a second.
func (r *Result) Throughput() float64 { return float64(r.Count(Answered)) / r.Elapsed.Seconds() }

// Names are the request names in the run, sorted.
func (r *Result) Names() []string {
	var out []string
	for _, s := range r.Samples {
		if !slices.Contains(out, s.Name) {
			out = append(out, s.Name)
		}
	}
	slices.Sort(out)
	return out
}

// Writes counts the answered writes of a kind ("decision", "report:lst").
func (r *Result) Writes(kind string) int {
	n := 0
	for _, s := range r.Samples {
		if s.Outcome == Answered && s.Writes == kind {
			n++
		}
	}
	return n
}
