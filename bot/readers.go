package bot

import (
	"context"
	"sync"
	"time"
)

// ReadersTTL is how long the bot's own messages (timers) and the re-check
// before delivery trust a platform's answer about who is in a channel.
// Changes people make always ask afresh.
const ReadersTTL = 10 * time.Second

// readerCache remembers who is in each channel for a short while.
type readerCache struct {
	mu sync.Mutex
	m  map[string]cachedReaders
}

type cachedReaders struct {
	users []string
	at    time.Time
}

func (r *readerCache) get(ctx context.Context, k *core, chn Channel, fresh bool) ([]string, error) {
	now := k.Clock.Now()
	r.mu.Lock()
	hit, ok := r.m[chn.Key()]
	r.mu.Unlock()
	if ok && !fresh && now.Sub(hit.at) >= 0 && now.Sub(hit.at) < ReadersTTL {
		return hit.users, nil
	}
	dir := k.Directories[chn.Platform]
	if dir == nil {
		return nil, errNoDirectory
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	users, err := dir.ChannelMembers(ctx, chn.ID)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.m == nil {
		r.m = map[string]cachedReaders{}
	}
	r.m[chn.Key()] = cachedReaders{users: users, at: now}
	r.mu.Unlock()
	return users, nil
}

// errNoDirectory says that a platform cannot tell who is in its channels.
var errNoDirectory = noDirectory{}

type noDirectory struct{}

func (noDirectory) Error() string { return "this platform cannot say who is in the channel" }
