package mmtest

import (
	"html"
	"regexp"
	"strings"
	"unicode"

	"github.com/mattermost/mattermost/server/public/model"
)

// MassMentions returns the channel-wide mentions (@channel, @all, @here)
// a real Mattermost server would fire for p. It mirrors the server's
// rules (checked against server/channels/app/mention_parser_standard.go
// and notification.go): the fields it reads (message; each attachment's
// pretext, text and string field values), the text as Markdown renders it
// (character references and backslash escapes resolved), Slack
// compatibility ("<!channel>" is "@channel"), and the parser's words:
// split at anything but letters, numbers and ". - _ : @", trimmed of
// ". - _ :" in front, checked with trailing ". - _ :" cut one by one, and
// split again at ". - :". It reads titles, footers and field titles too,
// which the server does not: a test with it is stricter than the server.
func MassMentions(p *model.Post) []string {
	texts := []string{p.Message}
	for _, a := range p.Attachments() {
		texts = append(texts, a.Pretext, a.Text, a.Title, a.Footer, a.Fallback)
		for _, f := range a.Fields {
			texts = append(texts, f.Title)
			if v, ok := f.Value.(string); ok {
				texts = append(texts, v)
			}
		}
	}
	var out []string
	for _, t := range texts {
		out = append(out, mentionsIn(t)...)
	}
	return out
}

var (
	escaped      = regexp.MustCompile("\\\\([!-/:-@\\[-`{-~])")
	announcement = strings.NewReplacer("<!channel>", "@channel", "<!here>", "@here", "<!all>", "@all", "<!everyone>", "@all")
	slackLabel   = regexp.MustCompile(`<!(channel|here|all|everyone)\|[^>]*>`)
)

// mentionsIn applies the parser to one field's text.
func mentionsIn(text string) []string {
	text = slackLabel.ReplaceAllString(text, "@$1")
	text = announcement.Replace(text)
	text = escaped.ReplaceAllString(text, "$1")
	text = html.UnescapeString(text)
	var out []string
	add := func(w string) bool {
		switch strings.ToLower(w) {
		case "@channel", "@all", "@here":
			out = append(out, strings.ToLower(w))
			return true
		}
		return false
	}
	for _, word := range strings.FieldsFunc(text, func(c rune) bool {
		return !(c == ':' || c == '.' || c == '-' || c == '_' || c == '@' || unicode.IsLetter(c) || unicode.IsNumber(c))
	}) {
		if word[0] == ':' && word[len(word)-1] == ':' {
			continue // an emoji
		}
		word = strings.TrimLeft(word, ":.-_")
		if add(word) {
			continue
		}
		found := false
		for w := word; w != "" && strings.LastIndexAny(w, ".-:_") == len(w)-1; {
			w = w[:len(w)-1]
			if add(w) {
				found = true
				break
			}
		}
		if found || !strings.ContainsAny(word, ".-:") {
			continue
		}
		for _, part := range strings.FieldsFunc(word, func(c rune) bool { return c == '.' || c == '-' || c == ':' }) {
			add(part)
		}
	}
	return out
}

// Fired lists, for every post the fake holds as it stands now (edits
// included) and every ephemeral post it was asked to show, the
// channel-wide mentions the real server would have fired, as
// "post ID: @channel".
func (s *Server) Fired() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, p := range s.posts {
		if p.DeleteAt != 0 {
			continue
		}
		for _, m := range MassMentions(p) {
			out = append(out, p.Id+": "+m)
		}
	}
	for _, e := range s.eph {
		for _, m := range MassMentions(e.Post) {
			out = append(out, "ephemeral: "+m)
		}
	}
	return out
}
