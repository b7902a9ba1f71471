package capfeed_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/capfeed"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string, string) {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

func TestTheFeedPublishesOnlyPublicStatementsOfForumsTurnedOn(t *testing.T) {
	env := bottest.NewEnv(t)
	env.Fixture(t)
	public := env.Released(t, bot.Draft{Text: "Undvik Norrort i kväll."}).Number
	green := env.Released(t, bot.Draft{Text: "Till kommunerna: sambandsplan B.", TLP: bot.TLPGreen}).Number
	draft, err := env.Bot.Statements.Draft(context.Background(), env.Who(t, "klara"), bottest.Forum, bot.Draft{Text: "Utkast."})
	if err != nil {
		t.Fatal(err)
	}

	mux := http.NewServeMux()
	(&capfeed.Handler{Bot: env.Bot, Forums: []string{bottest.Forum}, Base: "https://samverkan.example"}).Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	code, typ, body := get(t, srv, "/cap/"+bottest.Forum+".atom")
	if code != 200 || !strings.HasPrefix(typ, "application/atom+xml") {
		t.Fatalf("the feed: %d %s", code, typ)
	}
	var feed struct {
		Entries []struct {
			Title   string `xml:"title"`
			Summary string `xml:"summary"`
			Link    struct {
				Href string `xml:"href,attr"`
				Type string `xml:"type,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatalf("the feed is not XML: %v\n%s", err, body)
	}
	if len(feed.Entries) != 1 || feed.Entries[0].Summary != "Undvik Norrort i kväll." || feed.Entries[0].Link.Type != "application/cap+xml" {
		t.Fatalf("entries: %+v", feed.Entries)
	}
	href := feed.Entries[0].Link.Href
	if want := "https://samverkan.example/cap/" + bottest.Forum + "/" + itoa(public) + ".xml"; href != want {
		t.Fatalf("the entry links %s, want %s", href, want)
	}
	code, typ, body = get(t, srv, strings.TrimPrefix(href, "https://samverkan.example"))
	if code != 200 || !strings.HasPrefix(typ, "application/cap+xml") || !strings.Contains(body, "<msgType>Alert</msgType>") {
		t.Fatalf("the alert: %d %s\n%s", code, typ, body)
	}
	for _, path := range []string{
		"/cap/" + bottest.Forum + "/" + itoa(green) + ".xml",        // TLP:GREEN
		"/cap/" + bottest.Forum + "/" + itoa(draft.Number) + ".xml", // a draft
		"/cap/annat.atom",                                                    // a forum not turned on
		"/cap/annat/" + itoa(public) + ".xml",                                // the right number, another forum
		"/cap/" + bottest.Forum + ".rss", "/cap/" + bottest.Forum + "/x.xml", // not a feed, not a number
	} {
		if code, _, body := get(t, srv, path); code != http.StatusNotFound || strings.Contains(body, "sambandsplan") {
			t.Errorf("%s: %d", path, code)
		}
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
