package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"samverkan/adapters/internal/seal"
	"samverkan/bot"
	"samverkan/commands"
)

// formState is what a modal's sealed private_metadata holds.
type formState struct {
	Cmd     string            `json:"c"`
	Channel string            `json:"ch"`
	Hidden  map[string]string `json:"h,omitempty"`
}

// errRefused means a callback carried data the bot did not seal for it.
var errRefused = errors.New("refused")

// FormTTL is how long a modal may stay open before its submission is
// refused (the user opens it again).
const FormTTL = 2 * time.Hour

// work is the budget for work after the answer has gone back.
const work = 30 * time.Second

// slash runs a slash command and returns what to answer at once: the
// reply itself when it is ready within the budget. Past the budget, a
// command that has not begun to change anything is called off and the
// answer is "busy, nothing was changed"; one that has is certain to
// finish, and the answer is a short "working on it" while its reply
// follows through response_url.
func (a *Adapter) slash(sc slack.SlashCommand, admitted bool) any {
	in := commands.Invocation{
		Admitted:     admitted,
		User:         bot.Identity{Platform: bot.Slack, UserID: sc.UserID, Username: sc.UserName},
		Channel:      bot.Channel{Platform: bot.Slack, ID: sc.ChannelID, Name: sc.ChannelName},
		Users:        users{},
		Text:         sc.Text,
		CanOpenForms: sc.TriggerID != "",
	}
	r, ok := a.within(in, func(ctx context.Context, r commands.Reply) { a.deliver(ctx, sc, r, a.response(r, sc.UserID)) })
	switch {
	case !ok && r.Busy:
		return a.response(r, sc.UserID)[0]
	case !ok:
		return map[string]any{"response_type": "ephemeral", "text": a.t("slack.working")}
	}
	parts := a.response(r, sc.UserID)
	if r.Form != nil || len(parts) > 1 {
		a.spawn(func(ctx context.Context) { a.deliver(ctx, sc, r, parts[1:]) })
	}
	if r.Form != nil {
		return nil
	}
	return parts[0]
}

// within runs an invocation and waits for its reply for the budget. It
// returns the reply and true when it came in time. Otherwise, when the
// command could be called off before it changed anything, it returns the
// busy reply and false; when it could not (it has begun to commit), it
// returns false and the command finishes in the background, handing its
// reply to later.
func (a *Adapter) within(in commands.Invocation, later func(context.Context, commands.Reply)) (commands.Reply, bool) {
	ticket := &bot.Ticket{}
	done := make(chan commands.Reply) // taken only while the answer waits
	late := make(chan struct{})       // closed when the answer went without it
	a.spawn(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, work)
		defer cancel()
		r := a.Engine.Invoke(bot.WithTicket(ctx, ticket), in)
		select {
		case done <- r:
		case <-late:
			if !ticket.CalledOff() {
				later(ctx, r)
			}
		}
	})
	if a.Budget > 0 {
		timer := time.NewTimer(a.Budget)
		defer timer.Stop()
		select {
		case r := <-done:
			return r, true
		case <-timer.C:
		}
	}
	close(late)
	if ticket.CallOff() {
		return a.Engine.Busy(""), false
	}
	return commands.Reply{}, false
}

// deliver finishes a slash command's answer in the background: its form,
// or the rest of its answer through response_url.
func (a *Adapter) deliver(ctx context.Context, sc slack.SlashCommand, r commands.Reply, bodies []map[string]any) {
	if r.Form != nil {
		a.openModal(ctx, sc.TriggerID, sc.ChannelID, sc.UserID, sc.ResponseURL, r)
		return
	}
	a.respondLater(ctx, sc.ResponseURL, bodies)
}

// response renders a reply as response_url / slash command answers.
func (a *Adapter) response(r commands.Reply, user string) []map[string]any {
	kind, recipient := "ephemeral", user
	if r.Public && !r.Failed {
		kind, recipient = "in_channel", ""
	}
	var out []map[string]any
	for _, msg := range a.render(r.Message, recipient) {
		body := map[string]any{"response_type": kind, "text": msg.Text, "blocks": msg.Blocks}
		if len(msg.Attachments) > 0 {
			body["attachments"] = msg.Attachments
		}
		out = append(out, body)
	}
	return out
}

// respondLater posts bodies to a response_url, in order.
func (a *Adapter) respondLater(ctx context.Context, url string, bodies []map[string]any) {
	if url == "" {
		return
	}
	for _, b := range bodies {
		raw, _ := json.Marshal(b)
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
		if err != nil {
			cancel()
			return
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := a.HTTP.Do(req)
		cancel()
		if err != nil {
			a.log().Warn("slack: response_url", "err", err)
			return
		}
		resp.Body.Close()
	}
}

// openModal opens a reply's form; if Slack refuses (an expired trigger),
// the user is told to type the command again.
func (a *Adapter) openModal(ctx context.Context, trigger, channel, user, responseURL string, r commands.Reply) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := a.modal(r.Form, channel, user)
	if err == nil {
		_, err = a.API.OpenViewContext(ctx, trigger, v)
	}
	if err != nil {
		a.log().Warn("slack: opening modal", "err", err)
		msg := commands.Reply{Failed: true, Message: bot.Message{Text: a.t("err.form_expired")}}
		if responseURL != "" {
			a.respondLater(ctx, responseURL, a.response(msg, user))
		} else if channel != "" {
			a.ephemeral(ctx, channel, user, msg)
		}
	}
}

// ephemeral shows a reply to one user in a channel.
func (a *Adapter) ephemeral(ctx context.Context, channel, user string, r commands.Reply) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, msg := range a.render(r.Message, user) {
		if _, err := a.API.PostEphemeralContext(ctx, channel, user, msgOptions(msg)...); err != nil {
			a.log().Warn("slack: ephemeral", "err", err)
			return
		}
	}
}

// interaction handles a button click or a modal submission and returns
// what to answer at once; errRefused when its data was not sealed by the
// bot.
func (a *Adapter) interaction(cb slack.InteractionCallback, admitted bool) (any, error) {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			return nil, nil
		}
		var act bot.Action
		tok, err := seal.Open(a.Key, string(bot.Slack), seal.Button, a.botNow(), cb.ActionCallback.BlockActions[0].Value, &act)
		var legacy *seal.LegacyError
		switch {
		case errors.As(err, &legacy) && cb.User.ID != "":
			a.spawn(func(ctx context.Context) { a.tell(ctx, cb, a.Engine.Outdated(legacy.Command)) })
			return nil, nil
		case errors.Is(err, seal.ErrExpired) && cb.User.ID != "":
			a.spawn(func(ctx context.Context) { a.tell(ctx, cb, a.Engine.Expired(act)) })
			return nil, nil
		case err != nil || cb.User.ID == "":
			return nil, errRefused
		case tok.For != "" && tok.For != cb.User.ID:
			a.log().Warn("slack: a personal button was pressed by someone else", "user", cb.User.ID)
			a.spawn(func(ctx context.Context) { a.tell(ctx, cb, a.Engine.NotYours()) })
			return nil, nil
		}
		in := commands.Invocation{
			User:         bot.Identity{Platform: bot.Slack, UserID: cb.User.ID, Username: cb.User.Name},
			Channel:      bot.Channel{Platform: bot.Slack, ID: cb.Channel.ID, Name: cb.Channel.Name},
			Users:        users{},
			Action:       &act,
			CanOpenForms: cb.TriggerID != "",
			// The click is acknowledged at once and runs after: it takes
			// its own slot then, not the request's.
		}
		a.spawn(func(ctx context.Context) {
			ctx, cancel := context.WithTimeout(ctx, work)
			defer cancel()
			r := a.Engine.Invoke(ctx, in)
			if r.Form != nil {
				a.openModal(ctx, cb.TriggerID, cb.Channel.ID, cb.User.ID, cb.ResponseURL, r)
				return
			}
			a.answer(ctx, cb, r)
		})
		return nil, nil
	case slack.InteractionTypeViewSubmission:
		var st formState
		tok, err := seal.Open(a.Key, string(bot.Slack), seal.Form, a.botNow(), cb.View.PrivateMetadata, &st)
		if err != nil || cb.User.ID == "" || tok.For != cb.User.ID {
			if errors.Is(err, seal.ErrExpired) && tok.For == cb.User.ID {
				return slack.NewErrorsViewSubmissionResponse(map[string]string{firstBlock(cb.View): a.Engine.FormExpired()}), nil
			}
			return nil, errRefused
		}
		values := map[string]string{}
		if cb.View.State != nil {
			for block, acts := range cb.View.State.Values {
				for _, v := range acts {
					if v.SelectedOption.Value != "" {
						values[block] = v.SelectedOption.Value
					} else {
						values[block] = v.Value
					}
				}
			}
		}
		for k, v := range st.Hidden {
			values[k] = v
		}
		in := commands.Invocation{
			User:     bot.Identity{Platform: bot.Slack, UserID: cb.User.ID, Username: cb.User.Name},
			Channel:  bot.Channel{Platform: bot.Slack, ID: st.Channel},
			Users:    users{},
			Form:     st.Cmd,
			Values:   values,
			Admitted: admitted,
		}
		r, ok := a.within(in, func(ctx context.Context, r commands.Reply) {
			if st.Channel != "" {
				a.ephemeral(ctx, st.Channel, cb.User.ID, r)
			}
		})
		if !ok && !r.Busy {
			return nil, nil // saved, or certain to be: the modal closes and the answer follows
		}
		if len(r.FieldErrors) > 0 {
			return slack.NewErrorsViewSubmissionResponse(r.FieldErrors), nil
		}
		if r.Failed {
			// A modal can only show errors on its blocks: put it on the first.
			return slack.NewErrorsViewSubmissionResponse(map[string]string{firstBlock(cb.View): r.Message.Text}), nil
		}
		if st.Channel != "" {
			a.spawn(func(ctx context.Context) { a.ephemeral(ctx, st.Channel, cb.User.ID, r) })
		}
		return nil, nil
	}
	return nil, nil
}

// firstBlock is the ID of a modal's first input block, where an error
// that belongs to no field is shown.
func firstBlock(v slack.View) string {
	for _, b := range v.Blocks.BlockSet {
		if ib, ok := b.(*slack.InputBlock); ok {
			return ib.BlockID
		}
	}
	return ""
}

// tell answers a button press with a short text only its presser sees.
func (a *Adapter) tell(ctx context.Context, cb slack.InteractionCallback, text string) {
	a.answer(ctx, cb, commands.Reply{Failed: true, Message: bot.Message{Text: text}})
}

// answer shows a button press's reply to its presser: through the
// message's response_url, else as an ephemeral message in the channel.
func (a *Adapter) answer(ctx context.Context, cb slack.InteractionCallback, r commands.Reply) {
	if cb.ResponseURL != "" {
		bodies := a.response(r, cb.User.ID)
		for _, b := range bodies {
			b["replace_original"] = false
		}
		a.respondLater(ctx, cb.ResponseURL, bodies)
	} else if cb.Channel.ID != "" {
		a.ephemeral(ctx, cb.Channel.ID, cb.User.ID, r)
	}
}
