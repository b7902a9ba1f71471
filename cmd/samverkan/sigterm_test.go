package main

import (
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
	"samverkan/store/bolt"
)

// TestSIGTERMFinishesWorkInFlightAndLeavesNothing runs `serve` in this
// process against fake Mattermost and Slack, sends a burst of commands
// from both, and SIGTERM in the middle of it: every command that got an
// answer is stored, the Slack forms being opened after their answer are
// opened before the process ends, serve returns cleanly, and no
// goroutine of it is left.
func TestSIGTERMFinishesWorkInFlightAndLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	mm, sl := mmtest.New(), slackfake.New()
	const actors = 12
	mm.AddUser("u_admin", "admin")
	var users []string
	for i := range actors {
		users = append(users, fmt.Sprintf("u%02d", i))
		mm.AddUser(users[i], users[i])
	}
	mm.AddChannel("ch_forum", users...)
	sl.AddChannel("C_FORUM")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	data := filepath.Join(t.TempDir(), "term.db")
	vars := map[string]string{
		"SAMVERKAN_LISTEN": addr, "SAMVERKAN_DATA": data, "SAMVERKAN_PUBLIC_URL": "http://" + addr,
		"SAMVERKAN_MATTERMOST_URL": mm.URL, "SAMVERKAN_MATTERMOST_TOKEN": "bot-token", "SAMVERKAN_MATTERMOST_COMMAND_TOKENS": "tok",
		"SAMVERKAN_SLACK_BOT_TOKEN": "xoxb-test", "SAMVERKAN_SLACK_SIGNING_SECRET": "secret", "SAMVERKAN_SLACK_API_URL": sl.APIURL(),
		"SAMVERKAN_ADMINS": "mattermost:u_admin,slack:U_ADMIN",
	}
	logs := &lockedWriter{}
	exit := make(chan int, 1)
	go func() { exit <- run([]string{"serve"}, nil, logs, logs, env(vars)) }()
	for i := 0; ; i++ {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if i == 200 {
			t.Fatalf("serve did not start:\n%s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	mc := &mmtest.Client{BotURL: "http://" + addr, Token: "tok"}
	sc := &slackfake.Client{BotURL: "http://" + addr, Secret: "secret"}
	cmd := func(user, text string, mentions map[string]string) string {
		return string(mc.Command(user, user, "ch_forum", text, mentions).Body)
	}
	cmd("u_admin", `forum skapa big "Stor" nivå=inriktande`, nil)
	cmd("u_admin", "forum kanal big", nil)
	sc.Command("U_ADMIN", "C_FORUM", "forum kanal big", sl.HookURL())
	for i, u := range users {
		a := fmt.Sprintf("a%02d", i)
		cmd("u_admin", fmt.Sprintf(`aktör lägg-till %s "Aktör %d"`, a, i), nil)
		cmd("u_admin", "forum anslut big "+a, nil)
		cmd("u_admin", fmt.Sprintf("medlem lägg-till @%s aktör=%s roll=tib", u, a), map[string]string{u: u})
	}
	cmd("u_admin", `aktör lägg-till sl "Slackaktören"`, nil)
	cmd("u_admin", "forum anslut big sl", nil)
	sc.Command("U_ADMIN", "C_FORUM", "medlem lägg-till <@U_SL|sl> aktör=sl roll=tib", sl.HookURL())
	if out := cmd("u00", "aktivera big", nil); !strings.Contains(out, "är aktiverat") {
		t.Fatalf("activate: %s\n%s", out, logs.String())
	}
	// Slack is slow now: the forms opened after each answer take a while.
	sl.SetDelay(300 * time.Millisecond)
	type answer struct{ user, text string }
	answers := make(chan answer, actors+4)
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() { answers <- answer{u, cmd(u, "kvittera big", nil)} })
	}
	for range 4 {
		wg.Go(func() {
			r := sc.Command("U_SL", "C_FORUM", "lägesbild ny big", sl.HookURL())
			answers <- answer{"U_SL", fmt.Sprint(r.Status)}
		})
	}
	// SIGTERM as soon as one acknowledgement has been answered, with the
	// rest (and the Slack forms) still in flight.
	var early []answer
	for a := range answers {
		early = append(early, a)
		if strings.Contains(a.text, "Kvitterat för") {
			break
		}
		if len(early) == actors+4 {
			t.Fatalf("no acknowledgement was answered: %+v", early)
		}
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(answers)
	code := <-exit
	if code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, logs.String())
	}
	acked, forms := map[string]bool{}, 0
	for _, a := range append(early, collect(answers)...) {
		switch {
		case strings.Contains(a.text, "Kvitterat för"):
			acked[a.user] = true
		case a.user == "U_SL" && a.text == "200":
			forms++
		}
	}
	// Every form Slack was told would open was opened before the end.
	if opened := len(sl.Calls("views.open")); opened != forms {
		t.Errorf("%d forms answered, %d opened before serve returned", forms, opened)
	}
	st, err := bolt.Open(data, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var act *bot.Activation
	_ = st.View(func(tx bot.Tx) (err error) { act, err = bot.GetActivation(tx, 1); return })
	for u := range acked {
		if act.AckOf("a"+strings.TrimPrefix(u, "u")) == nil {
			t.Errorf("%s was answered but its acknowledgement is not stored", u)
		}
	}
	t.Logf("answered before the end: %d acknowledgements, %d forms", len(acked), forms)
	mm.Close()
	sl.Close()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
}

func collect[T any](c <-chan T) []T {
	var out []T
	for v := range c {
		out = append(out, v)
	}
	return out
}
