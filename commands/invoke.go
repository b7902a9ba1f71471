package commands

import (
	"context"
	"time"

	"samverkan/bot"
)

// Invocation is a command or form submission as an adapter receives it.
type Invocation struct {
	User    bot.Identity
	Channel bot.Channel
	Users   UserResolver
	// Text is the command line after the slash command.
	Text string
	// Form, when set, is the command of a submitted form with its values.
	Form   string
	Values map[string]string
	// Action, when set, is a pressed button's action.
	Action *bot.Action
	// CanOpenForms tells whether the adapter can show a form now.
	CanOpenForms bool
	// Admitted says the request already holds a slot (Engine.Admit).
	Admitted bool
}

// Invoke resolves the caller and runs the invocation, reporting the
// outcome to Observe.
func (e *Engine) Invoke(ctx context.Context, in Invocation) Reply {
	start := time.Now()
	if a := e.Admission; a != nil && !in.Admitted && !Admitted(ctx) {
		began, ok := a.enter(ctx)
		if !ok {
			if e.Observe != nil {
				e.Observe(string(in.User.Platform), "any", "shed", time.Since(start))
			}
			return e.Busy("")
		}
		defer a.leave(began)
	}
	c, err := e.Bot.Caller(in.User)
	if err != nil {
		e.log().Error("resolving caller", "user", in.User.Key(), "err", err)
		return e.fail(Request{Lang: e.Lang}, nil, err)
	}
	req := Request{Caller: c, Channel: in.Channel, Text: in.Text, Users: in.Users, CanOpenForms: in.CanOpenForms}
	var r Reply
	name := ""
	switch {
	case in.Action != nil:
		r = e.Act(ctx, req, *in.Action)
		name = "button " + string(in.Action.Kind)
	case in.Form != "":
		r = e.Submit(ctx, req, in.Form, in.Values)
		name = in.Form
	default:
		r = e.Run(ctx, req)
		name = e.name(in.Text)
	}
	if e.Observe != nil {
		outcome := "ok"
		switch {
		case r.Busy:
			outcome = "shed"
		case r.Failed:
			outcome = "refused"
		}
		e.Observe(string(in.User.Platform), name, outcome, time.Since(start))
	}
	return r
}

// name is the command's English words, for metrics; "unknown" otherwise.
func (e *Engine) name(text string) string {
	toks, err := Tokenize(text)
	if err != nil || len(toks) == 0 {
		return "unknown"
	}
	if c, _, _ := e.match(toks); c != nil {
		return c.Words("en")
	}
	return "unknown"
}
