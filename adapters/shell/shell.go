// Package shell is the terminal adapter: the whole bot at a prompt, with
// identities to switch between, so every flow can be tried alone. It reads
// commands from any reader, so it can be scripted.
package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"samverkan/bot"
	"samverkan/catalog"
	"samverkan/commands"
)

// Shell is one terminal session.
type Shell struct {
	Engine *commands.Engine
	Outbox *bot.Outbox
	Out    io.Writer
	// User is who is typing; Channel is the shell channel they type in.
	User    string
	Channel string
	// Prompt, when true, prints a prompt before each line (a terminal).
	Prompt bool
	// Clock, when set, can be moved forward with :spola to see deadlines
	// and reminders without waiting.
	Clock *bot.OffsetClock
	// FileDir is where files sent to the terminal are written ("" is the
	// working directory).
	FileDir string

	mu     sync.Mutex
	tickMu sync.Mutex
	// guests sit in the terminal's channels without being members
	// (:gäst), as a platform admin or a guest may in a real channel.
	guestMu sync.Mutex
	guests  []string
	// left is a command typed where a form asked for a value, to run once
	// the form has been left; quit is set when that was :avsluta.
	left string
	quit bool
}

// New returns a shell acting as user in channel.
func New(e *commands.Engine, o *bot.Outbox, out io.Writer, user, channel string) *Shell {
	return &Shell{Engine: e, Outbox: o, Out: out, User: user, Channel: channel}
}

// Platform returns the outbound side of the shell: posts and direct
// messages are printed.
func (s *Shell) Platform() bot.Platform { return &printer{s: s} }

var nameRE = regexp.MustCompile(`^@?([\p{L}0-9._-]{1,64})$`)

// ResolveUser accepts any @name: in the terminal you may be anyone.
func (s *Shell) ResolveUser(_ context.Context, mention string) (bot.Identity, error) {
	m := nameRE.FindStringSubmatch(strings.TrimSpace(mention))
	if m == nil {
		return bot.Identity{}, bot.Errorf(bot.EINVALID, "err.unknown_user", "User", mention)
	}
	name := strings.ToLower(m[1])
	return bot.Identity{Platform: bot.Shell, UserID: name, Username: name}, nil
}

func (s *Shell) lang() string { return s.Engine.Lang }

func (s *Shell) printf(format string, a ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.Out, format, a...)
}

// Run reads lines until EOF or :avsluta and runs each one.
func (s *Shell) Run(ctx context.Context, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	p := catalog.Printer{Lang: s.lang()}
	if s.Prompt {
		s.printf("%s\n", p.T("shell.welcome", "User", s.User, "Channel", s.Channel))
		// At a terminal, deadlines fire while you think.
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					s.Tick(ctx)
				}
			}
		}()
	}
	for {
		if s.Prompt {
			s.printf("%s@%s> ", s.User, s.Channel)
		}
		if !sc.Scan() {
			return sc.Err()
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, ":") {
			if quit := s.meta(line); quit {
				return nil
			}
			continue
		}
		s.Line(ctx, line, sc)
		if s.quit {
			return nil
		}
	}
}

// meta handles the shell's own commands; it returns true to quit.
func (s *Shell) meta(line string) bool {
	p := catalog.Printer{Lang: s.lang()}
	word, arg, _ := strings.Cut(strings.TrimPrefix(line, ":"), " ")
	arg = strings.TrimSpace(arg)
	switch bot.Fold(word) {
	case "som", "as":
		id, err := s.ResolveUser(context.Background(), arg)
		if err != nil {
			s.printf("%s\n", p.T("shell.as_usage"))
			return false
		}
		var known []string
		if ids, err := s.Engine.Bot.Registry.Identities(bot.Shell); err == nil {
			for _, i := range ids {
				known = append(known, i.UserID)
			}
		}
		if len(known) > 0 && !slices.Contains(known, id.UserID) {
			if near := commands.Nearest(id.UserID, known); near != "" {
				s.printf("%s\n", p.T("shell.as_near", "User", id.UserID, "Near", near))
				return false
			}
			s.printf("%s\n", p.T("shell.as_unknown", "User", id.UserID))
		}
		s.User = id.UserID
		s.printf("%s\n", p.T("shell.now_as", "User", s.User))
	case "kanal", "channel":
		if arg == "" {
			s.printf("%s\n", p.T("shell.channel_usage"))
			return false
		}
		s.Channel = strings.TrimPrefix(arg, "#")
		s.printf("%s\n", p.T("shell.now_in", "Channel", s.Channel))
	case "gast", "guest":
		s.guest(p, arg)
	case "vem", "who":
		s.printf("%s\n", p.T("shell.who", "User", s.User, "Channel", s.Channel))
	case "spola", "advance":
		d, err := parseSpan(arg)
		if err != nil || d <= 0 || s.Clock == nil {
			s.printf("%s\n", p.T("shell.advance_usage"))
			return false
		}
		target := s.Clock.Now().Add(d)
		s.printf("%s\n", p.T("shell.advanced", "D", arg, "Time", s.Engine.Bot.LocalTime(target)))
		s.advance(context.Background(), target)
	case "avsluta", "quit", "exit", "q":
		return true
	default:
		s.printf("%s\n", p.T("shell.meta_help"))
	}
	return false
}

// Line runs one command line as the current user. Forms are asked field by
// field from more (the rest of the input).
func (s *Shell) Line(ctx context.Context, line string, more *bufio.Scanner) {
	line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), s.Engine.Root))
	req, err := s.request(line, more != nil)
	if err != nil {
		s.printf("! %v\n", err)
		return
	}
	r := s.Engine.Run(ctx, req)
	if r.Form != nil && more != nil {
		if r.Lang != "" {
			req.Lang = r.Lang // an English command gets an English form
		}
		r = s.fillForm(ctx, req, r.Form, more)
	}
	s.show(r)
	s.flush(ctx)
	// A command typed where the form asked for a value left the form:
	// it runs now, as typed.
	if next := s.left; next != "" {
		s.left = ""
		if strings.HasPrefix(next, ":") {
			s.quit = s.meta(next)
			return
		}
		s.Line(ctx, next, more)
	}
}

// leavesForm reports whether an answer to a form's field is a command
// typed instead: a shell command (":som …"), the root ("/samverkan …"),
// or a command's words — for a field of choices any command, for a text
// one only a command of two or more words or a command alone on the
// line, since free text may start with a word like "status".
func (s *Shell) leavesForm(ff bot.FormField, v string) bool {
	switch {
	case isCancel(v):
		return false
	case strings.HasPrefix(v, ":"), strings.HasPrefix(v, "/"):
		return true
	}
	n := s.Engine.CommandWords(v)
	if n == 0 {
		return false
	}
	return len(ff.Options) > 0 || n >= 2 || n == len(strings.Fields(v))
}

func (s *Shell) request(line string, forms bool) (commands.Request, error) {
	id := bot.Identity{Platform: bot.Shell, UserID: s.User, Username: s.User}
	c, err := s.Engine.Bot.Caller(id)
	if err != nil {
		return commands.Request{}, err
	}
	return commands.Request{
		Caller:       c,
		Channel:      bot.Channel{Platform: bot.Shell, ID: s.Channel, Name: "#" + s.Channel},
		Text:         line,
		Users:        s,
		CanOpenForms: forms,
	}, nil
}

// optionValue is the value of the option whose label (or the part before
// " – ") or value the answer names, in any case; else the answer as it is.
func optionValue(ff bot.FormField, answer string) string {
	for _, o := range ff.Options {
		label, _, _ := strings.Cut(o.Label, " – ")
		if strings.EqualFold(answer, o.Label) || strings.EqualFold(answer, label) || strings.EqualFold(answer, o.Value) {
			return o.Value
		}
	}
	return answer
}

// isCancel reports whether a form answer asks to cancel the form.
func isCancel(v string) bool {
	v = strings.ToLower(v)
	return v == "avbryt" || v == "cancel" || v == ":avbryt" || v == ":cancel"
}

// fillForm asks each field in turn; a field error asks that field again;
// `avbryt` (or `cancel`) at any field cancels the form with nothing saved.
func (s *Shell) fillForm(ctx context.Context, req commands.Request, f *bot.Form, in *bufio.Scanner) commands.Reply {
	lang := req.Lang
	if lang == "" {
		lang = s.lang()
	}
	p := catalog.Printer{Lang: lang}
	values := map[string]string{}
	for k, v := range f.Hidden {
		values[k] = v
	}
	s.printf("%s\n", p.T("shell.form_intro", "Title", f.Title))
	if f.Intro != "" {
		s.printf("%s\n", f.Intro)
	}
	ask := func(ff bot.FormField) bool {
		hint := ff.Help
		if len(ff.Options) > 0 {
			var opts []string
			for _, o := range ff.Options {
				if o.Value == ff.Default {
					opts = append(opts, "["+o.Label+"]")
				} else {
					opts = append(opts, o.Label)
				}
			}
			hint = strings.Join(opts, " | ")
		}
		opt := ""
		if ff.Optional {
			opt = " " + p.T("shell.optional")
		}
		if hint != "" {
			s.printf("  %s%s (%s): ", ff.Label, opt, hint)
		} else {
			s.printf("  %s%s: ", ff.Label, opt)
		}
		if len(ff.Options) == 0 && ff.Default != "" {
			// A text that starts from the previous version: Enter keeps it.
			s.printf("\n    %s\n    %s ", p.T("shell.current", "Text", ff.Default), p.T("shell.keep_or_clear"))
		}
		if !in.Scan() {
			return false
		}
		v := strings.TrimSpace(in.Text())
		if !s.Prompt {
			s.printf("%s\n", v)
		}
		switch {
		case isCancel(v):
			return false
		case s.leavesForm(ff, v):
			s.left = v
			return false
		case v == "" && ff.Default != "":
			v = ff.Default
		case v == "-" && len(ff.Options) == 0 && ff.Default != "":
			v = ""
		case len(ff.Options) > 0:
			v = optionValue(ff, v)
		}
		values[ff.Name] = v
		return true
	}
	// checked holds each answered field as the command reads it.
	checked := map[string]string{}
	// askValid asks until the field's value passes its own check.
	askValid := func(ff bot.FormField) bool {
		for range 5 {
			if !ask(ff) {
				return false
			}
			norm, msg := s.Engine.CheckField(ctx, req, f.Command, ff.Name, ff.Label, values[ff.Name])
			if msg == "" {
				checked[ff.Name] = norm
				return true
			}
			s.printf("  ! %s\n", msg)
		}
		return false
	}
	cancelled := func() commands.Reply {
		if s.left != "" {
			return commands.Reply{Failed: true, Message: bot.Message{Text: p.T("shell.form_left", "Command", s.left)}}
		}
		return commands.Reply{Failed: true, Message: bot.Message{Text: p.T("shell.form_cancelled")}}
	}
	for _, ff := range f.Fields {
		if w := ff.OnlyWhen; w != nil && checked[w.Field] != w.Value {
			continue // e.g. recipients, asked only for TLP:RED
		}
		if !askValid(ff) {
			return cancelled()
		}
	}
	for range 5 {
		r := s.Engine.Submit(ctx, req, f.Command, values)
		if len(r.FieldErrors) == 0 {
			return r
		}
		for _, ff := range f.Fields {
			if msg, ok := r.FieldErrors[ff.Name]; ok {
				s.printf("  ! %s\n", msg)
				if !askValid(ff) {
					return cancelled()
				}
			}
		}
	}
	return commands.Reply{Failed: true, Message: bot.Message{Text: p.T("shell.form_cancelled")}}
}

func (s *Shell) show(r commands.Reply) {
	text := Render(r.Message, s.Engine)
	switch {
	case r.Failed:
		s.printf("! %s", text)
	case r.Public:
		s.printf("[#%s] %s", s.Channel, text)
	default:
		s.printf("%s", text)
	}
}

// flush fires due timers and delivers what is queued, so posts show right
// after the answer that caused them.
func (s *Shell) flush(ctx context.Context) { s.Tick(ctx) }

// advance lets time pass until target: each timer fires at its own time
// and what it sends is delivered then, so that moving the clock over
// 16:00 holds the meeting on time (not as if the bot had been down) and
// a reminder comes before its deadline.
func (s *Shell) advance(ctx context.Context, target time.Time) {
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	for range 10000 {
		next, _ := s.Engine.Bot.RunTimers(ctx)
		if s.Outbox != nil {
			_, _ = s.Outbox.DeliverDue(ctx)
		}
		if next.IsZero() || next.After(target) {
			break
		}
		s.Clock.Advance(next.Sub(s.Clock.Now()))
	}
	s.Clock.Advance(target.Sub(s.Clock.Now()))
	_, _ = s.Engine.Bot.RunTimers(ctx)
	if s.Outbox != nil {
		_, _ = s.Outbox.DeliverDue(ctx)
	}
}

// parseSpan reads a span of time as Go does ("90m", "1h30m") and also in
// days ("3d", "1d12h").
func parseSpan(s string) (time.Duration, error) {
	s = strings.ReplaceAll(s, " ", "")
	days := time.Duration(0)
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, err
		}
		days, s = time.Duration(n)*24*time.Hour, s[i+1:]
	}
	if s == "" {
		return days, nil
	}
	d, err := time.ParseDuration(s)
	return days + d, err
}

// Tick fires due timers (reminders, deadlines) and delivers the outbox.
func (s *Shell) Tick(ctx context.Context) {
	s.tickMu.Lock()
	defer s.tickMu.Unlock()
	_, _ = s.Engine.Bot.RunTimers(ctx)
	if s.Outbox != nil {
		_, _ = s.Outbox.DeliverDue(ctx)
	}
}

// ChannelMembers says who reads a terminal channel: every registered
// person with a terminal identity whose organisation takes part in a
// forum bound to it (everyone, for a channel bound to none), as a forum's
// channel is joined by its own people. The gate checks them before
// TLP:AMBER content is shown in the channel. Guests added with :gäst sit
// there too.
func (s *Shell) ChannelMembers(_ context.Context, channel string) ([]string, error) {
	var out []string
	err := s.Engine.Bot.View(func(tx bot.Tx) error {
		forums, err := bot.ForumsOfChannel(tx, bot.Channel{Platform: bot.Shell, ID: channel})
		if err != nil {
			return err
		}
		actors := map[string]bool{}
		for _, id := range forums {
			f, err := bot.GetForum(tx, id)
			if err != nil {
				return err
			}
			for _, a := range f.Actors {
				actors[a] = true
			}
		}
		ms, err := bot.ListMembers(tx)
		for _, m := range ms {
			if len(forums) > 0 && !actors[m.Actor] {
				continue
			}
			for _, id := range m.Identities {
				if id.Platform == bot.Shell {
					out = append(out, id.UserID)
				}
			}
		}
		return err
	})
	s.guestMu.Lock()
	defer s.guestMu.Unlock()
	for _, g := range s.guests {
		if !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out, err
}

// guest seats someone who is not a member in the terminal's channels
// (":gäst namn"), or lets them leave (":gäst -namn"); without a name it
// lists them. It is how to try what the bot does when a guest sits in a
// forum channel.
func (s *Shell) guest(p catalog.Printer, arg string) {
	s.guestMu.Lock()
	defer s.guestMu.Unlock()
	name, leave := strings.CutPrefix(strings.TrimPrefix(arg, "@"), "-")
	name = strings.TrimPrefix(name, "@")
	switch {
	case arg == "":
		s.printf("%s\n", p.T("shell.guests", "Guests", strings.Join(s.guests, ", ")))
	case !nameRE.MatchString(name):
		s.printf("%s\n", p.T("shell.guest_usage"))
	case leave:
		s.guests = slices.DeleteFunc(s.guests, func(g string) bool { return g == name })
		s.printf("%s\n", p.T("shell.guest_left", "User", name))
	default:
		if !slices.Contains(s.guests, name) {
			s.guests = append(s.guests, name)
		}
		s.printf("%s\n", p.T("shell.guest_joined", "User", name))
	}
}

// CanPost is always true: the terminal has no membership.
func (s *Shell) CanPost(context.Context, string) error { return nil }

// UserName shows a terminal user as @name.
func (s *Shell) UserName(_ context.Context, id string) string { return "@" + id }

// printer is the shell's bot.Platform.
type printer struct {
	s   *Shell
	mu  sync.Mutex
	seq int
}

func (p *printer) next() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	return fmt.Sprintf("t%d", p.seq)
}

func (p *printer) Post(_ context.Context, _, channel, thread string, m bot.Message) ([]string, error) {
	id := p.next()
	where := "#" + channel
	if thread != "" {
		where += " ↳ " + thread
	}
	p.s.printf("[%s %s] %s", where, id, Render(m, p.s.Engine))
	return []string{id}, nil
}

func (p *printer) DirectMessage(_ context.Context, _, user string, m bot.Message) (string, []string, error) {
	id := p.next()
	p.s.printf("[DM → %s %s] %s", user, id, Render(m, p.s.Engine))
	return "@" + user, []string{id}, nil
}

// SendFile writes the file into the shell's file directory and says where.
func (p *printer) SendFile(_ context.Context, _ string, to bot.Destination, f bot.File, m bot.Message) (string, string, error) {
	path := filepath.Join(p.s.FileDir, filepath.Base(f.Name))
	if err := os.WriteFile(path, f.Content, 0o600); err != nil {
		return "", "", &bot.PermanentError{Err: err}
	}
	id := p.next()
	p.s.printf("[%s → %s %s] %s%s\n", catalog.T(p.s.lang(), "shell.file"), to.User, id, Render(m, p.s.Engine), path)
	return "@" + to.User, id, nil
}

func (p *printer) Update(_ context.Context, _, channel string, ids []string, m bot.Message) ([]string, error) {
	p.s.printf("[%s %s %s] %s", channel, ids[0], catalog.T(p.s.lang(), "shell.edited"), Render(m, p.s.Engine))
	return ids, nil
}
