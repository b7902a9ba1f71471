package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

func enqueue(t *testing.T, env *bottest.Env, items ...bot.OutboxItem) {
	t.Helper()
	err := env.Bot.Update(context.Background(), env.AdminCaller(), func(ch *bot.Change) error {
		for _, it := range items {
			if err := ch.Send(it); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func post(key, channel, text string) bot.OutboxItem {
	return bot.OutboxItem{Key: key, To: bot.Destination{Platform: bot.Mattermost, Channel: channel}, Class: bottest.Notice, Message: bot.Message{Text: text}}
}

func TestOutboxRetriesWithBackoffUntilDelivered(t *testing.T) {
	env := bottest.NewEnv(t)
	env.BareForum(t)
	env.Platform.Fail = func(_ string, attempt int) error {
		if attempt <= 3 {
			return bottest.ErrUnavailable
		}
		return nil
	}
	enqueue(t, env, post("k1", "c1", "hej"))
	for i, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		env.Deliver(t)
		if n := len(env.Platform.Sent()); n != 0 {
			t.Fatalf("attempt %d: delivered %d, want 0 while failing", i+1, n)
		}
		env.Clock.Advance(wait - time.Millisecond)
		env.Deliver(t) // not due yet: no attempt
		env.Clock.Advance(time.Millisecond)
	}
	env.Deliver(t)
	sent := env.Platform.Sent()
	if len(sent) != 1 || sent[0].Message.Text != "hej" {
		t.Fatalf("sent = %+v, want one 'hej'", sent)
	}
	env.Clock.Advance(time.Hour)
	env.Deliver(t)
	if len(env.Platform.Sent()) != 1 {
		t.Fatal("delivered twice")
	}
}

func TestOutboxHonoursRetryAfter(t *testing.T) {
	env := bottest.NewEnv(t)
	env.BareForum(t)
	env.Platform.Fail = func(_ string, attempt int) error {
		if attempt == 1 {
			return &bot.RetryAfterError{After: 7 * time.Second, Err: errors.New("429")}
		}
		return nil
	}
	enqueue(t, env, post("k1", "c1", "a"), post("k2", "c1", "b"))
	env.Deliver(t)
	env.Clock.Advance(6 * time.Second)
	env.Deliver(t)
	if n := len(env.Platform.Sent()); n != 0 {
		t.Fatalf("delivered %d before Retry-After passed", n)
	}
	env.Clock.Advance(time.Second)
	env.Deliver(t)
	sent := env.Platform.Sent()
	if len(sent) != 2 || sent[0].Message.Text != "a" || sent[1].Message.Text != "b" {
		t.Fatalf("sent = %+v, want a then b", sent)
	}
}

func TestOutboxIdempotentKeysAndOrder(t *testing.T) {
	env := bottest.NewEnv(t)
	env.BareForum(t)
	enqueue(t, env, post("same", "c1", "first"))
	enqueue(t, env, post("same", "c1", "again"), post("other", "c1", "second"))
	env.Deliver(t)
	sent := env.Platform.Sent()
	if len(sent) != 2 || sent[0].Message.Text != "first" || sent[1].Message.Text != "second" {
		t.Fatalf("sent = %+v, want first, second", sent)
	}
}

func TestOutboxUpdateAndThreadUseRefs(t *testing.T) {
	env := bottest.NewEnv(t)
	env.BareForum(t)
	root := post("root", "c1", "root")
	root.Ref = "banner"
	upd := post("upd", "c1", "root v2")
	upd.UpdateRef = "banner"
	reply := post("reply", "c1", "in thread")
	reply.ThreadRef = "banner"
	enqueue(t, env, root, upd, reply)
	env.Deliver(t)
	sent := env.Platform.Sent()
	if len(sent) != 3 {
		t.Fatalf("sent %d, want 3", len(sent))
	}
	if sent[1].Kind != "update" || sent[1].ID != sent[0].ID || sent[2].Thread != sent[0].ID {
		t.Fatalf("update/thread did not target the root: %+v", sent)
	}
}

func TestOutboxPermanentErrorSetsAside(t *testing.T) {
	env := bottest.NewEnv(t)
	env.BareForum(t)
	env.Platform.Refuse = func(s bottest.Sent) error { // destinations are delivered in parallel
		if s.Channel == "gone" {
			return &bot.PermanentError{Err: errors.New("channel not found")}
		}
		return nil
	}
	enqueue(t, env, post("bad", "gone", "x"), post("good", "c1", "y"))
	env.Deliver(t)
	if sent := env.Platform.Sent(); len(sent) != 1 || sent[0].Message.Text != "y" {
		t.Fatalf("sent = %+v, want only y", sent)
	}
	pending, _ := env.Outbox.Pending()
	if len(pending) != 0 {
		t.Fatalf("pending = %v, want none", pending)
	}
	var dead []bot.OutboxItem
	_ = env.Store.View(func(tx bot.Tx) error {
		return tx.ForEach(bot.BucketOutboxDead, "", func(_ string, d func(any) error) error {
			var it bot.OutboxItem
			_ = d(&it)
			dead = append(dead, it)
			return nil
		})
	})
	if len(dead) != 1 || dead[0].Key != "bad" {
		t.Fatalf("dead letters = %+v, want the bad one", dead)
	}
}

func TestOutboxOnePlatformDownDoesNotBlockOther(t *testing.T) {
	env := bottest.NewEnv(t)
	env.BareForum(t)
	down := &bottest.Platform{Fail: func(string, int) error { return bottest.ErrUnavailable }}
	env.Outbox.Platforms[bot.Slack] = down
	s := post("s", "C1", "to slack")
	s.To.Platform = bot.Slack
	enqueue(t, env, s, post("m", "c1", "to mattermost"))
	if _, err := env.Outbox.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if sent := env.Platform.Sent(); len(sent) != 1 {
		t.Fatalf("mattermost got %d, want 1 while slack is down", len(sent))
	}
	pending, _ := env.Outbox.Pending()
	if len(pending) != 1 || pending[0].Attempts != 1 {
		t.Fatalf("pending = %+v, want the slack message with one attempt", pending)
	}
}

// After a restart the first item of each destination may have gone out
// just before the process died: it is delivered as a resend (the platform
// looks before it posts). The items behind it, and new ones, are not;
// an item whose attempt failed is, on its retry.
func TestResendIsMarkedWhereAnItemMayHaveGoneOut(t *testing.T) {
	env := bottest.NewEnv(t)
	env.BareForum(t)
	enqueue(t, env, post("x1", "cx", "x ett"), post("x2", "cx", "x två"), post("y1", "cy", "y ett"))
	env.Clock.Advance(time.Minute)
	env.Reopen(t) // the process died with all three waiting
	enqueue(t, env, post("z1", "cz", "z ny"))
	fails := 0
	env.Platform.Refuse = func(s bottest.Sent) error {
		if s.Message.Text == "z ny" && fails == 0 { // its first attempt gets no clear answer
			fails++
			return bottest.ErrUnavailable
		}
		return nil
	}
	env.Deliver(t)
	env.Clock.Advance(time.Minute)
	env.Deliver(t)
	resend := map[string]bool{}
	for _, s := range env.Platform.Sent() {
		resend[s.Message.Text] = s.Resend
	}
	want := map[string]bool{"x ett": true, "x två": false, "y ett": true, "z ny": true}
	for text, w := range want {
		if got, ok := resend[text]; !ok || got != w {
			t.Errorf("%q: delivered %v, resend %v; want resend %v", text, ok, got, w)
		}
	}
}

// A message queued while a pass is held up by one slow destination (a
// platform's rate limit, a hanging call) goes out at once to its own
// destination: the agenda on its minute does not wait for a backlog.
func TestAMessageElsewhereDoesNotWaitForASlowDelivery(t *testing.T) {
	env := bottest.NewEnv(t)
	env.BareForum(t)
	held, release, other := make(chan struct{}), make(chan struct{}), make(chan struct{}, 1)
	env.Platform.During = func(s bottest.Sent) {
		switch s.Channel {
		case "c1":
			if s.Message.Text == "slow" {
				close(held)
				<-release
			}
		case "c2":
			other <- struct{}{}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() { env.Outbox.Run(ctx); close(ran) }()
	enqueue(t, env, post("slow", "c1", "slow"), post("after", "c1", "after slow"))
	<-held
	enqueue(t, env, post("agenda", "c2", "agenda"))
	select {
	case <-other:
	case <-time.After(10 * time.Second):
		close(release)
		cancel()
		t.Fatal("the message to c2 waited for the slow delivery to c1")
	}
	close(release)
	cancel()
	<-ran
	env.Deliver(t) // whatever the stopped pass left
	var c1, c2 []string
	for _, s := range env.Platform.Sent() {
		if s.Channel == "c1" {
			c1 = append(c1, s.Message.Text)
		} else {
			c2 = append(c2, s.Message.Text)
		}
	}
	if strings.Join(c1, ",") != "slow,after slow" || strings.Join(c2, ",") != "agenda" {
		t.Errorf("delivered to c1 %v and to c2 %v", c1, c2)
	}
}
