package bot_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"samverkan/bot"
)

// Every bidirectional control and invisible formatting character is
// dropped from stored text; what people may write (Swedish letters,
// Arabic, emoji joined with ZWJ, tabs and newlines) stays.
func TestCleanTextDropsWhatReordersOrHides(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Polisen\u202e\u2066 kontakt", "Polisen kontakt"},
		{"a\u202ab\u202bc\u202cd\u202de\u202ef", "abcdef"},
		{"\u2066x\u2067y\u2068z\u2069", "xyz"},
		{"l\u200er\u200f\u061c!", "lr!"},
		{"zero\u200bwidth\u2060joiner\ufeffbom\u00adsoft\u034fcgj", "zerowidthjoinerbomsoftcgj"},
		{"tag\U000E0041\U000E007F", "tag"},
		{"rad 1\r\nrad 2\rrad 3\u2028\u2029", "rad 1\nrad 2\nrad 3"},
		{"Åsa Öberg, Ærø, Øst", "Åsa Öberg, Ærø, Øst"},
		{"مرحبا", "مرحبا"},
		{"👨\u200d👩\u200d👧 \u200cx", "👨\u200d👩\u200d👧 \u200cx"},
		{"\tindrag", "\tindrag"},
	} {
		if got := bot.CleanText(c.in); got != c.want {
			t.Errorf("CleanText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := bot.CleanLine("Polisen\u202e\u2066 \n kontakt"); got != "Polisen kontakt" {
		t.Errorf("CleanLine = %q", got)
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"Polisen\u202e\u2066 kontakt", "\u200b@channel\u00ad", "a\r\nb", "\xff\xfe", "👨\u200d👩", "\U000E0041"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := bot.CleanText(s)
		if !utf8.ValidString(out) {
			t.Fatalf("%q: invalid UTF-8 %q", s, out)
		}
		for _, r := range out {
			if bot.Invisible(r) || unicode.Is(unicode.Bidi_Control, r) || (unicode.IsControl(r) && r != '\n' && r != '\t') {
				t.Fatalf("%q: %q keeps %U", s, out, r)
			}
		}
		if again := bot.CleanText(out); again != out {
			t.Fatalf("%q: not idempotent: %q then %q", s, out, again)
		}
		if line := bot.CleanLine(s); strings.ContainsAny(line, "\n\t") {
			t.Fatalf("%q: CleanLine keeps a line break: %q", s, line)
		}
	})
}
