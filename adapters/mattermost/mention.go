package mattermost

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mattermost notifies a whole channel for @channel, @all and @here. Its
// mention parser (server/channels/app/mention_parser_standard.go) splits
// text into words at anything but letters, numbers and ". - _ : @", trims
// ". - _ :" around a word and splits again at ". - :", so "@channel_",
// "@here." and "x.@all" all fire; it reads the text after Markdown, so
// "&#64;channel" fires too; and where it applies Slack compatibility
// (model/slack_compatibility.go), "<!channel>" becomes "@channel". Defuse
// closes each of those doors.

// massWord matches "@" (or a full-width or small at sign) and a mass
// mention word, in any case.
var massWord = regexp.MustCompile(`(?i)[@＠﹫](channel|all|here|everyone)`)

// entity matches an HTML character reference, which Markdown turns into
// the character it names ("&#64;" is "@").
var entity = regexp.MustCompile(`&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;)`)

// Defuse stops text from notifying a whole channel. A zero-width space
// after the at sign splits the word for Mattermost's parser (it is not a
// letter, number or mention character) and is invisible to people; it is
// put wherever the word is not followed by a letter or a number, whatever
// punctuation follows. Character references are escaped so Markdown shows
// them as written instead of as an at sign, and Slack's "<!…>" loses its
// meaning.
func Defuse(s string) string {
	s = entity.ReplaceAllString(s, "&amp;$1")
	s = strings.ReplaceAll(s, "<!", "<\u200b!")
	locs := massWord.FindAllStringIndex(s, -1)
	if len(locs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		next, _ := utf8.DecodeRuneInString(s[l[1]:])
		if l[1] < len(s) && (unicode.IsLetter(next) || unicode.IsNumber(next)) {
			continue // "@allan" is a person, not everyone
		}
		_, at := utf8.DecodeRuneInString(s[l[0]:])
		b.WriteString(s[last : l[0]+at])
		b.WriteString("\u200b")
		last = l[0] + at
	}
	b.WriteString(s[last:])
	return b.String()
}
