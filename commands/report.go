package commands

import (
	"cmp"
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

// reportCommands runs the commands of situation reports and the common
// picture.
type reportCommands struct{ *Engine }

func (e *Engine) registerReports() {
	c := reportCommands{e}
	params := []Param{pForum}
	for _, w := range sectionWords {
		params = append(params,
			Param{Name: w, Meta: Word{"text", "text"}, Kind: KindLong, Optional: true, Help: "section." + w.key() + ".help", Label: "label.section." + w.key()},
			Param{Name: Word{w.Sv + "-delas", w.En + "-shared"}, Meta: Word{"delas|intern", "shared|internal"}, Kind: KindChoice, Choices: shareChoices, Optional: true, Help: "param.share", Label: "label.share." + w.key()})
	}
	params = append(params,
		Param{Name: Word{"tlp", "tlp"}, Meta: Word{"AMBER", "AMBER"}, Kind: KindChoice, Choices: tlpChoices(), Optional: true, Help: "param.tlp", Parse: parseTLP, Label: "label.tlp"},
		Param{Name: Word{"till", "to"}, Meta: Word{"@a,@b", "@a,@b"}, Kind: KindText, Optional: true, Help: "param.report_to", Label: "label.report_to",
			OnlyWhen: &bot.FieldValue{Field: "tlp", Value: string(bot.TLPRed)}})
	e.Register(&Command{Path: []Word{wReport, {"ny", "new"}}, Params: params, Perm: bot.PermMember, Help: "help.report_new", Form: true, Run: c.reportNew, Action: bot.ActNewReport, Prefill: c.reportDraft,
		Args: Word{`F [fakta="…"] [prognos="…"] [inriktning="…"] … [fakta-delas=intern] [tlp=AMBER] [till=@a,@b]`, `F [facts="…"] [prognosis="…"] [direction="…"] … [facts-shared=intern] [tlp=AMBER] [to=@a,@b]`}})
	pActorOpt := Param{Name: Word{"aktör", "actor"}, Meta: Word{"A", "A"}, Kind: KindActor, Positional: true, Optional: true, Help: "param.actor"}
	e.Register(&Command{
		Path:   []Word{wReport, {"visa", "show"}},
		Params: []Param{pForum, pActorOpt, {Name: Word{"version", "version"}, Meta: Word{"N", "N"}, Kind: KindText, Optional: true, Help: "param.version"}},
		Perm:   bot.PermMember, Help: "help.report_show", Run: c.reportShow, Action: bot.ActShowReport,
	})
	e.Register(&Command{Path: []Word{wReport, {"samlad", "compiled"}}, Params: []Param{pForum}, Perm: bot.PermMember, Help: "help.report_compiled", Run: c.reportCompiled})
	e.Register(&Command{
		Path:   []Word{wReport, {"dela", "share"}},
		Params: []Param{pForum, pActorOpt, {Name: Word{"till", "to"}, Meta: Word{"@a,@b", "@a,@b"}, Kind: KindText, Optional: true, Help: "param.to"}},
		Perm:   bot.PermMember, Help: "help.report_share", Run: c.reportShare,
	})
	e.Register(&Command{Path: []Word{wReport, {"begär", "request"}}, Params: []Param{pForum}, Perm: bot.PermConference, Help: "help.report_request", Run: c.reportRequest})
	e.Register(&Command{Path: []Word{wReport, {"export", "export"}}, Params: []Param{pForum, pFormat}, Perm: bot.PermMember, Help: "help.report_export", Run: c.reportExport})
}

// people resolves a comma- or space-separated list of mentions.
func (e reportCommands) people(ctx context.Context, r *Request, list, field string) ([]bot.Identity, error) {
	var out []bot.Identity
	for _, m := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		if r.Users == nil {
			return nil, bot.Errorf(bot.EINVALID, "err.unknown_user", "User", m).OnField(field)
		}
		id, err := r.Users.ResolveUser(ctx, m)
		if err != nil {
			return nil, fieldOf(err, field)
		}
		out = append(out, id)
	}
	return out, nil
}

// reportNew files the next version of the caller's actor's report: the
// sections typed replace those of the previous version (`-` clears one),
// the others stay; a submitted form, which starts from the previous
// version, is the whole report.
func (e reportCommands) reportNew(ctx context.Context, r *Request, a Args) (Reply, error) {
	edit := bot.ReportEdit{Texts: map[string]string{}, Shared: map[string]bool{}, Whole: r.FromForm}
	for _, w := range sectionWords {
		k := w.key()
		if a.Has(k) {
			if t := a.Get(k); t != "-" && t != "–" {
				edit.Texts[k] = t
			} else {
				edit.Texts[k] = ""
			}
		}
		if a.Has(k + "-delas") {
			edit.Shared[k] = a.Get(k+"-delas") != "intern"
		}
	}
	edit.TLP, _ = bot.ParseTLP(a.Get("tlp"))
	to, err := e.people(ctx, r, a.Get("till"), "till")
	if err != nil {
		return Reply{}, err
	}
	edit.To = to
	filed, err := e.Bot.Reports.Revise(ctx, r.Caller, a.Get("forum"), edit)
	if err != nil {
		return Reply{}, err
	}
	rep := filed.Report
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
	text := p.T("report.saved", "N", rep.Number, "Version", rep.Version, "Actor", rep.Actor, "Forum", rep.Forum,
		"Shared", p.T("report.n_shared", "Count", shared), "Internal", p.T("report.n_internal", "Count", internal))
	if len(filed.Kept) > 0 {
		var names []string
		for _, k := range filed.Kept {
			names = append(names, p.T("section."+k))
		}
		text += "\n" + p.T("report.kept", "Version", rep.Version-1, "Sections", strings.Join(names, ", "))
	}
	if filed.Was != "" {
		text += "\n" + p.T("report.relabelled", "Label", rep.TLP.Label(), "Was", filed.Was.Label(), "Count", shared+internal)
	}
	return Reply{Message: bot.Message{TLP: rep.TLP, Text: text}}, nil
}

// reportDraft starts the report form from the caller's actor's latest
// version: its texts, sharing and label; a first report from the
// template's defaults.
func (e reportCommands) reportDraft(r *Request, hidden map[string]string) map[string]string {
	out := map[string]string{"tlp": string(bot.TLPAmber)}
	for _, k := range bot.SectionKeys {
		out[k+"-delas"] = share(bot.SharedByDefault(k))
	}
	prev, err := e.Bot.Reports.Draft(r.Caller, hidden["forum"])
	if err != nil || prev == nil {
		return out
	}
	out["tlp"] = string(prev.TLP)
	for _, s := range prev.Sections {
		out[s.Key], out[s.Key+"-delas"] = s.Text, share(s.Shared)
	}
	return out
}

func share(shared bool) string {
	if shared {
		return "delas"
	}
	return "intern"
}

func (e reportCommands) reportShow(_ context.Context, r *Request, a Args) (Reply, error) {
	p := catalog.Printer{Lang: r.Lang}
	version := 0
	if v := a.Get("version"); v != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(v, "v"))
		if err != nil || n < 1 {
			return Reply{}, bot.Errorf(bot.EINVALID, "err.bad_number", "Value", v).OnField("version")
		}
		version = n
	}
	view, err := e.Bot.Reports.Show(r.Caller, a.Get("forum"), a.Get("aktor"), version)
	if err != nil {
		return Reply{}, err
	}
	msg := view.Message
	if !view.Own {
		msg.Text = p.T("report.shared_only")
	}
	var vs []string
	for _, v := range view.Versions {
		vs = append(vs, fmt.Sprintf("v%d %s", v.Version, e.Bot.LocalTime(v.At)))
	}
	if len(vs) > 1 {
		msg.Fields = append(msg.Fields, bot.Field{Title: p.T("report.versions"), Value: strings.Join(vs, " · ")})
	}
	return Reply{Message: msg}, nil
}

func (e reportCommands) reportCompiled(_ context.Context, r *Request, a Args) (Reply, error) {
	m, err := e.Bot.Reports.Picture(r.Caller, a.Get("forum"))
	return Reply{Message: m}, err
}

// reportShare posts the compiled picture, or one actor's shared report,
// to the forum's channels or to named people, under the TLP rules.
func (e reportCommands) reportShare(ctx context.Context, r *Request, a Args) (Reply, error) {
	to, err := e.people(ctx, r, a.Get("till"), "till")
	if err != nil {
		return Reply{}, err
	}
	res, err := e.Bot.Reports.Share(ctx, r.Caller, a.Get("forum"), a.Get("aktor"), to)
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	where := "report.shared_where_none"
	switch {
	case res.Channels > 0 && res.People > 0:
		where = "report.shared_where_both"
	case res.Channels > 0:
		where = "report.shared_where_channels"
	case res.People > 0:
		where = "report.shared_where_people"
	}
	text := p.T("report.shared", "Label", res.Label.Label(), "Where", p.T(where, "Channels", p.Count("channels", res.Channels), "People", p.Count("people", res.People)))
	if res.Withheld > 0 {
		text += "\n" + p.T("report.withheld_red", "Count", res.Withheld)
	}
	return Reply{Message: bot.Message{Text: text}}, nil
}

func (e reportCommands) reportRequest(ctx context.Context, r *Request, a Args) (Reply, error) {
	n, err := e.Bot.Reports.Request(ctx, r.Caller, a.Get("forum"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("report.requested", "N", n, "Count", n, "Forum", a.Get("forum"))}}, nil
}

// reportExport sends the compiled picture as a Markdown file to the
// caller's direct messages (a file in the terminal).
func (e reportCommands) reportExport(ctx context.Context, r *Request, a Args) (Reply, error) {
	name, err := e.Bot.Reports.Export(ctx, r.Caller, a.Get("forum"), cmp.Or(a.Get("format"), "md"))
	if err != nil {
		return Reply{}, err
	}
	p := catalog.Printer{Lang: r.Lang}
	return Reply{Message: bot.Message{Text: p.T("report.exported", "File", name)}}, nil
}
