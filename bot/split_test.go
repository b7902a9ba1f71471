package bot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"samverkan/bot"
)

func TestSplitTextKeepsEverything(t *testing.T) {
	para := strings.Repeat("Ord på svenska, åäö. ", 40)
	s := strings.Join([]string{para, para, strings.Repeat("x", 900), para}, "\n\n")
	parts := bot.SplitText(s, 500)
	if len(parts) < 5 {
		t.Fatalf("got %d parts", len(parts))
	}
	var words int
	for _, p := range parts {
		if n := utf8.RuneCountInString(p); n > 500 {
			t.Errorf("part of %d runes > 500", n)
		}
		words += len(strings.Fields(p))
	}
	if want := len(strings.Fields(s)); words < want {
		t.Errorf("lost words: %d < %d", words, want)
	}
	if got := strings.Count(strings.Join(parts, ""), "x"); got != 900 {
		t.Errorf("the long word lost characters: %d x", got)
	}
}

func FuzzSplitText(f *testing.F) {
	f.Add("hej hopp\n\nåäö", 3)
	f.Add("a\xffb c\xfe\xfd d e f", 2)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 1 || max > 1000 {
			return
		}
		for _, p := range bot.SplitText(s, max) {
			if utf8.RuneCountInString(p) > max {
				t.Fatalf("part over max")
			}
		}
	})
}
