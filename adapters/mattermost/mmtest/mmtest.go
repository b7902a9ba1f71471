// Package mmtest is a fake Mattermost server for tests: the parts of API
// v4 the bot calls, decoding requests into the real model types and
// recording them, plus a client that calls the bot as Mattermost does.
//
// Where it must agree with a real server it mirrors what a real
// Mattermost 9.9 does (checked by the integration test in
// integration/mattermost, which runs the bot against one):
//   - a bot account is a plain user: POST /posts/ephemeral needs
//     create_post_ephemeral, which it lacks, and answers 403;
//   - posting to, or listing the members of, a channel the bot is not a
//     member of answers 403 (channels are made with AddChannel);
//   - slash commands carry mentions as repeated user_mentions and
//     user_mentions_ids keys, paired by position, in map order;
//   - a repeated pending_post_id gets the post already made;
//   - a deactivated user (Deactivate) still gets posts in their direct
//     channel, and GET /users/{id} shows delete_at;
//   - MassMentions applies the server's mention parser;
//   - Limit enforces RateLimitSettings per token (GCRA, as the server's
//     throttled middleware), answering 429 past it.
package mmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/internal/gcra"
)

// BotID is the bot account's user ID.
const BotID = "botuser"

// Server is the fake Mattermost API.
type Server struct {
	*httptest.Server
	mu          sync.Mutex
	users       map[string]*model.User
	posts       []*model.Post
	byID        map[string]*model.Post
	eph         []model.PostEphemeral
	dialogs     []model.OpenDialogRequest
	members     map[string][]string
	files       map[string]File
	pending     map[string]*model.Post
	refuseDM    map[string]int
	lookups     map[string]int
	bulkLookups int
	limit       *gcra.Limiter
	limited     int
	requests    int
	seq         int
	failNext    int
	hang        time.Duration
	creates     int
}

// New starts a fake server with the bot account.
func New() *Server {
	s := &Server{users: map[string]*model.User{BotID: {Id: BotID, Username: "samverkan", IsBot: true}}, byID: map[string]*model.Post{}, members: map[string][]string{}, files: map[string]File{}, pending: map[string]*model.Post{}, refuseDM: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/users/me", s.auth(func(w http.ResponseWriter, r *http.Request) { s.json(w, 200, s.users[BotID]) }))
	mux.HandleFunc("GET /api/v4/users/username/{name}", s.auth(s.userByName))
	mux.HandleFunc("GET /api/v4/users/{id}", s.auth(s.userByID))
	mux.HandleFunc("POST /api/v4/users/ids", s.auth(s.usersByIDs))
	mux.HandleFunc("POST /api/v4/posts", s.auth(s.createPost))
	mux.HandleFunc("POST /api/v4/posts/ephemeral", s.auth(s.createEphemeral))
	mux.HandleFunc("PUT /api/v4/posts/{id}/patch", s.auth(s.patchPost))
	mux.HandleFunc("DELETE /api/v4/posts/{id}", s.auth(s.deletePost))

	mux.HandleFunc("POST /api/v4/channels/direct", s.auth(s.direct))
	mux.HandleFunc("GET /api/v4/channels/{id}/members", s.auth(s.channelMembers))
	mux.HandleFunc("GET /api/v4/channels/{id}/posts", s.auth(s.channelPosts))
	mux.HandleFunc("POST /api/v4/actions/dialogs/open", s.auth(s.openDialog))
	mux.HandleFunc("POST /api/v4/files", s.auth(s.uploadFile))
	s.Server = httptest.NewServer(mux)
	return s
}

// AddUser registers a user.
func (s *Server) AddUser(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = &model.User{Id: id, Username: name}
}

// ForgetPending forgets the pending_post_ids seen so far, as the real
// server does after a short while.
func (s *Server) ForgetPending() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = map[string]*model.Post{}
}

// Deactivate deactivates a user's account, as System Console > Users
// does: the account stays, with delete_at set.
func (s *Server) Deactivate(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.users[id]; ok {
		u.DeleteAt = model.GetMillis()
	}
}

// AddChannel makes a channel with the bot and users as members.
func (s *Server) AddChannel(channel string, users ...string) {
	s.SetMembers(channel, append([]string{BotID}, users...)...)
}

// SetMembers sets a channel's members exactly (the bot only if named).
func (s *Server) SetMembers(channel string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[channel] = users
}

// RefuseDM answers the next n posts into user's direct channel with 403,
// as a real server sometimes does right after the channel was made.
func (s *Server) RefuseDM(user string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuseDM[DMChannel(user)] = n
}

// FailPosts answers the next n post creations with 500.
func (s *Server) FailPosts(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// Hang makes post creations wait d before answering (0 to stop).
func (s *Server) Hang(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang = d
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(strings.ToLower(r.Header.Get("Authorization")), "bearer ") {
			s.json(w, 401, model.NewAppError("fake", "api.context.session_expired.app_error", nil, "", 401))
			return
		}
		s.mu.Lock()
		lim := s.limit
		s.mu.Unlock()
		if lim != nil {
			if ok, wait := lim.Allow(r.Header.Get("Authorization"), time.Now()); !ok {
				s.mu.Lock()
				s.limited++
				s.mu.Unlock()
				secs := strconv.Itoa(max(1, int(math.Ceil(wait.Seconds()))))
				w.Header().Set("X-Ratelimit-Limit", strconv.Itoa(int(lim.Rate)))
				w.Header().Set("X-Ratelimit-Remaining", "0")
				w.Header().Set("X-Ratelimit-Reset", secs)
				w.Header().Set("Retry-After", secs)
				http.Error(w, "limit exceeded", http.StatusTooManyRequests)
				return
			}
		}
		s.mu.Lock()
		s.requests++
		s.mu.Unlock()
		h(w, r)
	}
}

// Limit enforces a rate limit per token, as a server with
// RateLimitSettings enabled does (PerSec, MaxBurst; its default is 10 and
// 100): past it, 429 with X-Ratelimit-Reset and Retry-After.
func (s *Server) Limit(perSec float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit = &gcra.Limiter{Rate: perSec, Burst: burst}
}

// Limited is how many requests were answered 429.
func (s *Server) Limited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

// Requests is how many requests the limit counted (made with a token).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *Server) json(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) userByName(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.Username == r.PathValue("name") {
			s.json(w, 200, u)
			return
		}
	}
	s.json(w, 404, model.NewAppError("fake", "app.user.missing_account.const", nil, "", 404))
}

// Lookups is how many times a user was looked up by ID.
func (s *Server) Lookups(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lookups[id]
}

// channelPosts answers GET /channels/{id}/posts: the channel's latest
// posts (per_page, default 60), newest first, with their stored
// properties; 403 when the bot is not a member.
func (s *Server) channelPosts(w http.ResponseWriter, r *http.Request) {
	ch := r.PathValue("id")
	per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
	if per <= 0 {
		per = 60
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !strings.HasPrefix(ch, "dm_") && !slices.Contains(s.members[ch], BotID) {
		s.json(w, 403, model.NewAppError("fake", "api.context.permissions.app_error", nil, "", 403))
		return
	}
	list := model.NewPostList()
	for i := len(s.posts) - 1; i >= 0 && len(list.Order) < per; i-- {
		if p := s.posts[i]; p.ChannelId == ch && p.DeleteAt == 0 {
			list.AddPost(p)
			list.AddOrder(p.Id)
		}
	}
	s.json(w, 200, list)
}

// usersByIDs answers POST /users/ids: the accounts found, deactivated
// ones included (with delete_at), as the real server does.
func (s *Server) usersByIDs(w http.ResponseWriter, r *http.Request) {
	var ids []string
	if err := json.NewDecoder(r.Body).Decode(&ids); err != nil {
		s.json(w, 400, model.NewAppError("fake", "api.context.invalid_body_param.app_error", nil, "", 400))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bulkLookups++
	out := []*model.User{}
	for _, id := range ids {
		if u, ok := s.users[id]; ok {
			out = append(out, u)
		}
	}
	s.json(w, 200, out)
}

// BulkLookups is how many times users were looked up many at once.
func (s *Server) BulkLookups() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bulkLookups
}

func (s *Server) userByID(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lookups == nil {
		s.lookups = map[string]int{}
	}
	s.lookups[r.PathValue("id")]++
	if u, ok := s.users[r.PathValue("id")]; ok {
		s.json(w, 200, u)
		return
	}
	s.json(w, 404, model.NewAppError("fake", "app.user.missing_account.const", nil, "", 404))
}

func (s *Server) createPost(w http.ResponseWriter, r *http.Request) {
	var p model.Post
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil || p.ChannelId == "" {
		s.json(w, 400, model.NewAppError("fake", "api.post.create_post.bad_json", nil, "", 400))
		return
	}
	s.mu.Lock()
	s.creates++
	hang := s.hang
	fail := s.failNext > 0
	if fail {
		s.failNext--
	}
	s.mu.Unlock()
	if hang > 0 {
		select {
		case <-time.After(hang):
		case <-r.Context().Done():
			return
		}
	}
	if fail {
		s.json(w, 500, model.NewAppError("fake", "fake.unavailable", nil, "", 500))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuseDM[p.ChannelId] > 0 {
		s.refuseDM[p.ChannelId]--
		s.json(w, 403, model.NewAppError("createPost", "api.context.permissions.app_error", nil, "", 403))
		return
	}
	if !s.botIn(p.ChannelId) {
		s.json(w, 403, model.NewAppError("createPost", "api.context.permissions.app_error", nil, "", 403))
		return
	}
	// Like the real server, a repeated pending_post_id gets the post it
	// already made instead of a second one.
	if p.PendingPostId != "" {
		if prev, ok := s.pending[p.PendingPostId]; ok {
			s.json(w, 201, prev)
			return
		}
	}
	s.seq++
	p.Id = fmt.Sprintf("post%04d", s.seq)
	if p.PendingPostId != "" {
		s.pending[p.PendingPostId] = &p
	}
	p.CreateAt = model.GetMillis()
	if p.UserId == "" {
		p.UserId = BotID
	}
	s.posts = append(s.posts, &p)
	s.byID[p.Id] = &p
	s.json(w, 201, &p)
}

// createEphemeral answers as a real server does to a bot account: 403,
// since create_post_ephemeral belongs to system admins. The attempt is
// recorded, so a test can see that something tried.
func (s *Server) createEphemeral(w http.ResponseWriter, r *http.Request) {
	var e model.PostEphemeral
	if err := json.NewDecoder(r.Body).Decode(&e); err != nil || e.Post == nil {
		s.json(w, 400, model.NewAppError("fake", "bad", nil, "", 400))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.eph = append(s.eph, e)
	s.json(w, 403, model.NewAppError("createEphemeralPost", "api.context.permissions.app_error", nil, "", 403))
}

// botIn reports whether the bot may post in a channel: a direct channel
// it made, or a channel it is a member of.
func (s *Server) botIn(channel string) bool {
	if strings.HasPrefix(channel, "dm_") {
		return true
	}
	return slices.Contains(s.members[channel], BotID)
}

func (s *Server) deletePost(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byID[r.PathValue("id")]
	if !ok || p.DeleteAt != 0 {
		s.json(w, 404, model.NewAppError("fake", "app.post.get.app_error", nil, "", 404))
		return
	}
	p.DeleteAt = model.GetMillis()
	s.json(w, 200, map[string]string{"status": "OK"})
}

func (s *Server) patchPost(w http.ResponseWriter, r *http.Request) {
	var patch model.PostPatch
	if err := json.NewDecoder(r.Body).Decode(&patch); err != nil {
		s.json(w, 400, model.NewAppError("fake", "bad", nil, "", 400))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byID[r.PathValue("id")]
	if !ok || p.DeleteAt != 0 {
		s.json(w, 404, model.NewAppError("fake", "app.post.get.app_error", nil, "", 404))
		return
	}
	if patch.Message != nil {
		p.Message = *patch.Message
	}
	if patch.Props != nil {
		p.SetProps(*patch.Props)
	}
	p.EditAt = model.GetMillis()
	s.json(w, 200, p)
}

// DMChannel is the channel ID the fake gives the bot's DM with user.
func DMChannel(user string) string {
	ids := []string{BotID, user}
	sort.Strings(ids)
	return "dm_" + strings.Join(ids, "__")
}

func (s *Server) direct(w http.ResponseWriter, r *http.Request) {
	var ids []string
	if err := json.NewDecoder(r.Body).Decode(&ids); err != nil || len(ids) != 2 {
		s.json(w, 400, model.NewAppError("fake", "bad", nil, "", 400))
		return
	}
	other := ids[0]
	if other == BotID {
		other = ids[1]
	}
	s.json(w, 201, &model.Channel{Id: DMChannel(other), Type: model.ChannelTypeDirect})
}

func (s *Server) channelMembers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.botIn(r.PathValue("id")) {
		s.json(w, 403, model.NewAppError("fake", "api.context.permissions.app_error", nil, "", 403))
		return
	}
	var out model.ChannelMembers
	if p := r.URL.Query().Get("page"); p == "" || p == "0" {
		for _, u := range s.members[r.PathValue("id")] {
			out = append(out, model.ChannelMember{ChannelId: r.PathValue("id"), UserId: u})
		}
	}
	s.json(w, 200, out)
}

func (s *Server) openDialog(w http.ResponseWriter, r *http.Request) {
	var req model.OpenDialogRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.TriggerId == "" || req.URL == "" {
		s.json(w, 400, model.NewAppError("fake", "api.dialog.open.bad_request", nil, "", 400))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dialogs = append(s.dialogs, req)
	s.json(w, 200, map[string]string{"status": "OK"})
}

func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		s.json(w, 400, model.NewAppError("fake", "api.file.upload_file.bad_form", nil, "", 400))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var infos []*model.FileInfo
	for _, fhs := range r.MultipartForm.File {
		for _, fh := range fhs {
			f, _ := fh.Open()
			data, _ := io.ReadAll(f)
			f.Close()
			s.seq++
			id := fmt.Sprintf("file%04d", s.seq)
			s.files[id] = File{Name: fh.Filename, Channel: r.FormValue("channel_id"), Content: data}
			infos = append(infos, &model.FileInfo{Id: id, Name: fh.Filename, Size: int64(len(data))})
		}
	}
	s.json(w, 201, &model.FileUploadResponse{FileInfos: infos})
}

// File is an uploaded file.
type File struct {
	Name, Channel string
	Content       []byte
}

// Files returns the uploaded files by ID.
func (s *Server) Files() map[string]File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]File{}
	for k, v := range s.files {
		out[k] = v
	}
	return out
}

// Posts returns copies of the posts made in channel ("" for all).
func (s *Server) Posts(channel string) []*model.Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*model.Post
	for _, p := range s.posts {
		if (channel == "" || p.ChannelId == channel) && p.DeleteAt == 0 {
			out = append(out, p.Clone())
		}
	}
	return out
}

// PostAttempts counts post creations, failed ones included.
func (s *Server) PostAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates
}

// Ephemeral returns the ephemeral posts made.
func (s *Server) Ephemeral() []model.PostEphemeral {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]model.PostEphemeral(nil), s.eph...)
}

// Dialogs returns the dialogs opened.
func (s *Server) Dialogs() []model.OpenDialogRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]model.OpenDialogRequest(nil), s.dialogs...)
}

// Attachments returns a post's attachments.
func Attachments(p *model.Post) []*model.MessageAttachment {
	raw, _ := json.Marshal(p.GetProp(model.PostPropsAttachments))
	var out []*model.MessageAttachment
	_ = json.Unmarshal(raw, &out)
	return out
}

// Text is everything a reader sees in a post.
func Text(p *model.Post) string {
	parts := []string{p.Message}
	for _, a := range Attachments(p) {
		parts = append(parts, a.Pretext, a.Title, a.Text, a.Footer)
		for _, f := range a.Fields {
			parts = append(parts, fmt.Sprintf("%s: %v", f.Title, f.Value))
		}
	}
	return strings.Join(parts, "\n")
}

// Client plays the Mattermost server calling the bot.
type Client struct {
	BotURL string
	Token  string
	HTTP   *http.Client
	seq    atomic.Int64
}

// Reply is the bot's answer to a call.
type Reply struct {
	Status int
	Body   []byte
}

// Decode decodes the answer's JSON into v.
func (r Reply) Decode(v any) error { return json.Unmarshal(r.Body, v) }

func (c *Client) do(req *http.Request) Reply {
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Reply{Status: -1, Body: []byte(err.Error())}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Reply{Status: resp.StatusCode, Body: b}
}

// Command sends /samverkan text as the user, with mentions as Mattermost
// adds them (username -> user ID).
func (c *Client) Command(userID, username, channel, text string, mentions map[string]string) Reply {
	seq := c.seq.Add(1)
	f := url.Values{
		"token": {c.Token}, "team_id": {"team1"}, "team_domain": {"region"}, "channel_id": {channel},
		"channel_name": {channel}, "user_id": {userID}, "user_name": {username}, "command": {"/samverkan"},
		"text": {text}, "trigger_id": {fmt.Sprintf("trigger%d", seq)}, "response_url": {"http://127.0.0.1:1/hooks/x"},
	}
	// As the real server does (model.UserMentionMap.ToURLValues): one
	// repeated pair of keys per user, in map order, paired by position.
	for k, vs := range model.UserMentionMap(mentions).ToURLValues() {
		f[k] = vs
	}
	req, _ := http.NewRequest(http.MethodPost, c.BotURL+"/mattermost/command", strings.NewReader(f.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Token "+c.Token)
	return c.do(req)
}

// Click posts a button callback for action as the user.
func (c *Client) Click(a *model.PostAction, userID, username, channel, postID string) Reply {
	seq := c.seq.Add(1)
	body, _ := json.Marshal(model.PostActionIntegrationRequest{
		UserId: userID, UserName: username, ChannelId: channel, ChannelName: channel, TeamId: "team1",
		PostId: postID, TriggerId: fmt.Sprintf("trigger%d", seq), Context: a.Integration.Context,
	})
	req, _ := http.NewRequest(http.MethodPost, a.Integration.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return c.do(req)
}

// Cancel closes dialog d as a person pressing Cancel or Esc does: the
// real server, when the dialog asks to be told (notify_on_cancel), posts
// cancelled=true with an empty submission.
func (c *Client) Cancel(d model.OpenDialogRequest, userID, channel string) Reply {
	body, _ := json.Marshal(model.SubmitDialogRequest{
		Type: "dialog_submission", CallbackId: d.Dialog.CallbackId, State: d.Dialog.State,
		UserId: userID, ChannelId: channel, TeamId: "team1", Cancelled: true, Submission: map[string]any{},
	})
	req, _ := http.NewRequest(http.MethodPost, d.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return c.do(req)
}

// Submit posts a dialog submission as the user.
func (c *Client) Submit(d model.OpenDialogRequest, userID, channel string, values map[string]any) Reply {
	body, _ := json.Marshal(model.SubmitDialogRequest{
		Type: "dialog_submission", CallbackId: d.Dialog.CallbackId, State: d.Dialog.State,
		UserId: userID, ChannelId: channel, TeamId: "team1", Submission: values,
	})
	req, _ := http.NewRequest(http.MethodPost, d.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return c.do(req)
}
