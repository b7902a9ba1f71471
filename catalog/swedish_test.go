package catalog_test

import (
	"strings"
	"testing"

	"samverkan/bottest"
	"samverkan/catalog"
)

// allowed are English messages that name Swedish on purpose.
var allowed = map[string]string{
	"help.footer":         "says Swedish words work too",
	"err.contact_nothing": "a RAKEL talk group named as Swedish agencies name them (RSN-TiB)",
}

// Every English message, rendered, is English.
func TestEnglishHasNoSwedish(t *testing.T) {
	for _, id := range catalog.IDs("en") {
		if allowed[id] != "" {
			continue
		}
		for _, n := range []int{1, 2} {
			if sw := bottest.SwedishIn(catalog.T("en", id, "Count", n)); sw != "" {
				t.Errorf("en %s: %q", id, sw)
				break
			}
		}
	}
}

// Every count reads right in both languages: one, and more than one.
func TestCountsHaveTheirPlurals(t *testing.T) {
	cases := map[string][2]string{
		"sv channels": {"1 kanal", "2 kanaler"}, "sv people": {"1 person", "2 personer"}, "sv decisions": {"1 beslut", "2 beslut"},
		"en channels": {"1 channel", "2 channels"}, "en decisions": {"1 decision", "2 decisions"}, "en actions": {"1 action item", "2 action items"},
	}
	for k, want := range cases {
		lang, noun, _ := strings.Cut(k, " ")
		if one, two := catalog.Count(lang, noun, 1), catalog.Count(lang, noun, 2); one != want[0] || two != want[1] {
			t.Errorf("%s: %q, %q; want %q, %q", k, one, two, want[0], want[1])
		}
	}
}

// allowedNb are Norwegian messages that hold another language on purpose.
var allowedNb = map[string]string{
	"help.footer": "says Swedish and English words work too",
}

// Every Norwegian message, rendered, is Norwegian: no Swedish, no
// English, outside what is typed (commands keep their Swedish words and
// gain Norwegian ones).
func TestNorwegianHasNoOtherLanguage(t *testing.T) {
	for _, id := range catalog.IDs("nb") {
		if allowedNb[id] != "" {
			continue
		}
		for _, n := range []int{1, 2} {
			if bad := bottest.ForeignInNorwegian(catalog.T("nb", id, "Count", n)); bad != "" {
				t.Errorf("nb %s: %q", id, bad)
				break
			}
		}
	}
}
