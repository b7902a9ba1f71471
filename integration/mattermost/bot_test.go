//go:build integration

package mattermost_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

var (
	buildOnce sync.Once
	botBinary string
	buildErr  error
)

// binary builds samverkan once for the whole test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "samverkan-it-")
		if err != nil {
			buildErr = err
			return
		}
		botBinary = filepath.Join(dir, "samverkan")
		out, err := exec.Command("go", "build", "-o", botBinary, "samverkan/cmd/samverkan").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return botBinary
}

// samverkan is `samverkan serve` running against the server.
type samverkan struct {
	env   []string
	token string // the bot account's access token
	addr  string
	cmd   *exec.Cmd
	log   *lockedBuilder
}

type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start runs serve and waits until it answers.
func (b *samverkan) start(t *testing.T) {
	t.Helper()
	b.log = &lockedBuilder{}
	b.cmd = exec.Command(binary(t), "serve")
	b.cmd.Env = append(os.Environ(), b.env...)
	b.cmd.Stdout, b.cmd.Stderr = b.log, b.log
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "samverkan to start", func() bool {
		resp, err := http.Get("http://" + b.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
}

// stop sends SIGTERM and waits for a clean exit.
func (b *samverkan) stop(t *testing.T) {
	t.Helper()
	_ = b.cmd.Process.Signal(syscall.SIGTERM)
	if err := b.cmd.Wait(); err != nil {
		t.Fatalf("samverkan exit: %v\n%s", err, b.log.String())
	}
}

// world is a real Mattermost with a team, a channel, people, the bot
// account and the slash command, and samverkan serving it.
type world struct {
	t       *testing.T
	s       *server
	team    *model.Team
	channel *model.Channel
	botUser *model.User
	bot     *samverkan
	people  map[string]*person
}

func newWorld(t *testing.T) *world {
	s := startServer(t)
	ctx := context.Background()
	w := &world{t: t, s: s, people: map[string]*person{}}
	var err error
	if w.team, _, err = s.Admin.CreateTeam(ctx, &model.Team{Name: "region", DisplayName: "Region", Type: model.TeamOpen}); err != nil {
		t.Fatal(err)
	}
	me, _, _ := s.Admin.GetMe(ctx, "")
	if _, _, err := s.Admin.AddTeamMember(ctx, w.team.Id, me.Id); err != nil {
		t.Fatal(err)
	}
	w.people["admin"] = &person{Name: "admin", User: me, Client: s.Admin}
	for _, n := range []string{"tove", "sam", "klara", "otto", "ulf"} {
		w.people[n] = s.newPerson(t, n, w.team.Id)
	}
	if w.channel, _, err = s.Admin.CreateChannel(ctx, &model.Channel{TeamId: w.team.Id, Name: "samverkan", DisplayName: "Samverkan", Type: model.ChannelTypeOpen}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"tove", "sam", "klara"} {
		if _, _, err := s.Admin.AddChannelMember(ctx, w.channel.Id, w.people[n].User.Id); err != nil {
			t.Fatal(err)
		}
	}
	// The bot account and its token, as an operator makes them.
	b, _, err := s.Admin.CreateBot(ctx, &model.Bot{Username: "samverkan", DisplayName: "Samverkan"})
	if err != nil {
		t.Fatal(err)
	}
	if w.botUser, _, err = s.Admin.GetUser(ctx, b.UserId, ""); err != nil {
		t.Fatal(err)
	}
	tok, _, err := s.Admin.CreateUserAccessToken(ctx, b.UserId, "samverkan", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Admin.AddTeamMember(ctx, w.team.Id, b.UserId); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Admin.AddChannelMember(ctx, w.channel.Id, b.UserId); err != nil {
		t.Fatal(err)
	}
	// The slash command pointing at samverkan, which runs on addr.
	addr := freePort(t)
	cmd, _, err := s.Admin.CreateCommand(ctx, &model.Command{TeamId: w.team.Id, Trigger: "samverkan", Method: model.CommandMethodPost,
		URL: "http://" + addr + "/mattermost/command", DisplayName: "samverkan", AutoComplete: true})
	if err != nil {
		t.Fatal(err)
	}
	w.bot = &samverkan{addr: addr, token: tok.Token, env: []string{
		"SAMVERKAN_LISTEN=" + addr, "SAMVERKAN_DATA=" + filepath.Join(t.TempDir(), "samverkan.db"),
		"SAMVERKAN_PUBLIC_URL=http://" + addr, "SAMVERKAN_MATTERMOST_URL=" + s.URL,
		"SAMVERKAN_MATTERMOST_TOKEN=" + tok.Token, "SAMVERKAN_MATTERMOST_COMMAND_TOKENS=" + cmd.Token,
		"SAMVERKAN_ADMINS=mattermost:" + me.Id,
	}}
	w.bot.start(t)
	t.Cleanup(func() {
		if w.bot.cmd.ProcessState == nil {
			w.bot.stop(t)
		}
	})
	return w
}

// run executes /samverkan text as a person in a channel and returns what
// they see: the command's answer.
func (w *world) run(who, channel, text string) string {
	w.t.Helper()
	resp, r, err := w.people[who].Client.ExecuteCommand(context.Background(), channel, "/samverkan "+text)
	if err != nil {
		w.t.Fatalf("%s> /samverkan %s: %v (%v)\n%s", who, text, err, r, w.bot.log.String())
	}
	var parts []string
	for _, cr := range append([]*model.CommandResponse{resp}, resp.ExtraResponses...) {
		parts = append(parts, cr.Text)
		for _, a := range cr.Attachments {
			parts = append(parts, a.Pretext, a.Title, a.Text)
			for _, f := range a.Fields {
				parts = append(parts, f.Title+": "+stringOf(f.Value))
			}
		}
	}
	return strings.Join(parts, "\n")
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// posts returns the channel's posts as people see them, oldest first.
func (w *world) posts(channel string) []*model.Post {
	w.t.Helper()
	list, _, err := w.s.Admin.GetPostsForChannel(context.Background(), channel, 0, 200, "", false, false)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []*model.Post
	for i := len(list.Order) - 1; i >= 0; i-- {
		out = append(out, list.Posts[list.Order[i]])
	}
	return out
}

// dm is the direct channel between a person and the bot.
func (w *world) dm(who string) string {
	w.t.Helper()
	ch, _, err := w.people[who].Client.CreateDirectChannel(context.Background(), w.people[who].User.Id, w.botUser.Id)
	if err != nil {
		w.t.Fatalf("%s opening the direct channel with the bot: %v", who, err)
	}
	return ch.Id
}

// dmPosts are the posts in a person's direct channel with the bot, as
// they read them.
func (w *world) dmPosts(who string) []*model.Post {
	w.t.Helper()
	var list *model.PostList
	var err error
	// Right after a direct channel is made the server may refuse its
	// members for a moment (its membership cache), as it does the bot:
	// a person reloads.
	for try := 0; try < 50; try++ {
		var resp *model.Response
		list, resp, err = w.people[who].Client.GetPostsForChannel(context.Background(), w.dm(who), 0, 200, "", false, false)
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		w.t.Fatalf("%s reading the direct channel with the bot: %v", who, err)
	}
	var out []*model.Post
	for i := len(list.Order) - 1; i >= 0; i-- {
		out = append(out, list.Posts[list.Order[i]])
	}
	return out
}

// text is what a post shows.
func text(p *model.Post) string {
	parts := []string{p.Message}
	for _, a := range p.Attachments() {
		parts = append(parts, a.Pretext, a.Title, a.Text, a.Footer)
		for _, f := range a.Fields {
			parts = append(parts, f.Title+": "+stringOf(f.Value))
		}
	}
	return strings.Join(parts, "\n")
}

// find returns the newest post whose text holds s.
func find(posts []*model.Post, s string) *model.Post {
	for i := len(posts) - 1; i >= 0; i-- {
		if strings.Contains(text(posts[i]), s) {
			return posts[i]
		}
	}
	return nil
}

// button returns the ID of a post's button by its label.
func button(p *model.Post, label string) string {
	for _, a := range p.Attachments() {
		for _, act := range a.Actions {
			if act.Name == label {
				return act.Id
			}
		}
	}
	return ""
}

// click presses a button on a post as a person.
func (w *world) click(who string, p *model.Post, label string) {
	w.t.Helper()
	id := button(p, label)
	if id == "" {
		w.t.Fatalf("no %q button on %s", label, text(p))
	}
	if _, err := w.people[who].Client.DoPostAction(context.Background(), p.Id, id); err != nil {
		w.t.Fatalf("%s pressing %q: %v\n%s", who, label, err, w.bot.log.String())
	}
}

// ephemeral returns the texts of ephemeral messages a person was shown.
func (p *person) ephemeral() string {
	var out []string
	for _, e := range p.Events(model.WebsocketEventEphemeralMessage) {
		if raw, ok := e.GetData()["post"].(string); ok {
			var post model.Post
			if err := json.Unmarshal([]byte(raw), &post); err == nil {
				out = append(out, text(&post))
			}
		}
	}
	return strings.Join(out, "\n---\n")
}

func must(t *testing.T, answer string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(answer, s) {
			t.Fatalf("answer lacks %q:\n%s", s, answer)
		}
	}
}
