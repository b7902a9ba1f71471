package commands

import (
	"context"
	"samverkan/bot"
	"time"
)

// Test hooks into the admission's clockwork.

func SetWait(a *Admission, f func(time.Time) (time.Duration, bool)) { a.wait = f }
func Enter(a *Admission) (time.Time, bool)                          { return a.enter(context.Background()) }
func Leave(a *Admission, start time.Time)                           { a.leave(start) }

// Form is the form a command opens, in lang.
func Form(e *Engine, c *Command, lang string) *bot.Form { return e.form(c, lang, nil) }
