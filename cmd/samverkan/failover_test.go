//go:build failover

package main

// The failover test: two `samverkan serve` replicas on one PostgreSQL
// database, against the fake Mattermost and Slack servers, with a
// conference every minute; the leader is SIGKILLed, then SIGSTOPped and
// woken, then PostgreSQL itself restarts, each a few seconds before an
// occurrence falls due, in the middle of a burst of acknowledgements.
// Each time a new leader must lead within 10 s, every answered command be
// stored, every message go out exactly once and the occurrence's agenda
// be posted exactly once, on both platforms.
//
//	SAMVERKAN_REQUIRE_POSTGRES=1 go test -tags failover -count=1 -v -run TestFailover ./cmd/samverkan/
//
// It restarts the machine's PostgreSQL (pg_ctlcluster), so it runs on its
// own, not within `go test ./...`; about three minutes.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
	"samverkan/bottest/pgtest"
	"samverkan/store/postgres"
)

// replica is one `samverkan serve` child process among several.
type replica struct {
	*serveProcess
	name string
}

func startReplica(t *testing.T, name string, vars map[string]string) *replica {
	t.Helper()
	env := maps.Clone(vars)
	env["SAMVERKAN_REPLICA"] = name
	r := &replica{serveProcess: startServeWith(t, env), name: name}
	t.Cleanup(func() {
		_ = r.cmd.Process.Signal(syscall.SIGCONT)
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		if t.Failed() {
			t.Logf("replica %s said:\n%s", r.name, r.log)
		}
	})
	return r
}

// health is the replica's /healthz; false when it does not answer.
func (r *replica) health() (map[string]any, bool) {
	c := http.Client{Timeout: 500 * time.Millisecond}
	resp, err := c.Get("http://" + r.addr + "/healthz")
	if err != nil {
		return nil, false
	}
	defer resp.Body.Close()
	var h map[string]any
	if json.NewDecoder(resp.Body).Decode(&h) != nil {
		return nil, false
	}
	return h, true
}

// metrics is the replica's /metrics lines that start with one of
// prefixes, for a failure's message.
func (r *replica) metrics(prefixes ...string) string {
	c := http.Client{Timeout: time.Second}
	resp, err := c.Get("http://" + r.addr + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out []string
	for line := range strings.Lines(string(body)) {
		for _, p := range prefixes {
			if strings.HasPrefix(line, p) {
				out = append(out, strings.TrimSpace(line))
			}
		}
	}
	return strings.Join(out, "; ")
}

func (r *replica) leads() bool {
	h, ok := r.health()
	if !ok {
		return false
	}
	rep, _ := h["replica"].(map[string]any)
	return rep["role"] == "leader"
}

// waitLeader waits until exactly one of rs leads and returns it and how
// long that took.
func waitLeader(t *testing.T, since time.Time, limit time.Duration, rs ...*replica) (*replica, time.Duration) {
	t.Helper()
	for time.Since(since) < limit+5*time.Second {
		var leaders []*replica
		for _, r := range rs {
			if r.leads() {
				leaders = append(leaders, r)
			}
		}
		if len(leaders) == 1 {
			return leaders[0], time.Since(since)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no single leader %s after the event", limit+5*time.Second)
	return nil, 0
}

func TestFailover(t *testing.T) {
	url := strings.Replace(pgtest.Database(t), "pool_max_conns=2", "pool_max_conns=16", 1)
	mm, sl := mmtest.New(), slackfake.New()
	defer mm.Close()
	defer sl.Close()
	const actors = 10
	mm.AddUser("u_admin", "admin")
	var users []string
	for i := range actors {
		users = append(users, fmt.Sprintf("u%02d", i))
		mm.AddUser(users[i], users[i])
	}
	mm.AddChannel("ch_forum", users...)
	sl.AddChannel("C_FORUM")
	vars := map[string]string{
		"SAMVERKAN_DATABASE_URL":   url,
		"SAMVERKAN_MATTERMOST_URL": mm.URL, "SAMVERKAN_MATTERMOST_TOKEN": "bot-token", "SAMVERKAN_MATTERMOST_COMMAND_TOKENS": "tok",
		"SAMVERKAN_SLACK_BOT_TOKEN": "xoxb-test", "SAMVERKAN_SLACK_SIGNING_SECRET": "secret", "SAMVERKAN_SLACK_API_URL": sl.APIURL(),
		"SAMVERKAN_ADMINS": "mattermost:u_admin,slack:U_ADMIN",
		"SAMVERKAN_DATA":   filepath.Join(t.TempDir(), "unused.db"),
	}
	rs := []*replica{startReplica(t, "r1", vars), startReplica(t, "r2", vars)}
	leader, took := waitLeader(t, time.Now(), 10*time.Second, rs...)
	t.Logf("first election: %s leads after %s", leader.name, took.Round(time.Millisecond))

	// Commands go to either replica, as a load balancer sends them; one
	// that does not answer within 5 s counts as not answered.
	var turn int
	var turnMu sync.Mutex
	command := func(user, text string, mentions map[string]string) string {
		turnMu.Lock()
		r := rs[turn%len(rs)]
		turn++
		turnMu.Unlock()
		return commandTo(r, user, text, mentions)
	}
	// person is command as a person types it under load: one answered
	// "busy" (nothing was done; try again in a few seconds) is typed
	// again a second later, up to five times. The replicas share two
	// cores with PostgreSQL and the load here, and each one's admission
	// control counts the other's work as its own saturation.
	person := func(user, text string) string {
		out := command(user, text, nil)
		for range 5 {
			if !strings.Contains(out, "fler förfrågningar än den hinner med") {
				break
			}
			t.Logf("%q was answered busy; typed again a second later", text)
			time.Sleep(time.Second)
			out = command(user, text, nil)
		}
		return out
	}
	must := func(out, want string) {
		t.Helper()
		if !strings.Contains(out, want) {
			turnMu.Lock()
			var state []string
			for _, r := range rs {
				state = append(state, r.name+": "+r.metrics("samverkan_commands", "samverkan_leader "))
			}
			turnMu.Unlock()
			t.Fatalf("want %q in the answer, got: %s\nthe replicas: %s", want, out, strings.Join(state, "\n"))
		}
	}
	must(command("u_admin", `forum skapa big "Stor" nivå=inriktande`, nil), "big")
	must(command("u_admin", "forum kanal big", nil), "big")
	sc := &slackfake.Client{BotURL: "http://" + rs[1].addr, Secret: "secret"}
	if r := sc.Command("U_ADMIN", "C_FORUM", "forum kanal big", sl.HookURL()); r.Status != 200 {
		t.Fatalf("binding the Slack channel: %d", r.Status)
	}
	for i, u := range users {
		a := fmt.Sprintf("a%02d", i)
		command("u_admin", fmt.Sprintf(`aktör lägg-till %s "Aktör %d"`, a, i), nil)
		command("u_admin", "forum anslut big "+a, nil)
		must(command("u_admin", fmt.Sprintf("medlem lägg-till @%s aktör=%s roll=tib,ordförande", u, a), map[string]string{u: u}), u)
	}
	// A conference every minute for the next quarter of an hour.
	loc := bot.Stockholm()
	var times []string
	for i := 1; i <= 15; i++ {
		times = append(times, time.Now().In(loc).Add(time.Duration(i)*time.Minute).Format("15:04"))
	}
	slices.Sort(times)
	must(command("u00", "konferens schema big dagligen "+strings.Join(slices.Compact(times), ",")+" Europe/Stockholm", nil), "big")

	pg := openStore(t, url)
	answered := map[string]bool{} // user -> acknowledgement answered, this round
	parent := t                   // replicas restarted in a round outlive it
	for round, event := range []string{"SIGKILL", "SIGSTOP", "PostgreSQL restart"} {
		t.Run(event, func(t *testing.T) {
			clear(answered)
			// Be eight seconds before the next minute: occurrences before
			// it open (and post their agendas) meanwhile.
			next := time.Now().Truncate(time.Minute).Add(time.Minute)
			if time.Until(next) < 9*time.Second {
				next = next.Add(time.Minute)
			}
			time.Sleep(time.Until(next.Add(-8 * time.Second)))
			// Close a meeting left open, so the next occurrence opens its
			// own, and count the agendas from here.
			person("u00", "konferens avsluta big")
			agendasBefore := countAgendas(mm, sl)
			time.Sleep(time.Until(next.Add(-7 * time.Second)))
			// Load at 200 commands/s through both replicas, from before the
			// activation until the new leader leads: situation reports, each
			// with a text of its own.
			ld := startLoad(command, users[1:], round)
			time.Sleep(time.Until(next.Add(-6 * time.Second)))
			out := person("u00", "aktivera big")
			if round > 0 {
				must(person("u00", "avaktivera big bekräfta"), "tillbaka i ordinarie läge")
				out = person("u00", "aktivera big")
			}
			must(out, "kallas in")
			time.Sleep(time.Until(next.Add(-4 * time.Second)))

			// The burst: every actor acknowledges, through either replica.
			type ack struct{ user, answer string }
			acks := make(chan ack, actors)
			var wg sync.WaitGroup
			for _, u := range users[1:] {
				wg.Go(func() { acks <- ack{u, command(u, "kvittera big", nil)} })
				time.Sleep(30 * time.Millisecond)
				if u == users[actors/2] {
					// In the middle of it, the event.
					leader = event_(t, event, leader, rs)
				}
			}
			eventAt := lastEvent
			wg.Wait()
			close(acks)
			for a := range acks {
				if strings.Contains(a.answer, "Kvitterat för") {
					answered[a.user] = true
				}
			}
			var took time.Duration
			leader, took = waitLeader(t, eventAt, 10*time.Second, rs...)
			failovers = append(failovers, fmt.Sprintf("%s: %s", event, took.Round(time.Millisecond)))
			if took > 10*time.Second {
				t.Errorf("after the %s a new leader took %s (over 10 s)", event, took)
			}
			t.Logf("after the %s, %s leads after %s; %d of %d acknowledgements answered", event, leader.name, took.Round(time.Millisecond), len(answered), actors-1)
			if event == "SIGSTOP" {
				time.Sleep(2 * time.Second)
				for _, r := range rs {
					_ = r.cmd.Process.Signal(syscall.SIGCONT)
				}
			}
			if event == "SIGKILL" {
				// The killed replica comes back, as a follower.
				for i, r := range rs {
					if r.cmd.ProcessState != nil {
						back := startReplica(parent, r.name, vars)
						turnMu.Lock()
						rs[i] = back
						turnMu.Unlock()
					}
				}
			}
			sent, saved := ld.stop()
			t.Logf("load during the %s: %d reports sent at 200/s, %d answered as saved", event, sent, len(saved))
			if len(saved) < sent/3 {
				t.Errorf("only %d of %d reports answered during the %s", len(saved), sent, event)
			}
			stored := storedReports(t, pg)
			for text, u := range saved {
				if !stored[text] {
					t.Errorf("%s was told %q was saved, but it is not stored", u, text)
				}
			}
			// Everything goes out, the occurrence's agenda included.
			deadline := time.Now().Add(60 * time.Second)
			for time.Now().Before(deadline) && (pending(leader) != 0 || countAgendas(mm, sl) == agendasBefore || time.Now().Before(next.Add(2*time.Second))) {
				time.Sleep(100 * time.Millisecond)
			}
			if n := pending(leader); n != 0 {
				t.Fatalf("%d messages still pending 60 s after the %s", n, event)
			}
			act := latestActivation(t, pg)
			for u := range answered {
				if act.AckOf("a"+strings.TrimPrefix(u, "u")) == nil {
					t.Errorf("%s was answered, but the acknowledgement is not stored", u)
				}
			}
			if got := countAgendas(mm, sl) - agendasBefore; got != 2 {
				t.Errorf("the occurrence at %s: %d agendas posted (Mattermost and Slack), want 1 on each", next.In(loc).Format("15:04"), got)
			}
			calls := round + 1 // one call-in per activation, u00 (who activated) answered at once
			for _, u := range users[1:] {
				if n := countPosts(mm.Posts(mmtest.DMChannel(u)), "Inkallning"); n != calls {
					t.Errorf("%s has %d call-in messages after %d activations, want exactly %d", u, n, calls, calls)
				}
			}
			if dup := duplicates(mm, sl); len(dup) > 0 {
				t.Errorf("posted more than once: %v", dup)
			}
		})
	}
	t.Logf("failover times: %s", strings.Join(failovers, "; "))
}

// load sends situation reports at 200 a second until stopped, and keeps
// which were answered as saved.
type load struct {
	quit     chan struct{}
	done     sync.WaitGroup
	mu       sync.Mutex
	sent     int
	answered map[string]string // report text -> who was told it was saved
}

func startLoad(command func(user, text string, mentions map[string]string) string, users []string, round int) *load {
	l := &load{quit: make(chan struct{}), answered: map[string]string{}}
	const every = 5 * time.Millisecond
	tick := time.NewTicker(every)
	start := time.Now()
	l.done.Go(func() {
		defer tick.Stop()
		for n := 0; ; {
			select {
			case <-l.quit:
				return
			case <-tick.C:
			}
			// Open loop: as many as are due by now, even when ticks were
			// dropped while this goroutine waited for a CPU.
			for due := int(time.Since(start) / every); n < due; n++ {
				u, text := users[n%len(users)], fmt.Sprintf("Last %d-%d", round, n)
				l.mu.Lock()
				l.sent++
				l.mu.Unlock()
				l.done.Go(func() {
					out := command(u, fmt.Sprintf(`lägesbild ny big fakta=%q tlp=GREEN`, text), nil)
					if strings.Contains(out, "är sparad") {
						l.mu.Lock()
						l.answered[text] = u
						l.mu.Unlock()
					}
				})
			}
		}
	})
	return l
}

// stop ends the load, waits for every answer, and says how many were
// sent and which were answered as saved.
func (l *load) stop() (int, map[string]string) {
	close(l.quit)
	l.done.Wait()
	return l.sent, l.answered
}

// storedReports is every situation report text stored in forum big.
func storedReports(t *testing.T, st *postgres.Store) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := st.View(func(tx bot.Tx) error {
		return tx.ForEach(bot.BucketReports, "big|", func(k string, decode func(any) error) error {
			if !strings.HasPrefix(k, "big|") {
				return bot.ErrStop
			}
			var r bot.Report
			if err := decode(&r); err != nil {
				return err
			}
			for _, sec := range r.Sections {
				out[sec.Text] = true
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	lastEvent time.Time
	failovers []string
)

// event_ does it to the leader (or to PostgreSQL) and returns the leader
// as it was.
func event_(t *testing.T, event string, leader *replica, rs []*replica) *replica {
	lastEvent = time.Now()
	switch event {
	case "SIGKILL":
		_ = leader.cmd.Process.Signal(syscall.SIGKILL)
		_ = leader.cmd.Wait()
	case "SIGSTOP":
		_ = leader.cmd.Process.Signal(syscall.SIGSTOP)
	default:
		versions, _ := filepath.Glob("/etc/postgresql/*")
		if len(versions) == 0 {
			t.Fatal("no /etc/postgresql/*: cannot restart PostgreSQL here")
		}
		out, err := exec.Command("pg_ctlcluster", "--skip-systemctl-redirect", filepath.Base(versions[0]), "main", "restart").CombinedOutput()
		if err != nil {
			t.Fatalf("restarting PostgreSQL: %v\n%s", err, out)
		}
	}
	return leader
}

// commandTo runs a slash command through one replica's Mattermost route.
func commandTo(r *replica, user, text string, mentions map[string]string) string {
	c := &mmtest.Client{BotURL: "http://" + r.addr, Token: "tok", HTTP: &http.Client{Timeout: 5 * time.Second}}
	return string(c.Command(user, user, "ch_forum", text, mentions).Body)
}

func pending(r *replica) int {
	h, ok := r.health()
	if !ok {
		return -1
	}
	n, ok := h["outbox_pending"].(float64)
	if !ok {
		return -1
	}
	return int(n)
}

func openStore(t *testing.T, url string) *postgres.Store {
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func latestActivation(t *testing.T, st *postgres.Store) *bot.Activation {
	t.Helper()
	var act *bot.Activation
	err := st.View(func(tx bot.Tx) error {
		var last bot.Activation
		if _, err := tx.Last(bot.BucketActivations, &last); err != nil {
			return err
		}
		act = &last
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return act
}

// countAgendas counts the agendas posted, on both platforms.
func countAgendas(mm *mmtest.Server, sl *slackfake.Server) int {
	n := countPosts(mm.Posts("ch_forum"), "Samverkanskonferens: Stor")
	for _, c := range sl.Posts("C_FORUM") {
		if strings.Contains(fmt.Sprint(c.Params), "Samverkanskonferens: Stor") {
			n++
		}
	}
	return n
}

// duplicates lists outbox items posted more than once: the same outbox
// key (Mattermost's samverkan_key prop, Slack's message metadata) with
// the same text.
func duplicates(mm *mmtest.Server, sl *slackfake.Server) []string {
	seen := map[string]int{}
	for _, p := range mm.Posts("") {
		if key, _ := p.GetProp("samverkan_key").(string); key != "" {
			seen["mattermost "+key+" "+mmtest.Text(p)]++
		}
	}
	for _, c := range sl.Calls("chat.postMessage") {
		if md := fmt.Sprint(c.Params["metadata"]); strings.Contains(md, "samverkan_outbox") {
			seen["slack "+md+" "+c.Str("text")]++
		}
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(seen)) {
		if seen[k] > 1 {
			out = append(out, fmt.Sprintf("%d× %.100s", seen[k], k))
		}
	}
	return out
}
