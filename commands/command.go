// Package commands is the command language of samverkan: it parses
// "/samverkan …" text into calls of bot services and builds the
// platform-neutral replies. Each command is registered once, with its
// Swedish and English words, parameters, permission and help; help text,
// usage lines, forms and autocomplete hints are all generated from that.
package commands

import (
	"context"
	"strings"
	"sync"

	"samverkan/bot"
)

// Word is a command or parameter word in Swedish and English.
type Word struct{ Sv, En string }

// In returns the word in lang.
func (w Word) In(lang string) string {
	if lang == "en" && w.En != "" {
		return w.En
	}
	if n := w.nb(); lang == "nb" && n != "" {
		return n
	}
	return w.Sv
}

// match reports whether s is this word in any language (diacritics
// optional) and, when it was the English or Norwegian one, which ("en",
// "nb"; "" for Swedish or a word the languages share).
func (w Word) match(s string) (ok bool, lang string) { return w.matchFolded(bot.Fold(s)) }

// matchFolded is match for a word already folded (bot.Fold): the engine
// folds each typed word once, and the vocabulary's folds are kept.
func (w Word) matchFolded(f string) (ok bool, lang string) {
	if f == folded(w.Sv) {
		return true, ""
	}
	if w.En != "" && f == folded(w.En) {
		return true, "en"
	}
	if n := w.nb(); n != "" && f == folded(n) {
		return true, "nb"
	}
	return false, ""
}

// folds keeps bot.Fold of the command vocabulary: a fixed set of words
// written in the code, never what people type.
var folds sync.Map

func folded(word string) string {
	if f, ok := folds.Load(word); ok {
		return f.(string)
	}
	f := bot.Fold(word)
	folds.Store(word, f)
	return f
}

// key is the parameter's name in key=value and form fields: the folded
// Swedish word, e.g. "niva".
func (w Word) key() string { return bot.Fold(w.Sv) }

// Kind is what a parameter holds and how it is checked.
type Kind int

// Parameter kinds.
const (
	KindText   Kind = iota // one line of text
	KindLong               // free text, may span lines
	KindHandle             // a new handle: lower-case letters, digits, - _
	KindForum              // an existing forum; may be left out in a bound channel
	KindActor              // an existing actor
	KindUser               // a chat user: @name or <@U123>
	KindLevel              // a collaboration level
	KindRoles              // comma-separated roles
	KindFlag               // a word that is present or not, e.g. "övning"
	KindMember             // an existing member handle or a user mention
	KindChoice             // one of Param.Choices
)

// Limits of free text, in characters: a line (a name, a link, a place)
// and a longer text (a report's section, a statement, a decision) — the
// size of a form's text area on both platforms, about half a printed
// page.
const (
	MaxLine = 500
	MaxText = 3000
)

// MaxLen is the most characters the parameter takes, 0 for no limit.
func (p *Param) MaxLen() int {
	switch p.Kind {
	case KindText:
		return MaxLine
	case KindLong:
		return MaxText
	}
	return 0
}

// Param is one parameter of a command.
type Param struct {
	Name       Word // key=value key and form field name
	Meta       Word // placeholder in usage lines, e.g. F or "Namn"
	Kind       Kind
	Positional bool
	Optional   bool
	Variadic   bool   // takes the remaining positional words
	Help       string // catalog ID of the field help
	// Choices are the values of a KindChoice parameter; Label is a
	// catalog ID.
	Choices []bot.Option
	// Default is used when the parameter is left out.
	Default string
	// Label is a catalog ID for the form label when the word is not clear
	// enough on its own.
	Label string
	// Parse, when set, turns what people write (synonyms, either
	// language) into a choice value.
	Parse func(string) (string, bool)
	// OnlyWhen asks for the parameter in a form only when another has a
	// given value.
	OnlyWhen *bot.FieldValue
}

// Command is one registered command.
type Command struct {
	Path   []Word
	Params []Param
	Perm   bot.Permission
	Help   string // catalog ID of the one-line description
	// Form, when true, opens a form built from Params when the command is
	// given without arguments.
	Form bool
	// Args, when set, replaces the generated argument part of the usage
	// line (for commands with many optional fields).
	Args Word
	// Alias keeps the command out of help (another command says it).
	Alias bool
	// Action is the button action this command performs, if any: a button
	// carries the action as data and the command table maps it here.
	Action bot.ActionKind
	Run    func(ctx context.Context, r *Request, a Args) (Reply, error)
	// Prefill, when set, gives the form's starting values by field name
	// (the report's previous version); hidden holds what travels with it.
	Prefill func(r *Request, hidden map[string]string) map[string]string
}

// Words returns the command path in lang, e.g. "forum skapa".
func (c *Command) Words(lang string) string {
	parts := make([]string, len(c.Path))
	for i, w := range c.Path {
		parts[i] = w.In(lang)
	}
	return strings.Join(parts, " ")
}

// Usage is the command's usage line in lang, generated from its params.
func (c *Command) Usage(lang string) string {
	var b strings.Builder
	b.WriteString(c.Words(lang))
	if c.Args.Sv != "" {
		return b.String() + " " + c.Args.In(lang)
	}
	for _, p := range c.Params {
		var s string
		switch {
		case p.Kind == KindFlag:
			s = "[" + p.Name.In(lang) + "]"
		case p.Positional && p.Variadic && (p.Kind == KindText || p.Kind == KindLong):
			s = p.Meta.In(lang) + "…"
		case p.Positional && p.Variadic:
			m := p.Meta.In(lang)
			s = m + " [" + m + "…]"
		case p.Positional:
			s = p.Meta.In(lang)
		default:
			s = p.Name.In(lang) + "=" + p.Meta.In(lang)
		}
		if p.Optional && p.Kind != KindFlag {
			s = "[" + s + "]"
		}
		b.WriteString(" " + s)
	}
	return b.String()
}

// Args are the bound parameter values, by parameter key.
type Args map[string][]string

// Get returns the first value of parameter key.
func (a Args) Get(key string) string {
	if v := a[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Has reports whether a flag or parameter was given.
func (a Args) Has(key string) bool { return len(a[key]) > 0 }

// Request is one command invocation.
type Request struct {
	Caller  bot.Caller
	Channel bot.Channel
	Text    string
	Lang    string
	// Users resolves user mentions through the platform.
	Users UserResolver
	// CanOpenForms is false where a form cannot be shown (e.g. no trigger).
	CanOpenForms bool
	// FromForm says the arguments come from a submitted form, which holds
	// every field: one left empty was emptied, not left out.
	FromForm bool
	// spoken says the words typed chose Lang (an English or Norwegian
	// command word); langOf is the forum whose language Lang is.
	spoken bool
	langOf string
	// bound is the forum the channel is bound to ("" for none), once
	// boundRead (channelForum).
	bound     string
	boundRead bool
}

// UserResolver turns a mention as typed (@anna, <@U123|anna>) into an
// identity on the request's platform.
type UserResolver interface {
	ResolveUser(ctx context.Context, mention string) (bot.Identity, error)
}

// Reply is what the caller gets back.
type Reply struct {
	Message bot.Message
	// Public replies are shown to the whole channel; others only to the
	// caller.
	Public bool
	// Form asks the adapter to open a form.
	Form *bot.Form
	// FieldErrors are per-field problems of a form submission.
	FieldErrors map[string]string
	// Failed marks an error reply.
	Failed bool
	// Busy marks the reply to a command that was not run (or was called
	// off) because the bot was overloaded: nothing was changed.
	Busy bool
	// Lang is the language the reply was written in.
	Lang string
}
