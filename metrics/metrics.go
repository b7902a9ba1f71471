// Package metrics counts what operators watch (commands by name and
// outcome, their latency, outbox deliveries, retries and depth) and writes
// it in the Prometheus text format. It is small on purpose: a handful of
// labelled counters and one histogram need no client library.
package metrics

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Buckets are the latency histogram's upper bounds in seconds.
var Buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

// Registry holds every metric of one process.
type Registry struct {
	mu       sync.Mutex
	counters map[string]map[string]float64 // name -> labels -> value
	help     map[string]string
	hist     map[string]*histogram // labels -> histogram
	gauges   map[string]func() float64
	// read are counters kept elsewhere, read at every scrape, with help.
	read map[string]readCounter
}

type histogram struct {
	counts []uint64
	sum    float64
	n      uint64
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{counters: map[string]map[string]float64{}, help: map[string]string{}, hist: map[string]*histogram{}, gauges: map[string]func() float64{}, read: map[string]readCounter{}}
}

func labels(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		v := labelEscape.Replace(kv[i+1])
		parts = append(parts, fmt.Sprintf(`%s="%s"`, kv[i], v))
	}
	return strings.Join(parts, ",")
}

// Inc adds one to counter name with the label pairs.
func (r *Registry) Inc(name, help string, kv ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counters[name] == nil {
		r.counters[name] = map[string]float64{}
		r.help[name] = help
	}
	r.counters[name][labels(kv...)]++
}

// Command records one command: its name, outcome and duration.
func (r *Registry) Command(platform, name, outcome string, d time.Duration) {
	r.Inc("samverkan_commands_total", "Commands handled, by platform, command and outcome.", "platform", platform, "command", name, "outcome", outcome)
	r.mu.Lock()
	defer r.mu.Unlock()
	l := labels("platform", platform)
	h := r.hist[l]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(Buckets))}
		r.hist[l] = h
	}
	s := d.Seconds()
	for i, b := range Buckets {
		if s <= b {
			h.counts[i]++
		}
	}
	h.sum += s
	h.n++
}

type readCounter struct {
	help string
	fn   func() float64
}

// CounterFunc registers a counter kept elsewhere (it only grows), read at
// every scrape.
func (r *Registry) CounterFunc(name, help string, fn func() float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.read[name] = readCounter{help, fn}
}

// Gauge registers a value read at every scrape.
func (r *Registry) Gauge(name string, fn func() float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gauges[name] = fn
}

// Write writes every metric in the Prometheus text format.
func (r *Registry) Write(w io.Writer) {
	r.mu.Lock()
	gauges := make(map[string]func() float64, len(r.gauges))
	for k, v := range r.gauges {
		gauges[k] = v
	}
	names := make([]string, 0, len(r.counters))
	for n := range r.counters {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", n, r.help[n], n)
		ls := make([]string, 0, len(r.counters[n]))
		for l := range r.counters[n] {
			ls = append(ls, l)
		}
		sort.Strings(ls)
		for _, l := range ls {
			fmt.Fprintf(w, "%s{%s} %g\n", n, l, r.counters[n][l])
		}
	}
	const hn = "samverkan_command_duration_seconds"
	fmt.Fprintf(w, "# HELP %s Time from request to answer.\n# TYPE %s histogram\n", hn, hn)
	hls := make([]string, 0, len(r.hist))
	for l := range r.hist {
		hls = append(hls, l)
	}
	sort.Strings(hls)
	for _, l := range hls {
		h := r.hist[l]
		for i, b := range Buckets {
			fmt.Fprintf(w, "%s_bucket{%s,le=\"%g\"} %d\n", hn, l, b, h.counts[i])
		}
		fmt.Fprintf(w, "%s_bucket{%s,le=\"+Inf\"} %d\n%s_sum{%s} %g\n%s_count{%s} %d\n", hn, l, h.n, hn, l, h.sum, hn, l, h.n)
	}
	read := make(map[string]readCounter, len(r.read))
	for k, v := range r.read {
		read[k] = v
	}
	r.mu.Unlock()
	rn := make([]string, 0, len(read))
	for n := range read {
		rn = append(rn, n)
	}
	sort.Strings(rn)
	for _, n := range rn {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %g\n", n, read[n].help, n, n, read[n].fn())
	}
	gn := make([]string, 0, len(gauges))
	for n := range gauges {
		gn = append(gn, n)
	}
	sort.Strings(gn)
	for _, n := range gn {
		fmt.Fprintf(w, "# TYPE %s gauge\n%s %g\n", n, n, gauges[n]())
	}
}

// Handler serves the registry at /metrics.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		r.Write(w)
	})
}

// labelEscape escapes a label value in the text format.
var labelEscape = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
