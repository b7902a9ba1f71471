package commands

import (
	"context"
	"strings"

	"samverkan/bot"
	"samverkan/catalog"
)

func (e *Engine) registerHelp() {
	e.Register(&Command{
		Path:   []Word{{"hjälp", "help"}},
		Params: []Param{{Name: Word{"ord", "word"}, Meta: Word{"ord", "word"}, Positional: true, Optional: true}},
		Perm:   bot.PermAnyone,
		Help:   "help.help",
		Action: bot.ActHelp,
		Run: func(ctx context.Context, r *Request, a Args) (Reply, error) {
			return e.help(ctx, r, a.Get("ord")), nil
		},
	})
}

// helpForum is the forum of the channel help is asked in, so that help
// there lists what the caller may do in that forum.
func (e *Engine) helpForum(r *Request) *bot.Forum {
	id := e.channelForum(r)
	if id == "" {
		return nil
	}
	f, _, _ := e.Bot.Registry.Forum(id)
	return f
}

// paramHelp explains each parameter of c on a line of its own, with the
// values it takes where they are fixed.
func (e *Engine) paramHelp(c *Command, p catalog.Printer) []string {
	var out []string
	for _, prm := range c.Params {
		if prm.Help == "" || prm.Name.key() == "forum" {
			continue
		}
		line := "    " + prm.Name.In(p.Lang) + ": " + p.T(prm.Help)
		var values []string
		switch prm.Kind {
		case KindChoice:
			values = strings.Split(choiceWords(p.Lang, prm.Choices), ", ")
		case KindLevel:
			for _, l := range bot.Levels() {
				values = append(values, l.Word(p.Lang))
			}
		}
		if len(values) > 0 {
			line += " (" + strings.Join(values, " | ") + ")"
		}
		if prm.Kind == KindLong {
			line += " " + p.T("form.max_chars", "Max", prm.MaxLen())
		}
		out = append(out, line)
	}
	return out
}

// help lists the commands the caller may run, optionally only those that
// start with word, then with what each of their parameters takes.
func (e *Engine) help(_ context.Context, r *Request, word string) Reply {
	p := catalog.Printer{Lang: r.Lang}
	var lines []string
	for _, c := range e.cmds {
		if word != "" {
			if ok, _ := c.Path[0].match(word); !ok {
				continue
			}
		}
		if c.Alias || !bot.Allowed(r.Caller, c.Perm, e.helpForum(r)) {
			continue
		}
		lines = append(lines, "`"+e.Root+" "+c.Usage(r.Lang)+"` — "+p.T(c.Help))
		if word != "" {
			lines = append(lines, e.paramHelp(c, p)...)
		}
	}
	if len(lines) == 0 {
		lines = append(lines, p.T("help.nothing", "Word", word))
	}
	text := strings.Join(lines, "\n")
	if r.Caller.Member == nil && !r.Caller.Admin {
		text += "\n\n" + p.T("help.not_registered")
	}
	text += "\n\n" + p.T("help.footer")
	return Reply{Lang: r.Lang, Message: bot.Message{Title: p.T("help.title"), Text: text}}
}
