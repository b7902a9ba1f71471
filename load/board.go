package load

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"samverkan/adapters/mattermost/mmtest"
	"samverkan/board"
	"samverkan/bot"
)

// BoardReport is what a status board run measured: the board under
// load while the chat mix runs, and the bare handler at the same rate.
type BoardReport struct {
	Board, Chat, Bare *Result
}

var boardLink = regexp.MustCompile(`http://[^\s)]+/board/login\?t=[0-9a-f]+`)

// RunBoard opens a board session as a member, then for dur asks for the
// board at rate while the decision mix runs at chatRate, and measures the
// bare handler at rate afterwards.
func RunBoard(rate, chatRate float64, dur time.Duration) (*BoardReport, error) {
	t, err := Start(Options{})
	if err != nil {
		return nil, err
	}
	defer t.Remove()
	defer t.Stop()
	cookie, err := t.boardSession()
	if err != nil {
		return nil, err
	}
	page := Mix{{Name: "board", path: "/board/" + Forum, get: true, cookie: cookie, want: "data-version"}}
	rep := &BoardReport{}
	var wg sync.WaitGroup
	wg.Go(func() { rep.Chat = Fire(t.URL, t.Mixes()["decisions"], chatRate, dur) })
	rep.Board = Fire(t.URL, page, rate, dur)
	wg.Wait()
	url, closeBare := BareHandler()
	rep.Bare = Fire(url, Mix{{Name: "bare", path: "/board/" + Forum, get: true}}, rate, min(dur, 10*time.Second))
	closeBare()
	return rep, nil
}

// boardSession asks for a board link as Tove in chat, takes it from her
// direct messages and exchanges it for the session cookie.
func (t *Target) boardSession() (string, error) {
	c, err := t.App.Bot.Caller(bot.Identity{Platform: bot.Mattermost, UserID: "u_tove"})
	if err != nil {
		return "", err
	}
	if _, err := t.App.Bot.Boards.Link(context.Background(), c, Forum, t.URL); err != nil {
		return "", err
	}
	for range 200 {
		for _, p := range t.MM.Posts(mmtest.DMChannel("u_tove")) {
			link := boardLink.FindString(mmtest.Text(p))
			if link == "" {
				continue
			}
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			u, err := url.Parse(link)
			if err != nil {
				return "", err
			}
			// As the link's page posts it in a browser: from the board's
			// own origin, which the browser says.
			req, err := http.NewRequest(http.MethodPost, t.URL+u.Path, strings.NewReader(url.Values{"t": {u.Query().Get("t")}}.Encode()))
			if err != nil {
				return "", err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("Origin", t.URL)
			resp, err := client.Do(req)
			if err != nil {
				return "", err
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			for _, ck := range resp.Cookies() {
				if ck.Name == board.CookieName {
					return ck.Name + "=" + ck.Value, nil
				}
			}
			return "", fmt.Errorf("the board link gave no session (%s)", resp.Status)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return "", fmt.Errorf("no board link reached Tove")
}

// Print writes the run's figures with the ratios to the bare handler.
func (r *BoardReport) Print(w io.Writer) {
	line := func(name string, x *Result) {
		l := x.Latencies(Answered, "")
		fmt.Fprintf(w, "%-34s sent %5d answered %5d failed %3d  p50 %-9s p99 %-9s max %s\n", name, len(x.Samples), x.Count(Answered), x.Count(Failed)+x.Count(Shed),
			round(Pct(l, 50)), round(Pct(l, 99)), round(Pct(l, 100)))
	}
	fmt.Fprintf(w, "status board: %.0f pages/s open loop for %s while the decision mix runs at %.0f/s\n", r.Board.Rate, r.Board.Duration, r.Chat.Rate)
	line("board page (GET /board/ssr)", r.Board)
	line("chat commands meanwhile", r.Chat)
	line("bare net/http handler", r.Bare)
	b, bare := r.Board.Latencies(Answered, ""), r.Bare.Latencies(Answered, "")
	fmt.Fprintf(w, "board ratio to the bare handler: p50 %.1f×, p99 %.1f×\n", ratio(Pct(b, 50), Pct(bare, 50)), ratio(Pct(b, 99), Pct(bare, 99)))
}
