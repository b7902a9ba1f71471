// Package slackfake is a fake Slack for tests: the Web API methods the bot
// calls (recorded as sent, form or JSON), a Socket Mode websocket the test
// drives, a response_url sink, and a client that signs requests to the
// bot exactly as Slack does.
//
// It answers with slack-go's own response types, and where it must agree
// with Slack it mirrors Slack's documented behaviour: posting to, editing
// in or listing a channel the bot is not a member of fails with
// not_in_channel (channels are made with AddChannel; direct conversations
// opened with conversations.open work, except with a deactivated user,
// which is user_disabled); conversations.info says
// whether the bot is a member; a message that is gone is message_not_found;
// conversations.history returns what was posted, newest first, with
// message metadata when include_all_metadata is set;
// and Mentions applies Slack's mention syntax to what the bot sent.
package slackfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"

	"samverkan/adapters/internal/gcra"
)

// Call is one Web API call as the bot sent it.
type Call struct {
	Method string
	Params map[string]any // form fields as strings; JSON bodies as decoded
}

// Str returns a parameter as a string.
func (c Call) Str(k string) string {
	s, _ := c.Params[k].(string)
	return s
}

// Blocks decodes the call's blocks (a JSON string in form posts).
func (c Call) Blocks() []map[string]any { return decodeList(c.Params["blocks"]) }

// Attachments decodes the call's attachments.
func (c Call) Attachments() []map[string]any { return decodeList(c.Params["attachments"]) }

func decodeList(v any) []map[string]any {
	var raw []any
	switch t := v.(type) {
	case string:
		_ = json.Unmarshal([]byte(t), &raw)
	case []any:
		raw = t
	}
	var out []map[string]any
	for _, x := range raw {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// Server is the fake Slack.
type Server struct {
	*httptest.Server
	mu        sync.Mutex
	calls     []Call
	hooks     []map[string]any
	members   map[string][]string
	live      map[string]bool // channel/ts of messages that exist
	seq       int
	delay     time.Duration
	limited   int
	retryAft  int
	socket    *websocket.Conn
	socketUp  chan struct{}
	acks      chan map[string]any
	connOpens int
	failOpens int
	uploads   [][]byte
	disabled  map[string]bool
	history   map[string][]slack.Message // posted messages per channel, oldest first
	// perChannel, when set, limits posts per channel; limitedN counts 429s.
	perChannel *gcra.Limiter
	limitedN   int
}

// Uploads returns the bodies uploaded to the file upload URL.
func (s *Server) Uploads() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.uploads...)
}

// New starts the fake.
func New() *Server {
	s := &Server{members: map[string][]string{}, live: map[string]bool{}, history: map[string][]slack.Message{}, socketUp: make(chan struct{}, 4), acks: make(chan map[string]any, 16)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// APIURL is the Web API base for SAMVERKAN_SLACK_API_URL.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// HookURL is a response_url that records what is posted to it.
func (s *Server) HookURL() string { return s.URL + "/hooks/1" }

// SetDelay makes every Web API call wait d.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// RateLimit answers the next n chat.postMessage calls with 429 and
// Retry-After: after seconds.
func (s *Server) RateLimit(n, after int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited, s.retryAft = n, after
}

// FailConnectionOpens refuses the next n Socket Mode connections
// (apps.connections.open answers invalid_auth): slack-go's client gives up
// at once, and the bot must connect anew with a new client.
func (s *Server) FailConnectionOpens(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failOpens = n
}

// SetMembers sets a conversation's members exactly (the bot only if
// named).
func (s *Server) SetMembers(ch string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[ch] = users
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/ws":
		s.serveSocket(w, r)
		return
	case r.URL.Path == "/upload":
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.uploads = append(s.uploads, body)
		s.mu.Unlock()
		w.WriteHeader(200)
		return
	case strings.HasPrefix(r.URL.Path, "/hooks/"):
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		s.mu.Lock()
		s.hooks = append(s.hooks, m)
		s.mu.Unlock()
		writeJSON(w, 200, map[string]any{"ok": true})
		return
	}
	body, _ := io.ReadAll(r.Body)
	params := map[string]any{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(body, &params)
	} else {
		v, _ := url.ParseQuery(string(body))
		for k := range v {
			params[k] = v.Get(k)
		}
	}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if lim := s.perChannel; lim != nil && (method == "chat.postMessage" || method == "chat.update" || method == "chat.delete") {
		ch, _ := params["channel"].(string)
		if ok, wait := lim.Allow(ch, time.Now()); !ok {
			s.limitedN++
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
			return
		}
	}
	if method == "chat.postMessage" && s.limited > 0 {
		s.limited--
		w.Header().Set("Retry-After", strconv.Itoa(s.retryAft))
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
		return
	}
	s.calls = append(s.calls, Call{Method: method, Params: params})
	s.seq++
	ts := fmt.Sprintf("1700000000.%06d", s.seq)
	str := func(k string) string { x, _ := params[k].(string); return x }
	ok := slack.SlackResponse{Ok: true}
	fail := func(code string) { writeJSON(w, 200, slack.SlackResponse{Ok: false, Error: code}) }
	channel := str("channel")
	switch method {
	case "chat.postMessage", "chat.update", "chat.delete", "chat.postEphemeral", "conversations.members":
		if !s.botIn(channel) {
			fail("not_in_channel")
			return
		}
	}
	switch method {
	case "auth.test":
		writeJSON(w, 200, struct {
			slack.SlackResponse
			slack.AuthTestResponse
		}{ok, slack.AuthTestResponse{UserID: BotID, User: "samverkan", TeamID: "T1", Team: "Region", BotID: "B1"}})
	case "chat.postMessage":
		s.live[channel+"/"+ts] = true
		msg := slack.Message{}
		msg.Timestamp, msg.Text, msg.User = ts, str("text"), BotID
		if raw := str("metadata"); raw != "" {
			_ = json.Unmarshal([]byte(raw), &msg.Metadata)
		}
		s.history[channel] = append(s.history[channel], msg)
		writeJSON(w, 200, struct {
			slack.SlackResponse
			Channel string    `json:"channel"`
			TS      string    `json:"ts"`
			Message slack.Msg `json:"message"`
		}{ok, channel, ts, slack.Msg{Text: str("text"), Timestamp: ts, User: BotID}})
	case "chat.update", "chat.delete":
		if !s.live[channel+"/"+str("ts")] {
			fail("message_not_found")
			return
		}
		if method == "chat.delete" {
			delete(s.live, channel+"/"+str("ts"))
		}
		writeJSON(w, 200, struct {
			slack.SlackResponse
			Channel string `json:"channel"`
			TS      string `json:"ts"`
			Text    string `json:"text,omitempty"`
		}{ok, channel, str("ts"), str("text")})
	case "chat.postEphemeral":
		writeJSON(w, 200, struct {
			slack.SlackResponse
			MessageTS string `json:"message_ts"`
		}{ok, ts})
	case "conversations.open":
		for _, u := range strings.Split(str("users"), ",") {
			if s.disabled[u] {
				fail("user_disabled")
				return
			}
		}
		dm := slack.Channel{}
		dm.ID, dm.IsIM, dm.IsOpen = "D_"+strings.ReplaceAll(str("users"), ",", "_"), true, true
		writeJSON(w, 200, struct {
			slack.SlackResponse
			Channel slack.Channel `json:"channel"`
		}{ok, dm})
	case "conversations.history":
		if !s.botIn(channel) {
			fail("not_in_channel")
			return
		}
		limit, _ := strconv.Atoi(str("limit"))
		if limit <= 0 {
			limit = 100
		}
		var msgs []slack.Message
		all := s.history[channel]
		for i := len(all) - 1; i >= 0 && len(msgs) < limit; i-- { // newest first
			m := all[i]
			if str("include_all_metadata") != "1" {
				m.Metadata = slack.SlackMetadata{}
			}
			msgs = append(msgs, m)
		}
		writeJSON(w, 200, struct {
			slack.SlackResponse
			Messages []slack.Message `json:"messages"`
		}{ok, msgs})
	case "conversations.info":
		members, known := s.members[channel]
		if !known {
			fail("channel_not_found")
			return
		}
		c := slack.Channel{IsChannel: true, IsMember: slices.Contains(members, BotID)}
		c.ID, c.Name, c.NumMembers = channel, strings.ToLower(channel), len(members)
		writeJSON(w, 200, struct {
			slack.SlackResponse
			Channel slack.Channel `json:"channel"`
		}{ok, c})
	case "conversations.members":
		resp := struct {
			slack.SlackResponse
			Members []string `json:"members"`
		}{ok, s.members[channel]}
		writeJSON(w, 200, resp)
	case "users.info":
		u := slack.User{ID: str("user"), Name: strings.ToLower(str("user")), IsBot: str("user") == BotID}
		writeJSON(w, 200, struct {
			slack.SlackResponse
			User slack.User `json:"user"`
		}{ok, u})
	case "views.open":
		writeJSON(w, 200, struct {
			slack.SlackResponse
			View slack.View `json:"view"`
		}{ok, slack.View{ID: "V" + strconv.Itoa(s.seq)}})
	case "files.getUploadURLExternal":
		writeJSON(w, 200, struct {
			slack.SlackResponse
			slack.GetUploadURLExternalResponse
		}{ok, slack.GetUploadURLExternalResponse{UploadURL: "http://" + r.Host + "/upload", FileID: "F" + strconv.Itoa(s.seq)}})
	case "files.completeUploadExternal":
		writeJSON(w, 200, struct {
			slack.SlackResponse
			Files []slack.FileSummary `json:"files"`
		}{ok, []slack.FileSummary{{ID: "F" + strconv.Itoa(s.seq), Title: "upload"}}})
	case "apps.connections.open":
		if s.failOpens > 0 {
			s.failOpens--
			fail("invalid_auth")
			return
		}
		s.connOpens++
		writeJSON(w, 200, struct {
			slack.SlackResponse
			URL string `json:"url"`
		}{ok, "ws://" + r.Host + "/ws"})
	default:
		fail("unknown_method")
	}
}

// BotID is the bot's user ID in the fake workspace.
const BotID = "UBOT"

// LimitChannels enforces Slack's limit of about one message a second
// per channel (chat.postMessage, chat.update, chat.delete), with a short
// burst of two: past it, 429 ratelimited with Retry-After.
func (s *Server) LimitChannels(perSec float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perChannel = &gcra.Limiter{Rate: perSec, Burst: 1}
}

// Limited is how many calls the per-channel limit answered 429.
func (s *Server) Limited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limitedN
}

// Deactivate disables a user's account: conversations.open with them
// answers user_disabled, as Slack does.
func (s *Server) Deactivate(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.disabled == nil {
		s.disabled = map[string]bool{}
	}
	s.disabled[user] = true
}

// AddChannel makes a channel with the bot and users as members.
func (s *Server) AddChannel(ch string, users ...string) {
	s.SetMembers(ch, append([]string{BotID}, users...)...)
}

// botIn reports whether the bot may post in a channel: a direct
// conversation it opened, or a channel it is a member of.
func (s *Server) botIn(ch string) bool {
	return strings.HasPrefix(ch, "D_") || slices.Contains(s.members[ch], BotID)
}

func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.socket = c
	s.mu.Unlock()
	_ = c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
	s.socketUp <- struct{}{}
	for {
		var m map[string]any
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		if _, ok := m["envelope_id"]; ok {
			s.acks <- m
		}
	}
}

// WaitSocket waits until the bot has connected over Socket Mode.
func (s *Server) WaitSocket(timeout time.Duration) bool {
	select {
	case <-s.socketUp:
		return true
	case <-time.After(timeout):
		return false
	}
}

// DropSocket closes the Socket Mode connection, as Slack does now and then.
func (s *Server) DropSocket() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.socket != nil {
		s.socket.Close()
		s.socket = nil
	}
}

// Envelope sends a Socket Mode request and waits for the bot's ack.
func (s *Server) Envelope(kind string, payload any, timeout time.Duration) (map[string]any, error) {
	s.mu.Lock()
	c := s.socket
	s.seq++
	id := fmt.Sprintf("env-%d", s.seq)
	s.mu.Unlock()
	if c == nil {
		return nil, fmt.Errorf("no socket")
	}
	raw, _ := json.Marshal(payload)
	if err := c.WriteJSON(map[string]any{"envelope_id": id, "type": kind, "payload": json.RawMessage(raw), "accepts_response_payload": true}); err != nil {
		return nil, err
	}
	deadline := time.After(timeout)
	for {
		select {
		case ack := <-s.acks:
			if ack["envelope_id"] == id {
				return ack, nil
			}
		case <-deadline:
			return nil, fmt.Errorf("no ack for %s", id)
		}
	}
}

// Calls returns the Web API calls of a method ("" for all).
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// Posts returns chat.postMessage calls to channel.
func (s *Server) Posts(channel string) []Call {
	var out []Call
	for _, c := range s.Calls("chat.postMessage") {
		if c.Str("channel") == channel {
			out = append(out, c)
		}
	}
	return out
}

// Hooks returns what was posted to response_url.
func (s *Server) Hooks() []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]any(nil), s.hooks...)
}

// ConnectionOpens counts apps.connections.open calls.
func (s *Server) ConnectionOpens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connOpens
}

// Text flattens every text in blocks (and a message's text).
func Text(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for k, y := range t {
				if s, ok := y.(string); ok && k == "text" {
					b.WriteString(s + "\n")
				} else {
					walk(y)
				}
			}
		case []any:
			for _, y := range t {
				walk(y)
			}
		case []map[string]any:
			for _, y := range t {
				walk(y)
			}
		}
	}
	walk(v)
	return b.String()
}

// Sign computes X-Slack-Signature for body at timestamp ts.
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// Client calls the bot as Slack does.
type Client struct {
	BotURL, Secret string
	// Now gives the request timestamp (default time.Now).
	Now func() time.Time
	seq atomic.Int64
}

// Response is the bot's answer.
type Response struct {
	Status int
	Body   []byte
	Took   time.Duration
}

// JSON decodes the answer.
func (r Response) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Post sends body to path with the given timestamp and signature headers
// ("" leaves a header out).
func (c *Client) Post(path string, body []byte, ts, sig string) Response {
	req, _ := http.NewRequest(http.MethodPost, c.BotURL+path, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if ts != "" {
		req.Header.Set("X-Slack-Request-Timestamp", ts)
	}
	if sig != "" {
		req.Header.Set("X-Slack-Signature", sig)
	}
	start := time.Now()
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return Response{Status: -1, Body: []byte(err.Error())}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Body: b, Took: time.Since(start)}
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// CommandBody is the form Slack posts for /samverkan text.
func (c *Client) CommandBody(user, channel, text, responseURL string) []byte {
	seq := c.seq.Add(1)
	return []byte(url.Values{
		"token": {"legacy"}, "team_id": {"T1"}, "team_domain": {"region"}, "channel_id": {channel},
		"channel_name": {channel}, "user_id": {user}, "user_name": {strings.ToLower(user)}, "command": {"/samverkan"},
		"text": {text}, "api_app_id": {"A1"}, "response_url": {responseURL},
		"trigger_id": {fmt.Sprintf("%d.%d.trigger", c.now().Unix(), seq)},
	}.Encode())
}

// Signed posts body to path signed now.
func (c *Client) Signed(path string, body []byte) Response {
	ts := strconv.FormatInt(c.now().Unix(), 10)
	return c.Post(path, body, ts, Sign(c.Secret, ts, body))
}

// Command sends a signed slash command.
func (c *Client) Command(user, channel, text, responseURL string) Response {
	return c.Signed("/slack/commands", c.CommandBody(user, channel, text, responseURL))
}

// InteractionBody is the form body Slack posts for an interaction payload.
func (c *Client) InteractionBody(payload map[string]any) []byte {
	pj, _ := json.Marshal(payload)
	return []byte(url.Values{"payload": {string(pj)}}.Encode())
}

// Interaction sends a signed interaction payload.
func (c *Client) Interaction(payload map[string]any) Response {
	return c.Signed("/slack/interactions", c.InteractionBody(payload))
}

// Button finds a button by its text in blocks.
func Button(blocks []map[string]any, text string) map[string]any {
	for _, b := range blocks {
		els, _ := b["elements"].([]any)
		for _, e := range els {
			em, _ := e.(map[string]any)
			if em["type"] != "button" {
				continue
			}
			if t, _ := em["text"].(map[string]any); t != nil && t["text"] == text {
				return em
			}
		}
	}
	return nil
}

// BlockAction is the payload Slack sends when user clicks button.
func BlockAction(user, channel, responseURL string, button map[string]any) map[string]any {
	return map[string]any{
		"type": "block_actions", "api_app_id": "A1", "trigger_id": "1.1.trigger", "response_url": responseURL,
		"team":    map[string]any{"id": "T1"},
		"user":    map[string]any{"id": user, "username": strings.ToLower(user), "name": strings.ToLower(user)},
		"channel": map[string]any{"id": channel, "name": channel},
		"actions": []any{map[string]any{"type": "button", "action_id": button["action_id"], "block_id": "samverkan_actions", "value": button["value"]}},
	}
}

// ViewSubmission is the payload Slack sends when user submits a modal
// that was opened with view (as sent to views.open) and values by block.
func ViewSubmission(user string, view map[string]any, values map[string]string) map[string]any {
	state := map[string]any{}
	blocks, _ := view["blocks"].([]any)
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		id, _ := bm["block_id"].(string)
		el, _ := bm["element"].(map[string]any)
		v, ok := values[id]
		if !ok {
			continue
		}
		if el["type"] == "static_select" {
			state[id] = map[string]any{id: map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v, "text": map[string]any{"type": "plain_text", "text": v}}}}
		} else {
			state[id] = map[string]any{id: map[string]any{"type": "plain_text_input", "value": v}}
		}
	}
	v := map[string]any{}
	for k, x := range view {
		v[k] = x
	}
	v["id"], v["state"] = "V1", map[string]any{"values": state}
	return map[string]any{
		"type": "view_submission", "api_app_id": "A1", "team": map[string]any{"id": "T1"},
		"user": map[string]any{"id": user, "username": strings.ToLower(user), "name": strings.ToLower(user)},
		"view": v,
	}
}
