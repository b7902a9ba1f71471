package commands

import (
	"cmp"
	"context"
	"strings"

	"samverkan/bot"
	"samverkan/catalog"
)

// settleLang sets the language req is answered in when its words do not
// say (an English or Norwegian command word does): that of forum, or of
// the channel's forum, else the engine's. Asking for the channel's forum
// also learns it for the rest of the request.
func (e *Engine) settleLang(req *Request, forum string) {
	l, f := e.Bot.Registry.Language(forum, req.Channel)
	if forum == "" {
		req.bound, req.boundRead = f, true
	}
	req.Lang, req.langOf = cmp.Or(l, e.Lang), f
}

// forumLang answers in the language of the forum a command is about
// (named, or its channel's) unless the words typed chose one.
func (e *Engine) forumLang(req *Request, forum string) {
	if !req.spoken && forum != "" && forum != req.langOf {
		e.settleLang(req, forum)
	}
}

// forumLanguage sets the language a forum is spoken to in, or with "-"
// gives it the bot's own again.
func (e registryCommands) forumLanguage(ctx context.Context, r *Request, a Args) (Reply, error) {
	lang := strings.ToLower(strings.TrimSpace(a.Get("sprak")))
	switch lang {
	case "-":
		lang = ""
	case "svenska", "swedish", "svensk":
		lang = "sv"
	case "engelska", "english", "engelsk":
		lang = "en"
	case "norska", "norwegian", "norsk", "bokmål", "bokmal", "no", "nb-no":
		lang = "nb"
	}
	f, err := e.Bot.Registry.SetLanguage(ctx, r.Caller, a.Get("forum"), lang)
	if err != nil {
		return Reply{}, err
	}
	// Told in the language the forum now speaks: what its people will read.
	p := catalog.Printer{Lang: cmp.Or(f.Lang, e.Lang)}
	if f.Lang == "" {
		return Reply{Message: bot.Message{Text: p.T("language.unset", "Forum", f.ID, "Lang", p.T("language."+e.Lang))}}, nil
	}
	return Reply{Message: bot.Message{Text: p.T("language.set", "Forum", f.ID, "Lang", p.T("language."+f.Lang))}}, nil
}
