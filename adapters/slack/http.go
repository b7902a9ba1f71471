package slack

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"samverkan/bot"
	"samverkan/commands"
	"time"

	"github.com/slack-go/slack"
)

// Routes registers the signed HTTP endpoints.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+PathCommands, a.door(a.handleCommand, a.shedCommand))
	mux.HandleFunc("POST "+PathInteractions, a.door(a.handleInteraction, a.shedInteraction))
}

// door admits a request before anything else is done with it; when the
// bot already runs as many commands as it may, shed answers "busy,
// nothing was changed" instead.
func (a *Adapter) door(h, shed http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, release, ok := a.Engine.Admit(r.Context(), bot.Slack)
		if !ok {
			shed(w, r)
			return
		}
		defer release()
		h(w, r.WithContext(ctx))
	}
}

// shedCommand answers a slash command that was not admitted.
func (a *Adapter) shedCommand(w http.ResponseWriter, _ *http.Request) {
	answer(w, map[string]any{"response_type": "ephemeral", "text": a.Engine.Busy("").Message.Text})
}

// shedInteraction answers a click or a form that was not admitted: a form
// shows the busy text on its first field and stays open; a click is
// answered through response_url. The request is verified first, as any.
func (a *Adapter) shedInteraction(w http.ResponseWriter, r *http.Request) {
	form, ok := a.verified(w, r)
	if !ok || retried(w, r) {
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "", http.StatusBadRequest)
		return
	}
	busy := a.Engine.Busy("").Message.Text
	if cb.Type == slack.InteractionTypeViewSubmission {
		answer(w, slack.NewErrorsViewSubmissionResponse(map[string]string{firstBlock(cb.View): busy}))
		return
	}
	if cb.ResponseURL != "" {
		a.spawn(func(ctx context.Context) { a.tell(ctx, cb, busy) })
	}
	w.WriteHeader(http.StatusOK)
}

// verified reads the body and checks Slack's signature and timestamp
// before anything else is parsed. It answers 401 (or 413) itself.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, "", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "", http.StatusBadRequest)
		}
		return nil, false
	}
	if err := a.verify(r.Header, body); err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return nil, false
	}
	a.inbound.Store(time.Now().UnixNano())
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "", http.StatusBadRequest)
		return nil, false
	}
	return form, true
}

// retried reports a delivery Slack repeats after a slow answer; the first
// one is being handled, so the repeat is acknowledged and dropped.
func retried(w http.ResponseWriter, r *http.Request) bool {
	if r.Header.Get("X-Slack-Retry-Num") == "" {
		return false
	}
	w.WriteHeader(http.StatusOK)
	return true
}

func (a *Adapter) handleCommand(w http.ResponseWriter, r *http.Request) {
	form, ok := a.verified(w, r)
	if !ok || retried(w, r) {
		return
	}
	sc := slack.SlashCommand{
		TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), ChannelName: form.Get("channel_name"),
		UserID: form.Get("user_id"), UserName: form.Get("user_name"), Command: form.Get("command"),
		Text: form.Get("text"), ResponseURL: form.Get("response_url"), TriggerID: form.Get("trigger_id"),
	}
	answer(w, a.slash(sc, commands.Admitted(r.Context())))
}

func (a *Adapter) handleInteraction(w http.ResponseWriter, r *http.Request) {
	form, ok := a.verified(w, r)
	if !ok || retried(w, r) {
		return
	}
	var cb slack.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		http.Error(w, "", http.StatusBadRequest)
		return
	}
	out, err := a.interaction(cb, commands.Admitted(r.Context()))
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	answer(w, out)
}

// answer writes v as JSON, or an empty 200 for nil.
func answer(w http.ResponseWriter, v any) {
	if v == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
