package slack

import (
	"context"
	"sync"
)

// background is the work the adapter does after a request was answered
// (Slack wants an answer within 3 seconds): late answers through
// response_url, modals, ephemeral messages. It runs under a context
// derived from the application's and is tracked, so that shutdown waits
// for it before the store closes.
type background struct {
	mu     sync.Mutex
	base   context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed bool
}

// spawn runs fn in the background, tracked, under the adapter's context.
// After Shutdown has begun, fn runs no more.
func (a *Adapter) spawn(fn func(ctx context.Context)) {
	b := &a.bg
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	if b.base == nil {
		b.base, b.cancel = context.WithCancel(context.Background())
	}
	ctx := b.base
	b.wg.Add(1)
	b.mu.Unlock()
	go func() {
		defer b.wg.Done()
		fn(ctx)
	}()
}

// Attach derives the context of the adapter's background work from ctx
// (the application's): when ctx ends, that work is told to stop.
func (a *Adapter) Attach(ctx context.Context) {
	b := &a.bg
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		b.cancel()
	}
	b.base, b.cancel = context.WithCancel(ctx)
}

// Shutdown takes no more background work and waits for what is under way
// until ctx ends; then it cancels what remains and waits for it to stop.
func (a *Adapter) Shutdown(ctx context.Context) error {
	b := &a.bg
	b.mu.Lock()
	b.closed = true
	cancel := b.cancel
	b.mu.Unlock()
	done := make(chan struct{})
	go func() {
		b.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		if cancel != nil {
			cancel()
		}
		return nil
	case <-ctx.Done():
		if cancel != nil {
			cancel()
		}
		<-done
		return ctx.Err()
	}
}
