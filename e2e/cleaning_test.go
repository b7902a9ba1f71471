package e2e_test

import (
	"strings"
	"testing"

	"samverkan/bot"
)

// Text from either platform is stored without the characters that would
// make people read something else: bidirectional controls and invisible
// formatting, in a name typed on Mattermost and a report typed on Slack.
func TestDirectionControlsNeverReachTheStore(t *testing.T) {
	w := newWorld(t)
	w.setup()
	w.must(w.mustText(w.mmCmd("u_admin", "aktör lägg-till pk \"Polisen\u202e\u2066 kontakt\u200f\"")))
	w.must(w.slCmd("U_STINA", "lägesbild ny ssr fakta=\"Väg 73\u2067 stängd\u2069\u061c norrut\ufeff\""))
	var a bot.Actor
	var r bot.Report
	_ = w.env.Store.View(func(tx bot.Tx) error {
		_ = tx.Get(bot.BucketActors, "pk", &a)
		rep, err := bot.LatestReport(tx, "ssr", "sthlm")
		if rep != nil {
			r = *rep
		}
		return err
	})
	if a.Name != "Polisen kontakt" {
		t.Errorf("the actor's name is stored as %q", a.Name)
	}
	if len(r.Sections) == 0 || r.Sections[0].Text != "Väg 73 stängd norrut" {
		t.Errorf("the report is stored as %+v", r.Sections)
	}
	if txt := w.slCmd("U_STINA", "aktör lista"); !strings.Contains(txt, "`pk` Polisen kontakt") {
		t.Errorf("aktör lista: %s", txt)
	}
}
