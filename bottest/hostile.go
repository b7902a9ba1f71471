package bottest

import (
	"math/rand/v2"
	"strings"
)

// hostileParts are the pieces hostile text is made of: every spelling of
// a mass mention the platforms know or might (at signs, case, trailing
// punctuation, character references, escapes, zero-width and combining
// characters, Slack's <!…> and <@…>, Markdown), and ordinary words.
var hostileParts = []string{
	"@", "＠", "﹫", "channel", "CHANNEL", "Channel", "all", "ALL", "here", "Here", "everyone",
	".", "_", "-", ":", "__", "..", ":-", "&#64;", "&#x40;", "&commat;", "&amp;", "&", "\\", "\\@",
	"\u200b", "\u200d", "\u2060", "\u0301", "\u00ad", "<", ">", "<!", "<!channel>", "<!here|här>",
	"<!everyone>", "<!subteam^S012>", "<@U123>", "<@U123|anna>", "<#C1>", "`", "*", "_x_", "[", "](http://x)",
	" ", " ", "\n", "x", "allan", "heres", "channels", "å", "Ö", "(", ")", "!", "?", "'", "\"",
}

// HostileText returns a short random text built to become a mass mention
// on some platform if any renderer lets it through.
func HostileText(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.IntN(14) {
		b.WriteString(hostileParts[r.IntN(len(hostileParts))])
	}
	return b.String()
}

// Hostile is a fixed list of texts that must never notify a channel,
// whatever field they end up in.
var Hostile = []string{
	"@channel", "@channel_", "@here.", "@all-", "x.@all", "_@channel", "@channel:", "@CHANNEL__.",
	"&#64;channel", "&commat;here", "\\@channel", "@channel\u200b", "@channel\u0301", "＠channel",
	"<!channel>", "<!here|alla>", "<!everyone>", "<!subteam^S1|grupp>", "<@U123>", "hej @all.",
	"@all_", "@here__",
}
