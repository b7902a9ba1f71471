package mattermost_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/mattermost/mmtest"
	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/commands"
)

var hostile = []string{
	"@channel", "@all @here hej", "<!everyone>", "<!channel|x>", "@ＣＨＡＮＮＥＬ", "\x00\xff\xfe", strings.Repeat("å", 5000),
	"forum skapa \"x", "medlem lägg-till @x aktör=../../etc roll=admin", "\u202eevil", "lägesbild ny ssr fakta=\"@channel brand\" tlp=GREEN",
}

func fuzzAdapter(t testing.TB) (*mattermost.Adapter, http.Handler) {
	env := bottest.NewEnv(t)
	e := commands.New(env.Bot, "sv")
	a := mattermost.New(e, "http://127.0.0.1:1", "tok", []string{"good-token"}, "http://bot", []byte("0123456789abcdef0123456789abcdef"), bottest.Quiet())
	mux := http.NewServeMux()
	a.Routes(mux)
	return a, mux
}

// FuzzCommandBody sends arbitrary slash command text and raw bodies: the
// handler answers with a known status and never panics.
func FuzzCommandBody(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, true)
	}
	f.Add("token=good-token&text=%ZZ", false)
	_, h := fuzzAdapter(f)
	f.Fuzz(func(t *testing.T, s string, asText bool) {
		body := s
		if asText {
			body = url.Values{"token": {"good-token"}, "user_id": {"u1"}, "channel_id": {"c1"}, "text": {s}, "trigger_id": {"t"}}.Encode()
		}
		req := httptest.NewRequest(http.MethodPost, mattermost.PathCommand, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 400, 401, 413:
		default:
			t.Fatalf("status %d for %q", rec.Code, s)
		}
	})
}

// FuzzCallbackBodies sends arbitrary JSON to the button and dialog routes:
// nothing without the bot's MAC gets through.
func FuzzCallbackBodies(f *testing.F) {
	f.Add(`{"user_id":"u1","context":{"s":"x.y"}}`)
	f.Add(`{"state":"e30.AAAA","submission":{"id":"x"},"user_id":"u1"}`)
	f.Add("\x00{")
	_, h := fuzzAdapter(f)
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{mattermost.PathActions, mattermost.PathDialogs} {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 400 && rec.Code != 401 && rec.Code != 413 {
				t.Fatalf("%s answered %d to %q", path, rec.Code, body)
			}
		}
	})
}

// FuzzRenderDefusesMentions defuses arbitrary text: the real server's
// mention parser (as mmtest mirrors it) finds no mass mention in it.
func FuzzRenderDefusesMentions(f *testing.F) {
	for _, s := range append(hostile, bottest.Hostile...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = bot.CleanText(s)
		out := mattermost.Defuse(s)
		if fired := mmtest.MassMentions(&model.Post{Message: out}); len(fired) > 0 {
			t.Fatalf("%q defused as %q still fires %v", s, out, fired)
		}
	})
}
