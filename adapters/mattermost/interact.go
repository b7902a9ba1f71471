package mattermost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/internal/seal"
	"samverkan/bot"
	"samverkan/commands"
)

// FormTTL is how long a dialog may stay open before its submission is
// refused (the user opens it again).
const FormTTL = 2 * time.Hour

// dialogState is what a dialog's sealed state holds.
type dialogState struct {
	Cmd     string            `json:"c"`
	Channel string            `json:"ch"`
	Hidden  map[string]string `json:"h,omitempty"`
}

// handleAction performs a button's action as the user who clicked it. A
// context not sealed for Mattermost buttons is refused with 401; a
// personal button pressed by anyone but its recipient, an expired button
// and a button from before actions were typed are refused with a clear
// answer, and nothing changes.
func (a *Adapter) handleAction(w http.ResponseWriter, r *http.Request) {
	var req model.PostActionIntegrationRequest
	if !decode(w, r, &req) {
		return
	}
	sealed, _ := req.Context["s"].(string)
	var act bot.Action
	tok, err := seal.Open(a.Key, string(bot.Mattermost), seal.Button, a.now(), sealed, &act)
	if err == nil {
		a.heard()
	}
	var legacy *seal.LegacyError
	switch {
	case errors.As(err, &legacy):
		writeJSON(w, &model.PostActionIntegrationResponse{EphemeralText: a.Engine.Outdated(legacy.Command), SkipSlackParsing: true})
		return
	case errors.Is(err, seal.ErrExpired) && req.UserId != "":
		writeJSON(w, &model.PostActionIntegrationResponse{EphemeralText: a.Engine.Expired(act), SkipSlackParsing: true})
		return
	case err != nil || req.UserId == "":
		w.WriteHeader(http.StatusUnauthorized)
		return
	case tok.For != "" && tok.For != req.UserId:
		a.log().Warn("mattermost: a personal button was pressed by someone else", "user", req.UserId)
		w.WriteHeader(http.StatusForbidden)
		writeJSON(w, &model.PostActionIntegrationResponse{EphemeralText: a.Engine.NotYours()})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	in := commands.Invocation{
		User:         bot.Identity{Platform: bot.Mattermost, UserID: req.UserId, Username: req.UserName},
		Channel:      bot.Channel{Platform: bot.Mattermost, ID: req.ChannelId, Name: req.ChannelName},
		Users:        users{a: a},
		Action:       &act,
		CanOpenForms: req.TriggerId != "",
	}
	reply := a.Engine.Invoke(ctx, in)
	if reply.Form != nil {
		if err := a.openDialog(ctx, req.TriggerId, req.ChannelId, req.UserId, reply.Form); err != nil {
			a.log().Error("mattermost: opening dialog", "err", err)
			writeJSON(w, &model.PostActionIntegrationResponse{EphemeralText: commands.Describe(reply.Lang, err)})
			return
		}
		writeJSON(w, &model.PostActionIntegrationResponse{})
		return
	}
	writeJSON(w, &model.PostActionIntegrationResponse{EphemeralText: plain(a.render(reply.Message, req.UserId)), SkipSlackParsing: true})
}

// plain flattens rendered parts into one ephemeral text.
func plain(parts []part) string {
	var b []string
	for _, p := range parts {
		if p.Text != "" {
			b = append(b, p.Text)
		}
		for _, att := range p.Attachments {
			for _, s := range []string{att.Pretext, att.Title, att.Text} {
				if s != "" {
					b = append(b, s)
				}
			}
			for _, f := range att.Fields {
				b = append(b, fmt.Sprintf("**%s:** %v", f.Title, f.Value))
			}
		}
	}
	return strings.Join(b, "\n")
}

// openDialog renders a neutral form as a Mattermost dialog, checks it with
// IsValid and opens it.
func (a *Adapter) openDialog(ctx context.Context, trigger, channel, user string, f *bot.Form) error {
	state, err := seal.Seal(a.Key, string(bot.Mattermost), seal.Form, user, a.now().Add(FormTTL), dialogState{Cmd: f.Command, Channel: channel, Hidden: f.Hidden})
	if err != nil {
		return err
	}
	d := model.Dialog{CallbackId: "samverkan", Title: fit(f.Title, model.DialogTitleMaxLength), SubmitLabel: fit(f.Submit, 24), State: state, IntroductionText: f.Intro}
	for _, ff := range f.Fields {
		el := model.DialogElement{
			DisplayName: fit(ff.Label, model.DialogElementDisplayNameMaxLength),
			Name:        ff.Name,
			HelpText:    fit(ff.Help, model.DialogElementHelpTextMaxLength),
			Optional:    ff.Optional,
			Default:     ff.Default,
		}
		switch ff.Type {
		case bot.FieldTextarea:
			el.Type, el.MaxLength = "textarea", min(max(ff.MaxLen, 1), model.DialogElementTextareaMaxLength)
		case bot.FieldSelect:
			el.Type = "select"
			for _, o := range ff.Options {
				el.Options = append(el.Options, &model.PostActionOptions{Text: o.Label, Value: o.Value})
			}
		default:
			el.Type, el.MaxLength = "text", min(max(ff.MaxLen, 1), model.DialogElementTextMaxLength)
		}
		d.Elements = append(d.Elements, el)
	}
	if err := d.IsValid(); err != nil {
		return fmt.Errorf("dialog %q is not valid: %w", f.Command, err)
	}
	resp, err := a.Client.OpenInteractiveDialog(ctx, model.OpenDialogRequest{TriggerId: trigger, URL: a.PublicURL + PathDialogs, Dialog: d})
	if err != nil {
		return bot.Errorf(bot.EINVALID, "err.form_expired")
	}
	_ = resp
	return nil
}

// handleDialog runs a submitted dialog's command with its values. Field
// problems go back per field; nothing is stored unless all fields pass.
func (a *Adapter) handleDialog(w http.ResponseWriter, r *http.Request) {
	var req model.SubmitDialogRequest
	if !decode(w, r, &req) {
		return
	}
	var st dialogState
	tok, err := seal.Open(a.Key, string(bot.Mattermost), seal.Form, a.now(), req.State, &st)
	if err == nil {
		a.heard()
	}
	switch {
	case errors.Is(err, seal.ErrExpired) && req.UserId != "" && tok.For == req.UserId:
		writeJSON(w, &model.SubmitDialogResponse{Error: a.Engine.FormExpired()})
		return
	case err != nil || req.UserId == "":
		w.WriteHeader(http.StatusUnauthorized)
		return
	case tok.For != req.UserId:
		a.log().Warn("mattermost: a dialog was submitted by someone it was not opened for", "user", req.UserId)
		w.WriteHeader(http.StatusForbidden)
		return
	}
	if req.Cancelled {
		writeJSON(w, &model.SubmitDialogResponse{})
		return
	}
	values := map[string]string{}
	for k, v := range req.Submission {
		switch x := v.(type) {
		case string:
			values[k] = x
		case bool:
			values[k] = fmt.Sprint(x)
		case float64:
			values[k] = fmt.Sprint(x)
		}
	}
	for k, v := range st.Hidden {
		values[k] = v
	}
	channel := st.Channel
	if channel == "" {
		channel = req.ChannelId
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	in := commands.Invocation{
		User:    bot.Identity{Platform: bot.Mattermost, UserID: req.UserId},
		Channel: bot.Channel{Platform: bot.Mattermost, ID: channel},
		Users:   users{a: a},
		Form:    st.Cmd,
		Values:  values,
	}
	reply := a.Engine.Invoke(ctx, in)
	if len(reply.FieldErrors) > 0 {
		writeJSON(w, &model.SubmitDialogResponse{Errors: reply.FieldErrors})
		return
	}
	if reply.Failed {
		writeJSON(w, &model.SubmitDialogResponse{Error: plain(a.render(reply.Message, req.UserId))})
		return
	}
	// The dialog closes. A bot account may not post ephemeral messages
	// (create_post_ephemeral is the system admin's), so the answer goes
	// to the user's direct messages, through the outbox.
	if err := a.Engine.Bot.Reply(ctx, bot.Caller{Identity: in.User}, reply.Message); err != nil {
		a.log().Error("mattermost: answering after a dialog", "err", err)
	}
	writeJSON(w, &model.SubmitDialogResponse{})
}

// decode reads a bounded JSON body into v, answering 413 or 400 itself.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		readErr(w, err)
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		http.Error(w, "", http.StatusBadRequest)
		return false
	}
	return true
}

// fit shortens s to at most n bytes at a character boundary, with an
// ellipsis when cut. Used only for the bot's own labels, which Mattermost
// limits in bytes.
func fit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ell = "…"
	cut := n - len(ell)
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ell
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
