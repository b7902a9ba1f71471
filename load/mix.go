package load

import (
	"fmt"
	"net/url"
	"strings"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/slack"
	"samverkan/adapters/slack/slackfake"
)

// Request is one prepared call to the bot.
type Request struct {
	// Name groups requests in the report ("mattermost beslut").
	Name string
	// Writes is what a successful answer must have stored: "decision",
	// "report:lst", "report:sthlm", or "" for reads.
	Writes string
	path   string
	body   string
	ctype  string
	sign   bool
	// get, with the cookie, asks for a page (the status board) instead
	// of posting a command; an answer counts when it holds want.
	get    bool
	cookie string
	want   string
}

// Mix is the requests a run cycles through, in order.
type Mix []Request

// Mixes by name: "decisions", a realistic mix with minutes taken in a
// meeting that grows through the run (a fifth of the commands), and
// "plain", the same without decisions.
func (t *Target) Mixes() map[string]Mix {
	mmCmd := func(user, text, writes string) Request {
		f := url.Values{"token": {cmdToken}, "team_id": {"t1"}, "channel_id": {mmChannel}, "channel_name": {"samverkan"},
			"user_id": {user}, "user_name": {strings.TrimPrefix(user, "u_")}, "command": {"/samverkan"}, "text": {text}}
		return Request{Name: "mattermost " + strings.Fields(text)[0], Writes: writes, path: mattermost.PathCommand, body: f.Encode(), ctype: "application/x-www-form-urlencoded"}
	}
	slCmd := func(text, writes string) Request {
		f := url.Values{"team_id": {"T1"}, "channel_id": {slChannel}, "channel_name": {"samverkan"}, "user_id": {"U_STINA"},
			"user_name": {"stina"}, "command": {"/samverkan"}, "text": {text}}
		return Request{Name: "slack " + strings.Fields(text)[0], Writes: writes, path: slack.PathCommands, body: f.Encode(), ctype: "application/x-www-form-urlencoded", sign: true}
	}
	mmClick := Request{Name: "mattermost button", path: mattermost.PathActions, ctype: "application/json",
		body: fmt.Sprintf(`{"user_id":"u_sam","user_name":"sam","channel_id":%q,"team_id":"t1","post_id":"p1","context":{"s":%q}}`, mmChannel, t.mmBtn["s"])}
	slClick := Request{Name: "slack button", path: slack.PathInteractions, ctype: "application/x-www-form-urlencoded", sign: true,
		body: string((&slackfake.Client{}).InteractionBody(slackfake.BlockAction("U_STINA", slChannel, "", t.slBtn)))}
	status := mmCmd("u_sam", "status ssr", "")
	report := mmCmd("u_tove", `lägesbild ny ssr fakta="Lasttest: läget oförändrat." tlp=GREEN`, "report:lst")
	slForum := slCmd("forum visa ssr", "")
	slReport := slCmd(`lägesbild ny ssr fakta="Lasttest från Slack." tlp=GREEN`, "report:sthlm")
	decision := mmCmd("u_tove", "beslut Lasttestets beslut: läget följs upp", "decision")
	return map[string]Mix{
		"decisions": {status, report, slForum, decision, mmClick, slReport, decision, slClick, status, slForum},
		"plain":     {status, report, slForum, status, mmClick, slReport, slForum, slClick, status, mmClick},
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
