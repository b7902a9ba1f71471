package commands

import (
	"context"
	"strconv"
	"strings"

	"samverkan/bot"
	"samverkan/catalog"
)

// byAction returns the command registered for an action kind.
func (e *Engine) byAction(k bot.ActionKind) *Command {
	for _, c := range e.cmds {
		if c.Action == k {
			return c
		}
	}
	return nil
}

// actionArgs are an action's values as the tokens of its command, keyed
// by parameter: the forum, actor, member, number, revision and the
// confirmation flag.
func actionArgs(c *Command, a bot.Action) []Token {
	var out []Token
	for _, p := range c.Params {
		v := ""
		switch {
		case p.Kind == KindForum:
			v = a.Forum
		case p.Kind == KindActor:
			v = a.Actor
		case p.Kind == KindMember:
			v = a.Member
		case p.Kind == KindFlag && p.Name.key() == "bekrafta" && a.Confirm:
			out = append(out, Token{Text: p.Name.Sv})
		case p.Name.key() == "nummer" && a.Number != 0:
			v = strconv.FormatUint(a.Number, 10)
		case p.Name.key() == "rev" && a.Rev != 0:
			v = strconv.Itoa(a.Rev)
		}
		if v != "" {
			out = append(out, Token{Key: p.Name.key(), Text: v, Quoted: true})
		}
	}
	return out
}

// Act performs a pressed button's action as the caller: the command
// registered for its kind runs with the action's values, through the same
// checks as when it is typed.
func (e *Engine) Act(ctx context.Context, req Request, a bot.Action) Reply {
	if req.Lang == "" {
		e.settleLang(&req, a.Forum)
	} else {
		req.spoken = true
	}
	cmd := e.byAction(a.Kind)
	if cmd == nil {
		return e.fail(req, nil, bot.Errorf(bot.EINVALID, "err.unknown_button"))
	}
	return e.runCommand(ctx, req, cmd, actionArgs(cmd, a))
}

// ActionText is the command line that does what action a does, in lang:
// what the terminal shows for a button, and what people are told to
// type when a button no longer works.
func (e *Engine) ActionText(a bot.Action, lang string) string {
	cmd := e.byAction(a.Kind)
	if cmd == nil {
		return ""
	}
	parts := []string{cmd.Words(lang)}
	for _, t := range actionArgs(cmd, a) {
		p := findParam(cmd, t.Key)
		switch {
		case t.Key == "":
			if f := findFlag(cmd, t.Text); f != nil {
				parts = append(parts, f.Name.In(lang))
			}
		case p != nil && p.Positional:
			parts = append(parts, t.Text)
		case p != nil:
			parts = append(parts, p.Name.In(lang)+"="+t.Text)
		}
	}
	return strings.Join(parts, " ")
}

// Outdated answers a button from before buttons carried actions: it is
// not acted on, and the answer says what to type instead.
func (e *Engine) Outdated(command string) string {
	return catalog.T(e.Lang, "err.button_outdated", "Command", e.Root+" "+command)
}

// Expired answers a button too old to use, with what to type instead.
func (e *Engine) Expired(a bot.Action) string {
	return catalog.T(e.Lang, "err.button_expired", "Command", e.Root+" "+e.ActionText(a, e.Lang))
}

// NotYours answers a personal button pressed by someone it was not sent
// to.
func (e *Engine) NotYours() string { return catalog.T(e.Lang, "err.button_not_yours") }

// FormExpired answers a form submitted after its state expired.
func (e *Engine) FormExpired() string { return catalog.T(e.Lang, "err.form_state_expired") }
