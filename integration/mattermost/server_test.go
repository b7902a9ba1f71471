//go:build integration

// Package mattermost_test runs samverkan against a real Mattermost server
// (9.9, built from the module proxy by .ci/mattermost.sh, on the machine's
// PostgreSQL) and drives it as people do: slash commands through
// /api/v4/commands/execute, buttons through /api/v4/posts/{id}/actions,
// dialogs through the open_dialog websocket event and
// /api/v4/actions/dialogs/submit. It asserts on what people see: posts,
// edits, direct messages, ephemeral websocket events.
//
// Run it alone with
//
//	eval "$(bash .ci/mattermost.sh)" && go test -tags integration -count=1 -v ./integration/mattermost/
package mattermost_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

const password = "Samverkan-test-1!"

// server is a running Mattermost with its database.
type server struct {
	URL   string
	db    string
	cmd   *exec.Cmd
	log   *os.File
	Admin *model.Client4
}

// freePort returns a loopback address nothing listens on.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// psql runs one statement as the postgres superuser over loopback.
func psql(t *testing.T, sql string) {
	t.Helper()
	out, err := exec.Command("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql).CombinedOutput()
	if err != nil {
		t.Fatalf("psql %q: %v\n%s", sql, err, out)
	}
}

// startServer starts Mattermost on a database of its own; the server and
// the database go when the test ends.
func startServer(t *testing.T) *server {
	t.Helper()
	// Without a server or a database the test skips, unless CI asks for
	// it (SAMVERKAN_REQUIRE_INTEGRATION=1), where a skip would hide that
	// nothing ran.
	skip := t.Skip
	if os.Getenv("SAMVERKAN_REQUIRE_INTEGRATION") != "" {
		skip = t.Fatal
	}
	bin, src := os.Getenv("SAMVERKAN_MM_BIN"), os.Getenv("SAMVERKAN_MM_SRC")
	if bin == "" || src == "" {
		skip("no Mattermost server built: run `eval \"$(bash .ci/mattermost.sh)\"` first (.ci/run does)")
	}
	if err := exec.Command("pg_isready", "-h", "127.0.0.1").Run(); err != nil {
		skip("PostgreSQL is not reachable on 127.0.0.1:5432 (pg_isready: " + err.Error() + ")")
	}
	s := &server{db: fmt.Sprintf("samverkan_mm_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)}
	psql(t, "CREATE DATABASE "+s.db)
	t.Cleanup(func() { psql(t, "DROP DATABASE IF EXISTS "+s.db+" WITH (FORCE)") })
	addr := freePort(t)
	s.URL = "http://" + addr
	dir := t.TempDir()
	dsn := "postgres://postgres@127.0.0.1:5432/" + s.db + "?sslmode=disable&connect_timeout=10"
	s.cmd = exec.Command(bin, "--config", dsn)
	s.cmd.Dir = src
	s.cmd.Env = append(os.Environ(),
		"MM_SQLSETTINGS_DRIVERNAME=postgres", "MM_SQLSETTINGS_DATASOURCE="+dsn,
		"MM_SERVICESETTINGS_SITEURL="+s.URL, "MM_SERVICESETTINGS_LISTENADDRESS="+addr,
		"MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION=true", "MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS=true",
		"MM_SERVICESETTINGS_ENABLECOMMANDS=true", "MM_SERVICESETTINGS_ENABLECUSTOMCOMMANDS=true",
		"MM_SERVICESETTINGS_ENABLEPOSTUSERNAMEOVERRIDE=false", "MM_SERVICESETTINGS_ENABLEINSECUREOUTGOINGCONNECTIONS=true",
		"MM_TEAMSETTINGS_ENABLEOPENSERVER=true", "MM_TEAMSETTINGS_MAXUSERSPERTEAM=1000",
		"MM_EMAILSETTINGS_SENDEMAILNOTIFICATIONS=false", "MM_EMAILSETTINGS_REQUIREEMAILVERIFICATION=false",
		"MM_PLUGINSETTINGS_ENABLE=false", "MM_PLUGINSETTINGS_DIRECTORY="+filepath.Join(dir, "plugins"),
		"MM_PLUGINSETTINGS_CLIENTDIRECTORY="+filepath.Join(dir, "client-plugins"),
		"MM_FILESETTINGS_DIRECTORY="+filepath.Join(dir, "data")+"/",
		"MM_LOGSETTINGS_ENABLECONSOLE=false", "MM_LOGSETTINGS_FILELOCATION="+dir,
		"MM_RATELIMITSETTINGS_ENABLE=false", "MM_SERVICESETTINGS_ENABLESECURITYFIXALERT=false",
		"MM_LOGSETTINGS_ENABLEDIAGNOSTICS=false", "MM_SERVICESETTINGS_ENABLEDEVELOPER=false",
	)
	var err error
	if s.log, err = os.Create(filepath.Join(dir, "server.out")); err != nil {
		t.Fatal(err)
	}
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	})
	start := time.Now()
	for {
		if resp, err := http.Get(s.URL + "/api/v4/system/ping"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Since(start) > 2*time.Minute {
			out, _ := os.ReadFile(s.log.Name())
			t.Fatalf("Mattermost did not start:\n%s", tail(string(out), 3000))
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("Mattermost up in %s", time.Since(start).Round(time.Millisecond))
	s.Admin = model.NewAPIv4Client(s.URL)
	ctx := context.Background()
	if _, _, err := s.Admin.CreateUser(ctx, &model.User{Username: "admin", Email: "admin@example.org", Password: password}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Admin.Login(ctx, "admin", password); err != nil {
		t.Fatal(err)
	}
	// Set through the API, not the environment, so that a test can take
	// it away again (settings from MM_* variables cannot be changed).
	s.AllowLoopback(t, true)
	return s
}

// AllowLoopback sets whether the server may call integrations on
// 127.0.0.1 (ServiceSettings.AllowedUntrustedInternalConnections):
// without it, it cannot reach the bot.
func (s *server) AllowLoopback(t *testing.T, allow bool) {
	t.Helper()
	hosts := ""
	if allow {
		hosts = "127.0.0.1 localhost"
	}
	cfg := &model.Config{ServiceSettings: model.ServiceSettings{AllowedUntrustedInternalConnections: model.NewPointer(hosts)}}
	if _, _, err := s.Admin.PatchConfig(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// person is a Mattermost user logged in, with the websocket events the
// server sends them.
type person struct {
	Name   string
	User   *model.User
	Client *model.Client4
	mu     sync.Mutex
	events []*model.WebSocketEvent
}

// newPerson creates a user, adds them to the team and logs them in.
func (s *server) newPerson(t *testing.T, name, team string) *person {
	t.Helper()
	ctx := context.Background()
	u, _, err := s.Admin.CreateUser(ctx, &model.User{Username: name, Email: name + "@example.org", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Admin.AddTeamMember(ctx, team, u.Id); err != nil {
		t.Fatal(err)
	}
	p := &person{Name: name, User: u, Client: model.NewAPIv4Client(s.URL)}
	if _, _, err := p.Client.Login(ctx, name, password); err != nil {
		t.Fatal(err)
	}
	ws, err := model.NewWebSocketClient4("ws"+strings.TrimPrefix(s.URL, "http"), p.Client.AuthToken)
	if err != nil {
		t.Fatal(err)
	}
	ws.Listen()
	t.Cleanup(ws.Close)
	go func() {
		for {
			select {
			case ev, ok := <-ws.EventChannel:
				if !ok {
					return
				}
				p.mu.Lock()
				p.events = append(p.events, ev)
				p.mu.Unlock()
			case _, ok := <-ws.ResponseChannel:
				if !ok {
					return
				}
			case _, ok := <-ws.PingTimeoutChannel:
				if !ok {
					return
				}
			}
		}
	}()
	return p
}

// Events returns the events of a type the person has received so far.
func (p *person) Events(kind model.WebsocketEventType) []*model.WebSocketEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*model.WebSocketEvent
	for _, e := range p.events {
		if e.EventType() == kind {
			out = append(out, e)
		}
	}
	return out
}

// waitFor polls cond until it holds or 30 seconds are up.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	waitForWithin(t, 30*time.Second, what, cond, nil)
}

// waitForWithin polls cond until it holds or d is up. The server and the
// bot run on the wall clock; polling is how a person finds out too.
// On failure it shows what explain returns (the bot's log, say).
func waitForWithin(t *testing.T, d time.Duration, what string, cond func() bool, explain func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			if explain != nil {
				t.Fatalf("gave up waiting for %s\n%s", what, tail(explain(), 6000))
			}
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
