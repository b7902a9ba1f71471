package e2e_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"samverkan/adapters/mattermost"
	"samverkan/adapters/mattermost/mmtest"
	"samverkan/adapters/slack"
	"samverkan/adapters/slack/slackfake"
	"samverkan/bot"
	"samverkan/bot/bottest"
	"samverkan/commands"
)

// TestOneForumBothPlatforms binds one forum to a Mattermost channel and a
// Slack channel, and shows that what a command on either platform makes
// the forum say arrives on both.
func TestOneForumBothPlatforms(t *testing.T) {
	env := bottest.NewEnv(t)
	env.Bot.Admins = append(env.Bot.Admins, bot.Identity{Platform: bot.Slack, UserID: "U_ADMIN"})
	key := []byte("0123456789abcdef0123456789abcdef")
	mm, sl := mmtest.New(), slackfake.New()
	t.Cleanup(mm.Close)
	t.Cleanup(sl.Close)
	mm.AddUser("u_admin", "admin")
	mm.AddUser("u_tove", "tove")
	e := commands.New(env.Bot, "sv")
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mma := mattermost.New(e, mm.URL, "bot-token", []string{"tok"}, srv.URL, key, bottest.Quiet())
	sla := slack.New(e, "xoxb-test", "secret", "", sl.APIURL(), key, bottest.Quiet())
	mma.Routes(mux)
	sla.Routes(mux)
	env.Outbox.Platforms[bot.Mattermost], env.Outbox.Platforms[bot.Slack] = mma, sla
	mmc := &mmtest.Client{BotURL: srv.URL, Token: "tok"}
	slc := &slackfake.Client{BotURL: srv.URL, Secret: "secret"}

	mmDo := func(text string) {
		t.Helper()
		mentions := map[string]string{}
		if strings.Contains(text, "@tove") {
			mentions["tove"] = "u_tove"
		}
		if r := mmc.Command("u_admin", "admin", "ch_mm", text, mentions); r.Status != 200 || strings.Contains(string(r.Body), "Så här") {
			t.Fatalf("mattermost %s: %d %s", text, r.Status, r.Body)
		}
	}
	slDo := func(user, text string) string {
		t.Helper()
		r := slc.Command(user, "C_SL", text, sl.HookURL())
		if r.Status != 200 {
			t.Fatalf("slack %s: %d", text, r.Status)
		}
		return slackfake.Text(r.JSON())
	}
	mmDo(`aktör lägg-till lst "Länsstyrelsen Stockholm"`)
	mmDo(`aktör lägg-till sthlm "Stockholms stad"`)
	mmDo(`forum skapa ssr "Regional samverkan" nivå=samordnande värd=lst`)
	mmDo(`forum kanal ssr`)
	mmDo(`medlem lägg-till @tove aktör=lst roll=tib`)
	slDo("U_ADMIN", `forum kanal ssr`)
	slDo("U_ADMIN", `medlem lägg-till <@U_STINA|stina> aktör=sthlm roll=kommunikatör`)
	env.Deliver(t)
	// Binding the Slack channel was announced in the Mattermost channel.
	if !anyPost(mm.Posts("ch_mm"), "C_SL på slack") {
		t.Errorf("mattermost channel was not told about the slack channel: %v", texts(mm.Posts("ch_mm")))
	}
	// A command typed on Slack makes the forum speak on both platforms.
	slDo("U_ADMIN", `forum anslut ssr sthlm`)
	env.Deliver(t)
	const joined = "Stockholms stad är nu med i forum Regional samverkan"
	if !anyPost(mm.Posts("ch_mm"), joined) {
		t.Errorf("mattermost channel lacks %q", joined)
	}
	found := false
	for _, p := range sl.Posts("C_SL") {
		found = found || strings.Contains(slackfake.Text(p.Blocks())+p.Str("text"), joined)
	}
	if !found {
		t.Errorf("slack channel lacks %q", joined)
	}
	// Members act from either platform: stina from Slack, tove from Mattermost.
	if txt := slDo("U_STINA", "forum visa"); !strings.Contains(txt, "Stockholms stad (sthlm)") || !strings.Contains(txt, "slack: C_SL") || !strings.Contains(txt, "mattermost: ch_mm") {
		t.Errorf("stina's forum visa on slack: %s", txt)
	}
	r := mmc.Command("u_tove", "tove", "ch_mm", "medlem lista", nil)
	if !strings.Contains(string(r.Body), "stina (slack)") {
		t.Errorf("tove's medlem lista on mattermost: %s", r.Body)
	}
}

func anyPost(posts []*model.Post, want string) bool {
	for _, p := range posts {
		if strings.Contains(mmtest.Text(p), want) {
			return true
		}
	}
	return false
}

func texts(posts []*model.Post) []string {
	var out []string
	for _, p := range posts {
		out = append(out, mmtest.Text(p))
	}
	return out
}
