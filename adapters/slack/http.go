package slack

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"
)

// Routes registers the signed HTTP endpoints.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+PathCommands, a.handleCommand)
	mux.HandleFunc("POST "+PathInteractions, a.handleInteraction)
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
	sv, err := slack.NewSecretsVerifier(r.Header, a.SigningSecret)
	if err == nil {
		_, _ = sv.Write(body)
		err = sv.Ensure()
	}
	if err != nil || a.SigningSecret == "" {
		w.WriteHeader(http.StatusUnauthorized)
		return nil, false
	}
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
	answer(w, a.slash(sc))
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
	out, err := a.interaction(cb)
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
