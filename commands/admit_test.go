package commands_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/commands"
)

// Beyond the bound, a command is answered at once with "busy" and does
// nothing; the ones in flight finish; the outcome is reported as shed.
func TestCommandsBeyondTheBoundAreShed(t *testing.T) {
	w := newWorld(t)
	w.e.Admission = commands.NewAdmission(1)
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
	first := make(chan commands.Reply)
	go func() {
		in := admin
		in.Text = "vänta"
		first <- w.e.Invoke(context.Background(), in)
	}()
	<-started
	in := admin
	in.Text = `aktör lägg-till pol "Polisen"`
	r := w.e.Invoke(context.Background(), in)
	if !r.Busy || !r.Failed || !strings.Contains(r.Message.Text, "Inget har ändrats") {
		t.Fatalf("the command beyond the bound: %+v", r)
	}
	if w.e.Admission.Shed() != 1 || w.e.Admission.InFlight() != 1 {
		t.Errorf("shed %d, in flight %d", w.e.Admission.Shed(), w.e.Admission.InFlight())
	}
	close(release)
	if r := <-first; r.Failed || r.Message.Text != "klar" {
		t.Errorf("the command in flight: %+v", r)
	}
	if r := w.e.Invoke(context.Background(), in); r.Failed {
		t.Errorf("once there was room: %s", r.Message.Text)
	}
	var a bot.Actor
	if err := w.env.Store.View(func(tx bot.Tx) error { return tx.Get(bot.BucketActors, "pol", &a) }); err != nil || a.Name != "Polisen" {
		t.Errorf("pol: %+v %v", a, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(outcomes, " ") != "shed ok ok" {
		t.Errorf("outcomes reported: %v", outcomes)
	}
}

// When the machine is saturated the rate let in is cut to seven tenths of
// what came in; while it keeps up it grows back by a twentieth a window,
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
	run(50, time.Millisecond) // a saturated window at 1000/s
	run(1, 0)                 // the next request closes it
	if r := a.Rate(); r < 650 || r > 750 {
		t.Fatalf("after a saturated window at 1000/s the rate is %.0f, want about 700", r)
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
