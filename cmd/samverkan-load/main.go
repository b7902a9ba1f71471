// Command samverkan-load measures the bot under load on loopback: it
// starts the bot in-process on a durable bbolt file with fake Mattermost
// and Slack APIs, sends signed Slack and tokenised Mattermost slash
// commands and button callbacks at a fixed rate, bounded in count and
// time, and then does the same against a bare net/http handler, printing
// throughput, latency percentiles and the ratio between the two.
//
//	go run ./cmd/samverkan-load -rate 200 -duration 30s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
	"samverkan/commands"
	"samverkan/metrics"
	"samverkan/server"
	"samverkan/store/bolt"
)

const (
	cmdToken    = "load-token"
	slackSecret = "load-secret"
)

func main() {
	rate := flag.Int("rate", 200, "requests per second")
	dur := flag.Duration("duration", 30*time.Second, "how long to send")
	conc := flag.Int("concurrency", 64, "most requests in flight")
	max := flag.Int("max", 0, "stop after this many requests (0: rate × duration)")
	flag.Parse()
	if *rate <= 0 || *dur <= 0 || *dur > 10*time.Minute || *conc <= 0 {
		fmt.Fprintln(os.Stderr, "samverkan-load: want -rate > 0, 0 < -duration ≤ 10m, -concurrency > 0")
		os.Exit(2)
	}
	n := *max
	if n <= 0 {
		n = int(float64(*rate) * dur.Seconds())
	}
	if err := run(*rate, *dur, *conc, n); err != nil {
		fmt.Fprintln(os.Stderr, "samverkan-load:", err)
		os.Exit(1)
	}
}

// request is one prepared call.
type request struct {
	name  string
	path  string
	body  string
	ctype string
	sign  bool
}

func run(rate int, dur time.Duration, conc, n int) error {
	dir, err := os.MkdirTemp("", "samverkan-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	botURL, reqs, stop, err := startBot(filepath.Join(dir, "load.db"))
	if err != nil {
		return err
	}
	fmt.Printf("machine: %s/%s, %d CPUs, %s; bbolt with fsync in %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version(), dir)
	fmt.Printf("load: %d req/s for %s (at most %d requests, %d in flight), loopback\n\n", rate, dur, n, conc)
	botRes := fire(botURL, reqs, rate, dur, conc, n)
	stop()
	bare, closeBare := startBare()
	bareRes := fire(bare, reqs, rate, dur, conc, n)
	closeBare()
	fmt.Printf("%-34s %8s %8s %9s %9s %9s %9s %7s\n", "target", "sent", "req/s", "p50", "p95", "p99", "max", "errors")
	botRes.print("samverkan (commands + buttons)")
	bareRes.print("bare net/http handler")
	fmt.Printf("\nratio samverkan / bare: p50 %.1f×, p99 %.1f×, throughput %.2f×\n",
		ratio(botRes.pct(50), bareRes.pct(50)), ratio(botRes.pct(99), bareRes.pct(99)), botRes.rps()/bareRes.rps())
	for name, r := range botRes.byName() {
		fmt.Printf("  %-28s n=%-6d p50 %-9s p99 %s\n", name, len(r), pct(r, 50), pct(r, 99))
	}
	if botRes.errors > 0 {
		return fmt.Errorf("%d requests failed", botRes.errors)
	}
	return nil
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// startBot runs the real bot handler on a durable store with fake
// platforms, seeded with a forum, and returns the requests to send.
func startBot(path string) (string, []request, func(), error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := bolt.Open(path, time.Second)
	if err != nil {
		return "", nil, nil, err
	}
	mm, sl := mmtest.New(), slackfake.New()
	mm.AddUser("u_tove", "tove")
	mm.AddUser("u_sam", "sam")
	ob := &bot.Outbox{Store: st, Clock: bot.SystemClock{}, Platforms: map[bot.PlatformID]bot.Platform{}, Log: quiet}
	b := &bot.Bot{Store: st, Clock: bot.SystemClock{}, Notify: ob.Notify, Log: quiet, Lang: "sv",
		Admins: []bot.Identity{{Platform: bot.Mattermost, UserID: "u_admin"}}}
	e := commands.New(b, "sv")
	e.Log = quiet
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, nil, err
	}
	base := "http://" + ln.Addr().String()
	key := []byte("load-test-key-0123456789abcdef!!")
	mma := mattermost.New(e, mm.URL, "bot-token", []string{cmdToken}, base, key, quiet)
	sla := slack.New(e, "xoxb-load", slackSecret, "", sl.APIURL(), key, quiet)
	h := server.New(server.Options{Bot: b, Outbox: ob, Engine: e, Metrics: metrics.New(), Log: quiet, Mattermost: mma, Slack: sla, SlackHTTP: true})
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ob.Run(ctx); close(done) }()
	admin := bot.Caller{Identity: bot.Identity{Platform: bot.Mattermost, UserID: "u_admin"}, Admin: true}
	setup := func() error {
		for _, a := range []bot.Actor{{ID: "lst", Name: "Länsstyrelsen"}, {ID: "sos", Name: "SOS Alarm"}, {ID: "sthlm", Name: "Stockholms stad"}} {
			if err := b.AddActor(admin, a); err != nil {
				return err
			}
		}
		if err := b.CreateForum(admin, bot.Forum{ID: "ssr", Name: "Regional samverkan", Level: bot.LevelCoordinating, Host: "lst"}); err != nil {
			return err
		}
		if _, err := b.JoinForum(admin, "ssr", []string{"sos", "sthlm"}); err != nil {
			return err
		}
		for _, m := range []struct {
			id    bot.Identity
			actor string
		}{{bot.Identity{Platform: bot.Mattermost, UserID: "u_tove", Username: "tove"}, "lst"}, {bot.Identity{Platform: bot.Mattermost, UserID: "u_sam", Username: "sam"}, "sos"}, {bot.Identity{Platform: bot.Slack, UserID: "U_STINA", Username: "stina"}, "sthlm"}} {
			if _, _, err := b.AddMember(admin, bot.Member{Actor: m.actor, Roles: []bot.Role{bot.RoleDutyOfficer}}, m.id); err != nil {
				return err
			}
		}
		for _, c := range []bot.Channel{{Platform: bot.Mattermost, ID: "ch_mm", Name: "samverkan"}, {Platform: bot.Slack, ID: "C_SL", Name: "samverkan"}} {
			if err := b.BindChannel(admin, "ssr", c); err != nil {
				return err
			}
		}
		return nil
	}
	stop := func() {
		cancel()
		<-done
		_ = srv.Close()
		mm.Close()
		sl.Close()
		st.Close()
	}
	if err := setup(); err != nil {
		stop()
		return "", nil, nil, err
	}
	// Wait for the welcome posts: their buttons are the callbacks we click.
	var mmBtn *mmtestAction
	var slBtn map[string]any
	for i := 0; i < 200 && (mmBtn == nil || slBtn == nil); i++ {
		if ps := mm.Posts("ch_mm"); len(ps) > 0 {
			for _, a := range mmtest.Attachments(ps[0]) {
				if len(a.Actions) > 0 {
					mmBtn = &mmtestAction{URL: a.Actions[0].Integration.URL, Context: a.Actions[0].Integration.Context}
				}
			}
		}
		if ps := sl.Posts("C_SL"); len(ps) > 0 {
			slBtn = slackfake.Button(ps[0].Blocks(), "Visa forum")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if mmBtn == nil || slBtn == nil {
		stop()
		return "", nil, nil, fmt.Errorf("the welcome posts with buttons never arrived")
	}
	return base, buildRequests(mmBtn, slBtn), stop, nil
}

type mmtestAction struct {
	URL     string
	Context map[string]any
}

// buildRequests prepares the mix: reads and durable writes as slash
// commands on both platforms, and a button on each.
func buildRequests(mmBtn *mmtestAction, slBtn map[string]any) []request {
	mmCmd := func(user, name, text string) request {
		f := url.Values{"token": {cmdToken}, "team_id": {"t1"}, "channel_id": {"ch_mm"}, "channel_name": {"samverkan"},
			"user_id": {user}, "user_name": {name}, "command": {"/samverkan"}, "text": {text}}
		return request{name: "mattermost " + strings.Fields(text)[0], path: mattermost.PathCommand, body: f.Encode(), ctype: "application/x-www-form-urlencoded"}
	}
	slCmd := func(text string) request {
		f := url.Values{"team_id": {"T1"}, "channel_id": {"C_SL"}, "channel_name": {"samverkan"}, "user_id": {"U_STINA"},
			"user_name": {"stina"}, "command": {"/samverkan"}, "text": {text}}
		return request{name: "slack " + strings.Fields(text)[0], path: slack.PathCommands, body: f.Encode(), ctype: "application/x-www-form-urlencoded", sign: true}
	}
	mmClick := fmt.Sprintf(`{"user_id":"u_sam","user_name":"sam","channel_id":"ch_mm","team_id":"t1","post_id":"p1","context":{"s":%q}}`, mmBtn.Context["s"])
	slClick := (&slackfake.Client{}).InteractionBody(slackfake.BlockAction("U_STINA", "C_SL", "", slBtn))
	return []request{
		mmCmd("u_sam", "sam", "status ssr"),
		mmCmd("u_tove", "tove", `lägesbild ny ssr fakta="Lasttest: läget oförändrat." tlp=GREEN`),
		slCmd("forum visa ssr"),
		slCmd(`lägesbild ny ssr fakta="Lasttest från Slack." tlp=GREEN`),
		{name: "mattermost button", path: mattermost.PathActions, body: mmClick, ctype: "application/json"},
		{name: "slack button", path: slack.PathInteractions, body: string(slClick), ctype: "application/x-www-form-urlencoded", sign: true},
	}
}

// startBare is the baseline: a handler that reads the body and answers a
// fixed JSON, on the same loopback.
func startBare() (string, func()) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"response_type":"ephemeral","text":"ok"}`))
	})}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }
}

type sample struct {
	name string
	d    time.Duration
}

type result struct {
	samples []sample
	errors  int64
	elapsed time.Duration
	sorted  []time.Duration
}

// fire sends requests open-loop at rate, round-robin over reqs.
func fire(base string, reqs []request, rate int, dur time.Duration, conc, n int) *result {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}}
	res := &result{}
	var mu sync.Mutex
	var inflight atomic.Int64
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	start := time.Now()
	end := start.Add(dur)
	for i := 0; i < n && time.Now().Before(end); i++ {
		<-tick.C
		if inflight.Load() >= int64(conc) {
			atomic.AddInt64(&res.errors, 1) // the bot fell behind the rate
			continue
		}
		rq := reqs[i%len(reqs)]
		inflight.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer inflight.Add(-1)
			req, _ := http.NewRequest(http.MethodPost, base+rq.path, strings.NewReader(rq.body))
			req.Header.Set("Content-Type", rq.ctype)
			if rq.sign {
				ts := strconv.FormatInt(time.Now().Unix(), 10)
				req.Header.Set("X-Slack-Request-Timestamp", ts)
				req.Header.Set("X-Slack-Signature", slackfake.Sign(slackSecret, ts, []byte(rq.body)))
			}
			t0 := time.Now()
			resp, err := client.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			d := time.Since(t0)
			if err != nil || resp.StatusCode != http.StatusOK {
				atomic.AddInt64(&res.errors, 1)
				return
			}
			mu.Lock()
			res.samples = append(res.samples, sample{rq.name, d})
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	for _, s := range res.samples {
		res.sorted = append(res.sorted, s.d)
	}
	sort.Slice(res.sorted, func(i, j int) bool { return res.sorted[i] < res.sorted[j] })
	return res
}

func (r *result) pct(p float64) time.Duration {
	if len(r.sorted) == 0 {
		return 0
	}
	return r.sorted[min(len(r.sorted)-1, int(float64(len(r.sorted))*p/100))]
}

func (r *result) rps() float64 { return float64(len(r.samples)) / r.elapsed.Seconds() }

func (r *result) print(name string) {
	mx := time.Duration(0)
	if len(r.sorted) > 0 {
		mx = r.sorted[len(r.sorted)-1]
	}
	fmt.Printf("%-34s %8d %8.1f %9s %9s %9s %9s %7d\n", name, len(r.samples)+int(r.errors), r.rps(), round(r.pct(50)), round(r.pct(95)), round(r.pct(99)), round(mx), r.errors)
}

func (r *result) byName() map[string][]time.Duration {
	out := map[string][]time.Duration{}
	for _, s := range r.samples {
		out[s.name] = append(out[s.name], s.d)
	}
	for _, v := range out {
		sort.Slice(v, func(i, j int) bool { return v[i] < v[j] })
	}
	return out
}

func pct(v []time.Duration, p float64) string {
	return round(v[min(len(v)-1, int(float64(len(v))*p/100))]).String()
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
