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
}

// New returns an adapter talking to the Mattermost server at url with the
// bot's access token.
func New(e *commands.Engine, url, token string, commandTokens []string, publicURL string, key []byte, log *slog.Logger) *Adapter {
	c := model.NewAPIv4Client(url)
	c.SetToken(token)
	return &Adapter{Engine: e, Client: c, Tokens: commandTokens, PublicURL: strings.TrimRight(publicURL, "/"), Key: key, Log: log}
}

// Routes registers the adapter's handlers.
func (a *Adapter) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+PathCommand, a.handleCommand)
	mux.HandleFunc("POST "+PathActions, a.handleAction)
	mux.HandleFunc("POST "+PathDialogs, a.handleDialog)
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

// Ping checks that the server answers now with the bot's token, for
// /healthz.
func (a *Adapter) Ping(ctx context.Context) error {
	_, resp, err := a.Client.GetMe(ctx, "")
	return classify(resp, err)
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
