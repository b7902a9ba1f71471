package bot

import "time"

// Clock is where the bot gets the time, so schedules and deadlines can be
// tested without sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }
