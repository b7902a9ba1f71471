package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText makes user text safe to store and show: invalid UTF-8 is
// replaced, control characters other than newline and tab are dropped, and
// line endings are normalised. Mass mentions are neutralised by adapters,
// whose syntax differs.
func CleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\u202e', r == '\u202d':
			return -1
		}
		return r
	}, s)
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
