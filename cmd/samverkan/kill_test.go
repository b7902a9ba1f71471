package main

import (
	"encoding/json"
	"fmt"
	"net"
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

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/bot"
	"samverkan/store/bolt"
)

// serveProcess runs `samverkan serve` as a child process on data.
type serveProcess struct {
	cmd  *exec.Cmd
	addr string
	log  *lockedWriter
}

// startServe runs serve on data against the Mattermost at mmURL.
func startServe(t *testing.T, data, mmURL string) *serveProcess {
	t.Helper()
	return startServeWith(t, map[string]string{
		"SAMVERKAN_DATA": data, "SAMVERKAN_MATTERMOST_URL": mmURL, "SAMVERKAN_MATTERMOST_TOKEN": "bot-token",
		"SAMVERKAN_MATTERMOST_COMMAND_TOKENS": "tok", "SAMVERKAN_ADMINS": "mattermost:u_admin"})
}

// startServeWith runs serve with the environment variables vars on a
// free loopback port (its listen and public URL), and returns once it
// answers /healthz.
func startServeWith(t *testing.T, vars map[string]string) *serveProcess {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &serveProcess{addr: addr, log: &lockedWriter{}}
	p.cmd = exec.Command(os.Args[0])
	p.cmd.Env = append(os.Environ(), "SAMVERKAN_TEST_RUN=serve", "SAMVERKAN_LISTEN="+addr, "SAMVERKAN_PUBLIC_URL=http://"+addr)
	for k, v := range vars {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stderr, p.cmd.Stdout = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for range 400 {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			return p
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("serve did not start:\n%s", p.log)
	return nil
}

// lockedWriter collects a child's output while the test may read it.
type lockedWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (p *serveProcess) pending(t *testing.T) int {
	resp, err := http.Get("http://" + p.addr + "/healthz")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var h map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&h)
	n, _ := h["outbox_pending"].(float64)
	return int(n)
}

// TestSIGKILLInBurstLosesAndDuplicatesNothing kills the bot with SIGKILL
// in the middle of a burst of acknowledgements and approvals; after a
// restart every acknowledged command is stored and every message is
// delivered exactly once.
func TestSIGKILLInBurstLosesAndDuplicatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	mm := mmtest.New()
	defer mm.Close()
	mm.AddChannel("ch_forum")
	const actors = 24
	mm.AddUser("u_admin", "admin")
	data := filepath.Join(t.TempDir(), "kill.db")
	p := startServe(t, data, mm.URL)
	c := &mmtest.Client{BotURL: "http://" + p.addr, Token: "tok"}
	cmd := func(user, text string, mentions map[string]string) string {
		r := c.Command(user, user, "ch_forum", text, mentions)
		return string(r.Body)
	}
	cmd("u_admin", `aktör lägg-till a00 "Aktör 0"`, nil)
	cmd("u_admin", `forum skapa big "Stor" nivå=inriktande värd=a00`, nil)
	cmd("u_admin", "forum kanal big", nil)
	for i := range actors {
		id, user := fmt.Sprintf("a%02d", i), fmt.Sprintf("u%02d", i)
		mm.AddUser(user, user)
		if i > 0 {
			cmd("u_admin", fmt.Sprintf(`aktör lägg-till %s "Aktör %d"`, id, i), nil)
			cmd("u_admin", "forum anslut big "+id, nil)
		}
		roles := "tib"
		if i < 3 {
			roles = "tib,kommunikatör"
		}
		cmd("u_admin", fmt.Sprintf("medlem lägg-till @%s aktör=%s roll=%s", user, id, roles), map[string]string{user: user})
	}
	if out := cmd("u00", "aktivera big", nil); !strings.Contains(out, "är aktiverat") {
		t.Fatalf("activate: %s", out)
	}
	if out := cmd("u00", `budskap utkast big text="Undvik området."`, nil); !strings.Contains(out, "Budskap #1") {
		t.Fatalf("draft: %s", out)
	}
	// The burst: every actor acknowledges, the three communicators approve.
	type done struct{ user, answer string }
	answers := make(chan done, actors+3)
	var wg sync.WaitGroup
	for i := range actors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := fmt.Sprintf("u%02d", i)
			r := c.Command(u, u, "ch_forum", "kvittera big", nil)
			answers <- done{u, string(r.Body)}
		}()
	}
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := fmt.Sprintf("u%02d", i)
			r := c.Command(u, u, "ch_forum", "budskap godkänn 1 rev=1", nil)
			answers <- done{u + "/approve", string(r.Body)}
		}()
	}
	// Kill as soon as a third of the answers are back.
	var acked []string
	approved := 0
	for range (actors + 3) / 3 {
		a := <-answers
		if strings.Contains(a.answer, "Kvitterat för") {
			acked = append(acked, a.user)
		}
		if strings.Contains(a.answer, "Du har godkänt") {
			approved++
		}
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
	wg.Wait()
	close(answers)
	for a := range answers {
		if strings.Contains(a.answer, "Kvitterat för") {
			acked = append(acked, a.user)
		}
		if strings.Contains(a.answer, "Du har godkänt") {
			approved++
		}
	}
	if len(acked) == 0 {
		t.Fatal("no acknowledgement was answered before the kill; the test proves nothing")
	}
	// Restart and let the outbox drain.
	p = startServe(t, data, mm.URL)
	deadline := time.Now().Add(20 * time.Second)
	for p.pending(t) != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := p.pending(t); n != 0 {
		_ = p.cmd.Process.Signal(syscall.SIGQUIT)
		_ = p.cmd.Wait()
		t.Fatalf("%d messages still pending after restart; the restarted bot said:\n%s", n, p.log)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("SIGTERM exit: %v\n%s", err, p.log)
	}
	st, err := bolt.Open(data, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var act *bot.Activation
	var stmt *bot.Statement
	_ = st.View(func(tx bot.Tx) (err error) {
		if act, err = bot.GetActivation(tx, 1); err != nil {
			return err
		}
		stmt, err = bot.GetStatement(tx, 1)
		return err
	})
	for _, u := range acked {
		id := "a" + strings.TrimPrefix(u, "u")
		if act.AckOf(id) == nil {
			t.Errorf("%s got an answer but its acknowledgement is not stored", u)
		}
	}
	got := 0
	for _, a := range stmt.Approvers {
		if a.State == "approved" {
			got++
		}
	}
	if got < approved {
		t.Errorf("%d approvals answered, %d stored", approved, got)
	}
	// Exactly once: one call-in DM per actor (but u00, who activated and
	// so answered for a00 at once), one banner, one statement root.
	for i := range actors {
		u, want := fmt.Sprintf("u%02d", i), 1
		if i == 0 {
			want = 0
		}
		if n := countPosts(mm.Posts(mmtest.DMChannel(u)), "Inkallning"); n != want {
			t.Errorf("%s has %d call-in messages, want %d", u, n, want)
		}
	}
	if n := countPosts(mm.Posts("ch_forum"), "AKTIVERAT: Stor"); n != 1 {
		t.Errorf("%d banners, want 1", n)
	}
	if n := countPosts(mm.Posts("ch_forum"), "Samordnat budskap #1"); n != 1 {
		t.Errorf("%d statement roots, want 1", n)
	}
	t.Logf("acked before/after the kill: %d of %d; %d posts in all", len(acked), actors, len(mm.Posts("")))
}

func countPosts(posts []*model.Post, s string) int {
	n := 0
	for _, p := range posts {
		if strings.Contains(mmtest.Text(p), s) {
			n++
		}
	}
	return n
}
