package board_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"samverkan/board"
	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/pdf"
)

type site struct {
	env *bottest.Env
	srv *httptest.Server
}

func newSite(t *testing.T) *site {
	t.Helper()
	env := bottest.NewEnv(t)
	env.Fixture(t)
	mux := http.NewServeMux()
	env.Bot.Print = pdf.Printer("sv")
	h := &board.Handler{Bot: env.Bot, Lang: "sv", Log: bottest.Quiet()}
	h.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &site{env: env, srv: srv}
}

var linkRE = regexp.MustCompile(`http://[^\s)]+/board/login\?t=[0-9a-f]+`)

// link asks for who's link as in chat and returns it from their DM.
func (s *site) link(t *testing.T, who string) string {
	t.Helper()
	before := len(s.env.Platform.Sent())
	if _, err := s.env.Bot.Boards.Link(context.Background(), s.env.Who(t, who), bottest.Forum, s.srv.URL); err != nil {
		t.Fatal(err)
	}
	s.env.Deliver(t)
	for _, m := range s.env.Platform.Sent()[before:] {
		if u := linkRE.FindString(bottest.Text(m.Message)); u != "" {
			if m.User != "u_"+who {
				t.Fatalf("the link went to %q, not to %s", m.User, who)
			}
			return u
		}
	}
	t.Fatalf("no link was sent to %s", who)
	return ""
}

// browser is a client with its own cookies, as one person's browser.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

func get(t *testing.T, c *http.Client, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, html.UnescapeString(string(b)), resp.Header
}

// The link works once, within its time, for the one it was sent to; it
// leaves the address bar; nothing is reachable without a session; and the
// session ends when the member is removed.
func TestBoardLinkExchangeAndSessions(t *testing.T) {
	s := newSite(t)
	file := func(who string, tlp bot.TLP, text string) {
		if _, err := s.env.Bot.Reports.File(context.Background(), s.env.Who(t, who), bottest.Forum, []bot.ReportSection{{Key: "fakta", Text: text, Shared: true}}, tlp, nil); err != nil {
			t.Fatal(err)
		}
	}
	file("tove", bot.TLPGreen, "Vägarna är öppna.")
	board := s.srv.URL + "/board/" + bottest.Forum

	code, body, _ := get(t, browser(), board)
	if code != http.StatusUnauthorized || strings.Contains(body, "Vägarna") {
		t.Fatalf("without a session: %d\n%s", code, body)
	}

	link := s.link(t, "kim")
	// Chat platforms fetch links to preview them: fetching the link
	// shows a page that posts it back, and uses nothing up.
	for range 2 {
		if code, body, _ := get(t, browser(), link); code != 200 || strings.Contains(body, "Vägarna") || !strings.Contains(body, `method="post"`) {
			t.Fatalf("fetching the link: %d\n%s", code, body)
		}
	}
	b := browser()
	resp, err := exchange(b, link)
	if err != nil {
		t.Fatal(err)
	}
	body2, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.String() != board || !strings.Contains(string(body2), "Vägarna är öppna.") {
		t.Fatalf("after the exchange: %d at %s\n%s", resp.StatusCode, resp.Request.URL, body2)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP: %q", csp)
	}
	ck := b.Jar.Cookies(resp.Request.URL)
	if len(ck) != 1 || ck[0].Name != board_cookie || strings.Contains(resp.Request.URL.RawQuery, "t=") {
		t.Errorf("cookies %v at %s", ck, resp.Request.URL)
	}

	// The same link again, from anyone: no data.
	if code, body := exchanged(t, browser(), link); code != http.StatusForbidden || strings.Contains(body, "Vägarna") {
		t.Errorf("a used link: %d\n%s", code, body)
	}
	// An expired link: no data.
	late := s.link(t, "sam")
	s.env.Clock.Advance(bot.BoardLinkTTL + time.Second)
	if code, body := exchanged(t, browser(), late); code != http.StatusForbidden || strings.Contains(body, "Vägarna") {
		t.Errorf("an expired link: %d\n%s", code, body)
	}
	// A made-up one: no data.
	if code, _ := exchanged(t, browser(), s.srv.URL+"/board/login?t=00"); code != http.StatusForbidden {
		t.Errorf("a made-up link: %d", code)
	}
	// An outsider cannot get a link at all.
	if _, err := s.env.Bot.Boards.Link(context.Background(), s.env.Who(t, "otto"), bottest.Forum, s.srv.URL); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("an outsider asked for a link: %v", err)
	}
	// The session is for its forum only.
	if code, _, _ := get(t, b, s.srv.URL+"/board/other"); code != http.StatusUnauthorized {
		t.Errorf("the session on another forum's board: %d", code)
	}
	// It still works, and the version endpoint answers it.
	if code, body, _ := get(t, b, board+"/version"); code != 200 || !strings.Contains(body, `"version"`) {
		t.Errorf("version: %d %s", code, body)
	}
	// The member is removed: the session ends at once.
	if _, err := s.env.Bot.Registry.RemoveMember(context.Background(), s.env.AdminCaller(), "kim"); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := get(t, b, board); code == 200 || strings.Contains(body, "Vägarna") {
		t.Errorf("after the member was removed: %d\n%s", code, body)
	}
}

const board_cookie = board.CookieName

// exchange does what the link's page does in a browser: post the link
// back, from the page's own origin, as the browser says.
func exchange(c *http.Client, link string) (*http.Response, error) {
	return post(c, link, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": origin(link)}, nil)
}

func origin(link string) string {
	u, _ := url.Parse(link)
	return u.Scheme + "://" + u.Host
}

// post posts the link of link with the headers and form values given.
func post(c *http.Client, link string, headers map[string]string, extra url.Values) (*http.Response, error) {
	u, err := url.Parse(link)
	if err != nil {
		return nil, err
	}
	form := url.Values{"t": {u.Query().Get("t")}}
	for k, v := range extra {
		form[k] = v
	}
	req, err := http.NewRequest(http.MethodPost, u.Scheme+"://"+u.Host+u.Path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return c.Do(req)
}

// exchanged is exchange's status and page.
func exchanged(t *testing.T, c *http.Client, link string) (int, string) {
	t.Helper()
	resp, err := exchange(c, link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, html.UnescapeString(string(b))
}

// Each member sees what the gate lets them see: another actor's internal
// sections and a RED report not addressed to them stay away; labels show
// before what they cover; an actor that leaves the forum loses the board.
func TestBoardShowsWhatTheMemberMaySee(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	file := func(who string, tlp bot.TLP, to []bot.Identity, sections ...bot.ReportSection) {
		if _, err := s.env.Bot.Reports.File(ctx, s.env.Who(t, who), bottest.Forum, sections, tlp, to); err != nil {
			t.Fatal(err)
		}
	}
	tove := bottest.People[0].User()
	file("sam", bot.TLPRed, []bot.Identity{tove}, bot.ReportSection{Key: "fakta", Text: "RÖTT från SOS", Shared: true})
	file("per", bot.TLPAmberStrict, nil, bot.ReportSection{Key: "fakta", Text: "STRIKT från polisen", Shared: true},
		bot.ReportSection{Key: "prognos", Text: "internt hos polisen"})
	open := func(who string) string {
		code, body := exchanged(t, browser(), s.link(t, who))
		if code != 200 {
			t.Fatalf("%s: %d %s", who, code, body)
		}
		return body
	}
	cases := []struct {
		who       string
		want, not []string
	}{
		{"tove", []string{"RÖTT från SOS", "TLP:RED", "STRIKT från polisen", "TLP:AMBER+STRICT"}, []string{"internt hos polisen"}},
		{"rasmus", []string{"STRIKT från polisen", "TLP:AMBER+STRICT"}, []string{"RÖTT från SOS", "internt hos polisen"}},
		{"per", []string{"STRIKT från polisen"}, []string{"RÖTT från SOS"}},
	}
	for _, c := range cases {
		body := open(c.who)
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s's board lacks %q", c.who, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(body, w) {
				t.Errorf("%s's board shows %q", c.who, w)
			}
		}
	}
	// A PDF of the picture carries the same filter.
	b := browser()
	exchanged(t, b, s.link(t, "rasmus"))
	code, doc, hdr := get(t, b, s.srv.URL+"/board/"+bottest.Forum+"/picture.pdf")
	if code != 200 || hdr.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(doc, "%PDF-") {
		t.Errorf("picture.pdf: %d %s", code, hdr.Get("Content-Type"))
	}
	// The police leave the forum: per's board is gone.
	pb := browser()
	exchanged(t, pb, s.link(t, "per"))
	if err := s.env.Bot.Registry.LeaveForum(ctx, s.env.AdminCaller(), bottest.Forum, "pol"); err != nil {
		t.Fatal(err)
	}
	if code, body, _ := get(t, pb, s.srv.URL+"/board/"+bottest.Forum); code == 200 || strings.Contains(body, "STRIKT") {
		t.Errorf("after the actor left the forum: %d", code)
	}
}

// Another site cannot plant a session of its own in someone's browser
// (login CSRF): an exchange the browser says comes from elsewhere is
// refused and the link stays unused; a browser that says nothing must
// post back the token of the opening page it fetched.
func TestAnotherSiteCannotExchangeALink(t *testing.T) {
	s := newSite(t)
	link := s.link(t, "kim")
	for name, headers := range map[string]map[string]string{
		"cross-site":             {"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"},
		"same-site":              {"Sec-Fetch-Site": "same-site"},
		"another origin":         {"Origin": "http://evil.example"},
		"a null origin":          {"Origin": "null"},
		"neither, and no token":  {},
		"neither, a wrong token": {},
	} {
		var extra url.Values
		if name == "neither, a wrong token" {
			extra = url.Values{"x": {"0123456789abcdef0123456789abcdef"}}
		}
		resp, err := post(browser(), link, headers, extra)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "kom inte från tavlans egen sida") || len(resp.Cookies()) != 0 {
			t.Errorf("%s: %d, cookies %v\n%s", name, resp.StatusCode, resp.Cookies(), body)
		}
	}
	// The link is still good: a browser that sends neither header but
	// fetched the opening page posts its token back, and is let in.
	b := browser()
	code, page, _ := get(t, b, link)
	m := regexp.MustCompile(`name="x" value="([0-9a-f]{32})"`).FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("the opening page: %d\n%s", code, page)
	}
	resp, err := post(b, link, nil, url.Values{"x": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/board/"+bottest.Forum {
		t.Errorf("the token's exchange: %d at %s", resp.StatusCode, resp.Request.URL)
	}
}

// The refresh endpoint runs the board's own check and tells only its
// forum's changes: another forum's change leaves it alone, and a member
// whose actor left the forum gets nothing.
func TestTheRefreshIsTheForumsOwn(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	b := browser()
	if code, _ := exchanged(t, b, s.link(t, "kim")); code != 200 {
		t.Fatalf("exchange: %d", code)
	}
	version := func() (int, string) {
		code, body, _ := get(t, b, s.srv.URL+"/board/"+bottest.Forum+"/version")
		return code, body
	}
	_, before := version()
	admin := s.env.AdminCaller()
	if err := s.env.Bot.Registry.CreateForum(ctx, admin, bot.Forum{ID: "annat", Name: "Annat forum", Level: bot.LevelOperational}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.env.Bot.Registry.JoinForum(ctx, admin, "annat", []string{"ext"}); err != nil {
		t.Fatal(err)
	}
	if code, after := version(); code != 200 || after != before {
		t.Errorf("another forum's change moved the version: %s → %d %s", before, code, after)
	}
	if _, err := s.env.Bot.Reports.File(ctx, s.env.Who(t, "tove"), bottest.Forum, []bot.ReportSection{{Key: "fakta", Text: "Nytt", Shared: true}}, bot.TLPGreen, nil); err != nil {
		t.Fatal(err)
	}
	if code, after := version(); code != 200 || after == before {
		t.Errorf("the forum's own change did not move the version: %s → %d %s", before, code, after)
	}
	if err := s.env.Bot.Registry.LeaveForum(ctx, admin, bottest.Forum, "sos"); err != nil {
		t.Fatal(err)
	}
	if code, body := version(); code != http.StatusForbidden || strings.Contains(body, "version") {
		t.Errorf("after kim's actor left the forum: %d %s", code, body)
	}
	for _, path := range []string{"", "/picture.pdf", "/minutes/1.pdf"} {
		if code, _, _ := get(t, b, s.srv.URL+"/board/"+bottest.Forum+path); code != http.StatusForbidden {
			t.Errorf("%q after kim's actor left: %d", path, code)
		}
	}
}

// Static files come from exactly the static folder, with the page's
// headers; nothing else is reachable through it, and it lists nothing.
func TestStaticFilesStayInTheirFolder(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{
		"/board-static/%2e%2e/page.html", "/board-static/..%2fopen.html", "/board-static/../page.html",
		"/board-static/", "/board-static/static/board.js", "/board-static/./", "/board-static/nope.js",
	} {
		code, body, _ := get(t, browser(), s.srv.URL+path)
		if code == 200 || strings.Contains(body, "{{") || strings.Contains(body, "board.js") || strings.Contains(body, "board.css") {
			t.Errorf("%s: %d\n%.200s", path, code, body)
		}
	}
	code, body, hd := get(t, browser(), s.srv.URL+"/board-static/board.js")
	if code != 200 || !strings.Contains(body, "samverkan status board") || hd.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(hd.Get("Content-Security-Policy"), "default-src 'none'") || !strings.Contains(hd.Get("Content-Type"), "javascript") {
		t.Errorf("board.js: %d %v", code, hd)
	}
}

// The overview a duty officer reads at 03:00: each organisation's state
// with how late, decisions numbered meeting:order, action items with
// their owner and overdue ones marked, and a timeline of what happened
// to the forum — not of who looked at it — that can be filtered.
func TestTheOverviewIsWhatPeopleNeed(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	b := s.env.Bot
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := b.Activations.Activate(ctx, s.env.Who(t, "tove"), bottest.Forum, []bot.Purpose{bot.PurposeInformation}, false)
	must(err)
	_, err = b.Activations.Acknowledge(ctx, s.env.Who(t, "sam"), bottest.Forum)
	must(err)
	_, err = b.Conferences.Start(ctx, s.env.Who(t, "rasmus"), bottest.Forum)
	must(err)
	_, err = b.Conferences.Decide(ctx, s.env.Who(t, "rasmus"), bottest.Forum, "Skolorna håller stängt")
	must(err)
	_, err = b.Conferences.Decide(ctx, s.env.Who(t, "rasmus"), bottest.Forum, "Länsstyrelsen samordnar")
	must(err)
	_, err = b.Conferences.AddAction(ctx, s.env.Who(t, "rasmus"), bottest.Forum, "Invånarinformation", "sos", s.env.Clock.Day(1))
	must(err)
	s.env.Clock.Advance(49 * time.Hour) // past the call-in and the action's day
	// Looking at the board is not an event of the forum.
	c := browser()
	exchanged(t, c, s.link(t, "per"))

	v, err := b.Boards.Board(s.env.Who(t, "per"), bottest.Forum, "")
	must(err)
	states := map[string]bot.BoardOrg{}
	for _, o := range v.Orgs {
		states[o.ID] = o
	}
	if o := states["sos"]; o.State != bot.OrgAcked || o.AckBy == "" || o.Contact == nil {
		t.Errorf("SOS: %+v", o)
	}
	if o := states["pol"]; o.State != bot.OrgLate || o.LateBy < 48*time.Hour {
		t.Errorf("the police, silent past the deadline: %+v", o)
	}
	if m := v.Meeting; !m.Running || len(m.Decisions) != 2 || m.Decisions[0].Ref != "1:1" || m.Decisions[1].Ref != "1:2" {
		t.Errorf("meeting: %+v", m)
	}
	if len(v.Actions) != 1 || !v.Actions[0].Overdue || v.Actions[0].Owner != "SOS Alarm" {
		t.Errorf("actions: %+v", v.Actions)
	}
	kinds := map[string]int{}
	for _, e := range v.Timeline {
		kinds[e.Kind]++
		if strings.Contains(e.What, "lägestavla") {
			t.Errorf("the timeline shows %q", e.What)
		}
	}
	if kinds["activation"] == 0 || kinds["meeting"] == 0 {
		t.Errorf("timeline kinds %v", kinds)
	}
	only, err := b.Boards.Board(s.env.Who(t, "per"), bottest.Forum, "meeting")
	must(err)
	for _, e := range only.Timeline {
		if e.Kind != "meeting" {
			t.Errorf("filtered to meetings, the timeline shows %+v", e)
		}
	}
	if len(only.Timeline) != kinds["meeting"] {
		t.Errorf("filtered: %d meeting events, unfiltered %d", len(only.Timeline), kinds["meeting"])
	}

	// The page says it in words, with the late one marked, and the filter
	// in the address.
	_, page, _ := get(t, c, s.srv.URL+"/board/"+bottest.Forum+"?visa=meeting")
	for _, want := range []string{`class="org state-late"`, "Har inte svarat", "48 h", "1:2", "Länsstyrelsen samordnar", "försenad, skulle vara klar", `aria-current="page">Möten`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, not := range []string{"ansvarig=", "senast=", "beslut …", "lägesbild visa"} {
		if strings.Contains(page, not) {
			t.Errorf("the page shows chat syntax %q", not)
		}
	}
}

// The board's new files go through the same rules as its page: a
// released TLP:CLEAR statement's CAP alert and the after-action report
// (its SVG timeline and PDF) reach a member of the forum with a session;
// a statement that is not public has no CAP file; without a session, or
// once the member's organisation has left, nothing.
func TestTheBoardsFilesFollowTheRules(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	public := s.env.Released(t, bot.Draft{Text: "Undvik Norrort i kväll."}).Number
	green := s.env.Released(t, bot.Draft{Text: "Till kommunerna.", TLP: bot.TLPGreen}).Number
	if _, err := s.env.Bot.Activations.Activate(ctx, s.env.Who(t, "rasmus"), bottest.Forum, nil, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.env.Bot.Activations.Deactivate(ctx, s.env.Who(t, "rasmus"), bottest.Forum); err != nil {
		t.Fatal(err)
	}
	b := browser()
	if code, _ := exchanged(t, b, s.link(t, "kim")); code != 200 {
		t.Fatalf("exchanging kim's link: %d", code)
	}
	base := s.srv.URL + "/board/" + bottest.Forum
	if code, page, _ := get(t, b, base); code != 200 || !strings.Contains(page, "/aar.svg") || !strings.Contains(page, "/cap/1.xml") || strings.Contains(page, "/cap/2.xml") {
		t.Errorf("the page links (%d):\n%s", code, page)
	}
	for path, want := range map[string][2]string{
		"/cap/" + itoa(public) + ".xml": {"application/cap+xml", "<msgType>Alert</msgType>"},
		"/aar.svg":                      {"image/svg+xml", "<svg"},
		"/aar.pdf":                      {"application/pdf", "%PDF-"},
	} {
		code, body, hdr := get(t, b, base+path)
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), want[0]) || !strings.Contains(body, want[1]) || hdr.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: %d %s", path, code, hdr.Get("Content-Type"))
		}
	}
	if code, _, _ := get(t, b, base+"/cap/"+itoa(green)+".xml"); code != http.StatusNotFound {
		t.Errorf("a TLP:GREEN statement's CAP file: %d", code)
	}
	if code, _, _ := get(t, b, s.srv.URL+"/board/annat/cap/"+itoa(public)+".xml"); code == 200 {
		t.Errorf("the CAP file under another forum's board: %d", code)
	}
	for _, path := range []string{"/cap/1.xml", "/aar.svg", "/aar.pdf"} {
		if code, _, _ := get(t, browser(), base+path); code == 200 {
			t.Errorf("%s without a session: %d", path, code)
		}
	}
	if err := s.env.Bot.Registry.LeaveForum(ctx, bot.SystemCaller(), bottest.Forum, "sos"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/cap/1.xml", "/aar.svg", "/aar.pdf"} {
		if code, _, _ := get(t, b, base+path); code != http.StatusForbidden {
			t.Errorf("%s after kim's actor left: %d", path, code)
		}
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// A Norwegian forum's board, in a Swedish bot, is Norwegian: the page
// says so to the browser and in every word people read, and its PDF is
// named and printed in Norwegian.
func TestANorwegianForumsBoardIsNorwegian(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	if _, err := s.env.Bot.Registry.SetLanguage(ctx, s.env.AdminCaller(), bottest.Forum, "nb"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.env.Bot.Activations.Activate(ctx, s.env.Who(t, "rasmus"), bottest.Forum, nil, true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.env.Bot.Reports.File(ctx, s.env.Who(t, "sam"), bottest.Forum, []bot.ReportSection{{Key: "fakta", Text: "Mange anrop.", Shared: true}}, bot.TLPGreen, nil); err != nil {
		t.Fatal(err)
	}
	b := browser()
	if code, _ := exchanged(t, b, s.link(t, "sam")); code != 200 {
		t.Fatalf("exchanging sam's link: %d", code)
	}
	base := s.srv.URL + "/board/" + bottest.Forum
	code, page, _ := get(t, b, base)
	if code != 200 || !strings.Contains(page, `<html lang="nb"`) {
		t.Fatalf("the page (%d) is not marked Norwegian:\n%.400s", code, page)
	}
	words := regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>|<[^>]*>`).ReplaceAllString(page, "\n")
	words = strings.NewReplacer("Länsstyrelsen", "", "Regional samverkan", "", "SOS Alarm", "", "Polisen", "").Replace(html.UnescapeString(words))
	if bad := bottest.ForeignInNorwegian(words); bad != "" {
		t.Errorf("the Norwegian board says %q:\n%s", bad, words)
	}
	if !strings.Contains(words, "Situasjonsbilde") {
		t.Errorf("the board does not show the picture in Norwegian:\n%s", words)
	}
	code, doc, hdr := get(t, b, base+"/picture.pdf")
	if code != 200 || !strings.Contains(hdr.Get("Content-Disposition"), `filename="situasjonsbilde-ssr.pdf"`) {
		t.Fatalf("the picture's PDF: %d %s", code, hdr.Get("Content-Disposition"))
	}
	text := strings.Join(bottest.PDFText(t, []byte(doc)), "\n")
	if !strings.Contains(text, "Felles situasjonsbilde") || !strings.Contains(text, "side 1 av") {
		t.Errorf("the PDF is not printed in Norwegian:\n%s", text)
	}
}
