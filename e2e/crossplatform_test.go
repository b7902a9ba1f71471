package e2e_test

import (
	"strings"
	"testing"
)

// TestOneForumBothPlatforms binds one forum to a Mattermost channel and a
// Slack channel, and shows that what a command on either platform makes
// the forum say arrives on both, and that members act from either.
func TestOneForumBothPlatforms(t *testing.T) {
	w := newWorld(t)
	w.mmUser("u_tove", "tove")
	for _, s := range []string{
		`aktör lägg-till lst "Länsstyrelsen Stockholm"`,
		`aktör lägg-till sthlm "Stockholms stad"`,
		`forum skapa ssr "Regional samverkan" nivå=samordnande värd=lst`,
		`forum kanal ssr`,
		`medlem lägg-till @tove aktör=lst roll=tib`,
	} {
		text, _ := w.mmCmd("u_admin", s)
		w.must(text)
	}
	w.must(w.slCmd("U_ADMIN", `forum kanal ssr`))
	w.must(w.slCmd("U_ADMIN", `medlem lägg-till <@U_STINA|stina> aktör=sthlm roll=kommunikatör`))
	w.deliver()
	if countMM(w.mm.Posts(mmChannel), "C_SL på slack") != 1 {
		t.Errorf("mattermost channel was not told about the slack channel:\n%s", mmTexts(w.mm.Posts(mmChannel)))
	}
	// A command typed on Slack makes the forum speak on both platforms.
	w.must(w.slCmd("U_ADMIN", `forum anslut ssr sthlm`))
	w.deliver()
	const joined = "Stockholms stad är nu med i forum Regional samverkan"
	if countMM(w.mm.Posts(mmChannel), joined) != 1 {
		t.Errorf("mattermost channel lacks %q", joined)
	}
	if countSL(w.sl.Posts(slChannel), joined) != 1 {
		t.Errorf("slack channel lacks %q", joined)
	}
	if txt := w.slCmd("U_STINA", "forum visa"); !strings.Contains(txt, "Stockholms stad (sthlm)") || !strings.Contains(txt, "slack: C_SL") || !strings.Contains(txt, "mattermost: ch_mm") {
		t.Errorf("stina's forum visa on slack: %s", txt)
	}
	// Tove sees Stina, a member of another of the forum's actors, and her
	// role; her platform account is for her own actor and admins to see.
	if txt, _ := w.mmCmd("u_tove", "medlem lista"); !strings.Contains(txt, "`stina` stina · sthlm · kommunikatör") || strings.Contains(txt, "stina (slack)") {
		t.Errorf("tove's medlem lista on mattermost: %s", txt)
	}
	if txt, _ := w.mmCmd("u_admin", "medlem lista"); !strings.Contains(txt, "stina (slack)") {
		t.Errorf("the admin's medlem lista on mattermost: %s", txt)
	}
}
