package commands

import (
	"strings"
	"unicode"

	"samverkan/bot"
)

// Token is one word of a command line. Quoted tells that the word was
// written in quotes, so it is never taken for a command word or key=value.
type Token struct {
	Text   string
	Quoted bool
	// Key is set for key=value tokens; Text then holds the value.
	Key string
}

// ParseError is a syntax error in a command line.
type ParseError struct {
	ID  string // catalog message
	Pos int    // byte offset where the problem starts
}

func (e *ParseError) Error() string { return e.ID }

// quote pairs: plain and the typographic quotes that phones and macOS put
// in when people type ".
var closing = map[rune]rune{'"': '"', '“': '”', '”': '”', '„': '“', '«': '»', '\'': '\''}

// Tokenize splits a command line into words. Words in quotes keep their
// spaces; key=value and key="a value" become one keyed token. It fails on
// an unbalanced quote.
func Tokenize(line string) ([]Token, error) {
	var out []Token
	rs := []rune(line)
	i := 0
	for i < len(rs) {
		for i < len(rs) && unicode.IsSpace(rs[i]) {
			i++
		}
		if i >= len(rs) {
			break
		}
		start := i
		var b strings.Builder
		tok := Token{}
		for i < len(rs) && !unicode.IsSpace(rs[i]) {
			r := rs[i]
			if end, ok := closing[r]; ok && (r != '\'' || b.Len() == 0 || strings.HasSuffix(b.String(), "=")) {
				j := i + 1
				for j < len(rs) && rs[j] != end && !(r == '"' && rs[j] == '”') && !(r == '“' && rs[j] == '"') {
					j++
				}
				if j >= len(rs) {
					return nil, &ParseError{ID: "err.unbalanced_quote", Pos: len(string(rs[:i]))}
				}
				b.WriteString(string(rs[i+1 : j]))
				tok.Quoted = true
				i = j + 1
				continue
			}
			if r == '=' && tok.Key == "" && !tok.Quoted && b.Len() > 0 {
				tok.Key = bot.Fold(b.String())
				b.Reset()
				i++
				continue
			}
			b.WriteRune(r)
			i++
		}
		tok.Text = b.String()
		if tok.Key == "" && !tok.Quoted && tok.Text == "" {
			_ = start
			continue
		}
		out = append(out, tok)
	}
	return out, nil
}
