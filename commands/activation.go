package commands

import (
	"context"
	"slices"
	"strings"

	"samverkan/bot"
	"samverkan/catalog"
)

var pForumOptional = Param{Name: Word{"forum", "forum"}, Meta: Word{"F", "F"}, Kind: KindForum, Positional: true, Optional: true, Help: "param.forum"}

// activationCommands runs activation: asking for it, activating,
// acknowledging, status and ending it.
type activationCommands struct{ *Engine }

func (e *Engine) registerActivation() {
	c := activationCommands{e}
	e.Register(&Command{
		Path:   []Word{{"begär-aktivering", "request-activation"}},
		Params: []Param{pForum, {Name: Word{"skäl", "reason"}, Meta: Word{"skäl", "reason"}, Kind: KindText, Positional: true, Variadic: true, Help: "param.reason"}},
		Perm:   bot.PermMember, Help: "help.request_activation", Run: c.requestActivation,
	})
	e.Register(&Command{
		Path: []Word{{"aktivera", "activate"}},
		Params: []Param{pForum,
			{Name: Word{"syfte", "purpose"}, Meta: Word{"syfte", "purpose"}, Kind: KindText, Positional: true, Optional: true, Help: "param.purpose"},
			{Name: Word{"övning", "exercise"}, Kind: KindFlag}},
		Perm: bot.PermActivate, Help: "help.activate", Run: c.activate, Action: bot.ActActivate,
	})
	e.Register(&Command{Path: []Word{{"kvittera", "ack"}}, Params: []Param{pForumOptional}, Perm: bot.PermMember, Help: "help.ack", Run: c.ack, Action: bot.ActAck})
	e.Register(&Command{Path: []Word{{"status", "status"}}, Params: []Param{pForumOptional}, Perm: bot.PermMember, Help: "help.status", Run: c.status, Action: bot.ActStatus})
	e.Register(&Command{Path: []Word{{"avaktivera", "deactivate"}}, Params: []Param{pForum, pConfirm}, Perm: bot.PermActivate, Help: "help.deactivate", Run: c.deactivate, Action: bot.ActDeactivate})
}

// forumFor finds the forum a command without F is about: the channel's,
// else the only one the caller's actor takes part in (an activated one
// first, for kvittera from a direct message).
func (e *Engine) forumFor(r *Request, a Args, cmd string) (string, error) {
	if f := a.Get("forum"); f != "" {
		return f, nil
	}
	if f := e.channelForum(r); f != "" {
		return f, nil
	}
	if r.Caller.Member == nil {
		return "", bot.Require(r.Caller, bot.PermMember, nil)
	}
	var mine, active []string
	fs, err := e.Bot.Registry.Forums()
	for _, f := range fs {
		if f.HasActor(r.Caller.Member.Actor) {
			mine = append(mine, f.ID)
			if f.Mode == bot.ModeActivated {
				active = append(active, f.ID)
			}
		}
	}
	switch {
	case err != nil:
		return "", err
	case len(active) == 1:
		return active[0], nil
	case len(mine) == 1:
		return mine[0], nil
	case len(mine) == 0:
		return "", bot.Errorf(bot.EFORBIDDEN, "err.not_in_forum", "Forum", "–")
	}
	slices.Sort(mine)
	return "", bot.Errorf(bot.EINVALID, "err.which_forum", "Example", cmd+" "+mine[0], "Forums", strings.Join(mine, ", "))
}

func (e activationCommands) requestActivation(ctx context.Context, r *Request, a Args) (Reply, error) {
	n, err := e.Bot.Activations.Request(ctx, r.Caller, a.Get("forum"), strings.Join(a["skal"], " "))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("activation.requested", "N", n, "Forum", a.Get("forum"))}}, nil
}

func (e activationCommands) activate(ctx context.Context, r *Request, a Args) (Reply, error) {
	purposes, bad := bot.ParsePurposes(a.Get("syfte"))
	if bad != "" {
		return Reply{}, bot.Errorf(bot.EINVALID, "err.bad_purpose", "Value", bad).OnField("syfte")
	}
	act, err := e.Bot.Activations.Activate(ctx, r.Caller, a.Get("forum"), purposes, a.Has("ovning"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	m := bot.Message{Text: p.T("activation.activated", "Forum", act.Forum, "ID", act.Forum, "N", len(act.Actors), "Count", len(act.Actors), "Deadline", e.Bot.LocalTime(act.Deadline))}
	if act.Exercise {
		m.Exercise = p.T("exercise.marker")
	}
	return Reply{Message: m}, nil
}

func (e activationCommands) ack(ctx context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.forumFor(r, a, "kvittera")
	if err != nil {
		return Reply{}, err
	}
	res, err := e.Bot.Activations.Acknowledge(ctx, r.Caller, forum)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	act := res.Activation
	var m bot.Message
	if res.First {
		ack := res.Ack
		m.Text = p.T("activation.acknowledged", "Actor", res.Actor, "Time", e.Bot.LocalTime(ack.At), "After", bot.Since(ack.At.Sub(act.At)), "Acked", len(act.Acks), "Of", len(act.Actors))
	} else {
		m.Text = p.T("activation.already_acked", "Actor", res.Actor, "Name", res.Prior.Name, "Time", e.Bot.LocalTime(res.Prior.At))
	}
	if act.Exercise {
		m.Exercise = p.T("exercise.marker")
	}
	return Reply{Message: m}, nil
}

func (e activationCommands) status(_ context.Context, r *Request, a Args) (Reply, error) {
	forum, err := e.forumFor(r, a, "status")
	if err != nil {
		return Reply{}, err
	}
	m, err := e.Bot.Activations.Status(r.Caller, forum)
	return Reply{Message: m}, err
}

// deactivate ends the forum's activation, after asking: it says what
// ends (the call-in, its reminders and deadline, who has not answered)
// and waits for the button or `bekräfta`.
func (e activationCommands) deactivate(ctx context.Context, r *Request, a Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	if !a.Has("bekrafta") {
		run, f, names, err := e.Bot.Activations.Running(r.Caller, a.Get("forum"))
		if err != nil {
			return Reply{}, err
		}
		var missing []string
		for _, id := range run.Outstanding() {
			missing = append(missing, names[id])
		}
		q := p.T("activation.deactivate_confirm", "Name", f.Name, "Forum", run.Forum, "Since", e.Bot.LocalTime(run.At), "By", run.ByName, "Root", e.Root)
		if len(missing) > 0 {
			q += " " + p.T("activation.deactivate_missing", "Actors", strings.Join(missing, ", "))
		}
		act := bot.Action{Kind: bot.ActDeactivate, Forum: run.Forum, Confirm: true}
		return Reply{Message: bot.Message{Text: q, Buttons: []bot.Button{{Label: p.T("button.deactivate"), Action: act, Style: "danger", Personal: true}}}}, nil
	}
	act, err := e.Bot.Activations.Deactivate(ctx, r.Caller, a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	m := bot.Message{Text: p.T("activation.deactivated", "Forum", act.Forum, "Duration", bot.Since(act.EndedAt.Sub(act.At)))}
	if act.Exercise {
		m.Exercise = p.T("exercise.marker")
	}
	return Reply{Message: m}, nil
}
