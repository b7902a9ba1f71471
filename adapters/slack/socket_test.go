package slack_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"samverkan/adapters/slack"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bottest"
	"samverkan/commands"
)

// settled polls the goroutine count until it stops changing (idle HTTP
// connections and finished handlers wind down), and returns it.
func settled() int {
	last, same := runtime.NumGoroutine(), 0
	for i := 0; i < 400 && same < 10; i++ {
		time.Sleep(5 * time.Millisecond)
		if n := runtime.NumGoroutine(); n == last {
			same++
		} else {
			last, same = n, 0
		}
	}
	return last
}

// TestSocketModeReconnectsWithoutLeaking drops the Socket Mode connection
// 50 times, each time with Slack refusing the first attempt to connect
// again (slack-go's client then gives up and the bot connects anew): the
// bot is back each time, and the number of goroutines stays what it was
// after the first connection.
func TestSocketModeReconnectsWithoutLeaking(t *testing.T) {
	env := bottest.NewEnv(t)
	sl := slackfake.New()
	t.Cleanup(sl.Close)
	a := slack.New(commands.New(env.Bot, "sv"), "xoxb-test", "", "xapp-test", sl.APIURL(), []byte("0123456789abcdef0123456789abcdef"), bottest.Quiet())
	a.Reconnect = func(int) time.Duration { return time.Millisecond }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.RunSocketMode(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	if !sl.WaitSocket(5 * time.Second) {
		t.Fatal("no first connection")
	}
	base := settled()
	for i := range 50 {
		sl.FailConnectionOpens(1)
		sl.DropSocket()
		if !sl.WaitSocket(5 * time.Second) {
			t.Fatalf("no reconnect after drop %d", i+1)
		}
	}
	after := settled()
	t.Logf("goroutines: %d after the first connection, %d after 50 reconnects", base, after)
	if after > base+3 {
		t.Fatalf("%d goroutines after 50 reconnects, %d after the first connection", after, base)
	}
	if opens := sl.ConnectionOpens(); opens != 51 {
		t.Errorf("%d connections opened, want 51", opens)
	}
}
