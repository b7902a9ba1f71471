package commands

import (
	"math"
	"runtime/metrics"
	"sync"
	"time"
)

// Saturated is how long goroutines may wait for a CPU, at the 90th
// percentile, before the machine counts as saturated: then requests queue
// before they even reach the door, however quick each command is, and
// fewer commands are let in so that turning the rest away stays cheap.
const Saturated = 10 * time.Millisecond

// schedProbe reads how long goroutines waited to run (runtime/metrics
// /sched/latencies), over the window since it was last read.
type schedProbe struct {
	mu     sync.Mutex
	last   time.Time
	prev   []uint64
	sample []metrics.Sample
}

const schedLatencies = "/sched/latencies:seconds"

// p90 is the 90th percentile wait since the last reading, taken at most
// every 20 ms (ok false in between, or with no goroutines scheduled).
func (p *schedProbe) p90(now time.Time) (time.Duration, bool) {
	if p == nil {
		return 0, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if now.Sub(p.last) < 20*time.Millisecond {
		return 0, false
	}
	p.last = now
	if p.sample == nil {
		p.sample = []metrics.Sample{{Name: schedLatencies}}
	}
	metrics.Read(p.sample)
	if p.sample[0].Value.Kind() != metrics.KindFloat64Histogram {
		return 0, false
	}
	h := p.sample[0].Value.Float64Histogram()
	prev := p.prev
	p.prev = append(p.prev[:0:0], h.Counts...)
	if len(prev) != len(h.Counts) {
		return 0, false
	}
	var total uint64
	delta := make([]uint64, len(h.Counts))
	for i, c := range h.Counts {
		delta[i] = c - prev[i]
		total += delta[i]
	}
	if total == 0 {
		return 0, false
	}
	seen := uint64(0)
	for i, d := range delta {
		seen += d
		if float64(seen) >= 0.9*float64(total) {
			hi := h.Buckets[i+1]
			if math.IsInf(hi, 1) {
				hi = h.Buckets[i]
			}
			return time.Duration(hi * float64(time.Second)), true
		}
	}
	return 0, false
}
