package commands

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"samverkan/bot"
	"samverkan/catalog"
)

// bind assigns the tokens after the command path to its parameters and
// checks each value's kind. Nothing is written here.
func (e *Engine) bind(ctx context.Context, req *Request, cmd *Command, toks []Token) (Args, error) {
	args := Args{}
	var positional []Token
	for _, t := range toks {
		if t.Key != "" {
			p := findParam(cmd, t.Key)
			if p == nil {
				return nil, bot.Errorf(bot.EINVALID, "err.unknown_key", "Key", t.Key)
			}
			args[p.Name.key()] = append(args[p.Name.key()], t.Text)
			continue
		}
		if !t.Quoted {
			if p := findFlag(cmd, t.Text); p != nil {
				args[p.Name.key()] = []string{"ja"}
				continue
			}
		}
		positional = append(positional, t)
	}
	var pos []*Param
	for i := range cmd.Params {
		if p := &cmd.Params[i]; p.Positional && p.Kind != KindFlag {
			pos = append(pos, p)
		}
	}
	// A forum may be left out in a channel bound to exactly one forum.
	if len(pos) > 0 && pos[0].Kind == KindForum && !args.Has(pos[0].Name.key()) && e.forumLeftOut(pos, positional) {
		if f := e.channelForum(req); f != "" {
			args[pos[0].Name.key()] = []string{f}
			pos = pos[1:]
		}
	}
	for _, p := range pos {
		k := p.Name.key()
		if args.Has(k) {
			continue
		}
		if len(positional) == 0 {
			break
		}
		if p.Variadic {
			for _, t := range positional {
				args[k] = append(args[k], t.Text)
			}
			positional = nil
			break
		}
		args[k] = []string{positional[0].Text}
		positional = positional[1:]
	}
	if len(positional) > 0 {
		extra := positional[0]
		if extra.Quoted {
			// Quoted already: what is missing is the name of the field it
			// was meant for, the first text field not yet given.
			for i := range cmd.Params {
				p := &cmd.Params[i]
				if !p.Positional && (p.Kind == KindText || p.Kind == KindLong) && !args.Has(p.Name.key()) {
					return nil, bot.Errorf(bot.EINVALID, "err.unnamed_value", "Text", extra.Text, "Key", p.Name.In(req.Lang))
				}
			}
		}
		return nil, bot.Errorf(bot.EINVALID, "err.too_many_args", "Text", extra.Text)
	}
	for i := range cmd.Params {
		p := &cmd.Params[i]
		k := p.Name.key()
		if !args.Has(k) || (args.Get(k) == "" && p.Kind != KindFlag) {
			delete(args, k)
			if p.Default != "" {
				args[k] = []string{p.Default}
				continue
			}
			if !p.Optional && p.Kind != KindFlag {
				return nil, bot.Errorf(bot.EINVALID, "err.missing_arg", "Name", p.Name.In(req.Lang)).OnField(k)
			}
			continue
		}
		if err := e.check(ctx, req, p, args); err != nil {
			return nil, err
		}
	}
	return args, nil
}

// forumLeftOut decides whether the words typed start after a left-out
// forum: there are fewer words than required parameters, or the first word
// is no forum but fits the next parameter (e.g. `forum anslut pol sthlm`).
func (e *Engine) forumLeftOut(pos []*Param, words []Token) bool {
	required := 0
	for _, p := range pos {
		if !p.Optional {
			required++
		}
	}
	if len(words) < required {
		return true
	}
	if len(words) == 0 || e.forumExists(words[0].Text) || len(pos) < 2 {
		return false
	}
	next := pos[1]
	return next.Variadic && (next.Kind == KindActor && e.exists(KindActor, strings.ToLower(words[0].Text)) == nil)
}

func findParam(cmd *Command, key string) *Param {
	for i := range cmd.Params {
		if ok, _ := cmd.Params[i].Name.match(key); ok {
			return &cmd.Params[i]
		}
	}
	return nil
}

func findFlag(cmd *Command, word string) *Param {
	for i := range cmd.Params {
		if p := &cmd.Params[i]; p.Kind == KindFlag {
			if ok, _ := p.Name.match(word); ok {
				return p
			}
		}
	}
	return nil
}

// check validates and normalises one bound value in place.
func (e *Engine) check(ctx context.Context, req *Request, p *Param, args Args) error {
	k := p.Name.key()
	vals := args[k]
	if max := p.MaxLen(); max > 0 {
		if n := utf8.RuneCountInString(strings.Join(vals, " ")); n > max {
			return bot.Errorf(bot.EINVALID, "err.too_long", "Name", p.Name.In(req.Lang), "Max", max, "N", n).OnField(k)
		}
	}
	for i, v := range vals {
		switch p.Kind {
		case KindHandle:
			v = strings.ToLower(v)
			if !bot.ValidHandle(v) {
				return bot.Errorf(bot.EINVALID, "err.bad_handle", "Value", v).OnField(k)
			}
		case KindForum, KindActor:
			v = strings.ToLower(v)
			if err := e.exists(p.Kind, v); err != nil {
				return fieldOf(err, k)
			}
		case KindLevel:
			l, ok := bot.ParseLevel(v)
			if !ok {
				return bot.Errorf(bot.EINVALID, "err.bad_level", "Value", v).OnField(k)
			}
			v = string(l)
		case KindRoles:
			if _, _, bad := bot.ParseRoleChange(v); bad != "" {
				return bot.Errorf(bot.EINVALID, "err.bad_role", "Value", bad).OnField(k)
			}
		case KindUser:
			if req.Users == nil {
				return bot.Errorf(bot.EINVALID, "err.unknown_user", "User", v).OnField(k)
			}
			id, err := req.Users.ResolveUser(ctx, v)
			if err != nil {
				var be *bot.Error
				if errors.As(err, &be) {
					return fieldOf(err, k)
				}
				return bot.Errorf(bot.EINVALID, "err.unknown_user", "User", v).OnField(k)
			}
			v = id.Key() + "|" + id.Username
		case KindMember:
			id, err := e.memberID(ctx, req, v)
			if err != nil {
				return fieldOf(err, k)
			}
			v = id
		case KindText:
			v = bot.CleanLine(v)
		case KindChoice:
			found := ""
			if p.Parse != nil {
				if v2, ok := p.Parse(v); ok {
					v = v2
				}
			}
			for _, c := range p.Choices {
				if bot.Fold(v) == bot.Fold(c.Value) || bot.Fold(v) == bot.Fold(catalog.T(req.Lang, c.Label)) {
					found = c.Value
				}
			}
			if found == "" {
				return bot.Errorf(bot.EINVALID, "err.bad_choice", "Name", p.Name.In(req.Lang), "Value", v, "Choices", choiceWords(req.Lang, p.Choices)).OnField(k)
			}
			v = found
		}
		vals[i] = v
	}
	return nil
}

// choiceWords lists what may be typed for a choice, in lang: its value
// where the label is a form of it (TLP:CLEAR, PDF, "the public"), else
// the label as a word (allmänheten), quoted when it is several; the
// command takes both.
func choiceWords(lang string, choices []bot.Option) string {
	words := make([]string, len(choices))
	for i, c := range choices {
		label, _, _ := strings.Cut(catalog.T(lang, c.Label), " – ")
		w := strings.ToLower(strings.TrimSpace(label))
		switch {
		case strings.Contains(bot.Fold(label), bot.Fold(c.Value)):
			w = c.Value
		case strings.ContainsAny(w, " ,="):
			w = `"` + w + `"`
		}
		words[i] = w
	}
	return strings.Join(words, ", ")
}

func fieldOf(err error, field string) error {
	var be *bot.Error
	if errors.As(err, &be) && be.Field == "" {
		be.Field = field
	}
	return err
}

// exists checks that forum or actor id is registered; when it is not and
// one registered is a slip of the keyboard away, the error names it.
func (e *Engine) exists(kind Kind, id string) error {
	if kind == KindForum {
		if e.Bot.Registry.ForumExists(id) {
			return nil
		}
		var ids []string
		if fs, err := e.Bot.Registry.Forums(); err == nil {
			for _, f := range fs {
				ids = append(ids, f.ID)
			}
		}
		if near := Nearest(id, ids); near != "" {
			return bot.Errorf(bot.ENOTFOUND, "err.unknown_forum_near", "Forum", id, "Near", near)
		}
		return bot.Errorf(bot.ENOTFOUND, "err.unknown_forum", "Forum", id)
	}
	if e.Bot.Registry.ActorExists(id) {
		return nil
	}
	var ids []string
	if as, err := e.Bot.Registry.Actors(); err == nil {
		for _, a := range as {
			ids = append(ids, a.ID)
		}
	}
	if near := Nearest(id, ids); near != "" {
		return bot.Errorf(bot.ENOTFOUND, "err.unknown_actor_near", "Actor", id, "Near", near)
	}
	return bot.Errorf(bot.ENOTFOUND, "err.unknown_actor", "Actor", id)
}

func (e *Engine) forumExists(id string) bool { return e.exists(KindForum, strings.ToLower(id)) == nil }

// channelForum returns the forum the request's channel is bound to when
// it is exactly one, read once per request.
func (e *Engine) channelForum(req *Request) string {
	if !req.boundRead {
		req.bound, req.boundRead = "", true
		if req.Channel.ID != "" {
			if ids, _ := e.Bot.Registry.ChannelForums(req.Channel); len(ids) == 1 {
				req.bound = ids[0]
			}
		}
	}
	return req.bound
}

// memberID resolves a member handle or a user mention to an active
// member's handle. The platform is asked outside any store transaction.
func (e *Engine) memberID(ctx context.Context, req *Request, v string) (string, error) {
	notFound := bot.Errorf(bot.ENOTFOUND, "err.unknown_member", "Member", v)
	if ms, err := e.Bot.Registry.Members(req.Caller, ""); err == nil {
		var ids []string
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
		if near := Nearest(strings.TrimPrefix(v, "@"), ids); near != "" {
			notFound = bot.Errorf(bot.ENOTFOUND, "err.unknown_member_near", "Member", v, "Near", near)
		}
	}
	if m, err := e.Bot.Registry.Member(strings.TrimPrefix(strings.ToLower(v), "@")); err == nil {
		return m.ID, nil
	}
	if req.Users == nil {
		return "", notFound
	}
	ident, err := req.Users.ResolveUser(ctx, v)
	if err != nil {
		return "", notFound
	}
	m, err := e.Bot.Registry.MemberOf(ident)
	if err != nil {
		return "", err
	}
	if m == nil {
		return "", notFound
	}
	return m.ID, nil
}

// CheckField validates one form field of command as it is entered, so a
// guided prompt can ask again at once. It returns the value as the
// command will read it (a choice's value, a default for an empty field)
// and the problem in the request's language, or "" when the value is
// fine.
//
// label, when not "", is how the form names the field: an error names
// the field so, not by its key.
func (e *Engine) CheckField(ctx context.Context, req Request, command, field, label, value string) (string, string) {
	if req.Lang == "" {
		e.settleLang(&req, "")
	}
	toks, err := Tokenize(command)
	if err != nil {
		return value, ""
	}
	cmd, _, _ := e.match(toks)
	if cmd == nil {
		return value, ""
	}
	for i := range cmd.Params {
		p := &cmd.Params[i]
		if p.Name.key() != field || p.Kind == KindFlag {
			continue
		}
		value = strings.TrimSpace(value)
		if value == "" {
			if p.Optional || p.Default != "" {
				return p.Default, ""
			}
			return value, Describe(req.Lang, bot.Errorf(bot.EINVALID, "err.missing_arg", "Name", p.Name.In(req.Lang)))
		}
		args := Args{field: {value}}
		if err := e.check(ctx, &req, p, args); err != nil {
			var be *bot.Error
			if errors.As(err, &be) && label != "" && be.Data["Name"] != nil {
				be.Data["Name"] = strings.TrimRight(label, "?: ")
			}
			return value, Describe(req.Lang, err)
		}
		if p.Kind == KindChoice {
			return args.Get(field), ""
		}
	}
	return value, ""
}
