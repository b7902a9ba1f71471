package commands

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"samverkan/bot"
	"samverkan/catalog"
)

// DefaultMaxInFlight is how many commands run at once unless configured.
// Beyond it a command waits its turn in a short queue (four times as
// long, at most QueueWait) unless the machine is saturated; beyond the
// queue it is answered at once with "busy": a burst of people acting together is served in order, while
// under overload the answers that are given stay fast and no queue grows
// without bound.
const DefaultMaxInFlight = 16

// QueueWait is the longest a command waits for its turn before it is
// answered "busy" — well inside Slack's three seconds.
const QueueWait = time.Second

// Target is how long a command should take at most once admitted.
const Target = 25 * time.Millisecond

// window is how often the admission rate is adjusted.
const window = 50 * time.Millisecond

// minLoad is how many commands must have been let in during a window for
// it to count as saturated (200 a second): below that the commands are
// not what keeps the machine busy — a lone slow command, a garbage
// collection or a start-up is — and turning people away would not help.
const minLoad = 10

// Admission bounds the commands in flight, and when the machine is
// saturated — commands take longer than Target, or goroutines wait longer
// than Saturated for a CPU, so that requests queue before they even reach
// the door — also the rate at which commands are let in: after two
// windows (50 ms each) with at least minLoad commands that show
// saturation it is cut to seven tenths of what was let in, and while the machine keeps up it
// grows back by a twentieth a window. Turning a request away costs about
// what a bare handler does, so the bot keeps up with those it lets in.
type Admission struct {
	max  int
	shed atomic.Int64
	// Queue is how many commands may wait for a slot (NewAdmission: four
	// times the bound; 0: none wait).
	Queue int
	// Now is the clock commands are timed by (default time.Now).
	Now func() time.Time
	// wait reads goroutine scheduling latency (a test may replace it).
	wait func(now time.Time) (time.Duration, bool)

	mu        sync.Mutex
	inFlight  int
	rate      float64 // admissions a second; 0: not limited
	tokens    float64
	filled    time.Time
	windowAt  time.Time
	admitted  int // in this window
	saturated bool
	strikes   int             // saturated windows in a row
	overflow  bool            // the queue overflowed in this window
	waiting   []chan struct{} // first come, first served
	sched     schedProbe
}

// NewAdmission admits at most n commands at once (n ≤ 0: DefaultMaxInFlight).
func NewAdmission(n int) *Admission {
	if n <= 0 {
		n = DefaultMaxInFlight
	}
	a := &Admission{max: n, Queue: 4 * n}
	a.wait = a.sched.p90
	return a
}

func (a *Admission) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// enter takes a slot, waiting its turn while there is room in the queue,
// or reports false; the release, given the start, times the command.
func (a *Admission) enter(ctx context.Context) (time.Time, bool) {
	now := a.now()
	a.mu.Lock()
	a.adjust(now)
	if a.rate > 0 {
		a.tokens = min(burst(a.rate), a.tokens+now.Sub(a.filled).Seconds()*a.rate)
		a.filled = now
	}
	if a.rate > 0 && a.tokens < 1 {
		return a.refuse()
	}
	if a.inFlight < a.max && len(a.waiting) == 0 {
		if a.rate > 0 {
			a.tokens--
		}
		a.inFlight++
		a.admitted++
		a.mu.Unlock()
		return now, true
	}
	if len(a.waiting) >= a.Queue || a.rate > 0 {
		// The queue is for a burst on a machine that keeps up; while it
		// is saturated, waiting would only make the answers given late.
		// A full queue is overload beyond doubt: the rate is cut when
		// this window closes, without waiting for a second one.
		a.saturated, a.overflow = true, true
		return a.refuse()
	}
	if a.rate > 0 {
		a.tokens--
	}
	turn := make(chan struct{})
	a.waiting = append(a.waiting, turn)
	a.mu.Unlock()
	timer := time.NewTimer(QueueWait)
	defer timer.Stop()
	select {
	case <-turn:
		return a.now(), true
	case <-timer.C:
	case <-ctx.Done():
	}
	a.mu.Lock()
	select {
	case <-turn: // handed a slot while giving up: take it
		a.mu.Unlock()
		return a.now(), true
	default:
	}
	for i, w := range a.waiting {
		if w == turn {
			a.waiting = append(a.waiting[:i], a.waiting[i+1:]...)
			break
		}
	}
	a.saturated = true // waited QueueWait in vain
	return a.refuse()
}

// refuse counts a command turned away and unlocks.
func (a *Admission) refuse() (time.Time, bool) {
	a.mu.Unlock()
	a.shed.Add(1)
	return time.Time{}, false
}

// adjust closes a window when one has passed. Two saturated windows
// under load in a row (one may be a garbage collection) cut the rate to
// seven tenths of what was admitted in the last; once limited, each
// saturated window cuts it again, and each calm one lets a twentieth
// more in, until no limit is needed.
func (a *Admission) adjust(now time.Time) {
	if a.windowAt.IsZero() {
		a.windowAt = now
		return
	}
	span := now.Sub(a.windowAt)
	if span < window {
		return
	}
	admittedRate := float64(a.admitted) / span.Seconds()
	saturated := a.saturated && a.admitted >= minLoad
	if saturated {
		a.strikes++
	} else {
		a.strikes = 0
	}
	switch {
	case saturated && (a.rate > 0 || a.strikes >= 2 || a.overflow):
		if a.rate == 0 { // a new limit starts with a full bucket
			a.tokens, a.filled = burst(0.7*admittedRate), now
		}
		a.rate = max(10, 0.7*admittedRate)
	case a.rate > 0:
		// A twentieth more for each window that has passed calm, those
		// without a command included: a replica that was frozen and woke
		// to a flood of stale requests, then stood idle, lets people in
		// again (measured: without the idle windows it turned away
		// commands at 100 a second a minute later).
		a.rate *= math.Pow(1.05, float64(span/window))
		if a.rate > 4*admittedRate+100 { // far above what comes: no need to limit
			a.rate, a.tokens = 0, 0
		}
	}
	a.windowAt, a.admitted, a.saturated, a.overflow = now, 0, false, false
}

// burst is how many commands may come at once under a rate limit.
func burst(rate float64) float64 { return max(rate*window.Seconds()/2, 4) }

// leave frees the slot of a command that started at start and notes
// whether it shows the machine saturated.
func (a *Admission) leave(start time.Time) {
	now := a.now()
	wait, measured := a.wait(now)
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.waiting) > 0 { // the slot goes to the first in line
		next := a.waiting[0]
		a.waiting = a.waiting[1:]
		a.admitted++
		close(next)
	} else {
		a.inFlight--
	}
	if now.Sub(start) > Target || (measured && wait > Saturated) {
		a.saturated = true
	}
}

// InFlight is how many commands run now.
func (a *Admission) InFlight() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.inFlight
}

// Waiting is how many commands wait for a slot now.
func (a *Admission) Waiting() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.waiting)
}

// Rate is how many commands a second are let in now (0: no limit but the
// bound on those in flight).
func (a *Admission) Rate() float64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rate
}

// Shed is how many commands were answered "busy" instead of run.
func (a *Admission) Shed() int64 { return a.shed.Load() }

// Busy is the answer to a command that was not run because too many were
// already running, or that was called off before it changed anything.
func (e *Engine) Busy(lang string) Reply {
	if lang == "" {
		lang = e.Lang
	}
	return Reply{Failed: true, Busy: true, Lang: lang, Message: bot.Message{Text: catalog.T(lang, "err.busy")}}
}

type admittedKey struct{}

// Admit takes a slot for a request that is about to run a command, at
// the door, before its body is read, waiting its turn if others run: under overload, turning a request
// away costs no more than a bare handler. It returns ctx marked so that
// the command does not take a second slot, and the release; false (and
// the shed counted) when there is no slot.
func (e *Engine) Admit(ctx context.Context, p bot.PlatformID) (context.Context, func(), bool) {
	a := e.Admission
	if a == nil {
		return ctx, func() {}, true
	}
	start, ok := a.enter(ctx)
	if !ok {
		if e.Observe != nil {
			e.Observe(string(p), "any", "shed", 0)
		}
		return ctx, nil, false
	}
	return context.WithValue(ctx, admittedKey{}, true), func() { a.leave(start) }, true
}

// Admitted reports whether ctx is a request Admit let in.
func Admitted(ctx context.Context) bool { ok, _ := ctx.Value(admittedKey{}).(bool); return ok }
