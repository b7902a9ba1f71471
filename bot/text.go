package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText makes user text safe to store and show, on every path that
// stores text: invalid UTF-8 is replaced, line endings are normalised, and
// what could make people read something other than what is stored is
// dropped (Invisible): control characters other than newline and tab,
// every bidirectional control, and invisible formatting. Mass mentions
// are neutralised by adapters, whose syntax differs.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case Invisible(r):
			return -1
		}
		return r
	}, s)
}

// Invisible reports whether r is dropped from stored text: a control
// character (Cc) other than newline and tab; a line or paragraph
// separator; any of Unicode's Bidi_Control characters (U+061C, U+200E,
// U+200F, U+202A–U+202E, U+2066–U+2069), which reorder what is shown; or
// a character that formats invisibly — zero-width space, word joiner and
// invisible operators (U+200B, U+2060–U+2064), the byte-order mark
// U+FEFF, soft hyphen U+00AD, combining grapheme joiner U+034F, the
// Mongolian vowel separator U+180E, Hangul fillers, interlinear
// annotation (U+FFF9–U+FFFB), musical formatting (U+1D173–U+1D17A) and
// tag characters (U+E0000–U+E007F). Zero-width (non-)joiners stay:
// writing systems and emoji need them.
func Invisible(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == '\u2028', r == '\u2029':
		return true
	case r == '\u200B', r >= '\u2060' && r <= '\u2064', r == '\uFEFF', r == '\u00AD', r == '\u034F', r == '\u180E',
		r == '\u115F', r == '\u1160', r == '\u3164', r == '\uFFA0', r >= '\uFFF9' && r <= '\uFFFB',
		r >= 0x1D173 && r <= 0x1D17A, r >= 0xE0000 && r <= 0xE007F:
		return true
	}
	return false
}

// CleanLine is CleanText for one-line values: names, titles.
func CleanLine(s string) string {
	s = CleanText(s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200])
	}
	return s
}

// Shorten cuts s to at most n characters, ending in "…" when it was
// longer: for titles, labels and list lines.
func Shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
