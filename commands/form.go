package commands

import (
	"strings"

	"samverkan/bot"
	"samverkan/catalog"
)

// form builds the form of a command from its parameters. Submitting it runs
// the same command with the values as key=value arguments.
func (e *Engine) form(c *Command, lang string, hidden map[string]string) *bot.Form {
	p := catalog.Printer{Lang: lang}
	f := &bot.Form{
		Command: c.Words("sv"),
		Title:   p.T(c.Help + ".title"),
		Submit:  p.T("form.submit"),
		Cancel:  p.T("form.cancel"),
		Hidden:  hidden,
	}
	if intro := p.T(c.Help + ".intro"); intro != c.Help+".intro" {
		f.Intro = intro
	}
	for _, prm := range c.Params {
		if _, ok := hidden[prm.Name.key()]; ok {
			continue
		}
		ff := bot.FormField{
			Name:     prm.Name.key(),
			Label:    capitalise(prm.Name.In(lang)),
			Type:     bot.FieldText,
			Optional: prm.Optional || prm.Kind == KindFlag || prm.Default != "",
			Default:  prm.Default,
			MaxLen:   MaxLine,
			OnlyWhen: prm.OnlyWhen,
		}
		if prm.Help != "" {
			ff.Help = p.T(prm.Help)
		}
		if max := prm.MaxLen(); prm.Kind == KindLong {
			ff.Help = strings.TrimSpace(ff.Help + " " + p.T("form.max_chars", "Max", max))
		}
		if prm.Label != "" {
			ff.Label = p.T(prm.Label)
		}
		switch prm.Kind {
		case KindLong:
			ff.Type, ff.MaxLen = bot.FieldTextarea, MaxText
		case KindLevel:
			ff.Type = bot.FieldSelect
			for _, l := range bot.Levels() {
				ff.Options = append(ff.Options, bot.Option{Label: l.Word(lang), Value: string(l)})
			}
		case KindChoice:
			ff.Type = bot.FieldSelect
			for _, c := range prm.Choices {
				ff.Options = append(ff.Options, bot.Option{Label: p.T(c.Label), Value: c.Value})
			}
		case KindFlag:
			ff.Type = bot.FieldSelect
			ff.Options = []bot.Option{{Label: p.T("form.no"), Value: "nej"}, {Label: p.T("form.yes"), Value: "ja"}}
		}
		f.Fields = append(f.Fields, ff)
	}
	return f
}

// FormFor returns the form of the command named by words (e.g. "forum
// skapa") with the given values travelling hidden.
func (e *Engine) FormFor(words, lang string, hidden map[string]string) *bot.Form {
	toks, err := Tokenize(words)
	if err != nil {
		return nil
	}
	c, n, _ := e.match(toks)
	if c == nil || n != len(toks) || !c.Form {
		return nil
	}
	return e.form(c, lang, hidden)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	if strings.EqualFold(s, "tlp") {
		return "TLP"
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
