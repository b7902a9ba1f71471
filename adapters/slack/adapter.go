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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

	// Reconnect is the wait before Socket Mode connects again after n
	// failed attempts in a row.
	Reconnect func(n int) time.Duration
	// Now is the wall clock request timestamps are checked against
	// (Slack's timestamps are real time, whatever the bot's clock says).
	Now func() time.Time

	bg    background
	mu    sync.Mutex
	botID string
	// inbound is when Slack last reached the bot with a signed request
	// (Unix nanoseconds); socket whether Socket Mode is connected.
	inbound       atomic.Int64
	socket        atomic.Bool
	throttle      *throttle
	historyWarned atomic.Bool
}

// LastInbound is when Slack last reached the bot with a signed request;
// zero for never.
func (a *Adapter) LastInbound() time.Time {
	if n := a.inbound.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// SocketConnected reports whether a Socket Mode connection is up.
func (a *Adapter) SocketConnected() bool { return a.socket.Load() }

// New returns an adapter using botToken; apiURL, when set, points the Web
// API client elsewhere (tests), and appToken enables Socket Mode.
func New(e *commands.Engine, botToken, signingSecret, appToken, apiURL string, key []byte, log *slog.Logger) *Adapter {
	th := newThrottle(http.DefaultTransport)
	opts := []slack.Option{slack.OptionHTTPClient(&http.Client{Timeout: 15 * time.Second, Transport: th})}
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
		Engine: e, API: slack.New(botToken, opts...), SigningSecret: signingSecret, Key: key, Log: log, throttle: th,
		Budget: 2 * time.Second, HTTP: &http.Client{Timeout: 10 * time.Second},
		Reconnect: func(n int) time.Duration { return bot.Backoff(min(n, 6)) },
	}
}

func (a *Adapter) log() *slog.Logger {
	if a.Log == nil {
		return slog.Default()
	}
	return a.Log
}

func (a *Adapter) t(id string, kv ...any) string { return catalog.T(a.Engine.Lang, id, kv...) }

// now is the bot's clock, for token expiry.
func (a *Adapter) botNow() time.Time {
	if a.Engine != nil && a.Engine.Bot != nil {
		return a.Engine.Bot.Clock.Now()
	}
	return time.Now()
}

// now is the wall clock, for Slack's request timestamps.
func (a *Adapter) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Whoami returns the bot's user name, from auth.test with the bot token.
func (a *Adapter) Whoami(ctx context.Context) (string, error) {
	r, err := a.API.AuthTestContext(ctx)
	if err != nil {
		return "", err
	}
	return r.User, nil
}

// CanConnect checks that the app token may open a Socket Mode connection
// (apps.connections.open), without connecting.
func (a *Adapter) CanConnect(ctx context.Context) error {
	_, _, err := a.API.StartSocketModeContext(ctx)
	return err
}

// Ping checks the bot token with auth.test, for /healthz.
func (a *Adapter) Ping(ctx context.Context) error {
	_, err := a.API.AuthTestContext(ctx)
	return err
}

var _ bot.Platform = (*Adapter)(nil)

// Post sends the message to a channel (in a thread when thread is a ts)
// and returns the ts of each part.
func (a *Adapter) Post(ctx context.Context, key, channel, thread string, m bot.Message) ([]string, error) {
	return a.post(ctx, key, channel, thread, "", m)
}

// post sends the messages of m for recipient (see render). Each part
// carries its outbox key as message metadata: Slack has no idempotency
// key, so when the outbox sends something again that may have gone out
// (bot.IsResend: before a crash, or an attempt that got no clear answer),
// the channel's latest messages are looked at first and parts already
// there are not posted twice.
func (a *Adapter) post(ctx context.Context, key, channel, thread, recipient string, m bot.Message) ([]string, error) {
	var sent map[string]string
	if key != "" && bot.IsResend(ctx) {
		sent = a.sentBefore(ctx, channel)
	}
	var ids []string
	for i, msg := range a.render(m, recipient) {
		pk := partKey(key, i)
		if ts, ok := sent[pk]; ok && pk != "" {
			ids = append(ids, ts)
			continue
		}
		ts, err := a.postOne(ctx, channel, thread, pk, msg)
		if err != nil {
			return ids, err
		}
		ids = append(ids, ts)
	}
	return ids, nil
}

// metadataEvent is the event type of the metadata on the bot's messages.
const metadataEvent = "samverkan_outbox"

// partKey names part i of the outbox item key ("" without a key).
func partKey(key string, i int) string {
	if key == "" {
		return ""
	}
	return key + "#" + strconv.Itoa(i)
}

func (a *Adapter) postOne(ctx context.Context, channel, thread, key string, msg message) (string, error) {
	opts := msgOptions(msg)
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	if key != "" {
		opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: metadataEvent, EventPayload: map[string]any{"key": key}}))
	}
	_, ts, err := a.API.PostMessageContext(ctx, channel, opts...)
	return ts, classify(err)
}

// sentBefore maps the outbox keys on the channel's latest messages to
// their ts. When the history cannot be read (the app lacks the
// *:history scopes) it says so once in the log and returns nothing.
func (a *Adapter) sentBefore(ctx context.Context, channel string) map[string]string {
	h, err := a.API.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: channel, Limit: 50, IncludeAllMetadata: true})
	if err != nil {
		if a.historyWarned.CompareAndSwap(false, true) {
			a.log().Warn("slack: cannot read channel history to avoid posting a message twice after a restart (add the channels:history, groups:history and im:history scopes)", "err", err)
		}
		return nil
	}
	out := map[string]string{}
	for _, m := range h.Messages {
		if m.Metadata.EventType == metadataEvent {
			if k, ok := m.Metadata.EventPayload["key"].(string); ok {
				out[k] = m.Timestamp
			}
		}
	}
	return out
}

// DirectMessage opens the bot's conversation with user and posts there.
func (a *Adapter) DirectMessage(ctx context.Context, key, user string, m bot.Message) (string, []string, error) {
	ch, err := a.openDM(ctx, user)
	if err != nil {
		return "", nil, err
	}
	ids, err := a.post(ctx, key, ch, "", user, m)
	return ch, ids, err
}

// Update replaces an earlier message, posted as the messages ids, with m:
// each part is edited in place, parts m needs beyond the old ones are
// posted after them, parts it no longer needs are deleted. Buttons are on
// the last part.
func (a *Adapter) Update(ctx context.Context, key, channel string, ids []string, m bot.Message) ([]string, error) {
	parts := a.render(m, "")
	var out []string
	for i, msg := range parts {
		if i >= len(ids) {
			ts, err := a.postOne(ctx, channel, "", partKey(key, i), msg)
			if err != nil {
				return append(out, ids...), err
			}
			out = append(out, ts)
			continue
		}
		if _, _, _, err := a.API.UpdateMessageContext(ctx, channel, ids[i], msgOptions(msg)...); err != nil {
			return ids, classify(err)
		}
		out = append(out, ids[i])
	}
	for _, ts := range ids[min(len(parts), len(ids)):] {
		if _, _, err := a.API.DeleteMessageContext(ctx, channel, ts); err != nil && !strings.Contains(err.Error(), "message_not_found") {
			return append(out, ts), classify(err)
		}
	}
	return out, nil
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

// openDM opens the direct conversation with user. A deactivated or
// unknown user is a closed account: nobody would read the message.
func (a *Adapter) openDM(ctx context.Context, user string) (string, error) {
	ch, _, _, err := a.API.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if code := errorCode(err); code == "user_disabled" || code == "user_not_found" {
		return "", &bot.ClosedAccountError{User: user}
	}
	if err != nil {
		return "", classify(err)
	}
	return ch.ID, nil
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
	if permanent[errorCode(err)] {
		return &bot.PermanentError{Err: err}
	}
	return err
}

// errorCode is the Web API's error code ("not_in_channel") in err, or "".
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return err.Error()
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
