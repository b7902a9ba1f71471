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

// errRefused means a callback carried data the bot did not seal.
var errRefused = errors.New("refused")

// work is the budget for work after the answer has gone back.
const work = 30 * time.Second

// slash runs a slash command and returns what to answer at once: the
// reply itself when it is ready within the budget, else a short "working
// on it" while the result follows through response_url.
func (a *Adapter) slash(sc slack.SlashCommand) any {
	in := commands.Invocation{
		User:         bot.Identity{Platform: bot.Slack, UserID: sc.UserID, Username: sc.UserName},
		Channel:      bot.Channel{Platform: bot.Slack, ID: sc.ChannelID, Name: sc.ChannelName},
		Users:        users{},
		Text:         sc.Text,
		CanOpenForms: sc.TriggerID != "",
	}
	done := make(chan commands.Reply, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), work)
		defer cancel()
		done <- a.Engine.Invoke(ctx, in)
	}()
	timer := time.NewTimer(a.Budget)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.Form != nil {
			go a.openModal(sc.TriggerID, sc.ChannelID, sc.UserID, sc.ResponseURL, r)
			return nil
		}
		parts := a.response(r)
		if len(parts) > 1 {
			go a.respondLater(sc.ResponseURL, parts[1:])
		}
		return parts[0]
	case <-timer.C:
		go func() {
			r := <-done
			if r.Form != nil {
				a.openModal(sc.TriggerID, sc.ChannelID, sc.UserID, sc.ResponseURL, r)
				return
			}
			a.respondLater(sc.ResponseURL, a.response(r))
		}()
		return map[string]any{"response_type": "ephemeral", "text": a.t("slack.working")}
	}
}

// response renders a reply as response_url / slash command answers.
func (a *Adapter) response(r commands.Reply) []map[string]any {
	kind := "ephemeral"
	if r.Public && !r.Failed {
		kind = "in_channel"
	}
	var out []map[string]any
	for _, msg := range a.render(r.Message) {
		body := map[string]any{"response_type": kind, "text": msg.Text, "blocks": msg.Blocks}
		if len(msg.Attachments) > 0 {
			body["attachments"] = msg.Attachments
		}
		out = append(out, body)
	}
	return out
}

// respondLater posts bodies to a response_url, in order.
func (a *Adapter) respondLater(url string, bodies []map[string]any) {
	if url == "" {
		return
	}
	for _, b := range bodies {
		raw, _ := json.Marshal(b)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
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
func (a *Adapter) openModal(trigger, channel, user, responseURL string, r commands.Reply) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := a.modal(r.Form, channel)
	if err == nil {
		_, err = a.API.OpenViewContext(ctx, trigger, v)
	}
	if err != nil {
		a.log().Warn("slack: opening modal", "err", err)
		msg := commands.Reply{Failed: true, Message: bot.Message{Text: a.t("err.form_expired")}}
		if responseURL != "" {
			a.respondLater(responseURL, a.response(msg))
		} else if channel != "" {
			a.ephemeral(channel, user, msg)
		}
	}
}

// ephemeral shows a reply to one user in a channel.
func (a *Adapter) ephemeral(channel, user string, r commands.Reply) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, msg := range a.render(r.Message) {
		if _, err := a.API.PostEphemeralContext(ctx, channel, user, msgOptions(msg)...); err != nil {
			a.log().Warn("slack: ephemeral", "err", err)
			return
		}
	}
}

// interaction handles a button click or a modal submission and returns
// what to answer at once; errRefused when its data was not sealed by the
// bot.
func (a *Adapter) interaction(cb slack.InteractionCallback) (any, error) {
	switch cb.Type {
	case slack.InteractionTypeBlockActions:
		if len(cb.ActionCallback.BlockActions) == 0 {
			return nil, nil
		}
		var act action
		if err := seal.Open(a.Key, cb.ActionCallback.BlockActions[0].Value, &act); err != nil || cb.User.ID == "" {
			return nil, errRefused
		}
		in := commands.Invocation{
			User:         bot.Identity{Platform: bot.Slack, UserID: cb.User.ID, Username: cb.User.Name},
			Channel:      bot.Channel{Platform: bot.Slack, ID: cb.Channel.ID, Name: cb.Channel.Name},
			Users:        users{},
			Text:         act.Cmd,
			CanOpenForms: cb.TriggerID != "",
		}
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), work)
			defer cancel()
			r := a.Engine.Invoke(ctx, in)
			if r.Form != nil {
				a.openModal(cb.TriggerID, cb.Channel.ID, cb.User.ID, cb.ResponseURL, r)
				return
			}
			if cb.ResponseURL != "" {
				bodies := a.response(r)
				for _, b := range bodies {
					b["replace_original"] = false
				}
				a.respondLater(cb.ResponseURL, bodies)
			} else if cb.Channel.ID != "" {
				a.ephemeral(cb.Channel.ID, cb.User.ID, r)
			}
		}()
		return nil, nil
	case slack.InteractionTypeViewSubmission:
		var st formState
		if err := seal.Open(a.Key, cb.View.PrivateMetadata, &st); err != nil || cb.User.ID == "" {
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
		ctx, cancel := context.WithTimeout(context.Background(), a.Budget)
		defer cancel()
		r := a.Engine.Invoke(ctx, commands.Invocation{
			User:    bot.Identity{Platform: bot.Slack, UserID: cb.User.ID, Username: cb.User.Name},
			Channel: bot.Channel{Platform: bot.Slack, ID: st.Channel},
			Users:   users{},
			Form:    st.Cmd,
			Values:  values,
		})
		if len(r.FieldErrors) > 0 {
			return slack.NewErrorsViewSubmissionResponse(r.FieldErrors), nil
		}
		if r.Failed {
			// A modal can only show errors on its blocks: put it on the first.
			field := ""
			for _, b := range cb.View.Blocks.BlockSet {
				if ib, ok := b.(*slack.InputBlock); ok {
					field = ib.BlockID
					break
				}
			}
			return slack.NewErrorsViewSubmissionResponse(map[string]string{field: r.Message.Text}), nil
		}
		if st.Channel != "" {
			go a.ephemeral(st.Channel, cb.User.ID, r)
		}
		return nil, nil
	}
	return nil, nil
}
