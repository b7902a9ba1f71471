package bot_test

import (
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest"
)

// With replicas, an item claimed by another replica waits for its lease;
// one whose claim expired goes out as a resend (it may have gone out);
// a replica that no longer leads sends nothing; and a delivered item's
// claim is gone with it.
func TestOutboxClaimsKeepReplicasFromSendingTwice(t *testing.T) {
	env := bottest.NewEnv(t)
	env.BareForum(t)
	leading := true
	env.Outbox.Claims = &bot.Claims{Holder: "r1", Lease: 20 * time.Second, Leading: func() bool { return leading }}
	enqueue(t, env, post("k1", "c1", "hej"))
	pending, err := env.Outbox.Pending()
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending %v %v", pending, err)
	}
	seq := pending[0].Seq
	// r2 took it a moment ago and may be sending it now.
	err = env.Store.Update(func(tx bot.Tx) error {
		return tx.Put(bot.BucketOutboxClaims, bot.SeqKey(seq), map[string]any{"holder": "r2", "until": env.Clock.Now().Add(20 * time.Second)})
	})
	if err != nil {
		t.Fatal(err)
	}
	env.Deliver(t)
	if n := len(env.Platform.Sent()); n != 0 {
		t.Fatalf("sent %d while another replica's claim holds", n)
	}
	// r2's claim expires, but r1 no longer leads either.
	env.Clock.Advance(21 * time.Second)
	leading = false
	env.Deliver(t)
	if n := len(env.Platform.Sent()); n != 0 {
		t.Fatalf("sent %d by a replica that no longer leads", n)
	}
	leading = true
	env.Clock.Advance(time.Second)
	env.Deliver(t)
	sent := env.Platform.Sent()
	if len(sent) != 1 || !sent[0].Resend {
		t.Fatalf("sent %+v: want it once, as a resend (r2 may have posted it)", sent)
	}
	left := 0
	err = env.Store.View(func(tx bot.Tx) error {
		return tx.ForEach(bot.BucketOutboxClaims, "", func(string, func(any) error) error { left++; return nil })
	})
	if err != nil || left != 0 {
		t.Errorf("%d claims left after delivery (%v)", left, err)
	}

	// A fresh item, claimed by nobody before, is no resend.
	enqueue(t, env, post("k2", "c1", "igen"))
	env.Deliver(t)
	sent = env.Platform.Sent()
	if len(sent) != 2 || sent[1].Resend {
		t.Fatalf("sent %+v: want the second once, not as a resend", sent)
	}
}
