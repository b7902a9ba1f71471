package e2e_test

import (
	"strings"
	"testing"

	"samverkan/bot"
)

// Who reads a report is never left to a guess, on either platform: a RED
// report with nobody named is refused with the usage, names on a report
// that is not RED are refused with the reason, and nothing is stored.
func TestRedNeedsItsReadersAndNamesNeedRed(t *testing.T) {
	w := newWorld(t)
	w.setup()
	stored := func() int {
		n := 0
		_ = w.env.Store.View(func(tx bot.Tx) error {
			return tx.ForEach(bot.BucketReports, "", func(string, func(any) error) error { n++; return nil })
		})
		return n
	}
	for _, c := range []struct{ platform, text, want string }{
		{"mattermost", `lägesbild ny ssr fakta="Bara för några." tlp=RED`, "TLP:RED visas bara för dem som namnges, och ingen är namngiven"},
		{"slack", `lägesbild ny ssr fakta="Bara för några." tlp=RED`, "TLP:RED visas bara för dem som namnges, och ingen är namngiven"},
		{"mattermost", `lägesbild ny ssr fakta="Till alla." tlp=AMBER till=@tove`, "men den här är TLP:AMBER, som forumets medlemmar läser ändå"},
		{"slack", `lägesbild ny ssr fakta="Till alla." till=<@U_ELIN|elin>`, "men den här är TLP:AMBER"},
	} {
		var answer string
		if c.platform == "mattermost" {
			answer, _ = w.mmCmd("u_sam", c.text)
		} else {
			answer = w.slCmd("U_STINA", c.text)
		}
		if !w.refused() || !strings.Contains(answer, c.want) || !strings.Contains(answer, "Så här:") || !strings.Contains(answer, "Inget sparades") {
			t.Errorf("%s> %s: %s", c.platform, c.text, answer)
		}
	}
	if n := stored(); n != 0 {
		t.Errorf("%d reports stored", n)
	}
	// Named, RED is filed, for those named.
	w.must(w.mustText(w.mmCmd("u_sam", `lägesbild ny ssr fakta="Bara för några." tlp=RED till=@tove`)))
	if n := stored(); n != 1 {
		t.Errorf("%d reports stored, want 1", n)
	}
}
