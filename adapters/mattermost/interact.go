package mattermost

import (
	"context"
	"encoding/json"
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

// dialogState is what a dialog's sealed state holds.
type dialogState struct {
	Cmd     string            `json:"c"`
	Channel string            `json:"ch"`
	Hidden  map[string]string `json:"h,omitempty"`
}

// handleAction runs a button's command as the user who clicked it. A
// context without a valid MAC is refused with 401.
func (a *Adapter) handleAction(w http.ResponseWriter, r *http.Request) {
	var req model.PostActionIntegrationRequest
	if !decode(w, r, &req) {
		return
	}
	sealed, _ := req.Context["s"].(string)
	var act action
	if err := seal.Open(a.Key, sealed, &act); err != nil || req.UserId == "" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	in := commands.Invocation{
		User:         bot.Identity{Platform: bot.Mattermost, UserID: req.UserId, Username: req.UserName},
		Channel:      bot.Channel{Platform: bot.Mattermost, ID: req.ChannelId, Name: req.ChannelName},
		Users:        users{a: a},
		Text:         act.Cmd,
		CanOpenForms: req.TriggerId != "",
	}
	reply := a.Engine.Invoke(ctx, in)
	if reply.Form != nil {
		if err := a.openDialog(ctx, req.TriggerId, req.ChannelId, reply.Form); err != nil {
			a.log().Error("mattermost: opening dialog", "err", err)
			writeJSON(w, &model.PostActionIntegrationResponse{EphemeralText: commands.Describe(reply.Lang, err)})
			return
		}
		writeJSON(w, &model.PostActionIntegrationResponse{})
		return
	}
	writeJSON(w, &model.PostActionIntegrationResponse{EphemeralText: plain(a.render(reply.Message)), SkipSlackParsing: true})
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
func (a *Adapter) openDialog(ctx context.Context, trigger, channel string, f *bot.Form) error {
	state, err := seal.Seal(a.Key, dialogState{Cmd: f.Command, Channel: channel, Hidden: f.Hidden})
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
	if err := seal.Open(a.Key, req.State, &st); err != nil || req.UserId == "" {
		w.WriteHeader(http.StatusUnauthorized)
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
		writeJSON(w, &model.SubmitDialogResponse{Error: plain(a.render(reply.Message))})
		return
	}
	writeJSON(w, &model.SubmitDialogResponse{})
	// The dialog closes; the answer is shown in the channel it came from.
	go a.tellUser(req.UserId, channel, reply)
}

// tellUser shows a reply after a dialog: to the channel when it is public,
// else only to the user.
func (a *Adapter) tellUser(user, channel string, reply commands.Reply) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for _, p := range a.render(reply.Message) {
		post := &model.Post{ChannelId: channel, Message: p.Text}
		if len(p.Attachments) > 0 {
			post.AddProp(model.PostPropsAttachments, p.Attachments)
		}
		var err error
		if reply.Public {
			_, _, err = a.Client.CreatePost(ctx, post)
		} else {
			_, _, err = a.Client.CreatePostEphemeral(ctx, &model.PostEphemeral{UserID: user, Post: post})
		}
		if err != nil {
			a.log().Warn("mattermost: answering after dialog", "err", err)
			return
		}
	}
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
