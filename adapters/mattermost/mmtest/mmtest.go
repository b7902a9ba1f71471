// Package mmtest is a fake Mattermost server for tests: the parts of API
// v4 the bot calls, decoding requests into the real model types and
// recording them, plus a client that calls the bot as Mattermost does.
package mmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// BotID is the bot account's user ID.
const BotID = "botuser"

// Server is the fake Mattermost API.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	users    map[string]*model.User
	posts    []*model.Post
	byID     map[string]*model.Post
	eph      []model.PostEphemeral
	dialogs  []model.OpenDialogRequest
	members  map[string][]string
	files    map[string]File
	pending  map[string]*model.Post
	seq      int
	failNext int
	hang     time.Duration
	creates  int
}

// New starts a fake server with the bot account.
func New() *Server {
	s := &Server{users: map[string]*model.User{BotID: {Id: BotID, Username: "samverkan", IsBot: true}}, byID: map[string]*model.Post{}, members: map[string][]string{}, files: map[string]File{}, pending: map[string]*model.Post{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/users/me", s.auth(func(w http.ResponseWriter, r *http.Request) { s.json(w, 200, s.users[BotID]) }))
	mux.HandleFunc("GET /api/v4/users/username/{name}", s.auth(s.userByName))
	mux.HandleFunc("GET /api/v4/users/{id}", s.auth(s.userByID))
	mux.HandleFunc("POST /api/v4/posts", s.auth(s.createPost))
	mux.HandleFunc("POST /api/v4/posts/ephemeral", s.auth(s.createEphemeral))
	mux.HandleFunc("PUT /api/v4/posts/{id}/patch", s.auth(s.patchPost))
	mux.HandleFunc("POST /api/v4/channels/direct", s.auth(s.direct))
	mux.HandleFunc("GET /api/v4/channels/{id}/members", s.auth(s.channelMembers))
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

// SetMembers sets a channel's members.
func (s *Server) SetMembers(channel string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[channel] = users
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
		h(w, r)
	}
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

func (s *Server) userByID(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
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

func (s *Server) createEphemeral(w http.ResponseWriter, r *http.Request) {
	var e model.PostEphemeral
	if err := json.NewDecoder(r.Body).Decode(&e); err != nil || e.Post == nil {
		s.json(w, 400, model.NewAppError("fake", "bad", nil, "", 400))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.eph = append(s.eph, e)
	s.json(w, 201, e.Post)
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
	if !ok {
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
		if channel == "" || p.ChannelId == channel {
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
	var names, ids []string
	for n, id := range mentions {
		names, ids = append(names, n), append(ids, id)
	}
	if len(names) > 0 {
		f.Set("user_mentions", strings.Join(names, ","))
		f.Set("user_mentions_ids", strings.Join(ids, ","))
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
