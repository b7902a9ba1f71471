package commands

import (
	"context"
	"time"
)

// Test hooks into the admission's clockwork.

func SetWait(a *Admission, f func(time.Time) (time.Duration, bool)) { a.wait = f }
func Enter(a *Admission) (time.Time, bool)                          { return a.enter(context.Background()) }
func Leave(a *Admission, start time.Time)                           { a.leave(start) }
