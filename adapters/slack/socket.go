package slack

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode serves slash commands, buttons and modals over Socket
// Mode (no inbound port) until ctx ends, connecting again when the
// connection drops. Each connection's event loop ends with it, so
// reconnecting leaves nothing behind.
func (a *Adapter) RunSocketMode(ctx context.Context) {
	failures := 0
	for ctx.Err() == nil {
		connected := a.serveConnection(ctx)
		if ctx.Err() != nil {
			return
		}
		if connected {
			failures = 0
		}
		wait := a.Reconnect(failures)
		failures++
		a.log().Warn("slack socket mode: disconnected, reconnecting", "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// serveConnection runs one Socket Mode connection and its event loop
// until either ends, and reports whether it got connected.
func (a *Adapter) serveConnection(ctx context.Context) bool {
	conn, stop := context.WithCancel(ctx)
	defer stop()
	client := socketmode.New(a.API)
	var wg sync.WaitGroup
	var connected bool
	wg.Add(1)
	go func() {
		defer wg.Done()
		connected = a.serveEvents(conn, client)
	}()
	err := client.RunContext(conn)
	stop()
	wg.Wait()
	a.socket.Store(false)
	if err != nil && ctx.Err() == nil {
		a.log().Warn("slack socket mode: connection ended", "err", err)
	}
	return connected
}

// serveEvents handles one connection's events until it ends, and reports
// whether the connection was made.
func (a *Adapter) serveEvents(ctx context.Context, client *socketmode.Client) bool {
	connected := false
	for {
		select {
		case <-ctx.Done():
			return connected
		case evt, ok := <-client.Events:
			if !ok {
				return connected
			}
			if evt.Type == socketmode.EventTypeConnected {
				connected = true
				a.socket.Store(true)
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
		payload := a.slash(sc, false)
		if raw, _ := json.Marshal(payload); len(raw) >= maxAck {
			// Socket Mode drops acks of 20 KB or more: answer through
			// response_url instead.
			ack(client, evt, nil)
			if body, ok := payload.(map[string]any); ok {
				a.spawn(func(ctx context.Context) { a.respondLater(ctx, sc.ResponseURL, []map[string]any{body}) })
			}
			return
		}
		ack(client, evt, payload)
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil {
			return
		}
		out, err := a.interaction(cb, false)
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
