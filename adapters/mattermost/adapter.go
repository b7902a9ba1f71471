// Package mattermost is the Mattermost adapter: the slash command, button
// and dialog callbacks over HTTP, and outbound posts, direct messages and
// edits through model.Client4.
package mattermost

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/bot"
	"samverkan/commands"
)

// Routes served by the adapter.
const (
	PathCommand = "/mattermost/command"
	PathActions = "/mattermost/actions"
	PathDialogs = "/mattermost/dialogs"
)

// MaxBody bounds every request body; Mattermost's own are a few KB.
const MaxBody = 64 << 10

// Adapter connects one Mattermost server.
type Adapter struct {
	Engine *commands.Engine
	Client *model.Client4
	// Tokens are the slash command tokens Mattermost sends.
	Tokens []string
	// PublicURL is where Mattermost reaches the bot for callbacks.
	PublicURL string
	// Key protects button contexts and dialog state.
	Key []byte
	Log *slog.Logger

	mu    sync.Mutex
	botID string
	// active is when each direct message recipient's account was last
	// seen active; dms are the direct channels made, by user.
	active   map[string]time.Time
	closed   map[string]time.Time
	dms      map[string]string
	throttle *throttle
	// inbound is when Mattermost last reached the bot with a request it
	// could authenticate (Unix nanoseconds).
	inbound atomic.Int64
}

// LastInbound is when Mattermost last reached the bot with a request that
// carried a good token or a sealed token; zero for never.
func (a *Adapter) LastInbound() time.Time {
	if n := a.inbound.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// heard notes that Mattermost reached the bot.
func (a *Adapter) heard() { a.inbound.Store(time.Now().UnixNano()) }

// New returns an adapter talking to the Mattermost server at url with the
// bot's access token.
func New(e *commands.Engine, url, token string, commandTokens []string, publicURL string, key []byte, log *slog.Logger) *Adapter {
	c := model.NewAPIv4Client(url)
	c.SetToken(token)
	a := &Adapter{Engine: e, Client: c, Tokens: commandTokens, PublicURL: strings.TrimRight(publicURL, "/"), Key: key, Log: log}
	a.SetRateLimit(10, 100)
	return a
}

// SetRateLimit keeps the bot under the server's rate limit for its token:
// perSec requests a second, burst at once (Mattermost's defaults are 10
// and 100).
func (a *Adapter) SetRateLimit(perSec, burst int) {
	if perSec <= 0 {
		perSec = 10
	}
	if burst <= 0 {
		burst = 100
	}
	a.throttle = newThrottle(http.DefaultTransport, perSec, burst)
	a.Client.HTTPClient = &http.Client{Transport: a.throttle}
}

// Routes registers the adapter's handlers.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+PathCommand, a.door(a.handleCommand, func(w http.ResponseWriter, busy string) {
		writeJSON(w, &model.CommandResponse{ResponseType: model.CommandResponseTypeEphemeral, Text: busy})
	}))
	mux.HandleFunc("POST "+PathActions, a.door(a.handleAction, func(w http.ResponseWriter, busy string) {
		writeJSON(w, &model.PostActionIntegrationResponse{EphemeralText: busy, SkipSlackParsing: true})
	}))
	mux.HandleFunc("POST "+PathDialogs, a.door(a.handleDialog, func(w http.ResponseWriter, busy string) {
		writeJSON(w, &model.SubmitDialogResponse{Error: busy})
	}))
}

// door admits a request before anything else is done with it; when the
// bot already runs as many commands as it may, the answer is at once
// "busy, nothing was changed" in the route's own format.
func (a *Adapter) door(h http.HandlerFunc, shed func(w http.ResponseWriter, busy string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, release, ok := a.Engine.Admit(r.Context(), bot.Mattermost)
		if !ok {
			shed(w, a.Engine.Busy("").Message.Text)
			return
		}
		defer release()
		h(w, r.WithContext(ctx))
	}
}

// validToken compares the token with every configured one in constant time.
func (a *Adapter) validToken(tok string) bool {
	ok := 0
	for _, t := range a.Tokens {
		ok |= subtle.ConstantTimeCompare([]byte(tok), []byte(t))
	}
	return ok == 1 && tok != ""
}

// botUserID is the bot account's user ID, asked once.
func (a *Adapter) botUserID(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.botID != "" {
		return a.botID, nil
	}
	u, resp, err := a.Client.GetMe(ctx, "")
	if err != nil {
		return "", classify(resp, err)
	}
	a.botID = u.Id
	return a.botID, nil
}

// Whoami returns the bot account's username, asking the server with the
// bot's token.
func (a *Adapter) Whoami(ctx context.Context) (string, error) {
	u, resp, err := a.Client.GetMe(ctx, "")
	if err != nil {
		return "", classify(resp, err)
	}
	return u.Username, nil
}

// Ping checks that the server answers now with the bot's token, for
// /healthz.
func (a *Adapter) Ping(ctx context.Context) error {
	_, resp, err := a.Client.GetMe(ctx, "")
	return classify(resp, err)
}

// now is the bot's clock, for token expiry and account checks.
func (a *Adapter) now() time.Time {
	if a.Engine != nil && a.Engine.Bot != nil {
		return a.Engine.Bot.Clock.Now()
	}
	return time.Now()
}

func (a *Adapter) log() *slog.Logger {
	if a.Log == nil {
		return slog.Default()
	}
	return a.Log
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// readErr answers a body that could not be read: 413 when too large.
func readErr(w http.ResponseWriter, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		http.Error(w, "", http.StatusRequestEntityTooLarge)
		return
	}
	http.Error(w, "", http.StatusBadRequest)
}

// users resolves @mentions: first from the mentions Mattermost sent with
// the command, then through the API.
type users struct {
	a        *Adapter
	mentions map[string]string // username -> user ID
}

func (u users) ResolveUser(ctx context.Context, mention string) (bot.Identity, error) {
	name := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(mention), "@"))
	if id, ok := u.mentions[name]; ok {
		return bot.Identity{Platform: bot.Mattermost, UserID: id, Username: name}, nil
	}
	if name == "" || strings.ContainsAny(name, " <>/") {
		return bot.Identity{}, bot.Errorf(bot.EINVALID, "err.unknown_user", "User", mention)
	}
	usr, resp, err := u.a.Client.GetUserByUsername(ctx, name, "")
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return bot.Identity{}, bot.Errorf(bot.EINVALID, "err.unknown_user", "User", mention)
		}
		return bot.Identity{}, err
	}
	return bot.Identity{Platform: bot.Mattermost, UserID: usr.Id, Username: usr.Username}, nil
}
