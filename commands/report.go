package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"samverkan/bot"
	"samverkan/catalog"
)

var wReport = Word{"lägesbild", "report"}

// sectionWords are the template's sections as command words, in order;
// their folded Swedish word is the bot's section key.
var sectionWords = []Word{
	{"fakta", "facts"},
	{"prognos", "prognosis"},
	{"inriktning", "direction"},
	{"kommunikation", "communication"},
	{"samordning-åtgärder", "coordination-actions"},
	{"samordning-budskap", "coordination-messages"},
}

var shareChoices = []bot.Option{{Label: "choice.shared", Value: "delas"}, {Label: "choice.internal", Value: "intern"}}

func tlpChoices() []bot.Option {
	var out []bot.Option
	for _, t := range bot.TLPs() {
		out = append(out, bot.Option{Label: "tlp." + strings.ToLower(strings.ReplaceAll(string(t), "+", "_")), Value: string(t)})
	}
	return out
}

func parseTLP(s string) (string, bool) {
	t, ok := bot.ParseTLP(s)
	return string(t), ok
}

func parseAudience(s string) (string, bool) {
	a, ok := bot.ParseAudience(s)
	return string(a), ok
}

func (e *Engine) registerReports() {
	params := []Param{pForum}
	for _, w := range sectionWords {
		params = append(params,
			Param{Name: w, Meta: Word{"text", "text"}, Kind: KindLong, Optional: true, Help: "section." + w.key() + ".help"},
			Param{Name: Word{w.Sv + "-delas", w.En + "-shared"}, Meta: Word{"delas|intern", "delas|intern"}, Kind: KindChoice, Choices: shareChoices, Default: "delas", Help: "param.share", Label: "label.share." + w.key()})
	}
	params = append(params, Param{Name: Word{"tlp", "tlp"}, Meta: Word{"AMBER", "AMBER"}, Kind: KindChoice, Choices: tlpChoices(), Default: string(bot.TLPAmber), Help: "param.tlp", Parse: parseTLP})
	e.Register(&Command{Path: []Word{wReport, {"ny", "new"}}, Params: params, Perm: bot.PermMember, Help: "help.report_new", Form: true, Run: e.reportNew,
		Args: Word{`F [fakta="…"] [prognos="…"] [inriktning="…"] … [fakta-delas=intern] [tlp=AMBER]`, `F [facts="…"] [prognosis="…"] [direction="…"] … [facts-shared=intern] [tlp=AMBER]`}})
	pActorOpt := Param{Name: Word{"aktör", "actor"}, Meta: Word{"A", "A"}, Kind: KindActor, Positional: true, Optional: true, Help: "param.actor"}
	e.Register(&Command{
		Path:   []Word{wReport, {"visa", "show"}},
		Params: []Param{pForum, pActorOpt, {Name: Word{"version", "version"}, Meta: Word{"N", "N"}, Kind: KindText, Optional: true, Help: "param.version"}},
		Perm:   bot.PermMember, Help: "help.report_show", Run: e.reportShow,
	})
	e.Register(&Command{Path: []Word{wReport, {"samlad", "compiled"}}, Params: []Param{pForum}, Perm: bot.PermMember, Help: "help.report_compiled", Run: e.reportCompiled})
	e.Register(&Command{
		Path:   []Word{wReport, {"dela", "share"}},
		Params: []Param{pForum, pActorOpt, {Name: Word{"till", "to"}, Meta: Word{"@a,@b", "@a,@b"}, Kind: KindText, Optional: true, Help: "param.to"}},
		Perm:   bot.PermMember, Help: "help.report_share", Run: e.reportShare,
	})
	e.Register(&Command{Path: []Word{wReport, {"begär", "request"}}, Params: []Param{pForum}, Perm: bot.PermConference, Help: "help.report_request", Run: e.reportRequest})
	e.Register(&Command{Path: []Word{wReport, {"export", "export"}}, Params: []Param{pForum}, Perm: bot.PermMember, Help: "help.report_export", Run: e.reportExport})
}

func (e *Engine) reportNew(_ context.Context, r *Request, a Args) (Reply, error) {
	var sections []bot.ReportSection
	for _, w := range sectionWords {
		sections = append(sections, bot.ReportSection{Key: w.key(), Text: a.Get(w.key()), Shared: a.Get(w.key()+"-delas") != "intern"})
	}
	tlp, _ := bot.ParseTLP(a.Get("tlp"))
	rep, err := e.Bot.FileReport(r.Caller, a.Get("forum"), sections, tlp)
	if err != nil {
		return Reply{}, err
	}
	shared, internal := 0, 0
	for _, s := range rep.Sections {
		switch {
		case s.Text == "":
		case s.Shared:
			shared++
		default:
			internal++
		}
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{TLP: rep.TLP, Text: p.T("report.saved", "N", rep.Number, "Version", rep.Version, "Actor", rep.Actor, "Shared", shared, "Internal", internal, "Forum", rep.Forum)}}, nil
}

func (e *Engine) reportShow(_ context.Context, r *Request, a Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	var msg bot.Message
	err := e.Bot.View(func(tx bot.Tx) error {
		f, err := bot.GetForum(tx, a.Get("forum"))
		if err != nil {
			return err
		}
		if err := bot.Require(r.Caller, bot.PermMember, f); err != nil {
			return err
		}
		actor := a.Get("aktor")
		if actor == "" {
			if r.Caller.Member == nil {
				return bot.Require(r.Caller, bot.PermMember, f)
			}
			actor = r.Caller.Member.Actor
		}
		versions, err := bot.ReportVersions(tx, f.ID, actor)
		if err != nil {
			return err
		}
		if len(versions) == 0 {
			return bot.Errorf(bot.ENOTFOUND, "err.no_report", "Actor", actor, "Forum", f.ID)
		}
		rep := versions[len(versions)-1]
		if v := a.Get("version"); v != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
			if err != nil || n < 1 || n > len(versions) {
				return bot.Errorf(bot.EINVALID, "err.bad_version", "Value", v, "Max", len(versions)).OnField("version")
			}
			rep = versions[n-1]
		}
		own := r.Caller.Member != nil && r.Caller.Member.Actor == actor
		if !own {
			rep = rep.Shared()
		}
		name := actor
		if act, err := bot.GetActor(tx, actor); err == nil {
			name = act.Name
		}
		msg = e.Bot.ReportMessage(rep, name)
		if !own {
			msg.Text = p.T("report.shared_only")
		}
		var vs []string
		for _, v := range versions {
			vs = append(vs, fmt.Sprintf("v%d %s", v.Version, e.Bot.LocalTime(v.At)))
		}
		if len(vs) > 1 {
			msg.Fields = append(msg.Fields, bot.Field{Title: p.T("report.versions"), Value: strings.Join(vs, " · ")})
		}
		return nil
	})
	return Reply{Message: msg}, err
}

func (e *Engine) compiled(r *Request, forum string) (*bot.Compiled, error) {
	var c *bot.Compiled
	err := e.Bot.View(func(tx bot.Tx) error {
		f, err := bot.GetForum(tx, forum)
		if err != nil {
			return err
		}
		if err := bot.Require(r.Caller, bot.PermMember, f); err != nil {
			return err
		}
		c, err = e.Bot.Compile(tx, f, e.Bot.Clock.Now())
		return err
	})
	return c, err
}

func (e *Engine) reportCompiled(_ context.Context, r *Request, a Args) (Reply, error) {
	c, err := e.compiled(r, a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	return Reply{Message: e.Bot.CompiledMessage(c)}, nil
}

// reportShare posts the compiled picture, or one actor's shared report,
// to the forum's channels or to named people, under the TLP rules.
func (e *Engine) reportShare(ctx context.Context, r *Request, a Args) (Reply, error) {
	c, err := e.compiled(r, a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	msg, label, what := e.Bot.CompiledMessage(c), c.TLP, "compiled"
	if actor := a.Get("aktor"); actor != "" {
		var rep *bot.Report
		for i := range c.Reports {
			if c.Reports[i].Actor == actor {
				rep = &c.Reports[i]
			}
		}
		if rep == nil {
			return Reply{}, bot.Errorf(bot.ENOTFOUND, "err.no_shared_report", "Actor", actor)
		}
		msg, label, what = e.Bot.ReportMessage(*rep, c.Names[actor]), rep.TLP, fmt.Sprintf("report #%d", rep.Number)
	}
	to := bot.ShareTarget{Channels: c.Forum.Channels}
	if list := a.Get("till"); list != "" {
		to.Channels = nil
		for _, m := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
			if r.Users == nil {
				return Reply{}, bot.Errorf(bot.EINVALID, "err.unknown_user", "User", m)
			}
			id, err := r.Users.ResolveUser(ctx, m)
			if err != nil {
				return Reply{}, fieldOf(err, "till")
			}
			to.People = append(to.People, id)
		}
	}
	if err := e.Bot.Share(ctx, r.Caller, c.Forum.ID, label, to, msg, what); err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("report.shared", "Label", label.Label(), "Channels", len(to.Channels), "People", len(to.People))}}, nil
}

func (e *Engine) reportRequest(_ context.Context, r *Request, a Args) (Reply, error) {
	n, err := e.Bot.RequestReports(r.Caller, a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("report.requested", "N", n, "Forum", a.Get("forum"))}}, nil
}

// reportExport sends the compiled picture as a Markdown file to the
// caller's direct messages (a file in the terminal).
func (e *Engine) reportExport(_ context.Context, r *Request, a Args) (Reply, error) {
	c, err := e.compiled(r, a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	name := fmt.Sprintf("lagesbild-%s-%s.md", c.Forum.ID, c.At.In(bot.Stockholm()).Format("2006-01-02-1504"))
	p := catalog.Printer{Lang: r.Lang}
	comment := bot.Message{TLP: c.TLP, Text: p.T("report.export_comment", "Forum", c.Forum.Name)}
	to := bot.Destination{Platform: r.Caller.Identity.Platform, User: r.Caller.Identity.UserID}
	if err := e.Bot.SendFile(r.Caller, to, bot.File{Name: name, Content: []byte(e.Bot.CompiledMarkdown(c))}, comment, c.Forum.ID); err != nil {
		return Reply{}, err
	}
	return Reply{Message: bot.Message{Text: p.T("report.exported", "File", name)}}, nil
}
