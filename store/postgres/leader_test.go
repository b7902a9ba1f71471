package postgres_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"samverkan/bot"
	"samverkan/bottest/pgtest"
)

// One of two replicas leads; when it stops (its connection closes, as
// when the process dies), the other leads within a second; and the
// leader hears of outbox items another replica commits.
func TestLeaderElection(t *testing.T) {
	url := pgtest.Database(t)
	a, b := open(t, url), open(t, url)
	la, lb := a.Leader("a"), b.Leader("b")
	la.Log, lb.Log = quiet(), quiet()
	var woken atomic.Int32
	la.Wake = func() { woken.Add(1) }
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	workA, workB := make(chan context.Context, 1), make(chan context.Context, 1)
	doneA := make(chan struct{})
	go func() {
		la.Run(ctxA, func(ctx context.Context) { workA <- ctx; <-ctx.Done() })
		close(doneA)
	}()
	var leadA context.Context
	select {
	case leadA = <-workA:
	case <-time.After(5 * time.Second):
		t.Fatal("a was not elected alone")
	}
	go lb.Run(ctxB, func(ctx context.Context) { workB <- ctx; <-ctx.Done() })
	time.Sleep(1500 * time.Millisecond) // b asks three times meanwhile
	if !la.Leading() || lb.Leading() {
		t.Fatalf("a leading %v, b leading %v: want a only", la.Leading(), lb.Leading())
	}
	select {
	case <-workB:
		t.Fatal("b runs the leader's work while a leads")
	default:
	}

	// Another replica's commit that queues outbox work wakes the leader.
	before := woken.Load()
	if err := b.Update(func(tx bot.Tx) error { return tx.Put(bot.BucketOutbox, bot.SeqKey(1), map[string]string{"x": "y"}) }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for woken.Load() == before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if woken.Load() == before {
		t.Error("the leader was not woken by the other replica's outbox commit")
	}

	stopA()
	<-doneA
	if leadA.Err() == nil {
		t.Error("a's work went on after a stopped leading")
	}
	start := time.Now()
	select {
	case <-workB:
	case <-time.After(5 * time.Second):
		t.Fatal("b did not take over within 5 s")
	}
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Errorf("b took over after %s, want within a second or so", took)
	}
	if !lb.Leading() || la.Leading() {
		t.Errorf("after a stopped: a leading %v, b leading %v", la.Leading(), lb.Leading())
	}
	leading, _, terms, _ := lb.Status()
	if !leading || terms != 1 {
		t.Errorf("b's status: leading %v, elected %d times", leading, terms)
	}
}
