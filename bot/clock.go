package bot

import (
	"sync"
	"time"
	_ "time/tzdata" // Europe/Stockholm everywhere, also on minimal machines
)

// Clock is where the bot gets the time, so schedules and deadlines can be
// tested without sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// Stockholm is the default time zone for times shown to people.
func Stockholm() *time.Location {
	loc, err := Zone("Europe/Stockholm")
	if err != nil {
		return time.UTC
	}
	return loc
}

// zones caches loaded time zones: time.LoadLocation reads and parses the
// zone file on every call.
var zones sync.Map // name -> *time.Location

// Zone returns the named time zone, loaded once.
func Zone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

// OffsetClock runs ahead of another clock by an offset that can grow, so a
// demo in the terminal can jump to a deadline instead of waiting for it.
type OffsetClock struct {
	Base Clock
	mu   sync.Mutex
	off  time.Duration
}

// Now returns the base time plus the offset.
func (c *OffsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Base.Now().Add(c.off)
}

// Advance moves the clock forward by d.
func (c *OffsetClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}
