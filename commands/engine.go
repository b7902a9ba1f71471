package commands

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"samverkan/bot"
	"samverkan/catalog"
)

// Engine runs commands against the bot.
type Engine struct {
	Bot  *bot.Bot
	Lang string // default reply language
	// Root is the slash command people type, "/samverkan".
	Root string
	cmds []*Command
	// longestPath is the most words a command's path has.
	longestPath int
	Log         *slog.Logger
	// Observe, when set, is told every command's name, outcome and time.
	Observe func(platform, command, outcome string, d time.Duration)
	// Admission bounds the commands in flight (nil: no bound).
	Admission *Admission
	// BoardURL is the web address the status board's links start with
	// (the bot's public URL); empty: no board.
	BoardURL string
}

// New returns an engine with every command registered. b may be nil for
// an engine that only describes the commands (help, hints).
func New(b *bot.Bot, lang string) *Engine {
	e := &Engine{Bot: b, Lang: catalog.Normalize(lang), Root: "/samverkan", Admission: NewAdmission(0)}
	e.registerHelp()
	e.registerRegistry()
	e.registerActivation()
	e.registerReports()
	e.registerConference()
	e.registerStatements()
	e.registerRequests()
	e.registerAfterAction()
	e.registerBoard()
	return e
}

// Register adds a command to the table.
func (e *Engine) Register(c *Command) {
	e.cmds = append(e.cmds, c)
	e.longestPath = max(e.longestPath, len(c.Path))
}

// Commands returns the command table in registration order.
func (e *Engine) Commands() []*Command { return e.cmds }

// Run parses and runs one command line.
func (e *Engine) Run(ctx context.Context, req Request) Reply {
	if req.Lang == "" {
		e.settleLang(&req, "")
	} else {
		req.spoken = true
	}
	req.Text = bot.CleanText(req.Text)
	toks, err := Tokenize(req.Text)
	if err != nil {
		var pe *ParseError
		errors.As(err, &pe)
		// Name the command by its first words, so that the answer shows
		// its usage line next to what is wrong with the quoting.
		var words []Token
		for _, w := range strings.Fields(req.Text) {
			if strings.ContainsAny(w, `"'”“=`) {
				break
			}
			words = append(words, Token{Text: w})
		}
		cmd, _, _ := e.match(words)
		return e.fail(req, cmd, bot.Errorf(bot.EINVALID, pe.ID))
	}
	if len(toks) == 0 {
		return e.help(ctx, &req, "")
	}
	cmd, n, lang := e.match(toks)
	if lang != "" {
		req.Lang, req.spoken = lang, true
	}
	if cmd == nil {
		return e.unknown(req, toks)
	}
	return e.runCommand(ctx, req, cmd, toks[n:])
}

// CommandWords says how many words of line name a command (the root
// "/samverkan" left out), 0 when none does: a prompt that asks for a
// value can tell a command typed instead.
func (e *Engine) CommandWords(line string) int {
	line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), e.Root))
	toks, err := Tokenize(line)
	if err != nil || len(toks) == 0 {
		return 0
	}
	cmd, n, _ := e.match(toks)
	if cmd == nil {
		return 0
	}
	return n
}

// runCommand runs cmd with the words after its path: its form when only
// the forum was given and a form can be shown, else the command itself.
func (e *Engine) runCommand(ctx context.Context, req Request, cmd *Command, rest []Token) Reply {
	if hidden, ok := e.formStart(&req, cmd, rest); ok && req.CanOpenForms {
		e.forumLang(&req, hidden["forum"])
		if err := e.checkPerm(ctx, &req, cmd); err != nil {
			return e.fail(req, cmd, err)
		}
		f := e.form(cmd, req.Lang, hidden)
		if cmd.Prefill != nil {
			start := cmd.Prefill(&req, hidden)
			for i := range f.Fields {
				if v, ok := start[f.Fields[i].Name]; ok {
					f.Fields[i].Default = v
				}
			}
		}
		return Reply{Form: f, Lang: req.Lang}
	}
	args, err := e.bind(ctx, &req, cmd, rest)
	if err != nil {
		return e.fail(req, cmd, err)
	}
	e.forumLang(&req, args.Get("forum"))
	return e.call(ctx, &req, cmd, args)
}

// Submit runs a command from a submitted form: values are keyed by field
// name. Errors that belong to a field come back in FieldErrors.
func (e *Engine) Submit(ctx context.Context, req Request, command string, values map[string]string) Reply {
	if req.Lang == "" {
		e.settleLang(&req, values["forum"])
	} else {
		req.spoken = true // the form was opened in it
	}
	toks, err := Tokenize(command)
	if err != nil {
		return e.fail(req, nil, bot.Errorf(bot.EINVALID, "err.unknown_command", "Text", command))
	}
	cmd, n, _ := e.match(toks)
	if cmd == nil {
		return e.unknown(req, toks)
	}
	rest := toks[n:]
	req.FromForm = true
	for _, p := range cmd.Params {
		v := strings.TrimSpace(bot.CleanText(values[p.Name.key()]))
		if p.Kind != KindLong {
			v = bot.CleanLine(v)
		}
		if v == "" {
			continue
		}
		if p.Kind == KindFlag {
			if v == "true" || v == "ja" || v == "yes" || v == "1" {
				rest = append(rest, Token{Text: p.Name.Sv})
			}
			continue
		}
		rest = append(rest, Token{Key: p.Name.key(), Text: v, Quoted: true})
	}
	args, err := e.bind(ctx, &req, cmd, rest)
	if err != nil {
		return e.fail(req, cmd, err)
	}
	e.forumLang(&req, args.Get("forum"))
	return e.call(ctx, &req, cmd, args)
}

func (e *Engine) call(ctx context.Context, req *Request, cmd *Command, args Args) Reply {
	ctx, ticket := bot.EnsureTicket(ctx)
	r, err := cmd.Run(ctx, req, args)
	if err != nil {
		var be *bot.Error
		if !errors.As(err, &be) {
			// Whoever asked must know whether anything changed.
			e.log().Error("command failed", "command", cmdName(cmd), "err", err, "committed", ticket.Committed(), "outcome_unknown", ticket.Unknown())
			p := catalog.Printer{Lang: req.Lang}
			id := "err.internal"
			switch {
			case ticket.Unknown() || errors.Is(err, bot.ErrOutcomeUnknown):
				id = "err.outcome_unknown"
			case ticket.Committed():
				id = "err.internal_after_change"
			}
			return Reply{Failed: true, Lang: req.Lang, Message: bot.Message{Text: p.T(id)}}
		}
		return e.fail(*req, cmd, err)
	}
	if r.Lang == "" {
		r.Lang = req.Lang
	}
	return r
}

// formStart decides whether a command line asks for the command's form:
// nothing typed after the command, or only the forum (which then travels
// hidden with the form).
func (e *Engine) formStart(req *Request, cmd *Command, rest []Token) (map[string]string, bool) {
	if !cmd.Form {
		return nil, false
	}
	first := Param{}
	if len(cmd.Params) > 0 {
		first = cmd.Params[0]
	}
	if first.Kind != KindForum {
		return nil, len(rest) == 0
	}
	switch {
	case len(rest) == 0:
		if f := e.channelForum(req); f != "" {
			return map[string]string{first.Name.key(): f}, true
		}
		return nil, true
	case len(rest) == 1 && (rest[0].Key == "" || rest[0].Key == first.Name.key()) && e.forumExists(rest[0].Text):
		return map[string]string{first.Name.key(): strings.ToLower(rest[0].Text)}, true
	}
	return nil, false
}

// checkPerm refuses early, before a form opens, when the caller may not run
// cmd at all. Services check again, with the forum, when they act.
func (e *Engine) checkPerm(_ context.Context, req *Request, cmd *Command) error {
	return bot.Require(req.Caller, cmd.Perm, nil)
}

// match finds the command with the longest path matching the first tokens.
func (e *Engine) match(toks []Token) (*Command, int, string) {
	var best *Command
	bestN, bestLang := 0, ""
	// Each typed word is folded once; a command's path is a few words.
	words := make([]string, 0, 4)
	for _, t := range toks[:min(len(toks), e.longestPath)] {
		words = append(words, bot.Fold(t.Text))
	}
	for _, c := range e.cmds {
		if len(c.Path) > len(toks) || len(c.Path) <= bestN {
			continue
		}
		ok, lang := true, ""
		for i, w := range c.Path {
			if toks[i].Quoted || toks[i].Key != "" {
				ok = false
				break
			}
			m, l := w.matchFolded(words[i])
			if !m {
				ok = false
				break
			}
			if l != "" {
				lang = l
			}
		}
		if ok {
			best, bestN, bestLang = c, len(c.Path), lang
		}
	}
	return best, bestN, bestLang
}

// unknown answers a line that names no command: the group's commands when
// the first word is a known group, else a pointer to help.
func (e *Engine) unknown(req Request, toks []Token) Reply {
	var group []*Command
	for _, c := range e.cmds {
		if ok, lang := c.Path[0].match(toks[0].Text); ok && len(c.Path) > 1 {
			if lang != "" {
				req.Lang = lang
			}
			group = append(group, c)
		}
	}
	p := catalog.Printer{Lang: req.Lang}
	if len(group) == 0 {
		var words []string
		for _, c := range e.cmds {
			if !c.Alias && bot.Allowed(req.Caller, c.Perm, nil) {
				words = append(words, c.Path[0].Sv, c.Path[0].En)
			}
		}
		if near := Nearest(toks[0].Text, words); near != "" {
			for _, c := range e.cmds {
				if c.Path[0].En == near && c.Path[0].Sv != near {
					req.Lang = "en" // a slip of an English word: answer in English
					p = catalog.Printer{Lang: req.Lang}
				}
			}
			rest := ""
			for _, t := range toks[1:] {
				rest += " " + t.Text
			}
			return Reply{Failed: true, Lang: req.Lang, Message: bot.Message{Text: p.T("err.unknown_command_near", "Text", toks[0].Text, "Near", near+rest)}}
		}
		return Reply{Failed: true, Lang: req.Lang, Message: bot.Message{Text: p.T("err.unknown_command", "Text", toks[0].Text, "Root", e.Root)}}
	}
	var lines []string
	for _, c := range group {
		if bot.Allowed(req.Caller, c.Perm, nil) {
			lines = append(lines, "`"+e.Root+" "+c.Usage(req.Lang)+"`")
		}
	}
	sub := ""
	if len(toks) > 1 {
		sub = toks[1].Text
	}
	text := p.T("err.unknown_subcommand", "Group", toks[0].Text, "Sub", sub)
	var subs []string
	for _, c := range group {
		if bot.Allowed(req.Caller, c.Perm, nil) {
			subs = append(subs, c.Path[1].Sv, c.Path[1].En)
		}
	}
	if near := Nearest(sub, subs); near != "" {
		text += " " + p.T("err.did_you_mean", "Text", toks[0].Text+" "+near)
	}
	if len(lines) > 0 {
		text += "\n" + p.T("usage.one_of") + "\n" + strings.Join(lines, "\n")
	}
	return Reply{Failed: true, Lang: req.Lang, Message: bot.Message{Text: text}}
}

// fail turns err into a short ephemeral answer with the right usage.
func (e *Engine) fail(req Request, cmd *Command, err error) Reply {
	p := catalog.Printer{Lang: req.Lang}
	var be *bot.Error
	if !errors.As(err, &be) {
		e.log().Error("command failed", "command", cmdName(cmd), "err", err)
		return Reply{Failed: true, Lang: req.Lang, Message: bot.Message{Text: p.T("err.internal")}}
	}
	if be.Code == bot.EBUSY {
		return e.Busy(req.Lang)
	}
	text := p.T(be.ID, localData(req.Lang, be.Data)...)
	r := Reply{Failed: true, Lang: req.Lang}
	if be.Field != "" {
		r.FieldErrors = map[string]string{be.Field: text}
	}
	if cmd != nil && (be.Code == bot.EINVALID || be.Code == bot.ENOTFOUND) {
		text += "\n" + p.T("usage.line", "Usage", e.Root+" "+cmd.Usage(req.Lang))
	}
	r.Message = bot.Message{Text: text}
	return r
}

// localData flattens error data for the catalog, translating roles.
func localData(lang string, data map[string]any) []any {
	var kv []any
	for k, v := range data {
		if roles, ok := v.([]bot.Role); ok {
			words := make([]string, len(roles))
			for i, r := range roles {
				words[i] = r.Word(lang)
			}
			v = strings.Join(words, ", ")
		}
		kv = append(kv, k, v)
	}
	return kv
}

func cmdName(c *Command) string {
	if c == nil {
		return ""
	}
	return c.Words("en")
}

func (e *Engine) log() *slog.Logger {
	if e.Log == nil {
		return slog.Default()
	}
	return e.Log
}

// AutocompleteHint is the one-line hint platforms show under the slash
// command, generated from the table.
func (e *Engine) AutocompleteHint(lang string) string {
	seen := map[string]bool{}
	var words []string
	for _, c := range e.cmds {
		w := c.Path[0].In(lang)
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return "[" + strings.Join(words, "|") + "] …"
}

// AutocompleteDescription is the platforms' one-line description.
func (e *Engine) AutocompleteDescription(lang string) string {
	return catalog.T(lang, "autocomplete.description")
}

// Describe renders a bot error for a caller; adapters use it for errors
// that arise outside a command (e.g. a refused button).
func Describe(lang string, err error) string {
	var be *bot.Error
	if !errors.As(err, &be) {
		return catalog.T(lang, "err.internal")
	}
	return catalog.T(lang, be.ID, localData(lang, be.Data)...)
}
