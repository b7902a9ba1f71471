package load

import (
	"fmt"

	"io"
	"os"
	"samverkan/store/postgres"
	"slices"
	"sync"
	"time"
)

// Spec is one load run.
type Spec struct {
	Mix         string // "decisions" or "plain"
	Rate        float64
	Duration    time.Duration
	MaxInFlight int
	// Baselines measures the bare handler (at the same rate) and bare
	// commits in the same run.
	Baselines bool
	// Store, when set, runs the bot on PostgreSQL: a database of the
	// run's own on this server (postgres://…).
	Store string
	// Replicas is how many replicas share that database; requests go to
	// each in turn (0 and 1: one).
	Replicas int
}

// Report is what a run measured.
type Report struct {
	Spec   Spec
	Result *Result
	Bare   *Result
	Commit Commits
	// AgendaLate is how late the weekly agenda (due mid-run) reached
	// Mattermost; AgendaSeen whether it did.
	AgendaLate time.Duration
	AgendaSeen bool
	// MaxRSS is the most resident memory seen during the run (the bot,
	// the fakes and the load tool share the process).
	MaxRSS int64
	// DBGrowth is how much the database file grew in the run.
	DBGrowth int64
	// Stored is what the database holds of each kind of write.
	Stored map[string]int
	// Problems are what the run found wrong: answers whose writes are not
	// stored, failures, a missing agenda.
	Problems []string
	// Stores are each replica's write path in the run (PostgreSQL only).
	Stores []postgres.Stats

	rates []float64 // the admission rate, every 100 ms (0: not limited)
}

// Timeline writes the run second by second: latency of what was answered,
// what was shed, and the rate the bot let commands in at.
func (r *Report) Timeline(w io.Writer) {
	for sec := 0; sec < int(r.Spec.Duration.Seconds()); sec++ {
		var l []time.Duration
		shed := 0
		for _, x := range r.Result.Samples {
			if int(x.At.Seconds()) == sec {
				switch x.Outcome {
				case Answered:
					l = append(l, x.Latency)
				case Shed:
					shed++
				}
			}
		}
		slices.Sort(l)
		admit := "unlimited"
		if i := sec*10 + 5; i < len(r.rates) && r.rates[i] > 0 {
			admit = fmt.Sprintf("%.0f/s", r.rates[i])
		}
		fmt.Fprintf(w, "  second %2d: answered %5d p50 %-9s p99 %-9s shed %5d, letting in %s\n", sec, len(l), round(Pct(l, 50)), round(Pct(l, 99)), shed, admit)
	}
}

// Run starts the bot, measures the baselines, sends the mix and checks
// what was stored.
func Run(s Spec) (*Report, error) {
	rep := &Report{Spec: s}
	if s.Baselines {
		dir, err := os.MkdirTemp("", "samverkan-bare-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		if rep.Commit, err = BareCommits(dir, 2*time.Second); err != nil {
			return nil, err
		}
	}
	agendaAt := s.Duration / 2
	t, err := Start(Options{MaxInFlight: s.MaxInFlight, AgendaAt: agendaAt, Store: s.Store, Replicas: s.Replicas})
	if err != nil {
		return nil, err
	}
	defer t.Remove()
	mix, ok := t.Mixes()[s.Mix]
	if !ok {
		t.Stop()
		return nil, fmt.Errorf("no mix %q", s.Mix)
	}
	size := t.DatabaseSize()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			rep.MaxRSS = max(rep.MaxRSS, RSS())
			rep.rates = append(rep.rates, t.App.Engine.Admission.Rate())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	var before []postgres.Stats
	for _, st := range t.Stores() {
		before = append(before, st.Stats())
	}
	rep.Result = FireAll(t.URLs(), mix, s.Rate, s.Duration)
	for i, st := range t.Stores() {
		a, b := st.Stats(), before[i]
		rep.Stores = append(rep.Stores, postgres.Stats{Commits: a.Commits - b.Commits, Updates: a.Updates - b.Updates,
			Conflicts: a.Conflicts - b.Conflicts, Reruns: a.Reruns - b.Reruns, Settled: a.Settled - b.Settled, LockWait: a.LockWait - b.LockWait,
			Views: a.Views - b.Views, ReadTrips: a.ReadTrips - b.ReadTrips, WriteTrips: a.WriteTrips - b.WriteTrips,
			CacheHits: a.CacheHits - b.CacheHits, CacheMisses: a.CacheMisses - b.CacheMisses})
	}
	// The agenda is posted by the bot's timer; give it the time the run
	// promises (a second) past its minute if the run ended first.
	for range 50 {
		if rep.AgendaLate, rep.AgendaSeen = t.AgendaLate(); rep.AgendaSeen {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	rep.DBGrowth = t.DatabaseSize() - size
	t.Stop()
	if rep.Stored, err = t.Stored(); err != nil {
		return nil, err
	}
	if s.Baselines {
		url, closeBare := BareHandler()
		rep.Bare = Fire(url, mix, s.Rate, min(s.Duration, 10*time.Second))
		closeBare()
	}
	rep.check()
	return rep, nil
}

// check notes what the run found wrong.
func (r *Report) check() {
	failed := r.Result.Count(Failed)
	if failed > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d requests failed (no answer, an error or a timeout)", failed))
	}
	for _, kind := range []string{"decision", "report:lst", "report:sthlm"} {
		answered := r.Result.Writes(kind)
		if r.Stored[kind] < answered {
			r.Problems = append(r.Problems, fmt.Sprintf("%d %s answered as done, %d stored", answered, kind, r.Stored[kind]))
		}
		if r.Stored[kind] > answered+failed {
			r.Problems = append(r.Problems, fmt.Sprintf("%d %s stored, more than the %d answered and %d unanswered", r.Stored[kind], kind, answered, failed))
		}
	}
	if r.Spec.Duration >= 10*time.Second && !r.AgendaSeen {
		r.Problems = append(r.Problems, "the weekly agenda due mid-run never reached Mattermost")
	}
}

// Print writes the report as the load tool shows it.
func (r *Report) Print(w io.Writer) {
	res := r.Result
	ans := res.Latencies(Answered, "")
	where := "bbolt (embedded)"
	if r.Spec.Store != "" {
		where = "PostgreSQL (a database of the run's own, leader election on)"
		if r.Spec.Replicas > 1 {
			where = fmt.Sprintf("%d replicas on one PostgreSQL database (requests to each in turn)", r.Spec.Replicas)
		}
	}
	fmt.Fprintf(w, "load: mix %s, %.0f requests/s open loop for %s on %s (latency from each request's scheduled time)\n\n", r.Spec.Mix, r.Spec.Rate, r.Spec.Duration, where)
	fmt.Fprintf(w, "%-30s %8s %8s %8s %9s %9s %9s %9s %9s\n", "target", "sent", "answered", "shed", "failed", "answers/s", "p50", "p99", "max")
	row := func(name string, x *Result) {
		l := x.Latencies(Answered, "")
		fmt.Fprintf(w, "%-30s %8d %8d %8d %9d %9.0f %9s %9s %9s\n", name, len(x.Samples), x.Count(Answered), x.Count(Shed), x.Count(Failed), x.Throughput(),
			round(Pct(l, 50)), round(Pct(l, 99)), round(Pct(l, 100)))
	}
	row("samverkan", res)
	if len(r.Stores) > 1 {
		for i := range r.Stores {
			row(fmt.Sprintf("  replica %d", i+1), res.Of(i))
		}
	}
	if r.Bare != nil {
		row("bare net/http handler", r.Bare)
	}
	fmt.Fprintln(w)
	for _, n := range res.Names() {
		l := res.Latencies(Answered, n)
		fmt.Fprintf(w, "  %-28s answered %-6d p50 %-9s p99 %s\n", n, len(l), round(Pct(l, 50)), round(Pct(l, 99)))
	}
	if shed := res.Latencies(Shed, ""); len(shed) > 0 {
		fmt.Fprintf(w, "  %-28s %-15d p50 %-9s p99 %s\n", "shed (answered busy)", len(shed), round(Pct(shed, 50)), round(Pct(shed, 99)))
	}
	fmt.Fprintln(w)
	if r.Bare != nil {
		bare := r.Bare.Latencies(Answered, "")
		fmt.Fprintf(w, "ratio to the bare handler: p50 %.1f×, p99 %.1f×\n", ratio(Pct(ans, 50), Pct(bare, 50)), ratio(Pct(ans, 99), Pct(bare, 99)))
	}
	if r.Commit.OneAtATime > 0 {
		fmt.Fprintf(w, "bare bbolt commits: %.0f/s one at a time, %.0f/s grouped (64 writers); answers/s are %.2f× and %.2f× of them\n",
			r.Commit.OneAtATime, r.Commit.Grouped, res.Throughput()/r.Commit.OneAtATime, res.Throughput()/r.Commit.Grouped)
	}
	if r.AgendaSeen {
		fmt.Fprintf(w, "weekly agenda due mid-run: reached Mattermost %s after its minute\n", round(r.AgendaLate))
	}
	for i, st := range r.Stores {
		per := 0.0
		if st.Commits > 0 {
			per = float64(st.Updates) / float64(st.Commits)
		}
		fmt.Fprintf(w, "replica %d writes: %d updates in %d transactions (%.1f a transaction, %.1f round trips each), %d conflicts run again (%.1f/s), %d run again after a lost connection, write lock waited %s in all\n",
			i+1, st.Updates, st.Commits, per, float64(st.WriteTrips)/max(1, float64(st.Commits)), st.Conflicts, float64(st.Conflicts)/r.Result.Elapsed.Seconds(), st.Reruns, round(st.LockWait))
		fmt.Fprintf(w, "replica %d reads: %d views, %.1f round trips each; %d reads from memory, %d from the database (%.0f%% from memory)\n", i+1, st.Views, float64(st.ReadTrips)/max(1, float64(st.Views)),
			st.CacheHits, st.CacheMisses, 100*float64(st.CacheHits)/max(1, float64(st.CacheHits+st.CacheMisses)))
	}
	answered := res.Count(Answered)
	fmt.Fprintf(w, "stored: %d decisions, %d + %d report versions (answered %d, %d, %d)\n", r.Stored["decision"], r.Stored["report:lst"], r.Stored["report:sthlm"],
		res.Writes("decision"), res.Writes("report:lst"), res.Writes("report:sthlm"))
	if answered > 0 {
		fmt.Fprintf(w, "memory: at most %.0f MB resident; database grew %.1f MB, %.2f MB per 10,000 answered commands\n",
			float64(r.MaxRSS)/(1<<20), float64(r.DBGrowth)/(1<<20), float64(r.DBGrowth)/(1<<20)/float64(answered)*10000)
	}
	for _, p := range r.Problems {
		fmt.Fprintln(w, "PROBLEM:", p)
	}
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func round(d time.Duration) time.Duration {
	if d > time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}
