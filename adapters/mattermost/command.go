package mattermost

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/bot"
	"samverkan/commands"
)

// handleCommand answers the slash command. The form token is checked in
// constant time before anything else is looked at.
func (a *Adapter) handleCommand(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		readErr(w, err)
		return
	}
	if !a.validToken(r.PostForm.Get("token")) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	a.heard()
	f := r.PostForm
	// Mattermost sends each mentioned user as a repeated pair of keys
	// (user_mentions, user_mentions_ids), in no particular order but paired
	// by position.
	mentions := map[string]string{}
	if m, err := model.UserMentionMapFromURLValues(f); err == nil {
		for name, id := range m {
			mentions[strings.ToLower(strings.TrimPrefix(name, "@"))] = id
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	in := commands.Invocation{
		User:         bot.Identity{Platform: bot.Mattermost, UserID: f.Get("user_id"), Username: f.Get("user_name")},
		Channel:      bot.Channel{Platform: bot.Mattermost, ID: f.Get("channel_id"), Name: f.Get("channel_name")},
		Users:        users{a: a, mentions: mentions},
		Text:         f.Get("text"),
		CanOpenForms: f.Get("trigger_id") != "",
	}
	reply := a.Engine.Invoke(ctx, in)
	if reply.Form != nil {
		if err := a.openDialog(ctx, f.Get("trigger_id"), in.Channel.ID, in.User.UserID, reply.Form); err != nil {
			a.log().Error("mattermost: opening dialog", "err", err)
			reply = commands.Reply{Failed: true, Message: bot.Message{Text: commands.Describe(reply.Lang, err)}}
		} else {
			writeJSON(w, &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral})
			return
		}
	}
	writeJSON(w, a.commandResponse(reply, in.User.UserID))
}

// commandResponse renders a reply; parts beyond the first go in
// extra_responses so nothing is cut.
func (a *Adapter) commandResponse(r commands.Reply, user string) *model.CommandResponse {
	kind := model.CommandResponseTypeEphemeral
	if r.Public && !r.Failed {
		kind = model.CommandResponseTypeInChannel
	}
	recipient := user
	if kind == model.CommandResponseTypeInChannel {
		recipient = ""
	}
	parts := a.render(r.Message, recipient)
	out := &model.CommandResponse{ResponseType: kind, Text: parts[0].Text, Attachments: parts[0].Attachments, SkipSlackParsing: true}
	for _, p := range parts[1:] {
		out.ExtraResponses = append(out.ExtraResponses, &model.CommandResponse{ResponseType: kind, Text: p.Text, Attachments: p.Attachments, SkipSlackParsing: true})
	}
	return out
}
