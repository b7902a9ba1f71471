//go:build browser

package board_test

// The status board in a real browser: headless Chromium (Debian's
// chromium package) driven by chromedp, against the application as
// `samverkan serve` builds it (app.New) on the demo data, with chat
// through the Mattermost routes of a fake Mattermost.
//
//	go test -tags browser -count=1 -v ./board/
//
// How it looks (both widths, print, axe-core): browser_look_test.go.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/shell"
	"samverkan/app"
	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/config"
)

// chromium starts a headless browser as PLATFORMS.md says it runs here.
func chromium(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("SAMVERKAN_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium is required (SAMVERKAN_REQUIRE_BROWSER=1) but not installed: apt-get install chromium")
		}
		t.Skip("SKIPPED: chromium is not installed (apt-get install chromium)")
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000)}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatal(err)
	}
	return ctx
}

// fresh is a new browser tab with no cookies of the other's.
func fresh(t *testing.T, parent context.Context) context.Context {
	ctx, cancel := chromedp.NewContext(parent, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return ctx
}

func TestBoardInABrowser(t *testing.T) {
	browser := chromium(t)
	env := bottest.NewEnv(t)
	mm := mmtest.New()
	defer mm.Close()
	for _, u := range []string{"u_admin", "u_sam", "u_per", "u_tove"} {
		mm.AddUser(u, strings.TrimPrefix(u, "u_"))
	}
	mm.AddChannel("ch_ssr", "u_sam", "u_per", "u_tove")
	// down stands for the bot gone: every request's connection is dropped.
	var down atomic.Bool
	srv := httptest.NewServer(nil)
	defer srv.Close()
	cfg := &config.Config{Locale: "sv", PublicURL: srv.URL, Admins: []string{"mattermost:u_admin"},
		Mattermost: config.Mattermost{URL: mm.URL, Token: "bot-token", CommandTokens: []string{"tok"}}}
	ctx := context.Background()
	clock := &bot.OffsetClock{Base: bot.SystemClock{}} // real time, that the test can move on
	a, err := app.New(ctx, app.Options{Config: cfg, Store: env.Store, Clock: clock, Log: bottest.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			panic(http.ErrAbortHandler)
		}
		a.Handler.ServeHTTP(w, r)
	})
	if _, err := shell.SeedDemo(ctx, a.Bot); err != nil {
		t.Fatal(err)
	}
	work, stop := context.WithCancel(ctx)
	defer stop()
	go a.Run(work)

	c := &mmtest.Client{BotURL: srv.URL, Token: "tok"}
	cmd := func(user, text string) string {
		t.Helper()
		return string(c.Command(user, strings.TrimPrefix(user, "u_"), "ch_ssr", text, map[string]string{"sam": "u_sam", "per": "u_per", "tove": "u_tove"}).Body)
	}
	// The demo's people on Mattermost too, the channel bound, the forum
	// activated as an exercise, a RED report for Tove only.
	for _, p := range []string{"sam aktör=sos roll=tib id=sam", "per aktör=pol roll=tib id=per", "tove aktör=lst roll=tib id=tove"} {
		cmd("u_admin", "medlem lägg-till @"+p)
	}
	cmd("u_admin", "forum kanal ssr")
	if out := cmd("u_tove", "aktivera ssr övning"); !strings.Contains(out, "aktiverat") {
		t.Fatalf("activate: %s", out)
	}
	if _, err := a.Bot.Reports.File(ctx, caller(t, a, "u_per"), "ssr", []bot.ReportSection{{Key: "fakta", Text: "RÖTT: spaningsläget", Shared: true}}, bot.TLPRed, []bot.Identity{{Platform: bot.Mattermost, UserID: "u_tove"}}); err != nil {
		t.Fatal(err)
	}
	// And Stockholm's AMBER+STRICT report, with a section for the city
	// alone.
	stina, err := a.Bot.Caller(bot.Identity{Platform: bot.Shell, UserID: "stina"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Bot.Reports.File(ctx, stina, "ssr", []bot.ReportSection{{Key: "fakta", Text: "STRIKT: avspärrning vid Kista", Shared: true},
		{Key: "prognos", Text: "Internt hos staden: evakuering i natt"}}, bot.TLPAmberStrict, nil); err != nil {
		t.Fatal(err)
	}
	cmd("u_sam", "kvittera ssr")
	// A meeting with decisions and action items, a statement waiting.
	if out := cmd("u_tove", `konferens starta ssr form=video anslut="https://möte.example/ssr kod 4711"`); !strings.Contains(out, "#") {
		t.Fatalf("starting the meeting: %s", out)
	}
	cmd("u_sam", "närvarande")
	for _, line := range []string{"beslut Skolorna i Kista håller stängt i morgon", "beslut Länsstyrelsen samordnar informationen till allmänheten",
		"åtgärd Invånarinformation på webben ansvarig=sthlm senast=i-morgon", "åtgärd Besked om återställningstid ansvarig=ellevio senast=i-morgon"} {
		if out := cmd("u_tove", line); strings.Contains(out, "Okänt") || strings.Contains(out, "saknar") {
			t.Fatalf("%s: %s", line, out)
		}
	}
	klara, err := a.Bot.Caller(bot.Identity{Platform: bot.Shell, UserID: "klara"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Bot.Statements.Draft(ctx, klara, "ssr", bot.Draft{Text: "Elavbrott i Kista. Skolorna håller stängt i morgon. Mer på krisinformation.se.",
		Audience: bot.AudiencePublic, TLP: bot.TLPClear}); err != nil {
		t.Fatal(err)
	}
	// The call-in's deadline passes: the silent ones are late.
	clock.Advance(20 * time.Minute)
	link := func(user string) string {
		t.Helper()
		before := len(mm.Posts(mmtest.DMChannel(user)))
		cmd(user, "tavla ssr")
		for range 100 {
			posts := mm.Posts(mmtest.DMChannel(user))
			for _, p := range posts[min(before, len(posts)):] {
				if u := linkRE.FindString(mmtest.Text(p)); u != "" {
					return u
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("no board link reached %s", user)
		return ""
	}

	// Sam opens the board from the link.
	sam := fresh(t, browser)
	samLink := link("u_sam")
	// A chat platform previews the link first (Slack crawls links): that
	// must not use it up.
	if resp, err := http.Get(samLink); err != nil || resp.StatusCode != 200 {
		t.Fatalf("previewing the link: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	text, url := open(t, sam, samLink)
	if !strings.HasSuffix(url, "/board/ssr") || strings.Contains(url, "t=") {
		t.Errorf("after the exchange the address is %s", url)
	}
	for _, want := range []string{"Regional samverkanskonferens", "ÖVNING", "TLP:GREEN", "SOS Alarm", "TLP:AMBER+STRICT", "STRIKT: avspärrning vid Kista",
		"Kvitterat", "Har inte svarat", "1:1", "Skolorna i Kista", "Invånarinformation på webben", "Ansvarig: Stockholms stad", "Budskap 2, version 1", "Publicerade budskap", "CAP 1.2", "Öppna begäranden"} {
		if !strings.Contains(text, want) {
			t.Errorf("Sam's board lacks %q", want)
		}
	}
	for _, not := range []string{"RÖTT: spaningsläget", "Internt hos staden"} {
		if strings.Contains(text, not) {
			t.Errorf("Sam's board shows %q (RED for Tove only; the city's own section of an AMBER+STRICT report)", not)
		}
	}
	looks(t, sam, srv.URL)

	// Per acknowledges in chat: Sam's open board shows it within seconds,
	// by itself.
	start := time.Now()
	if out := cmd("u_per", "kvittera ssr"); !strings.Contains(out, "Kvitterat") {
		t.Fatalf("ack: %s", out)
	}
	tctx, cancel := context.WithTimeout(sam, 8*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.WaitVisible("body[data-refreshed]")); err != nil {
		t.Fatalf("the board did not refresh within 8 s of the acknowledgement: %v", err)
	}
	refreshed, err := chromedp.Run(sam, chromedp.Text("#orgs"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(refreshed, "Polisen") || !strings.Contains(refreshed, "Per") {
		t.Errorf("after Per's acknowledgement the status reads:\n%s", refreshed)
	}
	t.Logf("the board showed the acknowledgement %s after it was made in chat", time.Since(start).Round(100*time.Millisecond))

	// The bot stops answering: the page says since when it is not
	// current, and recovers by itself when the bot is back.
	down.Store(true)
	waitFor(t, sam, `document.getElementById("freshness").className === "stale"`, 10*time.Second, "the board to say it is stale")
	if txt, _ := chromedp.Run(sam, chromedp.Text("#freshness")); !strings.Contains(txt, "Inte uppdaterad sedan kl ") {
		t.Errorf("a stale board says %q", txt)
	}
	down.Store(false)
	waitFor(t, sam, `document.getElementById("freshness").className === ""`, 10*time.Second, "the board to be current again")
	if txt, _ := chromedp.Run(sam, chromedp.Text("#freshness")); !strings.Contains(txt, "aktuell kl ") {
		t.Errorf("a current board says %q", txt)
	}

	// The session ends (here: its cookie is gone): the page says so and
	// how to get a new link.
	if _, err := chromedp.Call(sam, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, sam, `document.getElementById("freshness").className === "ended"`, 10*time.Second, "the board to say the session ended")
	if txt, _ := chromedp.Run(sam, chromedp.Text("#freshness")); !strings.Contains(txt, "/samverkan tavla") {
		t.Errorf("a board whose session ended says %q", txt)
	}

	// Tove, named, sees the RED report.
	text, _ = open(t, fresh(t, browser), link("u_tove"))
	if !strings.Contains(text, "RÖTT: spaningsläget") || !strings.Contains(text, "TLP:RED") {
		t.Errorf("Tove's board lacks the RED report addressed to her")
	}

	// No data for: the used link, an outsider's browser without a session,
	// an expired link.
	expired := link("u_per")
	clock.Advance(bot.BoardLinkTTL + time.Second)
	for name, target := range map[string]string{"the used link": samLink, "no session": srv.URL + "/board/ssr", "an expired link": expired} {
		text, _ := open(t, fresh(t, browser), target)
		if strings.Contains(text, "SOS Alarm") || strings.Contains(text, "Regional samverkanskonferens") || !strings.Contains(text, "/samverkan tavla") {
			t.Errorf("%s shows:\n%s", name, text)
		}
	}
}

// open goes to url and returns the page's text and where it ended up.
func open(t *testing.T, tab context.Context, url string) (string, string) {
	t.Helper()
	// The link's page posts it back by itself; wait until that is done.
	if err := chromedp.Do(tab, chromedp.Navigate(url), chromedp.WaitNotPresent("form[data-auto]"), chromedp.WaitVisible("body")); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(tab, chromedp.Text("body"))
	if err != nil {
		t.Fatal(err)
	}
	at, err := chromedp.Run(tab, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return text, at
}

func caller(t *testing.T, a *app.App, user string) bot.Caller {
	t.Helper()
	c, err := a.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: user})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
