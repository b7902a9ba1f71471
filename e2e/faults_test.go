package e2e_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"samverkan/adapters/mattermost/mmtest"
)

// TestMattermostDownForMinutes keeps Mattermost answering 500 for ten
// minutes of a busy activation while Slack works; when it comes back,
// everything arrives once, in order, and Slack was never held up.
func TestMattermostDownForMinutes(t *testing.T) {
	w := newWorld(t)
	w.setup()
	before := len(w.mm.Posts(""))
	w.mm.FailPosts(1 << 30)
	w.must(w.mustText(w.mmCmd("u_tove", "aktivera ssr")))
	w.deliver()
	w.mmCmd("u_sam", "kvittera ssr") // per does not answer
	w.slCmd("U_STINA", "kvittera")
	for range 20 { // ten minutes, a pass every 30 s
		w.advance(30 * time.Second)
	}
	if countSL(w.slDM("U_ELIN"), "Inkallning") != 1 || countSL(w.sl.Posts(slChannel), "AKTIVERAT") != 1 {
		t.Fatal("slack was held up by the mattermost outage")
	}
	if n := len(w.mm.Posts("")); n != before {
		t.Fatalf("mattermost got %d posts while down", n-before)
	}
	w.mm.FailPosts(0)
	for range 12 { // backoff is capped at five minutes
		w.advance(30 * time.Second)
	}
	w.advance(5 * time.Minute)
	pending, _ := w.env.Outbox.Pending()
	if len(pending) != 0 {
		t.Fatalf("%d messages still pending", len(pending))
	}
	if n := countMM(w.mm.Posts(mmChannel), "AKTIVERAT: Regional samverkanskonferens"); n != 1 {
		t.Errorf("%d banners on mattermost, want 1", n)
	}
	for _, u := range []string{"u_sam", "u_per"} { // tove activated: she answered for her actor
		if n := countMM(w.mmDM(u), "Inkallning"); n != 1 {
			t.Errorf("%s has %d call-ins, want 1", u, n)
		}
	}
	// In order per destination: per's call-in before his reminder; tove,
	// who activated, hears at the deadline who is missing.
	order := func(user string) string {
		var got []string
		for _, p := range w.mmDM(user) {
			for _, k := range []string{"Inkallning", "Påminnelse", "Ej kvitterat"} {
				if strings.Contains(mmtest.Text(p), k) {
					got = append(got, k)
				}
			}
		}
		return fmt.Sprint(got)
	}
	if got := order("u_per"); got != "[Inkallning Påminnelse]" {
		t.Errorf("per's messages arrived as %v", got)
	}
	if got := order("u_tove"); got != "[Ej kvitterat]" {
		t.Errorf("tove's messages arrived as %v", got)
	}
}
