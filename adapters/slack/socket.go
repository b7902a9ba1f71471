package slack

import (
	"context"
	"encoding/json"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"samverkan/bot"
)

// RunSocketMode serves slash commands, buttons and modals over Socket
// Mode (no inbound port) until ctx ends, reconnecting with backoff when
// the connection drops.
func (a *Adapter) RunSocketMode(ctx context.Context) {
	for attempt := 0; ctx.Err() == nil; attempt++ {
		client := socketmode.New(a.API)
		go a.serveEvents(ctx, client)
		err := client.RunContext(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := bot.Backoff(min(attempt, 6))
		a.log().Warn("slack socket mode: disconnected, reconnecting", "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (a *Adapter) serveEvents(ctx context.Context, client *socketmode.Client) {
	for {
		select {
		case <-ctx.Done():
			return
		case evt, ok := <-client.Events:
			if !ok {
				return
			}
			a.handleEvent(client, evt)
		}
	}
}

// handleEvent acknowledges each request with the same payload the HTTP
// endpoint would have answered.
func (a *Adapter) handleEvent(client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		payload := a.slash(sc)
		if raw, _ := json.Marshal(payload); len(raw) >= maxAck {
			// Socket Mode drops acks of 20 KB or more: answer through
			// response_url instead.
			ack(client, evt, nil)
			if body, ok := payload.(map[string]any); ok {
				go a.respondLater(sc.ResponseURL, []map[string]any{body})
			}
			return
		}
		ack(client, evt, payload)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil {
			return
		}
		out, err := a.interaction(cb)
		if err != nil {
			a.log().Warn("slack socket mode: refused interaction", "user", cb.User.ID)
			out = nil
		}
		ack(client, evt, out)
	case socketmode.EventTypeConnected:
		a.log().Info("slack socket mode: connected")
	case socketmode.EventTypeInvalidAuth:
		a.log().Error("slack socket mode: the app token was refused (check SAMVERKAN_SLACK_APP_TOKEN)")
	}
}

// maxAck is Slack's limit on a Socket Mode acknowledgement, with a margin.
const maxAck = 19 << 10

func ack(client *socketmode.Client, evt socketmode.Event, payload any) {
	if payload == nil {
		_ = client.Ack(*evt.Request)
		return
	}
	_ = client.Ack(*evt.Request, payload)
}
