package commands_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/commands"
)

// Beyond the bound a command waits its turn and then runs; beyond the
// queue it is answered at once with "busy" and does nothing; the outcome
// is reported as shed.
func TestCommandsBeyondTheBoundWaitAndBeyondTheQueueAreShed(t *testing.T) {
	w := newWorld(t)
	w.e.Admission = commands.NewAdmission(1)
	w.e.Admission.Queue = 1
	var outcomes []string
	var mu sync.Mutex
	w.e.Observe = func(_, _, outcome string, _ time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		outcomes = append(outcomes, outcome)
	}
	release, started := make(chan struct{}), make(chan struct{})
	w.e.Register(&commands.Command{Path: []commands.Word{{Sv: "vänta", En: "wait"}}, Help: "help.help",
		Run: func(context.Context, *commands.Request, commands.Args) (commands.Reply, error) {
			close(started)
			<-release
			return commands.Reply{Message: bot.Message{Text: "klar"}}, nil
		}})
	admin := commands.Invocation{User: bot.Identity{Platform: bot.Mattermost, UserID: "u_admin"}, Channel: forumChan, Users: users{}}
	invoke := func(text string) commands.Reply {
		in := admin
		in.Text = text
		return w.e.Invoke(context.Background(), in)
	}
	first, second := make(chan commands.Reply), make(chan commands.Reply)
	go func() { first <- invoke("vänta") }()
	<-started
	go func() { second <- invoke(`aktör lägg-till pol "Polisen"`) }()
	for w.e.Admission.Waiting() != 1 {
		runtime.Gosched()
	}
	r := invoke(`aktör lägg-till rtj "Räddningstjänsten"`)
	if !r.Busy || !r.Failed || !strings.Contains(r.Message.Text, "Inget har ändrats") {
		t.Fatalf("the command beyond the queue: %+v", r)
	}
	if w.e.Admission.Shed() != 1 || w.e.Admission.InFlight() != 1 {
		t.Errorf("shed %d, in flight %d", w.e.Admission.Shed(), w.e.Admission.InFlight())
	}
	close(release)
	if r := <-first; r.Failed || r.Message.Text != "klar" {
		t.Errorf("the command in flight: %+v", r)
	}
	if r := <-second; r.Failed {
		t.Errorf("the command that waited its turn: %s", r.Message.Text)
	}
	err := w.env.Store.View(func(tx bot.Tx) error {
		var a bot.Actor
		if err := tx.Get(bot.BucketActors, "pol", &a); err != nil || a.Name != "Polisen" {
			t.Errorf("pol: %+v %v", a, err)
		}
		if err := tx.Get(bot.BucketActors, "rtj", &a); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("the shed command stored rtj: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if w.e.Admission.InFlight() != 0 || w.e.Admission.Waiting() != 0 {
		t.Errorf("after all: in flight %d, waiting %d", w.e.Admission.InFlight(), w.e.Admission.Waiting())
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(outcomes, " ") != "shed ok ok" {
		t.Errorf("outcomes reported: %v", outcomes)
	}
}

// When the machine stays saturated for two windows the rate let in is cut
// to seven tenths of what came in; while it keeps up it grows back by a twentieth a window,
// and the limit goes once it is far above what comes.
func TestAdmissionRateFollowsSaturation(t *testing.T) {
	now := time.Unix(1000, 0)
	a := commands.NewAdmission(100)
	a.Now = func() time.Time { return now }
	saturated := false
	commands.SetWait(a, func(time.Time) (time.Duration, bool) {
		if saturated {
			return 20 * time.Millisecond, true
		}
		return time.Millisecond, true
	})
	run := func(n int, per time.Duration) (admitted int) {
		for range n {
			if start, ok := commands.Enter(a); ok {
				admitted++
				commands.Leave(a, start)
			}
			now = now.Add(per)
		}
		return admitted
	}
	run(100, time.Millisecond) // 1000/s, calm: no limit
	if a.Rate() != 0 || a.Shed() != 0 {
		t.Fatalf("calm: rate %v, shed %d", a.Rate(), a.Shed())
	}
	saturated = true
	run(50, time.Millisecond) // one saturated window at 1000/s (a garbage collection, say)
	run(1, 0)                 // the next request closes it
	if r := a.Rate(); r != 0 {
		t.Fatalf("after one saturated window the rate is limited to %.0f", r)
	}
	run(50, time.Millisecond) // a second one in a row
	run(1, 0)
	if r := a.Rate(); r < 650 || r > 750 {
		t.Fatalf("after two saturated windows at 1000/s the rate is %.0f, want about 700", r)
	}
	if got := run(1000, time.Millisecond); got > 800 {
		t.Errorf("saturated at 1000/s for a second: %d let in, want at most about 700", got)
	}
	saturated = false
	for range 200 {
		run(50, time.Millisecond)
	}
	if a.Rate() != 0 {
		t.Errorf("ten calm seconds later the rate is still limited to %.0f", a.Rate())
	}
}

// A limit set by a flood (a replica that was frozen wakes to the
// requests that queued meanwhile) goes while no one comes: the calm
// windows without a command count too, and a minute later commands at
// 100 a second are all let in.
func TestALimitGoesWhileNoOneComes(t *testing.T) {
	now := time.Unix(1000, 0)
	a := commands.NewAdmission(20)
	a.Queue = 0
	a.Now = func() time.Time { return now }
	commands.SetWait(a, func(time.Time) (time.Duration, bool) { return time.Millisecond, true })
	var starts []time.Time
	for range 40 { // the flood: more than the bound at once
		if start, ok := commands.Enter(a); ok {
			starts = append(starts, start)
		}
	}
	now = now.Add(time.Second) // the woken replica works through them
	commands.Enter(a)          // closes the window
	if a.Rate() == 0 || a.Rate() > 100 {
		t.Fatalf("the flood limited the rate to %.0f, want a limit below 100 a second", a.Rate())
	}
	for _, s := range starts {
		commands.Leave(a, s)
	}
	now = now.Add(time.Minute) // nobody comes
	for i := range 100 {       // then a second at 100 a second
		start, ok := commands.Enter(a)
		if !ok {
			t.Fatalf("command %d shed a minute after the flood (rate %.0f)", i, a.Rate())
		}
		commands.Leave(a, start)
		now = now.Add(10 * time.Millisecond)
	}
}

// A machine that is slow for some other reason — a start-up, a garbage
// collection, one slow command — while people type at human speed turns
// nobody away: only windows with real load count as saturated.
func TestSlowCommandsAtHumanSpeedAreNeverShed(t *testing.T) {
	now := time.Unix(1000, 0)
	a := commands.NewAdmission(100)
	a.Now = func() time.Time { return now }
	commands.SetWait(a, func(time.Time) (time.Duration, bool) { return 50 * time.Millisecond, true })
	for i := range 500 { // 100 a second, each taking 40 ms
		start, ok := commands.Enter(a)
		if !ok {
			t.Fatalf("command %d was shed at 100 a second (rate %.0f)", i, a.Rate())
		}
		now = now.Add(40 * time.Millisecond)
		commands.Leave(a, start)
		now = now.Add(-30 * time.Millisecond)
	}
	if a.Rate() != 0 {
		t.Errorf("rate limited to %.0f", a.Rate())
	}
}

// A queue that overflows is overload beyond doubt: the rate is cut when
// that window closes, without waiting for a second saturated one.
func TestAnOverflowingQueueCutsTheRateAtOnce(t *testing.T) {
	now := time.Unix(1000, 0)
	a := commands.NewAdmission(20)
	a.Queue = 0
	a.Now = func() time.Time { return now }
	commands.SetWait(a, func(time.Time) (time.Duration, bool) { return time.Millisecond, true })
	for range 20 { // twenty commands that do not finish in this window
		if _, ok := commands.Enter(a); !ok {
			t.Fatal("shed below the bound")
		}
		now = now.Add(time.Millisecond)
	}
	if _, ok := commands.Enter(a); ok {
		t.Fatal("let in beyond the bound with no queue")
	}
	now = now.Add(50 * time.Millisecond)
	commands.Enter(a) // closes the window
	if a.Rate() == 0 {
		t.Error("an overflowing window did not limit the rate")
	}
}
