package slack_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"samverkan/adapters/slack"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
	"samverkan/bottest"
	"samverkan/commands"
)

func fuzzHandler(t testing.TB) http.Handler {
	env := bottest.NewEnv(t)
	a := slack.New(commands.New(env.Bot, "sv"), "xoxb", secret, "", "http://127.0.0.1:1/api/", []byte("0123456789abcdef0123456789abcdef"), bottest.Quiet())
	mux := http.NewServeMux()
	a.Routes(mux)
	return mux
}

func signed(path string, body []byte) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(string(body)))
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", slackfake.Sign(secret, ts, body))
	return req
}

// FuzzSignedBodies sends correctly signed but arbitrary command text and
// interaction payloads: known statuses, no panic.
func FuzzSignedBodies(f *testing.F) {
	for _, s := range []string{"hjälp", "<!everyone> forum visa", "\x00\xff", `{"type":"block_actions","actions":[{"value":"x.y"}]}`, `{"type":"view_submission","view":{"private_metadata":"e30.AA"}}`, strings.Repeat("x", 70000)} {
		f.Add(s)
	}
	h := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, s string) {
		cmd := []byte(url.Values{"user_id": {"U1"}, "channel_id": {"C1"}, "text": {s}}.Encode())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, signed(slack.PathCommands, cmd))
		if rec.Code != 200 && rec.Code != 413 {
			t.Fatalf("command %q: %d", s, rec.Code)
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, signed(slack.PathInteractions, []byte(url.Values{"payload": {s}}.Encode())))
		if rec.Code != 200 && rec.Code != 400 && rec.Code != 401 && rec.Code != 413 {
			t.Fatalf("interaction %q: %d", s, rec.Code)
		}
	})
}

// FuzzBlocksAreInert renders user text through Block Kit: nothing that
// Slack would turn into a mention or a link survives.
func FuzzBlocksAreInert(f *testing.F) {
	for _, s := range []string{"<!everyone>", "<!channel>", "<@U123>", "<https://evil|klicka>", "&lt;!here&gt;", "a < b > c & d"} {
		f.Add(s)
	}
	a := slack.New(nil, "x", "x", "", "", []byte("k"), bottest.Quiet())
	f.Fuzz(func(t *testing.T, s string) {
		m := bot.Message{Title: "T", Text: s, Fields: []bot.Field{{Title: s, Value: s}}, Sections: []bot.Section{{Title: s, Text: s}}}
		for _, msg := range slack.RenderForTest(a, m) {
			raw, _ := json.Marshal(msg)
			var decoded any
			_ = json.Unmarshal(raw, &decoded)
			if txt := slackfake.Text(decoded); strings.Contains(txt, "<!") || strings.Contains(txt, "<@") || strings.Contains(txt, "<http") {
				t.Fatalf("%q renders as %q", s, txt)
			}
		}
	})
}
