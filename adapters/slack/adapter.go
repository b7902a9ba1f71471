// Package slack is the Slack adapter: signed HTTP endpoints for slash
// commands and interactions, Socket Mode for networks without an inbound
// port, Block Kit rendering and modals, and outbound messages through the
// Web API with slack-go.
package slack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"samverkan/bot"
	"samverkan/catalog"
	"samverkan/commands"
)

// Routes served by the adapter.
const (
	PathCommands     = "/slack/commands"
	PathInteractions = "/slack/interactions"
)

// MaxBody bounds every request body.
const MaxBody = 64 << 10

// Adapter connects one Slack workspace.
type Adapter struct {
	Engine        *commands.Engine
	API           *slack.Client
	SigningSecret string
	// Key protects button values and modal metadata.
	Key []byte
	Log *slog.Logger
	// Budget is how long a slash command may run before the bot answers
	// "working on it" and sends the result later (Slack allows 3 s).
	Budget time.Duration
	// HTTP posts to response_url.
	HTTP *http.Client

	mu    sync.Mutex
	botID string
}

// New returns an adapter using botToken; apiURL, when set, points the Web
// API client elsewhere (tests), and appToken enables Socket Mode.
func New(e *commands.Engine, botToken, signingSecret, appToken, apiURL string, key []byte, log *slog.Logger) *Adapter {
	opts := []slack.Option{slack.OptionHTTPClient(&http.Client{Timeout: 15 * time.Second})}
	if apiURL != "" {
		if !strings.HasSuffix(apiURL, "/") {
			apiURL += "/"
		}
		opts = append(opts, slack.OptionAPIURL(apiURL))
	}
	if appToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(appToken))
	}
	return &Adapter{
		Engine: e, API: slack.New(botToken, opts...), SigningSecret: signingSecret, Key: key, Log: log,
		Budget: 2 * time.Second, HTTP: &http.Client{Timeout: 10 * time.Second},
	}
}

func (a *Adapter) log() *slog.Logger {
	if a.Log == nil {
		return slog.Default()
	}
	return a.Log
}

func (a *Adapter) t(id string, kv ...any) string { return catalog.T(a.Engine.Lang, id, kv...) }

// Ping checks the bot token with auth.test, for /healthz.
func (a *Adapter) Ping(ctx context.Context) error {
	_, err := a.API.AuthTestContext(ctx)
	return err
}

var _ bot.Platform = (*Adapter)(nil)

// Post sends the message to a channel (in a thread when thread is a ts)
// and returns the first message's ts.
func (a *Adapter) Post(ctx context.Context, _, channel, thread string, m bot.Message) (string, error) {
	first := ""
	for _, msg := range a.render(m) {
		opts := msgOptions(msg)
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		_, ts, err := a.API.PostMessageContext(ctx, channel, opts...)
		if err != nil {
			return first, classify(err)
		}
		if first == "" {
			first = ts
		}
	}
	return first, nil
}

// DirectMessage opens the bot's conversation with user and posts there.
func (a *Adapter) DirectMessage(ctx context.Context, key, user string, m bot.Message) (string, string, error) {
	ch, _, _, err := a.API.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return "", "", classify(err)
	}
	ts, err := a.Post(ctx, key, ch.ID, "", m)
	return ch.ID, ts, err
}

// Update replaces an earlier message with the first part of m.
func (a *Adapter) Update(ctx context.Context, channel, ts string, m bot.Message) error {
	_, _, _, err := a.API.UpdateMessageContext(ctx, channel, ts, msgOptions(a.render(m)[0])...)
	return classify(err)
}

func msgOptions(msg message) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false), slack.MsgOptionBlocks(msg.Blocks...)}
	if len(msg.Attachments) > 0 {
		opts = append(opts, slack.MsgOptionAttachments(msg.Attachments...))
	}
	return opts
}

// permanent are Slack error codes that retrying cannot fix.
var permanent = map[string]bool{
	"channel_not_found": true, "not_in_channel": true, "is_archived": true, "msg_too_long": true,
	"invalid_blocks": true, "invalid_blocks_format": true, "too_many_attachments": true, "user_not_found": true,
	"cant_update_message": true, "message_not_found": true, "edit_window_closed": true, "restricted_action": true,
	"missing_scope": true, "no_text": true,
}

// classify tells the outbox how to treat a Web API error: 429 after its
// Retry-After, request errors never, everything else with backoff.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return &bot.RetryAfterError{After: rl.RetryAfter, Err: err}
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && permanent[se.Err] {
		return &bot.PermanentError{Err: err}
	}
	if permanent[err.Error()] {
		return &bot.PermanentError{Err: err}
	}
	return err
}

var mentionRE = regexp.MustCompile(`^<@([A-Za-z0-9_]+)(?:\|([^>]*))?>$`)

// users resolves Slack mentions, which arrive as <@U123|name>.
type users struct{}

func (users) ResolveUser(_ context.Context, mention string) (bot.Identity, error) {
	m := mentionRE.FindStringSubmatch(strings.TrimSpace(mention))
	if m == nil {
		return bot.Identity{}, bot.Errorf(bot.EINVALID, "err.unknown_user_slack", "User", mention)
	}
	return bot.Identity{Platform: bot.Slack, UserID: m[1], Username: m[2]}, nil
}
